package compare

import (
	"fmt"
	"io"
	"sync"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// IntervalLog holds a run's per-interval latency histograms, as written to
// intervals.hlog (one histogram per report interval and tag: produce,
// produce-raw, e2e, e2e-raw). With it, Compare estimates the noise of any
// percentile of any latency from the run's own intervals; without it, only
// the timeline's interval p99s are available.
type IntervalLog struct {
	tags map[string][]dist

	mu      sync.Mutex
	batched map[string][]dist // by tag and batch count
}

// ReadIntervalLog reads an HdrHistogram interval log as kbench writes it.
// Untagged histograms are ignored.
func ReadIntervalLog(r io.Reader) (*IntervalLog, error) {
	lr := hdrhistogram.NewHistogramLogReader(r)
	l := &IntervalLog{tags: map[string][]dist{}}
	for {
		h, err := lr.NextIntervalHistogram()
		if err != nil {
			return nil, fmt.Errorf("interval log: %w", err)
		}
		if h == nil {
			return l, nil
		}
		if h.Tag() == "" || h.TotalCount() == 0 {
			continue
		}
		l.tags[h.Tag()] = append(l.tags[h.Tag()], newDist(h))
	}
}

// Len returns the number of non-empty intervals logged under tag.
func (l *IntervalLog) Len(tag string) int {
	if l == nil {
		return 0
	}
	return len(l.tags[tag])
}

// of returns the intervals logged under tag; nil for a nil log.
func (l *IntervalLog) of(tag string) []dist {
	if l == nil {
		return nil
	}
	return l.tags[tag]
}

// AddInterval appends one interval's histogram under tag (produce,
// produce-raw, e2e or e2e-raw), for callers that hold the histograms
// rather than a log file.
func (l *IntervalLog) AddInterval(tag string, h *hdrhistogram.Histogram) {
	if l.tags == nil {
		l.tags = map[string][]dist{}
	}
	if h.TotalCount() > 0 {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.tags[tag] = append(l.tags[tag], newDist(h))
		l.batched = nil
	}
}

// batches returns the intervals under tag merged into at most maxBatches
// batches of consecutive intervals with about equal sample counts
// (computed once per tag and count).
func (l *IntervalLog) batches(tag string, maxBatches int) []dist {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := fmt.Sprintf("%s/%d", tag, maxBatches)
	if b, ok := l.batched[key]; ok {
		return b
	}
	ivs := l.tags[tag]
	weights := make([]float64, len(ivs))
	for i, d := range ivs {
		weights[i] = float64(d.total)
	}
	group, k := batchOf(weights, maxBatches)
	parts := make([][]dist, k)
	for i, d := range ivs {
		parts[group[i]] = append(parts[group[i]], d)
	}
	out := make([]dist, k)
	for j, ds := range parts {
		out[j] = mergeDists(ds)
	}
	if l.batched == nil {
		l.batched = map[string][]dist{}
	}
	l.batched[key] = out
	return out
}
