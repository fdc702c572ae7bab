package scenarios

import "sort"

// Unit is the kind of quantity a gate metric measures; it decides which
// threshold notations a gate accepts and the base unit of Gate.Threshold.
type Unit int

// Metric units and their base units.
const (
	// UnitDuration thresholds are written like 50ms, 1.5s, 800us; the base
	// unit is nanoseconds.
	UnitDuration Unit = iota + 1
	// UnitRate thresholds are written like 45000/s, 300k/m, 2.5M/h; the
	// base unit is records per second.
	UnitRate
	// UnitByteRate thresholds are written like 10MB/s, 512KiB/s; the base
	// unit is bytes per second.
	UnitByteRate
	// UnitCount thresholds are plain numbers (with optional k/M/G suffix).
	UnitCount
	// UnitRatio thresholds are written like 0.01 or 1%; the base unit is a
	// fraction in [0,1].
	UnitRatio
)

// String names the unit for error messages.
func (u Unit) String() string {
	switch u {
	case UnitDuration:
		return "a duration like 50ms"
	case UnitRate:
		return "a rate like 45000/s"
	case UnitByteRate:
		return "a byte rate like 10MB/s"
	case UnitCount:
		return "a count like 0 or 1000"
	case UnitRatio:
		return "a ratio like 0.01 or 1%"
	}
	return "unknown unit"
}

// latencyStats are the statistics every latency histogram exposes.
var latencyStats = []string{"p50", "p75", "p90", "p95", "p99", "p999", "p9999", "max", "min", "mean"}

// Metrics is the catalog of metric names gates may use, with their units.
// The result of a run exposes every one of them.
var Metrics = buildMetrics()

func buildMetrics() map[string]Unit {
	m := map[string]Unit{
		"produce.sent":       UnitCount, // records handed to the client
		"produce.acked":      UnitCount, // records acknowledged by brokers
		"produce.errors":     UnitCount, // records that failed
		"produce.error_rate": UnitRatio, // errors / sent
		"produce.behind":     UnitCount, // records sent later than intended
		"produce.rate":       UnitRate,  // acked records/s, measured window
		"produce.throughput": UnitByteRate,
		"consume.records":    UnitCount, // records of this run consumed
		"consume.missing":    UnitCount, // acked but not consumed by the end
		"consume.rate":       UnitRate,
		"consume.throughput": UnitByteRate,
	}
	// Verification counts, summed over consumer groups (docs/verification.md).
	for _, v := range VerifyMetrics {
		m["verify."+v] = UnitCount
	}
	// Schema counts (data sets with a schema).
	for _, v := range SchemaMetrics {
		m["schema."+v] = UnitCount
	}
	for _, hist := range []string{"produce", "produce.raw", "e2e", "e2e.raw"} {
		for _, s := range latencyStats {
			m[hist+"."+s] = UnitDuration
		}
	}
	return m
}

// VerifyMetrics are the verification counts gates may use as verify.<name>:
// failures is what fails a run under the verification policy, duplicates
// is duplicate writes plus redeliveries.
var VerifyMetrics = []string{"failures", "lost", "duplicates", "duplicate_writes", "redeliveries", "unexpected",
	"corrupted", "reordered", "poll_skips", "nonmonotonic_polls", "aborted_reads", "partial_txns", "late", "key_reordered"}

// SchemaMetrics are the schema counts gates may use as schema.<name>:
// incompatible schema changes, records that failed to decode, records a
// reader got only in part.
var SchemaMetrics = []string{"incompatible", "decode_errors", "lossy"}

// MetricNames returns the catalog's names, sorted.
func MetricNames() []string {
	names := make([]string, 0, len(Metrics))
	for n := range Metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
