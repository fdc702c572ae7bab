package runner

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// observedScenario is a short run whose SASL password (unused on the
// embedded cluster) is also part of the topic's name.
func observedScenario(t *testing.T, brokers []string, password string) *scenarios.Scenario {
	t.Helper()
	topic := "events-" + password
	sc := &scenarios.Scenario{
		Name:     "observed",
		Duration: time.Second,
		Warmup:   300 * time.Millisecond,
		Drain:    10 * time.Second,
		Cluster: scenarios.Cluster{Brokers: brokers,
			SASL: &scenarios.SASL{Mechanism: scenarios.SASLPlain, Username: "u", Password: password}},
		Topics: []scenarios.Topic{{Name: topic, Partitions: 2}},
		Data: []*scenarios.Data{{Name: "d", Format: scenarios.FormatJSON,
			Fields: []*scenarios.Field{{Name: "id", Fake: "uuid"}},
			Key:    scenarios.Key{Field: "id", Distribution: scenarios.KeyUniform, Cardinality: 10}}},
		Producers: []scenarios.Producer{{Name: "p", Topic: topic, Data: "d", Instances: 2,
			Rate: scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1000}, Acks: scenarios.AcksAll, Idempotent: true}},
		Consumers: []scenarios.Consumer{{Name: "c", Topic: topic, Group: "g", Instances: 1}},
		Report:    scenarios.Report{Interval: 100 * time.Millisecond},
	}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	return sc
}

// nopHook is a hook that does nothing (kgo requires a known interface).
type nopHook struct{}

func (nopHook) OnNewClient(*kgo.Client) {}

// TestObserver checks what a run tells its observer: snapshots from
// starting to done with phases in order, counters that never go down,
// lag and verification, final values equal to the result's, no password;
// and a name unique per client for ClientHooks.
func TestObserver(t *testing.T) {
	t.Parallel()
	emb, err := cluster.StartEmbedded(0)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	const password = "pw-observed-secret"
	sc := observedScenario(t, emb.Brokers(), password)
	var snaps []measure.Snapshot
	var mu sync.Mutex
	var clients []string
	res, err := Run(context.Background(), sc, Options{Brokers: emb.Brokers(), Embedded: true, Version: "v9",
		Observer: ObserverFunc(func(s measure.Snapshot) { snaps = append(snaps, s) }),
		ClientHooks: func(name string) []kgo.Hook {
			mu.Lock()
			defer mu.Unlock()
			clients = append(clients, name)
			return []kgo.Hook{nopHook{}}
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	slices.Sort(clients)
	if want := []string{"admin#0", "consumer-c#0", "producer-p#0", "producer-p#1"}; !slices.Equal(clients, want) {
		t.Errorf("client names %q, want %q", clients, want)
	}

	order := map[measure.Phase]int{}
	for i, p := range measure.Phases() {
		order[p] = i
	}
	if len(snaps) < 5 || snaps[0].Phase != measure.PhaseStarting || snaps[len(snaps)-1].Phase != measure.PhaseDone {
		t.Fatalf("%d snapshots, first %s, last %s", len(snaps), snaps[0].Phase, snaps[len(snaps)-1].Phase)
	}
	seen := map[measure.Phase]bool{}
	sawLag, sawVerified := false, false
	for i, s := range snaps {
		seen[s.Phase] = true
		if s.Run.RunID != res.RunID || s.Run.Scenario != "observed" || s.Run.KbenchVersion != "v9" ||
			s.Run.ClusterKind != measure.ClusterEmbedded || s.Run.Duration != sc.Duration {
			t.Errorf("snapshot %d: run %+v", i, s.Run)
		}
		if s.Phase != measure.PhaseStarting && !s.Run.Start.Equal(res.Start) {
			t.Errorf("snapshot %d: start %v, the result's %v", i, s.Run.Start, res.Start)
		}
		if i == 0 {
			continue
		}
		prev := snaps[i-1]
		if order[s.Phase] < order[prev.Phase] {
			t.Errorf("snapshot %d: phase %s after %s", i, s.Phase, prev.Phase)
		}
		if s.Progress.Acked < prev.Progress.Acked || s.Progress.Consumed < prev.Progress.Consumed {
			t.Errorf("snapshot %d: counts went down", i)
		}
		for _, l := range s.Lag {
			sawLag = true
			if l.Group != "g" || l.Partition < 0 || l.Partition > 1 || l.Lag < 0 {
				t.Errorf("snapshot %d: lag %+v", i, l)
			}
		}
		if len(s.Verification) > 0 && s.Verification[0].Counts.Consumed > 0 && s.Phase != measure.PhaseDone {
			sawVerified = true
		}
		text := s.Run.Scenario
		for _, pp := range s.Progress.Producers {
			text += " " + pp.Name + " " + pp.Topic
		}
		for _, c := range s.Progress.Consumers {
			text += " " + c.Group + " " + c.Topic
		}
		for _, l := range s.Lag {
			text += " " + l.Topic
		}
		for _, v := range s.Verification {
			text += " " + v.Topic
		}
		if strings.Contains(text, password) {
			t.Fatalf("snapshot %d shows the password: %s", i, text)
		}
	}
	for _, p := range measure.Phases() {
		if !seen[p] {
			t.Errorf("no snapshot in phase %s", p)
		}
	}
	if !sawLag || !sawVerified {
		t.Errorf("lag sampled %v, records verified during the run %v", sawLag, sawVerified)
	}

	last := snaps[len(snaps)-1]
	p := last.Progress
	if len(p.Producers) != 1 || p.Producers[0].Sent != res.Produce.Sent || p.Producers[0].Acked != res.Produce.Acked ||
		p.Producers[0].AckedBytes != res.Produce.Bytes || p.Producers[0].Topic != "events-[password]" {
		t.Errorf("final producers %+v, result %+v", p.Producers, res.Produce)
	}
	if len(p.Consumers) != 1 || p.Consumers[0].Records != res.Consume.Records || p.Consumers[0].Group != "g" {
		t.Errorf("final consumers %+v, result records %d", p.Consumers, res.Consume.Records)
	}
	if p.RunLatency.E2E.Count != res.Consume.E2E.Count || p.RunLatency.Produce.Count != res.Produce.Latency.Count ||
		p.RunLatency.Produce.P99.Microseconds() != res.Produce.Latency.P99US {
		t.Errorf("final latencies %+v, result produce %+v", p.RunLatency, res.Produce.Latency)
	}
	if len(last.Verification) != 1 || !last.Verification[0].Final || last.Verification[0].Counts != res.Verification[0].Counts {
		t.Errorf("final verification %+v, result %+v", last.Verification, res.Verification)
	}
	// The result's times are wall-clock (UTC), the progress monotonic:
	// they may differ by the clocks' drift over the run, not more.
	if d := last.Progress.Elapsed - res.End.Sub(res.Start); d < -time.Millisecond || d > time.Millisecond {
		t.Errorf("final elapsed %v, result %v", last.Progress.Elapsed, res.End.Sub(res.Start))
	}
}

// TestObserverRunNotStarted: a run that cannot start still ends its
// observer's view with done.
func TestObserverRunNotStarted(t *testing.T) {
	t.Parallel()
	emb, err := cluster.StartEmbedded(0)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	sc := observedScenario(t, emb.Brokers(), "pw-not-started")
	sc.Topics[0].Create = scenarios.CreateNever
	var phases []measure.Phase
	_, err = Run(context.Background(), sc, Options{Brokers: emb.Brokers(),
		Observer: ObserverFunc(func(s measure.Snapshot) { phases = append(phases, s.Phase) })})
	if err == nil {
		t.Fatal("a run on a missing topic declared create: never started")
	}
	if !slices.Equal(phases, []measure.Phase{measure.PhaseStarting, measure.PhaseDone}) {
		t.Errorf("phases %v, want starting then done", phases)
	}
}
