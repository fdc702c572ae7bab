// Package gates evaluates a scenario's gates — conditions such as
// `e2e.p99 < 50ms` or `produce.rate >= 45000/s` — against a run's result.
// The scenario parser has already checked each gate's metric and unit; this
// package looks the metric up in the result and compares.
package gates

import (
	"fmt"
	cmp "github.com/kbench/kbench/compare"
	"math"
	"strings"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// Evaluate judges every gate against r, stores the outcomes in r.Gates and
// returns them. A gate whose metric has no data (e.g. e2e latency when no
// consumer ran) fails with a reason rather than passing silently.
func Evaluate(r *measure.Result, gs []scenarios.Gate) []measure.GateOutcome {
	return EvaluateAgainst(r, gs, nil)
}

// EvaluateAgainst is Evaluate with baseline runs for the gates written
// against a baseline ("e2e.p99 <= baseline * 1.10"): such a gate fails
// only when package compare calls a regression beyond the factor — the
// change's whole confidence interval past it — so noise alone does not
// fail a build. Without baselines those gates fail and say why.
func EvaluateAgainst(r *measure.Result, gs []scenarios.Gate, baselines []*measure.Result) []measure.GateOutcome {
	out := make([]measure.GateOutcome, 0, len(gs))
	for _, g := range gs {
		if g.Baseline {
			out = append(out, evaluateBaseline(r, g, baselines))
		} else {
			out = append(out, evaluate(r, g))
		}
	}
	r.Gates = out
	return out
}

func evaluateBaseline(r *measure.Result, g scenarios.Gate, baselines []*measure.Result) measure.GateOutcome {
	o := measure.GateOutcome{Expr: g.Expr, Display: "n/a"}
	if len(baselines) == 0 {
		o.Reason = "this gate compares with a baseline: pass --baseline with the result.json of an earlier run"
		return o
	}
	dir, _ := cmp.DirectionOf(g.Metric)
	upper := g.Op == scenarios.OpLT || g.Op == scenarios.OpLE
	var tol cmp.Tolerance
	switch {
	case upper && dir == cmp.LowerIsBetter && g.Factor >= 1:
		tol = cmp.Relative(g.Metric, g.Factor-1)
	case !upper && dir == cmp.HigherIsBetter && g.Factor <= 1:
		tol = cmp.Relative(g.Metric, 1-g.Factor)
	default:
		o.Reason = fmt.Sprintf("%s gets worse as it %s: write %s with a factor that allows that much worse, e.g. %q",
			g.Metric, map[bool]string{true: "falls", false: "rises"}[dir == cmp.HigherIsBetter],
			map[bool]string{true: ">=", false: "<="}[dir == cmp.HigherIsBetter],
			g.Metric+map[bool]string{true: " >= baseline * 0.95", false: " <= baseline * 1.10"}[dir == cmp.HigherIsBetter])
		return o
	}
	rep, err := cmp.Compare(baselines, r, []cmp.Tolerance{tol}, cmp.Options{})
	if err != nil {
		o.Reason = err.Error()
		return o
	}
	if len(rep.Comparisons) != 1 {
		o.Reason = "no comparison"
		return o
	}
	c := rep.Comparisons[0]
	unit := scenarios.Metrics[g.Metric]
	o.Value, o.Threshold = c.Current, c.Allowed
	o.Display = fmt.Sprintf("%s vs baseline %s", Format(unit, c.Current), Format(unit, c.Baseline))
	o.Passed = c.Verdict != cmp.Regression
	if !o.Passed {
		o.Reason = c.Reason
	}
	return o
}

func evaluate(r *measure.Result, g scenarios.Gate) measure.GateOutcome {
	o := measure.GateOutcome{Expr: g.Expr, Threshold: g.Threshold}
	unit := scenarios.Metrics[g.Metric]
	v, err := Value(r, g.Metric)
	if err != nil {
		o.Reason = err.Error()
		o.Display = "n/a"
		return o
	}
	o.Value = v
	o.Display = Format(unit, v)
	o.Passed = holds(v, g.Op, g.Threshold)
	if !o.Passed {
		o.Reason = fmt.Sprintf("%s is %s, which is not %s %s", g.Metric, o.Display, g.Op, Format(unit, g.Threshold))
	}
	return o
}

func holds(v float64, op scenarios.Op, t float64) bool {
	switch op {
	case scenarios.OpLT:
		return v < t
	case scenarios.OpLE:
		return v <= t
	case scenarios.OpGT:
		return v > t
	case scenarios.OpGE:
		return v >= t
	case scenarios.OpEQ:
		return v == t
	case scenarios.OpNE:
		return v != t
	}
	return false
}

// Value returns a catalog metric's value from r in the metric's base unit
// (see scenarios.Metrics). It fails for unknown metrics and for latency
// metrics with no samples.
func Value(r *measure.Result, metric string) (float64, error) {
	switch metric {
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
	if name, ok := strings.CutPrefix(metric, "verify."); ok {
		return r.VerificationCount(name)
	}
	if name, ok := strings.CutPrefix(metric, "schema."); ok {
		return r.SchemaCount(name)
	}
	hist, stat, ok := splitLatency(metric)
	if !ok {
		return 0, fmt.Errorf("unknown metric %q", metric)
	}
	var l measure.Latency
	switch hist {
	case "produce":
		l = r.Produce.Latency
	case "produce.raw":
		l = r.Produce.LatencyRaw
	case "e2e":
		l = r.Consume.E2E
	case "e2e.raw":
		l = r.Consume.E2ERaw
	}
	if l.Count == 0 {
		what := "acknowledged records"
		if strings.HasPrefix(hist, "e2e") {
			what = "consumed records (does the scenario have consumers?)"
		}
		return 0, fmt.Errorf("%s has no samples: no %s in the measured window", metric, what)
	}
	v, ok := l.Stat(stat)
	if !ok {
		return 0, fmt.Errorf("unknown metric %q", metric)
	}
	return v, nil
}

// splitLatency splits "e2e.raw.p99" into ("e2e.raw", "p99").
func splitLatency(metric string) (hist, stat string, ok bool) {
	i := strings.LastIndexByte(metric, '.')
	if i < 0 {
		return "", "", false
	}
	hist, stat = metric[:i], metric[i+1:]
	switch hist {
	case "produce", "produce.raw", "e2e", "e2e.raw":
		return hist, stat, true
	}
	return "", "", false
}

// Format renders a value given in a unit's base unit for people: 12.3ms,
// 45.0k/s, 10.5MB/s, 1234, 0.50%.
func Format(u scenarios.Unit, v float64) string {
	switch u {
	case scenarios.UnitDuration:
		return measure.FormatDuration(v)
	case scenarios.UnitRate:
		return measure.FormatRate(v) + "/s"
	case scenarios.UnitByteRate:
		return measure.FormatBytes(v) + "/s"
	case scenarios.UnitRatio:
		return fmt.Sprintf("%.2f%%", v*100)
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%g", v)
}
