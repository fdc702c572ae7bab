package measure

import (
	"fmt"
	"sort"
	"strings"
)

// Disruption is a stretch of consecutive report intervals in which the
// cluster visibly misbehaved: records failed, acknowledged throughput fell
// below half the target rate, or the produce p99 jumped far above its usual
// level. A broker failure mid-run shows up as one disruption, with its
// start, end and cost.
type Disruption struct {
	// StartS and EndS bound the window, in seconds from the run start.
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
	// Errors counts failed records in the window.
	Errors int64 `json:"errors"`
	// MinAckRate is the lowest acknowledged rate of an interval in the
	// window (records/s).
	MinAckRate float64 `json:"min_ack_rate"`
	// MaxProduceP99US is the highest interval produce p99 (µs, corrected).
	MaxProduceP99US int64 `json:"max_produce_p99_us"`
	// Reasons say which signs were seen: "errors", "throughput",
	// "latency".
	Reasons []string `json:"reasons"`
}

// Thresholds of disruption detection.
const (
	// DisruptionRateFraction: an interval acknowledging less than this
	// fraction of its target rate is disrupted.
	DisruptionRateFraction = 0.5
	// DisruptionLatencyFactor: an interval whose produce p99 exceeds this
	// multiple of the run's median interval p99 (and DisruptionLatencyMin)
	// is disrupted.
	DisruptionLatencyFactor = 10
	// DisruptionLatencyMinUS is the floor below which no p99 counts as a
	// disruption, in µs.
	DisruptionLatencyMinUS = 50_000
)

// findDisruptions scans the timeline of a run.
func findDisruptions(tl []Interval) []Disruption {
	var p99s []int64
	for _, iv := range tl {
		if iv.ProduceP99US > 0 {
			p99s = append(p99s, iv.ProduceP99US)
		}
	}
	var median int64
	if len(p99s) > 0 {
		sort.Slice(p99s, func(i, j int) bool { return p99s[i] < p99s[j] })
		median = p99s[len(p99s)/2]
	}
	latencyBound := max(DisruptionLatencyFactor*median, DisruptionLatencyMinUS)

	var out []Disruption
	var cur *Disruption
	for _, iv := range tl {
		var reasons []string
		if iv.Errors > 0 {
			reasons = append(reasons, "errors")
		}
		rate := 0.0
		if iv.LengthS > 0 {
			rate = float64(iv.Acked) / iv.LengthS
		}
		// Only whole-ish intervals with a target judge throughput.
		if iv.TargetRate > 0 && iv.LengthS >= 0.5 && rate < DisruptionRateFraction*iv.TargetRate {
			reasons = append(reasons, "throughput")
		}
		if iv.ProduceP99US > latencyBound {
			reasons = append(reasons, "latency")
		}
		if len(reasons) == 0 {
			cur = nil
			continue
		}
		if cur == nil {
			out = append(out, Disruption{StartS: iv.StartS, MinAckRate: rate})
			cur = &out[len(out)-1]
		}
		cur.EndS = iv.StartS + iv.LengthS
		cur.Errors += iv.Errors
		cur.MinAckRate = min(cur.MinAckRate, rate)
		cur.MaxProduceP99US = max(cur.MaxProduceP99US, iv.ProduceP99US)
		for _, r := range reasons {
			if !contains(cur.Reasons, r) {
				cur.Reasons = append(cur.Reasons, r)
			}
		}
	}
	return out
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// String describes the disruption in one line.
func (d Disruption) String() string {
	return fmt.Sprintf("%.1fs–%.1fs (%.1fs): %s; %d errors, ack rate down to %s/s, produce p99 up to %s",
		d.StartS, d.EndS, d.EndS-d.StartS, strings.Join(d.Reasons, ", "), d.Errors,
		FormatRate(d.MinAckRate), FormatDuration(float64(d.MaxProduceP99US)*1000))
}
