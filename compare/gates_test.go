package compare_test

import (
	"testing"

	"github.com/kbench/kbench/compare"
	"github.com/kbench/kbench/gates"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/verify"
)

// TestValueMatchesGates keeps compare.Value in step with gates.Value for
// every metric of the catalog: a comparison must see the numbers a gate
// sees.
func TestValueMatchesGates(t *testing.T) {
	t.Parallel()
	h := measure.NewHistogram()
	for i := int64(1); i <= 1000; i++ {
		_ = h.RecordValue(i * 7_000)
	}
	l, err := measure.Summarize(h)
	if err != nil {
		t.Fatal(err)
	}
	l2 := l
	l2.P99US++
	r := &measure.Result{
		Produce: measure.Produce{Sent: 1010, Acked: 1000, Errors: 10, Behind: 3, Rate: 4990, Throughput: 1.2e6, Latency: l, LatencyRaw: l2},
		Consume: measure.Consume{Records: 998, Missing: 2, Rate: 4980, Throughput: 1.1e6, E2E: l2, E2ERaw: l},
		Verification: []measure.Verification{
			{Failures: 4, Counts: verify.Counts{Lost: 2, DuplicateWrites: 1, Redeliveries: 3, DuplicatesUnclassified: 5, Unexpected: 6,
				Corrupted: 7, Reordered: 8, PollSkips: 9, NonmonotonicPolls: 10, AbortedReads: 11, PartialTxns: 12, Late: 13}},
			{Failures: 1, Counts: verify.Counts{Lost: 1, Late: 1}},
		},
	}
	for _, name := range scenarios.MetricNames() {
		want, werr := gates.Value(r, name)
		got, gerr := compare.Value(r, name)
		if (werr == nil) != (gerr == nil) || got != want {
			t.Errorf("%s: compare %v (%v), gates %v (%v)", name, got, gerr, want, werr)
		}
		if _, ok := compare.DirectionOf(name); !ok {
			t.Errorf("%s has no direction", name)
		}
	}
	empty := &measure.Result{Consume: measure.Consume{Missing: -1}}
	for _, name := range []string{"e2e.p99", "produce.raw.max", "consume.missing"} {
		_, werr := gates.Value(empty, name)
		_, gerr := compare.Value(empty, name)
		if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
			t.Errorf("%s on an empty result: compare %v, gates %v", name, gerr, werr)
		}
	}
}
