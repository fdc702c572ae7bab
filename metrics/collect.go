package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/verify"
)

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(Namespace+"_"+name, help, labels, nil)
}

// The run's metrics; docs/metrics.md documents each.
var (
	runInfo = desc("run_info", "The run: scenario, run id (as in record headers), cluster kind and kbench version. Always 1.",
		"scenario", "run_id", "cluster_kind", "kbench_version")
	runPhase = desc("run_phase", "1 for the phase the run is in (starting, warmup, measuring, draining, done), 0 for the others.",
		"phase")
	runElapsed  = desc("run_elapsed_seconds", "Time since producing started (0 while starting; frozen when the run is done).")
	runDuration = desc("run_duration_seconds", "Configured producing duration, warmup included.")
	runWarmup   = desc("run_warmup_seconds", "Configured warmup, whose latencies are not measured.")

	prodSent    = desc("producer_records_sent_total", "Records handed to the client.", "producer", "topic")
	prodAcked   = desc("producer_records_acked_total", "Records acknowledged by the cluster.", "producer", "topic")
	prodFailed  = desc("producer_records_failed_total", "Records whose produce failed.", "producer", "topic")
	prodBytes   = desc("producer_bytes_acked_total", "Key and value bytes of acknowledged records.", "producer", "topic")
	prodBehind  = desc("producer_records_behind_total", "Records sent more than 5ms after their intended send time.", "producer", "topic")
	prodUnsent  = desc("producer_records_unsent_total", "Records the rate profile intended that were never sent (counted when the producer stops).", "producer", "topic")
	consRecords = desc("consumer_records_consumed_total", "Records of this run consumed by the group, redeliveries included.", "group", "topic")
	consBytes   = desc("consumer_bytes_consumed_total", "Key and value bytes of this run's records consumed by the group.", "group", "topic")
	consForeign = desc("consumer_foreign_records_total", "Records consumed that belong to no run or another run.", "group", "topic")

	rateTarget  = desc("target_rate_records_per_second", "Producers' summed target rate over the last report interval (absent when a producer is unlimited).")
	rateSend    = desc("send_rate_records_per_second", "Records sent per second over the last report interval.")
	rateAck     = desc("ack_rate_records_per_second", "Records acknowledged per second over the last report interval.")
	rateConsume = desc("consume_rate_records_per_second", "Records consumed per second (all groups) over the last report interval.")

	latProduce    = desc("produce_latency_seconds", "Produce latency quantiles, from the intended send time to the acknowledgement; window is interval (the last report interval) or run (since the warmup); quantile 1 is the maximum.", "window", "quantile")
	latProduceRaw = desc("produce_raw_latency_seconds", "Produce latency quantiles from the actual send time (hides time spent behind schedule).", "window", "quantile")
	latE2E        = desc("e2e_latency_seconds", "End-to-end latency quantiles, from the intended send time to consumption.", "window", "quantile")
	latE2ERaw     = desc("e2e_raw_latency_seconds", "End-to-end latency quantiles from the actual send time.", "window", "quantile")
	latProduceN   = desc("produce_latency_records", "Acknowledged records the produce latency quantiles of the window are computed from.", "window")
	latE2EN       = desc("e2e_latency_records", "Consumed records the end-to-end latency quantiles of the window are computed from.", "window")

	lagRecords = desc("consumer_lag_records", "Log end offset minus the group's committed offset, at the latest sample (partitions with a commit).",
		"group", "topic", "partition")

	verRecords  = desc("verify_records_total", "Deliveries of this run's records checked by the group's verifier.", "group", "topic")
	verFindings = desc("verify_findings_total", "Records (events, for poll_skip and nonmonotonic_poll) of each finding kind; lost, unexpected, aborted_read and partial_txn are counted when the run ends.",
		"group", "topic", "kind")
	verFinal = desc("verify_final", "1 once the group's verification has finished (the run is done), else 0.", "group", "topic")

	allDescs = []*prometheus.Desc{runInfo, runPhase, runElapsed, runDuration, runWarmup,
		prodSent, prodAcked, prodFailed, prodBytes, prodBehind, prodUnsent, consRecords, consBytes, consForeign,
		rateTarget, rateSend, rateAck, rateConsume,
		latProduce, latProduceRaw, latE2E, latE2ERaw, latProduceN, latE2EN,
		lagRecords, verRecords, verFindings, verFinal}
)

// findingKinds are the finding kinds exported, with their counts. Every
// kind is exported, zero or not, so that alerts have a series to watch.
var findingKinds = []struct {
	kind  verify.Kind
	count func(*verify.Counts) int64
}{
	{verify.KindLost, func(c *verify.Counts) int64 { return c.Lost }},
	{verify.KindDuplicateWrite, func(c *verify.Counts) int64 { return c.DuplicateWrites }},
	{verify.KindRedelivery, func(c *verify.Counts) int64 { return c.Redeliveries }},
	{verify.KindUnexpected, func(c *verify.Counts) int64 { return c.Unexpected }},
	{verify.KindForeign, func(c *verify.Counts) int64 { return c.Foreign }},
	{verify.KindUnidentified, func(c *verify.Counts) int64 { return c.Unidentified }},
	{verify.KindCorrupted, func(c *verify.Counts) int64 { return c.Corrupted }},
	{verify.KindReordered, func(c *verify.Counts) int64 { return c.Reordered }},
	{verify.KindPollSkip, func(c *verify.Counts) int64 { return c.PollSkips }},
	{verify.KindNonmonotonicPoll, func(c *verify.Counts) int64 { return c.NonmonotonicPolls }},
	{verify.KindAbortedRead, func(c *verify.Counts) int64 { return c.AbortedReads }},
	{verify.KindPartialTxn, func(c *verify.Counts) int64 { return c.PartialTxns }},
	{verify.KindLate, func(c *verify.Counts) int64 { return c.Late }},
}

// runCollector turns the Exporter's latest snapshot into metrics.
type runCollector struct{ e *Exporter }

// Describe sends every descriptor of the run's metrics.
func (c runCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		ch <- d
	}
}

// Collect sends the metrics of the latest snapshot; nothing before the
// first.
func (c runCollector) Collect(ch chan<- prometheus.Metric) {
	s, ok := c.e.snapshot()
	if !ok {
		return
	}
	collectSnapshot(ch, &s, time.Now())
}

func gauge(ch chan<- prometheus.Metric, d *prometheus.Desc, v float64, labels ...string) {
	ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
}

func counter(ch chan<- prometheus.Metric, d *prometheus.Desc, v int64, labels ...string) {
	ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
}

// collectSnapshot sends s's metrics; now is the time of the scrape.
func collectSnapshot(ch chan<- prometheus.Metric, s *measure.Snapshot, now time.Time) {
	run := s.Run
	gauge(ch, runInfo, 1, run.Scenario, run.RunID, string(run.ClusterKind), run.KbenchVersion)
	for _, ph := range measure.Phases() {
		v := 0.0
		if ph == s.Phase {
			v = 1
		}
		gauge(ch, runPhase, v, string(ph))
	}
	gauge(ch, runElapsed, elapsed(s, now).Seconds())
	gauge(ch, runDuration, run.Duration.Seconds())
	gauge(ch, runWarmup, run.Warmup.Seconds())

	p := &s.Progress
	type prodKey struct{ producer, topic string }
	prods := sumBy(p.Producers, func(pp measure.ProducerProgress) prodKey { return prodKey{pp.Name, pp.Topic} },
		func(a *measure.ProducerProgress, b measure.ProducerProgress) {
			a.Sent += b.Sent
			a.Acked += b.Acked
			a.Errors += b.Errors
			a.AckedBytes += b.AckedBytes
			a.Behind += b.Behind
			a.Unsent += b.Unsent
		})
	for _, pp := range prods {
		counter(ch, prodSent, pp.Sent, pp.Name, pp.Topic)
		counter(ch, prodAcked, pp.Acked, pp.Name, pp.Topic)
		counter(ch, prodFailed, pp.Errors, pp.Name, pp.Topic)
		counter(ch, prodBytes, pp.AckedBytes, pp.Name, pp.Topic)
		counter(ch, prodBehind, pp.Behind, pp.Name, pp.Topic)
		counter(ch, prodUnsent, pp.Unsent, pp.Name, pp.Topic)
	}
	type groupKey struct{ group, topic string }
	cons := sumBy(p.Consumers, func(cp measure.ConsumerProgress) groupKey { return groupKey{cp.Group, cp.Topic} },
		func(a *measure.ConsumerProgress, b measure.ConsumerProgress) {
			a.Records += b.Records
			a.Bytes += b.Bytes
			a.Foreign += b.Foreign
		})
	for _, cp := range cons {
		counter(ch, consRecords, cp.Records, cp.Group, cp.Topic)
		counter(ch, consBytes, cp.Bytes, cp.Group, cp.Topic)
		counter(ch, consForeign, cp.Foreign, cp.Group, cp.Topic)
	}

	if s.Phase != measure.PhaseStarting {
		if !p.Unlimited {
			gauge(ch, rateTarget, p.TargetRate)
		}
		gauge(ch, rateSend, p.SendRate)
		gauge(ch, rateAck, p.AckRate)
		gauge(ch, rateConsume, p.ConsumeRate)
	}

	for _, w := range []struct {
		name string
		l    *measure.Latencies
	}{{"interval", &p.IntervalLatency}, {"run", &p.RunLatency}} {
		latencies(ch, latProduce, latProduceN, w.name, w.l.Produce)
		latencies(ch, latProduceRaw, nil, w.name, w.l.ProduceRaw)
		latencies(ch, latE2E, latE2EN, w.name, w.l.E2E)
		latencies(ch, latE2ERaw, nil, w.name, w.l.E2ERaw)
	}

	type partKey struct {
		group, topic string
		partition    int32
	}
	lags := sumBy(s.Lag, func(l measure.PartitionLag) partKey { return partKey{l.Group, l.Topic, l.Partition} },
		func(a *measure.PartitionLag, b measure.PartitionLag) { a.Lag = b.Lag })
	for _, l := range lags {
		gauge(ch, lagRecords, float64(l.Lag), l.Group, l.Topic, strconv.Itoa(int(l.Partition)))
	}

	vers := sumBy(s.Verification, func(v measure.VerificationProgress) groupKey { return groupKey{v.Group, v.Topic} },
		func(a *measure.VerificationProgress, b measure.VerificationProgress) {
			a.Counts = addCounts(a.Counts, b.Counts)
			a.Final = a.Final && b.Final
		})
	for _, v := range vers {
		counter(ch, verRecords, v.Counts.Consumed, v.Group, v.Topic)
		for _, k := range findingKinds {
			counter(ch, verFindings, k.count(&v.Counts), v.Group, v.Topic, k.kind.String())
		}
		final := 0.0
		if v.Final {
			final = 1
		}
		gauge(ch, verFinal, final, v.Group, v.Topic)
	}
}

// quantileLabels are the quantile label values, in the order of
// Quantiles' fields; 1 is the maximum.
var quantileLabels = [5]string{"0.5", "0.9", "0.99", "0.999", "1"}

// latencies sends one window's quantiles (and its record count, when n is
// not nil); nothing when the window measured no record, since a zero
// latency would read as a perfect one.
func latencies(ch chan<- prometheus.Metric, d, n *prometheus.Desc, window string, q measure.Quantiles) {
	if q.Count == 0 {
		return
	}
	if n != nil {
		gauge(ch, n, float64(q.Count), window)
	}
	for i, v := range [5]time.Duration{q.P50, q.P90, q.P99, q.P999, q.Max} {
		gauge(ch, d, v.Seconds(), window, quantileLabels[i])
	}
}

// elapsed is the run's elapsed time at now.
func elapsed(s *measure.Snapshot, now time.Time) time.Duration {
	switch {
	case s.Run.Start.IsZero():
		return 0
	case s.Phase == measure.PhaseDone:
		return s.Progress.Elapsed
	}
	return max(0, now.Sub(s.Run.Start))
}

// sumBy merges the entries of xs with equal keys, in order of first
// appearance: two scenario entries must not make two series with the same
// labels, which a scrape would reject.
func sumBy[T any, K comparable](xs []T, key func(T) K, add func(*T, T)) []T {
	out := make([]T, 0, len(xs))
	at := make(map[K]int, len(xs))
	for _, x := range xs {
		k := key(x)
		if i, ok := at[k]; ok {
			add(&out[i], x)
			continue
		}
		at[k] = len(out)
		out = append(out, x)
	}
	return out
}

// addCounts adds the counts that metrics export.
func addCounts(a, b verify.Counts) verify.Counts {
	a.Consumed += b.Consumed
	a.Lost += b.Lost
	a.DuplicateWrites += b.DuplicateWrites
	a.Redeliveries += b.Redeliveries
	a.Unexpected += b.Unexpected
	a.Foreign += b.Foreign
	a.Unidentified += b.Unidentified
	a.Corrupted += b.Corrupted
	a.Reordered += b.Reordered
	a.PollSkips += b.PollSkips
	a.NonmonotonicPolls += b.NonmonotonicPolls
	a.AbortedReads += b.AbortedReads
	a.PartialTxns += b.PartialTxns
	a.Late += b.Late
	return a
}
