package scenarios

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseRate parses a rate in records per second from notations like
// 5000/s, 300k/m, 1.5M/h (k = 10³, M = 10⁶, G = 10⁹; units /s, /m, /h, also
// /sec, /min, /hour). A bare number is an error: the unit is required.
func ParseRate(s string) (float64, error) {
	s = strings.TrimSpace(s)
	num, unit, ok := strings.Cut(s, "/")
	if !ok {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return 0, fmt.Errorf("rate %q has no unit: write %s/s", s, s)
		}
		return 0, fmt.Errorf("bad rate %q: want a number of records per unit of time, like 5000/s or 300k/m", s)
	}
	v, err := parseScaled(strings.TrimSpace(num), siScale)
	if err != nil {
		return 0, fmt.Errorf("bad rate %q: %v", s, err)
	}
	var per float64
	switch strings.TrimSpace(unit) {
	case "s", "sec", "second":
		per = 1
	case "m", "min", "minute":
		per = 60
	case "h", "hour":
		per = 3600
	default:
		return 0, fmt.Errorf("bad rate %q: unknown unit /%s, want /s, /m or /h", s, unit)
	}
	if v < 0 {
		return 0, fmt.Errorf("bad rate %q: a rate cannot be negative", s)
	}
	return v / per, nil
}

var siScale = map[string]float64{"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9}

// parseScaled parses a number with an optional k/M/G suffix.
func parseScaled(s string, scales map[string]float64) (float64, error) {
	i := len(s)
	for i > 0 && (s[i-1] < '0' || s[i-1] > '9') && s[i-1] != '.' {
		i--
	}
	num, suffix := s[:i], s[i:]
	mult, ok := scales[suffix]
	if !ok {
		return 0, fmt.Errorf("unknown suffix %q", suffix)
	}
	if num == "" {
		return 0, errors.New("no number")
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a number", num)
	}
	return v * mult, nil
}

var sizeScale = map[string]float64{
	"": 1, "B": 1,
	"k": 1e3, "kB": 1e3, "KB": 1e3, "K": 1e3,
	"MB": 1e6, "M": 1e6, "GB": 1e9, "G": 1e9,
	"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30,
}

// ParseSize parses a size in bytes: 100, 100B, 1KB or 1kB (1000), 1KiB
// (1024), 4MB, 4MiB, 1GB, 1GiB. Sizes are whole, non-negative and below
// 2 GiB.
func ParseSize(s string) (int, error) {
	v, err := parseScaled(strings.TrimSpace(s), sizeScale)
	if err != nil {
		return 0, fmt.Errorf("bad size %q: %v; want e.g. 512B, 4KiB or 1MB", s, err)
	}
	if v < 0 || v != math.Trunc(v) || v >= 1<<31 {
		return 0, fmt.Errorf("bad size %q: want a whole number of bytes from 0 to 2GiB", s)
	}
	return int(v), nil
}

// ParseDuration parses a non-negative Go duration such as 500ms, 30s,
// 1m30s or 2h.
func ParseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		if _, nerr := strconv.ParseFloat(strings.TrimSpace(s), 64); nerr == nil {
			return 0, fmt.Errorf("duration %q has no unit: write %ss (or ms, m, h)", s, strings.TrimSpace(s))
		}
		return 0, fmt.Errorf("bad duration %q: want e.g. 500ms, 30s, 1m30s or 2h", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("bad duration %q: a duration cannot be negative", s)
	}
	return d, nil
}

// ParseGate parses a gate expression: `metric op value`, where metric is
// one of Metrics, op one of < <= > >= == !=, and value is written in the
// metric's unit (see Unit). The Gate's Threshold is in the base unit.
func ParseGate(expr string) (Gate, error) {
	g := Gate{Expr: strings.TrimSpace(expr)}
	rest := g.Expr
	i := strings.IndexAny(rest, "<>=!")
	if i < 0 {
		return g, fmt.Errorf("gate %q has no comparison: want `metric op value`, e.g. \"e2e.p99 < 50ms\"", expr)
	}
	g.Metric = strings.TrimSpace(rest[:i])
	rest = rest[i:]
	for _, op := range []Op{OpLE, OpGE, OpEQ, OpNE, OpLT, OpGT} {
		if strings.HasPrefix(rest, string(op)) {
			g.Op = op
			rest = strings.TrimSpace(rest[len(op):])
			break
		}
	}
	if g.Op == "" {
		return g, fmt.Errorf("gate %q: unknown comparison, want one of < <= > >= == !=", expr)
	}
	unit, ok := Metrics[g.Metric]
	if !ok {
		msg := fmt.Sprintf("gate %q: unknown metric %q", expr, g.Metric)
		if s := suggest(g.Metric, MetricNames()); s != "" {
			return g, fmt.Errorf("%s (did you mean %q?)", msg, s)
		}
		return g, fmt.Errorf("%s; metrics are listed in docs/scenarios.md", msg)
	}
	if rest == "" {
		return g, fmt.Errorf("gate %q has no value after %s", expr, g.Op)
	}
	v, err := parseThreshold(unit, rest)
	if err != nil {
		return g, fmt.Errorf("gate %q: %s needs %s: %v", expr, g.Metric, unit, err)
	}
	g.Threshold = v
	return g, nil
}

func parseThreshold(u Unit, s string) (float64, error) {
	switch u {
	case UnitDuration:
		d, err := time.ParseDuration(strings.ReplaceAll(s, "µ", "u"))
		if err != nil {
			return 0, fmt.Errorf("%q is not a duration", s)
		}
		return float64(d), nil
	case UnitRate:
		return ParseRate(s)
	case UnitByteRate:
		num, unit, ok := strings.Cut(s, "/")
		if !ok || strings.TrimSpace(unit) != "s" {
			return 0, fmt.Errorf("%q is not a byte rate", s)
		}
		num = strings.TrimSpace(num)
		if !strings.HasSuffix(num, "B") {
			return 0, fmt.Errorf("%q has no byte unit: write e.g. 10MB/s or 512KiB/s", s)
		}
		v, err := parseScaled(num, sizeScale)
		if err != nil {
			return 0, err
		}
		return v, nil
	case UnitCount:
		v, err := parseScaled(s, siScale)
		if err != nil {
			return 0, fmt.Errorf("%q is not a count", s)
		}
		return v, nil
	case UnitRatio:
		if p, ok := strings.CutSuffix(s, "%"); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil {
				return 0, fmt.Errorf("%q is not a percentage", s)
			}
			return v / 100, nil
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a ratio", s)
		}
		return v, nil
	}
	return 0, fmt.Errorf("unknown unit")
}

// suggest returns the candidate closest to s when it is close enough to be
// a likely misspelling, or "".
func suggest(s string, candidates []string) string {
	best, bestD := "", 3
	if len(s) <= 4 {
		bestD = 2
	}
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
