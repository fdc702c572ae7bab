// Package kbenchtest runs kbench scenarios from go test.
//
// NewCluster gives a test a Kafka cluster — the embedded in-process one,
// the one named by KBENCH_BROKERS, or a real Apache Kafka cluster it starts
// (RealKafka, or KBENCH_TEST_CLUSTER=kafka) — that is cleaned up with the
// test. Run and RunFile run a scenario against it and fail the test, with
// the reasons, when a gate fails or acknowledged records go missing.
//
//	func TestOrdersPipeline(t *testing.T) {
//		c := kbenchtest.NewCluster(t)
//		res := kbenchtest.RunFile(t, c, "testdata/orders.yaml", kbenchtest.Duration(3*time.Second))
//		if res.Consume.E2E.P99US > 50_000 { ... }
//	}
//
// Broker faults mid-run, on a real three-node cluster:
//
//	c := kbenchtest.NewCluster(t, kbenchtest.RealKafka(containers.Options{Nodes: 3}))
//	res := kbenchtest.RunFile(t, c, "testdata/durable.yaml",
//		kbenchtest.At(5*time.Second, func() { c.Kafka.KillBroker(1) }),
//		kbenchtest.At(10*time.Second, func() { c.Kafka.StartBroker(context.Background(), 1) }))
package kbenchtest

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/containers"
	"github.com/kbench/kbench/gates"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/report"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

// BrokersEnv is the environment variable that points tests at an external
// cluster: comma-separated seed brokers.
const BrokersEnv = "KBENCH_BROKERS"

// ClusterEnv chooses the cluster NewCluster starts when a test asks for
// none in particular and BrokersEnv is unset: "embedded" (the default),
// "kafka" (a real single-node Apache Kafka from containers, as local
// processes or, with KBENCH_KAFKA_RUNTIME=docker, a container) or
// "kafka:N" for N nodes.
const ClusterEnv = "KBENCH_TEST_CLUSTER"

// Cluster is a Kafka cluster a test runs scenarios against.
type Cluster struct {
	// Brokers are the seed addresses.
	Brokers []string
	// Embedded is true for the in-process cluster started by NewCluster.
	Embedded bool
	// Kafka is the real Apache Kafka cluster NewCluster started, for
	// fault injection (Kafka.KillBroker, StopBroker, StartBroker); nil
	// for the embedded cluster and for KBENCH_BROKERS.
	Kafka *containers.Kafka
}

// ClusterOption chooses the cluster NewCluster returns.
type ClusterOption func(*clusterConfig)

type clusterConfig struct {
	kind  string // "", "embedded", "kafka"
	kafka containers.Options
}

// Embedded asks for the embedded in-process cluster, whatever the
// environment says.
func Embedded() ClusterOption { return func(c *clusterConfig) { c.kind = "embedded" } }

// RealKafka asks for a real Apache Kafka cluster started with o (see
// containers.Options: nodes, runtime, TLS, SASL, broker config), whatever
// the environment says. Tests that inject broker faults need it.
func RealKafka(o containers.Options) ClusterOption {
	return func(c *clusterConfig) { c.kind, c.kafka = "kafka", o }
}

// NewCluster returns a cluster for t, stopped by t.Cleanup when NewCluster
// started it. Without options it is the cluster named by KBENCH_BROKERS,
// else the one ClusterEnv asks for, else the embedded cluster.
func NewCluster(t testing.TB, opts ...ClusterOption) *Cluster {
	t.Helper()
	var cfg clusterConfig
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.kind == "" {
		if env := strings.TrimSpace(os.Getenv(BrokersEnv)); env != "" {
			var brokers []string
			for _, b := range strings.Split(env, ",") {
				if b = strings.TrimSpace(b); b != "" {
					brokers = append(brokers, b)
				}
			}
			return &Cluster{Brokers: brokers}
		}
		switch env := strings.TrimSpace(os.Getenv(ClusterEnv)); {
		case env == "" || env == "embedded":
			cfg.kind = "embedded"
		case env == "kafka":
			cfg.kind = "kafka"
		case strings.HasPrefix(env, "kafka:"):
			n, err := strconv.Atoi(env[len("kafka:"):])
			if err != nil || n < 1 {
				t.Fatalf("kbenchtest: %s=%q: want embedded, kafka or kafka:N", ClusterEnv, env)
			}
			cfg.kind, cfg.kafka.Nodes = "kafka", n
		default:
			t.Fatalf("kbenchtest: %s=%q: want embedded, kafka or kafka:N", ClusterEnv, env)
		}
	}
	if cfg.kind == "kafka" {
		o := cfg.kafka
		if o.Logf == nil {
			o.Logf = t.Logf
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		k, err := containers.StartKafka(ctx, o)
		if err != nil {
			t.Fatalf("kbenchtest: starting Kafka: %v", err)
		}
		t.Cleanup(func() {
			if err := k.Close(); err != nil {
				t.Errorf("kbenchtest: stopping Kafka: %v", err)
			}
		})
		return &Cluster{Brokers: k.Brokers(), Kafka: k}
	}
	e, err := cluster.StartEmbedded(0)
	if err != nil {
		t.Fatalf("kbenchtest: %v", err)
	}
	t.Cleanup(e.Close)
	return &Cluster{Brokers: e.Brokers(), Embedded: true}
}

// Option adjusts a run started by Run or RunFile.
type Option func(*config)

type config struct {
	duration, warmup *time.Duration
	resultDir        string
	allowMissing     bool
	progress         func(measure.Progress)
	at               []timedAction
}

type timedAction struct {
	after time.Duration
	fn    func()
}

// Duration overrides the scenario's duration.
func Duration(d time.Duration) Option { return func(c *config) { c.duration = &d } }

// Warmup overrides the scenario's warmup.
func Warmup(d time.Duration) Option { return func(c *config) { c.warmup = &d } }

// ResultDir writes the result (result.json, .hgrm files, interval log,
// summary.txt) into dir, which must exist.
func ResultDir(dir string) Option { return func(c *config) { c.resultDir = dir } }

// AllowMissing keeps acknowledged-but-unconsumed records and failed
// verifications from failing the test (for scenarios that inject faults on
// purpose: assert on Result.Verification instead).
func AllowMissing() Option { return func(c *config) { c.allowMissing = true } }

// Progress receives live progress, e.g. to t.Log it.
func Progress(fn func(measure.Progress)) Option { return func(c *config) { c.progress = fn } }

// At runs fn once, in its own goroutine, when the run has been going for d
// (checked at every report interval, so within one interval of d): for
// example to kill a broker mid-run. Run waits for fn to return.
func At(d time.Duration, fn func()) Option {
	return func(c *config) { c.at = append(c.at, timedAction{d, fn}) }
}

// RunFile loads a scenario file and runs it like Run. An invalid file fails
// the test at once.
func RunFile(t testing.TB, c *Cluster, path string, opts ...Option) *measure.Result {
	t.Helper()
	sc, err := scenarios.Load(path)
	if err != nil {
		t.Fatalf("kbenchtest: %v", err)
	}
	return Run(t, c, sc, opts...)
}

// Run runs sc on c (ignoring the scenario's own brokers), evaluates its
// gates, and fails t for each failed gate and for acknowledged records
// that no consumer saw. A run that cannot start fails the test at once.
// The run lasts the scenario's duration (see Duration to shorten it). Tests
// sharing one KBENCH_BROKERS cluster in parallel should give their
// scenarios distinct names or consumer groups.
func Run(t testing.TB, c *Cluster, sc *scenarios.Scenario, opts ...Option) *measure.Result {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.duration != nil {
		sc.Duration = *cfg.duration
	}
	if cfg.warmup != nil {
		sc.Warmup = *cfg.warmup
	}
	if err := sc.Validate(); err != nil {
		t.Fatalf("kbenchtest: %v", err)
	}
	var actions sync.WaitGroup
	fired := make([]bool, len(cfg.at))
	progress := func(p measure.Progress) {
		for i, a := range cfg.at {
			if !fired[i] && p.Elapsed >= a.after {
				fired[i] = true
				actions.Add(1)
				go func() { defer actions.Done(); a.fn() }()
			}
		}
		if cfg.progress != nil {
			cfg.progress(p)
		}
	}
	ro := runner.Options{Brokers: c.Brokers, Embedded: c.Embedded, Progress: progress, Version: "kbenchtest"}
	if c.Kafka != nil {
		ro.ClusterDescription = c.Kafka.Description()
		ro.ClientOpts = c.Kafka.SecurityOpts()
	}
	if ro.Brokers == nil {
		ro.Brokers = []string{}
	}
	var hlog *os.File
	if cfg.resultDir != "" {
		f, err := os.Create(cfg.resultDir + string(os.PathSeparator) + report.IntervalLogFile)
		if err != nil {
			t.Fatalf("kbenchtest: %v", err)
		}
		hlog = f
		ro.IntervalLog = f
	}
	res, err := runner.Run(context.Background(), sc, ro)
	actions.Wait()
	for i, a := range cfg.at {
		if !fired[i] {
			t.Errorf("kbenchtest: %s: the action at %v never ran (the run ended first)", sc.Name, a.after)
		}
	}
	if hlog != nil {
		_ = hlog.Close()
	}
	if err != nil {
		t.Fatalf("kbenchtest: run %s: %v", sc.Name, err)
	}
	gates.Evaluate(res, sc.Gates)
	if cfg.resultDir != "" {
		if err := report.WriteDir(cfg.resultDir, res, []string{"text"}); err != nil {
			t.Errorf("kbenchtest: writing results: %v", err)
		}
	}
	for _, g := range res.Gates {
		if !g.Passed {
			t.Errorf("kbenchtest: %s: gate failed: %s", sc.Name, g.Reason)
		}
	}
	if n := res.VerificationFailures(); n > 0 && !cfg.allowMissing {
		for _, v := range res.Verification {
			for _, f := range v.Findings {
				t.Errorf("kbenchtest: %s: group %s on %s: %s: %s", sc.Name, v.Group, v.Topic, f.Kind, f.Explanation)
			}
		}
		t.Errorf("kbenchtest: %s: verification failed: %d records delivered wrongly or not at all (policy: %s)",
			sc.Name, n, res.Verification[0].Policy)
	}
	if res.Consume.Missing > 0 && !cfg.allowMissing {
		t.Errorf("kbenchtest: %s: %d acknowledged records were never consumed", sc.Name, res.Consume.Missing)
	}
	return res
}
