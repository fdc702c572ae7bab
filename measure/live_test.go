package measure

import (
	"errors"
	"testing"
	"time"
)

// TestLiveProgress checks the per-producer and per-consumer totals and
// the two latency windows a Tick returns, and that Last returns them.
func TestLiveProgress(t *testing.T) {
	t.Parallel()
	c := NewCollector(t0, time.Second, nil)
	if p := c.Last(); p.Elapsed != 0 || p.Producers != nil {
		t.Fatalf("Last before any tick: %+v", p)
	}
	shop := c.AddProducer(ProducerInfo{Name: "shop", Topic: "orders", Instances: 2})
	audit := c.AddProducer(ProducerInfo{Name: "audit", Topic: "log", Instances: 1})
	billing := c.AddConsumer("billing", "orders", "billing-g", 1)

	// Warmup records are counted, not measured.
	w := ns(500 * time.Millisecond)
	shop[0].Sent(w, w)
	shop[0].Acked(w, w, w+int64(time.Second), 10)
	billing[0].Consumed(w, w, w+int64(time.Second), 10)
	p := c.Tick(t0.Add(time.Second))
	if q := p.IntervalLatency.Produce; q.Count != 0 || q.P99 != 0 || p.RunLatency.E2E.Count != 0 {
		t.Fatalf("warmup latencies measured: %+v %+v", p.IntervalLatency, p.RunLatency)
	}
	if len(p.Producers) != 2 || p.Producers[0].Acked != 1 || p.Producers[0].AckedBytes != 10 || p.Consumers[0].Records != 1 {
		t.Fatalf("warmup counts: %+v %+v", p.Producers, p.Consumers)
	}

	// Interval 2: produce latencies 1..100ms over both instances of shop
	// (sent half of it late: 90 records more than 5ms),
	// e2e 2..200ms, and a failure of audit.
	for i := range 100 {
		in := ns(time.Second + time.Duration(i)*time.Millisecond)
		lat := int64(i+1) * int64(time.Millisecond)
		shop[i%2].Sent(in, in+lat/2)
		shop[i%2].Acked(in, in+lat/2, in+lat, 100)
		billing[0].Consumed(in, in, in+2*lat, 100)
	}
	audit[0].Sent(ns(time.Second), ns(time.Second)+int64(10*time.Millisecond)) // behind
	audit[0].Failed(errors.New("boom"))
	billing[0].Foreign()
	p = c.Tick(t0.Add(2 * time.Second))
	want := []ProducerProgress{
		{Name: "shop", Topic: "orders", Sent: 101, Acked: 101, AckedBytes: 10 + 100*100, Behind: 90}, // sent lat/2 late
		{Name: "audit", Topic: "log", Sent: 1, Errors: 1, Behind: 1},
	}
	for i := range want {
		if p.Producers[i] != want[i] {
			t.Errorf("producer %d: %+v, want %+v", i, p.Producers[i], want[i])
		}
	}
	if got := p.Consumers[0]; got != (ConsumerProgress{Name: "billing", Topic: "orders", Group: "billing-g",
		Records: 101, Bytes: 10 + 100*100, Foreign: 1}) {
		t.Errorf("consumer: %+v", got)
	}
	near := func(name string, got time.Duration, want time.Duration) {
		t.Helper()
		// three significant digits
		if d := got - want; d < -want/500 || d > want/500 {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	iv := p.IntervalLatency
	if iv.Produce.Count != 100 || iv.E2E.Count != 100 || iv.ProduceRaw.Count != 100 {
		t.Fatalf("interval counts: %+v", iv)
	}
	near("produce p50", iv.Produce.P50, 50*time.Millisecond)
	near("produce p90", iv.Produce.P90, 90*time.Millisecond)
	near("produce p99", iv.Produce.P99, 99*time.Millisecond)
	near("produce max", iv.Produce.Max, 100*time.Millisecond)
	near("produce raw max", iv.ProduceRaw.Max, 50*time.Millisecond)
	near("e2e p50", iv.E2E.P50, 100*time.Millisecond)
	near("e2e max", iv.E2E.Max, 200*time.Millisecond)
	if p.RunLatency != iv {
		t.Errorf("run window %+v differs from the only measured interval %+v", p.RunLatency, iv)
	}

	// Interval 3 measures one more, slower record: the interval window
	// holds it alone, the run window all.
	in := ns(2 * time.Second)
	shop[0].Acked(in, in, in+int64(time.Second), 100)
	p = c.Tick(t0.Add(3 * time.Second))
	if p.IntervalLatency.Produce.Count != 1 || p.RunLatency.Produce.Count != 101 || p.IntervalLatency.E2E.Count != 0 {
		t.Errorf("windows after interval 3: %+v / %+v", p.IntervalLatency, p.RunLatency)
	}
	near("run max", p.RunLatency.Produce.Max, time.Second)
	near("run p50", p.RunLatency.Produce.P50, 51*time.Millisecond)

	last := c.Last()
	if last.Elapsed != 3*time.Second || last.RunLatency != p.RunLatency || len(last.Producers) != 2 {
		t.Errorf("Last: %+v", last)
	}
	// Last's slices are the caller's.
	last.Producers[0].Name = "changed"
	if c.Last().Producers[0].Name != "shop" {
		t.Errorf("Last shares its slices with the collector")
	}

	// Finish's tick is the last progress.
	if _, err := c.Finish(RunInfo{Duration: 3 * time.Second, Warmup: time.Second, End: t0.Add(3500 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	if c.Last().Elapsed != 3500*time.Millisecond {
		t.Errorf("Last after Finish: elapsed %v", c.Last().Elapsed)
	}
}

func TestPhases(t *testing.T) {
	got := Phases()
	want := []Phase{PhaseStarting, PhaseWarmup, PhaseMeasuring, PhaseDraining, PhaseDone}
	if len(got) != len(want) {
		t.Fatalf("Phases() = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Phases()[%d] = %s, want %s", i, got[i], want[i])
		}
	}
}

// BenchmarkTick measures a report interval's merge with the live
// quantiles, for a run with four producer instances.
func BenchmarkTick(b *testing.B) {
	c := NewCollector(t0, 0, nil)
	shards := c.AddProducer(ProducerInfo{Name: "p", Topic: "t", Instances: 4})
	cons := c.AddConsumer("c", "t", "g", 2)
	now := t0
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		for j := range 1000 {
			in := ns(time.Duration(i*1000+j) * time.Microsecond)
			shards[j%4].Acked(in, in, in+int64(j)*int64(time.Microsecond), 100)
			cons[j%2].Consumed(in, in, in+2*int64(j)*int64(time.Microsecond), 100)
		}
		now = now.Add(time.Second)
		c.Tick(now)
	}
}
