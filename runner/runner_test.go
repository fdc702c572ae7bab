package runner

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// scenario builds a small valid scenario in Go.
func scenario(t *testing.T, rate scenarios.Rate, d time.Duration) *scenarios.Scenario {
	t.Helper()
	sc := &scenarios.Scenario{
		Name:     "runner-test",
		Duration: d,
		Warmup:   d / 4,
		Drain:    10 * time.Second,
		Topics:   []scenarios.Topic{{Name: "events", Partitions: 3}},
		Data: []*scenarios.Data{{
			Name:   "event",
			Format: scenarios.FormatJSON,
			Fields: []*scenarios.Field{
				{Name: "id", Fake: "uuid"},
				{Name: "n", Fake: "int", Min: 0, Max: 100, HasMin: true, HasMax: true},
			},
			Key: scenarios.Key{Field: "id", Distribution: scenarios.KeyUniform, Cardinality: 100},
		}},
		Producers: []scenarios.Producer{{Name: "p", Topic: "events", Data: "event", Instances: 2,
			Rate: rate, Acks: scenarios.AcksAll, Idempotent: true}},
		Consumers: []scenarios.Consumer{{Name: "c", Topic: "events", Group: "g", Instances: 2}},
	}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestRunEmbedded is the end-to-end check: a paced run on the embedded
// cluster produces what the profile intends, consumes all of it, and every
// measurement is present and sane.
func TestRunEmbedded(t *testing.T) {
	t.Parallel()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 2000}, 2*time.Second)
	var ticks int
	res, err := Run(context.Background(), sc, Options{Progress: func(measure.Progress) { ticks++ }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != measure.StatusCompleted || res.Cluster.Kind != measure.ClusterEmbedded {
		t.Fatalf("status %s cluster %s", res.Status, res.Cluster.Kind)
	}
	p := res.Produce
	// 2000/s for 2s: 4000 records intended, all sent and acknowledged.
	if p.Sent < 3900 || p.Sent > 4000 || p.Acked != p.Sent || p.Errors != 0 {
		t.Fatalf("produce counts: sent %d acked %d errors %d", p.Sent, p.Acked, p.Errors)
	}
	if p.TargetRate < 1999 || p.TargetRate > 2001 {
		t.Fatalf("target rate %v", p.TargetRate)
	}
	if p.Rate < 1800 || p.Rate > 2100 {
		t.Fatalf("achieved rate %v, want ~2000", p.Rate)
	}
	if res.Consume.Records != p.Acked || res.Consume.Missing != 0 {
		t.Fatalf("consumed %d of %d acked (missing %d)", res.Consume.Records, p.Acked, res.Consume.Missing)
	}
	for name, l := range map[string]measure.Latency{"produce": p.Latency, "produce raw": p.LatencyRaw,
		"e2e": res.Consume.E2E, "e2e raw": res.Consume.E2ERaw} {
		if l.Count == 0 || l.P50US <= 0 || l.P50US > l.P99US || l.P99US > l.MaxUS || l.MaxUS > 5_000_000 {
			t.Errorf("%s latency not sane: %+v", name, l)
		}
		if l.Histogram == "" {
			t.Errorf("%s: no encoded histogram", name)
		}
	}
	// Warmup records are counted but not measured.
	if p.Latency.Count >= p.Acked || p.Latency.Count < p.Acked/2 {
		t.Errorf("measured %d of %d acked records with a 25%% warmup", p.Latency.Count, p.Acked)
	}
	// The corrected latency can only be larger than the raw one.
	if p.Latency.MaxUS < p.LatencyRaw.MaxUS {
		t.Errorf("corrected max %d < raw max %d", p.Latency.MaxUS, p.LatencyRaw.MaxUS)
	}
	if ticks == 0 || len(res.Timeline) == 0 {
		t.Errorf("no progress (%d ticks, %d intervals)", ticks, len(res.Timeline))
	}
	if len(res.Producers) != 1 || res.Producers[0].Instances != 2 {
		t.Errorf("per-producer breakdown: %+v", res.Producers)
	}
	// Every acknowledged record was verified delivered, once.
	if len(res.Verification) != 1 {
		t.Fatalf("verification: %+v", res.Verification)
	}
	v := res.Verification[0]
	if v.Failures != 0 || v.Counts.Acked != p.Acked || v.Counts.ConsumedUnique != p.Acked || v.Counts.Lost != 0 ||
		v.Topic != "events" || v.Group != "g" || v.Partial {
		t.Errorf("verification of a clean run: %+v", v)
	}
	// Lag is sampled from committed offsets every interval.
	if len(res.Lag) != 1 || res.Lag[0].Group != sc.Consumers[0].Group || res.Lag[0].Topic != sc.Consumers[0].Topic ||
		res.Lag[0].Samples < 1 || res.Lag[0].Max > p.Acked || res.Lag[0].MaxPartition > res.Lag[0].Max {
		t.Errorf("lag: %+v", res.Lag)
	}
	sampled := false
	for _, iv := range res.Timeline {
		sampled = sampled || iv.ConsumerLag >= 0
	}
	if !sampled {
		t.Errorf("no interval of the timeline has a lag sample")
	}
}

func TestRunUnlimited(t *testing.T) {
	t.Parallel()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateUnlimited}, time.Second)
	sc.Consumers = nil
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Produce.Acked < 1000 || res.Produce.TargetRate != 0 || res.Consume.Missing != -1 {
		t.Fatalf("unlimited: %+v missing %d", res.Produce, res.Consume.Missing)
	}
}

// TestRunInterrupted cancels mid-run: the result is partial, not an error.
func TestRunInterrupted(t *testing.T) {
	t.Parallel()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1000}, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	// Interrupt once producing has gone on for a while (set-up time varies,
	// more so under the race detector).
	res, err := Run(ctx, sc, Options{Progress: func(p measure.Progress) {
		if p.Acked > 500 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 20*time.Second {
		t.Fatalf("interrupt took %v", time.Since(start))
	}
	if res.Status != measure.StatusInterrupted || res.Produce.Acked == 0 || res.Produce.Sent > 5000 {
		t.Fatalf("status %s sent %d acked %d", res.Status, res.Produce.Sent, res.Produce.Acked)
	}
}

func TestRunUnreachable(t *testing.T) {
	t.Parallel()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 10}, time.Second)
	sc.Cluster.DialTimeout = 500 * time.Millisecond
	_, err := Run(context.Background(), sc, Options{Brokers: []string{"127.0.0.1:1"}})
	var re *Error
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "cannot reach") || re.Hint == "" {
		t.Fatalf("err = %v", err)
	}
}

func TestRunMissingTopic(t *testing.T) {
	t.Parallel()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 10}, time.Second)
	sc.Topics[0].Create = scenarios.CreateNever
	_, err := Run(context.Background(), sc, Options{})
	var re *Error
	if !errors.As(err, &re) || !strings.Contains(err.Error(), `topic "events" does not exist`) {
		t.Fatalf("err = %v", err)
	}
}

// TestConsumersStartAtRun runs twice on one cluster: the second run's new
// consumer group starts at the records of its own run, not at the topic's
// history, and the reused group resumes after its commits.
func TestConsumersStartAtRun(t *testing.T) {
	t.Parallel()
	emb, err := cluster.StartEmbedded(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 500}, time.Second)
	first, err := Run(context.Background(), sc, Options{Brokers: emb.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	if first.Cluster.Kind != measure.ClusterExternal || first.Consume.Records != first.Produce.Acked {
		t.Fatalf("first run: %s, consumed %d of %d", first.Cluster.Kind, first.Consume.Records, first.Produce.Acked)
	}
	sc.Consumers = append(sc.Consumers, scenarios.Consumer{Name: "late", Topic: "events", Group: "fresh", Instances: 1})
	second, err := Run(context.Background(), sc, Options{Brokers: emb.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	if second.Consume.Foreign != 0 || second.Consume.Missing != 0 || second.Consume.Records != 2*second.Produce.Acked {
		t.Fatalf("second run: consumed %d (want 2x%d), foreign %d, missing %d",
			second.Consume.Records, second.Produce.Acked, second.Consume.Foreign, second.Consume.Missing)
	}
}

// TestClusterDiesMidRun stops the cluster while producing: the run must
// end on its own, count every sent record as acknowledged or failed, and
// name the cause.
func TestClusterDiesMidRun(t *testing.T) {
	t.Parallel()
	emb, err := cluster.StartEmbedded(0)
	if err != nil {
		t.Fatal(err)
	}
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 5000}, 3*time.Second)
	sc.Drain = 2 * time.Second
	sc.Consumers = nil
	time.AfterFunc(1500*time.Millisecond, emb.Close)
	start := time.Now()
	res, err := Run(context.Background(), sc, Options{Brokers: emb.Brokers()})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 40*time.Second {
		t.Fatalf("run took %v after the cluster died", took)
	}
	p := res.Produce
	if p.Errors == 0 || p.Acked == 0 {
		t.Fatalf("acked %d errors %d: want both", p.Acked, p.Errors)
	}
	if p.Sent != p.Acked+p.Errors {
		t.Fatalf("sent %d != acked %d + errors %d", p.Sent, p.Acked, p.Errors)
	}
	if len(p.ErrorKinds) == 0 {
		t.Fatal("no error kinds")
	}
}

// TestMeasuredWindow: the measured window is duration − warmup, so the
// achieved rate of a slow constant profile is exact.
func TestMeasuredWindow(t *testing.T) {
	t.Parallel()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 10}, 3*time.Second)
	sc.Warmup = time.Second
	sc.Consumers = nil
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.MeasuredS != 2 || res.Produce.Rate != 10 || res.Produce.TargetRate != 10 {
		t.Fatalf("window %vs rate %v target %v", res.MeasuredS, res.Produce.Rate, res.Produce.TargetRate)
	}
}

// TestUndeclaredTopics: on the embedded cluster a used but undeclared
// topic is created, whatever the file's brokers said; on an external
// cluster it must exist.
func TestUndeclaredTopics(t *testing.T) {
	t.Parallel()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 100}, time.Second)
	sc.Topics = nil
	sc.Cluster.Brokers = []string{"kafka.invalid:9092"}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), sc, Options{Brokers: []string{}})
	if err != nil {
		t.Fatalf("embedded run: %v", err)
	}
	if res.Produce.Acked == 0 || res.Consume.Missing != 0 {
		t.Fatalf("embedded run: %+v", res.Produce)
	}
	emb, err := cluster.StartEmbedded(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	sc.Topics = nil
	_, err = Run(context.Background(), sc, Options{Brokers: emb.Brokers()})
	if err == nil || !strings.Contains(err.Error(), `topic "events" does not exist`) {
		t.Fatalf("external run: err = %v", err)
	}
}
