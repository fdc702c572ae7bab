package main

import (
	"context"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kbench/kbench/kbenchtest"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

// runThroughCrash runs a kbench scenario with a pipeline section against
// the reference pipeline in mode, SIGKILLs the pipeline a second into the
// run and starts it again, and returns the verification of its output
// judged under expect. The cluster is kbenchtest's: embedded, or real
// Apache Kafka with KBENCH_TEST_CLUSTER=kafka.
func runThroughCrash(t *testing.T, mode string, expect scenarios.Guarantee) measure.Verification {
	t.Helper()
	cl := kbenchtest.NewCluster(t)
	brokers := cl.Brokers
	sc := &scenarios.Scenario{
		Name: "pipeline-crash", Duration: 3 * time.Second, Drain: time.Minute,
		Topics: []scenarios.Topic{{Name: "in", Partitions: 3}, {Name: "out", Partitions: 3}},
		Data: []*scenarios.Data{{Name: "order", Format: scenarios.FormatJSON,
			Fields: []*scenarios.Field{{Name: "id", Fake: "uuid"}},
			Key:    scenarios.Key{Field: "id", Distribution: scenarios.KeyUniform, Cardinality: 1000}}},
		Producers: []scenarios.Producer{{Name: "orders", Topic: "in", Data: "order", Instances: 2,
			Rate: scenarios.Rate{Profile: scenarios.RateConstant, Rate: 3000}, Acks: scenarios.AcksAll, Idempotent: true}},
		Pipeline: &scenarios.Pipeline{Input: "in", Output: "out", Expect: expect, SameKey: true, SameValue: true},
	}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	cmd := startPipeline(t, brokers, mode)
	crashed := false
	res, err := runner.Run(context.Background(), sc, runner.Options{Brokers: brokers, Embedded: cl.Embedded,
		Progress: func(p measure.Progress) {
			mu.Lock()
			defer mu.Unlock()
			if crashed || p.Elapsed < time.Second {
				return
			}
			crashed = true
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Error(err)
			}
			cmd.Wait()
			cmd = startPipeline(t, brokers, mode)
		}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer func(cmd *exec.Cmd) { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }(cmd)
	mu.Unlock()
	if !crashed {
		t.Fatal("the pipeline was never crashed")
	}
	if len(res.Verification) != 1 {
		t.Fatalf("verification %+v", res.Verification)
	}
	v := res.Verification[0]
	t.Logf("%s judged %s: acked %d, distinct delivered %d, lost %d, duplicate writes %d, failures %d",
		mode, expect, v.Counts.Acked, v.Counts.ConsumedUnique, v.Counts.Lost, v.Counts.DuplicateWrites, v.Failures)
	// 9000 records are intended; a loaded machine sends fewer.
	if v.Counts.Acked != res.Produce.Acked || res.Produce.Acked < 3000 {
		t.Fatalf("acked %d, produced %d", v.Counts.Acked, res.Produce.Acked)
	}
	return v
}

// TestRunExactlyOncePipelineThroughCrash: `kbench run` with a pipeline
// section finds the transactional pipeline exactly-once across a crash.
func TestRunExactlyOncePipelineThroughCrash(t *testing.T) {
	v := runThroughCrash(t, ExactlyOnce, scenarios.ExactlyOnce)
	c := v.Counts
	if v.Failures != 0 || c.Lost != 0 || c.DuplicateWrites != 0 || c.Unexpected != 0 || c.Corrupted != 0 || c.ConsumedUnique != c.Acked {
		t.Fatalf("exactly-once pipeline: failures %d (%s): %+v", v.Failures, v.Policy, c)
	}
}

// TestRunAtLeastOncePipelineThroughCrash: the at-least-once pipeline
// loses nothing across a crash and writes duplicates, which pass under
// expect: at-least-once and fail under exactly-once.
func TestRunAtLeastOncePipelineThroughCrash(t *testing.T) {
	v := runThroughCrash(t, AtLeastOnce, scenarios.AtLeastOnce)
	c := v.Counts
	if v.Failures != 0 || c.Lost != 0 || c.Unexpected != 0 || c.Corrupted != 0 || c.ConsumedUnique != c.Acked {
		t.Fatalf("at-least-once pipeline: failures %d (%s): %+v", v.Failures, v.Policy, c)
	}
	if c.DuplicateWrites == 0 {
		t.Fatalf("no duplicates although the pipeline was killed between commits: %+v", c)
	}
	v = runThroughCrash(t, AtLeastOnce, scenarios.ExactlyOnce)
	if v.Failures == 0 || v.Counts.DuplicateWrites == 0 {
		t.Fatalf("an at-least-once pipeline passed as exactly-once: %+v", v.Counts)
	}
}
