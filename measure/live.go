package measure

import (
	"slices"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/kbench/kbench/verify"
)

// Quantiles summarise the latencies of one window, from kbench's HDR
// histograms (three significant digits). All are zero when Count is 0.
type Quantiles struct {
	// Count is the number of records measured in the window.
	Count                    int64
	P50, P90, P99, P999, Max time.Duration
}

// quantiles reads h's quantiles.
func quantiles(h *hdrhistogram.Histogram) Quantiles {
	n := h.TotalCount()
	if n == 0 {
		return Quantiles{}
	}
	q := h.ValueAtPercentilesSlice([]float64{50, 90, 99, 99.9})
	return Quantiles{Count: n, P50: time.Duration(q[0]), P90: time.Duration(q[1]),
		P99: time.Duration(q[2]), P999: time.Duration(q[3]), Max: time.Duration(h.Max())}
}

// Latencies are the four latency distributions kbench measures over one
// window: produce (acknowledgement) and end-to-end (consumption), each from
// the intended send time and, raw, from the actual send time.
type Latencies struct {
	Produce, ProduceRaw, E2E, E2ERaw Quantiles
}

// ProducerProgress is one scenario producer's totals so far (all its
// instances).
type ProducerProgress struct {
	Name, Topic string
	// Sent, Acked and Errors count records; AckedBytes the key and value
	// bytes of acknowledged records. Behind counts records sent more than
	// BehindThreshold after their intended time, Unsent those the profile
	// intended that were never sent (known when the producer stops).
	Sent, Acked, Errors, AckedBytes, Behind, Unsent int64
}

// ConsumerProgress is one scenario consumer's (one group's) totals so far.
type ConsumerProgress struct {
	Name, Topic, Group string
	// Records and Bytes count this run's records consumed (redeliveries
	// included); Foreign counts records of other runs or without kbench's
	// header.
	Records, Bytes, Foreign int64
}

// liveProgress adds to p what observers (package metrics) need beyond the
// progress line: per-producer and per-consumer totals and the latency
// quantiles of the last interval and of the whole run. c.mu must be held,
// after the interval histograms were merged.
func (c *Collector) liveProgress(p *Progress) {
	p.Producers = make([]ProducerProgress, 0, len(c.producers))
	for _, g := range c.producers {
		pp := ProducerProgress{Name: g.info.Name, Topic: g.info.Topic}
		for _, s := range g.shards {
			pp.Sent += s.sent.Load()
			pp.Acked += s.acked.Load()
			pp.Errors += s.errors.Load()
			pp.AckedBytes += s.bytes.Load()
			pp.Behind += s.behind.Load()
			pp.Unsent += s.unsent.Load()
		}
		p.Producers = append(p.Producers, pp)
	}
	p.Consumers = make([]ConsumerProgress, 0, len(c.consumers))
	for _, g := range c.consumers {
		cp := ConsumerProgress{Name: g.name, Topic: g.topic, Group: g.group}
		for _, s := range g.shards {
			cp.Records += s.records.Load()
			cp.Bytes += s.bytes.Load()
			cp.Foreign += s.foreign.Load()
		}
		p.Consumers = append(p.Consumers, cp)
	}
	p.IntervalLatency = Latencies{Produce: quantiles(c.ivProd), ProduceRaw: quantiles(c.ivProdRaw),
		E2E: quantiles(c.ivE2E), E2ERaw: quantiles(c.ivE2ERaw)}
	p.RunLatency = Latencies{Produce: quantiles(c.prod), ProduceRaw: quantiles(c.prodRaw),
		E2E: quantiles(c.e2e), E2ERaw: quantiles(c.e2eRaw)}
	c.last = *p
}

// Last returns the progress computed by the latest Tick (or by Finish,
// which closes the last interval), and the zero Progress before the first.
// Its counters are the run's totals at that time.
func (c *Collector) Last() Progress {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.last
	p.Producers = slices.Clone(p.Producers)
	p.Consumers = slices.Clone(p.Consumers)
	return p
}

// Phase says where a run is.
type Phase string

// Run phases, in order.
const (
	// PhaseStarting: connecting, creating topics, waiting for the
	// consumer groups to be assigned their partitions.
	PhaseStarting Phase = "starting"
	// PhaseWarmup: producing; records are counted but their latencies are
	// not measured.
	PhaseWarmup Phase = "warmup"
	// PhaseMeasuring: producing, and measuring.
	PhaseMeasuring Phase = "measuring"
	// PhaseDraining: producing has stopped; in-flight records are being
	// acknowledged and consumers are reading what is left.
	PhaseDraining Phase = "draining"
	// PhaseDone: the run is over and its result complete.
	PhaseDone Phase = "done"
)

// Phases lists every phase in order.
func Phases() []Phase {
	return []Phase{PhaseStarting, PhaseWarmup, PhaseMeasuring, PhaseDraining, PhaseDone}
}

// RunIdentity says which run a Snapshot belongs to. It holds nothing
// secret: no broker address, user name or password.
type RunIdentity struct {
	Scenario, RunID, KbenchVersion string
	ClusterKind                    ClusterKind
	// Start is when producing started (zero while PhaseStarting).
	Start time.Time
	// Duration and Warmup are the configured producing time and warmup.
	Duration, Warmup time.Duration
}

// PartitionLag is one lag sample of a consumer group on one partition:
// log end offset − the group's committed offset.
type PartitionLag struct {
	Group, Topic string
	Partition    int32
	Lag          int64
}

// VerificationProgress is one consumer group's delivery verification so
// far (package verify).
type VerificationProgress struct {
	Group, Topic string
	// Counts are the verifier's counts. During the run only those kept as
	// records arrive are set (consumed, duplicates, redeliveries,
	// corrupted, reordered, poll skips, …); those computed at the end
	// (acked, lost, unexpected, …) are zero until Final.
	Counts verify.Counts
	// Final is true once the verification has finished (PhaseDone). An
	// interrupted run's verdict is final but partial: records still on
	// their way count as lost.
	Final bool
}

// Snapshot is a run's live state, as a runner observer receives it.
// Slices are the observer's to keep.
type Snapshot struct {
	Run   RunIdentity
	Phase Phase
	// Progress is the view at the latest report interval (zero before
	// the first); with PhaseDone, the run's final totals.
	Progress Progress
	// Lag holds the latest lag sample of every partition of every
	// consumer group (empty before the first sample).
	Lag []PartitionLag
	// Verification holds one entry per consumer group.
	Verification []VerificationProgress
}
