// Package measure holds what a kbench run measures: the Collector that the
// runner feeds with acknowledgements and consumed records, and the Result it
// produces — a versioned, JSON-serialisable summary whose histograms and
// counters merge exactly across producer instances (and, later, workers).
package measure

import (
	"time"
)

// SchemaVersion is the version of the result JSON layout written by this
// package. It changes only when a field changes meaning or disappears;
// fields may be added without a change. See docs/results.md.
const SchemaVersion = 1

// Status says how a run ended.
type Status string

// Run outcomes.
const (
	// StatusCompleted means the run ran its whole duration and drained.
	StatusCompleted Status = "completed"
	// StatusInterrupted means the run was stopped early (Ctrl-C, a
	// cancelled context); the result covers the part that ran.
	StatusInterrupted Status = "interrupted"
	// StatusFailed means the run stopped on an error; the result covers
	// the part that ran and Error says why.
	StatusFailed Status = "failed"
)

// ClusterKind says what the run was measured against.
type ClusterKind string

// Cluster kinds.
const (
	// ClusterEmbedded is franz-go's in-process fake cluster (kfake): no
	// replication, no disk; its speed says nothing about Kafka's.
	ClusterEmbedded ClusterKind = "embedded"
	// ClusterExternal is a cluster reached through seed brokers.
	ClusterExternal ClusterKind = "external"
)

// Result is the summary of one run, written as result.json.
type Result struct {
	SchemaVersion int    `json:"schema_version"`
	KbenchVersion string `json:"kbench_version"`
	Scenario      string `json:"scenario"`
	ScenarioFile  string `json:"scenario_file,omitempty"`
	// RunID is the run's identity as carried in record headers (hex).
	RunID   string  `json:"run_id"`
	Cluster Cluster `json:"cluster"`
	Status  Status  `json:"status"`
	// Error is why the run failed, for StatusFailed.
	Error string    `json:"error,omitempty"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// DurationS is the configured producing duration, warmup included.
	DurationS float64 `json:"duration_s"`
	WarmupS   float64 `json:"warmup_s"`
	// MeasuredS is the length of the measured window: from the end of the
	// warmup to when producing stopped.
	MeasuredS float64 `json:"measured_s"`
	// Produce aggregates every producer.
	Produce Produce `json:"produce"`
	// Producers break Produce down per scenario producer.
	Producers []Produce `json:"producers"`
	Consume   Consume   `json:"consume"`
	// Timeline has one entry per report interval.
	Timeline []Interval `json:"timeline"`
	// Verification is the record-by-record delivery check of each
	// consumer group (omitted without consumers).
	Verification []Verification `json:"verification,omitempty"`
	// Schemas is the schema side of a run whose data sets have schemas
	// (omitted otherwise).
	Schemas *SchemaReport `json:"schemas,omitempty"`
	// Lag is each consumer group's committed-offset lag over the run.
	Lag []GroupLag `json:"lag,omitempty"`
	// Disruptions are windows in which records failed, throughput
	// collapsed or latency spiked (for example while a broker was down).
	Disruptions []Disruption `json:"disruptions,omitempty"`
	// Gates are the outcomes of the scenario's gates, in order.
	Gates []GateOutcome `json:"gates"`
	// Notes are warnings a reader should see (e.g. a producer fell
	// behind its target rate).
	Notes []string `json:"notes,omitempty"`
}

// Cluster describes the cluster a run was measured against.
type Cluster struct {
	Kind ClusterKind `json:"kind"`
	// Brokers are the seed brokers of an external cluster.
	Brokers []string `json:"brokers,omitempty"`
	// Description is a human-readable line for reports.
	Description string `json:"description"`
	// KafkaVersion is the Kafka release an external cluster's API versions
	// match, as guessed by the client (e.g. "v4.4"); empty if unknown.
	KafkaVersion string `json:"kafka_version,omitempty"`
}

// Produce is what producers did. Counts cover the whole run; rates and
// latencies cover the measured window (after warmup).
type Produce struct {
	// Name is the scenario producer's name (empty for the aggregate).
	Name  string `json:"name,omitempty"`
	Topic string `json:"topic,omitempty"`
	// Instances is the number of producer clients.
	Instances int `json:"instances"`
	// Sent counts records handed to the client.
	Sent int64 `json:"sent"`
	// Acked counts records acknowledged by the brokers.
	Acked int64 `json:"acked"`
	// Errors counts records whose produce failed.
	Errors int64 `json:"errors"`
	// ErrorKinds counts errors by message (at most a few dozen kinds).
	ErrorKinds map[string]int64 `json:"error_kinds,omitempty"`
	// Behind counts records sent more than BehindThreshold after their
	// intended time: the producer could not keep up with the profile.
	Behind int64 `json:"behind"`
	// Unsent counts records the profile intended before the end that were
	// never sent because the producer was behind when time ran out.
	Unsent int64 `json:"unsent"`
	// Bytes counts acknowledged value+key bytes.
	Bytes int64 `json:"bytes"`
	// TargetRate is the profile's mean rate over the measured window
	// (records/s); 0 for unlimited.
	TargetRate float64 `json:"target_rate"`
	// Rate is acknowledged records per second of the measured window.
	Rate float64 `json:"rate"`
	// Throughput is acknowledged bytes per second of the measured window.
	Throughput float64 `json:"throughput_bytes_per_s"`
	// MaxLagUS is the largest delay between a record's intended and actual
	// send time, in microseconds.
	MaxLagUS int64 `json:"max_send_lag_us"`
	// Latency is ack time − intended send time: corrected for coordinated
	// omission.
	Latency Latency `json:"latency"`
	// LatencyRaw is ack time − actual send time.
	LatencyRaw Latency `json:"latency_raw"`
	// Transactions counts the transactions of transactional producers
	// (omitted for others).
	Transactions *Transactions `json:"transactions,omitempty"`
}

// Consume is what consumers saw of this run's records. Latencies cover
// records whose intended send time falls in the measured window.
type Consume struct {
	// Records counts this run's records consumed (duplicates included).
	Records int64 `json:"records"`
	// Bytes counts this run's consumed value+key bytes.
	Bytes int64 `json:"bytes"`
	// Foreign counts records without this run's identity header (other
	// runs, other writers); they are skipped.
	Foreign int64 `json:"foreign"`
	// Missing is acked − consumed when consumers read every produced
	// topic, clamped at 0: acknowledged records not seen by the end of
	// the drain. -1 when not every produced topic had consumers.
	Missing int64 `json:"missing"`
	// Rate is consumed records per second of the measured window.
	Rate float64 `json:"rate"`
	// Throughput is consumed bytes per second of the measured window.
	Throughput float64 `json:"throughput_bytes_per_s"`
	// E2E is consume time − intended send time (corrected).
	E2E Latency `json:"e2e"`
	// E2ERaw is consume time − actual send time.
	E2ERaw Latency `json:"e2e_raw"`
}

// Interval is one report interval of the run's timeline.
type Interval struct {
	// StartS is the interval's start, in seconds from the run start.
	StartS float64 `json:"start_s"`
	// LengthS is the interval's length in seconds.
	LengthS float64 `json:"length_s"`
	// TargetRate is the producers' summed mean target rate over the
	// interval (records/s; 0 when unlimited).
	TargetRate float64 `json:"target_rate"`
	Sent       int64   `json:"sent"`
	Acked      int64   `json:"acked"`
	AckedBytes int64   `json:"acked_bytes"`
	Errors     int64   `json:"errors"`
	Consumed   int64   `json:"consumed"`
	// ConsumedBytes counts consumed value+key bytes.
	ConsumedBytes int64 `json:"consumed_bytes"`
	// ProduceP99US and E2EP99US are the interval's 99th percentiles
	// (corrected), 0 when the interval had no samples.
	ProduceP99US int64 `json:"produce_p99_us"`
	E2EP99US     int64 `json:"e2e_p99_us"`
	// ConsumerLag is the consumer groups' summed lag sampled at the
	// interval's end (records on the log not yet committed); -1 when
	// unknown (no group, or no sample yet).
	ConsumerLag int64 `json:"consumer_lag"`
}

// GateOutcome is the verdict of one gate.
type GateOutcome struct {
	Expr string `json:"expr"`
	// Value is the metric's value in its base unit (ns, records/s,
	// bytes/s, count, fraction).
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	Passed    bool    `json:"passed"`
	// Display is the value formatted in the gate's unit, e.g. "12.3ms".
	Display string `json:"display"`
	// Reason explains a failure or an unavailable metric.
	Reason string `json:"reason,omitempty"`
}

// Passed reports whether every gate passed.
func (r *Result) Passed() bool {
	for _, g := range r.Gates {
		if !g.Passed {
			return false
		}
	}
	return true
}
