// Package compare judges a run's result against one or more baselines,
// metric by metric, within tolerances — the CI question "did this change
// make Kafka (or our use of it) slower?" — without being fooled by noise.
//
// Metrics are the gate catalog's (scenarios.Metrics) and read the same
// values as gates (Value). Each has a direction: latencies, errors and
// missing records regress upward; rates, throughputs and delivered counts
// downward. A Tolerance is relative (10% of the baseline) or absolute
// (2ms, 500/s, 0 errors).
//
// With one baseline, a latency statistic or a rate gets a confidence
// interval for the ratio current/baseline, and a regression is called only
// when the whole interval lies beyond the tolerance. The samples of one run
// are not independent — latency comes in bursts (a GC pause, a leader
// election, a log flush) that hit thousands of consecutive records — so
// resampling records one by one would be far too confident. Instead the
// unit of resampling is the report interval: consecutive intervals are
// grouped into batches (at least 12 intervals each when the run is long
// enough, 5 to 10 batches), and the spread between batches measures the
// noise (batch means). For a percentile from the interval log, that is
// Woodruff's interval: the error of the pooled distribution function at
// the percentile, from the batches' spread, mapped back through the pooled
// quantile function. From result.json alone, the timeline's interval p99s
// stand in (other percentiles borrow the p99's relative noise). The two
// runs' errors combine on the log scale with Welch's degrees of freedom
// and Student's t.
//
// With several baselines, their spread gives the noise — run-to-run
// variation included, which no single run can show: the band is the
// prediction interval of one more run (t-based, on log values), and the
// current run regresses when it falls beyond the band by more than the
// tolerance.
//
// Counts (errors, missing records, verification findings) and extremes
// (min, max) have no noise model and are compared as they are.
//
// See docs/compare.md for the method, its assumptions and its validation.
package compare
