package verify

import (
	"errors"
	"fmt"
	"sort"
)

// StateVersion is the version of the State JSON layout.
const StateVersion = 1

// Counts are a verification's totals. Unless noted, a count is of records.
// The JSON names are stable.
type Counts struct {
	// Acked counts records acknowledged to the producers.
	Acked int64 `json:"acked"`
	// Failed counts records whose produce failed and that were never
	// acknowledged.
	Failed int64 `json:"failed"`
	// Consumed counts deliveries of this run's records, duplicates
	// included; ConsumedUnique counts distinct records delivered.
	Consumed       int64 `json:"consumed"`
	ConsumedUnique int64 `json:"consumed_unique"`
	// Lost counts acknowledged records (of committed transactions, for
	// transactional ones) no consumer delivered.
	Lost int64 `json:"lost"`
	// DuplicateWrites counts deliveries of a record from a second offset;
	// Redeliveries deliveries of an offset already delivered.
	// DuplicatesUnclassified counts records delivered by two merged
	// verifiers when both also read some same offsets, so that which of
	// the two it was is unknown. Consumed − ConsumedUnique is the sum of
	// the three.
	DuplicateWrites        int64 `json:"duplicate_writes"`
	Redeliveries           int64 `json:"redeliveries"`
	DuplicatesUnclassified int64 `json:"duplicates_unclassified"`
	// Unexpected counts distinct records of this run delivered that were
	// neither acknowledged nor reported failed.
	Unexpected int64 `json:"unexpected"`
	// UnackedDelivered counts distinct records whose produce failed but
	// that were delivered: not a fault (a failed produce may have written).
	UnackedDelivered int64 `json:"unacked_delivered"`
	// Foreign counts deliveries of other runs' records; Unidentified of
	// records without a decodable identity header.
	Foreign      int64 `json:"foreign"`
	Unidentified int64 `json:"unidentified"`
	// Corrupted counts deliveries whose value checksum differs from the
	// header's.
	Corrupted int64 `json:"corrupted"`
	// Reordered counts records delivered after a higher seq of the same
	// stream in the same partition.
	Reordered int64 `json:"reordered"`
	// KeyReordered counts records delivered after a higher seq of the
	// same stream and key, on any partition (Config.KeyOrder only);
	// KeyOrderUnchecked those not checked because the key table was full.
	KeyReordered      int64 `json:"key_reordered,omitempty"`
	KeyOrderUnchecked int64 `json:"key_order_unchecked,omitempty"`
	// PollSkips counts jumps of a consumer session over acknowledged
	// records (events); PollSkippedRecords the records jumped over.
	PollSkips          int64 `json:"poll_skips"`
	PollSkippedRecords int64 `json:"poll_skipped_records"`
	// NonmonotonicPolls counts backward steps within a session (events).
	NonmonotonicPolls int64 `json:"nonmonotonic_polls"`
	// AbortedReads counts distinct records of aborted transactions
	// delivered to a read_committed consumer.
	AbortedReads int64 `json:"aborted_reads"`
	// PartialTxns counts transactions partly delivered (transactions).
	PartialTxns int64 `json:"partial_txns"`
	// Late counts first deliveries later than Config.LateBound.
	Late int64 `json:"late"`
	// TxnsCommitted, TxnsAborted and TxnsInDoubt count transactions.
	TxnsCommitted int64 `json:"txns_committed"`
	TxnsAborted   int64 `json:"txns_aborted"`
	TxnsInDoubt   int64 `json:"txns_in_doubt"`
	// Invalid counts events with a negative partition or offset (ignored).
	Invalid int64 `json:"invalid"`
}

// addRunning adds o's counters that are kept during a run (as opposed to
// those Finish derives from the range sets).
func (c *Counts) addRunning(o *Counts) {
	c.Consumed += o.Consumed
	c.DuplicateWrites += o.DuplicateWrites
	c.Redeliveries += o.Redeliveries
	c.DuplicatesUnclassified += o.DuplicatesUnclassified
	c.Foreign += o.Foreign
	c.Unidentified += o.Unidentified
	c.Corrupted += o.Corrupted
	c.Reordered += o.Reordered
	c.KeyReordered += o.KeyReordered
	c.KeyOrderUnchecked += o.KeyOrderUnchecked
	c.PollSkips += o.PollSkips
	c.PollSkippedRecords += o.PollSkippedRecords
	c.NonmonotonicPolls += o.NonmonotonicPolls
	c.Late += o.Late
	c.Invalid += o.Invalid
	c.TxnsCommitted += o.TxnsCommitted
	c.TxnsAborted += o.TxnsAborted
	c.TxnsInDoubt += o.TxnsInDoubt
}

// Summary is the outcome of a verification: the counts and the findings
// kept (at most Config.MaxFindingsKept of each kind, in kind order).
type Summary struct {
	Counts
	Findings []Finding `json:"findings"`
	// FindingsDropped counts findings not kept in Findings.
	FindingsDropped int64 `json:"findings_dropped"`
}

// Count returns the number of findings of kind k kept in s.
func (s *Summary) Count(k Kind) int {
	n := 0
	for i := range s.Findings {
		if s.Findings[i].Kind == k {
			n++
		}
	}
	return n
}

// State is a verifier's state at the end of a run, as ranges: serialisable
// (JSON) and mergeable. Workers that each verified part of a run (their
// producers' acknowledgements, their consumers' deliveries) send their
// States to one place, Merge them, and Finish the result: set-based
// results (lost, unexpected, unacked_delivered, aborted_reads,
// partial_txns, consumed_unique, and the total of duplicates) come out as
// if one verifier had seen every event. Checks of the order of deliveries
// (poll_skip, nonmonotonic_poll, reordered, late, corrupted and the
// redelivery/duplicate_write split) are made by the verifier that saw the
// deliveries, against the acknowledgements it saw; see
// docs/verification.md.
type State struct {
	Version       int              `json:"version"`
	RunID         uint64           `json:"run_id,string"`
	ReadCommitted bool             `json:"read_committed"`
	Counts        Counts           `json:"counts"` // counters kept during the run
	Streams       []StreamState    `json:"streams"`
	Partitions    []PartitionState `json:"partitions"`
	// Pending are delivered records that were neither acknowledged nor
	// failed, or whose transaction had not ended, when they were
	// delivered, with their offsets (as findings of kind unexpected):
	// evidence for unexpected records and aborted reads, classified at
	// Finish. PendingDropped counts those not kept.
	Pending        []Finding `json:"pending,omitempty"`
	PendingDropped int64     `json:"pending_dropped,omitempty"`
	// Findings are those found during the run (already written to the
	// verifier's findings writer); FindingsDropped counts those not kept.
	Findings        []Finding `json:"findings"`
	FindingsDropped int64     `json:"findings_dropped"`
}

// StreamState is what a State holds of one stream, as seq ranges.
type StreamState struct {
	Stream  uint32  `json:"stream"`
	Acked   []Range `json:"acked,omitempty"`
	Seen    []Range `json:"seen,omitempty"`
	Failed  []Range `json:"failed,omitempty"`
	Aborted []Range `json:"aborted,omitempty"`
	InDoubt []Range `json:"in_doubt,omitempty"`
	// AbortedReported are aborted reads already reported with offsets.
	AbortedReported []Range `json:"aborted_reported,omitempty"`
	// CommittedTxns are committed transactions (first to last seq) this
	// verifier did not see delivered in full; InDoubtTxns those whose
	// outcome is unknown. Finish checks them for partial delivery.
	CommittedTxns []Range `json:"committed_txns,omitempty"`
	InDoubtTxns   []Range `json:"in_doubt_txns,omitempty"`
}

// PartitionState is what a State holds of one partition, as offset ranges.
type PartitionState struct {
	Partition int32 `json:"partition"`
	// Acked holds acknowledged offsets consumers must deliver and offsets
	// known to hold no record of this run.
	Acked []Range `json:"acked,omitempty"`
	// Passed holds offsets delivered, and offsets consumers passed over
	// that held no acknowledged record.
	Passed []Range `json:"passed,omitempty"`
}

// State ends the verification and returns its state, for Merge and
// State.Finish. Open transactions end as in doubt, kept consumer gaps are
// decided, and open findings are emitted. The state shares memory with the
// Verifier, which must not be fed afterwards.
func (v *Verifier) State() *State {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.state()
}

func (v *Verifier) state() *State {
	if !v.sealed {
		v.sealed = true
		for _, k := range v.streams.keys() {
			s := v.streams.get(k)
			if s.open {
				last := max(s.acked.Max(), s.failed.Max())
				if s.acked.Empty() && s.failed.Empty() || last < s.openFirst {
					last = s.openFirst
				}
				v.endTxn(s, s.openFirst, last, txnInDoubt)
			}
			s.pruneCommitted()
		}
		for _, k := range v.parts.keys() {
			p := v.parts.get(k)
			v.resolveGaps(p)
			v.flushOpen(p)
		}
		v.compactPending()
	}
	st := &State{Version: StateVersion, RunID: v.cfg.RunID, ReadCommitted: v.cfg.ReadCommitted,
		Counts: v.c, Findings: v.findings, FindingsDropped: v.dropped, PendingDropped: v.pendingDropped}
	for _, k := range v.streams.keys() {
		s := v.streams.get(k)
		st.Streams = append(st.Streams, StreamState{
			Stream: s.id, Acked: s.acked.sealed().r, Seen: s.seen.sealed().r,
			Failed: s.failed.r, Aborted: s.aborted.r, InDoubt: s.doubt.r,
			AbortedReported: s.abortedSeen.r, CommittedTxns: s.committed, InDoubtTxns: s.inDoubt,
		})
	}
	for _, k := range v.parts.keys() {
		p := v.parts.get(k)
		st.Partitions = append(st.Partitions, PartitionState{
			Partition: p.id, Acked: p.acked.sealed().r, Passed: p.passed.sealed().r})
	}
	for _, r := range v.pending {
		st.Pending = append(st.Pending, Finding{Kind: KindUnexpected, Count: 1, HasSeq: true,
			Stream: r.stream, Seq: r.seq, SeqHi: r.seq, Partition: r.part, Offset: r.off,
			OffsetHi: r.off, OtherOffset: -1, Consumer: r.c})
	}
	return st
}

// Finish ends the verification and returns its summary; see State and
// State.Finish. The error is the findings writer's first error.
func (v *Verifier) Finish() (Summary, error) {
	st := v.State()
	cfg := v.cfg
	if v.werr != nil {
		cfg.Findings = nil // it failed already
	}
	sum, err := st.Finish(cfg)
	if v.werr != nil {
		err = v.werr
	}
	return sum, err
}

// ErrMismatch is returned by Merge for states of different runs or
// isolation levels.
var ErrMismatch = errors.New("verify: states of different runs or isolation levels")

// Merge adds o to s. Records delivered in both count as duplicates: as
// duplicate writes when no offset was passed by both states' consumers,
// else as unclassified duplicates. o must not be used afterwards.
func (s *State) Merge(o *State) error {
	if s.RunID != o.RunID || s.ReadCommitted != o.ReadCommitted {
		return ErrMismatch
	}
	if s.Version != StateVersion || o.Version != StateVersion {
		return fmt.Errorf("verify: state version %d and %d, want %d", s.Version, o.Version, StateVersion)
	}
	streams := make(map[uint32]int, len(s.Streams))
	for i := range s.Streams {
		streams[s.Streams[i].Stream] = i
	}
	parts := make(map[int32]int, len(s.Partitions))
	for i := range s.Partitions {
		parts[s.Partitions[i].Partition] = i
	}
	var cross, overlap uint64
	for i := range o.Streams {
		if j, ok := streams[o.Streams[i].Stream]; ok {
			cross += intersectLen(s.Streams[j].Seen, o.Streams[i].Seen)
		}
	}
	for i := range o.Partitions {
		if j, ok := parts[o.Partitions[i].Partition]; ok {
			overlap += intersectLen(s.Partitions[j].Passed, o.Partitions[i].Passed)
		}
	}
	s.Counts.addRunning(&o.Counts)
	if overlap == 0 {
		s.Counts.DuplicateWrites += int64(cross)
	} else {
		s.Counts.DuplicatesUnclassified += int64(cross)
	}
	u := func(a, b []Range) []Range {
		if len(a) == 0 {
			return b
		}
		if len(b) == 0 {
			return a
		}
		r, _ := unionRanges(a, b)
		return r
	}
	for _, os := range o.Streams {
		j, ok := streams[os.Stream]
		if !ok {
			streams[os.Stream] = len(s.Streams)
			s.Streams = append(s.Streams, os)
			continue
		}
		t := &s.Streams[j]
		t.Acked, t.Seen, t.Failed = u(t.Acked, os.Acked), u(t.Seen, os.Seen), u(t.Failed, os.Failed)
		t.Aborted, t.InDoubt = u(t.Aborted, os.Aborted), u(t.InDoubt, os.InDoubt)
		t.AbortedReported = u(t.AbortedReported, os.AbortedReported)
		t.CommittedTxns = mergeTxns(t.CommittedTxns, os.CommittedTxns)
		t.InDoubtTxns = mergeTxns(t.InDoubtTxns, os.InDoubtTxns)
	}
	for _, op := range o.Partitions {
		j, ok := parts[op.Partition]
		if !ok {
			parts[op.Partition] = len(s.Partitions)
			s.Partitions = append(s.Partitions, op)
			continue
		}
		t := &s.Partitions[j]
		t.Acked, t.Passed = u(t.Acked, op.Acked), u(t.Passed, op.Passed)
	}
	sort.Slice(s.Streams, func(i, j int) bool { return s.Streams[i].Stream < s.Streams[j].Stream })
	sort.Slice(s.Partitions, func(i, j int) bool { return s.Partitions[i].Partition < s.Partitions[j].Partition })
	s.Pending = append(s.Pending, o.Pending...)
	if len(s.Pending) > maxPending {
		s.PendingDropped += int64(len(s.Pending) - maxPending)
		s.Pending = s.Pending[:maxPending]
	}
	s.PendingDropped += o.PendingDropped
	s.Findings = append(s.Findings, o.Findings...)
	s.FindingsDropped += o.FindingsDropped
	return nil
}

// mergeTxns merges two transaction lists, dropping transactions listed
// twice.
func mergeTxns(a, b []Range) []Range {
	if len(b) == 0 {
		return a
	}
	all := append(append([]Range(nil), a...), b...)
	sort.Slice(all, func(i, j int) bool { return all[i].Lo < all[j].Lo })
	out := all[:0]
	for _, r := range all {
		if n := len(out); n > 0 && out[n-1] == r {
			continue
		}
		out = append(out, r)
	}
	return out
}

// Finish computes the summary of s: the counts that follow from the range
// sets and the findings only the end of a run can tell (lost, lost_offsets,
// unexpected, partial_txn, aborted reads not reported during the run).
// Those findings are written to cfg.Findings (if not nil); the summary
// keeps cfg.MaxFindingsKept of each kind, including s.Findings. Only
// cfg's Findings, MaxFindingsKept and MaxRanges are used. The error is the
// writer's first error.
func (s *State) Finish(cfg Config) (Summary, error) {
	fz := finisher{cfg: cfg, maxRanges: cfg.maxRanges(), maxKept: cfg.maxKept()}
	sum := Summary{Counts: s.Counts}
	for _, f := range s.Findings {
		fz.keep(f)
	}
	fz.dropped += s.FindingsDropped
	c := &sum.Counts
	pendingBy := map[uint32][]Finding{}
	for _, f := range s.Pending {
		pendingBy[f.Stream] = append(pendingBy[f.Stream], f)
	}
	for i := range s.Streams {
		st := &s.Streams[i]
		seen := &RangeSet{}
		seen.setRanges(st.Seen)
		c.Acked += int64(lenRanges(st.Acked))
		c.ConsumedUnique += int64(seen.Len())
		failedOnly := diffRanges(st.Failed, st.Acked)
		c.Failed += int64(lenRanges(failedOnly))
		c.UnackedDelivered += int64(intersectLen(st.Seen, failedOnly))

		// Lost: expected (acknowledged, not of aborted or in-doubt
		// transactions) and never delivered.
		excluded, _ := unionRanges(st.Aborted, st.InDoubt)
		expected := diffRanges(st.Acked, excluded)
		lost := fz.rangeFinding(KindLost, st.Stream)
		diffEach(expected, st.Seen, lost.add)
		c.Lost += lost.f.Count
		lost.emit()

		// Unexpected: delivered, never acknowledged nor failed. Those with
		// offsets (pending) are reported one by one, the rest as ranges.
		produced, _ := unionRanges(st.Acked, st.Failed)
		unexpected := RangeSet{}
		diffEach(st.Seen, produced, func(r Range) { unexpected.AddRange(r.Lo, r.Hi) })
		c.Unexpected += int64(unexpected.Len())
		if !unexpected.Empty() {
			detailed := RangeSet{}
			for _, f := range pendingBy[st.Stream] {
				if unexpected.Contains(f.Seq) && detailed.Add(f.Seq) {
					fz.emit(f)
				}
			}
			rest := fz.rangeFinding(KindUnexpected, st.Stream)
			diffEach(unexpected.r, detailed.r, rest.add)
			rest.emit()
		}

		// Aborted reads: those reported during the run, then those with
		// offsets kept as pending, then the rest as ranges.
		if s.ReadCommitted && len(st.Aborted) != 0 {
			c.AbortedReads += int64(intersectLen(st.Seen, st.Aborted))
			aborted, reported := RangeSet{}, RangeSet{}
			aborted.setRanges(st.Aborted)
			reported.setRanges(append([]Range(nil), st.AbortedReported...))
			for _, f := range pendingBy[st.Stream] {
				if aborted.Contains(f.Seq) && reported.Add(f.Seq) {
					f.Kind = KindAbortedRead
					fz.emit(f)
				}
			}
			var read []Range
			intersectEach(st.Seen, st.Aborted, func(r Range) { read = append(read, r) })
			late := fz.rangeFinding(KindAbortedRead, st.Stream)
			diffEach(read, reported.r, late.add)
			late.emit()
		}

		// Transactions partly delivered: committed ones (those with no
		// record delivered are plain losses) and those in doubt.
		for _, txns := range [][]Range{st.CommittedTxns, st.InDoubtTxns} {
			for _, r := range txns {
				if d := seen.CountIn(r.Lo, r.Hi); d > 0 && d < r.Len() {
					c.PartialTxns++
					fz.partial(st.Stream, r.Lo, r.Hi, d)
				}
			}
		}
	}
	for i := range s.Partitions {
		p := &s.Partitions[i]
		f := fz.rangeFinding(KindLostOffsets, 0)
		f.f.HasSeq, f.f.Partition = false, p.Partition
		diffEach(p.Acked, p.Passed, f.add)
		if f.f.Count > 0 {
			f.f.Offset, f.f.OffsetHi = int64(f.first), int64(f.last)
		}
		f.emit()
	}
	sortFindings(fz.kept)
	sum.Findings, sum.FindingsDropped = fz.kept, fz.dropped
	return sum, fz.err
}

func lenRanges(rs []Range) uint64 {
	var n uint64
	for _, r := range rs {
		n += r.Len()
	}
	return n
}

// finisher collects the findings of State.Finish.
type finisher struct {
	cfg       Config
	maxRanges int
	maxKept   int
	kept      []Finding
	counts    [numKinds]int
	dropped   int64
	buf       []byte
	err       error
}

func (fz *finisher) keep(f Finding) {
	if fz.counts[f.Kind] < fz.maxKept {
		fz.counts[f.Kind]++
		fz.kept = append(fz.kept, f)
		return
	}
	fz.dropped++
}

func (fz *finisher) emit(f Finding) {
	f.Explanation = explain(&f)
	fz.keep(f)
	if fz.cfg.Findings != nil && fz.err == nil {
		fz.err = writeFinding(fz.cfg.Findings, &fz.buf, &f)
	}
}

func (fz *finisher) partial(stream uint32, lo, hi, delivered uint64) {
	fz.emit(Finding{Kind: KindPartialTxn, Count: int64(delivered), HasSeq: true, Stream: stream,
		Seq: lo, SeqHi: hi, Partition: -1, Offset: -1, OffsetHi: -1, OtherOffset: -1})
}

// rangeAcc builds a finding from ranges.
type rangeAcc struct {
	fz          *finisher
	f           Finding
	first, last uint64
}

func (fz *finisher) rangeFinding(k Kind, stream uint32) *rangeAcc {
	return &rangeAcc{fz: fz, f: Finding{Kind: k, HasSeq: true, Stream: stream, Partition: -1,
		Offset: -1, OffsetHi: -1, OtherOffset: -1}}
}

func (a *rangeAcc) add(r Range) {
	if a.f.Count == 0 {
		a.first = r.Lo
	}
	a.last = r.Hi
	a.f.Count += int64(r.Len())
	if len(a.f.Ranges) < a.fz.maxRanges {
		a.f.Ranges = append(a.f.Ranges, r)
	} else {
		a.f.RangesOmitted++
	}
}

func (a *rangeAcc) emit() {
	if a.f.Count == 0 {
		return
	}
	if a.f.HasSeq {
		a.f.Seq, a.f.SeqHi = a.first, a.last
	}
	a.fz.emit(a.f)
}

// sortFindings orders findings by kind, keeping their order within a kind.
func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Kind < fs[j].Kind })
}
