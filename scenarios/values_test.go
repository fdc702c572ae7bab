package scenarios

import (
	"strings"
	"testing"
	"time"
)

func TestParseRate(t *testing.T) {
	cases := []struct {
		in   string
		want float64
		err  string
	}{
		{"5000/s", 5000, ""},
		{"300k/m", 5000, ""},
		{"300K/min", 5000, ""},
		{"1.5M/h", 1.5e6 / 3600, ""},
		{"2G/s", 2e9, ""},
		{"10/sec", 10, ""},
		{"60/min", 1, ""},
		{"7200/hour", 2, ""},
		{" 7 / s ", 7, ""},
		{"1_000/s", 1000, ""},
		{"1e3/s", 1000, ""},
		{"0/s", 0, ""},
		{"2000", 0, `rate "2000" has no time unit`},
		{"5k", 0, `rate "5k" has no time unit`},
		{"5000/d", 0, "unknown time unit /d"},
		{"5000/", 0, "unknown time unit"},
		{"-1/s", 0, "negative"},
		{"x/s", 0, "is not a rate"},
		{"5q/s", 0, `unknown suffix "q"`},
		{"", 0, "is not a rate"},
		{"unlimited", 0, "is not a rate"},
		{"NaN/s", 0, "is not a rate"},
		{"Inf/s", 0, "is not a rate"},
		{"0x10/s", 0, "is not a rate"},
		{"1e400/s", 0, "is not a rate"},
		{"1e308G/s", 0, "too large"},
	}
	for _, c := range cases {
		got, err := ParseRate(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseRate(%q) = %v, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	_, err := ParseRate("2000")
	if e, ok := err.(*Error); !ok || e.Hint != "write 2000/s" {
		t.Errorf("hint of 2000: %#v", err)
	}
}

func TestParseSize(t *testing.T) {
	cases := []struct {
		in   string
		want int
		err  string
	}{
		{"100", 100, ""},
		{"100B", 100, ""},
		{"100 B", 100, ""},
		{"1KB", 1000, ""},
		{"1kB", 1000, ""},
		{"1k", 1000, ""},
		{"1KiB", 1024, ""},
		{"4MiB", 4 << 20, ""},
		{"1MB", 1e6, ""},
		{"1GiB", 1 << 30, ""},
		{"1GB", 1e9, ""},
		{"0", 0, ""},
		{"1.5KiB", 1536, ""},
		{"2147483647", 1<<31 - 1, ""},
		{"1.5B", 0, "not a whole number"},
		{"-1B", 0, "negative"},
		{"2GiB", 0, "too large"},
		{"1XB", 0, `unknown suffix "XB"`},
		{"1kib", 0, "unknown suffix"},
		{"KiB", 0, "no number"},
		{"", 0, "no number"},
		{"1e999", 0, "not a number"},
	}
	for _, c := range cases {
		got, err := ParseSize(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseSize(%q) = %v, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"1m30s", 90 * time.Second, ""},
		{"500ms", 500 * time.Millisecond, ""},
		{"2h", 2 * time.Hour, ""},
		{"800us", 800 * time.Microsecond, ""},
		{"800µs", 800 * time.Microsecond, ""},
		{" 1.5s ", 1500 * time.Millisecond, ""},
		{"0", 0, ""},
		{"0s", 0, ""},
		{"10", 0, `duration "10" has no unit`},
		{"-1s", 0, "negative"},
		{"soon", 0, "is not a duration"},
		{"1d", 0, "is not a duration"},
		{"", 0, "empty"},
		{"100000000h", 0, "too long"},
	}
	for _, c := range cases {
		got, err := ParseDuration(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseDuration(%q) = %v, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	if _, err := ParseDuration("1d"); err == nil || !strings.Contains(err.Error(), "24h") {
		t.Errorf("1d: %v", err)
	}
}

func TestParseGate(t *testing.T) {
	cases := []struct {
		in        string
		metric    string
		op        Op
		threshold float64
		err       string
	}{
		{"e2e.p99 < 50ms", "e2e.p99", OpLT, 50e6, ""},
		{"  e2e.p99<50ms ", "e2e.p99", OpLT, 50e6, ""},
		{"e2e.raw.max <= 1.5s", "e2e.raw.max", OpLE, 1.5e9, ""},
		{"produce.raw.p9999 <= 800µs", "produce.raw.p9999", OpLE, 800e3, ""},
		{"produce.mean > 800us", "produce.mean", OpGT, 800e3, ""},
		{"produce.rate >= 45000/s", "produce.rate", OpGE, 45000, ""},
		{"consume.rate >= 300k/m", "consume.rate", OpGE, 5000, ""},
		{"consume.throughput > 10MB/s", "consume.throughput", OpGT, 10e6, ""},
		{"produce.throughput > 512KiB/s", "produce.throughput", OpGT, 512 << 10, ""},
		{"produce.throughput > 60MB/m", "produce.throughput", OpGT, 1e6, ""},
		{"produce.errors == 0", "produce.errors", OpEQ, 0, ""},
		{"consume.records != 10k", "consume.records", OpNE, 1e4, ""},
		{"produce.sent >= 1.5M", "produce.sent", OpGE, 1.5e6, ""},
		{"produce.error_rate < 1%", "produce.error_rate", OpLT, 0.01, ""},
		{"produce.error_rate < 0.02", "produce.error_rate", OpLT, 0.02, ""},
		{"produce.error_rate <= 100%", "produce.error_rate", OpLE, 1, ""},
		{"e2e.p99", "", "", 0, "has no comparison"},
		{"", "", "", 0, "has no comparison"},
		{"e2e.p99 =< 5ms", "", "", 0, `unknown comparison "=<"`},
		{"e2e.p99 = 5ms", "", "", 0, "write == "},
		{"e2e.p99 <> 5ms", "", "", 0, `unknown comparison "<>"`},
		{"< 5ms", "", "", 0, "has no metric"},
		{"e2e.p99 <", "", "", 0, "has no value"},
		{"bogus.metric < 5", "", "", 0, `unknown metric "bogus.metric"`},
		{"e2e.p99x < 5ms", "", "", 0, `did you mean "e2e.p99"?`},
		{"p99 < 5ms", "", "", 0, "e2e.p99, e2e.raw.p99, produce.p99, produce.raw.p99"},
		{"produce.errors == 5ms", "", "", 0, `produce.errors takes a count like 0 or 1000, not "5ms"`},
		{"produce.rate > 5ms", "", "", 0, "takes a rate like 45000/s"},
		{"produce.rate > 5000", "", "", 0, "write 5000/s"},
		{"produce.throughput > 5/s", "", "", 0, "takes a byte rate like 10MB/s"},
		{"produce.throughput > 10MB", "", "", 0, "takes a byte rate"},
		{"e2e.p99 < 50", "", "", 0, "takes a duration like 50ms"},
		{"produce.error_rate < 5", "", "", 0, "ratios are from 0 to 1"},
		{"produce.error_rate < 1%%", "", "", 0, "takes a ratio"},
		{"e2e.p99 < -5ms", "", "", 0, "negative"},
		{"produce.errors > -1", "", "", 0, "negative"},
	}
	for _, c := range cases {
		g, err := ParseGate(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseGate(%q) = %+v, %v; want error %q", c.in, g, err, c.err)
			}
			continue
		}
		if err != nil || g.Metric != c.metric || g.Op != c.op || g.Threshold != c.threshold || g.Expr != strings.TrimSpace(c.in) {
			t.Errorf("ParseGate(%q) = %+v, %v", c.in, g, err)
		}
	}
	// Every metric of the catalog parses with a value in its unit.
	example := map[Unit]string{UnitDuration: "50ms", UnitRate: "1k/s", UnitByteRate: "1MiB/s", UnitCount: "0", UnitRatio: "1%"}
	for _, m := range MetricNames() {
		if _, err := ParseGate(m + " <= " + example[Metrics[m]]); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
}

func TestParseBaselineGate(t *testing.T) {
	cases := []struct {
		in     string
		op     Op
		factor float64
		err    string
	}{
		{"e2e.p99 <= baseline * 1.10", OpLE, 1.10, ""},
		{"e2e.p99 < baseline*1.5", OpLT, 1.5, ""},
		{"produce.rate >= baseline * 0.95", OpGE, 0.95, ""},
		{"produce.rate >= baseline", OpGE, 1, ""},
		{"e2e.p99 == baseline", "", 0, "make no sense against a noisy baseline"},
		{"e2e.p99 <= baseline * x", "", 0, `expected "baseline" or "baseline * factor"`},
		{"e2e.p99 <= baseline + 5ms", "", 0, `expected "baseline" or "baseline * factor"`},
		{"e2e.p99 <= baseline * -1", "", 0, `expected "baseline" or "baseline * factor"`},
	}
	for _, c := range cases {
		g, err := ParseGate(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || !g.Baseline || g.Op != c.op || g.Factor != c.factor {
			t.Errorf("%q: %+v, %v", c.in, g, err)
		}
	}
}
