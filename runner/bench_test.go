package runner

import (
	"context"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/generators"
	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/scenarios"
)

// BenchmarkProducerOverhead compares, in one process and alternating
// rounds, kbench's producer (generator + pacer + identity header + pooled
// records + measurement) running unthrottled against a bare franz-go loop
// sending pre-built records of the same sizes, with and without a header of
// the identity's size. All send to the same embedded cluster. It reports
// records/s for each and the ratios. Run with -benchtime 1x; the round
// length is fixed (3s measured after 1s warmup), not scaled by b.N.
func BenchmarkProducerOverhead(b *testing.B) {
	sc := &scenarios.Scenario{
		Name: "overhead", Duration: 4 * time.Second, Warmup: time.Second, Drain: 10 * time.Second,
		Topics: []scenarios.Topic{{Name: "bench", Partitions: 6}},
		Data: []*scenarios.Data{{Name: "d", Format: scenarios.FormatJSON, Fields: []*scenarios.Field{
			{Name: "id", Fake: "uuid"},
			{Name: "n", Fake: "int", Min: 0, Max: 1_000_000, HasMin: true, HasMax: true},
			{Name: "x", Fake: "float", Min: 0, Max: 1, HasMin: true, HasMax: true, Decimals: -1},
			{Name: "s", Fake: "enum", Values: []string{"new", "paid", "shipped"}},
			{Name: "c", Fake: "city"},
		}, Key: scenarios.Key{Distribution: scenarios.KeyUniform, Cardinality: 10000}}},
		Producers: []scenarios.Producer{{Name: "p", Topic: "bench", Data: "d", Instances: 1,
			Rate: scenarios.Rate{Profile: scenarios.RateUnlimited}, Acks: scenarios.AcksAll, Idempotent: true}},
	}
	if err := sc.Validate(); err != nil {
		b.Fatal(err)
	}
	var bare, bareHdr, bareGen, kb, bareCPU, kbCPU []float64
	// Pre-built records of the same sizes for the bare loops.
	gen, err := generators.New(sc.Data[0], 1, 0)
	if err != nil {
		b.Fatal(err)
	}
	var prebuilt []*kgo.Record
	for range 4096 {
		k, v := gen.Next(nil, nil)
		prebuilt = append(prebuilt, &kgo.Record{Topic: "bench", Key: k, Value: v})
	}
	header := (&recordid.ID{RunID: 1}).Append(nil)
	withHeader := make([]*kgo.Record, len(prebuilt))
	for i, r := range prebuilt {
		c := *r
		c.Headers = []kgo.RecordHeader{{Key: recordid.HeaderKey, Value: header}}
		withHeader[i] = &c
	}

	// Each measurement gets a fresh embedded cluster (it keeps every record
	// in memory, which would slow later measurements), and the order
	// rotates between rounds.
	fresh := func(measure func(brokers []string) float64) float64 {
		emb, err := cluster.StartEmbedded(0)
		if err != nil {
			b.Fatal(err)
		}
		defer emb.Close()
		adm, err := kgo.NewClient(kgo.SeedBrokers(emb.Brokers()...))
		if err != nil {
			b.Fatal(err)
		}
		defer adm.Close()
		if _, err := kadm.NewClient(adm).CreateTopic(context.Background(), 6, 1, nil, "bench"); err != nil {
			b.Fatal(err)
		}
		return measure(emb.Brokers())
	}
	runs := []struct {
		out *[]float64
		fn  func(brokers []string) float64
	}{
		{&bare, func(br []string) float64 {
			c0 := cpuTime()
			r := bareLoop(b, br, prebuilt, time.Second, 3*time.Second)
			bareCPU = append(bareCPU, perRecordMicros(cpuTime()-c0, r*4))
			return r
		}},
		{&bareHdr, func(br []string) float64 { return bareLoop(b, br, withHeader, time.Second, 3*time.Second) }},
		{&bareGen, func(br []string) float64 {
			g, err := generators.New(sc.Data[0], 1, 0)
			if err != nil {
				b.Fatal(err)
			}
			return bareLoopGen(b, br, g, time.Second, 3*time.Second)
		}},
		{&kb, func(br []string) float64 {
			c0 := cpuTime()
			res, err := Run(context.Background(), sc, Options{Brokers: br})
			if err != nil {
				b.Fatal(err)
			}
			kbCPU = append(kbCPU, perRecordMicros(cpuTime()-c0, float64(res.Produce.Acked)))
			return res.Produce.Rate
		}},
	}
	for b.Loop() {
		for round := range 3 {
			for i := range runs {
				r := runs[(i+round)%len(runs)]
				*r.out = append(*r.out, fresh(r.fn))
			}
		}
	}
	mb, mh, mk := mean(bare), mean(bareHdr), mean(kb)
	cb, ck := mean(bareCPU), mean(kbCPU)
	b.ReportMetric(cb, "bare-cpu-µs/record")
	b.ReportMetric(ck, "kbench-cpu-µs/record")
	b.ReportMetric(mb, "bare-records/s")
	b.ReportMetric(mh, "bare+header-records/s")
	b.ReportMetric(mk, "kbench-records/s")
	b.ReportMetric(mk/mb, "kbench/bare")
	b.ReportMetric(mean(bareGen), "bare+generate-records/s")
	b.ReportMetric(mk/mean(bareGen), "kbench/bare+generate")
	b.ReportMetric(mh/mb, "header/bare")
}

// cpuTime is this process's user+system CPU time (the embedded cluster
// included: it runs in the process).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func perRecordMicros(cpu time.Duration, records float64) float64 {
	if records <= 0 {
		return 0
	}
	return float64(cpu.Microseconds()) / records
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// bareLoopGen is bareLoop generating each record with kbench's generator
// instead of sending pre-built ones, to tell generation cost from the rest
// of kbench's per-record work.
func bareLoopGen(b *testing.B, brokers []string, g *generators.Generator, warmup, window time.Duration) float64 {
	return bareLoopFn(b, brokers, func() *kgo.Record {
		k, v := g.Next(nil, nil)
		return &kgo.Record{Topic: "bench", Key: k, Value: v}
	}, warmup, window)
}

// bareLoop produces records as fast as the client takes them for
// warmup+window and returns the rate of records sent during the window and
// acknowledged (eventually), the same measure kbench reports.
func bareLoop(b *testing.B, brokers []string, recs []*kgo.Record, warmup, window time.Duration) float64 {
	i := 0
	return bareLoopFn(b, brokers, func() *kgo.Record {
		// Records cannot be reused while in flight: copy the prebuilt one.
		r := *recs[i%len(recs)]
		i++
		return &r
	}, warmup, window)
}

func bareLoopFn(b *testing.B, brokers []string, next func() *kgo.Record, warmup, window time.Duration) float64 {
	// The same settings as the kbench producer: acks all, idempotent,
	// no compression (franz-go would otherwise default to snappy), 10ms
	// linger.
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), kgo.ProducerLinger(10*time.Millisecond))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	var acked atomic.Int64
	start := time.Now()
	measureFrom, end := start.Add(warmup), start.Add(warmup+window)
	promiseMeasured := func(_ *kgo.Record, err error) {
		if err == nil {
			acked.Add(1)
		}
	}
	promiseWarmup := func(*kgo.Record, error) {}
	ctx := context.Background()
	for {
		now := time.Now()
		if !now.Before(end) {
			break
		}
		if now.Before(measureFrom) {
			cl.Produce(ctx, next(), promiseWarmup)
		} else {
			cl.Produce(ctx, next(), promiseMeasured)
		}
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	return float64(acked.Load()) / window.Seconds()
}
