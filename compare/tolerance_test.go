package compare

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseTolerances(t *testing.T) {
	t.Parallel()
	got, err := ParseTolerances(" e2e.p99=10% , produce.rate=5%,produce.errors=0,e2e.p50=2ms,consume.throughput=1MB/s,produce.error_rate=0.001,consume.rate=500/s")
	if err != nil {
		t.Fatal(err)
	}
	want := []Tolerance{Relative("e2e.p99", 0.10), Relative("produce.rate", 0.05), Absolute("produce.errors", 0),
		Absolute("e2e.p50", 2e6), Absolute("consume.throughput", 1e6), Absolute("produce.error_rate", 0.001), Absolute("consume.rate", 500)}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i].Metric != want[i].Metric || got[i].Absolute != want[i].Absolute || math.Abs(got[i].Value-want[i].Value) > 1e-12 {
			t.Errorf("%d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if s := got[0].String(); s != "e2e.p99=10%" {
		t.Errorf("String = %q", s)
	}
	if s := got[3].String(); s != "e2e.p50=2ms" {
		t.Errorf("String = %q", s)
	}
	if _, err := ParseTolerances(DefaultTolerances); err != nil {
		t.Fatalf("defaults: %v", err)
	}
}

func TestParseTolerancesErrors(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                           "empty",
		"e2e.p99":                    "no '='",
		"=10%":                       "no metric",
		"e2e.p98=10%":                `unknown metric "e2e.p98"`,
		"p99=10%":                    "unknown metric",
		"e2e.p99=":                   "no value",
		"e2e.p99=ten%":               "not a percentage",
		"e2e.p99=-5%":                "out of range",
		"e2e.p99=5000%":              "out of range",
		"e2e.p99=NaN%":               "not a percentage",
		"e2e.p99=10":                 "takes a duration",
		"produce.rate=500":           "takes a rate",
		"e2e.p99=10%,e2e.p99=5%":     "given twice",
		"e2e.p99=10%,,":              "no '='",
		"produce.error_rate=2":       "takes a ratio",
		"e2e.p99=-1ms":               "e2e.p99",
		"consume.throughput=10MB":    "byte rate",
		"produce.errors=1e400":       "produce.errors",
		"e2e.p99=10%;produce.rate=1": "takes a duration",
	} {
		_, err := ParseTolerances(in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: err = %v, want a *SyntaxError", in, err)
			continue
		}
		if !strings.Contains(err.Error()+" "+se.Hint, want) {
			t.Errorf("%q: %v (hint %q), want it to mention %q", in, err, se.Hint, want)
		}
	}
	_, err := ParseTolerance("e2e.p98=10%")
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Hint, `did you mean "e2e.p`) {
		t.Errorf("hint for e2e.p98: %v", err)
	}
}

func FuzzParseTolerances(f *testing.F) {
	for _, s := range []string{DefaultTolerances, "e2e.p99=10%", "e2e.p50=2ms", "consume.throughput=1MB/s",
		"produce.rate=5k/m", "produce.errors=0", "e2e.p99=1e-3%", "produce.error_rate=0.5", "e2e.max=1h", "x=", "=", ",", "e2e.p99=+5%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tols, err := ParseTolerances(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || err.Error() == "" {
				t.Fatalf("%q: error %v is not a *SyntaxError", s, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, tol := range tols {
			if seen[tol.Metric] {
				t.Fatalf("%q: %s twice", s, tol.Metric)
			}
			seen[tol.Metric] = true
			if !(tol.Value >= 0) || math.IsInf(tol.Value, 0) || !tol.Absolute && tol.Value > maxRelative {
				t.Fatalf("%q: bad value %+v", s, tol)
			}
			if _, ok := DirectionOf(tol.Metric); !ok {
				t.Fatalf("%q: metric %q not comparable", s, tol.Metric)
			}
			// What String writes parses back to the same tolerance.
			back, err := ParseTolerance(tol.String())
			if err != nil {
				t.Fatalf("%q: %s does not parse back: %v", s, tol.String(), err)
			}
			if back.Metric != tol.Metric || back.Absolute != tol.Absolute ||
				math.Abs(back.Value-tol.Value) > 1e-9*math.Max(1, math.Abs(tol.Value)) {
				t.Fatalf("%q: %+v came back as %+v", s, tol, back)
			}
		}
	})
}
