package measure

import "github.com/kbench/kbench/verify"

// Verification is the record-by-record delivery check of one consumer
// group reading one topic (package verify): counts by kind, the first
// findings, and how many of them fail the run.
type Verification struct {
	Topic string `json:"topic"`
	Group string `json:"group"`
	// Counts are the verifier's totals (see docs/verification.md).
	Counts verify.Counts `json:"counts"`
	// Failures counts the records (or events, for poll skips) of the
	// findings that fail the run: see FailurePolicy.
	Failures int64 `json:"failures"`
	// Policy names what counted as a failure, e.g. "lost, corrupted, …".
	Policy string `json:"policy"`
	// Findings are the first findings (all of them are in findings.jsonl).
	Findings []verify.Finding `json:"findings,omitempty"`
	// FindingsOmitted counts findings not listed here.
	FindingsOmitted int64 `json:"findings_omitted,omitempty"`
	// Partial is true when the run was interrupted: records still on
	// their way then count as lost, so the verdict is not final.
	Partial bool `json:"partial,omitempty"`
}

// FailurePolicy decides which counts fail a verification. Redeliveries
// (an at-least-once consumer reading an offset again) never fail it;
// duplicate writes and reordering fail it only where the producers
// promise better (idempotent producers write each record once, in order
// per partition), or, for a pipeline's output, where the pipeline does.
type FailurePolicy struct {
	// Idempotent says every producer writing the topic is idempotent.
	Idempotent bool
	// Guarantee, when set, is the delivery guarantee promised for the
	// records ("exactly-once", "at-least-once" or "at-most-once"), as a
	// pipeline promises for its output; it replaces the producers'
	// promises. Ordered adds key_reordered (records of one key out of
	// order).
	Guarantee string
	Ordered   bool
}

// Apply computes v.Failures and v.Policy from v.Counts.
func (p FailurePolicy) Apply(v *Verification) {
	c := v.Counts
	if p.Guarantee != "" {
		p.applyGuarantee(v)
		return
	}
	v.Failures = c.Lost + c.Corrupted + c.Unexpected + c.PollSkips + c.NonmonotonicPolls + c.AbortedReads + c.PartialTxns
	v.Policy = "lost, corrupted, unexpected, poll_skip, nonmonotonic_poll, aborted_read, partial_txn"
	if p.Idempotent {
		v.Failures += c.DuplicateWrites + c.Reordered
		v.Policy += ", duplicate_write, reordered (idempotent producers)"
	}
}

func (p FailurePolicy) applyGuarantee(v *Verification) {
	c := v.Counts
	v.Failures = c.Corrupted + c.Unexpected + c.NonmonotonicPolls
	v.Policy = "corrupted, unexpected, nonmonotonic_poll"
	if p.Guarantee != "at-most-once" {
		v.Failures += c.Lost + c.AbortedReads + c.PartialTxns
		v.Policy = "lost, " + v.Policy + ", aborted_read, partial_txn"
	}
	if p.Guarantee != "at-least-once" {
		v.Failures += c.DuplicateWrites
		v.Policy += ", duplicate_write"
	}
	if p.Ordered {
		v.Failures += c.KeyReordered
		v.Policy += ", key_reordered"
	}
	v.Policy += " (" + p.Guarantee + ")"
}

// VerificationFailures sums the failures of the run's verifications; 0
// when the run was interrupted (the verdict is not final).
func (r *Result) VerificationFailures() int64 {
	var n int64
	for _, v := range r.Verification {
		if !v.Partial {
			n += v.Failures
		}
	}
	return n
}
