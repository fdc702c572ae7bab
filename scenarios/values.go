package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds the notations of scenario values (rates, sizes,
// durations, gate expressions). Their errors are *Error values without a
// position; Parse adds the position of the value.

// ParseRate parses a rate and returns it in records per second. The number
// may have a k (10³), M (10⁶) or G (10⁹) suffix and must be followed by a
// time unit: /s, /m or /h (also /sec, /min, /hour). Examples: 5000/s,
// 300k/m (= 5000/s), 1.5M/h. A bare number such as 2000 is an error: the
// unit is required. Negative rates are errors; 0/s is allowed (a ramp may
// start at zero).
func ParseRate(s string) (float64, error) {
	t := strings.TrimSpace(s)
	num, unit, ok := strings.Cut(t, "/")
	if !ok {
		if _, err := parseScaled(t, siScale); err == nil {
			return 0, &Error{Msg: fmt.Sprintf("rate %q has no time unit", s), Hint: "write " + t + "/s"}
		}
		return 0, &Error{Msg: fmt.Sprintf("%q is not a rate", s), Hint: "write records per time unit, e.g. 5000/s, 300k/m or 1.5M/h"}
	}
	v, err := parseScaled(num, siScale)
	if err != nil {
		return 0, &Error{Msg: fmt.Sprintf("%q is not a rate: %v", s, err), Hint: "write records per time unit, e.g. 5000/s, 300k/m or 1.5M/h"}
	}
	per, ok := perUnit(unit)
	if !ok {
		return 0, &Error{Msg: fmt.Sprintf("rate %q has an unknown time unit /%s", s, strings.TrimSpace(unit)), Hint: "use /s, /m or /h"}
	}
	if v < 0 {
		return 0, &Error{Msg: fmt.Sprintf("rate %q is negative", s)}
	}
	return v / per, nil
}

// perUnit returns the seconds in a rate's time unit.
func perUnit(unit string) (float64, bool) {
	switch strings.TrimSpace(unit) {
	case "s", "sec", "second":
		return 1, true
	case "m", "min", "minute":
		return 60, true
	case "h", "hr", "hour":
		return 3600, true
	}
	return 0, false
}

var siScale = map[string]float64{"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}

var sizeScale = map[string]float64{
	"": 1, "B": 1,
	"k": 1e3, "K": 1e3, "kB": 1e3, "KB": 1e3,
	"M": 1e6, "MB": 1e6, "G": 1e9, "GB": 1e9,
	"Ki": 1 << 10, "KiB": 1 << 10, "Mi": 1 << 20, "MiB": 1 << 20, "Gi": 1 << 30, "GiB": 1 << 30,
}

// parseScaled parses a decimal number with an optional suffix from scales
// (spaces between them are allowed, and underscores between digits).
func parseScaled(s string, scales map[string]float64) (float64, error) {
	s = strings.TrimSpace(s)
	i := len(s)
	for i > 0 && (s[i-1] >= 'a' && s[i-1] <= 'z' || s[i-1] >= 'A' && s[i-1] <= 'Z') {
		i--
	}
	num, suffix := strings.TrimSpace(s[:i]), s[i:]
	mult, ok := scales[suffix]
	if !ok {
		return 0, fmt.Errorf("unknown suffix %q", suffix)
	}
	if num == "" {
		return 0, fmt.Errorf("no number")
	}
	if strings.Trim(num, "0123456789.eE+-_") != "" {
		return 0, fmt.Errorf("%q is not a decimal number", num)
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(num, "_", ""), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", num)
	}
	v *= mult
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return v, nil
}

// maxSize bounds ParseSize: sizes are int32 on the wire.
const maxSize = 1<<31 - 1

// ParseSize parses a size in bytes: 100 or 100B (bytes), 1KB or 1kB
// (1000), 1KiB (1024), 4MB, 4MiB, 1GB, 1GiB (and K, M, G without the B).
// Fractions are allowed when the result is whole (1.5KiB = 1536). Sizes
// are from 0 to 2GiB-1.
func ParseSize(s string) (int, error) {
	v, err := parseScaled(s, sizeScale)
	if err != nil {
		return 0, &Error{Msg: fmt.Sprintf("%q is not a size: %v", s, err), Hint: "write e.g. 512B, 64KiB, 1MB or 1MiB"}
	}
	if v < 0 {
		return 0, &Error{Msg: fmt.Sprintf("size %q is negative", s)}
	}
	if v != math.Trunc(v) {
		return 0, &Error{Msg: fmt.Sprintf("size %q is not a whole number of bytes", s)}
	}
	if v > maxSize {
		return 0, &Error{Msg: fmt.Sprintf("size %q is too large: the maximum is 2GiB-1", s)}
	}
	return int(v), nil
}

// ParseDuration parses a non-negative Go duration: 500ms, 30s, 1m30s, 2h,
// 800us or 800µs. A bare number other than 0 is an error (the unit is
// required), and so is a negative duration.
func ParseDuration(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	d, err := time.ParseDuration(t)
	if err != nil {
		e := &Error{Msg: fmt.Sprintf("%q is not a duration", s), Hint: "write e.g. 500ms, 30s, 1m30s or 2h"}
		switch {
		case t == "":
			e.Msg = "the duration is empty"
		case isNumber(t):
			e.Msg, e.Hint = fmt.Sprintf("duration %q has no unit", s), "write "+t+"s (or ms, m, h)"
		case strings.HasSuffix(t, "d") && isNumber(strings.TrimSuffix(t, "d")):
			e.Hint = "days are not a unit: write hours, e.g. 24h"
		case strings.Trim(t, "0123456789.nsuµmh") == "" && t[0] >= '0' && t[0] <= '9':
			// Well-formed, so too large for a time.Duration.
			e.Msg, e.Hint = fmt.Sprintf("duration %q is too long", s), "the maximum is about 290 years (2562047h)"
		}
		return 0, e
	}
	if d < 0 {
		return 0, &Error{Msg: fmt.Sprintf("duration %q is negative", s)}
	}
	return d, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && strings.Trim(s, "0123456789.+-") == ""
}

// gateOps are the comparisons in the order ParseGate tries them (two-char
// operators first).
var gateOps = []Op{OpLE, OpGE, OpEQ, OpNE, OpLT, OpGT}

// ParseGate parses a gate expression `metric op value`: metric is one of
// Metrics, op one of < <= > >= == !=, and value is written in the metric's
// unit (see Unit): 50ms, 45000/s, 10MB/s, 1000 or 10k, 0.01 or 1%.
// Threshold is converted to the unit's base unit (nanoseconds, records/s,
// bytes/s, a count, a fraction). Thresholds are never negative, and ratios
// are at most 1 (100%).
func ParseGate(expr string) (Gate, error) {
	g := Gate{Expr: strings.TrimSpace(expr)}
	example := `write "metric op value", e.g. "e2e.p99 < 50ms" or "produce.errors == 0"`
	i := strings.IndexAny(g.Expr, "<>=!")
	if i < 0 {
		return g, &Error{Msg: fmt.Sprintf("gate %q has no comparison (< <= > >= == !=)", expr), Hint: example}
	}
	g.Metric = strings.TrimSpace(g.Expr[:i])
	rest := g.Expr[i:]
	end := strings.IndexFunc(rest, func(r rune) bool { return !strings.ContainsRune("<>=!", r) })
	if end < 0 {
		end = len(rest)
	}
	if op := Op(rest[:end]); slices.Contains(gateOps, op) {
		g.Op = op
	} else {
		hint := "comparisons: < <= > >= == !="
		if op == "=" {
			hint = "write == to compare for equality"
		}
		return g, &Error{Msg: fmt.Sprintf("gate %q: unknown comparison %q", expr, string(op)), Hint: hint}
	}
	rest = strings.TrimSpace(rest[end:])
	if g.Metric == "" {
		return g, &Error{Msg: fmt.Sprintf("gate %q has no metric before %s", expr, g.Op), Hint: example}
	}
	unit, ok := Metrics[g.Metric]
	if !ok {
		return g, &Error{Msg: fmt.Sprintf("unknown metric %q", g.Metric), Hint: metricHint(g.Metric)}
	}
	if rest == "" {
		return g, &Error{Msg: fmt.Sprintf("gate %q has no value after %s", expr, g.Op),
			Hint: fmt.Sprintf("%s takes %s", g.Metric, unit)}
	}
	if b, ok := strings.CutPrefix(rest, "baseline"); ok {
		return parseBaselineGate(g, strings.TrimSpace(b))
	}
	v, err := parseThreshold(unit, rest)
	if err != nil {
		e := &Error{Msg: fmt.Sprintf("%s takes %s, not %q", g.Metric, unit, rest)}
		if pe, ok := err.(*Error); ok && pe.Hint != "" {
			e.Hint = pe.Hint
		}
		return g, e
	}
	if v < 0 {
		return g, &Error{Msg: fmt.Sprintf("%s takes %s, not %q", g.Metric, unit, rest), Hint: "thresholds are not negative"}
	}
	if unit == UnitRatio && v > 1 {
		return g, &Error{Msg: fmt.Sprintf("%s takes %s, not %q", g.Metric, unit, rest), Hint: "ratios are from 0 to 1 (0% to 100%)"}
	}
	g.Threshold = v
	return g, nil
}

// parseBaselineGate finishes a gate whose value is "baseline" or
// "baseline * F" (rest is what follows "baseline").
func parseBaselineGate(g Gate, rest string) (Gate, error) {
	g.Baseline, g.Factor = true, 1
	if g.Op == OpEQ || g.Op == OpNE {
		return g, &Error{Msg: fmt.Sprintf("gate %q: == and != make no sense against a noisy baseline", g.Expr),
			Hint: fmt.Sprintf("write e.g. %q", g.Metric+" <= baseline * 1.10")}
	}
	if rest == "" {
		return g, nil
	}
	f, ok := strings.CutPrefix(rest, "*")
	if ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err == nil && v > 0 && !math.IsInf(v, 0) {
			g.Factor = v
			return g, nil
		}
	}
	return g, &Error{Msg: fmt.Sprintf("gate %q: expected \"baseline\" or \"baseline * factor\" after %s", g.Expr, g.Op),
		Hint: fmt.Sprintf("e.g. %q (at most 10%% worse than the baseline)", g.Metric+" <= baseline * 1.10")}
}

// metricHint suggests metric names close to an unknown one.
func metricHint(m string) string {
	names := MetricNames()
	if s := suggest(m, names); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	var ends []string
	for _, n := range names {
		if strings.HasSuffix(n, "."+m) {
			ends = append(ends, n)
		}
	}
	if len(ends) > 0 {
		return "metric names are qualified: " + strings.Join(ends, ", ")
	}
	return "the metrics are listed in docs/scenarios.md (gates), e.g. e2e.p99, produce.rate, produce.errors"
}

// parseThreshold parses a gate value in unit u's notation.
func parseThreshold(u Unit, s string) (float64, error) {
	switch u {
	case UnitDuration:
		d, err := time.ParseDuration(s)
		if err != nil {
			if isNumber(s) {
				return 0, &Error{Hint: "add a unit: " + s + "ms, " + s + "s, ..."}
			}
			return 0, err
		}
		return float64(d), nil
	case UnitRate:
		return ParseRate(s)
	case UnitByteRate:
		num, unit, ok := strings.Cut(s, "/")
		if !ok {
			return 0, &Error{Hint: "write bytes per second, e.g. 10MB/s or 512KiB/s"}
		}
		num = strings.TrimSpace(num)
		if !strings.HasSuffix(num, "B") {
			return 0, &Error{Hint: "write a size in bytes per second, e.g. 10MB/s or 512KiB/s"}
		}
		v, err := parseScaled(num, sizeScale)
		if err != nil {
			return 0, err
		}
		per, ok := perUnit(unit)
		if !ok {
			return 0, &Error{Hint: "use /s, /m or /h"}
		}
		return v / per, nil
	case UnitCount:
		return parseScaled(s, siScale)
	case UnitRatio:
		if p, ok := strings.CutSuffix(s, "%"); ok {
			v, err := parseScaled(p, map[string]float64{"": 1})
			return v / 100, err
		}
		return parseScaled(s, map[string]float64{"": 1})
	}
	return 0, fmt.Errorf("unknown unit %d", u)
}

// suggest returns the candidate closest to s when it is close enough to be
// a likely misspelling (edit distance at most 2, 1 for words of up to four
// letters, 0, ignoring case, for shorter ones), or "".
func suggest(s string, candidates []string) string {
	limit := 2
	switch {
	case len(s) <= 2:
		limit = 0 // one letter off a two-letter word is no likely typo
	case len(s) <= 4:
		limit = 1
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein (optimal string alignment)
// distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		if a == b {
			return 0
		}
		return 99
	}
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
