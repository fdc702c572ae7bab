package examples_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/kbench/kbench/kbenchtest"
	"github.com/kbench/kbench/scenarios"
)

// TestQuickstart runs the quickstart scenario, shortened, on the embedded
// cluster (or KBENCH_BROKERS) the way a user's own test would.
func TestQuickstart(t *testing.T) {
	c := kbenchtest.NewCluster(t)
	res := kbenchtest.RunFile(t, c, "quickstart.yaml",
		kbenchtest.Duration(3*time.Second), kbenchtest.Warmup(time.Second))
	if res.Produce.Acked == 0 || res.Consume.E2E.Count == 0 {
		t.Fatalf("nothing measured: %+v", res.Produce)
	}
	t.Logf("acked %d at %.0f/s, e2e p99 %dµs", res.Produce.Acked, res.Produce.Rate, res.Consume.E2E.P99US)
}

// TestExamplesValidate keeps every example scenario valid.
func TestExamplesValidate(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.yaml")
	if err != nil || len(files) < 4 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		sc, err := scenarios.Load(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(sc.Producers) == 0 || len(sc.Gates) == 0 {
			t.Errorf("%s: an example should produce and gate something", f)
		}
	}
}
