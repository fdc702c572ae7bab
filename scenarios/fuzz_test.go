package scenarios

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics; it fails with a non-empty ErrorList whose
// problems have positions, never showing an environment secret; and what
// it accepts, Validate accepts without changing it.
func FuzzParse(f *testing.F) {
	for _, file := range glob(f, "testdata/*/*.yaml", 10) {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, err := Parse("fuzz.yaml", src, testEnv)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 || len(list) > MaxErrors+1 {
				t.Fatalf("error %T with %d problems: %v", err, len(list), err)
			}
			for _, e := range list[:min(len(list), MaxErrors)] {
				if e.Pos.File != "fuzz.yaml" || e.Pos.Line < 1 || e.Pos.Column < 1 || e.Msg == "" {
					t.Fatalf("problem without position or message: %#v", e)
				}
			}
			if strings.Contains(err.Error(), secret) && !strings.Contains(string(src), secret) {
				t.Fatalf("an error shows the secret: %v", err)
			}
			return
		}
		again, err := Parse("fuzz.yaml", src, testEnv)
		if err != nil {
			t.Fatalf("the second Parse failed: %v", err)
		}
		if err := again.Validate(); err != nil {
			t.Fatalf("Parse accepted a scenario Validate rejects: %v", err)
		}
		if !reflect.DeepEqual(sc, again) {
			t.Fatalf("Validate changed a parsed scenario:\n%+v\n%+v", sc, again)
		}
	})
}

// FuzzParseGate: ParseGate never panics and accepts only catalog metrics
// with a valid comparison and a finite, non-negative threshold.
func FuzzParseGate(f *testing.F) {
	for _, s := range []string{"e2e.p99 < 50ms", "produce.rate >= 1k/s", "produce.error_rate < 1%",
		"consume.throughput > 1MB/s", "produce.errors == 0", "consume.records != 10k", "e2e.raw.max <= 800µs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGate(s)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		unit, ok := Metrics[g.Metric]
		if !ok || !(g.Threshold >= 0) || g.Threshold > 1e300 || unit == UnitRatio && g.Threshold > 1 {
			t.Fatalf("accepted %+v", g)
		}
		switch g.Op {
		case OpLT, OpLE, OpGT, OpGE, OpEQ, OpNE:
		default:
			t.Fatalf("accepted op %q", g.Op)
		}
	})
}

// FuzzValues: the notation parsers never panic nor return negative or
// non-finite values.
func FuzzValues(f *testing.F) {
	for _, s := range []string{"5000/s", "300k/m", "1.5M/h", "1KiB", "4MB", "100", "1m30s", "800µs", "2000", "-1/s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := ParseRate(s); err == nil && !(r >= 0 && r < 1e300) {
			t.Fatalf("ParseRate(%q) = %v", s, r)
		}
		if n, err := ParseSize(s); err == nil && (n < 0 || n > maxSize) {
			t.Fatalf("ParseSize(%q) = %v", s, n)
		}
		if d, err := ParseDuration(s); err == nil && d < 0 {
			t.Fatalf("ParseDuration(%q) = %v", s, d)
		}
	})
}
