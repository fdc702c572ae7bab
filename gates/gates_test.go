package gates

import (
	"strings"
	"testing"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/verify"
)

func sample() *measure.Result {
	return &measure.Result{
		Produce: measure.Produce{Sent: 1000, Acked: 990, Errors: 10, Rate: 4900, Throughput: 2e6,
			Latency: measure.Latency{Count: 990, P50US: 1500, P99US: 12_000, MaxUS: 30_000, MeanUS: 2000}},
		Consume: measure.Consume{Records: 990, Missing: 0, Rate: 4800,
			E2E: measure.Latency{Count: 990, P99US: 40_000}},
		Verification: []measure.Verification{
			{Topic: "a", Group: "g1", Counts: verify.Counts{Lost: 2, Redeliveries: 5, DuplicateWrites: 1}, Failures: 3},
			{Topic: "b", Group: "g2", Counts: verify.Counts{Lost: 1, Corrupted: 4}, Failures: 5},
		},
	}
}

func gate(metric string, op scenarios.Op, threshold float64) scenarios.Gate {
	return scenarios.Gate{Expr: metric + " " + string(op), Metric: metric, Op: op, Threshold: threshold}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		g      scenarios.Gate
		pass   bool
		reason string
	}{
		{gate("e2e.p99", scenarios.OpLT, 50e6), true, ""},
		{gate("e2e.p99", scenarios.OpLT, 40e6), false, "e2e.p99 is 40.0ms, which is not < 40.0ms"},
		{gate("e2e.p99", scenarios.OpLE, 40e6), true, ""},
		{gate("produce.p50", scenarios.OpEQ, 1.5e6), true, ""},
		{gate("produce.mean", scenarios.OpGT, 1e6), true, ""},
		{gate("produce.rate", scenarios.OpGE, 5000), false, "produce.rate is 4900/s"},
		{gate("produce.errors", scenarios.OpEQ, 0), false, "produce.errors is 10"},
		{gate("produce.error_rate", scenarios.OpLE, 0.01), true, ""},
		{gate("produce.throughput", scenarios.OpGE, 1e6), true, ""},
		{gate("consume.missing", scenarios.OpEQ, 0), true, ""},
		{gate("consume.records", scenarios.OpNE, 0), true, ""},
		{gate("e2e.raw.p99", scenarios.OpLT, 1e9), false, "no samples"},
		{gate("verify.lost", scenarios.OpEQ, 0), false, "verify.lost is 3"},
		{gate("verify.duplicates", scenarios.OpEQ, 6), true, ""},
		{gate("verify.redeliveries", scenarios.OpLE, 5), true, ""},
		{gate("verify.corrupted", scenarios.OpEQ, 0), false, "verify.corrupted is 4"},
		{gate("verify.failures", scenarios.OpEQ, 8), true, ""},
		{gate("verify.aborted_reads", scenarios.OpEQ, 0), true, ""},
	}
	for _, c := range cases {
		r := sample()
		got := Evaluate(r, []scenarios.Gate{c.g})
		if len(got) != 1 || len(r.Gates) != 1 {
			t.Fatalf("%s: %d outcomes", c.g.Metric, len(got))
		}
		if got[0].Passed != c.pass {
			t.Errorf("%s %s %g: passed=%v, want %v (%s)", c.g.Metric, c.g.Op, c.g.Threshold, got[0].Passed, c.pass, got[0].Reason)
		}
		if c.reason != "" && !strings.Contains(got[0].Reason, c.reason) {
			t.Errorf("%s: reason %q, want it to contain %q", c.g.Metric, got[0].Reason, c.reason)
		}
	}
}

// TestEveryCatalogMetricResolves keeps the gate catalog and Value in step:
// a metric the parser accepts must have a value in a full result.
func TestEveryCatalogMetricResolves(t *testing.T) {
	t.Parallel()
	r := sample()
	full := measure.Latency{Count: 1, P50US: 1}
	r.Produce.LatencyRaw, r.Consume.E2ERaw = full, full
	r.Schemas = &measure.SchemaReport{Incompatible: 1, DecodeErrors: 2, Lossy: 3,
		Decoding: []measure.SchemaDecoding{{Group: "g", Errors: 2, Lossy: 3}}}
	for _, m := range scenarios.MetricNames() {
		if _, err := Value(r, m); err != nil {
			t.Errorf("metric %s: %v", m, err)
		}
	}
	if _, err := Value(r, "produce.p42"); err == nil {
		t.Error("unknown statistic must fail")
	}
	for m, want := range map[string]float64{"schema.incompatible": 1, "schema.decode_errors": 2, "schema.lossy": 3} {
		if v, err := Value(r, m); err != nil || v != want {
			t.Errorf("%s = %v, %v; want %v", m, v, err, want)
		}
	}
	r.Schemas = nil
	if _, err := Value(r, "schema.decode_errors"); err == nil || !strings.Contains(err.Error(), "needs a data set with a schema") {
		t.Errorf("schema gate without schemas: %v", err)
	}
}

func TestVerifyNeedsConsumers(t *testing.T) {
	t.Parallel()
	r := sample()
	r.Verification = nil
	out := Evaluate(r, []scenarios.Gate{gate("verify.lost", scenarios.OpEQ, 0)})
	if out[0].Passed || !strings.Contains(out[0].Reason, "needs consumers") {
		t.Fatalf("%+v", out[0])
	}
}

func TestMissingUnknown(t *testing.T) {
	t.Parallel()
	r := sample()
	r.Consume.Missing = -1
	out := Evaluate(r, []scenarios.Gate{gate("consume.missing", scenarios.OpEQ, 0)})
	if out[0].Passed || !strings.Contains(out[0].Reason, "consumer on every produced topic") {
		t.Fatalf("%+v", out[0])
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	cases := []struct {
		u    scenarios.Unit
		v    float64
		want string
	}{
		{scenarios.UnitDuration, 12_345_000, "12.3ms"},
		{scenarios.UnitDuration, 800, "800ns"},
		{scenarios.UnitDuration, 1.5e9, "1.50s"},
		{scenarios.UnitRate, 45000, "45.0k/s"},
		{scenarios.UnitRate, 2.5e6, "2.50M/s"},
		{scenarios.UnitRate, 99999.7, "100k/s"},
		{scenarios.UnitDuration, 9.996e6, "10.0ms"},
		{scenarios.UnitByteRate, 10.5e6, "10.5MB/s"},
		{scenarios.UnitCount, 3, "3"},
		{scenarios.UnitRatio, 0.005, "0.50%"},
	}
	for _, c := range cases {
		if got := Format(c.u, c.v); got != c.want {
			t.Errorf("Format(%v, %v) = %q, want %q", c.u, c.v, got, c.want)
		}
	}
}
