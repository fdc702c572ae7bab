package metrics

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/verify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func ms(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

// doneSnapshot is the last snapshot of a finished run, with every kind of
// series.
func doneSnapshot() measure.Snapshot {
	q := func(n int64, p50 float64) measure.Quantiles {
		return measure.Quantiles{Count: n, P50: ms(p50), P90: ms(2 * p50), P99: ms(3 * p50), P999: ms(4 * p50), Max: ms(5 * p50)}
	}
	return measure.Snapshot{
		Run: measure.RunIdentity{Scenario: "orders", RunID: "1f2e3d4c", KbenchVersion: "v1.2.3",
			ClusterKind: measure.ClusterEmbedded, Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Duration: 10 * time.Second, Warmup: 2 * time.Second},
		Phase: measure.PhaseDone,
		Progress: measure.Progress{
			Elapsed: 11500 * time.Millisecond, TargetRate: 1000, SendRate: 990, AckRate: 985, ConsumeRate: 980,
			Producers: []measure.ProducerProgress{
				{Name: "shop", Topic: "orders", Sent: 10000, Acked: 9990, Errors: 10, AckedBytes: 999000, Behind: 3, Unsent: 1},
			},
			Consumers: []measure.ConsumerProgress{
				{Name: "billing", Topic: "orders", Group: "billing-g", Records: 9992, Bytes: 999200, Foreign: 4},
			},
			IntervalLatency: measure.Latencies{Produce: q(500, 1), ProduceRaw: q(500, 0.5), E2E: q(498, 2), E2ERaw: q(498, 1.5)},
			RunLatency:      measure.Latencies{Produce: q(8000, 1.25), ProduceRaw: q(8000, 1), E2E: q(7990, 2.5), E2ERaw: q(7990, 2)},
		},
		Lag: []measure.PartitionLag{
			{Group: "billing-g", Topic: "orders", Partition: 0, Lag: 0},
			{Group: "billing-g", Topic: "orders", Partition: 1, Lag: 7},
		},
		Verification: []measure.VerificationProgress{
			{Group: "billing-g", Topic: "orders", Final: true,
				Counts: verify.Counts{Acked: 9990, Consumed: 9992, ConsumedUnique: 9990, Redeliveries: 2, Foreign: 4}},
		},
	}
}

// exposition gathers e's metrics in the text format.
func exposition(t *testing.T, e *Exporter) string {
	t.Helper()
	mfs, err := e.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, mf := range mfs {
		if _, err := expfmt.MetricFamilyToText(&b, mf); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func families(t *testing.T, e *Exporter) map[string]*dto.MetricFamily {
	t.Helper()
	mfs, err := e.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, mf := range mfs {
		out[mf.GetName()] = mf
	}
	return out
}

// TestGolden pins the exposition of a finished run's snapshot. Refresh
// with go test ./metrics -run TestGolden -update.
func TestGolden(t *testing.T) {
	e := NewExporter(Options{NoRuntimeMetrics: true})
	e.Observe(doneSnapshot())
	got := exposition(t, e)
	golden := filepath.Join("testdata", "done.prom")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("exposition differs from %s (rerun with -update if intended):\n%s", golden, got)
	}
}

func TestNothingBeforeTheFirstSnapshot(t *testing.T) {
	e := NewExporter(Options{NoRuntimeMetrics: true})
	if got := exposition(t, e); got != "" {
		t.Fatalf("metrics before any snapshot:\n%s", got)
	}
	e = NewExporter(Options{})
	if fs := families(t, e); fs["go_goroutines"] == nil || fs["process_cpu_seconds_total"] == nil && fs["process_start_time_seconds"] == nil {
		t.Errorf("runtime metrics missing by default: %d families", len(fs))
	}
}

// TestLiveSnapshot checks what depends on the phase: the elapsed time
// runs until the run is done, an empty window has no quantiles (a zero
// would read as a perfect latency), and an unlimited run no target.
func TestLiveSnapshot(t *testing.T) {
	s := doneSnapshot()
	s.Phase = measure.PhaseMeasuring
	s.Run.Start = time.Now().Add(-time.Hour)
	s.Progress.Unlimited = true
	s.Progress.IntervalLatency.E2E = measure.Quantiles{}
	for i := range s.Verification {
		s.Verification[i].Final = false
	}
	e := NewExporter(Options{NoRuntimeMetrics: true})
	e.Observe(s)
	fs := families(t, e)

	if v := fs["kbench_run_elapsed_seconds"].GetMetric()[0].GetGauge().GetValue(); v < 3600 {
		t.Errorf("elapsed %vs while measuring, want at least an hour", v)
	}
	if fs["kbench_target_rate_records_per_second"] != nil {
		t.Errorf("target rate exported for an unlimited run")
	}
	for _, m := range fs["kbench_e2e_latency_seconds"].GetMetric() {
		if label(m, "window") == "interval" {
			t.Fatalf("quantiles of an empty interval exported: %v", m)
		}
	}
	if n := len(fs["kbench_e2e_latency_records"].GetMetric()); n != 1 {
		t.Errorf("%d e2e record counts, want the run's only", n)
	}
	if n := len(fs["kbench_produce_latency_seconds"].GetMetric()); n != 10 {
		t.Errorf("%d produce quantiles, want 5 per window", n)
	}
	phases := map[string]float64{}
	for _, m := range fs["kbench_run_phase"].GetMetric() {
		phases[label(m, "phase")] = m.GetGauge().GetValue()
	}
	want := map[string]float64{"starting": 0, "warmup": 0, "measuring": 1, "draining": 0, "done": 0}
	for ph, v := range want {
		if got, ok := phases[ph]; !ok || got != v {
			t.Errorf("kbench_run_phase{phase=%q} = %v (present %v), want %v", ph, got, ok, v)
		}
	}
	if v := fs["kbench_verify_final"].GetMetric()[0].GetGauge().GetValue(); v != 0 {
		t.Errorf("verification final while measuring")
	}

	// While starting, nothing has a start time, and rates are not known.
	e.Observe(measure.Snapshot{Run: measure.RunIdentity{Scenario: "x", RunID: "1"}, Phase: measure.PhaseStarting})
	fs = families(t, e)
	if v := fs["kbench_run_elapsed_seconds"].GetMetric()[0].GetGauge().GetValue(); v != 0 {
		t.Errorf("elapsed %v while starting", v)
	}
	if fs["kbench_send_rate_records_per_second"] != nil || fs["kbench_run_info"] == nil {
		t.Errorf("while starting: %v", keys(fs))
	}
}

// TestDuplicateSeries: two scenario entries with the same labels make
// one series (a scrape rejects duplicates), their counts summed.
func TestDuplicateSeries(t *testing.T) {
	s := doneSnapshot()
	s.Progress.Consumers = append(s.Progress.Consumers, s.Progress.Consumers[0])
	s.Verification = append(s.Verification, s.Verification[0])
	s.Lag = append(s.Lag, measure.PartitionLag{Group: "billing-g", Topic: "orders", Partition: 1, Lag: 9})
	e := NewExporter(Options{NoRuntimeMetrics: true})
	e.Observe(s)
	fs := families(t, e)
	for name, want := range map[string]float64{
		"kbench_consumer_records_consumed_total": 2 * 9992,
		"kbench_verify_records_total":            2 * 9992,
	} {
		ms := fs[name].GetMetric()
		if len(ms) != 1 || ms[0].GetCounter().GetValue() != want {
			t.Errorf("%s: %v, want one series of %v", name, ms, want)
		}
	}
	lags := fs["kbench_consumer_lag_records"].GetMetric()
	if len(lags) != 2 || lags[1].GetGauge().GetValue() != 9 {
		t.Errorf("lag series: %v, want partition 1 at its latest sample 9", lags)
	}
}

func TestRedaction(t *testing.T) {
	for _, tt := range []struct {
		v       string
		secrets []string
		want    string
	}{
		{"orders-hunter2", []string{"hunter2"}, "orders-" + Redacted},
		{"hunter2hunter2", []string{"hunter2"}, Redacted + Redacted},
		{"orders", []string{"hunter2"}, "orders"},
		{"orders", []string{"rd"}, "orders"}, // short: only whole values
		{"rd", []string{"rd"}, Redacted},
		{"a-pw-b-user", []string{"pw-b", "user"}, "a-" + Redacted + "-" + Redacted},
	} {
		if got := redact(tt.v, tt.secrets); got != tt.want {
			t.Errorf("redact(%q, %q) = %q, want %q", tt.v, tt.secrets, got, tt.want)
		}
	}

	s := doneSnapshot()
	s.Run.Scenario = "load-hunter2"
	s.Progress.Producers[0].Topic = "orders-hunter2"
	e := NewExporter(Options{NoRuntimeMetrics: true, Secrets: []string{"", "hunter2"}})
	e.Observe(s)
	out := exposition(t, e)
	if strings.Contains(out, "hunter2") {
		t.Fatalf("the secret reached the metrics:\n%s", out)
	}
	if !strings.Contains(out, `topic="orders-`+Redacted+`"`) || !strings.Contains(out, `scenario="load-`+Redacted+`"`) {
		t.Errorf("redacted labels missing:\n%s", out)
	}
}

func label(m *dto.Metric, name string) string {
	for _, lp := range m.GetLabel() {
		if lp.GetName() == name {
			return lp.GetValue()
		}
	}
	return ""
}

func keys(fs map[string]*dto.MetricFamily) []string {
	var out []string
	for k := range fs {
		out = append(out, k)
	}
	return out
}

// BenchmarkCollect measures a scrape of a run with a few producers,
// groups and partitions.
func BenchmarkCollect(b *testing.B) {
	s := doneSnapshot()
	for i := range 30 {
		s.Lag = append(s.Lag, measure.PartitionLag{Group: "billing-g", Topic: "orders", Partition: int32(i), Lag: int64(i)})
	}
	e := NewExporter(Options{NoRuntimeMetrics: true, Secrets: []string{"hunter2"}})
	e.Observe(s)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Gatherer().Gather(); err != nil {
			b.Fatal(err)
		}
	}
}
