package verify

import (
	"flag"
	"runtime"
	"testing"
	"time"

	"github.com/kbench/kbench/recordid"
)

var benchRecords = flag.Int64("verify.records", 100_000_000, "records fed by BenchmarkVerifier")

// benchFeed produces a run's events without keeping them: streams write
// batches of 16–63 records to random partitions, acknowledgements come back
// out of order within windows of 16 batches, and a consumer reads every
// partition in offset order a window behind, skipping the records that are
// lost (1%, scattered).
type benchFeed struct {
	v        *Verifier
	streams  int
	parts    int
	lossPerM uint64 // lost records per million
	rng      uint64
	next     []uint64
	off      []int64
	window   []benchBatch
	queues   [][]benchBatch
	c        ConsumerRef
	produced int64
	lost     int64
	txn      bool // each batch is a transaction, its commit marker after it
}

type benchBatch struct {
	stream uint32
	part   int32
	n      int
	seq    uint64
	off    int64
	lost   uint64 // bit i: record i is lost
}

func newBenchFeed(v *Verifier, streams, parts int, lossPerM uint64) *benchFeed {
	return &benchFeed{v: v, streams: streams, parts: parts, lossPerM: lossPerM, rng: 0x9e3779b97f4a7c15,
		next: make([]uint64, streams), off: make([]int64, parts), queues: make([][]benchBatch, parts),
		c: ConsumerRef{Member: "bench-consumer", Generation: 1}}
}

func (f *benchFeed) rand() uint64 {
	f.rng ^= f.rng << 13
	f.rng ^= f.rng >> 7
	f.rng ^= f.rng << 17
	return f.rng
}

// run feeds at least n records.
func (f *benchFeed) run(n int64) {
	for s := 0; f.produced < n; s = (s + 1) % f.streams {
		r := f.rand()
		b := benchBatch{stream: uint32(s), part: int32(r % uint64(f.parts)), n: 16 + int(r>>8%48)}
		b.seq = f.next[s]
		f.next[s] += uint64(b.n)
		b.off = f.off[b.part]
		f.off[b.part] += int64(b.n)
		if f.txn {
			f.off[b.part]++ // the commit marker
		}
		for i := range b.n {
			if f.rand()%1_000_000 < f.lossPerM {
				b.lost |= 1 << i
				f.lost++
			}
		}
		f.produced += int64(b.n)
		f.window = append(f.window, b)
		if len(f.window) == 16 {
			f.flush()
		}
	}
	f.flush()
	for p := range f.queues {
		f.consume(p, 0)
	}
}

func (f *benchFeed) flush() {
	// Acknowledge the window's batches in a scrambled order.
	// Acknowledge the window's batches in a scrambled order (transactions
	// of one producer stay in order).
	rot, stride := int(f.rand()%16), 7
	if len(f.window)%7 == 0 || f.txn {
		rot, stride = 0, 1
	}
	for k := range f.window {
		b := &f.window[(k*stride+rot)%len(f.window)]
		if f.txn {
			f.v.TxnBegin(b.stream, b.seq)
		}
		for i := range b.n {
			f.v.Acked(b.stream, b.seq+uint64(i), b.part, b.off+int64(i))
		}
		if f.txn {
			f.v.TxnCommitted(b.stream, b.seq, b.seq+uint64(b.n)-1)
		}
	}
	for _, b := range f.window {
		f.queues[b.part] = append(f.queues[b.part], b)
	}
	f.window = f.window[:0]
	// The consumer keeps up to two batches behind on every partition.
	for p := range f.queues {
		f.consume(p, 2)
	}
}

func (f *benchFeed) consume(p, keep int) {
	q := f.queues[p]
	for len(q) > keep {
		b := q[0]
		q = q[1:]
		for i := range b.n {
			if b.lost&(1<<i) != 0 {
				continue
			}
			seq := b.seq + uint64(i)
			f.v.Consumed(f.c, b.part, b.off+int64(i), recordid.ID{RunID: 1, Stream: b.stream, Seq: seq, Checksum: 7}, 7, 0)
		}
	}
	f.queues[p] = append(f.queues[p][:0], q...)
}

// BenchmarkVerifier feeds -verify.records (default 100 M) acknowledged
// and consumed records from 8 streams over 12 partitions, with 1% of them
// lost at scattered places (loss=1%) or none (loss=0), each time it runs
// (use -benchtime=1x); the txn variants make every batch a transaction
// whose commit marker takes an offset the read_committed consumer skips. It
// reports records per second of one core, the live heap after feeding and
// after Finish, and the time Finish takes.
func BenchmarkVerifier(b *testing.B) {
	b.Run("loss=1%", func(b *testing.B) { benchVerifier(b, 10_000, false) })
	b.Run("loss=0", func(b *testing.B) { benchVerifier(b, 0, false) })
	b.Run("txn/loss=1%", func(b *testing.B) { benchVerifier(b, 10_000, true) })
	b.Run("txn/loss=0", func(b *testing.B) { benchVerifier(b, 0, true) })
}

func benchVerifier(b *testing.B, lossPerM uint64, txn bool) {
	n := *benchRecords
	for b.Loop() {
		v := New(Config{RunID: 1, LateBound: time.Hour, ReadCommitted: txn})
		f := newBenchFeed(v, 8, 12, lossPerM)
		f.txn = txn
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		start := time.Now()
		f.run(n)
		feed := time.Since(start)
		runtime.ReadMemStats(&m1)
		heap := liveHeap()
		start = time.Now()
		sum, err := v.Finish()
		fin := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Lost != f.lost || sum.Acked != f.produced || sum.PollSkippedRecords != f.lost || sum.PartialTxns > f.lost ||
			sum.Redeliveries+sum.DuplicateWrites+sum.Unexpected+sum.Reordered != 0 {
			b.Fatalf("counts %+v, lost %d of %d", sum.Counts, f.lost, f.produced)
		}
		b.ReportMetric(float64(f.produced)/feed.Seconds(), "records/s")
		b.ReportMetric(float64(feed.Nanoseconds())/float64(f.produced), "ns/record")
		b.ReportMetric(heap, "heap-MiB")
		b.ReportMetric(liveHeap(), "heap-after-finish-MiB")
		b.ReportMetric(fin.Seconds()*1000, "finish-ms")
		b.ReportMetric(float64(f.lost), "lost-records")
		b.ReportMetric(float64(m1.Mallocs-m0.Mallocs)/float64(f.produced), "allocs/record")
		runtime.KeepAlive(sum)
	}
}

func liveHeap() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// BenchmarkAcked: one acknowledgement (8 streams, 12 partitions, batches
// of 32, in order).
func BenchmarkAcked(b *testing.B) {
	v := New(Config{RunID: 1})
	var i uint64
	b.ReportAllocs()
	for b.Loop() {
		batch := i / 32
		s := uint32(batch % 8)
		v.Acked(s, batch/8*32+i%32, int32(batch%12), int64(batch/12*32+i%32))
		i++
	}
}

// BenchmarkConsumed: one delivery of an acknowledged record (8 streams,
// 12 partitions, batches of 32, in order).
func BenchmarkConsumed(b *testing.B) {
	v := New(Config{RunID: 1, LateBound: time.Hour})
	c := ConsumerRef{Member: "bench", Generation: 1}
	at := func(i int) (uint32, uint64, int32, int64) {
		batch := uint64(i) / 32
		return uint32(batch % 8), batch/8*32 + uint64(i)%32, int32(batch % 12), int64(batch/12*32 + uint64(i)%32)
	}
	for i := range b.N {
		s, q, p, o := at(i)
		v.Acked(s, q, p, o)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s, q, p, o := at(i)
		v.Consumed(c, p, o, recordid.ID{RunID: 1, Stream: s, Seq: q, Checksum: 7}, 7, 0)
	}
}

// BenchmarkRecorder: an acknowledgement and a delivery through a Recorder
// (batched, applied under the verifier's lock).
func BenchmarkRecorder(b *testing.B) {
	v := New(Config{RunID: 1})
	r := v.NewRecorder()
	c := ConsumerRef{Member: "bench", Generation: 1}
	var i uint64
	b.ReportAllocs()
	for b.Loop() {
		batch := i / 32
		s, q, p, o := uint32(batch%8), batch/8*32+i%32, int32(batch%12), int64(batch/12*32+i%32)
		r.Acked(s, q, p, o)
		r.Consumed(c, p, o, recordid.ID{RunID: 1, Stream: s, Seq: q}, 0, 0)
		i++
	}
	r.Flush()
}
