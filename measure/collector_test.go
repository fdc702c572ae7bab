package measure

import (
	"bytes"
	"errors"
	"io"
	"math"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

var t0 = time.Unix(1_700_000_000, 0)

func ns(d time.Duration) int64 { return t0.Add(d).UnixNano() }

// TestCollectorMergesInstancesExactly feeds two instances of one producer
// with known latencies and checks the merged totals equal one histogram of
// all samples.
func TestCollectorMergesInstancesExactly(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	c := NewCollector(t0, time.Second, &log)
	shards := c.AddProducer(ProducerInfo{
		Name: "p", Topic: "t", Instances: 2,
		Expected: func(d time.Duration) float64 { return 1000 * d.Seconds() },
	})
	cons := c.AddConsumer("c", "t", "g", 1)
	want := NewHistogram()
	wantE2E := NewHistogram()
	// 1250 warmup records (not measured) and 1250 measured ones, alternating
	// instances; latency i µs for record i.
	for i := range 2500 {
		s := shards[i%2]
		intended := t0.Add(time.Duration(i) * time.Millisecond * 4 / 5) // 1s warmup, then 1s measured
		in := intended.UnixNano()
		lat := int64(i+1) * 1000
		s.Sent(in, in)
		s.Acked(in, in, in+lat, 100)
		cons[0].Consumed(in, in, in+2*lat, 100)
		if intended.Before(t0.Add(time.Second)) {
			continue
		}
		record(want, lat)
		record(wantE2E, 2*lat)
	}
	shards[0].Failed(errors.New("boom"))
	c.Tick(t0.Add(time.Second))
	c.Tick(t0.Add(2 * time.Second))
	res, err := c.Finish(RunInfo{Scenario: "s", Duration: 2 * time.Second, Warmup: time.Second,
		ProducingEnd: t0.Add(2 * time.Second), End: t0.Add(2 * time.Second), Status: StatusCompleted})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Produce
	if p.Sent != 2500 || p.Acked != 2500 || p.Errors != 1 || p.Bytes != 250000 {
		t.Fatalf("counts: %+v", p)
	}
	if p.ErrorKinds["boom"] != 1 {
		t.Fatalf("error kinds: %v", p.ErrorKinds)
	}
	if res.MeasuredS != 1 || p.Rate != 1250 || p.TargetRate != 1000 {
		t.Fatalf("measured %v rate %v target %v", res.MeasuredS, p.Rate, p.TargetRate)
	}
	got, err := DecodeHistogram(p.Latency.Histogram)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equals(want) {
		t.Fatalf("merged histogram differs: count %d vs %d, p99 %d vs %d",
			got.TotalCount(), want.TotalCount(), got.ValueAtPercentile(99), want.ValueAtPercentile(99))
	}
	if p.Latency.P99US != want.ValueAtPercentile(99)/1000 {
		t.Fatalf("p99 %d, want %d", p.Latency.P99US, want.ValueAtPercentile(99)/1000)
	}
	if res.Consume.Records != 2500 || res.Consume.Missing != 0 || res.Consume.E2E.Count != wantE2E.TotalCount() {
		t.Fatalf("consume: %+v", res.Consume)
	}
	if res.Consume.E2E.P50US != wantE2E.ValueAtPercentile(50)/1000 {
		t.Fatalf("e2e p50 %d want %d", res.Consume.E2E.P50US, wantE2E.ValueAtPercentile(50)/1000)
	}
	// Timeline intervals add up to the totals.
	var acked, consumed int64
	for _, iv := range res.Timeline {
		acked += iv.Acked
		consumed += iv.Consumed
	}
	if acked != 2500 || consumed != 2500 {
		t.Fatalf("timeline sums: acked %d consumed %d", acked, consumed)
	}
	// The interval log reads back with hdrhistogram-go's reader and its
	// histograms add up to the run's measured samples.
	r := hdrhistogram.NewHistogramLogReader(&log)
	perTag := map[string]int64{}
	for {
		h, err := r.NextIntervalHistogram()
		if err != nil {
			t.Fatalf("reading interval log: %v", err)
		}
		if h == nil {
			break
		}
		perTag[h.Tag()] += h.TotalCount()
	}
	if perTag["produce"] != want.TotalCount() || perTag["e2e"] != wantE2E.TotalCount() {
		t.Fatalf("interval log counts %v, want %d", perTag, want.TotalCount())
	}
}

func TestBehindAndUnsent(t *testing.T) {
	t.Parallel()
	c := NewCollector(t0, 0, nil)
	s := c.AddProducer(ProducerInfo{Name: "p", Topic: "t", Instances: 1})[0]
	s.Sent(ns(0), ns(BehindThreshold/2))
	s.Sent(ns(0), ns(2*BehindThreshold))
	s.Unsent(7)
	res, err := c.Finish(RunInfo{End: t0.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Produce.Behind != 1 || res.Produce.Unsent != 7 || res.Produce.MaxLagUS != (2*BehindThreshold).Microseconds() {
		t.Fatalf("%+v", res.Produce)
	}
	if len(res.Notes) != 1 {
		t.Fatalf("want a note about falling behind, got %q", res.Notes)
	}
	if res.Produce.TargetRate != 0 {
		t.Fatalf("unlimited producer has target %v", res.Produce.TargetRate)
	}
	// No consumer on the produced topic: missing is unknown, not 0.
	if res.Consume.Missing != -1 {
		t.Fatalf("missing = %d, want -1", res.Consume.Missing)
	}
}

func TestDrainedAndMissing(t *testing.T) {
	t.Parallel()
	c := NewCollector(t0, 0, nil)
	p := c.AddProducer(ProducerInfo{Name: "p", Topic: "t", Instances: 1})[0]
	g1 := c.AddConsumer("a", "t", "ga", 1)[0]
	g2 := c.AddConsumer("b", "t", "gb", 2)
	for range 10 {
		p.Acked(ns(0), ns(0), ns(time.Millisecond), 1)
		g1.Consumed(ns(0), ns(0), ns(time.Millisecond), 1)
	}
	for range 4 {
		g2[0].Consumed(ns(0), ns(0), ns(time.Millisecond), 1)
		g2[1].Consumed(ns(0), ns(0), ns(time.Millisecond), 1)
	}
	if c.Drained() {
		t.Fatal("group b has 8 of 10 records: not drained")
	}
	res, err := c.Finish(RunInfo{End: t0.Add(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Consume.Missing != 2 {
		t.Fatalf("missing = %d, want 2 (group b)", res.Consume.Missing)
	}
	g2[0].Consumed(ns(0), ns(0), ns(time.Millisecond), 1)
	g2[0].Consumed(ns(0), ns(0), ns(time.Millisecond), 1)
	if !c.Drained() {
		t.Fatal("every group has every record: drained")
	}
}

func TestIntervalLogError(t *testing.T) {
	t.Parallel()
	c := NewCollector(t0, 0, failWriter{})
	s := c.AddProducer(ProducerInfo{Name: "p", Topic: "t", Instances: 1})[0]
	s.Acked(ns(0), ns(0), ns(time.Millisecond), 1)
	if _, err := c.Finish(RunInfo{End: t0.Add(time.Second)}); err == nil {
		t.Fatal("a failing interval log must fail Finish")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestRecordClamps(t *testing.T) {
	t.Parallel()
	h := NewHistogram()
	record(h, -5)
	record(h, math.MaxInt64)
	if h.TotalCount() != 2 || h.Max() < histHighest/2 {
		t.Fatalf("clamping: count %d max %d", h.TotalCount(), h.Max())
	}
}

func BenchmarkProducerShardAcked(b *testing.B) {
	c := NewCollector(t0, 0, nil)
	s := c.AddProducer(ProducerInfo{Name: "p", Topic: "t", Instances: 1})[0]
	b.ReportAllocs()
	i := int64(0)
	for b.Loop() {
		i++
		s.Acked(ns(0), ns(0), ns(0)+i%5_000_000, 100)
	}
}

// TestTalliesPublish checks batching: a slow trickle is published at once,
// a fast burst every few dozen records, and Flush publishes the rest.
func TestTalliesPublish(t *testing.T) {
	t.Parallel()
	c := NewCollector(t0, 0, nil)
	s := c.AddProducer(ProducerInfo{Name: "p", Topic: "t", Instances: 1})[0]
	var st SendTally
	var at AckTally
	// One record a second: each is published immediately.
	for i := range 3 {
		now := ns(time.Duration(i+1) * time.Second)
		st.Sent(s, now, now)
		at.Acked(s, now, now, now+1000, 10)
		if s.sent.Load() != int64(i+1) || s.acked.Load() != int64(i+1) {
			t.Fatalf("trickle record %d not published: sent %d acked %d", i, s.sent.Load(), s.acked.Load())
		}
	}
	// A burst within a millisecond: published in batches.
	base := ns(10 * time.Second)
	for i := range 100 {
		now := base + int64(i)
		st.Sent(s, now, now)
		at.Acked(s, now, now, now+1000, 10)
	}
	if got := s.acked.Load(); got == 103 || got < 3+tallyBatch {
		t.Fatalf("burst: acked published %d, want a batch of %d but not all", got, tallyBatch)
	}
	st.Flush(s)
	at.Flush(s)
	if s.sent.Load() != 103 || s.acked.Load() != 103 || s.bytes.Load() != 1030 {
		t.Fatalf("after flush: sent %d acked %d bytes %d", s.sent.Load(), s.acked.Load(), s.bytes.Load())
	}
	if s.lat.TotalCount() != 103 {
		t.Fatalf("latencies recorded %d", s.lat.TotalCount())
	}
}

// TestProgressTarget: the progress target is the profile's mean over the
// interval, 0 after the end, and "unlimited" is flagged.
func TestProgressTarget(t *testing.T) {
	t.Parallel()
	c := NewCollector(t0, 0, nil)
	// A ramp 0 → 2000/s over 2s, then nothing (the run ends at 2s).
	c.AddProducer(ProducerInfo{Name: "p", Topic: "t", Instances: 1, Expected: func(d time.Duration) float64 {
		s := min(d, 2*time.Second).Seconds()
		return 500 * s * s
	}})
	if p := c.Tick(t0.Add(time.Second)); p.TargetRate != 500 || p.Unlimited {
		t.Fatalf("first second: %+v", p)
	}
	if p := c.Tick(t0.Add(2 * time.Second)); p.TargetRate != 1500 {
		t.Fatalf("second second: %+v", p)
	}
	if p := c.Tick(t0.Add(3 * time.Second)); p.TargetRate != 0 {
		t.Fatalf("after the end: %+v", p)
	}
	u := NewCollector(t0, 0, nil)
	u.AddProducer(ProducerInfo{Name: "u", Topic: "t", Instances: 1})
	if p := u.Tick(t0.Add(time.Second)); !p.Unlimited || p.TargetRate != 0 {
		t.Fatalf("unlimited: %+v", p)
	}
}
