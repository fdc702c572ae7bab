package pacer

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/kbench/kbench/scenarios"
)

// refRate is the rate of r at t seconds, written straight from the
// profile definitions in package scenarios and independent of the pacer's
// own code.
func refRate(r scenarios.Rate, t float64) float64 {
	switch r.Profile {
	case scenarios.RateConstant, scenarios.RatePoisson:
		return r.Rate
	case scenarios.RateRamp:
		if over := r.Over.Seconds(); t < over {
			return r.From + (r.To-r.From)*t/over
		}
		return r.To
	case scenarios.RateSteps:
		at := 0.0
		for i, s := range r.Steps {
			at += s.For.Seconds()
			if t < at || i == len(r.Steps)-1 {
				return s.Rate
			}
		}
	case scenarios.RateSine:
		return r.Rate + r.Amplitude*math.Sin(2*math.Pi*t/r.Period.Seconds())
	case scenarios.RateSpike:
		if t >= r.At.Seconds() && t < (r.At+r.For).Seconds() {
			return r.Peak
		}
		return r.Rate
	}
	panic("refRate: " + string(r.Profile))
}

// refGrid is the step of refCumulative. Every discontinuity of the test
// profiles lies on it, so the midpoint rule is exact for piecewise linear
// rates and very close for the sine.
const refGrid = 100 * time.Microsecond

// refCumulative returns c with c[i] = ∫₀^{i·refGrid} rate·scale, by the
// midpoint rule on refRate.
func refCumulative(r scenarios.Rate, scale float64, d time.Duration) []float64 {
	n := int(d / refGrid)
	c := make([]float64, n+1)
	h := refGrid.Seconds()
	for i := range n {
		c[i+1] = c[i] + h*scale*refRate(r, (float64(i)+0.5)*h)
	}
	return c
}

// collect drains p, failing on offsets outside [0, d) or going backwards.
func collect(t *testing.T, p Pacer, d time.Duration, limit int) []time.Duration {
	t.Helper()
	var offs []time.Duration
	last := time.Duration(-1)
	for {
		off, ok := p.Next()
		if !ok {
			break
		}
		if off < 0 || off >= d {
			t.Fatalf("offset %v outside [0, %v)", off, d)
		}
		if off < last {
			t.Fatalf("offset %v after %v: offsets went backwards", off, last)
		}
		last = off
		offs = append(offs, off)
		if len(offs) > limit {
			t.Fatalf("more than %d offsets", limit)
		}
	}
	for range 3 {
		if _, ok := p.Next(); ok {
			t.Fatal("Next returned true after returning false")
		}
	}
	return offs
}

// countIn counts the sorted offsets in [a, b).
func countIn(offs []time.Duration, a, b time.Duration) int {
	i := sort.Search(len(offs), func(i int) bool { return offs[i] >= a })
	j := sort.Search(len(offs), func(i int) bool { return offs[i] >= b })
	return j - i
}

// steps builds steps from pairs of a rate (int or float64) and a duration
// (time.Duration, or an untyped 0).
func steps(s ...any) []scenarios.Step {
	var out []scenarios.Step
	for i := 0; i < len(s); i += 2 {
		var st scenarios.Step
		switch v := s[i].(type) {
		case int:
			st.Rate = float64(v)
		case float64:
			st.Rate = v
		}
		if d, ok := s[i+1].(time.Duration); ok {
			st.For = d
		}
		out = append(out, st)
	}
	return out
}

const ms = time.Millisecond

var profileCases = []struct {
	name  string
	rate  scenarios.Rate
	scale float64
	dur   time.Duration
}{
	{"constant", scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1000}, 1, 3 * time.Second},
	{"constant-slow", scenarios.Rate{Profile: scenarios.RateConstant, Rate: 3}, 1, 10 * time.Second},
	{"constant-10M", scenarios.Rate{Profile: scenarios.RateConstant, Rate: 10e6}, 1, 300 * ms},
	{"constant-scaled", scenarios.Rate{Profile: scenarios.RateConstant, Rate: 4000}, 0.25, 2 * time.Second},
	{"constant-fraction", scenarios.Rate{Profile: scenarios.RateConstant, Rate: 333.7}, 1 / 3.0, 5 * time.Second},
	{"ramp-up-from-0", scenarios.Rate{Profile: scenarios.RateRamp, From: 0, To: 2000, Over: 2 * time.Second}, 1, 3 * time.Second},
	{"ramp-down-to-0", scenarios.Rate{Profile: scenarios.RateRamp, From: 3000, To: 0, Over: 2 * time.Second}, 1, 3 * time.Second},
	{"ramp-steep", scenarios.Rate{Profile: scenarios.RateRamp, From: 100, To: 500000, Over: 1 * time.Second}, 1, 1500 * ms},
	{"ramp-scaled", scenarios.Rate{Profile: scenarios.RateRamp, From: 2000, To: 20000, Over: 20 * time.Second}, 0.5, 5 * time.Second},
	{"ramp-beyond-run", scenarios.Rate{Profile: scenarios.RateRamp, From: 500, To: 5000, Over: time.Hour}, 1, 2 * time.Second},
	{"steps", scenarios.Rate{Profile: scenarios.RateSteps, Steps: steps(100, time.Second, 0, time.Second, 5000, 500*ms, 250, time.Second)}, 1, 4 * time.Second},
	{"steps-zero-first", scenarios.Rate{Profile: scenarios.RateSteps, Steps: steps(0, 1500*ms, 700, 0*ms, 3000, 200*ms)}, 1, 2 * time.Second},
	{"steps-zero-last", scenarios.Rate{Profile: scenarios.RateSteps, Steps: steps(2000, 1000*ms, 0, time.Second)}, 0.5, 3 * time.Second},
	{"sine", scenarios.Rate{Profile: scenarios.RateSine, Rate: 2000, Amplitude: 1500, Period: time.Second}, 1, 3500 * ms},
	{"sine-touching-0", scenarios.Rate{Profile: scenarios.RateSine, Rate: 1000, Amplitude: 1000, Period: 700 * ms}, 1, 3 * time.Second},
	{"sine-fast", scenarios.Rate{Profile: scenarios.RateSine, Rate: 1e6, Amplitude: 5e5, Period: 250 * ms}, 1, 1 * time.Second},
	{"sine-long-period", scenarios.Rate{Profile: scenarios.RateSine, Rate: 500, Amplitude: 400, Period: time.Hour}, 2, 3 * time.Second},
	{"sine-flat", scenarios.Rate{Profile: scenarios.RateSine, Rate: 800, Amplitude: 0, Period: time.Second}, 1, 2 * time.Second},
	{"spike", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 500, Peak: 20000, At: time.Second, For: 500 * ms}, 1, 3 * time.Second},
	{"spike-at-0", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 100, Peak: 5000, At: 0, For: 300 * ms}, 1, time.Second},
	{"spike-from-0", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 0, Peak: 3000, At: 1200 * ms, For: 100 * ms}, 1, 2 * time.Second},
	{"spike-after-run", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 300, Peak: 3000, At: time.Hour, For: time.Second}, 1, 2 * time.Second},
}

// TestProfilesMatchIntegral checks, for every profile, that the number of
// intended offsets in windows matches the integral of the rate (computed
// independently of the package), that Expected and Rate agree with the
// reference, and that offsets are ordered and inside the run.
func TestProfilesMatchIntegral(t *testing.T) {
	for _, tc := range profileCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(tc.rate, tc.scale, tc.dur, 1)
			if err != nil {
				t.Fatal(err)
			}
			ref := refCumulative(tc.rate, tc.scale, tc.dur)
			total := ref[len(ref)-1]
			offs := collect(t, p, tc.dur, int(total)+10)

			// Expected and Rate against the reference.
			rng := rand.New(rand.NewPCG(2, 3))
			for range 200 {
				i := rng.IntN(len(ref))
				d := time.Duration(i) * refGrid
				if got, want := Expected(tc.rate, tc.scale, d), ref[i]; math.Abs(got-want) > 1e-6*want+1e-6 {
					t.Fatalf("Expected(%v) = %v, reference %v", d, got, want)
				}
				at := time.Duration(rng.Int64N(int64(tc.dur)))
				if got, want := p.Rate(at), tc.scale*refRate(tc.rate, at.Seconds()); math.Abs(got-want) > 1e-9*want+1e-9 {
					t.Fatalf("Rate(%v) = %v, reference %v", at, got, want)
				}
			}

			// The whole run, consecutive windows, and random windows.
			check := func(a, b int) {
				t.Helper()
				got := float64(countIn(offs, time.Duration(a)*refGrid, time.Duration(b)*refGrid))
				want := ref[b] - ref[a]
				if math.Abs(got-want) > 1+0.001*want {
					t.Fatalf("[%v, %v): %v offsets, integral of the rate %.3f", time.Duration(a)*refGrid, time.Duration(b)*refGrid, got, want)
				}
			}
			n := len(ref) - 1
			check(0, n)
			if got, want := len(offs), int(math.Ceil(total-1e-6)); got != want && got != int(math.Ceil(total+1e-6)) {
				t.Fatalf("%d offsets, want ⌈%v⌉ = %d", got, total, want)
			}
			for w := range 20 {
				check(w*n/20, (w+1)*n/20)
			}
			for range 200 {
				a, b := rng.IntN(n+1), rng.IntN(n+1)
				check(min(a, b), max(a, b))
			}
		})
	}
}

// TestExactOffsets pins intended times that have a closed form.
func TestExactOffsets(t *testing.T) {
	first := func(r scenarios.Rate, scale float64, d time.Duration, k int) []time.Duration {
		t.Helper()
		p, err := New(r, scale, d, 1)
		if err != nil {
			t.Fatal(err)
		}
		var out []time.Duration
		for range k {
			off, ok := p.Next()
			if !ok {
				break
			}
			out = append(out, off)
		}
		return out
	}
	near := func(name string, got []time.Duration, want func(n int) float64) {
		t.Helper()
		for n, g := range got {
			if w := want(n); math.Abs(float64(g)-w) > 1.5 {
				t.Fatalf("%s: record %d at %v, want %.1fns", name, n, g, w)
			}
		}
	}

	got := first(scenarios.Rate{Profile: scenarios.RateConstant, Rate: 3}, 1, time.Second, 10)
	if want := []time.Duration{0, 333333333, 666666666}; !slices.Equal(got, want) {
		t.Fatalf("3/s over 1s: %v, want %v", got, want)
	}

	// Ramp 0→100/s over 1s: Λ = 50t², record n at √(n/50) s.
	got = first(scenarios.Rate{Profile: scenarios.RateRamp, From: 0, To: 100, Over: time.Second}, 1, 2*time.Second, 200)
	if len(got) != 150 {
		t.Fatalf("ramp: %d records in 2s, want 50 + 100", len(got))
	}
	near("ramp", got[:51], func(n int) float64 { return 1e9 * math.Sqrt(float64(n)/50) })
	near("ramp tail", got[50:], func(n int) float64 { return 1e9 + 1e7*float64(n) })

	// A zero step is skipped: the next record is where the rate resumes.
	got = first(scenarios.Rate{Profile: scenarios.RateSteps, Steps: steps(10, 100*ms, 0, 5*time.Second, 20, 0)}, 1, 6*time.Second, 100)
	if len(got) != 1+18 || got[0] != 0 || got[1] != 5100*ms || got[2] != 5150*ms {
		t.Fatalf("steps with a zero step: %v", got)
	}

	// Spike from a zero base: the first record is at the spike.
	got = first(scenarios.Rate{Profile: scenarios.RateSpike, Rate: 0, Peak: 1000, At: 2 * time.Second, For: 10 * ms}, 1, 3*time.Second, 100)
	if len(got) != 10 || got[0] != 2*time.Second || got[9] != 2009*ms {
		t.Fatalf("spike from 0: %v", got)
	}

	// Sine with a period a multiple of the gap at the mean: Λ(kP) = k·R·P.
	got = first(scenarios.Rate{Profile: scenarios.RateSine, Rate: 100, Amplitude: 80, Period: 500 * ms}, 1, 2*time.Second, 1000)
	if len(got) != 200 {
		t.Fatalf("sine: %d records in 2s, want 200", len(got))
	}
	for k := range 4 {
		if got[50*k] != time.Duration(k)*500*ms {
			t.Fatalf("sine: record %d at %v, want %v", 50*k, got[50*k], time.Duration(k)*500*ms)
		}
	}
	// Check one record against Λ directly.
	r, a, w := 100.0, 80.0, 2*math.Pi/0.5
	lam := func(x float64) float64 { return r*x + a/w*(1-math.Cos(w*x)) }
	for n := 1; n < 50; n++ {
		x := got[n].Seconds()
		if l := lam(x); l > float64(n)+1e-6 || lam(x+2e-9) < float64(n) {
			t.Fatalf("sine: record %d at %v where Λ = %v", n, got[n], l)
		}
	}
}

// TestScaleSplitsRate checks that instances built with scale 1/N together
// intend what the profile intends.
func TestScaleSplitsRate(t *testing.T) {
	for _, r := range []scenarios.Rate{
		{Profile: scenarios.RateConstant, Rate: 10000},
		{Profile: scenarios.RateRamp, From: 1000, To: 9000, Over: time.Second},
		{Profile: scenarios.RateSine, Rate: 5000, Amplitude: 2500, Period: 300 * ms},
	} {
		const instances = 7
		d := 1500 * ms
		sum := 0
		for i := range instances {
			p, err := New(r, 1.0/instances, d, uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			sum += len(collect(t, p, d, 1e6))
			if got, want := p.Rate(100*ms), refRate(r, 0.1)/instances; math.Abs(got-want) > 1e-9*want {
				t.Fatalf("%s: instance rate %v, want %v", r.Profile, got, want)
			}
		}
		want := Expected(r, 1, d)
		if math.Abs(float64(sum)-want) > instances {
			t.Fatalf("%s: %d instances intend %d records, profile %v", r.Profile, instances, sum, want)
		}
	}
}

func TestPoisson(t *testing.T) {
	r := scenarios.Rate{Profile: scenarios.RatePoisson, Rate: 20000}
	d := 5 * time.Second
	p, err := New(r, 0.5, d, 42)
	if err != nil {
		t.Fatal(err)
	}
	offs := collect(t, p, d, 1e6)
	n := float64(len(offs))
	if want := 50000.0; math.Abs(n-want) > 5*math.Sqrt(want) {
		t.Fatalf("%v records, want about %v", n, want)
	}
	var sum, sum2 float64
	prev := time.Duration(0)
	for _, o := range offs {
		g := (o - prev).Seconds()
		sum += g
		sum2 += g * g
		prev = o
	}
	mean := sum / n
	cv := math.Sqrt(sum2/n-mean*mean) / mean
	if math.Abs(mean-1e-4) > 0.02e-4 {
		t.Fatalf("mean gap %v, want 100µs", mean)
	}
	if math.Abs(cv-1) > 0.02 {
		t.Fatalf("coefficient of variation %v, want 1", cv)
	}
	// Counts per 10ms window are Poisson(100): their variance ≈ mean.
	var c, c2 float64
	for w := range 500 {
		k := float64(countIn(offs, time.Duration(w)*10*ms, time.Duration(w+1)*10*ms))
		c += k
		c2 += k * k
	}
	if m, v := c/500, c2/500-(c/500)*(c/500); math.Abs(v/m-1) > 0.2 {
		t.Fatalf("window counts: mean %v variance %v, want variance ≈ mean", m, v)
	}
	if got := p.Rate(time.Second); got != 10000 {
		t.Fatalf("Rate = %v", got)
	}
	if got := Expected(r, 0.5, d); got != 50000 {
		t.Fatalf("Expected = %v", got)
	}

	// Deterministic under a seed, different across seeds.
	again, _ := New(r, 0.5, d, 42)
	if !slices.Equal(collect(t, again, d, 1e6), offs) {
		t.Fatal("same seed, different offsets")
	}
	other, _ := New(r, 0.5, d, 43)
	if slices.Equal(collect(t, other, d, 1e6)[:10], offs[:10]) {
		t.Fatal("different seeds, same offsets")
	}

	zero, _ := New(scenarios.Rate{Profile: scenarios.RatePoisson, Rate: 0}, 1, d, 1)
	if _, ok := zero.Next(); ok {
		t.Fatal("poisson at 0/s yields a record")
	}
}

// TestZeroRates checks that profiles with nothing to send end at once,
// even over a very long run, and that extreme rates neither hang nor
// overflow.
func TestZeroRates(t *testing.T) {
	long := 100000 * time.Hour
	for _, r := range []scenarios.Rate{
		{Profile: scenarios.RateConstant, Rate: 0},
		{Profile: scenarios.RateRamp, From: 0, To: 0, Over: time.Second},
		{Profile: scenarios.RateSteps, Steps: steps(0, time.Hour, 0, 0)},
		{Profile: scenarios.RateSine, Rate: 0, Amplitude: 0, Period: time.Millisecond},
		{Profile: scenarios.RateSpike, Rate: 0, Peak: 0, At: time.Second, For: time.Second},
		{Profile: scenarios.RatePoisson, Rate: 0},
	} {
		p, err := New(r, 1, long, 1)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if off, ok := p.Next(); ok {
			t.Fatalf("%s at 0/s yields %v", r.Profile, off)
		}
		if time.Since(start) > 100*ms {
			t.Fatalf("%s at 0/s took %v", r.Profile, time.Since(start))
		}
		if e := Expected(r, 1, long); e != 0 {
			t.Fatalf("%s at 0/s: Expected %v", r.Profile, e)
		}
	}

	// A ramp down to 0 ends; the tail is not searched record by record.
	p, _ := New(scenarios.Rate{Profile: scenarios.RateRamp, From: 100, To: 0, Over: time.Second}, 1, long, 1)
	if got := len(collect(t, p, long, 100)); got != 50 {
		t.Fatalf("ramp 100→0 over 1s: %d records, want 50", got)
	}
	// Tiny rates: one record at 0, the next far beyond the run.
	for _, r := range []scenarios.Rate{
		{Profile: scenarios.RateConstant, Rate: 1e-300},
		{Profile: scenarios.RateRamp, From: 1e-300, To: 1e-300, Over: time.Second},
		{Profile: scenarios.RateSine, Rate: 1e-300, Amplitude: 1e-300, Period: time.Millisecond},
		{Profile: scenarios.RatePoisson, Rate: 1e-300},
	} {
		p, err := New(r, 1, long, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(collect(t, p, long, 1)); got > 1 {
			t.Fatalf("%s at 1e-300/s: %d records", r.Profile, got)
		}
	}
	// A huge rate: 1e12/s over 1µs is 1e6 records at offsets 0..999ns.
	p, _ = New(scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1e12}, 1, time.Microsecond, 1)
	if got := len(collect(t, p, time.Microsecond, 2e6)); got != 1e6 {
		t.Fatalf("1e12/s over 1µs: %d records", got)
	}
}

func TestZeroDuration(t *testing.T) {
	for _, tc := range profileCases {
		p, err := New(tc.rate, tc.scale, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		if off, ok := p.Next(); ok {
			t.Fatalf("%s: duration 0 yields %v", tc.name, off)
		}
		if e := Expected(tc.rate, tc.scale, 0); e != 0 {
			t.Fatalf("%s: Expected(0) = %v", tc.name, e)
		}
		if e := Expected(tc.rate, tc.scale, -time.Second); e != 0 {
			t.Fatalf("%s: Expected(-1s) = %v", tc.name, e)
		}
	}
}

func TestUnlimited(t *testing.T) {
	r := scenarios.Rate{Profile: scenarios.RateUnlimited}
	if !Unlimited(r) || Unlimited(scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1}) {
		t.Fatal("Unlimited")
	}
	p, err := New(r, 0.5, time.Second, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Next(); ok {
		t.Fatal("unlimited pacer yields an offset")
	}
	if !math.IsInf(p.Rate(0), 1) || !math.IsInf(Expected(r, 0.5, time.Second), 1) {
		t.Fatal("unlimited rate or expected not +Inf")
	}
}

func TestErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	c := func(v float64) scenarios.Rate { return scenarios.Rate{Profile: scenarios.RateConstant, Rate: v} }
	cases := []struct {
		name  string
		rate  scenarios.Rate
		scale float64
	}{
		{"unknown profile", scenarios.Rate{Profile: "linear", Rate: 1}, 1},
		{"empty profile", scenarios.Rate{Rate: 1}, 1},
		{"negative rate", c(-1), 1},
		{"NaN rate", c(nan), 1},
		{"infinite rate", c(inf), 1},
		{"zero scale", c(1), 0},
		{"negative scale", c(1), -1},
		{"NaN scale", c(1), nan},
		{"infinite scale", c(1), inf},
		{"overflowing scale", c(1e300), 1e300},
		{"poisson negative", scenarios.Rate{Profile: scenarios.RatePoisson, Rate: -5}, 1},
		{"ramp over 0", scenarios.Rate{Profile: scenarios.RateRamp, From: 1, To: 2}, 1},
		{"ramp over negative", scenarios.Rate{Profile: scenarios.RateRamp, From: 1, To: 2, Over: -time.Second}, 1},
		{"ramp negative from", scenarios.Rate{Profile: scenarios.RateRamp, From: -1, To: 2, Over: time.Second}, 1},
		{"ramp NaN to", scenarios.Rate{Profile: scenarios.RateRamp, From: 1, To: nan, Over: time.Second}, 1},
		{"no steps", scenarios.Rate{Profile: scenarios.RateSteps}, 1},
		{"negative step rate", scenarios.Rate{Profile: scenarios.RateSteps, Steps: steps(5, time.Second, -1, time.Second)}, 1},
		{"negative step time", scenarios.Rate{Profile: scenarios.RateSteps, Steps: steps(5, -time.Second, 1, time.Second)}, 1},
		{"steps overflow", scenarios.Rate{Profile: scenarios.RateSteps, Steps: steps(5, time.Duration(math.MaxInt64), 1, time.Second, 2, 0)}, 1},
		{"sine period 0", scenarios.Rate{Profile: scenarios.RateSine, Rate: 10, Amplitude: 5}, 1},
		{"sine negative period", scenarios.Rate{Profile: scenarios.RateSine, Rate: 10, Amplitude: 5, Period: -time.Second}, 1},
		{"sine amplitude above rate", scenarios.Rate{Profile: scenarios.RateSine, Rate: 10, Amplitude: 11, Period: time.Second}, 1},
		{"sine negative amplitude", scenarios.Rate{Profile: scenarios.RateSine, Rate: 10, Amplitude: -1, Period: time.Second}, 1},
		{"spike negative at", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 10, Peak: 100, At: -time.Second, For: time.Second}, 1},
		{"spike negative for", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 10, Peak: 100, At: time.Second, For: -time.Second}, 1},
		{"spike negative peak", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 10, Peak: -100, At: time.Second, For: time.Second}, 1},
		{"spike overflow", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 10, Peak: 100, At: time.Duration(math.MaxInt64 - 5), For: time.Second}, 1},
	}
	for _, tc := range cases {
		if p, err := New(tc.rate, tc.scale, time.Second, 1); err == nil {
			t.Errorf("%s: New = %T, no error", tc.name, p)
		}
		if e := Expected(tc.rate, tc.scale, time.Second); !math.IsNaN(e) {
			t.Errorf("%s: Expected = %v, want NaN", tc.name, e)
		}
	}
	if _, err := New(c(1), 1, -time.Second, 1); err == nil {
		t.Error("negative duration: no error")
	}
}
