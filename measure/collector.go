package measure

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// BehindThreshold is how late a send may be, against its intended time,
// before the record counts as sent behind schedule.
const BehindThreshold = 5 * time.Millisecond

// maxErrorKinds bounds the distinct error messages kept per producer.
const maxErrorKinds = 32

// Collector accumulates a run's measurements. The runner creates one per
// run, registers producers and consumers, feeds their shards from any
// goroutine, calls Tick once per report interval, and Finish once at the end.
//
// Producer and consumer shards are owned by one producer or consumer
// instance each, so recording never contends across instances; Tick merges
// the shards' interval histograms into the run totals.
type Collector struct {
	start     time.Time
	warmupEnd int64 // Unix ns; records intended earlier are not measured

	mu        sync.Mutex // guards everything below
	producers []*producerGroup
	consumers []*consumerGroup
	lastTick  time.Time
	timeline  []Interval
	logw      *hdrhistogram.HistogramLogWriter
	logErr    error
	// interval aggregates, reused each tick
	ivProd, ivProdRaw, ivE2E, ivE2ERaw *hdrhistogram.Histogram
	// run totals
	prod, prodRaw, e2e, e2eRaw *hdrhistogram.Histogram
	prev                       counts
	// lags are the consumer groups' lag samples (RecordLag).
	lags []*lagState
	// last is the latest Tick's progress (Last).
	last Progress
}

// counts is a snapshot of the run's cumulative counters.
type counts struct {
	sent, acked, ackedBytes, errors, consumed, consumedBytes int64
}

// NewCollector starts collecting for a run that starts at start and whose
// first warmup is not measured. If intervalLog is not nil, an HdrHistogram
// interval log (tags produce, produce-raw, e2e, e2e-raw) is written to it
// at each Tick; the caller closes it after Finish.
func NewCollector(start time.Time, warmup time.Duration, intervalLog io.Writer) *Collector {
	c := &Collector{
		start:     start,
		warmupEnd: start.Add(warmup).UnixNano(),
		lastTick:  start,
		ivProd:    NewHistogram(), ivProdRaw: NewHistogram(),
		ivE2E: NewHistogram(), ivE2ERaw: NewHistogram(),
		prod: NewHistogram(), prodRaw: NewHistogram(),
		e2e: NewHistogram(), e2eRaw: NewHistogram(),
	}
	if intervalLog != nil {
		c.logw = hdrhistogram.NewHistogramLogWriter(intervalLog)
		startMs := start.UnixMilli()
		c.logw.SetBaseTime(startMs)
		c.logErr = firstErr(
			c.logw.OutputLogFormatVersion(),
			c.logw.OutputComment("kbench interval log: latencies in nanoseconds, max column in milliseconds"),
			c.logw.OutputStartTime(startMs),
			c.logw.OutputBaseTime(startMs),
			c.logw.OutputLegend(),
		)
	}
	return c
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ProducerInfo describes one scenario producer to the collector.
type ProducerInfo struct {
	Name      string
	Topic     string
	Instances int
	// Expected is the number of records the profile intends over [0, d);
	// nil means unlimited.
	Expected func(d time.Duration) float64
}

type producerGroup struct {
	info          ProducerInfo
	shards        []*ProducerShard
	hist, histRaw *hdrhistogram.Histogram
}

type consumerGroup struct {
	name, topic, group string
	instances          int
	shards             []*ConsumerShard
	// source is the topic whose acknowledged records the group must read
	// (topic, or a pipeline's input); readCommitted leaves out records of
	// transactions that did not commit.
	source        string
	readCommitted bool
	distinct      func() int64
}

// ConsumerInfo describes a scenario consumer for AddConsumerGroup.
type ConsumerInfo struct {
	Name, Topic, Group string
	Instances          int
	// Source is the topic whose acknowledged records the group is to
	// read, for Drained: Topic when empty; a pipeline's input topic when
	// the group reads the pipeline's output.
	Source string
	// ReadCommitted says the group reads with isolation read_committed:
	// records of aborted (and in-doubt) transactions are not expected.
	ReadCommitted bool
	// Distinct, if set, counts the distinct records of the run the group
	// has delivered (a verifier knows): Drained then uses it rather than
	// the count of deliveries, which duplicates inflate.
	Distinct func() int64
}

// AddProducer registers a producer and returns one shard per instance.
func (c *Collector) AddProducer(info ProducerInfo) []*ProducerShard {
	c.mu.Lock()
	defer c.mu.Unlock()
	g := &producerGroup{info: info, hist: NewHistogram(), histRaw: NewHistogram()}
	for range info.Instances {
		g.shards = append(g.shards, &ProducerShard{
			warmupEnd: c.warmupEnd,
			lat:       NewHistogram(), raw: NewHistogram(),
		})
	}
	c.producers = append(c.producers, g)
	return g.shards
}

// AddConsumer registers a consumer (one group) and returns one shard per
// instance.
func (c *Collector) AddConsumer(name, topic, group string, instances int) []*ConsumerShard {
	return c.AddConsumerGroup(ConsumerInfo{Name: name, Topic: topic, Group: group, Instances: instances})
}

// AddConsumerGroup registers a consumer group and returns one shard per
// instance.
func (c *Collector) AddConsumerGroup(info ConsumerInfo) []*ConsumerShard {
	c.mu.Lock()
	defer c.mu.Unlock()
	source := info.Source
	if source == "" {
		source = info.Topic
	}
	g := &consumerGroup{name: info.Name, topic: info.Topic, group: info.Group, instances: info.Instances,
		source: source, readCommitted: info.ReadCommitted, distinct: info.Distinct}
	for range info.Instances {
		g.shards = append(g.shards, &ConsumerShard{
			warmupEnd: c.warmupEnd,
			e2e:       NewHistogram(), raw: NewHistogram(),
		})
	}
	c.consumers = append(c.consumers, g)
	return g.shards
}

// ProducerShard records one producer instance's sends and acknowledgements.
// Sent and Unsent are called by the sending goroutine, Acked and Failed by
// the client's promise goroutine; both may run concurrently.
type ProducerShard struct {
	// Written by the sending goroutine.
	sent, behind, unsent, maxLag atomic.Int64
	// Keeps what the two goroutines touch on separate cache lines: a
	// shared line would bounce between cores on every record.
	_ [64]byte
	// Used by the promise goroutine.
	warmupEnd                    int64
	acked, errors, bytes         atomic.Int64
	measuredAcked, measuredBytes atomic.Int64

	mu       sync.Mutex // guards lat, raw and errKinds
	lat, raw *hdrhistogram.Histogram
	errKinds map[string]int64

	txn txnShard // transactional producers only
}

// tallyBatch and tallyMaxAge bound how much a tally keeps before it
// publishes to its shard: a few dozen records, or whatever came in 20ms,
// so progress and the timeline stay current at any rate.
const (
	tallyBatch  = 64
	tallyMaxAge = int64(20 * time.Millisecond)
)

// SendTally counts one sending goroutine's sends locally and publishes them
// to its shard in batches: an atomic operation per record is a full memory
// barrier on the hot path. The zero value is ready to use; call Flush when
// the goroutine stops.
type SendTally struct {
	n, behind, maxLag, flushed int64
}

// Sent records that a record intended at intended (Unix ns) was handed to
// the client at sent (Unix ns).
func (t *SendTally) Sent(s *ProducerShard, intended, sent int64) {
	t.n++
	lag := sent - intended
	if lag > int64(BehindThreshold) {
		t.behind++
	}
	t.maxLag = max(t.maxLag, lag)
	if t.n >= tallyBatch || sent-t.flushed > tallyMaxAge {
		t.Flush(s)
		t.flushed = sent
	}
}

// Flush publishes the counted sends to s.
func (t *SendTally) Flush(s *ProducerShard) {
	if t.n == 0 {
		return
	}
	s.sent.Add(t.n)
	s.behind.Add(t.behind)
	if t.maxLag > s.maxLag.Load() {
		s.maxLag.Store(t.maxLag) // single writer: the sending goroutine
	}
	t.n, t.behind = 0, 0
}

// AckTally collects acknowledgements locally and publishes them to the
// shard in batches, like SendTally. It must be used by one goroutine at a
// time, such as the serialized promise calls of one franz-go client.
type AckTally struct {
	n, flushed, acked, bytes, mAcked, mBytes int64
	lat, raw                                 [tallyBatch]int64
	nlat                                     int
}

// Acked records an acknowledgement at ack (Unix ns) of a record of size
// bytes intended at intended and sent at sent.
func (t *AckTally) Acked(s *ProducerShard, intended, sent, ack int64, size int) {
	t.n++
	t.acked++
	t.bytes += int64(size)
	if intended >= s.warmupEnd {
		t.mAcked++
		t.mBytes += int64(size)
		t.lat[t.nlat] = ack - intended
		t.raw[t.nlat] = ack - sent
		t.nlat++
	}
	if t.n >= tallyBatch || ack-t.flushed > tallyMaxAge {
		t.Flush(s)
		t.flushed = ack
	}
}

// Flush publishes the collected acknowledgements to s.
func (t *AckTally) Flush(s *ProducerShard) {
	if t.n == 0 {
		return
	}
	s.acked.Add(t.acked)
	s.bytes.Add(t.bytes)
	s.measuredAcked.Add(t.mAcked)
	s.measuredBytes.Add(t.mBytes)
	if t.nlat > 0 {
		s.mu.Lock()
		for i := range t.nlat {
			record(s.lat, t.lat[i])
			record(s.raw, t.raw[i])
		}
		s.mu.Unlock()
	}
	t.n, t.acked, t.bytes, t.mAcked, t.mBytes, t.nlat = 0, 0, 0, 0, 0, 0
}

// Sent records a single send; see SendTally for the batched form used on
// hot paths.
func (s *ProducerShard) Sent(intended, sent int64) {
	var t SendTally
	t.Sent(s, intended, sent)
	t.Flush(s)
}

// Unsent records n records the profile intended that were never sent.
func (s *ProducerShard) Unsent(n int64) { s.unsent.Add(n) }

// Acked records a single acknowledgement; see AckTally for the batched
// form used on hot paths.
func (s *ProducerShard) Acked(intended, sent, ack int64, size int) {
	var t AckTally
	t.Acked(s, intended, sent, ack, size)
	t.Flush(s)
}

// Failed records a record whose produce failed with err.
func (s *ProducerShard) Failed(err error) {
	s.errors.Add(1)
	msg := err.Error()
	s.mu.Lock()
	if s.errKinds == nil {
		s.errKinds = make(map[string]int64)
	}
	if _, ok := s.errKinds[msg]; ok || len(s.errKinds) < maxErrorKinds {
		s.errKinds[msg]++
	} else {
		s.errKinds["other errors"]++
	}
	s.mu.Unlock()
}

// ConsumerShard records one consumer instance's records. It is used by one
// goroutine at a time.
type ConsumerShard struct {
	warmupEnd int64

	records, bytes, foreign       atomic.Int64
	measuredRecords, measuredByte atomic.Int64

	mu       sync.Mutex // guards e2e and raw
	e2e, raw *hdrhistogram.Histogram
}

// Consumed records a record of this run, of size bytes, intended at
// intended and sent at sent, consumed at now (all Unix ns).
func (s *ConsumerShard) Consumed(intended, sent, now int64, size int) {
	s.records.Add(1)
	s.bytes.Add(int64(size))
	if intended < s.warmupEnd {
		return
	}
	s.measuredRecords.Add(1)
	s.measuredByte.Add(int64(size))
	s.mu.Lock()
	record(s.e2e, now-intended)
	record(s.raw, now-sent)
	s.mu.Unlock()
}

// Foreign records a consumed record that does not belong to this run.
func (s *ConsumerShard) Foreign() { s.foreign.Add(1) }

// Progress is a live view of the run, returned by Tick.
type Progress struct {
	// Elapsed is the time since the run start.
	Elapsed time.Duration
	// TargetRate is the producers' summed target rate over the last
	// interval (records/s; 0 when unlimited or after the duration).
	TargetRate float64
	// Unlimited is true when some producer has no rate limit.
	Unlimited bool
	// SendRate, AckRate and ConsumeRate are the last interval's rates.
	SendRate, AckRate, ConsumeRate float64
	// Acked, Errors, Behind and Consumed are run totals.
	Acked, Errors, Behind, Consumed int64
	// ProduceP99 and E2EP99 are corrected 99th percentiles so far.
	ProduceP99, E2EP99 time.Duration
	// Producers and Consumers are each scenario producer's and
	// consumer's totals so far, in the order they were added.
	Producers []ProducerProgress
	Consumers []ConsumerProgress
	// IntervalLatency covers the records measured in the last interval,
	// RunLatency all those measured since the warmup ended.
	IntervalLatency, RunLatency Latencies
}

func (c *Collector) totals() counts {
	var t counts
	for _, g := range c.producers {
		for _, s := range g.shards {
			t.sent += s.sent.Load()
			t.acked += s.acked.Load()
			t.ackedBytes += s.bytes.Load()
			t.errors += s.errors.Load()
		}
	}
	for _, g := range c.consumers {
		for _, s := range g.shards {
			t.consumed += s.records.Load()
			t.consumedBytes += s.bytes.Load()
		}
	}
	return t
}

// Tick closes the current interval at now: it merges the shards' interval
// histograms into the totals, appends a timeline entry, writes the interval
// log, and returns the progress so far.
func (c *Collector) Tick(now time.Time) Progress {
	c.mu.Lock()
	defer c.mu.Unlock()
	from := c.lastTick
	if !now.After(from) {
		now = from.Add(time.Millisecond)
	}
	c.lastTick = now
	for _, h := range []*hdrhistogram.Histogram{c.ivProd, c.ivProdRaw, c.ivE2E, c.ivE2ERaw} {
		h.Reset()
	}
	for _, g := range c.producers {
		for _, s := range g.shards {
			s.mu.Lock()
			c.ivProd.Merge(s.lat)
			c.ivProdRaw.Merge(s.raw)
			g.hist.Merge(s.lat)
			g.histRaw.Merge(s.raw)
			s.lat.Reset()
			s.raw.Reset()
			s.mu.Unlock()
		}
	}
	for _, g := range c.consumers {
		for _, s := range g.shards {
			s.mu.Lock()
			c.ivE2E.Merge(s.e2e)
			c.ivE2ERaw.Merge(s.raw)
			s.e2e.Reset()
			s.raw.Reset()
			s.mu.Unlock()
		}
	}
	c.prod.Merge(c.ivProd)
	c.prodRaw.Merge(c.ivProdRaw)
	c.e2e.Merge(c.ivE2E)
	c.e2eRaw.Merge(c.ivE2ERaw)
	c.writeLog(from, now)

	t := c.totals()
	d := now.Sub(from).Seconds()
	at := from.Sub(c.start)
	iv := Interval{
		StartS:        at.Seconds(),
		LengthS:       d,
		TargetRate:    c.meanTarget(at, now.Sub(c.start)),
		Sent:          t.sent - c.prev.sent,
		Acked:         t.acked - c.prev.acked,
		AckedBytes:    t.ackedBytes - c.prev.ackedBytes,
		Errors:        t.errors - c.prev.errors,
		Consumed:      t.consumed - c.prev.consumed,
		ConsumedBytes: t.consumedBytes - c.prev.consumedBytes,
		ProduceP99US:  c.ivProd.ValueAtPercentile(99) / 1000,
		E2EP99US:      c.ivE2E.ValueAtPercentile(99) / 1000,
		ConsumerLag:   c.currentLag(),
	}
	c.prev = t
	c.timeline = append(c.timeline, iv)
	var behind int64
	for _, g := range c.producers {
		for _, s := range g.shards {
			behind += s.behind.Load()
		}
	}
	p := Progress{
		Elapsed:     now.Sub(c.start),
		TargetRate:  iv.TargetRate,
		Unlimited:   c.unlimited(),
		SendRate:    float64(iv.Sent) / d,
		AckRate:     float64(iv.Acked) / d,
		ConsumeRate: float64(iv.Consumed) / d,
		Acked:       t.acked,
		Errors:      t.errors,
		Behind:      behind,
		Consumed:    t.consumed,
		ProduceP99:  time.Duration(c.prod.ValueAtPercentile(99)),
		E2EP99:      time.Duration(c.e2e.ValueAtPercentile(99)),
	}
	c.liveProgress(&p)
	return p
}

func (c *Collector) writeLog(from, to time.Time) {
	if c.logw == nil || c.logErr != nil {
		return
	}
	for _, e := range []struct {
		tag string
		h   *hdrhistogram.Histogram
	}{{"produce", c.ivProd}, {"produce-raw", c.ivProdRaw}, {"e2e", c.ivE2E}, {"e2e-raw", c.ivE2ERaw}} {
		if e.h.TotalCount() == 0 {
			continue
		}
		e.h.SetTag(e.tag)
		e.h.SetStartTimeMs(from.UnixMilli())
		e.h.SetEndTimeMs(to.UnixMilli())
		if err := c.logw.OutputIntervalHistogram(e.h); err != nil {
			c.logErr = err
			return
		}
	}
}

// meanTarget is the producers' summed mean target rate over [from, to),
// from the profiles' integrals; 0 if any producer is unlimited.
func (c *Collector) meanTarget(from, to time.Duration) float64 {
	if to <= from || c.unlimited() {
		return 0
	}
	var n float64
	for _, g := range c.producers {
		n += g.info.Expected(to) - g.info.Expected(from)
	}
	return n / (to - from).Seconds()
}

// unlimited reports whether some producer has no rate limit.
func (c *Collector) unlimited() bool {
	for _, g := range c.producers {
		if g.info.Expected == nil {
			return true
		}
	}
	return false
}

// Drained reports whether every consumer group has consumed at least as
// many records of this run as were acknowledged on its topic.
func (c *Collector) Drained() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	acked, uncommitted := c.ackedByTopic()
	for _, g := range c.consumers {
		want := acked[g.source]
		if g.readCommitted {
			want -= uncommitted[g.source]
		}
		got := g.consumed()
		if g.distinct != nil {
			got = g.distinct()
		}
		if got < want {
			return false
		}
	}
	return true
}

// ackedByTopic sums acknowledged records per topic, and among them those
// of transactions that did not commit.
func (c *Collector) ackedByTopic() (acked, uncommitted map[string]int64) {
	acked, uncommitted = make(map[string]int64), make(map[string]int64)
	for _, g := range c.producers {
		for _, s := range g.shards {
			acked[g.info.Topic] += s.acked.Load()
			uncommitted[g.info.Topic] += s.txn.abortedRecords.Load() + s.txn.inDoubtRecords.Load()
		}
	}
	return acked, uncommitted
}

func (g *consumerGroup) consumed() int64 {
	var n int64
	for _, s := range g.shards {
		n += s.records.Load()
	}
	return n
}

// RunInfo is what the runner knows of a run when it finishes.
type RunInfo struct {
	Scenario, ScenarioFile, RunID, KbenchVersion string
	Cluster                                      Cluster
	Duration, Warmup                             time.Duration
	// ProducingEnd is when producers stopped sending.
	ProducingEnd time.Time
	// End is when the run ended (after the drain).
	End    time.Time
	Status Status
	Err    error
}

// Finish closes the last interval at info.End and returns the result.
// Gates are evaluated separately (package gates).
func (c *Collector) Finish(info RunInfo) (*Result, error) {
	c.Tick(info.End)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.logErr != nil {
		return nil, fmt.Errorf("writing interval log: %w", c.logErr)
	}
	r := &Result{
		SchemaVersion: SchemaVersion,
		KbenchVersion: info.KbenchVersion,
		Scenario:      info.Scenario,
		ScenarioFile:  info.ScenarioFile,
		RunID:         info.RunID,
		Cluster:       info.Cluster,
		Status:        info.Status,
		Start:         c.start.UTC(),
		End:           info.End.UTC(),
		DurationS:     info.Duration.Seconds(),
		WarmupS:       info.Warmup.Seconds(),
		Timeline:      c.timeline,
		Disruptions:   findDisruptions(c.timeline),
		Lag:           c.lagResult(),
		Gates:         []GateOutcome{},
	}
	if info.Err != nil {
		r.Error = info.Err.Error()
	}
	prodEnd := info.ProducingEnd
	if prodEnd.IsZero() || prodEnd.After(info.End) {
		prodEnd = info.End
	}
	window := prodEnd.Sub(c.start) - info.Warmup
	if window < 0 {
		window = 0
	}
	r.MeasuredS = window.Seconds()
	perS := func(n int64) float64 {
		if window <= 0 {
			return 0
		}
		return float64(n) / window.Seconds()
	}

	var err error
	total := Produce{ErrorKinds: map[string]int64{}}
	var measuredAcked, measuredBytes int64
	var expected float64
	unlimited := false
	for _, g := range c.producers {
		p := Produce{Name: g.info.Name, Topic: g.info.Topic, Instances: g.info.Instances}
		var mAcked, mBytes int64
		for _, s := range g.shards {
			p.Sent += s.sent.Load()
			p.Acked += s.acked.Load()
			p.Errors += s.errors.Load()
			p.Behind += s.behind.Load()
			p.Unsent += s.unsent.Load()
			p.Bytes += s.bytes.Load()
			p.MaxLagUS = max(p.MaxLagUS, s.maxLag.Load()/1000)
			addTxn(&p.Transactions, s.transactions())
			mAcked += s.measuredAcked.Load()
			mBytes += s.measuredBytes.Load()
			s.mu.Lock()
			for k, v := range s.errKinds {
				if p.ErrorKinds == nil {
					p.ErrorKinds = map[string]int64{}
				}
				p.ErrorKinds[k] += v
				total.ErrorKinds[k] += v
			}
			s.mu.Unlock()
		}
		p.Rate, p.Throughput = perS(mAcked), perS(mBytes)
		if g.info.Expected != nil && window > 0 {
			n := g.info.Expected(info.Warmup+window) - g.info.Expected(info.Warmup)
			p.TargetRate = n / window.Seconds()
			expected += n
		} else {
			unlimited = true
		}
		if p.Latency, err = Summarize(g.hist); err != nil {
			return nil, err
		}
		if p.LatencyRaw, err = Summarize(g.histRaw); err != nil {
			return nil, err
		}
		r.Producers = append(r.Producers, p)
		total.Instances += p.Instances
		total.Sent += p.Sent
		total.Acked += p.Acked
		total.Errors += p.Errors
		total.Behind += p.Behind
		total.Unsent += p.Unsent
		total.Bytes += p.Bytes
		total.MaxLagUS = max(total.MaxLagUS, p.MaxLagUS)
		addTxn(&total.Transactions, p.Transactions)
		measuredAcked += mAcked
		measuredBytes += mBytes
		if p.Behind > 0 || p.Unsent > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf(
				"producer %s fell behind its rate profile: %d records sent more than %v late, %d never sent (max send lag %v); "+
					"latencies measured from intended send times include this delay",
				p.Name, p.Behind, BehindThreshold, p.Unsent, time.Duration(p.MaxLagUS)*time.Microsecond))
		}
	}
	if len(total.ErrorKinds) == 0 {
		total.ErrorKinds = nil
	}
	total.Rate, total.Throughput = perS(measuredAcked), perS(measuredBytes)
	if !unlimited && window > 0 {
		total.TargetRate = expected / window.Seconds()
	}
	if total.Latency, err = Summarize(c.prod); err != nil {
		return nil, err
	}
	if total.LatencyRaw, err = Summarize(c.prodRaw); err != nil {
		return nil, err
	}
	r.Produce = total

	acked, uncommitted := c.ackedByTopic()
	produced := map[string]bool{}
	for _, g := range c.producers {
		produced[g.info.Topic] = true
	}
	covered := map[string]bool{}
	var mRecords, mBytes int64
	for _, g := range c.consumers {
		for _, s := range g.shards {
			r.Consume.Records += s.records.Load()
			r.Consume.Bytes += s.bytes.Load()
			r.Consume.Foreign += s.foreign.Load()
			mRecords += s.measuredRecords.Load()
			mBytes += s.measuredByte.Load()
		}
		covered[g.source] = true
		if produced[g.source] {
			want := acked[g.source]
			if g.readCommitted {
				want -= uncommitted[g.source]
			}
			r.Consume.Missing += max(0, want-g.consumed())
		}
	}
	for t := range produced {
		if !covered[t] {
			r.Consume.Missing = -1
		}
	}
	r.Consume.Rate, r.Consume.Throughput = perS(mRecords), perS(mBytes)
	if r.Consume.E2E, err = Summarize(c.e2e); err != nil {
		return nil, err
	}
	if r.Consume.E2ERaw, err = Summarize(c.e2eRaw); err != nil {
		return nil, err
	}
	if r.Consume.Missing > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf(
			"%d acknowledged records were not consumed before the drain ended", r.Consume.Missing))
	}
	sort.Strings(r.Notes)
	return r, nil
}
