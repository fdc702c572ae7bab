package verify

import "github.com/kbench/kbench/recordid"

// recorderBatch is how many events a Recorder holds before it applies them.
const recorderBatch = 256

type eventKind uint8

const (
	evAcked eventKind = iota
	evFailed
	evTxnBegin
	evTxnCommitted
	evTxnAborted
	evTxnInDoubt
	evConsumed
	evUnidentified
	evConsumedKey
)

type event struct {
	id   recordid.ID // Stream and Seq for every kind; the rest for evConsumed
	c    ConsumerRef
	off  int64 // offset; last seq for transaction ends
	at   int64
	part int32
	sum  uint32
	kind eventKind
	key  uint64 // key hash, for evConsumedKey
}

// Recorder feeds a Verifier from one goroutine among many: it buffers
// events and applies them in batches under the Verifier's lock, so the
// goroutines do not contend per event. Events of one Recorder are applied
// in the order they were recorded. A Recorder is not safe for concurrent
// use; give each producer and consumer goroutine its own, and Flush each
// when its goroutine stops (and at least once per report interval, so the
// verifier stays current). Its methods mirror the Verifier's.
type Recorder struct {
	v  *Verifier
	ev []event
}

// NewRecorder returns a Recorder that feeds v.
func (v *Verifier) NewRecorder() *Recorder {
	return &Recorder{v: v, ev: make([]event, 0, recorderBatch)}
}

func (r *Recorder) add(e event) {
	r.ev = append(r.ev, e)
	if len(r.ev) == cap(r.ev) {
		r.Flush()
	}
}

// Acked is Verifier.Acked.
func (r *Recorder) Acked(stream uint32, seq uint64, partition int32, offset int64) {
	r.add(event{kind: evAcked, id: recordid.ID{Stream: stream, Seq: seq}, part: partition, off: offset})
}

// Failed is Verifier.Failed.
func (r *Recorder) Failed(stream uint32, seq uint64) {
	r.add(event{kind: evFailed, id: recordid.ID{Stream: stream, Seq: seq}})
}

// TxnBegin is Verifier.TxnBegin.
func (r *Recorder) TxnBegin(stream uint32, firstSeq uint64) {
	r.add(event{kind: evTxnBegin, id: recordid.ID{Stream: stream, Seq: firstSeq}})
}

// TxnCommitted is Verifier.TxnCommitted.
func (r *Recorder) TxnCommitted(stream uint32, firstSeq, lastSeq uint64) {
	r.add(event{kind: evTxnCommitted, id: recordid.ID{Stream: stream, Seq: firstSeq}, off: int64(lastSeq)})
}

// TxnAborted is Verifier.TxnAborted.
func (r *Recorder) TxnAborted(stream uint32, firstSeq, lastSeq uint64) {
	r.add(event{kind: evTxnAborted, id: recordid.ID{Stream: stream, Seq: firstSeq}, off: int64(lastSeq)})
}

// TxnInDoubt is Verifier.TxnInDoubt.
func (r *Recorder) TxnInDoubt(stream uint32, firstSeq, lastSeq uint64) {
	r.add(event{kind: evTxnInDoubt, id: recordid.ID{Stream: stream, Seq: firstSeq}, off: int64(lastSeq)})
}

// Consumed is Verifier.Consumed.
func (r *Recorder) Consumed(c ConsumerRef, partition int32, offset int64, id recordid.ID, valueSum uint32, consumedAt int64) {
	r.add(event{kind: evConsumed, id: id, c: c, part: partition, off: offset, sum: valueSum, at: consumedAt})
}

// ConsumedKey is Verifier.ConsumedKey.
func (r *Recorder) ConsumedKey(c ConsumerRef, partition int32, offset int64, id recordid.ID, valueSum uint32, keyHash uint64, consumedAt int64) {
	r.add(event{kind: evConsumedKey, id: id, c: c, part: partition, off: offset, sum: valueSum, at: consumedAt, key: keyHash})
}

// Unidentified is Verifier.Unidentified.
func (r *Recorder) Unidentified(c ConsumerRef, partition int32, offset int64) {
	r.add(event{kind: evUnidentified, c: c, part: partition, off: offset})
}

// Flush applies the buffered events to the Verifier.
func (r *Recorder) Flush() {
	if len(r.ev) == 0 {
		return
	}
	v := r.v
	v.mu.Lock()
	for i := range r.ev {
		v.apply(&r.ev[i])
	}
	v.mu.Unlock()
	r.ev = r.ev[:0]
}

func (v *Verifier) apply(e *event) {
	switch e.kind {
	case evAcked:
		v.Acked(e.id.Stream, e.id.Seq, e.part, e.off)
	case evFailed:
		v.Failed(e.id.Stream, e.id.Seq)
	case evTxnBegin:
		v.TxnBegin(e.id.Stream, e.id.Seq)
	case evTxnCommitted:
		v.TxnCommitted(e.id.Stream, e.id.Seq, uint64(e.off))
	case evTxnAborted:
		v.TxnAborted(e.id.Stream, e.id.Seq, uint64(e.off))
	case evTxnInDoubt:
		v.TxnInDoubt(e.id.Stream, e.id.Seq, uint64(e.off))
	case evConsumed:
		v.Consumed(e.c, e.part, e.off, e.id, e.sum, e.at)
	case evUnidentified:
		v.Unidentified(e.c, e.part, e.off)
	case evConsumedKey:
		v.ConsumedKey(e.c, e.part, e.off, e.id, e.sum, e.key, e.at)
	}
}
