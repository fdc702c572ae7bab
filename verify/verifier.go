package verify

import (
	"encoding/json"
	"io"
	"math/bits"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kbench/kbench/recordid"
)

// Defaults for Config.
const (
	// DefaultMaxFindingsKept is how many findings of each kind a Summary
	// keeps when Config.MaxFindingsKept is 0.
	DefaultMaxFindingsKept = 100
	// DefaultMaxRanges is how many ranges a finding lists when
	// Config.MaxRanges is 0.
	DefaultMaxRanges = 100
	// DefaultMaxKeys is how many stream and key pairs Config.KeyOrder
	// follows when Config.MaxKeys is 0 (about 40 MiB at most).
	DefaultMaxKeys = 1 << 20
)

// Config configures a Verifier.
type Config struct {
	// RunID is the run's identity; consumed records of other runs count as
	// foreign.
	RunID uint64
	// ReadCommitted says the consumers read with isolation level
	// read_committed: records of aborted transactions must not be
	// delivered (aborted_read), and offsets they occupy may be skipped.
	// Default false (read_uncommitted).
	ReadCommitted bool
	// LateBound, when positive, reports records delivered more than
	// LateBound after their intended send time (late). Default 0: off.
	LateBound time.Duration
	// Findings, when not nil, receives every finding as one JSON line, as
	// it is found (most during the run, the rest at Finish). The caller
	// owns it (and buffers and closes it); the first write error stops
	// the writing and is returned by Finish. Default nil.
	Findings io.Writer
	// MaxFindingsKept is how many findings of each kind are kept in memory
	// for the Summary; the rest are counted in Summary.FindingsDropped.
	// 0 means DefaultMaxFindingsKept; negative keeps none.
	MaxFindingsKept int
	// MaxRanges is how many ranges one finding lists (lost, lost_offsets,
	// unexpected, poll_skip); 0 means DefaultMaxRanges.
	MaxRanges int
	// KeyOrder checks, for records fed with ConsumedKey, that each
	// stream's records of one key are delivered in seq order whatever
	// the partition (key_reordered): the order a pipeline that
	// repartitions by key must keep. It keeps one entry per stream and
	// key, at most MaxKeys (0: DefaultMaxKeys); records of further keys
	// are counted as key_order_unchecked. Default false.
	KeyOrder bool
	MaxKeys  int
}

func (c Config) maxKept() int {
	switch {
	case c.MaxFindingsKept == 0:
		return DefaultMaxFindingsKept
	case c.MaxFindingsKept < 0:
		return 0
	}
	return c.MaxFindingsKept
}

func (c Config) maxRanges() int {
	if c.MaxRanges <= 0 {
		return DefaultMaxRanges
	}
	return c.MaxRanges
}

// Verifier checks delivery of one run's records to one consumer group
// reading one topic: it is fed what the producers learned (acknowledged
// offsets, failures, transaction outcomes) and what the consumers
// delivered, and classifies every anomaly. Policy (which kinds fail a run)
// is the caller's.
//
// Memory grows with anomalies, not with records: acknowledged and delivered
// sequence numbers (per stream) and offsets (per partition) are kept as
// range sets, which stay a few ranges long while delivery is clean. See
// docs/verification.md.
//
// A Verifier's methods are not safe for concurrent use. Feed it from one
// goroutine, or from many through Recorders (NewRecorder), which batch
// events and apply them under a lock. Call Finish once, after every
// Recorder has been flushed; after Finish or State the Verifier must not
// be fed again.
type Verifier struct {
	mu     sync.Mutex // serialises Recorder flushes, State and Finish
	cfg    Config
	lateNs int64

	streams table[stream]
	parts   table[partition]
	c       Counts
	// delivered counts first deliveries so far (Delivered).
	delivered atomic.Int64
	// keys holds, per stream and key hash, the highest seq delivered and
	// its offset (Config.KeyOrder).
	keys map[keyRef]keyPos

	pending         []pendingRec
	pendingLimit    int
	pendingCooldown int
	pendingDropped  int64

	findings []Finding
	kept     [numKinds]int
	dropped  int64
	werr     error
	wbuf     []byte
	sealed   bool
}

// New returns a Verifier for the run cfg.RunID.
func New(cfg Config) *Verifier {
	return &Verifier{cfg: cfg, lateNs: int64(cfg.LateBound), pendingLimit: minPending}
}

// Bounds on what the verifier keeps for evidence.
const (
	ringSize   = 32      // recent records per partition, to find a duplicate's first copy
	gapRing    = 32      // unresolved consumer gaps per partition
	maxSegs    = 256     // consumer sessions remembered per partition
	minPending = 1024    // delivered-before-acknowledged records checked in one pass
	maxPending = 1 << 14 // delivered-before-acknowledged records kept for evidence
	denseLimit = 1 << 16 // streams and partitions below this are indexed directly
	orderDense = 1 << 10 // streams below this have their order state in a slice per partition
)

// table maps stream or partition numbers to their state: a slice for small
// numbers, a map above denseLimit (absurd numbers from corrupted headers).
type table[T any] struct {
	dense  []*T
	sparse map[uint32]*T
}

func (t *table[T]) get(k uint32) *T {
	if k < uint32(len(t.dense)) {
		return t.dense[k]
	}
	if k < denseLimit || t.sparse == nil {
		return nil
	}
	return t.sparse[k]
}

func (t *table[T]) set(k uint32, v *T) {
	if k >= denseLimit {
		if t.sparse == nil {
			t.sparse = make(map[uint32]*T)
		}
		t.sparse[k] = v
		return
	}
	if k >= uint32(len(t.dense)) {
		n := max(int(k)+1, 2*len(t.dense))
		n = min(n, denseLimit)
		d := make([]*T, n)
		copy(d, t.dense)
		t.dense = d
	}
	t.dense[k] = v
}

// keys returns the keys in ascending order.
func (t *table[T]) keys() []uint32 {
	var ks []uint32
	for k, v := range t.dense {
		if v != nil {
			ks = append(ks, uint32(k))
		}
	}
	var sp []uint32
	for k := range t.sparse {
		sp = append(sp, k)
	}
	sort.Slice(sp, func(i, j int) bool { return sp[i] < sp[j] })
	return append(ks, sp...)
}

// stream is what the verifier knows of one producer instance's records.
type stream struct {
	id      uint32
	acked   winSet // acknowledged seqs
	seen    winSet // delivered seqs
	failed  RangeSet
	aborted RangeSet // seqs of aborted transactions
	doubt   RangeSet // seqs of transactions whose outcome is unknown
	// abortedSeen holds aborted reads already reported with offsets.
	abortedSeen RangeSet
	// committed holds committed transactions not yet seen delivered in
	// full (pruned when it doubles); inDoubt those whose outcome is
	// unknown.
	committed []Range
	pruneAt   int
	inDoubt   []Range
	hasTxn    bool
	txnMax    uint64 // last seq of any ended transaction
	open      bool
	openFirst uint64
	buf       []offRun // acknowledged offsets of the open transaction
}

type offRun struct {
	part   int32
	lo, hi uint64
}

// txnOutcome is how a transaction ended.
type txnOutcome uint8

const (
	txnCommitted txnOutcome = iota + 1
	txnAborted
	// txnInDoubt: the commit or abort returned an error, or the run ended
	// with the transaction open; either all its records are visible or
	// none is.
	txnInDoubt
)

// partition is what the verifier knows of one partition.
type partition struct {
	id int32
	// acked holds acknowledged offsets of records consumers must deliver
	// (not those of aborted or unresolved transactions), plus offsets
	// known to hold none of them (foreign records, gaps the consumers
	// passed that held no acknowledged record): the latter keep the set
	// free of holes at transaction markers.
	acked winSet
	// passed holds offsets consumers delivered, plus gaps within a
	// session that held no acknowledged record.
	passed winSet

	hasCur       bool
	cur          ConsumerRef
	last         int64 // last offset delivered in the current session
	segLo, segHi int64 // offsets of the current session
	segs         []segment
	prevOff      int64 // last offset delivered on the partition, any session

	order    []ordState           // per stream below orderDense, for reordering
	orderMap map[uint32]*ordState // streams above

	ring    *[ringSize]ringEntry
	ringPos int

	gaps          *[gapRing]pendingGap
	gapHead, gapN int

	open     *[numKinds]Finding // findings being coalesced
	openMask uint32
}

type segment struct {
	c      ConsumerRef
	lo, hi int64
}

type ordState struct {
	has       bool
	lastOff   int64  // highest offset of the stream delivered first-time
	maxSeq    uint64 // highest seq of the stream seen so far
	maxSeqOff int64  // its offset
}

type ringEntry struct {
	off    int64
	stream uint32
	seq    uint64
}

type pendingGap struct {
	lo, hi uint64
	c      ConsumerRef
}

// pendingRec is a delivered record not (yet) acknowledged nor failed.
type pendingRec struct {
	c       ConsumerRef
	stream  uint32
	part    int32
	seq     uint64
	off, at int64
}

func (v *Verifier) stream(id uint32) *stream {
	if id < uint32(len(v.streams.dense)) {
		if s := v.streams.dense[id]; s != nil {
			return s
		}
	}
	s := v.streams.get(id)
	if s == nil {
		s = &stream{id: id, acked: newWinSet(seqWindow), seen: newWinSet(seqWindow)}
		v.streams.set(id, s)
	}
	return s
}

func (v *Verifier) part(id int32) *partition {
	if uint32(id) < uint32(len(v.parts.dense)) {
		if p := v.parts.dense[id]; p != nil {
			return p
		}
	}
	p := v.parts.get(uint32(id))
	if p == nil {
		p = &partition{id: id, acked: newWinSet(offsetWindow), passed: newWinSet(offsetWindow), prevOff: -1}
		v.parts.set(uint32(id), p)
	}
	return p
}

// Acked records that the producer instance stream had record seq
// acknowledged at (partition, offset). For records of a transaction, call
// TxnBegin before the first of them is produced. Pass offset −1 when the
// offset does not belong to the consumed topic (a pipeline's input): the
// offset checks (poll_skip, lost_offsets) then have nothing to go on.
func (v *Verifier) Acked(stream uint32, seq uint64, partition int32, offset int64) {
	s := v.stream(stream)
	if !s.acked.Add(seq) {
		return
	}
	if s.seen.Contains(seq) {
		v.delivered.Add(1) // delivered before its acknowledgement
	}
	if offset < 0 || partition < 0 {
		return
	}
	if s.open && seq >= s.openFirst {
		s.buffer(partition, uint64(offset))
		return
	}
	if s.hasTxn && seq <= s.txnMax && (s.aborted.Contains(seq) || s.doubt.Contains(seq)) {
		return // a late acknowledgement of a transaction that did not commit
	}
	v.part(partition).acked.Add(uint64(offset))
}

// AckedRange records that the producer instance stream had records lo to
// hi (inclusive) acknowledged, at offsets unknown to the verifier (as
// Acked with offset −1). An audit of records already on a topic uses it:
// it takes every seq below the highest one seen as written.
func (v *Verifier) AckedRange(stream uint32, lo, hi uint64) {
	if hi < lo {
		return
	}
	v.stream(stream).acked.AddRange(lo, hi)
}

// buffer keeps an acknowledged offset of the open transaction until its
// outcome is known.
func (s *stream) buffer(part int32, off uint64) {
	if n := len(s.buf); n > 0 && s.buf[n-1].part == part && s.buf[n-1].hi+1 == off {
		s.buf[n-1].hi = off
		return
	}
	s.buf = append(s.buf, offRun{part, off, off})
}

// Failed records that the produce of record seq of stream failed: the
// record may or may not be on the log. If a consumer delivers it, it
// counts as unacked_delivered, not as a fault.
func (v *Verifier) Failed(stream uint32, seq uint64) {
	s := v.stream(stream)
	if !s.acked.Contains(seq) {
		s.failed.Add(seq)
	}
}

// TxnBegin records that stream begins a transaction whose first record is
// firstSeq. Call it before producing that record: acknowledgements of the
// transaction's records are held until its outcome is known. Beginning a
// transaction while another is open ends the other as in doubt.
func (v *Verifier) TxnBegin(stream uint32, firstSeq uint64) {
	s := v.stream(stream)
	if s.open && firstSeq > s.openFirst {
		v.endTxn(s, s.openFirst, firstSeq-1, txnInDoubt)
	}
	s.open, s.openFirst, s.buf = true, firstSeq, s.buf[:0]
}

// TxnCommitted records that stream's transaction of seqs [firstSeq,
// lastSeq] committed.
func (v *Verifier) TxnCommitted(stream uint32, firstSeq, lastSeq uint64) {
	s := v.stream(stream)
	if s.open && s.openFirst == firstSeq {
		for _, r := range s.buf {
			v.part(r.part).acked.AddRange(r.lo, r.hi)
		}
	}
	v.endTxn(s, firstSeq, lastSeq, txnCommitted)
}

// TxnAborted records that stream's transaction of seqs [firstSeq, lastSeq]
// aborted.
func (v *Verifier) TxnAborted(stream uint32, firstSeq, lastSeq uint64) {
	s := v.stream(stream)
	v.endTxn(s, firstSeq, lastSeq, txnAborted)
}

// TxnInDoubt records that ending stream's transaction of seqs [firstSeq,
// lastSeq] failed, so its outcome is unknown. Its records are then
// expected either all or none (partial_txn otherwise), and a
// read_committed consumer skipping them is not reported.
func (v *Verifier) TxnInDoubt(stream uint32, firstSeq, lastSeq uint64) {
	s := v.stream(stream)
	v.endTxn(s, firstSeq, lastSeq, txnInDoubt)
}

func (v *Verifier) endTxn(s *stream, first, last uint64, out txnOutcome) {
	if s.open && s.openFirst == first {
		s.open, s.buf = false, s.buf[:0]
	}
	if last < first {
		return
	}
	switch out {
	case txnCommitted:
		v.c.TxnsCommitted++
		s.committed = append(s.committed, Range{first, last})
		if len(s.committed) >= s.pruneAt {
			s.pruneCommitted()
		}
	case txnAborted:
		v.c.TxnsAborted++
		s.aborted.AddRange(first, last)
	case txnInDoubt:
		v.c.TxnsInDoubt++
		s.doubt.AddRange(first, last)
		s.inDoubt = append(s.inDoubt, Range{first, last})
	}
	s.hasTxn = true
	s.txnMax = max(s.txnMax, last)
}

// pruneCommitted forgets committed transactions delivered in full: only
// those with records not (yet) delivered are kept, for partial_txn.
func (s *stream) pruneCommitted() {
	keep := s.committed[:0]
	for _, r := range s.committed {
		if s.seen.CountIn(r.Lo, r.Hi) < r.Len() {
			keep = append(keep, r)
		}
	}
	s.committed = keep
	s.pruneAt = max(64, 2*len(keep))
}

// Consumed records that consumer session c delivered the record at
// (partition, offset) whose identity header decoded to id, whose value has
// checksum valueSum (recordid.Checksum) and which was delivered at
// consumedAt (Unix ns). Records of other runs count as foreign. Records
// without a decodable header go to Unidentified.
func (v *Verifier) Consumed(c ConsumerRef, partition int32, offset int64, id recordid.ID, valueSum uint32, consumedAt int64) {
	v.consumed(c, partition, offset, id, valueSum, consumedAt)
}

type keyRef struct {
	stream uint32
	key    uint64
}

type keyPos struct {
	seq uint64
	off int64
}

// ConsumedKey is Consumed for a record whose key hashes to keyHash (any
// 64-bit hash of the key bytes, the same for every record): with
// Config.KeyOrder, a first delivery is also checked against the stream's
// earlier records of that key (key_reordered).
func (v *Verifier) ConsumedKey(c ConsumerRef, partition int32, offset int64, id recordid.ID, valueSum uint32, keyHash uint64, consumedAt int64) {
	if !v.consumed(c, partition, offset, id, valueSum, consumedAt) || !v.cfg.KeyOrder {
		return
	}
	k := keyRef{id.Stream, keyHash}
	pos, ok := v.keys[k]
	switch {
	case !ok:
		max := v.cfg.MaxKeys
		if max <= 0 {
			max = DefaultMaxKeys
		}
		if len(v.keys) >= max {
			v.c.KeyOrderUnchecked++
			return
		}
		if v.keys == nil {
			v.keys = make(map[keyRef]keyPos)
		}
		v.keys[k] = keyPos{id.Seq, offset}
	case id.Seq < pos.seq:
		v.c.KeyReordered++
		v.emit(Finding{Kind: KindKeyReordered, Count: 1, HasSeq: true, Stream: id.Stream, Seq: id.Seq, SeqHi: id.Seq,
			Partition: partition, Offset: offset, OffsetHi: offset, OtherOffset: pos.off, OtherSeq: pos.seq, Consumer: c})
	default:
		v.keys[k] = keyPos{id.Seq, offset}
	}
}

// consumed is Consumed; it reports whether the record was a first
// delivery of a record of this run.
func (v *Verifier) consumed(c ConsumerRef, partition int32, offset int64, id recordid.ID, valueSum uint32, consumedAt int64) bool {
	if id.RunID != v.cfg.RunID {
		v.other(c, partition, offset, KindForeign, id.RunID)
		return false
	}
	if offset < 0 || partition < 0 {
		v.c.Invalid++
		return false
	}
	p := v.part(partition)
	v.cursor(p, c, offset)
	newOff := p.passed.Add(uint64(offset))
	s := v.stream(id.Stream)
	v.c.Consumed++
	q := id.Seq
	first := false
	switch {
	case s.seen.Add(q):
		first = true
		if s.acked.Contains(q) {
			v.delivered.Add(1)
		}
		v.firstSighting(p, s, c, offset, &id, consumedAt)
	case newOff:
		v.c.DuplicateWrites++
		f, ext := v.slot(p, KindDuplicateWrite, c, offset, true, s.id, q, true, 0)
		if !ext {
			f.OtherOffset = p.recall(s.id, q)
		}
	default:
		v.c.Redeliveries++
		f, ext := v.slot(p, KindRedelivery, c, offset, true, s.id, q, false, 0)
		if !ext {
			f.Previous = p.previous(offset)
		}
	}
	if valueSum != id.Checksum {
		v.c.Corrupted++
		f, ext := v.slot(p, KindCorrupted, c, offset, true, s.id, q, false, 0)
		if !ext {
			f.HeaderChecksum, f.ValueChecksum = id.Checksum, valueSum
		}
	}
	p.remember(offset, s.id, q)
	v.after(p, offset)
	return first
}

// Delivered returns how many distinct acknowledged records of the run
// consumers have delivered so far, as far as the events applied up to now
// tell (a Recorder's events count once it flushes): failed records that
// were written after all do not count, so it can be compared with the
// number acknowledged. Safe for concurrent use, also
// while the Verifier is fed.
func (v *Verifier) Delivered() int64 { return v.delivered.Load() }

// Unidentified records that session c delivered the record at (partition,
// offset) without a decodable identity header.
func (v *Verifier) Unidentified(c ConsumerRef, partition int32, offset int64) {
	v.other(c, partition, offset, KindUnidentified, 0)
}

func (v *Verifier) other(c ConsumerRef, partition int32, offset int64, k Kind, runID uint64) {
	if offset < 0 || partition < 0 {
		v.c.Invalid++
		return
	}
	p := v.part(partition)
	v.cursor(p, c, offset)
	p.passed.Add(uint64(offset))
	p.acked.Add(uint64(offset)) // holds no record of this run
	if k == KindForeign {
		v.c.Foreign++
	} else {
		v.c.Unidentified++
	}
	v.slot(p, k, c, offset, false, 0, 0, false, runID)
	v.after(p, offset)
}

func (v *Verifier) firstSighting(p *partition, s *stream, c ConsumerRef, off int64, id *recordid.ID, at int64) {
	q := id.Seq
	if o := p.ord(s.id); !o.has || off > o.lastOff {
		if o.has && q < o.maxSeq {
			v.c.Reordered++
			f, ext := v.slot(p, KindReordered, c, off, true, s.id, q, true, 0)
			if !ext {
				f.OtherOffset, f.OtherSeq = o.maxSeqOff, o.maxSeq
			}
		} else {
			o.maxSeq, o.maxSeqOff = q, off
		}
		o.has, o.lastOff = true, off
	}
	if v.lateNs > 0 && at-id.Intended > v.lateNs {
		v.c.Late++
		f, ext := v.slot(p, KindLate, c, off, true, s.id, q, false, 0)
		if !ext {
			f.Intended, f.Consumed = id.Intended, at
		}
		f.Lateness = max(f.Lateness, at-id.Intended)
	}
	if v.cfg.ReadCommitted && !s.aborted.Empty() && s.aborted.Contains(q) {
		s.abortedSeen.Add(q)
		v.slot(p, KindAbortedRead, c, off, true, s.id, q, true, 0)
	}
	// Keep the evidence of records that may turn out unexpected (not
	// acknowledged yet) or aborted reads (their transaction not ended yet).
	if v.inOpenTxn(s, q) || !s.acked.Contains(q) && !s.failed.Contains(q) {
		v.pend(pendingRec{c: c, stream: s.id, part: p.id, seq: q, off: off, at: at})
	}
}

// ord returns the order state of stream id on p.
func (p *partition) ord(id uint32) *ordState {
	if id < uint32(len(p.order)) {
		return &p.order[id]
	}
	if id < orderDense {
		n := min(max(int(id)+1, 2*len(p.order), 8), orderDense)
		o := make([]ordState, n)
		copy(o, p.order)
		p.order = o
		return &p.order[id]
	}
	if p.orderMap == nil {
		p.orderMap = make(map[uint32]*ordState)
	}
	o := p.orderMap[id]
	if o == nil {
		o = &ordState{}
		p.orderMap[id] = o
	}
	return o
}

// cursor follows session c's position on p: gaps and backward steps
// within a session are checked; a new session starts a new segment.
func (v *Verifier) cursor(p *partition, c ConsumerRef, off int64) {
	if p.hasCur && p.cur == c {
		switch {
		case off == p.last+1:
		case off > p.last+1:
			v.gap(p, c, uint64(p.last+1), uint64(off-1))
		default:
			v.c.NonmonotonicPolls++
			v.emit(Finding{Kind: KindNonmonotonicPoll, Count: 1, Partition: p.id, Offset: off,
				OffsetHi: off, OtherOffset: p.last, Consumer: c})
			p.closeSeg()
			p.segLo, p.segHi = off, off
		}
	} else {
		if p.hasCur {
			p.closeSeg()
		}
		p.hasCur, p.cur = true, c
		p.segLo, p.segHi = off, off
	}
	p.last = off
	if off > p.segHi {
		p.segHi = off
	}
}

func (p *partition) closeSeg() {
	if len(p.segs) >= maxSegs {
		n := copy(p.segs, p.segs[maxSegs/2:])
		p.segs = p.segs[:n]
	}
	p.segs = append(p.segs, segment{p.cur, p.segLo, p.segHi})
}

// previous returns the latest earlier session that delivered off, or nil.
func (p *partition) previous(off int64) *ConsumerRef {
	for i := len(p.segs) - 1; i >= 0; i-- {
		if s := p.segs[i]; s.lo <= off && off <= s.hi {
			c := s.c
			return &c
		}
	}
	return nil
}

// remember notes the record at off in the partition's ring of recent
// records.
func (p *partition) remember(off int64, stream uint32, seq uint64) {
	if p.ring == nil {
		p.ring = new([ringSize]ringEntry)
		for i := range p.ring {
			p.ring[i].off = -1
		}
	}
	p.ring[p.ringPos] = ringEntry{off, stream, seq}
	p.ringPos = (p.ringPos + 1) % ringSize
}

// recall returns the offset of the recent record (stream, seq), or -1.
func (p *partition) recall(stream uint32, seq uint64) int64 {
	if p.ring == nil {
		return -1
	}
	for i := 1; i <= ringSize; i++ {
		e := p.ring[(p.ringPos-i+ringSize)%ringSize]
		if e.off >= 0 && e.stream == stream && e.seq == seq {
			return e.off
		}
	}
	return -1
}

// gap handles a jump of session c over [lo, hi] on p. Only offsets no
// consumer passed before are checked: a session that re-reads and jumps
// over records an earlier session delivered loses nothing.
func (v *Verifier) gap(p *partition, c ConsumerRef, lo, hi uint64) {
	if p.passed.Empty() || p.passed.Max() < lo {
		v.checkGap(p, c, lo, hi)
		return
	}
	var fresh []Range
	p.passed.EachMissing(lo, hi, func(r Range) { fresh = append(fresh, r) })
	for _, r := range fresh {
		v.checkGap(p, c, r.Lo, r.Hi)
	}
}

// checkGap reports a poll skip when [lo, hi] holds acknowledged records;
// otherwise it keeps the gap for a while, since their acknowledgements may
// still be on the way.
func (v *Verifier) checkGap(p *partition, c ConsumerRef, lo, hi uint64) {
	if n := p.acked.CountIn(lo, hi); n > 0 {
		v.pollSkip(p, c, lo, hi, n)
		return
	}
	v.keepGap(p, pendingGap{lo, hi, c})
}

// keepGap keeps g among p's undecided gaps; when they are gapRing already,
// the oldest is decided now.
func (v *Verifier) keepGap(p *partition, g pendingGap) {
	if p.gaps == nil {
		p.gaps = new([gapRing]pendingGap)
	}
	var old pendingGap
	full := p.gapN == gapRing
	if full {
		old = v.popGap(p)
	}
	p.gaps[(p.gapHead+p.gapN)%gapRing] = g
	p.gapN++
	if full {
		v.resolveGap(p, old)
	}
}

func (v *Verifier) popGap(p *partition) pendingGap {
	g := p.gaps[p.gapHead]
	p.gapHead = (p.gapHead + 1) % gapRing
	p.gapN--
	return g
}

// resolveGap decides a kept gap with the acknowledgements known now: a
// poll skip, or offsets that hold no record of this run.
//
// Only the part of the gap no consumer has passed since is decided: the
// rest was delivered, or decided by another kept gap (whose clean offsets
// now count as acknowledged, so they must not be checked twice).
func (v *Verifier) resolveGap(p *partition, g pendingGap) {
	var fresh [4]Range
	rest := fresh[:0]
	p.passed.EachMissing(g.lo, g.hi, func(r Range) { rest = append(rest, r) })
	for _, r := range rest {
		if n := p.acked.CountIn(r.Lo, r.Hi); n > 0 {
			v.pollSkip(p, g.c, r.Lo, r.Hi, n)
			continue
		}
		p.passed.AddRange(r.Lo, r.Hi)
		p.acked.AddRange(r.Lo, r.Hi)
	}
}

func (v *Verifier) resolveGaps(p *partition) {
	for p.gapN > 0 {
		v.resolveGap(p, v.popGap(p))
	}
}

func (v *Verifier) pollSkip(p *partition, c ConsumerRef, lo, hi, n uint64) {
	v.c.PollSkips++
	v.c.PollSkippedRecords += int64(n)
	f := Finding{Kind: KindPollSkip, Count: int64(n), Partition: p.id, Offset: int64(lo),
		OffsetHi: int64(hi), OtherOffset: -1, Consumer: c}
	var clean []Range
	p.acked.EachMissing(lo, hi, func(r Range) { clean = append(clean, r) })
	max := v.cfg.maxRanges()
	p.acked.EachIn(lo, hi, func(r Range) {
		if len(f.Ranges) < max {
			f.Ranges = append(f.Ranges, r)
		} else {
			f.RangesOmitted++
		}
	})
	// The skipped offsets stay out of passed, so that lost_offsets names
	// them and a later delivery of them is not taken for a redelivery. The
	// rest of the gap is kept undecided like any gap: acknowledgements of
	// records there may still be on the way (then the skip is reported in
	// two parts).
	v.emit(f)
	for _, r := range clean {
		v.keepGap(p, pendingGap{r.Lo, r.Hi, c})
	}
}

// slot returns the open finding of kind k on p extended by the record at
// off, or a new one (after emitting the previous one) when the record does
// not continue it: same session, the record right after the finding's last
// on the partition, the same run id, and for sameStream kinds the same
// stream with a higher seq.
func (v *Verifier) slot(p *partition, k Kind, c ConsumerRef, off int64, hasSeq bool, stream uint32, q uint64, sameStream bool, runID uint64) (*Finding, bool) {
	if p.open == nil {
		p.open = new([numKinds]Finding)
	}
	f := &p.open[k]
	if p.openMask&(1<<k) != 0 {
		if f.Consumer == c && f.OffsetHi == p.prevOff && f.RunID == runID &&
			(!sameStream || (f.Stream == stream && q > f.SeqHi)) {
			f.OffsetHi = off
			f.Count++
			if hasSeq && !f.Mixed {
				if f.Stream == stream && q > f.SeqHi {
					f.SeqHi = q
				} else {
					f.Mixed, f.SeqHi = true, f.Seq
				}
			}
			return f, true
		}
		v.emit(*f)
	}
	*f = Finding{Kind: k, Count: 1, HasSeq: hasSeq, Stream: stream, Seq: q, SeqHi: q,
		Partition: p.id, Offset: off, OffsetHi: off, OtherOffset: -1, Consumer: c, RunID: runID}
	p.openMask |= 1 << k
	return f, false
}

// after ends the record at off on p: open findings it did not extend can
// no longer grow and are emitted.
func (v *Verifier) after(p *partition, off int64) {
	p.prevOff = off
	for m := p.openMask; m != 0; m &= m - 1 {
		k := bits.TrailingZeros32(m)
		if p.open[k].OffsetHi != off {
			v.emit(p.open[k])
			p.openMask &^= 1 << k
		}
	}
}

func (v *Verifier) flushOpen(p *partition) {
	for m := p.openMask; m != 0; m &= m - 1 {
		v.emit(p.open[bits.TrailingZeros32(m)])
	}
	p.openMask = 0
}

// pend keeps a record delivered before its acknowledgement, to report it
// with its offset if it turns out unexpected.
//
// The list is compacted (records since acknowledged dropped) whenever it
// doubles; when it stays full (deliveries of streams whose producers feed
// another verifier), new records are not kept for the next maxPending
// deliveries, so that compaction stays O(1) per record.
func (v *Verifier) pend(r pendingRec) {
	if v.pendingCooldown > 0 {
		v.pendingCooldown--
		v.pendingDropped++
		return
	}
	if len(v.pending) >= v.pendingLimit {
		v.compactPending()
		if len(v.pending) >= maxPending {
			v.pendingCooldown = maxPending
			v.pendingDropped++
			return
		}
	}
	v.pending = append(v.pending, r)
}

// inOpenTxn reports whether a read_committed consumer delivered seq while
// its transaction is open to the verifier: it may yet abort.
func (v *Verifier) inOpenTxn(s *stream, seq uint64) bool {
	return v.cfg.ReadCommitted && s.open && seq >= s.openFirst
}

func (v *Verifier) compactPending() {
	keep := v.pending[:0]
	for _, r := range v.pending {
		s := v.stream(r.stream)
		switch {
		case v.inOpenTxn(s, r.seq):
			keep = append(keep, r)
		case v.cfg.ReadCommitted && s.aborted.Contains(r.seq):
			// Delivered while its transaction was open, which then
			// aborted.
			if s.abortedSeen.Add(r.seq) {
				v.emit(Finding{Kind: KindAbortedRead, Count: 1, HasSeq: true, Stream: r.stream, Seq: r.seq,
					SeqHi: r.seq, Partition: r.part, Offset: r.off, OffsetHi: r.off, OtherOffset: -1, Consumer: r.c})
			}
		case !s.acked.Contains(r.seq) && !s.failed.Contains(r.seq):
			keep = append(keep, r)
		}
	}
	clear(v.pending[len(keep):])
	v.pending = keep
	v.pendingLimit = min(max(minPending, 2*len(keep)), maxPending)
}

// emit writes f to the findings writer and keeps it if its kind's quota
// allows.
func (v *Verifier) emit(f Finding) {
	keep := v.kept[f.Kind] < v.cfg.maxKept()
	w := v.cfg.Findings
	if !keep {
		v.dropped++
		if w == nil || v.werr != nil {
			return
		}
	}
	f.Explanation = explain(&f)
	if keep {
		v.kept[f.Kind]++
		v.findings = append(v.findings, f)
	}
	if w != nil && v.werr == nil {
		v.werr = writeFinding(w, &v.wbuf, &f)
	}
}

func writeFinding(w io.Writer, buf *[]byte, f *Finding) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	*buf = append(append((*buf)[:0], b...), '\n')
	_, err = w.Write(*buf)
	return err
}
