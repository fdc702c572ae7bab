package verify

// Running returns the counts kept as events arrive (consumed,
// duplicate_writes, redeliveries, foreign, unidentified, corrupted,
// reordered, poll skips, nonmonotonic polls, late, transactions), for a
// live view of a run; those computed from the range sets at Finish
// (acked, failed, consumed_unique, lost, unexpected, …) are zero. Events
// still buffered in Recorders are not counted yet. It is safe to call
// while Recorders flush, but not concurrently with the Verifier's own
// feeding methods.
func (v *Verifier) Running() Counts {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.c
}
