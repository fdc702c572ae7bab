// Package kbenchtest runs kbench scenarios from go test.
//
// NewCluster gives a test a Kafka cluster — the embedded in-process one, or
// the one named by KBENCH_BROKERS — that is cleaned up with the test. Run and
// RunFile run a scenario against it and fail the test, with the reasons,
// when a gate fails or acknowledged records go missing.
//
//	func TestOrdersPipeline(t *testing.T) {
//		c := kbenchtest.NewCluster(t)
//		res := kbenchtest.RunFile(t, c, "testdata/orders.yaml", kbenchtest.Duration(3*time.Second))
//		if res.Consume.E2E.P99US > 50_000 { ... }
//	}
package kbenchtest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/gates"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/report"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

// BrokersEnv is the environment variable that points tests at an external
// cluster: comma-separated seed brokers.
const BrokersEnv = "KBENCH_BROKERS"

// Cluster is a Kafka cluster a test runs scenarios against.
type Cluster struct {
	// Brokers are the seed addresses.
	Brokers []string
	// Embedded is true for the in-process cluster started by NewCluster.
	Embedded bool
}

// NewCluster returns the cluster named by KBENCH_BROKERS when it is set, and
// otherwise starts an embedded cluster that t.Cleanup stops.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	if env := strings.TrimSpace(os.Getenv(BrokersEnv)); env != "" {
		var brokers []string
		for _, b := range strings.Split(env, ",") {
			if b = strings.TrimSpace(b); b != "" {
				brokers = append(brokers, b)
			}
		}
		return &Cluster{Brokers: brokers}
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
}

// Duration overrides the scenario's duration.
func Duration(d time.Duration) Option { return func(c *config) { c.duration = &d } }

// Warmup overrides the scenario's warmup.
func Warmup(d time.Duration) Option { return func(c *config) { c.warmup = &d } }

// ResultDir writes the result (result.json, .hgrm files, interval log,
// summary.txt) into dir, which must exist.
func ResultDir(dir string) Option { return func(c *config) { c.resultDir = dir } }

// AllowMissing keeps acknowledged-but-unconsumed records from failing the
// test (for scenarios that inject faults on purpose).
func AllowMissing() Option { return func(c *config) { c.allowMissing = true } }

// Progress receives live progress, e.g. to t.Log it.
func Progress(fn func(measure.Progress)) Option { return func(c *config) { c.progress = fn } }

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
	ro := runner.Options{Brokers: c.Brokers, Embedded: c.Embedded, Progress: cfg.progress, Version: "kbenchtest"}
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
	if res.Consume.Missing > 0 && !cfg.allowMissing {
		t.Errorf("kbenchtest: %s: %d acknowledged records were never consumed", sc.Name, res.Consume.Missing)
	}
	return res
}
