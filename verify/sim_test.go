package verify

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/kbench/kbench/recordid"
)

// This file simulates a run against a model of a Kafka log: producers
// write batches of records (sticky partitioning, optional transactions with
// commit and abort markers occupying offsets), acknowledgements come back
// out of order, consumers read partitions in offset order with sessions,
// rebalances and re-reads. Faults are injected at seeded rates and
// recorded; the tests assert that the verifier reports exactly the injected
// faults, attributed to the right records, and nothing else.

const (
	simRun    = 0x6b62656e6368 // this run
	simOther  = 0x0ddba11      // another run
	simLate   = time.Second    // Config.LateBound of the simulations
	stepNanos = int64(time.Millisecond)
)

type simCfg struct {
	streams, parts, perStream int
	batchMax                  int
	txnSize                   int     // records per transaction; 0: none
	abortRate, doubtRate      float64 // of transactions
	readCommitted             bool
	failRate                  float64 // produce failures (non-transactional runs only)
	rebalanceRate             float64 // clean rebalances, per delivery
	lag, jitter               float64 // consumer lag and acknowledgement spread, in steps

	// Faults, per record (or per delivery for the consumer faults).
	drop, dup, redeliver, rewind, reorder, corrupt, foreign, unexpected, unidentified, showAborted, late float64
}

type entryKind uint8

const (
	eRec entryKind = iota
	eCopy
	eMarker
	eForeign
	eUnexpected
	eUnidentified
)

type simEntry struct {
	kind                                   entryKind
	stream                                 uint32
	seq                                    uint64
	txn                                    int // -1: none
	prod, ack                              float64
	failed                                 bool // produce failed (but the record was written)
	hidden, corrupt, late, shown, reserved bool
	origOff                                int64 // eCopy: the original's offset (set later)
	orig                                   *simEntry
	off                                    int64
}

type simTxn struct {
	stream          uint32
	first, last     uint64
	actual, reports txnOutcome
	begin, end      float64
	parts           map[int32]bool
}

type simEvent struct {
	t     float64
	ord   int
	owner int // the producer stream or consumer partition the event belongs to
	do    func(v feeder)
}

// feeder is what the simulation feeds: a Verifier or a Recorder.
type feeder interface {
	Acked(stream uint32, seq uint64, partition int32, offset int64)
	Failed(stream uint32, seq uint64)
	TxnBegin(stream uint32, firstSeq uint64)
	TxnCommitted(stream uint32, firstSeq, lastSeq uint64)
	TxnAborted(stream uint32, firstSeq, lastSeq uint64)
	TxnInDoubt(stream uint32, firstSeq, lastSeq uint64)
	Consumed(c ConsumerRef, partition int32, offset int64, id recordid.ID, valueSum uint32, consumedAt int64)
	Unidentified(c ConsumerRef, partition int32, offset int64)
}

// expect is what the injected faults must produce.
type expect struct {
	lost        map[uint32]*RangeSet // stream → seqs
	lostOffs    map[int32]*RangeSet  // partition → offsets
	skipped     map[int32]*RangeSet  // partition → offsets skipped within a session
	skippedBy   map[int32]map[int64]ConsumerRef
	dup         []want
	redelivered []want
	reordered   []want
	corrupted   []want
	late        []want
	foreign     []want
	unexpected  []want
	unident     []want
	aborted     []want
	nonmono     []want
	partial     map[[3]uint64]int64 // (stream, first, last) → delivered
	unackedDel  int64
}

// want is one expected record-level finding.
type want struct {
	p           int32
	off         int64
	stream      uint32
	seq         uint64
	otherOff    int64
	otherSeq    uint64
	c, previous ConsumerRef
}

type sim struct {
	cfg    simCfg
	rng    *rand.Rand
	logs   [][]*simEntry
	base   []int64
	txns   []*simTxn
	events []simEvent
	ord    int
	exp    expect
}

func (s *sim) at(owner int, t float64, do func(v feeder)) {
	s.events = append(s.events, simEvent{t, s.ord, owner, do})
	s.ord++
}

// consumerOwner is the owner of partition p's deliveries.
func consumerOwner(p int32) int { return 1<<20 + int(p) }

func (s *sim) chance(p float64) bool { return p > 0 && s.rng.Float64() < p }

func checksum(stream uint32, seq uint64) uint32 { return uint32(stream)*2654435761 ^ uint32(seq)*40503 }

// newSim builds the log, injects the faults and schedules the events.
func newSim(cfg simCfg, seed uint64) *sim {
	s := &sim{cfg: cfg, rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	s.exp = expect{lost: map[uint32]*RangeSet{}, lostOffs: map[int32]*RangeSet{},
		skipped: map[int32]*RangeSet{}, skippedBy: map[int32]map[int64]ConsumerRef{},
		partial: map[[3]uint64]int64{}}
	s.logs = make([][]*simEntry, cfg.parts)
	s.base = make([]int64, cfg.parts)
	for p := range s.base {
		s.base[p] = int64(s.rng.IntN(3)) * 1000
	}
	s.produce()
	s.injectLogFaults()
	s.assignOffsets()
	s.scheduleProducers()
	s.consume()
	sort.SliceStable(s.events, func(i, j int) bool {
		if s.events[i].t != s.events[j].t {
			return s.events[i].t < s.events[j].t
		}
		return s.events[i].ord < s.events[j].ord
	})
	return s
}

func (s *sim) visibleTxn(e *simEntry) bool {
	if e.txn < 0 {
		return true
	}
	t := s.txns[e.txn]
	return t.actual == txnCommitted || !s.cfg.readCommitted || e.shown
}

// expected reports whether the verifier expects e to be delivered: an
// acknowledged record not of an aborted or in-doubt transaction.
func (s *sim) expected(e *simEntry) bool {
	if e.kind != eRec || e.failed {
		return false
	}
	return e.txn < 0 || s.txns[e.txn].reports == txnCommitted
}

type pendingCopy struct {
	e     *simEntry
	after int
}

func (s *sim) produce() {
	cfg := s.cfg
	next := make([]uint64, cfg.streams)
	blocked := make([]float64, cfg.streams) // a transaction's end is awaited before the next begins
	ackMax := map[int]float64{}
	open := make([]int, cfg.streams)
	for i := range open {
		open[i] = -1
	}
	copies := make([][]pendingCopy, cfg.parts)
	appendTo := func(p int, e *simEntry) {
		s.logs[p] = append(s.logs[p], e)
		// Scheduled copies (duplicate writes) land a few entries later.
		keep := copies[p][:0]
		for _, c := range copies[p] {
			if c.after == 0 {
				s.logs[p] = append(s.logs[p], c.e)
				continue
			}
			c.after--
			keep = append(keep, c)
		}
		copies[p] = keep
	}
	t := 0.0
	var unknownSeq uint64
	for {
		var live []int
		done := true
		for i := range next {
			if next[i] < uint64(cfg.perStream) {
				done = false
				if blocked[i] <= t {
					live = append(live, i)
				}
			}
		}
		if done {
			break
		}
		if len(live) == 0 {
			t++
			continue
		}
		st := live[s.rng.IntN(len(live))]
		stream := uint32(st)
		if cfg.txnSize > 0 && open[st] < 0 {
			tx := &simTxn{stream: stream, first: next[st], actual: txnCommitted, begin: t - 0.25, parts: map[int32]bool{}}
			if s.chance(cfg.abortRate) {
				tx.actual = txnAborted
			}
			tx.reports = tx.actual
			if s.chance(cfg.doubtRate) {
				tx.reports = txnInDoubt
			}
			open[st] = len(s.txns)
			s.txns = append(s.txns, tx)
		}
		b := 1 + s.rng.IntN(cfg.batchMax)
		b = min(b, cfg.perStream-int(next[st]))
		if open[st] >= 0 {
			tx := s.txns[open[st]]
			b = min(b, cfg.txnSize-int(next[st]-tx.first))
		}
		p := s.rng.IntN(cfg.parts)
		for range b {
			e := &simEntry{kind: eRec, stream: stream, seq: next[st], txn: open[st], prod: t}
			next[st]++
			if open[st] >= 0 {
				s.txns[open[st]].parts[int32(p)] = true
			} else if s.chance(cfg.failRate) {
				e.failed = true
				if s.rng.IntN(2) == 0 {
					s.at(int(e.stream), t+s.rng.Float64()*cfg.jitter, func(v feeder) { v.Failed(e.stream, e.seq) })
					continue // failed and not written
				}
				s.exp.unackedDel++
			}
			if !e.failed {
				e.ack = t + s.rng.Float64()*cfg.jitter
				if e.txn >= 0 {
					ackMax[e.txn] = max(ackMax[e.txn], e.ack)
				}
			}
			appendTo(p, e)
			if !e.failed && (e.txn < 0 || s.txns[e.txn].actual == txnCommitted && s.txns[e.txn].reports == txnCommitted) && s.chance(cfg.dup) {
				e.reserved = true
				c := &simEntry{kind: eCopy, stream: e.stream, seq: e.seq, txn: -1, prod: t, reserved: true, orig: e}
				copies[p] = append(copies[p], pendingCopy{c, s.rng.IntN(3)})
			}
		}
		if s.chance(cfg.foreign) {
			for range 1 + s.rng.IntN(3) {
				appendTo(p, &simEntry{kind: eForeign, stream: uint32(s.rng.IntN(4)), seq: uint64(s.rng.IntN(1000)), txn: -1, prod: t, reserved: true})
			}
		}
		if s.chance(cfg.unexpected) {
			// A stream no producer has, with rising seqs (falling ones would
			// rightly count as reordered too).
			unknownSeq += 1 + uint64(s.rng.IntN(1000))
			appendTo(p, &simEntry{kind: eUnexpected, stream: uint32(cfg.streams + 1 + s.rng.IntN(3)), seq: unknownSeq, txn: -1, prod: t, reserved: true})
		}
		if s.chance(cfg.unidentified) {
			appendTo(p, &simEntry{kind: eUnidentified, txn: -1, prod: t, reserved: true})
		}
		if o := open[st]; o >= 0 {
			tx := s.txns[o]
			if next[st]-tx.first == uint64(cfg.txnSize) || next[st] == uint64(cfg.perStream) {
				tx.last = next[st] - 1
				tx.end = max(ackMax[o], t) + 0.25
				blocked[st] = tx.end + 0.5
				var ps []int
				for q := range tx.parts {
					ps = append(ps, int(q))
				}
				sort.Ints(ps)
				for _, q := range ps {
					appendTo(q, &simEntry{kind: eMarker, txn: o, prod: t})
				}
				open[st] = -1
			}
		}
		t++
	}
	for p := range copies {
		for _, c := range copies[p] {
			s.logs[p] = append(s.logs[p], c.e)
		}
	}
	// Records of this run with a seq never produced, after each stream's
	// last record in the partition (so that they disturb no order check).
	if cfg.unexpected > 0 {
		for p := range s.logs {
			if s.chance(0.5) {
				s.logs[p] = append(s.logs[p], &simEntry{kind: eUnexpected, stream: uint32(s.rng.IntN(cfg.streams)),
					seq: uint64(cfg.perStream + s.rng.IntN(100)), txn: -1, prod: t, reserved: true})
			}
		}
	}
}

// plain reports whether entries [i, j] of partition p exist and are
// unreserved records or markers.
func (s *sim) plain(p, i, j int) bool {
	if i < 0 || j >= len(s.logs[p]) {
		return false
	}
	for k := i; k <= j; k++ {
		e := s.logs[p][k]
		if e.reserved || (e.kind != eRec && e.kind != eMarker) || e.failed {
			return false
		}
	}
	return true
}

func (s *sim) reserve(p, i, j int) {
	for k := max(i, 0); k <= j && k < len(s.logs[p]); k++ {
		s.logs[p][k].reserved = true
	}
}

func (s *sim) injectLogFaults() {
	cfg := s.cfg
	for p := range s.logs {
		log := s.logs[p]
		for i := 3; i < len(log)-3; i++ {
			e := log[i]
			if e.kind != eRec || !s.plain(p, i-2, i+2) || !s.expected(e) || !s.visibleTxn(e) {
				continue
			}
			switch r := s.rng.Float64(); {
			case r < cfg.drop:
				n := 1 + s.rng.IntN(3) // a single loss, or a consumer skipping a few
				for k := i; k < i+n && k < len(log)-3; k++ {
					if f := log[k]; f.kind == eRec && s.expected(f) && s.visibleTxn(f) && !f.reserved {
						f.hidden = true
					}
				}
				s.reserve(p, i-2, i+n+2)
			case r < cfg.drop+cfg.corrupt:
				e.corrupt = true
				s.reserve(p, i-2, i+2)
			case r < cfg.drop+cfg.corrupt+cfg.late:
				e.late = true
				s.reserve(p, i-2, i+2)
			case r < cfg.drop+cfg.corrupt+cfg.late+cfg.reorder:
				// Swap e with the next record of its stream in the partition.
				j := i + 1
				for j < len(log) && j <= i+6 && (log[j].kind != eRec || log[j].stream != e.stream) {
					j++
				}
				if j > i+6 || j >= len(log)-3 || !s.plain(p, i, j+2) || log[j].txn != e.txn ||
					!s.expected(log[j]) || !s.visibleTxn(log[j]) {
					continue
				}
				log[i], log[j] = log[j], log[i]
				s.reserve(p, i-2, j+2)
				s.exp.reordered = append(s.exp.reordered, want{p: int32(p), off: int64(j), stream: e.stream,
					seq: e.seq, otherOff: int64(i), otherSeq: log[i].seq}) // offsets fixed up later
			}
		}
	}
	// A read_committed consumer that delivers records of aborted
	// transactions.
	if cfg.readCommitted && cfg.showAborted > 0 {
		for ti, tx := range s.txns {
			if tx.actual != txnAborted || tx.reports != txnAborted || !s.chance(cfg.showAborted) {
				continue
			}
			for p := range s.logs {
				ok := false
				for _, e := range s.logs[p] {
					if e.kind == eRec && e.txn == ti && !e.reserved {
						ok = true
					}
				}
				if !ok || !tx.parts[int32(p)] {
					continue
				}
				for i, e := range s.logs[p] {
					if e.kind == eRec && e.txn == ti {
						e.shown = true
						s.reserve(p, i-1, i+1)
					}
				}
				break
			}
		}
	}
}

func (s *sim) assignOffsets() {
	for p, log := range s.logs {
		for i, e := range log {
			e.off = s.base[p] + int64(i)
		}
	}
	for i := range s.exp.reordered {
		w := &s.exp.reordered[i]
		w.off += s.base[w.p]
		w.otherOff += s.base[w.p]
	}
	for _, log := range s.logs {
		for _, e := range log {
			if e.kind == eCopy {
				e.origOff = e.orig.off
			}
		}
	}
}

func (s *sim) scheduleProducers() {
	cfg := s.cfg
	for p, log := range s.logs {
		for _, e := range log {
			if e.kind != eRec || e.failed {
				if e.kind == eRec {
					s.at(int(e.stream), e.prod+s.rng.Float64()*cfg.jitter, func(v feeder) { v.Failed(e.stream, e.seq) })
				}
				continue
			}
			part := int32(p)
			s.at(int(e.stream), e.ack, func(v feeder) { v.Acked(e.stream, e.seq, part, e.off) })
			if e.hidden {
				s.exp.lost[e.stream] = addTo(s.exp.lost[e.stream], e.seq)
				s.exp.lostOffs[part] = addTo(s.exp.lostOffs[part], uint64(e.off))
			}
		}
	}
	for _, tx := range s.txns {
		s.at(int(tx.stream), tx.begin, func(v feeder) { v.TxnBegin(tx.stream, tx.first) })
		s.at(int(tx.stream), tx.end, func(v feeder) {
			switch tx.reports {
			case txnCommitted:
				v.TxnCommitted(tx.stream, tx.first, tx.last)
			case txnAborted:
				v.TxnAborted(tx.stream, tx.first, tx.last)
			default:
				v.TxnInDoubt(tx.stream, tx.first, tx.last)
			}
		})
	}
	// Partly delivered transactions: committed ones that lost records.
	for i, tx := range s.txns {
		if tx.reports != txnCommitted {
			continue
		}
		var lost, delivered int64
		for _, log := range s.logs {
			for _, e := range log {
				if e.kind == eRec && e.txn == i {
					if e.hidden {
						lost++
					} else {
						delivered++
					}
				}
			}
		}
		if lost > 0 && delivered > 0 {
			s.exp.partial[[3]uint64{uint64(tx.stream), tx.first, tx.last}] = delivered
		}
	}
}

func addTo(s *RangeSet, x uint64) *RangeSet {
	if s == nil {
		s = &RangeSet{}
	}
	s.Add(x)
	return s
}

// consume walks each partition's visible records with sessions, clean
// rebalances, redeliveries and rewinds, and schedules the deliveries.
func (s *sim) consume() {
	cfg := s.cfg
	gen := int32(0)
	member := 0
	newSession := func() ConsumerRef {
		gen++
		member++
		return ConsumerRef{Member: fmt.Sprintf("member-%d", member), Generation: gen}
	}
	for p, log := range s.logs {
		part := int32(p)
		var vis []int // indices of visible entries
		for i, e := range log {
			if e.kind == eMarker || e.hidden {
				continue
			}
			if (e.kind == eRec) && !s.visibleTxn(e) {
				continue
			}
			vis = append(vis, i)
		}
		c := newSession()
		t := 0.0
		lastFault := -1
		lastBy := map[int64]ConsumerRef{} // the session that last delivered an offset
		deliver := func(k int, c ConsumerRef, first bool) {
			e := log[vis[k]]
			if !first {
				s.exp.redelivered = append(s.exp.redelivered, want{p: part, off: e.off, c: c, previous: lastBy[e.off]})
			}
			lastBy[e.off] = c
			t = max(t, e.prod+cfg.lag+s.rng.Float64()*2)
			if cfg.readCommitted && e.txn >= 0 && e.kind == eRec {
				t = max(t, s.txns[e.txn].end-0.5+s.rng.Float64())
			}
			s.deliver(part, e, c, t, first)
		}
		hiddenBetween := func(k int) bool { // hidden entries between vis[k] and vis[k+1]
			if k+1 >= len(vis) {
				return false
			}
			for i := vis[k] + 1; i < vis[k+1]; i++ {
				if log[i].hidden {
					return true
				}
			}
			return false
		}
		plainRun := func(a, b int) bool { // vis[a..b] plain, no hidden entries among them
			if a < 0 || a <= lastFault {
				return false
			}
			for k := a; k <= b; k++ {
				e := log[vis[k]]
				if e.reserved || e.kind != eRec || (k < b && hiddenBetween(k)) {
					return false
				}
			}
			return true
		}
		for k := 0; k < len(vis); k++ {
			deliver(k, c, true)
			if k+1 < len(vis) && hiddenBetween(k) {
				for i := vis[k] + 1; i < vis[k+1]; i++ {
					if e := log[i]; e.hidden {
						s.exp.skipped[part] = addTo(s.exp.skipped[part], uint64(e.off))
						if s.exp.skippedBy[part] == nil {
							s.exp.skippedBy[part] = map[int64]ConsumerRef{}
						}
						s.exp.skippedBy[part][e.off] = c
					}
				}
				continue // no session change across a loss
			}
			if k+1 >= len(vis) {
				break
			}
			r := 1 + s.rng.IntN(4)
			switch x := s.rng.Float64(); {
			case x < cfg.redeliver:
				if !plainRun(k-r, k) {
					continue
				}
				c = newSession()
				for j := k - r; j <= k; j++ {
					deliver(j, c, false)
				}
				lastFault = k
			case x < cfg.redeliver+cfg.rewind:
				if !plainRun(k-r, k) {
					continue
				}
				s.exp.nonmono = append(s.exp.nonmono, want{p: part, off: log[vis[k-r]].off, otherOff: log[vis[k]].off, c: c})
				for j := k - r; j <= k; j++ {
					deliver(j, c, false)
				}
				lastFault = k
			case x < cfg.redeliver+cfg.rewind+cfg.rebalanceRate:
				c = newSession()
			}
		}
	}
}

func (s *sim) deliver(part int32, e *simEntry, c ConsumerRef, t float64, first bool) {
	off := e.off
	intended := int64(e.prod * float64(stepNanos))
	at := intended + stepNanos
	if e.late {
		at = intended + 10*int64(simLate)
	}
	w := want{p: part, off: off, stream: e.stream, seq: e.seq, c: c}
	switch e.kind {
	case eUnidentified:
		if first {
			s.exp.unident = append(s.exp.unident, w)
		}
		s.at(consumerOwner(part), t, func(v feeder) { v.Unidentified(c, part, off) })
		return
	case eForeign:
		if first {
			s.exp.foreign = append(s.exp.foreign, w)
		}
		id := recordid.ID{RunID: simOther, Stream: e.stream, Seq: e.seq, Intended: intended, Sent: intended}
		s.at(consumerOwner(part), t, func(v feeder) { v.Consumed(c, part, off, id, 0, at) })
		return
	}
	sum := checksum(e.stream, e.seq)
	id := recordid.ID{RunID: simRun, Stream: e.stream, Seq: e.seq, Intended: intended, Sent: intended, Checksum: sum}
	if first {
		switch {
		case e.kind == eCopy:
			w.otherOff = e.origOff
			s.exp.dup = append(s.exp.dup, w)
		case e.kind == eUnexpected:
			s.exp.unexpected = append(s.exp.unexpected, w)
		case e.shown:
			s.exp.aborted = append(s.exp.aborted, w)
		}
		if e.corrupt {
			s.exp.corrupted = append(s.exp.corrupted, w)
			sum ^= 0xdead
		}
		if e.late {
			s.exp.late = append(s.exp.late, w)
		}
	}
	s.at(consumerOwner(part), t, func(v feeder) { v.Consumed(c, part, off, id, sum, at) })
}

// run feeds the events to a fresh verifier and returns its summary.
func (s *sim) run(t *testing.T) Summary {
	t.Helper()
	v := New(Config{RunID: simRun, ReadCommitted: s.cfg.readCommitted, LateBound: simLate,
		MaxFindingsKept: 1 << 20, MaxRanges: 1 << 20})
	for _, e := range s.events {
		e.do(v)
	}
	sum, err := v.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// check asserts that sum reports exactly the injected faults.
func (s *sim) check(t *testing.T, sum Summary) {
	t.Helper()
	byKind := map[Kind][]Finding{}
	for _, f := range sum.Findings {
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	c := sum.Counts
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
	}

	// lost: the seq ranges per stream, and the same records per partition.
	var lostN int64
	got := map[uint32]*RangeSet{}
	for _, f := range byKind[KindLost] {
		for _, r := range f.Ranges {
			got[f.Stream] = addRange(got[f.Stream], r)
		}
	}
	for st, w := range s.exp.lost {
		lostN += int64(w.Len())
		if !sameRanges(got[st].rangesOrNil(), w.Ranges()) {
			fail("lost stream %d: %v, want %v", st, got[st].rangesOrNil(), w.Ranges())
		}
	}
	if c.Lost != lostN || len(got) != len(s.exp.lost) {
		fail("lost = %d in %d streams, want %d in %d", c.Lost, len(got), lostN, len(s.exp.lost))
	}
	gotOffs := map[int32]*RangeSet{}
	for _, f := range byKind[KindLostOffsets] {
		for _, r := range f.Ranges {
			gotOffs[f.Partition] = addRange(gotOffs[f.Partition], r)
		}
	}
	for p, w := range s.exp.lostOffs {
		if !sameRanges(gotOffs[p].rangesOrNil(), w.Ranges()) {
			fail("lost_offsets partition %d: %v, want %v", p, gotOffs[p].rangesOrNil(), w.Ranges())
		}
	}
	if len(gotOffs) != len(s.exp.lostOffs) {
		fail("lost_offsets in %d partitions, want %d", len(gotOffs), len(s.exp.lostOffs))
	}

	// poll skips: the skipped offsets, by the right session.
	var skipN int64
	gotSkip := map[int32]*RangeSet{}
	for _, f := range byKind[KindPollSkip] {
		for _, r := range f.Ranges {
			gotSkip[f.Partition] = addRange(gotSkip[f.Partition], r)
			for o := r.Lo; o <= r.Hi; o++ {
				if by, ok := s.exp.skippedBy[f.Partition][int64(o)]; !ok || by != f.Consumer {
					fail("poll_skip partition %d offset %d by %v, want %v", f.Partition, o, f.Consumer, by)
				}
			}
		}
	}
	for p, w := range s.exp.skipped {
		skipN += int64(w.Len())
		if !sameRanges(gotSkip[p].rangesOrNil(), w.Ranges()) {
			fail("poll_skip partition %d: %v, want %v", p, gotSkip[p].rangesOrNil(), w.Ranges())
		}
	}
	if c.PollSkippedRecords != skipN || len(gotSkip) != len(s.exp.skipped) {
		fail("poll_skipped_records = %d, want %d", c.PollSkippedRecords, skipN)
	}

	s.matchRecords(t, "duplicate_write", byKind[KindDuplicateWrite], s.exp.dup, c.DuplicateWrites, true, func(f *Finding, w want) bool {
		return f.HasSeq && f.Stream == w.stream && f.Consumer == w.c && (f.Count > 1 || f.OtherOffset == w.otherOff)
	})
	s.matchRecords(t, "redelivery", byKind[KindRedelivery], s.exp.redelivered, c.Redeliveries, false, func(f *Finding, w want) bool {
		// Previous names the session that delivered the finding's first
		// record before.
		return f.Consumer == w.c && (f.Offset != w.off || f.Previous != nil && *f.Previous == w.previous)
	})
	s.matchRecords(t, "reordered", byKind[KindReordered], s.exp.reordered, c.Reordered, true, func(f *Finding, w want) bool {
		return f.Stream == w.stream && f.Seq == w.seq && f.OtherSeq == w.otherSeq && f.OtherOffset == w.otherOff
	})
	s.matchRecords(t, "corrupted", byKind[KindCorrupted], s.exp.corrupted, c.Corrupted, false, func(f *Finding, w want) bool {
		return f.Offset != w.off || f.HasSeq && f.Stream == w.stream && f.Seq == w.seq && f.HeaderChecksum != f.ValueChecksum
	})
	s.matchRecords(t, "late", byKind[KindLate], s.exp.late, c.Late, false, func(f *Finding, w want) bool {
		return f.Lateness > int64(simLate)
	})
	s.matchRecords(t, "foreign", byKind[KindForeign], s.exp.foreign, c.Foreign, false, func(f *Finding, w want) bool {
		return f.RunID == simOther
	})
	s.matchRecords(t, "unidentified", byKind[KindUnidentified], s.exp.unident, c.Unidentified, false, func(f *Finding, w want) bool {
		return true
	})
	s.matchRecords(t, "unexpected", byKind[KindUnexpected], s.exp.unexpected, c.Unexpected, true, func(f *Finding, w want) bool {
		return f.Stream == w.stream && f.Seq == w.seq && f.Consumer == w.c
	})
	s.matchRecords(t, "aborted_read", byKind[KindAbortedRead], s.exp.aborted, c.AbortedReads, true, func(f *Finding, w want) bool {
		return f.Stream == w.stream && f.Seq <= w.seq && w.seq <= f.SeqHi
	})

	// nonmonotonic polls: one event each.
	if int(c.NonmonotonicPolls) != len(s.exp.nonmono) || len(byKind[KindNonmonotonicPoll]) != len(s.exp.nonmono) {
		fail("nonmonotonic_polls = %d (%d findings), want %d", c.NonmonotonicPolls, len(byKind[KindNonmonotonicPoll]), len(s.exp.nonmono))
	} else {
		for i, f := range sortedFindings(byKind[KindNonmonotonicPoll]) {
			w := s.exp.nonmono[i]
			if f.Partition != w.p || f.Offset != w.off || f.OtherOffset != w.otherOff || f.Consumer != w.c {
				fail("nonmonotonic_poll %+v, want %+v", f, w)
			}
		}
	}

	// partial transactions.
	gotPartial := map[[3]uint64]int64{}
	for _, f := range byKind[KindPartialTxn] {
		gotPartial[[3]uint64{uint64(f.Stream), f.Seq, f.SeqHi}] = f.Count
	}
	if len(gotPartial) != len(s.exp.partial) || int(c.PartialTxns) != len(s.exp.partial) {
		fail("partial_txns = %d %v, want %v", c.PartialTxns, gotPartial, s.exp.partial)
	}
	for k, n := range s.exp.partial {
		if gotPartial[k] != n {
			fail("partial_txn %v: %d delivered, want %d", k, gotPartial[k], n)
		}
	}

	if c.UnackedDelivered != s.exp.unackedDel {
		fail("unacked_delivered = %d, want %d", c.UnackedDelivered, s.exp.unackedDel)
	}
	if c.DuplicatesUnclassified != 0 || c.Invalid != 0 || c.NonmonotonicPolls < 0 {
		fail("unclassified %d, invalid %d", c.DuplicatesUnclassified, c.Invalid)
	}
	if d := c.Consumed - c.ConsumedUnique; d != c.DuplicateWrites+c.Redeliveries {
		fail("consumed − unique = %d, duplicate writes + redeliveries = %d", d, c.DuplicateWrites+c.Redeliveries)
	}
	if sum.FindingsDropped != 0 {
		fail("%d findings dropped", sum.FindingsDropped)
	}
}

func sortedFindings(fs []Finding) []Finding {
	out := append([]Finding(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Partition != out[j].Partition {
			return out[i].Partition < out[j].Partition
		}
		return out[i].Offset < out[j].Offset
	})
	return out
}

func addRange(s *RangeSet, r Range) *RangeSet {
	if s == nil {
		s = &RangeSet{}
	}
	s.AddRange(r.Lo, r.Hi)
	return s
}

func (s *RangeSet) rangesOrNil() []Range {
	if s == nil {
		return nil
	}
	return s.Ranges()
}

// matchRecords asserts that every expected record is covered by exactly one
// finding of its kind (same partition, offset within the finding's range),
// that ok holds for it, and that the findings count exactly the expected
// records: nothing else was reported. With sameStream, a finding's seq
// range must hold the record's seq.
func (s *sim) matchRecords(t *testing.T, kind string, fs []Finding, ws []want, count int64, sameStream bool, ok func(*Finding, want) bool) {
	t.Helper()
	var total int64
	for _, f := range fs {
		total += f.Count
	}
	if total != int64(len(ws)) || count != int64(len(ws)) {
		t.Errorf("%s: findings count %d, counter %d, want %d", kind, total, count, len(ws))
	}
	for _, w := range ws {
		n := 0
		for i := range fs {
			f := &fs[i]
			if f.Partition != w.p || w.off < f.Offset || w.off > f.OffsetHi {
				continue
			}
			n++
			if sameStream && (!f.HasSeq || f.Stream != w.stream || w.seq < f.Seq || w.seq > f.SeqHi) {
				t.Errorf("%s: %+v does not name stream %d seq %d", kind, *f, w.stream, w.seq)
			}
			if !ok(f, w) {
				t.Errorf("%s: finding %+v\n  does not match %+v", kind, *f, w)
			}
		}
		if n != 1 {
			t.Errorf("%s: partition %d offset %d (stream %d seq %d) covered by %d findings", kind, w.p, w.off, w.stream, w.seq, n)
		}
	}
}

// simConfigs are the shapes of run simulated; the tests add faults.
func simConfigs() map[string]simCfg {
	plain := simCfg{streams: 4, parts: 5, perStream: 400, batchMax: 8, lag: 4, jitter: 12, rebalanceRate: 0.01}
	many := plain
	many.streams, many.parts, many.perStream, many.batchMax = 8, 12, 200, 3
	failing := plain
	failing.failRate = 0.02
	txn := plain
	txn.txnSize, txn.abortRate, txn.doubtRate = 10, 0.2, 0.05
	txnRC := txn
	txnRC.readCommitted = true
	bigTxnRC := txnRC
	bigTxnRC.txnSize, bigTxnRC.batchMax = 40, 12
	return map[string]simCfg{"plain": plain, "many-partitions": many, "failing": failing,
		"txn": txn, "txn-read-committed": txnRC, "big-txn-read-committed": bigTxnRC}
}

// TestCleanRuns: no faults, over many seeds and shapes (out-of-order
// acknowledgements, consumption racing acknowledgements, transactions with
// markers and aborts, produce failures, rebalances): zero findings.
func TestCleanRuns(t *testing.T) {
	t.Parallel()
	for name, cfg := range simConfigs() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for seed := range uint64(30) {
				s := newSim(cfg, seed)
				sum := s.run(t)
				if len(sum.Findings) != 0 || sum.Lost != 0 || sum.Redeliveries != 0 || sum.DuplicateWrites != 0 || sum.PollSkips != 0 {
					for _, f := range sum.Findings[:min(len(sum.Findings), 5)] {
						t.Logf("%s", f.Explanation)
					}
					t.Fatalf("seed %d: %d findings in a clean run: %+v", seed, len(sum.Findings), sum.Counts)
				}
				if sum.ConsumedUnique != sum.Consumed || sum.Acked == 0 || sum.UnackedDelivered != s.exp.unackedDel {
					t.Fatalf("seed %d: counts %+v", seed, sum.Counts)
				}
			}
		})
	}
}

// TestRedeliveryRuns: the only faults are consumer re-reads (rebalances
// that resume from older offsets, rewinds within a session): only
// redelivery and nonmonotonic_poll findings, exactly the injected ones.
func TestRedeliveryRuns(t *testing.T) {
	t.Parallel()
	for name, cfg := range simConfigs() {
		cfg.redeliver, cfg.rewind = 0.01, 0.005
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for seed := range uint64(20) {
				s := newSim(cfg, seed)
				s.check(t, s.run(t))
				if t.Failed() {
					t.Fatalf("seed %d", seed)
				}
			}
		})
	}
}

// TestMutations injects every kind of fault at seeded rates and asserts
// each is found, attributed to the right records, and nothing else.
func TestMutations(t *testing.T) {
	t.Parallel()
	injected := map[string]int{}
	for name, cfg := range simConfigs() {
		cfg.drop, cfg.dup, cfg.redeliver, cfg.rewind = 0.01, 0.01, 0.005, 0.003
		cfg.reorder, cfg.corrupt, cfg.foreign, cfg.unexpected = 0.01, 0.005, 0.005, 0.005
		cfg.unidentified, cfg.showAborted, cfg.late = 0.003, 0.2, 0.005
		for seed := range uint64(20) {
			s := newSim(cfg, seed)
			s.check(t, s.run(t))
			if t.Failed() {
				t.Fatalf("%s seed %d", name, seed)
			}
			e := s.exp
			for k, n := range map[string]int{"lost": total(e.lostOffs), "skipped": total(e.skipped), "dup": len(e.dup), "redelivered": len(e.redelivered),
				"reordered": len(e.reordered), "corrupted": len(e.corrupted), "late": len(e.late), "foreign": len(e.foreign),
				"unexpected": len(e.unexpected), "unidentified": len(e.unident), "aborted": len(e.aborted),
				"nonmonotonic": len(e.nonmono), "partial": len(e.partial)} {
				injected[k] += n
			}
		}
	}
	// The simulation must actually have injected every kind.
	for k, n := range injected {
		if n == 0 {
			t.Errorf("no %s fault injected", k)
		}
	}
	t.Logf("injected: %v", injected)
}

func total(m map[int32]*RangeSet) int {
	n := 0
	for _, s := range m {
		n += int(s.Len())
	}
	return n
}
