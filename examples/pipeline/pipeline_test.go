package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/verify"
)

// The test binary doubles as the pipeline: with PIPELINE_MAIN=1 it runs
// main, so the tests can kill it like any process.
func TestMain(m *testing.M) {
	if os.Getenv("PIPELINE_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const (
	runID   = 0x5EED
	records = 30000
)

// startPipeline runs the pipeline in a child process.
func startPipeline(t *testing.T, brokers []string, mode string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-brokers", brokers[0], "-in", "in", "-out", "out", "-mode", mode,
		"-commit-every", "100ms", "-max-poll-records", "500", "-session-timeout", "6s")
	cmd.Env = append(os.Environ(), "PIPELINE_MAIN=1")
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// produceInput writes the input records with identity headers and tells
// the verifier what was acknowledged (at input offsets, which say nothing
// about the output: -1).
func produceInput(t *testing.T, brokers []string, v *verify.Verifier) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic("in"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	for seq := range uint64(records) {
		value := []byte(fmt.Sprintf(`{"order":%d}`, seq))
		id := recordid.ID{RunID: runID, Stream: 0, Seq: seq, Intended: time.Now().UnixNano(),
			Sent: time.Now().UnixNano(), Checksum: recordid.Checksum(value)}
		r := &kgo.Record{Key: []byte(strconv.FormatUint(seq%97, 10)), Value: value,
			Headers: []kgo.RecordHeader{{Key: recordid.HeaderKey, Value: id.Append(nil)}}}
		cl.Produce(ctx, r, func(r *kgo.Record, err error) {
			if err != nil {
				t.Errorf("produce: %v", err)
				return
			}
			v.Acked(0, seq, r.Partition, -1)
		})
	}
	if err := cl.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

// readOutput reads the whole output topic (read_committed) into the
// verifier: until no record arrives for two seconds.
func readOutput(t *testing.T, brokers []string, v *verify.Verifier) int {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics("out"),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ref := verify.ConsumerRef{Member: "reader"}
	n := 0
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		fs := cl.PollFetches(ctx)
		cancel()
		if fs.NumRecords() == 0 {
			return n
		}
		fs.EachRecord(func(r *kgo.Record) {
			n++
			for _, h := range r.Headers {
				if h.Key == recordid.HeaderKey {
					if id, err := recordid.Decode(h.Value); err == nil {
						v.Consumed(ref, r.Partition, r.Offset, id, recordid.Checksum(r.Value), time.Now().UnixNano())
						return
					}
				}
			}
			v.Unidentified(ref, r.Partition, r.Offset)
		})
	}
}

// waitCaughtUp waits until the pipeline's group has committed the end of
// every input partition.
func waitCaughtUp(t *testing.T, brokers []string, group string, timeout time.Duration) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	deadline := time.Now().Add(timeout)
	for {
		lags, err := adm.Lag(context.Background(), group)
		if err == nil {
			if gl, ok := lags[group]; ok && gl.Error() == nil {
				var total int64
				committed := 0
				for _, pl := range gl.Lag["in"] {
					if pl.Commit.At >= 0 {
						committed++
						total += pl.Lag
					}
				}
				if committed == len(gl.Lag["in"]) && committed > 0 && total == 0 {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pipeline did not catch up within %v", timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitOutput waits until the output topic's end offsets sum to at least n.
func waitOutput(t *testing.T, brokers []string, n int64, timeout time.Duration) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	deadline := time.Now().Add(timeout)
	for {
		ends, err := adm.ListEndOffsets(context.Background(), "out")
		if err == nil {
			var sum int64
			ends.Each(func(o kadm.ListedOffset) { sum += o.Offset })
			if sum >= n {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the output did not reach %d records in %v", n, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// crashAndRestart runs the pipeline, kills it with SIGKILL once a third
// of the input is copied, runs it again until it has caught up, and
// returns the verification of the output against the input.
func crashAndRestart(t *testing.T, mode string) verify.Summary {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(3, "in", "out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	brokers := c.ListenAddrs()
	v := verify.New(verify.Config{RunID: runID, ReadCommitted: true})
	produceInput(t, brokers, v)

	first := startPipeline(t, brokers, mode)
	waitOutput(t, brokers, records/3, time.Minute)
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()

	second := startPipeline(t, brokers, mode)
	waitCaughtUp(t, brokers, "pipeline-in-out", 2*time.Minute)
	second.Process.Signal(syscall.SIGTERM)
	second.Wait()

	n := readOutput(t, brokers, v)
	sum, err := v.Finish()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: read %d output records: lost %d, duplicate writes %d, redeliveries %d, unexpected %d, corrupted %d",
		mode, n, sum.Lost, sum.DuplicateWrites, sum.Redeliveries, sum.Unexpected, sum.Corrupted)
	for _, f := range sum.Findings {
		if f.Kind == verify.KindLost {
			t.Logf("lost: %s", f.Explanation)
		}
	}
	return sum
}

// TestExactlyOnceSurvivesACrash: killed mid-run and restarted, the
// transactional pipeline's output holds every input record exactly once.
func TestExactlyOnceSurvivesACrash(t *testing.T) {
	sum := crashAndRestart(t, ExactlyOnce)
	if sum.Acked != records || sum.Lost != 0 || sum.DuplicateWrites != 0 || sum.Redeliveries != 0 ||
		sum.Unexpected != 0 || sum.Corrupted != 0 || sum.ConsumedUnique != records {
		t.Fatalf("exactly-once after a crash: %+v", sum.Counts)
	}
}

// TestAtLeastOnceDuplicatesOnACrash: killed mid-run, the at-least-once
// pipeline copies again what it had not committed: every input record is
// in the output, some twice, and the verifier says which.
func TestAtLeastOnceDuplicatesOnACrash(t *testing.T) {
	sum := crashAndRestart(t, AtLeastOnce)
	if sum.Acked != records || sum.Lost != 0 || sum.ConsumedUnique != records || sum.Unexpected != 0 || sum.Corrupted != 0 {
		t.Fatalf("at-least-once after a crash lost or damaged records: %+v", sum.Counts)
	}
	if sum.DuplicateWrites == 0 {
		t.Fatalf("no duplicate found although the pipeline was killed between commits: %+v", sum.Counts)
	}
	if sum.Consumed != sum.ConsumedUnique+sum.DuplicateWrites {
		t.Fatalf("consumed %d = unique %d + duplicate writes %d does not hold", sum.Consumed, sum.ConsumedUnique, sum.DuplicateWrites)
	}
}
