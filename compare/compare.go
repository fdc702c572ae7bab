package compare

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// Defaults of Options.
const (
	// DefaultConfidence is the two-sided confidence level of the
	// intervals and bands.
	DefaultConfidence = 0.95
	// DefaultBatches is the most batches a run's report intervals are
	// grouped into for batch means. A batch holds at least 12 intervals
	// when the run has 60 or more, so that bursts a few seconds long stay
	// inside one; shorter runs get 5 batches (or one per interval).
	DefaultBatches = 10
	// DefaultTolerances are the metrics compared when none are given.
	DefaultTolerances = "produce.p50=10%,produce.p99=10%,e2e.p50=10%,e2e.p99=10%," +
		"produce.rate=5%,consume.rate=5%,produce.errors=0,consume.missing=0"
)

// ErrMismatch is returned (wrapped) when the runs are of different
// scenarios and Options.AllowMismatch is false.
var ErrMismatch = errors.New("results of different scenarios")

// ErrNoBaseline is returned when Compare gets no baseline.
var ErrNoBaseline = errors.New("no baseline to compare with")

// Verdict is the outcome of one metric's comparison.
type Verdict string

// Verdicts.
const (
	// OK: the change is within the tolerance (with the stated confidence,
	// when the metric has a noise model).
	OK Verdict = "ok"
	// Regression: the metric got worse by more than the tolerance, beyond
	// the noise.
	Regression Verdict = "regression"
	// Improvement: the metric got better by more than the tolerance,
	// beyond the noise.
	Improvement Verdict = "improvement"
	// Inconclusive: the noise is too large to tell whether the change
	// exceeds the tolerance, or the metric has no data.
	Inconclusive Verdict = "inconclusive"
)

// Run is one result to compare, with its interval log when there is one.
type Run struct {
	// Name identifies the run in messages, e.g. its file name.
	Name   string
	Result *measure.Result
	// Intervals is the run's interval log (intervals.hlog); nil when
	// only result.json is at hand.
	Intervals *IntervalLog
}

// Options tune a comparison. The zero value uses the defaults.
type Options struct {
	// Confidence is the two-sided confidence level of the change's
	// interval (one baseline) or of the baselines' prediction band
	// (several); default DefaultConfidence. A regression is called when
	// the whole interval lies beyond the tolerance, so the chance of a
	// false regression is at most (1−Confidence)/2.
	Confidence float64
	// Batches is the most batches of consecutive report intervals a run
	// is cut into to measure its noise; default DefaultBatches. At least
	// 2; fewer batches give wider intervals.
	Batches int
	// AllowMismatch compares results of different scenarios, with a
	// warning, instead of failing with ErrMismatch.
	AllowMismatch bool
}

func (o Options) withDefaults() (Options, error) {
	if o.Confidence == 0 {
		o.Confidence = DefaultConfidence
	}
	if !(o.Confidence >= 0.5 && o.Confidence < 1) {
		return o, fmt.Errorf("confidence %g is not in [0.5, 1)", o.Confidence)
	}
	if o.Batches == 0 {
		o.Batches = DefaultBatches
	}
	if o.Batches < 2 {
		return o, fmt.Errorf("batches %d: need at least 2", o.Batches)
	}
	return o, nil
}

// Comparison is the verdict on one metric. Values are in the metric's base
// unit (ns, records/s, bytes/s, count, fraction) and NaN when unknown;
// changes are relative (0.1 = +10%), +Inf from a zero baseline.
type Comparison struct {
	Metric    string
	Unit      scenarios.Unit
	Direction Direction
	Tolerance Tolerance
	// Baseline is the baseline's value; with several baselines, their
	// geometric mean (or mean, for counts).
	Baseline float64
	// Baselines are the baselines' values, with several.
	Baselines []float64
	// BandLow and BandHigh bound the baselines' noise band, with several:
	// the prediction interval of one more run (see Method).
	BandLow, BandHigh float64
	Current           float64
	// Change is Current/Baseline − 1.
	Change float64
	// ChangeLow and ChangeHigh bound the confidence interval of the
	// change (one baseline, metrics with a noise model); NaN otherwise.
	ChangeLow, ChangeHigh float64
	// Allowed is the bound Current may reach: an upper bound for
	// LowerIsBetter metrics, a lower bound for HigherIsBetter ones.
	Allowed float64
	Verdict Verdict
	// Statement says what the verdict rests on and with what confidence.
	Statement string
	// Method says how the noise was estimated for each run.
	Method string
	// Reason explains a regression, naming the metric, the baseline, the
	// current value and the allowed bound.
	Reason string
}

// Report is the outcome of a comparison.
type Report struct {
	Scenario   string
	Current    string
	Baselines  []string
	Confidence float64
	// Comparisons are in the order of the tolerances.
	Comparisons []Comparison
	// Warnings are differences between the runs a reader should know of
	// (cluster, version, duration, target rate, status).
	Warnings []string
}

// Regressions returns the comparisons whose verdict is Regression.
func (r *Report) Regressions() []Comparison {
	var out []Comparison
	for _, c := range r.Comparisons {
		if c.Verdict == Regression {
			out = append(out, c)
		}
	}
	return out
}

// Compare judges current against one or more baselines, metric by metric,
// each within its tolerance; with no tolerances it compares the
// DefaultTolerances metrics that both sides have data for. Interval logs
// are not used: see CompareRuns.
//
// A gate such as `e2e.p99 <= baseline * 1.10` is Compare with
// Relative("e2e.p99", 0.10), passing unless the verdict is Regression.
func Compare(baselines []*measure.Result, current *measure.Result, tolerances []Tolerance, opts Options) (*Report, error) {
	runs := make([]Run, len(baselines))
	for i, b := range baselines {
		runs[i] = Run{Name: fmt.Sprintf("baseline %d", i+1), Result: b}
	}
	if len(baselines) == 1 {
		runs[0].Name = "baseline"
	}
	return CompareRuns(runs, Run{Name: "current", Result: current}, tolerances, opts)
}

// CompareRuns is Compare for runs that may carry interval logs and names.
func CompareRuns(baselines []Run, current Run, tolerances []Tolerance, opts Options) (*Report, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(baselines) == 0 {
		return nil, ErrNoBaseline
	}
	if current.Result == nil {
		return nil, errors.New("no current result")
	}
	rep := &Report{Scenario: current.Result.Scenario, Current: current.Name, Confidence: opts.Confidence}
	for _, b := range baselines {
		if b.Result == nil {
			return nil, fmt.Errorf("%s: no result", b.Name)
		}
		rep.Baselines = append(rep.Baselines, b.Name)
		w, err := differences(b, current, opts)
		if err != nil {
			return nil, err
		}
		rep.Warnings = append(rep.Warnings, w...)
	}
	if current.Result.Status != measure.StatusCompleted {
		rep.Warnings = append(rep.Warnings, incomplete(current))
	}
	defaults := len(tolerances) == 0
	if defaults {
		tolerances, _ = ParseTolerances(DefaultTolerances)
	}
	cache := decoded{}
	for _, t := range tolerances {
		m, err := lookupMetric(t.Metric)
		if err != nil {
			return nil, err
		}
		c, available := compareMetric(baselines, current, m, t, opts, cache)
		if !available && defaults {
			continue
		}
		rep.Comparisons = append(rep.Comparisons, c)
	}
	return rep, nil
}

// differences lists what differs between a baseline and the current run
// beyond the measurements themselves.
func differences(b, cur Run, opts Options) ([]string, error) {
	br, cr := b.Result, cur.Result
	if br.Scenario != cr.Scenario {
		err := fmt.Errorf("%w: %s is scenario %q, %s is %q", ErrMismatch, b.Name, br.Scenario, cur.Name, cr.Scenario)
		if !opts.AllowMismatch {
			return nil, err
		}
		return []string{err.Error()}, nil
	}
	var w []string
	add := func(format string, args ...any) { w = append(w, fmt.Sprintf(format, args...)) }
	if br.Cluster.Kind != cr.Cluster.Kind || br.Cluster.Description != cr.Cluster.Description {
		add("%s ran on %s, %s on %s", b.Name, clusterName(br), cur.Name, clusterName(cr))
	}
	if br.KbenchVersion != cr.KbenchVersion {
		add("%s was measured by kbench %s, %s by %s", b.Name, br.KbenchVersion, cur.Name, cr.KbenchVersion)
	}
	if br.DurationS != cr.DurationS || br.WarmupS != cr.WarmupS {
		add("%s ran %gs (warmup %gs), %s %gs (warmup %gs): noise and percentiles depend on run length",
			b.Name, br.DurationS, br.WarmupS, cur.Name, cr.DurationS, cr.WarmupS)
	}
	if bt, ct := br.Produce.TargetRate, cr.Produce.TargetRate; math.Abs(bt-ct) > 0.01*math.Max(bt, ct) {
		add("%s targeted %s records/s, %s %s: latency depends on load", b.Name, rateName(bt), cur.Name, rateName(ct))
	}
	if br.Status != measure.StatusCompleted {
		add("%s", incomplete(b))
	}
	return w, nil
}

func incomplete(r Run) string {
	return fmt.Sprintf("%s did not complete (status %s): its figures cover part of the run", r.Name, r.Result.Status)
}

func clusterName(r *measure.Result) string {
	if r.Cluster.Kind == measure.ClusterEmbedded {
		return "the embedded in-process cluster"
	}
	if r.Cluster.Description != "" {
		return r.Cluster.Description
	}
	return string(r.Cluster.Kind) + " cluster"
}

func rateName(v float64) string {
	if v == 0 {
		return "unlimited"
	}
	return measure.FormatRate(v)
}

// compareMetric judges one metric; available is false when a run has no
// data for it (the comparison is then Inconclusive and says why).
func compareMetric(baselines []Run, current Run, m metric, t Tolerance, opts Options, cache decoded) (c Comparison, available bool) {
	nan := math.NaN()
	c = Comparison{Metric: m.name, Unit: m.unit, Direction: m.dir, Tolerance: t,
		Change: nan, ChangeLow: nan, ChangeHigh: nan, BandLow: nan, BandHigh: nan,
		Baseline: nan, Current: nan, Allowed: nan, Verdict: Inconclusive}
	cur, err := estimateOf(current, m, opts, cache)
	if err != nil {
		c.Statement = fmt.Sprintf("no data in %s: %v", current.Name, err)
		return c, false
	}
	c.Current = cur.value
	ests := make([]estimate, len(baselines))
	for i, b := range baselines {
		if ests[i], err = estimateOf(b, m, opts, cache); err != nil {
			c.Statement = fmt.Sprintf("no data in %s: %v", b.Name, err)
			return c, false
		}
		c.Baselines = append(c.Baselines, ests[i].value)
	}
	if len(baselines) == 1 {
		c.Baselines = nil
		oneBaseline(&c, ests[0], cur, baselines[0].Name, opts)
	} else {
		band(&c, ests, opts)
	}
	if c.Verdict == Regression {
		c.Reason = reason(c, baselines)
	}
	return c, true
}

// allowed returns the bound a metric may reach given its reference: the
// top of the baseline's range for LowerIsBetter metrics, the bottom for
// HigherIsBetter ones. improve is the mirror bound, beyond which the
// change is an improvement.
func allowed(m Direction, t Tolerance, lo, hi float64) (bound, improve float64) {
	if m == LowerIsBetter {
		if t.Absolute {
			return hi + t.Value, lo - t.Value
		}
		return hi * (1 + t.Value), lo * (1 - t.Value)
	}
	if t.Absolute {
		return lo - t.Value, hi + t.Value
	}
	return lo * (1 - t.Value), hi * (1 + t.Value)
}

// oneBaseline compares with a single baseline: the confidence interval of
// the ratio current/baseline, from both runs' noise, against the allowed
// bound.
func oneBaseline(c *Comparison, base, cur estimate, baseName string, opts Options) {
	c.Baseline = base.value
	c.Change = relChange(cur.value, base.value)
	var improve float64
	c.Allowed, improve = allowed(c.Direction, c.Tolerance, base.value, base.value)
	worse := func(v, bound float64) bool { // v is beyond bound on the bad side
		if c.Direction == LowerIsBetter {
			return v > bound
		}
		return v < bound
	}
	better := func(v, bound float64) bool { return worse(bound, v) }

	if base.exact || cur.exact || base.value <= 0 || cur.value <= 0 {
		switch {
		case worse(cur.value, c.Allowed):
			c.Verdict = Regression
		case better(cur.value, improve):
			c.Verdict = Improvement
		default:
			c.Verdict = OK
		}
		c.Statement = "compared as is: no noise model for this metric"
		c.Method = methods(base, cur, baseName)
		return
	}
	// log(cur/base) ± t·√(se_b² + se_c²), Welch's degrees of freedom.
	vb, vc := base.relSE*base.relSE, cur.relSE*cur.relSE
	df := welchDF(vb, base.df, vc, cur.df)
	half := tQuantile(1-(1-opts.Confidence)/2, df) * math.Sqrt(vb+vc)
	d := math.Log(cur.value / base.value)
	lo, hi := cur.value*math.Exp(-half), cur.value*math.Exp(half)
	c.ChangeLow, c.ChangeHigh = math.Exp(d-half)-1, math.Exp(d+half)-1
	pct := fmt.Sprintf("%.0f%%", opts.Confidence*100)
	interval := fmt.Sprintf("%s CI of the change %s … %s", pct, signedPct(c.ChangeLow), signedPct(c.ChangeHigh))
	limit := fmt.Sprintf("the allowed %s", signedPct(c.Allowed/base.value-1))
	if c.Tolerance.Absolute {
		limit = "the allowed " + format(c.Unit, c.Allowed)
	}
	// The interval of the current value, with the baseline held fixed
	// (the same relative interval as the change), by its best and worst
	// ends: a regression needs even the best end beyond the bound.
	best, worst := lo, hi
	if c.Direction == HigherIsBetter {
		best, worst = hi, lo
	}
	switch {
	case worse(best, c.Allowed):
		c.Verdict = Regression
		c.Statement = interval + ": all of it beyond " + limit
	case better(worst, improve):
		c.Verdict = Improvement
		c.Statement = interval + ": all of it better than the tolerance"
	case !worse(worst, c.Allowed):
		c.Verdict = OK
		c.Statement = interval + ": within " + limit
	default:
		c.Verdict = Inconclusive
		c.Statement = interval + ": straddles " + limit + "; too noisy to tell (longer runs or several baselines narrow it)"
	}
	if base.assumesIID || cur.assumesIID {
		c.Statement += "; assumes independent samples, so likely too narrow"
	}
	c.Method = methods(base, cur, baseName)
}

func methods(base, cur estimate, baseName string) string {
	if base.method == cur.method {
		return base.method
	}
	return baseName + ": " + base.method + "; current: " + cur.method
}

// band compares with several baselines: their values' spread is the noise,
// run-to-run variation included. The band is the prediction interval of
// one more run, t-based on log values (Student's t with N−1 degrees of
// freedom); counts, and values that are not all positive, take the
// baselines' range instead.
func band(c *Comparison, ests []estimate, opts Options) {
	n := len(ests)
	vals := make([]float64, n)
	positive := true
	for i, e := range ests {
		vals[i] = e.value
		positive = positive && e.value > 0
	}
	sorted := sortedCopy(vals)
	c.BandLow, c.BandHigh = sorted[0], sorted[n-1]
	m := metricKindOf(c.Metric)
	pct := fmt.Sprintf("%.0f%%", opts.Confidence*100)
	if positive && (m == kindLatency || m == kindRate) {
		logs := make([]float64, n)
		for i, v := range vals {
			logs[i] = math.Log(v)
		}
		mean, sd := meanSD(logs)
		half := tQuantile(1-(1-opts.Confidence)/2, float64(n-1)) * sd * math.Sqrt(1+1/float64(n))
		c.Baseline = math.Exp(mean)
		c.BandLow, c.BandHigh = math.Exp(mean-half), math.Exp(mean+half)
		c.Statement = fmt.Sprintf("%s prediction band of one more run from the %d baselines' spread (t, %d df)", pct, n, n-1)
		c.Method = "spread of the baselines' values (run-to-run noise included)"
	} else {
		mean, _ := meanSD(vals)
		c.Baseline = mean
		c.Statement = fmt.Sprintf("range of the %d baselines (no noise model for this metric)", n)
		c.Method = "range of the baselines' values"
	}
	c.Change = relChange(c.Current, c.Baseline)
	var improve float64
	c.Allowed, improve = allowed(c.Direction, c.Tolerance, c.BandLow, c.BandHigh)
	bad := c.Current > c.Allowed
	good := c.Current < improve
	if c.Direction == HigherIsBetter {
		bad, good = c.Current < c.Allowed, c.Current > improve
	}
	switch {
	case bad:
		c.Verdict = Regression
		c.Statement += ": current is beyond the band by more than the tolerance"
	case good:
		c.Verdict = Improvement
		c.Statement += ": current is better than the band by more than the tolerance"
	default:
		c.Verdict = OK
		c.Statement += ": current is within the band and tolerance"
	}
}

// relChange is cur/base − 1; 0 from 0 to 0 and +Inf from 0 to more.
func relChange(cur, base float64) float64 {
	switch {
	case base != 0:
		return cur/base - 1
	case cur == 0:
		return 0
	case cur > 0:
		return math.Inf(1)
	}
	return math.Inf(-1)
}

func metricKindOf(name string) kind {
	m, _ := lookupMetric(name)
	return m.kind
}

// reason explains a regression in one line.
func reason(c Comparison, baselines []Run) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s regressed: current %s", c.Metric, format(c.Unit, c.Current))
	if len(baselines) == 1 {
		fmt.Fprintf(&b, ", baseline %s (%s)", format(c.Unit, c.Baseline), baselines[0].Name)
	} else {
		fmt.Fprintf(&b, ", baseline band %s … %s (%d baselines)", format(c.Unit, c.BandLow), format(c.Unit, c.BandHigh), len(baselines))
	}
	if !math.IsNaN(c.Change) && !math.IsInf(c.Change, 0) {
		fmt.Fprintf(&b, ", change %s", signedPct(c.Change))
	}
	if !math.IsNaN(c.ChangeLow) {
		fmt.Fprintf(&b, " (CI %s … %s)", signedPct(c.ChangeLow), signedPct(c.ChangeHigh))
	}
	op := "≤"
	if c.Direction == HigherIsBetter {
		op = "≥"
	}
	fmt.Fprintf(&b, "; allowed %s %s (tolerance %s)", op, format(c.Unit, c.Allowed), c.Tolerance.ValueString())
	return b.String()
}

// mustDefaults is withDefaults for options known to be valid.
func (o Options) mustDefaults() Options {
	o, err := o.withDefaults()
	if err != nil {
		panic(err)
	}
	return o
}
