package compare

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kbench/kbench/scenarios"
)

// Tolerance is how much a metric may get worse before the change counts
// as a regression: a fraction of the baseline (Relative) or an amount in
// the metric's base unit (Absolute).
type Tolerance struct {
	Metric string
	// Value is a fraction (0.10 = 10%) when Absolute is false, else an
	// amount in the metric's base unit (ns, records/s, bytes/s, count,
	// fraction).
	Value    float64
	Absolute bool
}

// Relative returns a tolerance of a fraction of the baseline: 0.10 lets
// e2e.p99 grow 10%, produce.rate drop 10%.
func Relative(metric string, fraction float64) Tolerance {
	return Tolerance{Metric: metric, Value: fraction}
}

// Absolute returns a tolerance of an amount in the metric's base unit:
// Absolute("e2e.p99", 2e6) lets e2e.p99 grow 2ms.
func Absolute(metric string, amount float64) Tolerance {
	return Tolerance{Metric: metric, Value: amount, Absolute: true}
}

// String writes the tolerance as ParseTolerance reads it.
func (t Tolerance) String() string { return t.Metric + "=" + t.ValueString() }

// ValueString writes the tolerance's value: 10%, 2ms, 500/s, 0.
func (t Tolerance) ValueString() string {
	if !t.Absolute {
		return strconv.FormatFloat(t.Value*100, 'g', -1, 64) + "%"
	}
	switch scenarios.Metrics[t.Metric] {
	case scenarios.UnitDuration:
		if t.Value == math.Trunc(t.Value) && math.Abs(t.Value) < math.MaxInt64 {
			return time.Duration(t.Value).String()
		}
		return strconv.FormatFloat(t.Value, 'g', -1, 64) + "ns"
	case scenarios.UnitRate:
		return strconv.FormatFloat(t.Value, 'g', -1, 64) + "/s"
	case scenarios.UnitByteRate:
		return strconv.FormatFloat(t.Value, 'g', -1, 64) + "B/s"
	}
	return strconv.FormatFloat(t.Value, 'g', -1, 64)
}

// SyntaxError is a tolerance that does not parse.
type SyntaxError struct {
	// Item is the tolerance as written.
	Item string
	Msg  string
	// Hint suggests a fix; may be empty.
	Hint string
}

func (e *SyntaxError) Error() string {
	if e.Item == "" {
		return "tolerance: " + e.Msg
	}
	return fmt.Sprintf("tolerance %q: %s", e.Item, e.Msg)
}

// maxRelative bounds relative tolerances (1000%).
const maxRelative = 10

// ParseTolerances parses a comma-separated list of tolerances, e.g.
// "e2e.p99=10%,produce.rate=5%,produce.errors=0". A metric may appear
// once. Errors are *SyntaxError.
func ParseTolerances(s string) ([]Tolerance, error) {
	if strings.TrimSpace(s) == "" {
		return nil, &SyntaxError{Msg: "empty", Hint: "write metric=tolerance, e.g. e2e.p99=10%,produce.rate=5%"}
	}
	var out []Tolerance
	seen := map[string]bool{}
	for _, item := range strings.Split(s, ",") {
		t, err := ParseTolerance(item)
		if err != nil {
			return nil, err
		}
		if seen[t.Metric] {
			return nil, &SyntaxError{Item: strings.TrimSpace(item), Msg: "metric " + t.Metric + " is given twice"}
		}
		seen[t.Metric] = true
		out = append(out, t)
	}
	return out, nil
}

// ParseTolerance parses one tolerance, metric=value: the metric is one of
// the gate catalog (scenarios.Metrics); the value is a percentage of the
// baseline (10%) or an amount in the metric's notation (2ms, 500/s,
// 10MB/s, 0). A percentage is always relative, also for ratio metrics
// (write an absolute ratio as a fraction, e.g. 0.001). Errors are
// *SyntaxError.
func ParseTolerance(item string) (Tolerance, error) {
	s := strings.TrimSpace(item)
	bad := func(msg, hint string) (Tolerance, error) {
		return Tolerance{}, &SyntaxError{Item: s, Msg: msg, Hint: hint}
	}
	name, val, ok := strings.Cut(s, "=")
	if !ok {
		return bad("no '='", "write metric=tolerance, e.g. e2e.p99=10%")
	}
	name, val = strings.TrimSpace(name), strings.TrimSpace(val)
	if name == "" {
		return bad("no metric before '='", "write metric=tolerance, e.g. e2e.p99=10%")
	}
	unit, known := scenarios.Metrics[name]
	if !known {
		hint := "the metrics are the gates' (docs/scenarios.md), e.g. e2e.p99, produce.rate, produce.errors"
		var se *scenarios.Error
		if _, err := scenarios.ParseGate(name + " == 0"); errors.As(err, &se) && se.Hint != "" {
			hint = se.Hint
		}
		return bad(fmt.Sprintf("unknown metric %q", name), hint)
	}
	if _, err := lookupMetric(name); err != nil {
		return bad(err.Error(), "")
	}
	if val == "" {
		return bad("no value after '='", fmt.Sprintf("write a percentage of the baseline (10%%) or %s", unit))
	}
	if pct, ok := strings.CutSuffix(val, "%"); ok {
		pct = strings.TrimSpace(pct)
		v, err := strconv.ParseFloat(pct, 64)
		if err != nil || strings.ContainsAny(pct, "xXpPnN_") {
			return bad(fmt.Sprintf("%q is not a percentage", val), "write e.g. 10%")
		}
		if !(v >= 0 && v <= maxRelative*100) {
			return bad(fmt.Sprintf("%s is out of range", val), "a tolerance is from 0% to 1000%")
		}
		return Relative(name, v/100), nil
	}
	g, err := scenarios.ParseGate(name + " <= " + val)
	if err != nil {
		var se *scenarios.Error
		if !errors.As(err, &se) {
			return bad(err.Error(), "")
		}
		hint := se.Hint
		if _, nerr := strconv.ParseFloat(val, 64); nerr == nil && unit != scenarios.UnitCount && unit != scenarios.UnitRatio {
			hint = fmt.Sprintf("write %s%% for a percentage of the baseline, or %s", val, unit)
		}
		return bad(se.Msg, hint)
	}
	if math.IsInf(g.Threshold, 0) || math.IsNaN(g.Threshold) {
		return bad(fmt.Sprintf("%q is too large", val), "")
	}
	return Absolute(name, g.Threshold), nil
}
