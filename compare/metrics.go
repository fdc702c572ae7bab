package compare

import (
	"fmt"
	"strings"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// Direction says which way a metric gets worse.
type Direction int

// Directions.
const (
	// LowerIsBetter metrics (latencies, errors, missing records) regress
	// upward.
	LowerIsBetter Direction = iota + 1
	// HigherIsBetter metrics (rates, throughputs, delivered counts)
	// regress downward.
	HigherIsBetter
)

// String returns "lower is better" or "higher is better".
func (d Direction) String() string {
	if d == HigherIsBetter {
		return "higher is better"
	}
	return "lower is better"
}

// MarshalText writes "lower" or "higher".
func (d Direction) MarshalText() ([]byte, error) {
	if d == HigherIsBetter {
		return []byte("higher"), nil
	}
	return []byte("lower"), nil
}

// kind is how a metric's noise is modelled.
type kind int

const (
	kindLatency kind = iota + 1 // from a latency histogram
	kindRate                    // per second over the measured window
	kindCount                   // whole-run count: compared as is
	kindRatio                   // whole-run fraction: compared as is
)

// latencyStat is a statistic of a latency histogram.
type latencyStat struct {
	name    string
	q       float64 // quantile in (0,1) for percentiles
	mean    bool
	extreme bool // min or max: one sample, no noise model
}

// metric describes one metric of the gate catalog for comparison.
type metric struct {
	name string
	unit scenarios.Unit
	kind kind
	dir  Direction
	// hist is the latency histogram (produce, produce.raw, e2e,
	// e2e.raw) of latency metrics; stat its statistic.
	hist string
	stat latencyStat
}

var latencyStats = map[string]latencyStat{
	"p50": {q: 0.50}, "p75": {q: 0.75}, "p90": {q: 0.90}, "p95": {q: 0.95},
	"p99": {q: 0.99}, "p999": {q: 0.999}, "p9999": {q: 0.9999},
	"mean": {mean: true}, "min": {extreme: true}, "max": {extreme: true},
}

// lookupMetric describes a catalog metric (scenarios.Metrics).
func lookupMetric(name string) (metric, error) {
	unit, ok := scenarios.Metrics[name]
	if !ok {
		return metric{}, fmt.Errorf("unknown metric %q", name)
	}
	m := metric{name: name, unit: unit, dir: LowerIsBetter}
	switch name {
	case "produce.rate", "produce.throughput", "consume.rate", "consume.throughput":
		m.kind, m.dir = kindRate, HigherIsBetter
	case "produce.sent", "produce.acked", "consume.records":
		m.kind, m.dir = kindCount, HigherIsBetter
	case "produce.errors", "produce.behind", "consume.missing":
		m.kind = kindCount
	case "produce.error_rate":
		m.kind = kindRatio
	default:
		if (strings.HasPrefix(name, "verify.") || strings.HasPrefix(name, "schema.")) && unit == scenarios.UnitCount {
			m.kind = kindCount
			return m, nil
		}
		i := strings.LastIndexByte(name, '.')
		st, ok := latencyStats[name[i+1:]]
		if !ok || unit != scenarios.UnitDuration {
			return metric{}, fmt.Errorf("metric %q cannot be compared", name)
		}
		st.name = name[i+1:]
		m.kind, m.hist, m.stat = kindLatency, name[:i], st
	}
	return m, nil
}

// DirectionOf returns which way a catalog metric gets worse, and false for
// a name outside the catalog.
func DirectionOf(name string) (Direction, bool) {
	m, err := lookupMetric(name)
	return m.dir, err == nil
}

// latency returns the result's summary of a latency histogram.
func latency(r *measure.Result, hist string) measure.Latency {
	switch hist {
	case "produce":
		return r.Produce.Latency
	case "produce.raw":
		return r.Produce.LatencyRaw
	case "e2e":
		return r.Consume.E2E
	case "e2e.raw":
		return r.Consume.E2ERaw
	}
	return measure.Latency{}
}

// logTag is the interval log tag of a latency histogram.
func logTag(hist string) string { return strings.ReplaceAll(hist, ".", "-") }

// Value returns a metric's value in r, in the metric's base unit (see
// scenarios.Metrics): the same number a gate on the metric sees
// (gates.Value), which this package cannot import because gates may use
// it. It fails for unknown metrics and for metrics without data.
func Value(r *measure.Result, name string) (float64, error) {
	m, err := lookupMetric(name)
	if err != nil {
		return 0, err
	}
	return m.value(r)
}

func (m metric) value(r *measure.Result) (float64, error) {
	switch m.name {
	case "produce.sent":
		return float64(r.Produce.Sent), nil
	case "produce.acked":
		return float64(r.Produce.Acked), nil
	case "produce.errors":
		return float64(r.Produce.Errors), nil
	case "produce.error_rate":
		if r.Produce.Sent == 0 {
			return 0, nil
		}
		return float64(r.Produce.Errors) / float64(r.Produce.Sent), nil
	case "produce.behind":
		return float64(r.Produce.Behind), nil
	case "produce.rate":
		return r.Produce.Rate, nil
	case "produce.throughput":
		return r.Produce.Throughput, nil
	case "consume.records":
		return float64(r.Consume.Records), nil
	case "consume.missing":
		if r.Consume.Missing < 0 {
			return 0, fmt.Errorf("consume.missing needs a consumer on every produced topic")
		}
		return float64(r.Consume.Missing), nil
	case "consume.rate":
		return r.Consume.Rate, nil
	case "consume.throughput":
		return r.Consume.Throughput, nil
	}
	if name, ok := strings.CutPrefix(m.name, "verify."); ok {
		return r.VerificationCount(name)
	}
	if name, ok := strings.CutPrefix(m.name, "schema."); ok {
		return r.SchemaCount(name)
	}
	l := latency(r, m.hist)
	if l.Count == 0 {
		what := "acknowledged records"
		if strings.HasPrefix(m.hist, "e2e") {
			what = "consumed records (does the scenario have consumers?)"
		}
		return 0, fmt.Errorf("%s has no samples: no %s in the measured window", m.name, what)
	}
	v, _ := l.Stat(m.stat.name)
	return v, nil
}
