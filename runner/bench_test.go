package runner

import (
	"context"
	"sync/atomic"
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
	var bare, bareHdr, kb []float64
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
		{&bare, func(br []string) float64 { return bareLoop(b, br, prebuilt, time.Second, 3*time.Second) }},
		{&bareHdr, func(br []string) float64 { return bareLoop(b, br, withHeader, time.Second, 3*time.Second) }},
		{&kb, func(br []string) float64 {
			res, err := Run(context.Background(), sc, Options{Brokers: br})
			if err != nil {
				b.Fatal(err)
			}
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
	b.ReportMetric(mb, "bare-records/s")
	b.ReportMetric(mh, "bare+header-records/s")
	b.ReportMetric(mk, "kbench-records/s")
	b.ReportMetric(mk/mb, "kbench/bare")
	b.ReportMetric(mh/mb, "header/bare")
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// bareLoop produces records as fast as the client takes them for
// warmup+window and returns the rate of records sent during the window and
// acknowledged (eventually), the same measure kbench reports.
func bareLoop(b *testing.B, brokers []string, recs []*kgo.Record, warmup, window time.Duration) float64 {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RequiredAcks(kgo.AllISRAcks()))
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
	for i := 0; ; i++ {
		now := time.Now()
		if !now.Before(end) {
			break
		}
		// Records cannot be reused while in flight: copy the prebuilt one.
		r := *recs[i%len(recs)]
		if now.Before(measureFrom) {
			cl.Produce(ctx, &r, promiseWarmup)
		} else {
			cl.Produce(ctx, &r, promiseMeasured)
		}
	}
	if err := cl.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	return float64(acked.Load()) / window.Seconds()
}
