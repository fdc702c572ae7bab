package compare

import (
	"fmt"
	"math"
	"sort"

	"github.com/kbench/kbench/measure"
)

// estimate is one run's value of a metric and how noisy it is.
type estimate struct {
	value float64 // base unit, as gates see it
	// relSE is the standard error of log(value): the relative noise of
	// the measurement; 0 when exact (no noise model).
	relSE float64
	// df is the degrees of freedom of relSE (+Inf when it comes from an
	// assumed model rather than replicates).
	df     float64
	exact  bool   // compared as is: counts, extremes, no interval data
	method string // how relSE was obtained, for the confidence statement
	// assumesIID is set when relSE ignores autocorrelation: no interval
	// data was available.
	assumesIID bool
}

// batchOf groups consecutive items with the given weights into at most k
// batches of about equal total weight: it returns each item's batch
// number and the number of batches.
func batchOf(weights []float64, k int) (group []int, batches int) {
	k = batchCount(len(weights), k)
	var total float64
	for _, w := range weights {
		total += w
	}
	group = make([]int, len(weights))
	if total <= 0 || k < 1 {
		return group, 0
	}
	var cum float64
	last := -1
	for i, w := range weights {
		// The batch of an item's weight midpoint; a heavy item may skip
		// a batch number, so renumber densely.
		g := min(int((cum+w/2)/total*float64(k)), k-1)
		cum += w
		if g != last {
			batches++
			last = g
		}
		group[i] = batches - 1
	}
	return group, batches
}

// Batching: a batch spans at least minBatchIntervals report intervals, so
// that bursts and drifts a few intervals long average out inside it,
// unless that leaves fewer than minBatches batches.
const (
	minBatchIntervals = 12
	minBatches        = 5
)

// batchCount is the number of batches for n intervals, at most maxBatches.
func batchCount(n, maxBatches int) int {
	return min(maxBatches, max(minBatches, n/minBatchIntervals), n)
}

// batchSE returns the relative standard error of the mean of per-batch
// values and its degrees of freedom (batches − 1).
func batchSE(values []float64) (relSE, df float64, ok bool) {
	if len(values) < 2 {
		return 0, 0, false
	}
	m, sd := meanSD(values)
	if m <= 0 {
		return 0, 0, false
	}
	return sd / (m * math.Sqrt(float64(len(values)))), float64(len(values) - 1), true
}

// decoded caches decoded whole-run histograms for one comparison, keyed by
// their encoded form: every metric of a histogram needs the same one.
type decoded map[string]dist

func (c decoded) get(enc string) (dist, bool) {
	if enc == "" {
		return dist{}, false
	}
	d, ok := c[enc]
	if !ok {
		var err error
		if d, err = decodeDist(enc); err != nil {
			return dist{}, false
		}
		c[enc] = d
	}
	return d, d.total > 0
}

// estimateOf measures metric m in run.
func estimateOf(run Run, m metric, opts Options, cache decoded) (estimate, error) {
	v, err := m.value(run.Result)
	if err != nil {
		return estimate{}, err
	}
	e := estimate{value: v, df: math.Inf(1)}
	switch m.kind {
	case kindCount, kindRatio:
		e.exact, e.method = true, "a whole-run total: compared as is"
		return e, nil
	case kindRate:
		return rateEstimate(run.Result, m, e, opts), nil
	}
	if m.stat.extreme {
		e.exact, e.method = true, m.stat.name+" is a single sample: compared as is"
		return e, nil
	}
	return latencyEstimate(run, m, e, opts, cache), nil
}

// latencyEstimate estimates the noise of a latency statistic, from the
// best data the run has: its interval log, else the timeline's interval
// p99s, else the whole-run histogram alone.
func latencyEstimate(run Run, m metric, e estimate, opts Options, cache decoded) estimate {
	tag := logTag(m.hist)
	if n := run.Intervals.Len(tag); n >= 2 {
		if se, df, k, ok := clusterSE(run.Intervals.batches(tag, opts.Batches), m.stat); ok {
			e.relSE, e.df = se, df
			e.method = fmt.Sprintf("%d batches of ~%.3g intervals from the interval log (Woodruff interval)", k, float64(n)/float64(k))
			return e
		}
	}
	full, haveFull := cache.get(latency(run.Result, m.hist).Histogram)
	p99, k, ok := timelineP99(run.Result, m.hist, opts.Batches)
	if ok {
		se, df, okSE := batchSE(p99)
		if okSE && m.stat.name == "p99" {
			if haveFull {
				se = math.Max(se, full.iidRelSE(m.stat))
			}
			e.relSE, e.df = se, df
			e.method = fmt.Sprintf("batch means: interval p99s of the timeline in %d batches", k)
			return e
		}
		if okSE && haveFull {
			// The timeline has only p99s. Another statistic takes the
			// p99's relative error (bursts and drifts move every
			// percentile), or its own independent-sample error scaled by
			// the p99's burst inflation when that is larger (further in
			// the tail, fewer samples decide).
			iidP99 := full.iidRelSE(latencyStat{q: 0.99})
			inflation := math.Max(1, se/iidP99)
			e.relSE = math.Max(se, full.iidRelSE(m.stat)*inflation)
			e.df = df
			e.method = fmt.Sprintf("from the timeline's interval p99s in %d batches (%s takes the p99's noise, ×%.2g for bursts)", k, m.stat.name, inflation)
			return e
		}
	}
	if haveFull {
		e.relSE, e.assumesIID = full.iidRelSE(m.stat), true
		e.method = "order statistics of the histogram, samples assumed independent (no interval data): too narrow if latency came in bursts"
		return e
	}
	e.exact, e.method = true, "no histogram: compared as is"
	return e
}

// timelineP99 returns the timeline's interval p99s of a corrected latency
// (produce or e2e; raw latencies borrow them), averaged within at most k
// batches of about equal sample counts, in ns.
func timelineP99(r *measure.Result, hist string, k int) ([]float64, int, bool) {
	var ys, ws []float64
	for _, iv := range r.Timeline {
		y, w := iv.ProduceP99US, iv.Acked
		if hist == "e2e" || hist == "e2e.raw" {
			y, w = iv.E2EP99US, iv.Consumed
		}
		if y <= 0 {
			continue
		}
		ys = append(ys, float64(y)*1000)
		ws = append(ws, float64(max(w, 1)))
	}
	if len(ys) < 2 {
		return nil, 0, false
	}
	return weightedBatches(ys, ws, k)
}

// weightedBatches averages ys (weights ws) within batches of consecutive
// items of about equal weight.
func weightedBatches(ys, ws []float64, k int) ([]float64, int, bool) {
	group, n := batchOf(ws, k)
	if n < 2 {
		return nil, n, false
	}
	sum, wsum := make([]float64, n), make([]float64, n)
	for i, y := range ys {
		sum[group[i]] += y * ws[i]
		wsum[group[i]] += ws[i]
	}
	out := make([]float64, n)
	for j := range out {
		out[j] = sum[j] / wsum[j]
	}
	return out, n, true
}

// rateEstimate estimates the noise of a per-second metric from the rates
// of the timeline's intervals inside the measured window.
func rateEstimate(r *measure.Result, m metric, e estimate, opts Options) estimate {
	lengths := make([]float64, 0, len(r.Timeline))
	for _, iv := range r.Timeline {
		lengths = append(lengths, iv.LengthS)
	}
	sort.Float64s(lengths)
	var typical float64
	if len(lengths) > 0 {
		typical = lengths[len(lengths)/2]
	}
	from, to := r.WarmupS, r.WarmupS+r.MeasuredS
	var ys, ws []float64
	for _, iv := range r.Timeline {
		mid := iv.StartS + iv.LengthS/2
		if iv.LengthS < typical/2 || mid < from || mid > to {
			continue
		}
		var n int64
		switch m.name {
		case "produce.rate":
			n = iv.Acked
		case "produce.throughput":
			n = iv.AckedBytes
		case "consume.rate":
			n = iv.Consumed
		case "consume.throughput":
			n = iv.ConsumedBytes
		}
		ys = append(ys, float64(n)/iv.LengthS)
		ws = append(ws, iv.LengthS)
	}
	if values, k, ok := weightedBatches(ys, ws, opts.Batches); ok {
		if se, df, ok := batchSE(values); ok {
			e.relSE, e.df = se, df
			e.method = fmt.Sprintf("batch means: interval rates of the timeline in %d batches", k)
			return e
		}
	}
	e.exact, e.method = true, "too few timeline intervals for a noise estimate: compared as is"
	return e
}

// clusterSE estimates the relative standard error of a statistic of the
// pooled intervals, treating batches of consecutive intervals as the
// independent units (clusters). For a quantile it is Woodruff's interval:
// the error of the pooled CDF at the estimate, from the spread of the
// batches' CDFs, mapped back through the pooled quantile function; for the
// mean, the spread of the batch means. Never below the independent-sample
// error.
func clusterSE(batches []dist, s latencyStat) (relSE, df float64, k int, ok bool) {
	k = len(batches)
	if k < 2 {
		return 0, 0, k, false
	}
	pooled := mergeDists(batches)
	iid := pooled.iidRelSE(s)
	if s.mean {
		means := make([]float64, k)
		for j, b := range batches {
			means[j] = b.mean()
		}
		se := ratioSE(means, batches)
		m := pooled.mean()
		if m <= 0 {
			return 0, 0, k, false
		}
		return math.Max(se/m, iid), float64(k - 1), k, true
	}
	theta := pooled.quantile(s.q)
	fs := make([]float64, k)
	for j, b := range batches {
		fs[j] = b.cdf(theta)
	}
	seF := ratioSE(fs, batches)
	lo := pooled.quantile(math.Max(s.q-seF, 0))
	hi := pooled.quantile(math.Min(s.q+seF, 1))
	se := 0.0
	if lo > 0 && hi > 0 {
		se = (math.Log(float64(hi)) - math.Log(float64(lo))) / 2
	}
	return math.Max(se, iid), float64(k - 1), k, true
}

// ratioSE is the standard error of the pooled (count-weighted) mean of
// per-batch values, by the linearized variance of a ratio estimator over
// clusters: √(Σ (n_j/n̄)² (v_j − v̄)² / (k(k−1))).
func ratioSE(values []float64, batches []dist) float64 {
	k := len(values)
	var n, sum float64
	for j, v := range values {
		w := float64(batches[j].total)
		n += w
		sum += w * v
	}
	mean := sum / n
	nbar := n / float64(k)
	var ss float64
	for j, v := range values {
		r := float64(batches[j].total) / nbar
		ss += r * r * (v - mean) * (v - mean)
	}
	return math.Sqrt(ss / float64(k*(k-1)))
}
