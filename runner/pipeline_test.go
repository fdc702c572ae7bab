package runner

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// fault is what a test pipeline does wrong with record number n (0-based,
// in the order it reads them): it returns the records to write instead.
type fault func(n int, out *kgo.Record) []*kgo.Record

// copyPipeline runs a pipeline from in to out on brokers until ctx ends:
// it copies key, value and headers (unless stripHeaders), through f.
func copyPipeline(ctx context.Context, t *testing.T, brokers []string, in, out string, stripHeaders bool, f fault) <-chan struct{} {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(in),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cl.Close()
		n := 0
		for ctx.Err() == nil {
			fs := cl.PollFetches(ctx)
			fs.EachRecord(func(r *kgo.Record) {
				o := &kgo.Record{Topic: out, Key: r.Key, Value: r.Value}
				if !stripHeaders {
					o.Headers = r.Headers
				}
				recs := []*kgo.Record{o}
				if f != nil {
					recs = f(n, o)
				}
				n++
				for _, x := range recs {
					cl.Produce(ctx, x, nil)
				}
			})
		}
	}()
	return done
}

func everyKth(k int, do func(*kgo.Record) []*kgo.Record) fault {
	return func(n int, r *kgo.Record) []*kgo.Record {
		if n%k == k-1 {
			return do(r)
		}
		return []*kgo.Record{r}
	}
}

// TestPipelineVerification runs kbench against a pipeline between two
// topics, faithful or with a fault, and checks what the verification of
// its output reports under each guarantee.
func TestPipelineVerification(t *testing.T) {
	drop := everyKth(50, func(*kgo.Record) []*kgo.Record { return nil })
	dup := everyKth(40, func(r *kgo.Record) []*kgo.Record { c := *r; return []*kgo.Record{r, &c} })
	corrupt := everyKth(60, func(r *kgo.Record) []*kgo.Record {
		c := *r
		c.Value = append(bytes.Clone(r.Value[:len(r.Value)-1]), ' ', '}')
		return []*kgo.Record{&c}
	})
	// reverse holds records back and writes each batch of 50 backwards:
	// records of one key come out of order.
	var held []*kgo.Record
	reverse := func(n int, r *kgo.Record) []*kgo.Record {
		held = append(held, r)
		if len(held) < 50 {
			return nil
		}
		out := make([]*kgo.Record, 0, len(held))
		for i := len(held) - 1; i >= 0; i-- {
			out = append(out, held[i])
		}
		held = held[:0]
		return out
	}
	rekey := everyKth(70, func(r *kgo.Record) []*kgo.Record { c := *r; c.Key = []byte("other"); return []*kgo.Record{&c} })
	for _, tc := range []struct {
		name         string
		pipeline     scenarios.Pipeline
		stripHeaders bool
		fault        fault
		// want are counts that must be positive; all others that fail
		// the run must be 0.
		want     []string
		failures bool
		// maybe are counts that may be positive.
		maybe []string
	}{
		{name: "faithful exactly-once", pipeline: scenarios.Pipeline{SameValue: true, SameKey: true}},
		{name: "faithful json match", stripHeaders: true,
			pipeline: scenarios.Pipeline{Match: scenarios.Match{JSONPath: []string{"meta", "kid"}}, SameKey: true}},
		{name: "drop exactly-once", fault: drop, want: []string{"lost"}, failures: true},
		{name: "drop at-most-once", fault: drop, pipeline: scenarios.Pipeline{Expect: scenarios.AtMostOnce}, want: []string{"lost"}},
		{name: "duplicate exactly-once", fault: dup, want: []string{"duplicate_write"}, failures: true},
		{name: "duplicate at-least-once", fault: dup, pipeline: scenarios.Pipeline{Expect: scenarios.AtLeastOnce},
			want: []string{"duplicate_write"}},
		{name: "corrupt same_value", fault: corrupt, pipeline: scenarios.Pipeline{SameValue: true},
			want: []string{"corrupted"}, failures: true},
		{name: "corrupt transformed", fault: corrupt},
		{name: "rekey same_key", fault: rekey, pipeline: scenarios.Pipeline{SameKey: true},
			want: []string{"corrupted"}, failures: true,
			maybe: []string{"key_reordered"}}, // the new key's records are out of order too
		{name: "rekey json same_key", fault: rekey, stripHeaders: true,
			pipeline: scenarios.Pipeline{Match: scenarios.Match{JSONPath: []string{"kid"}}, SameKey: true},
			want:     []string{"corrupted"}, failures: true, maybe: []string{"key_reordered"}},
		{name: "headers dropped", stripHeaders: true, want: []string{"unidentified", "lost"}, failures: true},
		{name: "key order lost", fault: reverse, pipeline: scenarios.Pipeline{Ordered: true},
			want: []string{"key_reordered"}, failures: true,
			maybe: []string{"lost"}}, // records held back when the run ends
	} {
		// One at a time, before the package's parallel tests: each runs a
		// cluster, a pipeline and a paced run.
		t.Run(tc.name, func(t *testing.T) {
			emb, err := cluster.StartEmbedded(1)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(emb.Close)
			sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 500}, 2*time.Second)
			pl := tc.pipeline
			pl.Input, pl.Output = "events", "events-out"
			sc.Pipeline = &pl
			sc.Consumers = nil
			sc.Topics = append(sc.Topics, scenarios.Topic{Name: "events-out", Partitions: 2})
			if err := sc.Validate(); err != nil {
				t.Fatal(err)
			}
			if pl.Drain = 3 * time.Second; tc.want == nil {
				pl.Drain = 10 * time.Second
			}
			ctx, cancel := context.WithCancel(context.Background())
			var done <-chan struct{}
			var once sync.Once
			res, err := Run(context.Background(), sc, Options{Brokers: emb.Brokers(), Embedded: true,
				Progress: func(measure.Progress) {
					once.Do(func() {
						done = copyPipeline(ctx, t, emb.Brokers(), "events", "events-out", tc.stripHeaders, tc.fault)
					})
				}})
			cancel()
			if done != nil {
				<-done
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Verification) != 1 || res.Verification[0].Topic != "events-out" {
				t.Fatalf("verification %+v", res.Verification)
			}
			v := res.Verification[0]
			got := map[string]int64{"lost": v.Counts.Lost, "duplicate_write": v.Counts.DuplicateWrites,
				"corrupted": v.Counts.Corrupted, "unexpected": v.Counts.Unexpected, "unidentified": v.Counts.Unidentified,
				"key_reordered": v.Counts.KeyReordered}
			for k, n := range got {
				wanted := false
				for _, w := range tc.want {
					wanted = wanted || w == k
				}
				if wanted && n == 0 {
					t.Errorf("%s = 0, want some; counts %+v", k, v.Counts)
				}
				for _, m := range tc.maybe {
					if m == k {
						wanted, n = true, max(n, 1)
					}
				}
				if !wanted && n != 0 {
					t.Errorf("%s = %d, want 0; findings %+v", k, n, v.Findings)
				}
			}
			if (v.Failures > 0) != tc.failures {
				t.Errorf("failures %d under %q, want failing=%v", v.Failures, v.Policy, tc.failures)
			}
			if !strings.Contains(v.Policy, "("+string(sc.Pipeline.Expect)+")") {
				t.Errorf("policy %q", v.Policy)
			}
			if tc.want == nil && v.Counts.ConsumedUnique != res.Produce.Acked {
				t.Errorf("delivered %d distinct records of %d acknowledged", v.Counts.ConsumedUnique, res.Produce.Acked)
			}
		})
	}
}
