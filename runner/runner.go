// Package runner runs a scenario: it prepares the cluster and topics, starts
// consumers and then paced producers, feeds every acknowledgement and
// consumed record to a measure.Collector, drains, and returns the Result.
//
// Data flows one way: scenario → generators → pacer → producers → Kafka →
// consumers → measure. The runner wires those stages; it evaluates no gates
// and writes no reports (packages gates and report do).
package runner

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/containers"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// Options configure a run beyond what the scenario says.
type Options struct {
	// Brokers, when non-nil, replaces the scenario's cluster.brokers. An
	// empty non-nil slice selects the embedded cluster.
	Brokers []string
	// Embedded says that Brokers belong to an embedded cluster the caller
	// started (as kbenchtest does): reports say so, and topics used but
	// not declared are created.
	Embedded bool
	// Progress, if set, is called after every report interval.
	Progress func(measure.Progress)
	// IntervalLog, if set, receives the HdrHistogram interval log.
	IntervalLog io.Writer
	// Findings, if set, receives every verification finding as one JSON
	// line (findings.jsonl), tagged with its topic and group.
	Findings io.Writer
	// Logf, if set, receives informational messages (one line each).
	Logf func(format string, args ...any)
	// Version is the kbench version recorded in the result.
	Version string
	// RunID identifies the run in record headers; 0 picks a random one.
	RunID uint64
	// ReadyTimeout bounds the wait for consumer groups to be assigned
	// every partition before producers start. Default 30s.
	ReadyTimeout time.Duration
	// ClientOpts are added to every franz-go client of the run, after
	// kbench's own: for example the TLS and SASL options of a cluster a
	// test started (containers.Kafka.SecurityOpts).
	ClientOpts []kgo.Opt
	// ClusterDescription, if set, describes an external cluster in the
	// result (for example the real Kafka cluster a test started) instead
	// of "external cluster at <brokers>".
	ClusterDescription string
	// Observer, if set, watches the run live: a snapshot of its counters,
	// latencies, lag and verification at every report interval, when
	// producing starts and stops, and when the run is done (package
	// metrics exports them to Prometheus). See Observer.
	Observer Observer
	// ClientHooks, if set, is called once for each franz-go client the
	// run creates, with a name unique within the run: the client's role
	// and its number among clients of that role ("admin#0",
	// "producer-orders#1", "consumer-billing#0"). The hooks it returns are
	// installed on that client (kgo.WithHooks), for example per-client
	// metrics (package metrics, with franz-go's kprom).
	ClientHooks func(client string) []kgo.Hook
}

// Error is a run that could not start, with a hint for the user.
type Error struct {
	Err  error
	Hint string
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func setupErr(hint string, format string, args ...any) *Error {
	return &Error{Err: fmt.Errorf(format, args...), Hint: hint}
}

// flushOnInterrupt bounds how long in-flight records may take to be
// acknowledged after an interruption.
const flushOnInterrupt = 5 * time.Second

// Run runs the scenario and returns its result. It returns an *Error, and
// no result, when the run cannot start (cluster unreachable, wrong
// credentials, missing topic). Once producing has started it always
// returns a result: when ctx is cancelled the run stops early, in-flight
// records are flushed briefly, and the partial result has
// StatusInterrupted.
//
// The scenario's warnings (sc.Warnings) go to opts.Logf first. The SASL
// password appears in no error, log line or result.
func Run(ctx context.Context, sc *scenarios.Scenario, opts Options) (*measure.Result, error) {
	red := scenarioRedactor(sc)
	logf := func(string, ...any) {}
	if opts.Logf != nil {
		logf = red.logf(opts.Logf)
	}
	for _, w := range sc.Warnings {
		line := "warning: " + w.Error()
		if w.Hint != "" {
			line = strings.Replace(line, "\n\thint: ", " (", 1) + ")"
		}
		logf("%s", line)
	}
	res, err := runScenario(ctx, sc, opts, logf)
	if res != nil {
		for i, n := range res.Notes {
			res.Notes[i] = red.string(n)
		}
		if s := res.Schemas; s != nil {
			for i := range s.Subjects {
				if c := s.Subjects[i].Change; c != nil {
					c.RegistryError = red.string(c.RegistryError)
				}
			}
			for i := range s.Decoding {
				for j, e := range s.Decoding[i].FirstErrors {
					s.Decoding[i].FirstErrors[j] = red.string(e)
				}
			}
		}
	}
	return res, red.error(err)
}

// runScenario is Run, after the scenario's warnings are logged.
func runScenario(ctx context.Context, sc *scenarios.Scenario, opts Options, logf func(string, ...any)) (*measure.Result, error) {
	brokers := sc.Cluster.Brokers
	if opts.Brokers != nil {
		brokers = opts.Brokers
	}
	info := measure.Cluster{Kind: measure.ClusterExternal, Brokers: brokers,
		Description: "external cluster at " + joinComma(brokers)}
	if opts.ClusterDescription != "" {
		info.Description = opts.ClusterDescription + " at " + joinComma(brokers)
	}
	if opts.Embedded && len(brokers) > 0 {
		info = measure.Cluster{Kind: measure.ClusterEmbedded,
			Description: "embedded in-process cluster (franz-go kfake, no replication) at " + joinComma(brokers) +
				": figures show kbench's own overhead, not Kafka's performance"}
	}
	owned := false // a cluster started for this run
	if opts.Brokers == nil && sc.Cluster.Kind == scenarios.ClusterLocalKafka {
		k, err := startLocalKafka(ctx, sc.Cluster, logf)
		if err != nil {
			return nil, err
		}
		defer func() {
			if err := k.Close(); err != nil {
				logf("stopping the local Kafka cluster: %v", err)
			}
		}()
		brokers, owned = k.Brokers(), true
		info = measure.Cluster{Kind: measure.ClusterExternal, Brokers: brokers,
			Description: k.Description() + ", started for this run"}
	} else if opts.Brokers == nil && sc.Cluster.Kind == scenarios.ClusterEmbedded {
		brokers = nil
	}
	// Explicitly empty Options.Brokers select the embedded cluster,
	// whatever the kind.
	if len(brokers) == 0 && sc.Cluster.Kind == scenarios.ClusterExternal && opts.Brokers == nil {
		return nil, setupErr("set cluster.brokers, pass --brokers or set KBENCH_BROKERS",
			"cluster.kind is external but no brokers were given")
	}
	if len(brokers) == 0 {
		emb, err := cluster.StartEmbedded(0)
		if err != nil {
			return nil, &Error{Err: err, Hint: "the embedded cluster listens on 127.0.0.1; check that loopback works"}
		}
		defer emb.Close()
		brokers = emb.Brokers()
		info = measure.Cluster{Kind: measure.ClusterEmbedded, Description: emb.Description()}
		logf("no brokers configured: using the %s", emb.Description())
	}
	runID := opts.RunID
	if runID == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		runID = binary.BigEndian.Uint64(b[:]) | 1
	}

	r := &run{sc: sc, opts: opts, logf: logf, brokers: brokers, runID: runID,
		embedded: info.Kind == measure.ClusterEmbedded || owned}
	r.obs = newObservation(r, info.Kind)
	r.obs.starting()
	defer r.obs.done(nil) // a run that does not start; else done already
	if info.Kind == measure.ClusterExternal && !owned {
		sec, err := securityOpts(sc.Cluster)
		if err != nil {
			return nil, err
		}
		r.security, r.secured = sec, sc.Cluster
		if d := describeSecurity(sc.Cluster); d != "" {
			info.Description += " over " + d
		}
	}
	admCl, err := kgo.NewClient(r.commonOpts(clientID(sc, "admin"))...)
	if err != nil {
		return nil, &Error{Err: fmt.Errorf("admin client: %w", err)}
	}
	defer admCl.Close()
	r.adm = kadm.NewClient(admCl)
	if err := r.checkReachable(ctx); err != nil {
		return nil, err
	}
	if info.Kind == measure.ClusterExternal {
		info.KafkaVersion = r.versionGuess(ctx)
		if info.KafkaVersion != "" {
			info.Description += " (answers like Apache Kafka " + info.KafkaVersion + ")"
		}
	}
	if err := r.prepareTopics(ctx); err != nil {
		return nil, err
	}
	return r.execute(ctx, info)
}

type run struct {
	sc      *scenarios.Scenario
	opts    Options
	logf    func(string, ...any)
	brokers []string
	runID   uint64
	// embedded is true when the run uses a cluster of its own (the
	// in-process one, or a local Kafka started for it): undeclared topics
	// are created.
	embedded bool
	// security holds the TLS and SASL options of an external cluster, and
	// secured the settings they come from (zero when there are none).
	security []kgo.Opt
	secured  scenarios.Cluster
	adm      *kadm.Client
	// partitions per topic used by the run
	partitions map[string]int
	// obs publishes snapshots to Options.Observer (nil without one).
	obs *observation
	// clients counts the clients made per role, for ClientHooks names.
	clientsMu sync.Mutex
	clients   map[string]int
	// schemas is the registry and schema bookkeeping of a run with schema
	// data sets; nil otherwise.
	schemas *schemaRun
}

func clientID(sc *scenarios.Scenario, role string) string {
	id := sc.Cluster.ClientID
	if id == "" {
		id = "kbench"
	}
	return id + "-" + role
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

func (r *run) checkReachable(ctx context.Context) error {
	timeout := r.sc.Cluster.DialTimeout + 5*time.Second
	if r.sc.Cluster.DialTimeout <= 0 {
		timeout = 15 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := r.adm.BrokerMetadata(cctx); err != nil {
		if ctx.Err() != nil {
			return &Error{Err: ctx.Err()}
		}
		return connectErr(r.brokers, r.secured, err)
	}
	return nil
}

// every calls fn at each tick of interval, in its own goroutine counted in
// wg, until done is closed.
func every(wg *sync.WaitGroup, interval time.Duration, done <-chan struct{}, fn func(time.Time)) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				fn(now)
			}
		}
	}()
}

// pinStart commits, for each partition of topic where group has no
// committed offset, the partition's current end offset.
func (r *run) pinStart(ctx context.Context, group, topic string) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	committed, err := r.adm.FetchOffsets(cctx, group)
	if err != nil {
		return err
	}
	ends, err := r.adm.ListEndOffsets(cctx, topic)
	if err != nil {
		return err
	}
	pin := kadm.Offsets{}
	var listErr error
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			listErr = o.Err
			return
		}
		if c, ok := committed.Lookup(topic, o.Partition); ok && c.Err == nil && c.At >= 0 {
			return
		}
		pin.AddOffset(topic, o.Partition, o.Offset, -1)
	})
	if listErr != nil {
		return listErr
	}
	if len(pin) == 0 {
		return nil
	}
	resp, err := r.adm.CommitOffsets(cctx, group, pin)
	if err != nil {
		return err
	}
	return resp.Error()
}

// startLocalKafka starts the real Kafka cluster a scenario of kind
// local-kafka asks for.
func startLocalKafka(ctx context.Context, c scenarios.Cluster, logf func(string, ...any)) (*containers.Kafka, error) {
	k, err := containers.StartKafka(ctx, containers.Options{
		Nodes:   c.Nodes,
		Runtime: containers.Runtime(c.Runtime),
		Version: c.KafkaVersion,
		Logf:    logf,
	})
	if err != nil {
		hint := "kind: local-kafka needs Java 17+ and Maven (runtime: process) or Docker (runtime: docker); see docs/containers.md"
		if ctx.Err() != nil {
			hint = ""
		}
		return nil, &Error{Err: fmt.Errorf("starting a local Kafka cluster: %w", err), Hint: hint}
	}
	return k, nil
}

// versionGuess names the Kafka release whose API versions the cluster's
// first answering broker matches (franz-go's guess, e.g. "v4.4"), or "".
func (r *run) versionGuess(ctx context.Context) string {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	vs, err := r.adm.ApiVersions(cctx)
	if err != nil {
		return ""
	}
	for _, v := range vs.Sorted() {
		if v.Err == nil {
			return v.VersionGuess(kversion.TryRaftBroker())
		}
	}
	return ""
}

// usedTopics lists the topics producers and consumers use, in order.
func (r *run) usedTopics() []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, p := range r.sc.Producers {
		add(p.Topic)
	}
	for _, c := range r.sc.Consumers {
		add(c.Topic)
	}
	return out
}

func (r *run) prepareTopics(ctx context.Context) error {
	existing, err := r.adm.ListTopics(ctx)
	if err != nil {
		return setupErr("", "listing topics: %v", err)
	}
	topics := r.sc.Topics
	if r.embedded {
		// The embedded cluster starts empty: topics used but not declared
		// are created with the defaults. An external cluster must have
		// them already.
		for _, name := range r.usedTopics() {
			if r.sc.TopicByName(name) == nil {
				topics = append(topics, scenarios.Topic{Name: name, Partitions: scenarios.DefaultPartitions,
					ReplicationFactor: -1, Create: scenarios.CreateIfMissing})
			}
		}
	}
	for _, t := range topics {
		if existing.Has(t.Name) {
			continue
		}
		if t.Create == scenarios.CreateNever {
			return setupErr("create the topic first, or set `create: if-missing` on it in topics:",
				"topic %q does not exist and is declared with create: never", t.Name)
		}
		configs := map[string]*string{}
		for k, v := range t.Configs {
			configs[k] = kadm.StringPtr(v)
		}
		rf := t.ReplicationFactor
		if rf == 0 {
			rf = -1
		}
		resp, err := r.adm.CreateTopic(ctx, t.Partitions, rf, configs, t.Name)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return setupErr("check the topic's partitions, replication_factor and configs against the cluster",
				"creating topic %q: %v", t.Name, err)
		}
		r.logf("created topic %s (%d partitions)", t.Name, t.Partitions)
	}
	// Every used topic must now exist with leaders; topics created just now
	// may take a moment to appear in metadata.
	used := r.usedTopics()
	for _, name := range used {
		declared := false
		for _, t := range topics {
			declared = declared || t.Name == name
		}
		if !existing.Has(name) && !declared {
			return setupErr("declare it under topics: so kbench creates it, or create it on the cluster",
				"topic %q does not exist", name)
		}
	}
	r.partitions = map[string]int{}
	deadline := time.Now().Add(30 * time.Second)
	for {
		td, err := r.adm.ListTopics(ctx, used...)
		if err != nil {
			return setupErr("", "describing topics: %v", err)
		}
		missing := ""
		for _, name := range used {
			d, ok := td[name]
			if !ok || d.Err != nil || len(d.Partitions) == 0 || !leadersKnown(d) {
				missing = name
				break
			}
			r.partitions[name] = len(d.Partitions)
		}
		if missing == "" {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return setupErr("declare it under topics: so kbench creates it, or create it on the cluster",
				"topic %q does not exist or has no leaders", missing)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func leadersKnown(d kadm.TopicDetail) bool {
	for _, p := range d.Partitions {
		if p.Leader < 0 {
			return false
		}
	}
	return true
}

func (r *run) execute(ctx context.Context, info measure.Cluster) (*measure.Result, error) {
	sc := r.sc
	start := time.Now()
	// The collector's clock starts once consumers are ready, so build
	// clients first and re-base the start time just before producing.
	var consumers []*consumerInstance
	groups := make([][]*consumerInstance, len(sc.Consumers))
	closeConsumers := func() {
		var wg sync.WaitGroup
		for _, c := range consumers {
			wg.Add(1)
			go func() { defer wg.Done(); c.close() }()
		}
		wg.Wait()
	}
	// Consumers read from the first record stamped at or after this time,
	// when their group has no committed offsets: records of this run, and
	// not the topic's history. Producers stamp records with this process's
	// clock and start later, so none of the run's records is older.
	consumeFrom := start
	// Where a group has no committed offset yet, commit the partition's
	// current end first: the group then starts exactly there, with no
	// race between its offset lookup and the first produced records.
	for ci := range sc.Consumers {
		if err := r.pinStart(ctx, sc.Consumers[ci].Group, sc.Consumers[ci].Topic); err != nil {
			r.logf("could not pin the start offsets of group %s (it starts from the run's start time instead): %v",
				sc.Consumers[ci].Group, err)
		}
	}
	schemas, err := startSchemas(sc)
	if err != nil {
		return nil, &Error{Err: err, Hint: "check schema_registry (url, username, password)"}
	}
	defer schemas.close()
	r.schemas = schemas
	for ci := range sc.Consumers {
		c := &sc.Consumers[ci]
		g := newGroupTracker(r.partitions[c.Topic], c.Instances)
		dec, err := schemas.newGroupDecoder(sc, c)
		if err != nil {
			closeConsumers()
			return nil, &Error{Err: err}
		}
		for i := range c.Instances {
			inst, err := newConsumerInstance(r, c, i, g, consumeFrom)
			if err != nil {
				closeConsumers()
				return nil, &Error{Err: fmt.Errorf("consumer %s: %w", c.Name, err)}
			}
			inst.dec = dec
			consumers = append(consumers, inst)
			groups[ci] = append(groups[ci], inst)
		}
	}
	var producers []*producerInstance
	closeProducers := func() {
		for _, p := range producers {
			p.cl.Close()
		}
	}
	stream := uint32(0)
	for pi := range sc.Producers {
		p := &sc.Producers[pi]
		for i := range p.Instances {
			inst, err := newProducerInstance(r, p, i, stream)
			if err != nil {
				closeProducers()
				closeConsumers()
				return nil, &Error{Err: fmt.Errorf("producer %s: %w", p.Name, err)}
			}
			producers = append(producers, inst)
			stream++
		}
	}

	verifications := newVerifications(sc, r.runID, producers, groups, r.opts.Findings)

	// Start consuming and wait until every group owns all its partitions,
	// so no record of the run is produced before someone reads it.
	cctx, stopConsumers := context.WithCancel(context.Background())
	var cwg sync.WaitGroup
	for _, c := range consumers {
		cwg.Add(1)
		go func() { defer cwg.Done(); c.run(cctx) }()
	}
	var notes []string
	if len(consumers) > 0 {
		if n := r.waitConsumersReady(ctx, consumers); n != "" {
			notes = append(notes, n)
		}
	}

	start = time.Now()
	col := measure.NewCollector(start, sc.Warmup, r.opts.IntervalLog)
	for ci := range sc.Consumers {
		c := &sc.Consumers[ci]
		info := measure.ConsumerInfo{Name: c.Name, Topic: c.Topic, Group: c.Group, Instances: c.Instances,
			ReadCommitted: c.Isolation == scenarios.ReadCommitted}
		if sc.ReadsPipelineOutput(c) {
			info.Source = sc.Pipeline.Input
		}
		if ci < len(verifications) {
			info.Distinct = verifications[ci].v.Delivered
		}
		for i, shard := range col.AddConsumerGroup(info) {
			groups[ci][i].shard.Store(shard)
		}
	}
	if err := attachProducers(col, sc, producers); err != nil {
		stopConsumers()
		closeProducers()
		closeConsumers()
		return nil, &Error{Err: err}
	}
	clk := newClock(start)
	for _, p := range producers {
		p.clk = clk
	}
	for _, c := range consumers {
		c.clk = clk
		c.ready.Store(true)
	}
	r.obs.producing(col, start, verifications)

	// Progress ticks.
	interval := sc.Report.Interval
	if interval <= 0 {
		interval = time.Second
	}
	tickDone := make(chan struct{})
	var twg sync.WaitGroup
	every(&twg, interval, tickDone, func(now time.Time) {
		p := col.Tick(now)
		if r.opts.Progress != nil {
			r.opts.Progress(p)
		}
		r.obs.tick()
	})

	// Consumer lag, sampled every interval from committed offsets.
	lagDone := make(chan struct{})
	if len(sc.Consumers) > 0 {
		every(&twg, interval, lagDone, func(time.Time) { r.sampleLag(ctx, col, interval) })
	}

	// Produce. Sends that block (a full client buffer, a dead cluster)
	// give up when the run is interrupted or the deadline is long past.
	deadline := start.Add(sc.Duration)
	pctx, stopProducing := context.WithDeadline(ctx, deadline.Add(sc.Drain+flushOnInterrupt))
	defer stopProducing()
	var pwg sync.WaitGroup
	for _, p := range producers {
		pwg.Add(1)
		go func() { defer pwg.Done(); p.run(pctx, start, deadline) }()
	}
	pwg.Wait()
	// The profile's last record goes a little before the deadline; the
	// run still lasts its whole duration.
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(deadline)):
	}
	interrupted := ctx.Err() != nil
	r.obs.draining()
	// The measured window ends at the deadline, or when the run was
	// interrupted: not when the last scheduled record happened to go.
	producingEnd := deadline
	if interrupted {
		producingEnd = minTime(time.Now(), deadline)
	}
	notes = append(notes, r.flushProducers(producers, interrupted)...)

	// Drain: wait until consumers have read every acknowledged record.
	if len(consumers) > 0 && !interrupted {
		drain := sc.Drain
		if sc.Pipeline != nil {
			drain = sc.Pipeline.Drain
		}
		drainEnd := time.Now().Add(drain)
		for !col.Drained() && time.Now().Before(drainEnd) && ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
		}
		if !col.Drained() {
			if ctx.Err() == nil {
				notes = append(notes, fmt.Sprintf("consumers had not read every acknowledged record when the drain timeout (%v) ended", drain))
			}
		}
	}
	interrupted = ctx.Err() != nil
	close(lagDone)
	close(tickDone)
	twg.Wait()
	stopConsumers()
	cwg.Wait()
	if len(consumers) > 0 && !interrupted {
		// Commit what was read, then sample the lag left after the drain.
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		for _, c := range consumers {
			_ = c.cl.CommitUncommittedOffsets(cctx)
		}
		cancel()
		r.sampleLag(ctx, col, interval)
	}
	closeConsumers()
	closeProducers()

	status := measure.StatusCompleted
	if interrupted {
		status = measure.StatusInterrupted
	}
	verdicts, verr := finishVerifications(verifications, producers, consumers, interrupted)
	if verr != nil {
		notes = append(notes, fmt.Sprintf("writing findings: %v", verr))
	}
	res, err := col.Finish(measure.RunInfo{
		Scenario:      sc.Name,
		ScenarioFile:  sc.File,
		RunID:         strconv.FormatUint(r.runID, 16),
		KbenchVersion: r.opts.Version,
		Cluster:       info,
		Duration:      sc.Duration,
		Warmup:        sc.Warmup,
		ProducingEnd:  producingEnd,
		End:           time.Now(),
		Status:        status,
	})
	if err != nil {
		return nil, err
	}
	for _, c := range consumers {
		if n := c.errors.Load(); n > 0 {
			notes = append(notes, fmt.Sprintf("consumer %s: %d fetch errors (last: %v)", c.name, n, c.lastErr.Load()))
		}
	}
	res.Verification = verdicts
	res.Schemas = schemas.report()
	res.Notes = append(res.Notes, notes...)
	r.obs.done(verdicts)
	return res, nil
}

// sampleLag records each scenario consumer group's lag on its topic:
// end offset − committed offset over the partitions the group has
// committed (a partition without a commit yet has no meaningful lag).
func (r *run) sampleLag(ctx context.Context, col *measure.Collector, timeout time.Duration) {
	groups := make([]string, 0, len(r.sc.Consumers))
	for _, c := range r.sc.Consumers {
		groups = append(groups, c.Group)
	}
	lctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	lags, err := r.adm.Lag(lctx, groups...)
	if err != nil {
		return
	}
	for _, c := range r.sc.Consumers {
		gl, ok := lags[c.Group]
		if !ok || gl.Error() != nil {
			continue
		}
		var total, maxPart int64
		sampled := false
		var parts []measure.PartitionLag
		for _, pl := range gl.Lag[c.Topic] {
			if pl.Err != nil || pl.Lag < 0 || pl.Commit.At < 0 {
				continue
			}
			sampled = true
			total += pl.Lag
			maxPart = max(maxPart, pl.Lag)
			if r.obs != nil {
				parts = append(parts, measure.PartitionLag{Group: c.Group, Topic: c.Topic, Partition: pl.Partition, Lag: pl.Lag})
			}
		}
		if sampled {
			col.RecordLag(c.Group, c.Topic, total, maxPart)
			r.obs.setLag(c.Group, c.Topic, parts)
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// flushProducers waits for in-flight records: up to the drain time, or a
// few seconds after an interruption. Records still in flight then fail when
// the client closes; it waits (briefly) for their promises so that every
// sent record is counted as acknowledged or failed. It returns notes for
// the result.
func (r *run) flushProducers(producers []*producerInstance, interrupted bool) []string {
	timeout := r.sc.Drain
	if interrupted || timeout <= 0 {
		timeout = flushOnInterrupt
	}
	fctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var mu sync.Mutex
	var notes []string
	var wg sync.WaitGroup
	for _, p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.cl.Flush(fctx); err != nil {
				mu.Lock()
				notes = append(notes, fmt.Sprintf("producer %s: %d records were still unacknowledged after %v and failed when the client closed",
					p.name, p.cl.BufferedProduceRecords(), timeout))
				mu.Unlock()
				p.cl.Close()
			}
			p.waitInflight(flushOnInterrupt)
			p.flushAcks()
			if p.inflight.Load() == 0 {
				// No promise runs any more: hand the verifiers the last
				// acknowledgements now, so the drain can tell when every
				// acknowledged record was delivered.
				for _, rec := range p.recorders() {
					rec.Flush()
				}
			}
		}()
	}
	wg.Wait()
	for _, p := range producers {
		if p.fatal != nil {
			notes = append(notes, fmt.Sprintf("producer %s stopped early: %v", p.name, p.fatal))
		}
		if p.txn == nil {
			continue
		}
		if p.txnErrs > 0 {
			notes = append(notes, fmt.Sprintf("producer %s: %d transactions failed to end (last: %v); see the transaction counts",
				p.name, p.txnErrs, p.lastTxnErr))
		}
		if p.txn.fatal != nil {
			notes = append(notes, fmt.Sprintf("producer %s stopped: it could not begin a transaction: %v", p.name, p.txn.fatal))
		}
	}
	return notes
}

func (r *run) waitConsumersReady(ctx context.Context, consumers []*consumerInstance) string {
	timeout := r.opts.ReadyTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		ready := true
		for _, c := range consumers {
			if !c.group.ready() {
				ready = false
				break
			}
		}
		if ready {
			return ""
		}
		time.Sleep(10 * time.Millisecond)
	}
	if ctx.Err() != nil {
		return ""
	}
	return fmt.Sprintf("consumer groups were not assigned every partition within %v; producing started anyway", timeout)
}
