package compare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
)

// The statistical validation of the method (figures quoted in
// docs/compare.md): pairs of synthetic runs of the moderate model — 60 s
// at 2000 records/s, lognormal latency, interval levels drifting as an
// AR(1) process and short stalls in a tenth of the intervals — compared
// 200 times each.

// moderate is the workload of the validation tests.
var moderate = model{intervals: 60, perInterval: 2000, median: 5e6, sigma: 0.45,
	phi: 0.6, levelSD: 0.03, stallProb: 0.1, stallMean: 15e6, scale: 1}

// trials is how many comparisons each validation makes.
const trials = 200

// nominal is the false-regression rate the method promises at its
// default confidence when the true change equals the tolerance: one tail
// of a two-sided 95% interval.
const nominal = (1 - DefaultConfidence) / 2

// maxFalse is the most false regressions in n trials that are consistent
// with a rate at or below the nominal one: a method exactly at the nominal
// rate exceeds it in fewer than 1% of test runs (the binomial 99th
// percentile; 10 of 200, i.e. 5%, the two-sided level 1 − confidence).
func maxFalse(n int) int {
	var cdf float64
	for k := 0; k <= n; k++ {
		lp, _ := math.Lgamma(float64(n + 1))
		a, _ := math.Lgamma(float64(k + 1))
		b, _ := math.Lgamma(float64(n - k + 1))
		cdf += math.Exp(lp - a - b + float64(k)*math.Log(nominal) + float64(n-k)*math.Log1p(-nominal))
		if cdf >= 0.99 {
			return k
		}
	}
	return n
}

type pair struct{ base, cur Run }

var (
	poolOnce              sync.Once
	same, up10, up2, down []pair
)

// pools draws the runs once for all validation tests: baselines and
// currents from the same model (same), with every latency 10% higher
// (up10) or 2% higher (up2), and with 10% fewer records per second (down).
func pools() {
	poolOnce.Do(func() {
		fewer := moderate
		fewer.perInterval = moderate.perInterval * 9 / 10
		sets := []struct {
			out  *[]pair
			cur  model
			seed uint64
		}{{&same, moderate, 101}, {&up10, moderate.shifted(1.10), 102}, {&up2, moderate.shifted(1.02), 103}, {&down, fewer, 104}}
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for _, s := range sets {
			*s.out = make([]pair, trials)
			for i := range trials {
				wg.Add(1)
				sem <- struct{}{}
				go func() {
					defer func() { <-sem; wg.Done() }()
					rng := rand.New(rand.NewPCG(s.seed, uint64(i)))
					b, bl := moderate.run(rng)
					c, cl := s.cur.run(rng)
					(*s.out)[i] = pair{Run{Name: "baseline", Result: b, Intervals: bl}, Run{Name: "current", Result: c, Intervals: cl}}
				}()
			}
		}
		wg.Wait()
	})
}

// data selects what a comparison may use of the runs.
type data int

const (
	withLog       data = iota // result.json and intervals.hlog
	timelineOnly              // result.json alone
	histogramOnly             // no per-interval data at all: samples taken as independent
)

func (d data) String() string {
	return [...]string{"interval log", "timeline", "histogram only"}[d]
}

func strip(r Run, d data) Run {
	res := *r.Result
	r.Result = &res
	if d != withLog {
		r.Intervals = nil
	}
	if d == histogramOnly {
		res.Timeline = nil
	}
	return r
}

// verdicts compares every pair and counts the verdicts.
func verdicts(t *testing.T, ps []pair, tol Tolerance, d data) map[Verdict]int {
	t.Helper()
	n := map[Verdict]int{}
	for _, p := range ps {
		rep, err := CompareRuns([]Run{strip(p.base, d)}, strip(p.cur, d), []Tolerance{tol}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		n[rep.Comparisons[0].Verdict]++
	}
	return n
}

func share(n, of int) float64 { return float64(n) / float64(of) }

func TestFalseRegressionRateWithinNominal(t *testing.T) {
	t.Parallel()
	pools()
	t.Logf("nominal false-regression rate %.1f%%: at most %d of %d trials", 100*nominal, maxFalse(trials), trials)
	for _, d := range []data{withLog, timelineOnly} {
		for _, metric := range []string{"e2e.p99", "e2e.p50", "produce.p99", "produce.rate", "consume.rate"} {
			// Tolerance 0 is the hardest case: the true change sits
			// exactly on the allowed bound.
			v := verdicts(t, same, Relative(metric, 0), d)
			rate := share(v[Regression], trials)
			t.Logf("%-13s %-12s same distribution, tolerance 0: false regressions %d/%d = %.1f%% (nominal %.1f%%)",
				metric, d, v[Regression], trials, 100*rate, 100*nominal)
			if v[Regression] > maxFalse(trials) {
				t.Errorf("%s from %s: %d false regressions in %d trials: significantly above the nominal %.1f%% (at most %d expected)",
					metric, d, v[Regression], trials, 100*nominal, maxFalse(trials))
			}
		}
	}
}

// TestIndependentSamplesAreOverconfident shows why the samples of a run
// cannot be resampled one by one: on the same bursty runs, an interval
// that ignores autocorrelation calls many false regressions.
func TestIndependentSamplesAreOverconfident(t *testing.T) {
	t.Parallel()
	pools()
	for _, metric := range []string{"e2e.p99", "e2e.p50"} {
		v := verdicts(t, same, Relative(metric, 0), histogramOnly)
		rate := share(v[Regression], trials)
		t.Logf("%-8s samples taken as independent: false regressions %.1f%% (nominal %.1f%%)", metric, 100*rate, 100*nominal)
		if rate < 4*nominal {
			t.Errorf("%s: %.1f%% false regressions: the synthetic runs are not bursty enough to test the method", metric, 100*rate)
		}
	}
}

func TestDetectsTenPercentShift(t *testing.T) {
	t.Parallel()
	pools()
	for _, metric := range []string{"e2e.p99", "produce.p99", "e2e.p50"} {
		v := verdicts(t, up10, Relative(metric, 0), withLog)
		power := share(v[Regression], trials)
		t.Logf("%-11s +10%% shift, tolerance 0, interval log: detected %d/%d = %.1f%% (inconclusive %d)", metric, v[Regression], trials, 100*power, v[Inconclusive])
		if power < 0.90 {
			t.Errorf("%s: a 10%% shift was detected in %.1f%% of trials, want at least 90%%", metric, 100*power)
		}
		tl := verdicts(t, up10, Relative(metric, 0), timelineOnly)
		t.Logf("%-11s +10%% shift, tolerance 0, timeline only: detected %.1f%%", metric, 100*share(tl[Regression], trials))
		v5 := verdicts(t, up10, Relative(metric, 0.05), withLog)
		t.Logf("%-11s +10%% shift, tolerance 5%%, interval log: detected %.1f%%", metric, 100*share(v5[Regression], trials))
	}
	v := verdicts(t, down, Relative("produce.rate", 0.05), withLog)
	if v[Regression] != trials {
		t.Errorf("a 10%% drop of produce.rate with a 5%% tolerance was flagged %d/%d times", v[Regression], trials)
	}
}

func TestSmallShiftWithinToleranceNotFlagged(t *testing.T) {
	t.Parallel()
	pools()
	for _, d := range []data{withLog, timelineOnly} {
		for _, metric := range []string{"e2e.p99", "e2e.p50", "produce.p99"} {
			v := verdicts(t, up2, Relative(metric, 0.10), d)
			t.Logf("%-11s +2%% shift, tolerance 10%%, %s: %d regressions, %d ok, %d inconclusive", metric, d, v[Regression], v[OK], v[Inconclusive])
			if v[Regression] > 0 {
				t.Errorf("%s from %s: a 2%% shift within a 10%% tolerance was flagged %d times", metric, d, v[Regression])
			}
		}
	}
}

// TestBandOfSeveralBaselines checks the several-baseline band: five
// baselines and a current run of the same distribution must not give
// more false regressions than nominal; a 25% shift must be caught.
func TestBandOfSeveralBaselines(t *testing.T) {
	t.Parallel()
	pools()
	const n = 5
	var runs []Run
	for _, p := range same {
		runs = append(runs, p.base, p.cur)
	}
	shifted := map[bool]int{}
	falseReg := 0
	for i := range trials {
		bases := make([]Run, n)
		for j := range bases {
			bases[j] = runs[(i*(n+1)+j)%len(runs)]
		}
		cur := runs[(i*(n+1)+n)%len(runs)]
		rep, err := CompareRuns(bases, cur, []Tolerance{Relative("e2e.p99", 0)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Comparisons[0].Verdict == Regression {
			falseReg++
		}
		// The same baselines against a run 25% slower.
		res, log := moderate.shifted(1.25).run(rand.New(rand.NewPCG(105, uint64(i))))
		rep, err = CompareRuns(bases, Run{Name: "slower", Result: res, Intervals: log}, []Tolerance{Relative("e2e.p99", 0.05)}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		shifted[rep.Comparisons[0].Verdict == Regression]++
	}
	rate := share(falseReg, trials)
	t.Logf("5 baselines, same distribution, tolerance 0: false regressions %.1f%% (nominal %.1f%%); +25%% with 5%% tolerance detected %.1f%%",
		100*rate, 100*nominal, 100*share(shifted[true], trials))
	if falseReg > maxFalse(trials) {
		t.Errorf("band: %d false regressions in %d trials, at most %d expected at the nominal %.1f%%", falseReg, trials, maxFalse(trials), 100*nominal)
	}
	if share(shifted[true], trials) < 0.9 {
		t.Errorf("band: a 25%% shift was caught in %d/%d trials", shifted[true], trials)
	}
}

// TestNoiseEstimateCalibrated checks that the estimated noise of a run's
// p99 matches the actual spread of p99 across runs of the same model.
func TestNoiseEstimateCalibrated(t *testing.T) {
	t.Parallel()
	pools()
	m, _ := lookupMetric("e2e.p99")
	for _, d := range []data{withLog, timelineOnly, histogramOnly} {
		var logs, ses []float64
		for _, p := range same {
			e, err := estimateOf(strip(p.base, d), m, Options{}.mustDefaults(), decoded{})
			if err != nil {
				t.Fatal(err)
			}
			logs = append(logs, math.Log(e.value))
			ses = append(ses, e.relSE)
		}
		_, sd := meanSD(logs)
		est, _ := meanSD(ses)
		t.Logf("e2e.p99 %-14s: run-to-run sd of log p99 %.4f, mean estimated error %.4f (ratio %.2f)", d, sd, est, est/sd)
		if d != histogramOnly && (est/sd < 0.75 || est/sd > 2) {
			t.Errorf("%s: estimated error %.4f for an actual spread of %.4f", d, est, sd)
		}
	}
}

// TestSimulationTable prints the figures of docs/compare.md for several
// synthetic workloads, from quiet to heavily bursty. It takes minutes, so
// it runs only with KBENCH_COMPARE_SIM=1.
func TestSimulationTable(t *testing.T) {
	if os.Getenv("KBENCH_COMPARE_SIM") == "" {
		t.Skip("set KBENCH_COMPARE_SIM=1 to run the simulation")
	}
	drift := model{intervals: 60, perInterval: 2000, median: 5e6, sigma: 0.45, phi: 0.6, levelSD: 0.05, scale: 1}
	draw := func(cur model, seed uint64) []pair {
		out := make([]pair, trials)
		for i := range out {
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			b, bl := cur.shifted(1).run(rng)
			c, cl := cur.run(rng)
			out[i] = pair{Run{Name: "baseline", Result: b, Intervals: bl}, Run{Name: "current", Result: c, Intervals: cl}}
		}
		return out
	}
	for _, w := range []struct {
		name string
		m    model
	}{{"quiet", quiet}, {"drift", drift}, {"moderate", moderate}, {"bursty", bursty}} {
		same, up := draw(w.m, 201), draw(w.m.shifted(1.10), 202)
		for _, metric := range []string{"e2e.p50", "e2e.p99", "e2e.p999"} {
			for _, d := range []data{withLog, timelineOnly, histogramOnly} {
				f := verdicts(t, same, Relative(metric, 0), d)
				p := verdicts(t, up, Relative(metric, 0), d)
				fmt.Printf("| %s | `%s` | %s | %.1f%% | %.1f%% |\n", w.name, metric, d,
					100*share(f[Regression], trials), 100*share(p[Regression], trials))
			}
		}
	}
}
