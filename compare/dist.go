package compare

import (
	"math"
	"sync"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/kbench/kbench/measure"
)

// bar is one non-empty bucket of a latency histogram: count values
// between lo and hi (ns, both equivalent at the histogram's precision).
type bar struct {
	lo, hi, count int64
}

// dist is a histogram reduced to its non-empty buckets, in value order:
// small enough to keep one per report interval, exact enough to merge
// (every kbench histogram has the same bucket layout).
type dist struct {
	bars  []bar
	total int64
}

// newDist reduces h to its non-empty buckets.
func newDist(h *hdrhistogram.Histogram) dist {
	if fastLayoutOK() {
		return fastDist(h)
	}
	return slowDist(h)
}

// slowDist walks every bucket up to the largest value with the library's
// iterator: always right, but it visits ~20k empty buckets per histogram.
func slowDist(h *hdrhistogram.Histogram) dist {
	var d dist
	for _, b := range h.Distribution() {
		if b.Count > 0 {
			d.bars = append(d.bars, bar{lo: b.From, hi: b.To, count: b.Count})
			d.total += b.Count
		}
	}
	return d
}

// fastDist reads the counts array and maps each non-empty index to its
// value range with HdrHistogram's bucket layout (sub-buckets of half
// 2^halfMag, values in units of 2^unitMag).
func fastDist(h *hdrhistogram.Histogram) dist {
	s := h.Export()
	unitMag := int64(math.Floor(math.Log2(float64(max(s.LowestTrackableValue, 1)))))
	halfMag := int64(math.Ceil(math.Log2(2*math.Pow10(int(s.SignificantFigures))))) - 1
	half := int64(1) << halfMag
	var d dist
	for idx, n := range s.Counts {
		if n == 0 {
			continue
		}
		bucket := int64(idx)>>halfMag - 1
		sub := int64(idx)&(half-1) + half
		if bucket < 0 {
			sub -= half
			bucket = 0
		}
		lo := sub << (bucket + unitMag)
		d.bars = append(d.bars, bar{lo: lo, hi: lo + int64(1)<<(bucket+unitMag) - 1, count: n})
		d.total += n
	}
	return d
}

var (
	layoutOnce sync.Once
	layoutOK   bool
)

// fastLayoutOK checks once that fastDist agrees with the library on a
// histogram of kbench's layout, so a library change cannot make it wrong,
// only slower.
func fastLayoutOK() bool {
	layoutOnce.Do(func() {
		h := measure.NewHistogram()
		for v := int64(1); v < 1e13; v = v*3 + 7 {
			_ = h.RecordValues(v, v%5+1)
		}
		a, b := fastDist(h), slowDist(h)
		layoutOK = a.total == b.total && len(a.bars) == len(b.bars)
		for i := range a.bars {
			layoutOK = layoutOK && a.bars[i] == b.bars[i]
		}
	})
	return layoutOK
}

// decodeDist decodes a result's base64 histogram.
func decodeDist(enc string) (dist, error) {
	h, err := measure.DecodeHistogram(enc)
	if err != nil {
		return dist{}, err
	}
	return newDist(h), nil
}

// mergeDists adds distributions bucket by bucket (pairwise, as a
// balanced tree of two-way merges of the sorted bucket lists).
func mergeDists(ds []dist) dist {
	switch len(ds) {
	case 0:
		return dist{}
	case 1:
		return ds[0]
	}
	half := len(ds) / 2
	return mergeTwo(mergeDists(ds[:half]), mergeDists(ds[half:]))
}

func mergeTwo(a, b dist) dist {
	out := dist{bars: make([]bar, 0, max(len(a.bars), len(b.bars))), total: a.total + b.total}
	i, j := 0, 0
	for i < len(a.bars) && j < len(b.bars) {
		x, y := a.bars[i], b.bars[j]
		switch {
		case x.lo < y.lo:
			out.bars = append(out.bars, x)
			i++
		case y.lo < x.lo:
			out.bars = append(out.bars, y)
			j++
		default:
			x.count += y.count
			out.bars = append(out.bars, x)
			i, j = i+1, j+1
		}
	}
	out.bars = append(out.bars, a.bars[i:]...)
	out.bars = append(out.bars, b.bars[j:]...)
	return out
}

// atRank returns the value of the rank-th smallest sample (1-based,
// clamped to the sample count), as the highest value of its bucket like
// HdrHistogram's percentiles.
func (d dist) atRank(rank int64) int64 {
	rank = min(max(rank, 1), d.total)
	var seen int64
	for _, b := range d.bars {
		seen += b.count
		if seen >= rank {
			return b.hi
		}
	}
	return 0
}

// quantile returns the q-quantile (0 < q < 1) with HdrHistogram's rank
// rule, so it matches the percentiles kbench reports.
func (d dist) quantile(q float64) int64 {
	if d.total == 0 {
		return 0
	}
	return d.atRank(int64(q*float64(d.total) + 0.5))
}

// cdf returns the fraction of samples at or below x (a sample counts as
// at x when its bucket holds x).
func (d dist) cdf(x int64) float64 {
	if d.total == 0 {
		return 0
	}
	var n int64
	for _, b := range d.bars {
		if b.lo > x {
			break
		}
		n += b.count
	}
	return float64(n) / float64(d.total)
}

// mean returns the mean, taking each bucket at its midpoint.
func (d dist) mean() float64 {
	if d.total == 0 {
		return 0
	}
	var s float64
	for _, b := range d.bars {
		s += float64(b.count) * (float64(b.lo) + float64(b.hi)) / 2
	}
	return s / float64(d.total)
}

// sd returns the standard deviation, buckets at their midpoints.
func (d dist) sd() float64 {
	if d.total < 2 {
		return 0
	}
	m := d.mean()
	var s float64
	for _, b := range d.bars {
		x := (float64(b.lo)+float64(b.hi))/2 - m
		s += float64(b.count) * x * x
	}
	return math.Sqrt(s / float64(d.total-1))
}

// stat returns a latency statistic of the distribution (ns): a quantile,
// or the mean.
func (d dist) stat(s latencyStat) float64 {
	if s.mean {
		return d.mean()
	}
	return float64(d.quantile(s.q))
}

// iidRelSE is the standard error of log(stat) if the samples were
// independent: for a quantile, half the distance in log between the order
// statistics one binomial standard deviation below and above its rank (a
// distribution-free interval for the quantile, at ±1σ); for the mean,
// sd/(√n·mean). Never below the histogram's resolution.
func (d dist) iidRelSE(s latencyStat) float64 {
	const floor = 0.0005 // half of the 3-significant-digit bucket width
	n := float64(d.total)
	if n == 0 {
		return 0
	}
	if s.mean {
		m := d.mean()
		if m <= 0 {
			return floor
		}
		return math.Max(d.sd()/(math.Sqrt(n)*m), floor)
	}
	half := math.Sqrt(n * s.q * (1 - s.q))
	lo := d.atRank(int64(math.Floor(n*s.q - half)))
	hi := d.atRank(int64(math.Ceil(n*s.q + half)))
	if lo <= 0 || hi <= 0 {
		return floor
	}
	return math.Max((math.Log(float64(hi))-math.Log(float64(lo)))/2, floor)
}
