package measure

import "fmt"

// VerificationCount sums the verification count name (a scenarios
// VerifyMetrics name: "lost", "duplicate_writes", "failures", …) over the
// run's consumer groups. It fails when nothing was verified or the name is
// unknown.
func (r *Result) VerificationCount(name string) (float64, error) {
	if len(r.Verification) == 0 {
		return 0, fmt.Errorf("verify.%s needs consumers: nothing was verified", name)
	}
	var n int64
	for _, v := range r.Verification {
		c := v.Counts
		switch name {
		case "failures":
			n += v.Failures
		case "lost":
			n += c.Lost
		case "duplicates":
			n += c.DuplicateWrites + c.Redeliveries + c.DuplicatesUnclassified
		case "duplicate_writes":
			n += c.DuplicateWrites
		case "redeliveries":
			n += c.Redeliveries
		case "unexpected":
			n += c.Unexpected
		case "corrupted":
			n += c.Corrupted
		case "reordered":
			n += c.Reordered
		case "key_reordered":
			n += c.KeyReordered
		case "poll_skips":
			n += c.PollSkips
		case "nonmonotonic_polls":
			n += c.NonmonotonicPolls
		case "aborted_reads":
			n += c.AbortedReads
		case "partial_txns":
			n += c.PartialTxns
		case "late":
			n += c.Late
		default:
			return 0, fmt.Errorf("unknown metric %q", "verify."+name)
		}
	}
	return float64(n), nil
}

// SchemaCount is the schema count name of the run ("incompatible",
// "decode_errors", "lossy"). It fails when the run had no schema data (or,
// for the decoding counts, no consumer of it) or the name is unknown.
func (r *Result) SchemaCount(name string) (float64, error) {
	s := r.Schemas
	if s == nil {
		return 0, fmt.Errorf("schema.%s needs a data set with a schema", name)
	}
	switch name {
	case "incompatible":
		return float64(s.Incompatible), nil
	case "decode_errors", "lossy":
		if len(s.Decoding) == 0 {
			return 0, fmt.Errorf("schema.%s needs a consumer of a topic written with a schema", name)
		}
		if name == "lossy" {
			return float64(s.Lossy), nil
		}
		return float64(s.DecodeErrors), nil
	}
	return 0, fmt.Errorf("unknown metric %q", "schema."+name)
}
