package compare

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kbench/kbench/measure"
)

// model generates synthetic runs shaped like real ones: per-record latency
// is lognormal around a median; each report interval has a level that
// drifts as an AR(1) process (the cluster is slower for some seconds);
// and some intervals hold a stall (a GC pause, a log flush, a leader
// election) during which records queue: latency measured from the
// intended send time then grows by the stall time left when the record
// was due. Stalls make latency come in bursts, so the samples of one run
// are far from independent.
type model struct {
	intervals   int     // measured report intervals of 1s
	perInterval int     // records per interval
	median      float64 // ns
	sigma       float64 // lognormal shape of one record's latency
	phi         float64 // AR(1) coefficient of the interval level
	levelSD     float64 // stationary standard deviation of the interval log-level
	stallProb   float64 // chance that an interval holds a stall
	stallMean   float64 // mean stall length in ns (exponential)
	scale       float64 // multiplies every latency: 1.10 is a 10% shift
}

// bursty is the default synthetic workload: 60 s at 2000 records/s, p99
// around 15ms, drifting levels and stalls in a fifth of the intervals.
var bursty = model{
	intervals: 60, perInterval: 2000, median: 5e6, sigma: 0.45,
	phi: 0.6, levelSD: 0.05, stallProb: 0.2, stallMean: 40e6, scale: 1,
}

// quiet has independent samples: no drift, no stalls.
var quiet = model{intervals: 60, perInterval: 2000, median: 5e6, sigma: 0.45, scale: 1}

func (m model) shifted(scale float64) model { m.scale = scale; return m }

// valueBar returns the bucket of kbench's histogram layout (1µs..1h, 3
// significant digits) that holds v, as HdrHistogram places it.
func valueBar(v int64) (lo, hi int64) {
	const unitMag, halfMag = 9, 10
	const mask = int64(2047) << unitMag
	bucket := int64(64-bits.LeadingZeros64(uint64(v|mask))) - unitMag - (halfMag + 1)
	shift := bucket + unitMag
	lo = (v >> shift) << shift
	return lo, lo + int64(1)<<shift - 1
}

// distOf buckets raw values as a histogram would, counting them in a
// reusable dense array indexed like HdrHistogram's counts.
func distOf(vals []int64) dist {
	const halfMag, unitMag = 10, 9
	counts := make([]int32, 40<<halfMag)
	first, last := len(counts), -1
	for _, v := range vals {
		lo, hi := valueBar(v)
		shift := bits.Len64(uint64(hi - lo)) // bucket + unitMag
		idx := (shift-unitMag+1)<<halfMag + int(lo>>shift) - 1<<halfMag
		counts[idx]++
		first, last = min(first, idx), max(last, idx)
	}
	d := dist{total: int64(len(vals))}
	for idx := first; idx <= last; idx++ {
		if counts[idx] == 0 {
			continue
		}
		bucket := int64(idx>>halfMag) - 1
		sub := int64(idx&(1<<halfMag-1)) + 1<<halfMag
		if bucket < 0 {
			sub -= 1 << halfMag
			bucket = 0
		}
		lo := sub << (bucket + unitMag)
		d.bars = append(d.bars, bar{lo: lo, hi: lo + int64(1)<<(bucket+unitMag) - 1, count: int64(counts[idx])})
	}
	return d
}

// run draws one run: its result (produce and e2e latencies, timeline,
// rates) and its interval log.
func (m model) run(rng *rand.Rand) (*measure.Result, *IntervalLog) {
	const warmup = 2
	prodAll, e2eAll := measure.NewHistogram(), measure.NewHistogram()
	log := &IntervalLog{tags: map[string][]dist{}}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &measure.Result{
		SchemaVersion: measure.SchemaVersion, KbenchVersion: "test", Scenario: "synthetic", RunID: "synthetic",
		Cluster: measure.Cluster{Kind: measure.ClusterExternal, Description: "synthetic"},
		Status:  measure.StatusCompleted, Start: start,
		End:       start.Add(time.Duration(warmup+m.intervals) * time.Second),
		DurationS: float64(warmup + m.intervals), WarmupS: warmup, MeasuredS: float64(m.intervals),
	}
	for i := range warmup {
		r.Timeline = append(r.Timeline, measure.Interval{StartS: float64(i), LengthS: 1, TargetRate: float64(m.perInterval),
			Sent: int64(m.perInterval), Acked: int64(m.perInterval), Consumed: int64(m.perInterval)})
	}
	level := rng.NormFloat64() * m.levelSD
	innov := m.levelSD * math.Sqrt(1-m.phi*m.phi)
	prod := make([]int64, m.perInterval)
	e2e := make([]int64, m.perInterval)
	var acked, consumed int64
	for k := range m.intervals {
		level = m.phi*level + innov*rng.NormFloat64()
		stallAt, stallLen := -1.0, 0.0
		if rng.Float64() < m.stallProb {
			stallAt, stallLen = rng.Float64(), rng.ExpFloat64()*m.stallMean/1e9
		}
		late := 0 // records acknowledged after the interval ended
		for i := range m.perInterval {
			t := (float64(i) + 0.5) / float64(m.perInterval) // intended time within the interval, s
			ns := m.median * math.Exp(level+m.sigma*rng.NormFloat64())
			if stallAt >= 0 && t >= stallAt && t < stallAt+stallLen {
				ns += (stallAt + stallLen - t) * 1e9
				if stallAt+stallLen > 1 {
					late++
				}
			}
			ns *= m.scale
			prod[i] = int64(ns)
			e2e[i] = int64(ns + 1e6*math.Abs(1+0.3*rng.NormFloat64())*m.scale) // plus a consumer delay
			_ = prodAll.RecordValue(prod[i])
			_ = e2eAll.RecordValue(e2e[i])
		}
		pd, ed := distOf(prod), distOf(e2e)
		log.tags["produce"] = append(log.tags["produce"], pd)
		log.tags["e2e"] = append(log.tags["e2e"], ed)
		n := int64(m.perInterval - late + int(rng.NormFloat64()*math.Sqrt(float64(m.perInterval))/4))
		acked += n
		consumed += n
		r.Timeline = append(r.Timeline, measure.Interval{
			StartS: float64(warmup + k), LengthS: 1, TargetRate: float64(m.perInterval),
			Sent: int64(m.perInterval), Acked: n, AckedBytes: 200 * n, Consumed: n, ConsumedBytes: 200 * n,
			ProduceP99US: pd.quantile(0.99) / 1000, E2EP99US: ed.quantile(0.99) / 1000, ConsumerLag: -1,
		})
	}
	pl, _ := measure.Summarize(prodAll)
	el, _ := measure.Summarize(e2eAll)
	total := int64(m.perInterval * (warmup + m.intervals))
	r.Produce = measure.Produce{Instances: 1, Sent: total, Acked: total, Bytes: 200 * total,
		TargetRate: float64(m.perInterval), Rate: float64(acked) / r.MeasuredS, Throughput: float64(200*acked) / r.MeasuredS,
		Latency: pl, LatencyRaw: pl}
	r.Producers = []measure.Produce{r.Produce}
	r.Consume = measure.Consume{Records: total, Bytes: 200 * total, Rate: float64(consumed) / r.MeasuredS,
		Throughput: float64(200*consumed) / r.MeasuredS, E2E: el, E2ERaw: el}
	return r, log
}

func TestValueBarMatchesHistogram(t *testing.T) {
	t.Parallel()
	h := measure.NewHistogram()
	rng := rand.New(rand.NewPCG(1, 1))
	var vals []int64
	for range 5000 {
		v := int64(math.Exp(7 + rng.Float64()*20))
		vals = append(vals, v)
		_ = h.RecordValue(v)
	}
	got, want := distOf(vals), slowDist(h)
	if len(got.bars) != len(want.bars) {
		t.Fatalf("%d buckets, histogram has %d", len(got.bars), len(want.bars))
	}
	for i := range got.bars {
		if got.bars[i] != want.bars[i] {
			t.Fatalf("bucket %d: %+v, histogram %+v", i, got.bars[i], want.bars[i])
		}
	}
	if !fastLayoutOK() {
		t.Fatal("the fast bucket reader disagrees with hdrhistogram-go: check the layout in fastDist")
	}
	if fd := fastDist(h); len(fd.bars) != len(want.bars) || fd.total != want.total {
		t.Fatal("fastDist differs")
	}
}
