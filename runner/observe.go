package runner

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kbench/kbench/measure"
)

// Observer watches a run live, for example to export it as Prometheus
// metrics (package metrics). Observe receives a snapshot when the run
// starts preparing, when producing starts, after every report interval,
// when producing stops, and a last time with measure.PhaseDone once the
// result is complete (also when the run fails to start after preparing
// began). Calls never overlap and come in order; Observe runs on the
// run's interval ticker, so it must return quickly and must not call back
// into the run.
type Observer interface {
	Observe(measure.Snapshot)
}

// ObserverFunc adapts a function to the Observer interface.
type ObserverFunc func(measure.Snapshot)

// Observe calls f(s).
func (f ObserverFunc) Observe(s measure.Snapshot) { f(s) }

// observation publishes a run's snapshots to Options.Observer. A nil
// *observation (no observer) does nothing.
type observation struct {
	obs Observer
	red redactor

	mu    sync.Mutex // guards the fields below and serialises Observe calls
	id    measure.RunIdentity
	stage measure.Phase // starting, warmup (producing), draining or done
	col   *measure.Collector
	lag   []measure.PartitionLag
	vers  []*verification
	final []measure.Verification
}

func newObservation(r *run, kind measure.ClusterKind) *observation {
	if r.opts.Observer == nil {
		return nil
	}
	return &observation{
		obs: r.opts.Observer,
		red: scenarioRedactor(r.sc),
		id: measure.RunIdentity{Scenario: r.sc.Name, RunID: strconv.FormatUint(r.runID, 16),
			KbenchVersion: r.opts.Version, ClusterKind: kind, Duration: r.sc.Duration, Warmup: r.sc.Warmup},
		stage: measure.PhaseStarting,
	}
}

// starting publishes the first snapshot.
func (o *observation) starting() {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.publish()
}

// producing publishes that producing starts at start, measured by col.
func (o *observation) producing(col *measure.Collector, start time.Time, vers []*verification) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.col, o.id.Start, o.vers, o.stage = col, start, vers, measure.PhaseWarmup
	o.publish()
}

// tick publishes the progress of an interval the collector just closed.
func (o *observation) tick() {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.publish()
}

// setLag replaces group's lag sample on topic; the next snapshot has it.
func (o *observation) setLag(group, topic string, parts []measure.PartitionLag) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.lag = slices.DeleteFunc(o.lag, func(l measure.PartitionLag) bool { return l.Group == group && l.Topic == topic })
	o.lag = append(o.lag, parts...)
}

// draining publishes that producing has stopped.
func (o *observation) draining() {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stage != measure.PhaseDone {
		o.stage = measure.PhaseDraining
		o.publish()
	}
}

// done publishes the last snapshot, with the verifications' verdicts (nil
// when the run ended before producing). Later calls do nothing.
func (o *observation) done(verdicts []measure.Verification) {
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stage == measure.PhaseDone {
		return
	}
	o.stage, o.final = measure.PhaseDone, verdicts
	if verdicts == nil {
		o.vers = nil
	}
	o.publish()
}

// publish sends the current snapshot to the observer. o.mu must be held.
func (o *observation) publish() {
	s := measure.Snapshot{Run: o.id, Phase: o.stage, Lag: slices.Clone(o.lag)}
	if s.Phase == measure.PhaseWarmup && time.Since(o.id.Start) >= o.id.Warmup {
		s.Phase = measure.PhaseMeasuring
	}
	if o.col != nil {
		s.Progress = o.col.Last()
	}
	if o.final != nil {
		for _, v := range o.final {
			s.Verification = append(s.Verification,
				measure.VerificationProgress{Group: v.Group, Topic: v.Topic, Counts: v.Counts, Final: true})
		}
	} else {
		for _, v := range o.vers {
			s.Verification = append(s.Verification,
				measure.VerificationProgress{Group: v.group, Topic: v.topic, Counts: v.v.Running()})
		}
	}
	o.red.snapshot(&s)
	o.obs.Observe(s)
}

// snapshot removes the password from every name in s: a scenario could
// name a topic or a group after it.
func (r redactor) snapshot(s *measure.Snapshot) {
	if len(r.passwords) == 0 {
		return
	}
	s.Run.Scenario = r.string(s.Run.Scenario)
	for i := range s.Progress.Producers {
		p := &s.Progress.Producers[i]
		p.Name, p.Topic = r.string(p.Name), r.string(p.Topic)
	}
	for i := range s.Progress.Consumers {
		c := &s.Progress.Consumers[i]
		c.Name, c.Topic, c.Group = r.string(c.Name), r.string(c.Topic), r.string(c.Group)
	}
	for i := range s.Lag {
		s.Lag[i].Group, s.Lag[i].Topic = r.string(s.Lag[i].Group), r.string(s.Lag[i].Topic)
	}
	for i := range s.Verification {
		v := &s.Verification[i]
		v.Group, v.Topic = r.string(v.Group), r.string(v.Topic)
	}
}

// clientName names a client for Options.ClientHooks: its role (the client
// ID without the scenario's prefix) and its number among the run's
// clients of that role, e.g. "producer-orders#1". Instances are created
// in order, so the number is the instance's. Names never show the
// password.
func (r *run) clientName(id string) string {
	role := strings.TrimPrefix(id, clientID(r.sc, ""))
	r.clientsMu.Lock()
	defer r.clientsMu.Unlock()
	if r.clients == nil {
		r.clients = map[string]int{}
	}
	n := r.clients[role]
	r.clients[role]++
	return scenarioRedactor(r.sc).string(role + "#" + strconv.Itoa(n))
}
