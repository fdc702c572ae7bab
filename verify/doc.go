// Package verify checks, record by record, that what kbench's producers
// had acknowledged is what its consumers delivered: exactly once, intact,
// in order, at the offsets the producers were told, with transactions all
// or nothing.
//
// The runner feeds a Verifier with the producers' side (Acked, Failed,
// TxnBegin, TxnCommitted, TxnAborted, TxnInDoubt) and the consumers' side
// (Consumed, Unidentified), from one goroutine or through one Recorder per
// goroutine, and calls Finish at the end of the run. The Verifier
// classifies every anomaly into a Finding of one Kind (lost,
// duplicate_write, redelivery, unexpected, corrupted, reordered, poll_skip,
// nonmonotonic_poll, aborted_read, partial_txn, late, …) with its evidence
// (stream, seq range, partition, offsets, consumer session) and a
// one-sentence explanation; the Summary counts them. Which kinds fail a
// run is the caller's policy.
//
// Its memory grows with anomalies, not with records: acknowledged and
// delivered seqs (per stream) and offsets (per partition) are kept as
// run-length range sets (RangeSet), a few ranges long while delivery is
// clean, whatever the number of records. A Verifier's end state (State) is
// those ranges: it serialises to JSON and merges exactly with other
// workers' states.
//
// See docs/verification.md for how each kind is detected, its evidence,
// its blind spots, and the memory model.
package verify
