package verify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/recordid"
)

const testRun = 0xabc

var (
	c1 = ConsumerRef{Member: "m1", Generation: 1}
	c2 = ConsumerRef{Member: "m2", Generation: 2}
)

// tv wraps a Verifier with terse helpers for the tests.
type tv struct{ *Verifier }

func (v tv) ack(stream uint32, seqLo, seqHi uint64, p int32, off int64) {
	for q := seqLo; q <= seqHi; q++ {
		v.Acked(stream, q, p, off+int64(q-seqLo))
	}
}

// eat delivers stream's seqs [seqLo, seqHi] at consecutive offsets from off.
func (v tv) eat(c ConsumerRef, p int32, off int64, stream uint32, seqLo, seqHi uint64) {
	for q := seqLo; q <= seqHi; q++ {
		v.Consumed(c, p, off+int64(q-seqLo), id(stream, q), checksum(stream, q), 1)
	}
}

func id(stream uint32, seq uint64) recordid.ID {
	return recordid.ID{RunID: testRun, Stream: stream, Seq: seq, Checksum: checksum(stream, seq)}
}

// Evidence constructors: -1 where a field does not apply.
func recF(k Kind, count int64, stream uint32, seq, seqHi uint64, p int32, off, offHi int64, c ConsumerRef) Finding {
	return Finding{Kind: k, Count: count, HasSeq: true, Stream: stream, Seq: seq, SeqHi: seqHi,
		Partition: p, Offset: off, OffsetHi: offHi, OtherOffset: -1, Consumer: c}
}

func seqF(k Kind, count int64, stream uint32, seq, seqHi uint64, ranges ...Range) Finding {
	return Finding{Kind: k, Count: count, HasSeq: true, Stream: stream, Seq: seq, SeqHi: seqHi,
		Partition: -1, Offset: -1, OffsetHi: -1, OtherOffset: -1, Ranges: ranges}
}

func offF(k Kind, count int64, p int32, off, offHi int64, c ConsumerRef, ranges ...Range) Finding {
	return Finding{Kind: k, Count: count, Partition: p, Offset: off, OffsetHi: offHi, OtherOffset: -1,
		Consumer: c, Ranges: ranges}
}

func TestFindings(t *testing.T) {
	t.Parallel()
	prev1 := c1
	cases := []struct {
		name   string
		cfg    Config
		feed   func(v tv)
		want   []Finding
		counts func(c Counts) bool
	}{
		{
			name: "clean",
			feed: func(v tv) {
				v.ack(0, 0, 9, 0, 100)
				v.eat(c1, 0, 100, 0, 0, 9)
			},
			counts: func(c Counts) bool { return c.Acked == 10 && c.ConsumedUnique == 10 && c.Consumed == 10 },
		},
		{
			name: "lost at the end",
			feed: func(v tv) {
				v.ack(0, 0, 9, 0, 0)
				v.eat(c1, 0, 0, 0, 0, 7)
			},
			want: []Finding{
				seqF(KindLost, 2, 0, 8, 9, Range{8, 9}),
				{Kind: KindLostOffsets, Count: 2, Partition: 0, Offset: 8, OffsetHi: 9, OtherOffset: -1, Ranges: []Range{{8, 9}}},
			},
			counts: func(c Counts) bool { return c.Lost == 2 && c.PollSkips == 0 },
		},
		{
			name: "poll skip and loss",
			feed: func(v tv) {
				v.ack(3, 0, 9, 2, 50)
				v.eat(c1, 2, 50, 3, 0, 4)
				v.eat(c1, 2, 57, 3, 7, 9)
			},
			want: []Finding{
				seqF(KindLost, 2, 3, 5, 6, Range{5, 6}),
				{Kind: KindLostOffsets, Count: 2, Partition: 2, Offset: 55, OffsetHi: 56, OtherOffset: -1, Ranges: []Range{{55, 56}}},
				offF(KindPollSkip, 2, 2, 55, 56, c1, Range{55, 56}),
			},
			counts: func(c Counts) bool { return c.Lost == 2 && c.PollSkips == 1 && c.PollSkippedRecords == 2 },
		},
		{
			name: "gap over offsets holding no acknowledged record",
			feed: func(v tv) {
				v.ack(0, 0, 4, 0, 0)
				v.ack(0, 5, 9, 0, 6) // offset 5: a transaction marker, say
				v.eat(c1, 0, 0, 0, 0, 4)
				v.eat(c1, 0, 6, 0, 5, 9)
			},
		},
		{
			name: "poll skip found when the acknowledgement comes after the gap",
			feed: func(v tv) {
				v.ack(0, 0, 4, 0, 0)
				v.eat(c1, 0, 0, 0, 0, 4)
				v.eat(c1, 0, 6, 0, 6, 9)
				v.ack(0, 5, 9, 0, 5)
			},
			want: []Finding{
				seqF(KindLost, 1, 0, 5, 5, Range{5, 5}),
				{Kind: KindLostOffsets, Count: 1, Partition: 0, Offset: 5, OffsetHi: 5, OtherOffset: -1, Ranges: []Range{{5, 5}}},
				offF(KindPollSkip, 1, 0, 5, 5, c1, Range{5, 5}),
			},
		},
		{
			name: "duplicate write",
			feed: func(v tv) {
				v.ack(1, 0, 3, 0, 10)
				v.eat(c1, 0, 10, 1, 0, 3)
				v.eat(c1, 0, 14, 1, 1, 2) // seqs 1 and 2 written again at 14, 15
			},
			want: []Finding{func() Finding {
				f := recF(KindDuplicateWrite, 2, 1, 1, 2, 0, 14, 15, c1)
				f.OtherOffset = 11
				return f
			}()},
			counts: func(c Counts) bool { return c.DuplicateWrites == 2 && c.Redeliveries == 0 && c.ConsumedUnique == 4 },
		},
		{
			name: "redelivery after a rebalance",
			feed: func(v tv) {
				v.ack(0, 0, 9, 0, 0)
				v.eat(c1, 0, 0, 0, 0, 5)
				v.eat(c2, 0, 3, 0, 3, 9) // c2 resumes at the last committed offset
			},
			want: []Finding{func() Finding {
				f := recF(KindRedelivery, 3, 0, 3, 5, 0, 3, 5, c2)
				f.Previous = &prev1
				return f
			}()},
			counts: func(c Counts) bool {
				return c.Redeliveries == 3 && c.DuplicateWrites == 0 && c.NonmonotonicPolls == 0 && c.Lost == 0
			},
		},
		{
			name: "nonmonotonic poll",
			feed: func(v tv) {
				v.ack(0, 0, 9, 0, 0)
				v.eat(c1, 0, 0, 0, 0, 5)
				v.eat(c1, 0, 4, 0, 4, 9)
			},
			want: []Finding{
				{Kind: KindNonmonotonicPoll, Count: 1, Partition: 0, Offset: 4, OffsetHi: 4, OtherOffset: 5, Consumer: c1},
				func() Finding {
					f := recF(KindRedelivery, 2, 0, 4, 5, 0, 4, 5, c1)
					f.Previous = &prev1
					return f
				}(),
			},
		},
		{
			name: "unexpected seq and unknown stream",
			feed: func(v tv) {
				v.ack(0, 0, 1, 0, 0)
				v.eat(c1, 0, 0, 0, 0, 1)
				v.eat(c1, 0, 2, 0, 100, 100)
				v.eat(c1, 1, 7, 9, 4, 4)
			},
			want: []Finding{
				{Kind: KindUnexpected, Count: 1, HasSeq: true, Stream: 0, Seq: 100, SeqHi: 100, Partition: 0,
					Offset: 2, OffsetHi: 2, OtherOffset: -1, Consumer: c1},
				{Kind: KindUnexpected, Count: 1, HasSeq: true, Stream: 9, Seq: 4, SeqHi: 4, Partition: 1,
					Offset: 7, OffsetHi: 7, OtherOffset: -1, Consumer: c1},
			},
			counts: func(c Counts) bool { return c.Unexpected == 2 && c.Lost == 0 },
		},
		{
			name: "unacked delivered is not a fault",
			feed: func(v tv) {
				v.ack(0, 0, 1, 0, 0)
				v.Failed(0, 2) // a timeout, say: written after all
				v.Failed(0, 3) // not written
				v.eat(c1, 0, 0, 0, 0, 2)
			},
			counts: func(c Counts) bool { return c.UnackedDelivered == 1 && c.Failed == 2 && c.Unexpected == 0 },
		},
		{
			name: "foreign and unidentified",
			feed: func(v tv) {
				for off := int64(0); off < 3; off++ {
					v.Consumed(c1, 4, off, recordid.ID{RunID: 77, Seq: uint64(off)}, 0, 0)
				}
				v.Unidentified(c1, 4, 3)
			},
			want: []Finding{
				{Kind: KindForeign, Count: 3, Partition: 4, Offset: 0, OffsetHi: 2, OtherOffset: -1, Consumer: c1, RunID: 77},
				{Kind: KindUnidentified, Count: 1, Partition: 4, Offset: 3, OffsetHi: 3, OtherOffset: -1, Consumer: c1},
			},
			counts: func(c Counts) bool { return c.Foreign == 3 && c.Unidentified == 1 && c.Consumed == 0 },
		},
		{
			name: "corrupted",
			feed: func(v tv) {
				v.ack(2, 0, 2, 0, 0)
				v.eat(c1, 0, 0, 2, 0, 0)
				v.Consumed(c1, 0, 1, id(2, 1), 0xbad, 1)
				v.eat(c1, 0, 2, 2, 2, 2)
			},
			want: []Finding{func() Finding {
				f := recF(KindCorrupted, 1, 2, 1, 1, 0, 1, 1, c1)
				f.HeaderChecksum, f.ValueChecksum = checksum(2, 1), 0xbad
				return f
			}()},
		},
		{
			name: "reordered",
			feed: func(v tv) {
				v.Acked(0, 0, 0, 0)
				v.Acked(0, 2, 0, 1)
				v.Acked(0, 1, 0, 2)
				v.Acked(1, 0, 0, 3)
				v.eat(c1, 0, 0, 0, 0, 0)
				v.eat(c1, 0, 1, 0, 2, 2)
				v.eat(c1, 0, 2, 0, 1, 1)
				v.eat(c1, 0, 3, 1, 0, 0) // another stream: its own order
			},
			want: []Finding{func() Finding {
				f := recF(KindReordered, 1, 0, 1, 1, 0, 2, 2, c1)
				f.OtherOffset, f.OtherSeq = 1, 2
				return f
			}()},
		},
		{
			name: "aborted read under read_committed",
			cfg:  Config{ReadCommitted: true},
			feed: func(v tv) {
				v.TxnBegin(0, 0)
				v.ack(0, 0, 2, 0, 0)
				v.TxnAborted(0, 0, 2)
				v.eat(c1, 0, 0, 0, 0, 2)
			},
			want:   []Finding{recF(KindAbortedRead, 3, 0, 0, 2, 0, 0, 2, c1)},
			counts: func(c Counts) bool { return c.AbortedReads == 3 && c.Lost == 0 && c.TxnsAborted == 1 },
		},
		{
			name: "aborted read delivered before the abort was known",
			cfg:  Config{ReadCommitted: true},
			feed: func(v tv) {
				v.TxnBegin(0, 0)
				v.ack(0, 0, 1, 0, 0)
				v.eat(c1, 0, 0, 0, 0, 0)
				v.TxnAborted(0, 0, 1)
			},
			want:   []Finding{recF(KindAbortedRead, 1, 0, 0, 0, 0, 0, 0, c1)},
			counts: func(c Counts) bool { return c.AbortedReads == 1 },
		},
		{
			name: "aborted records are delivered under read_uncommitted",
			feed: func(v tv) {
				v.TxnBegin(0, 0)
				v.ack(0, 0, 1, 0, 0)
				v.TxnAborted(0, 0, 1)
				v.eat(c1, 0, 0, 0, 0, 1)
			},
			counts: func(c Counts) bool { return c.AbortedReads == 0 && c.ConsumedUnique == 2 },
		},
		{
			name: "read_committed skips aborted records and markers",
			cfg:  Config{ReadCommitted: true},
			feed: func(v tv) {
				v.TxnBegin(0, 0)
				v.ack(0, 0, 2, 0, 0) // offset 3: abort marker
				v.TxnAborted(0, 0, 2)
				v.TxnBegin(0, 3)
				v.ack(0, 3, 5, 0, 4) // offset 7: commit marker
				v.TxnCommitted(0, 3, 5)
				v.ack(1, 0, 0, 0, 8)
				v.eat(c1, 0, 4, 0, 3, 5)
				v.eat(c1, 0, 8, 1, 0, 0)
			},
			counts: func(c Counts) bool { return c.Lost == 0 && c.TxnsCommitted == 1 && c.TxnsAborted == 1 },
		},
		{
			name: "partial transaction",
			cfg:  Config{ReadCommitted: true},
			feed: func(v tv) {
				v.TxnBegin(0, 0)
				v.ack(0, 0, 3, 0, 0)
				v.TxnCommitted(0, 0, 3)
				v.TxnBegin(0, 4)
				v.ack(0, 4, 7, 0, 5) // offset 4: marker
				v.TxnCommitted(0, 4, 7)
				v.eat(c1, 0, 0, 0, 0, 1)
				v.eat(c1, 0, 3, 0, 3, 3) // seq 2 at offset 2 skipped
				v.eat(c1, 0, 5, 0, 4, 7)
			},
			want: []Finding{
				seqF(KindLost, 1, 0, 2, 2, Range{2, 2}),
				{Kind: KindLostOffsets, Count: 1, Partition: 0, Offset: 2, OffsetHi: 2, OtherOffset: -1, Ranges: []Range{{2, 2}}},
				offF(KindPollSkip, 1, 0, 2, 2, c1, Range{2, 2}),
				seqF(KindPartialTxn, 3, 0, 0, 3),
			},
			counts: func(c Counts) bool { return c.PartialTxns == 1 && c.Lost == 1 && c.TxnsCommitted == 2 },
		},
		{
			name: "transaction in doubt: all or nothing",
			feed: func(v tv) {
				v.TxnBegin(0, 0)
				v.ack(0, 0, 3, 0, 0)
				v.TxnInDoubt(0, 0, 3)
				v.TxnBegin(0, 4)
				v.ack(0, 4, 5, 0, 5)
				v.TxnInDoubt(0, 4, 5)
				v.eat(c1, 0, 0, 0, 0, 3) // all of the first
				v.eat(c1, 0, 5, 0, 4, 4) // half of the second
			},
			want:   []Finding{seqF(KindPartialTxn, 1, 0, 4, 5)},
			counts: func(c Counts) bool { return c.Lost == 0 && c.PartialTxns == 1 && c.TxnsInDoubt == 2 },
		},
		{
			name: "transaction left open ends in doubt",
			cfg:  Config{ReadCommitted: true},
			feed: func(v tv) {
				v.TxnBegin(0, 0)
				v.ack(0, 0, 3, 0, 0)
			},
			counts: func(c Counts) bool { return c.Lost == 0 && c.TxnsInDoubt == 1 },
		},
		{
			name: "late",
			cfg:  Config{LateBound: time.Second},
			feed: func(v tv) {
				v.ack(0, 0, 2, 0, 0)
				for q := uint64(0); q < 3; q++ {
					at := int64(time.Millisecond)
					if q >= 1 {
						at = int64(q+1) * int64(time.Second)
					}
					v.Consumed(c1, 0, int64(q), id(0, q), checksum(0, q), at)
				}
			},
			want: []Finding{func() Finding {
				f := recF(KindLate, 2, 0, 1, 2, 0, 1, 2, c1)
				f.Consumed, f.Lateness = int64(2*time.Second), int64(3*time.Second)
				return f
			}()},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			c.cfg.RunID, c.cfg.Findings = testRun, &buf
			v := tv{New(c.cfg)}
			c.feed(v)
			sum, err := v.Finish()
			if err != nil {
				t.Fatal(err)
			}
			got := append([]Finding(nil), sum.Findings...)
			for i := range got {
				if got[i].Explanation == "" {
					t.Errorf("finding %d has no explanation", i)
				}
				got[i].Explanation = ""
			}
			want := append([]Finding(nil), c.want...)
			sortFindings(want)
			if !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("findings:\n got %s\nwant %s", dump(got), dump(want))
			}
			if c.counts != nil && !c.counts(sum.Counts) {
				t.Errorf("counts %+v", sum.Counts)
			}
			// The JSON lines say the same as the summary.
			var lines []Finding
			sc := bufio.NewScanner(&buf)
			for sc.Scan() {
				var f Finding
				if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
					t.Fatalf("%s: %v", sc.Text(), err)
				}
				lines = append(lines, f)
			}
			sortFindings(lines)
			if !reflect.DeepEqual(lines, sum.Findings) && !(len(lines) == 0 && len(sum.Findings) == 0) {
				t.Errorf("JSON lines:\n%s\nsummary:\n%s", dump(lines), dump(sum.Findings))
			}
		})
	}
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		j, _ := json.Marshal(f)
		b.WriteString("\n  ")
		b.Write(j)
	}
	return b.String()
}

func TestFindingJSON(t *testing.T) {
	t.Parallel()
	prev := c1
	f := Finding{Kind: KindRedelivery, Count: 3, HasSeq: true, Stream: 4, Seq: 10, SeqHi: 12, Partition: 2,
		Offset: 100, OffsetHi: 102, OtherOffset: -1, Consumer: c2, Previous: &prev}
	f.Explanation = explain(&f)
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"kind":"redelivery","count":3,"stream":4,"seq":10,"seq_hi":12,"partition":2,"offset":100,"offset_hi":102,` +
		`"consumer":{"member":"m2","generation":2},"previous_consumer":{"member":"m1","generation":1},` +
		`"explanation":"3 records (stream 4 seqs 10–12) at partition 2 offsets 100–102, first delivered to m1 (generation 1), were delivered again to m2 (generation 2) (at-least-once redelivery)."}`
	if string(b) != want {
		t.Fatalf("JSON\n got %s\nwant %s", b, want)
	}
	var back Finding
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, f) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	for k := range numKinds {
		if explain(&Finding{Kind: k, Count: 1}) == "" {
			t.Errorf("%v: no explanation", k)
		}
		var back Kind
		if b, err := k.MarshalText(); err != nil || back.UnmarshalText(b) != nil || back != k {
			t.Errorf("%v: text round trip", k)
		}
	}
}

func TestMaxFindingsKept(t *testing.T) {
	t.Parallel()
	var lines bytes.Buffer
	v := New(Config{RunID: testRun, MaxFindingsKept: 2, Findings: &lines})
	tv{v}.ack(0, 0, 19, 0, 0)
	for off := int64(0); off < 10; off++ {
		// Ten corrupted records, each its own finding (a clean one between).
		v.Consumed(c1, 0, 2*off, id(0, uint64(2*off)), 1, 0)
		v.Consumed(c1, 0, 2*off+1, id(0, uint64(2*off+1)), checksum(0, uint64(2*off+1)), 0)
	}
	sum, err := v.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count(KindCorrupted) != 2 || sum.Corrupted != 10 {
		t.Fatalf("kept %d corrupted findings, counted %d", sum.Count(KindCorrupted), sum.Corrupted)
	}
	if sum.FindingsDropped != 8 || strings.Count(lines.String(), `"kind":"corrupted"`) != 10 {
		t.Fatalf("dropped %d; lines:\n%s", sum.FindingsDropped, lines.String())
	}
}

// TestRangesCapped: a loss scattered over many ranges lists MaxRanges of
// them and counts the rest.
func TestRangesCapped(t *testing.T) {
	t.Parallel()
	v := tv{New(Config{RunID: testRun, MaxRanges: 3})}
	v.ack(0, 0, 99, 0, 0)
	for q := uint64(0); q < 100; q += 2 {
		v.eat(c1, 0, int64(q), 0, q, q)
	}
	sum, _ := v.Finish()
	lost := sum.Findings[0]
	if lost.Kind != KindLost || lost.Count != 50 || len(lost.Ranges) != 3 || lost.RangesOmitted != 47 ||
		lost.Seq != 1 || lost.SeqHi != 99 {
		t.Fatalf("lost finding %+v", lost)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(b []byte) (int, error) {
	w.n++
	return 0, errWrite
}

var errWrite = &json.UnsupportedValueError{Str: "disk full"}

func TestFindingsWriterError(t *testing.T) {
	t.Parallel()
	w := &failWriter{}
	v := New(Config{RunID: testRun, Findings: w})
	v.Acked(0, 0, 0, 0)
	v.Consumed(c1, 0, 0, id(0, 0), 0, 0)
	v.Consumed(c1, 0, 5, id(0, 1), 0, 0)
	if _, err := v.Finish(); err != errWrite || w.n != 1 {
		t.Fatalf("err %v after %d writes", err, w.n)
	}
}

func TestInvalidEvents(t *testing.T) {
	t.Parallel()
	v := New(Config{RunID: testRun})
	v.Consumed(c1, -1, 0, id(0, 0), 0, 0)
	v.Consumed(c1, 0, -5, id(0, 0), 0, 0)
	v.Unidentified(c1, 0, -1)
	v.Acked(0, 0, -1, -1) // a pipeline: offsets of another topic
	sum, _ := v.Finish()
	if sum.Invalid != 3 || sum.Lost != 1 || sum.Count(KindLostOffsets) != 0 {
		t.Fatalf("counts %+v findings %v", sum.Counts, dump(sum.Findings))
	}
}

// TestAbsurdIDs: corrupted headers with huge stream numbers, partitions
// and seqs cost memory per anomaly only, and are reported.
func TestAbsurdIDs(t *testing.T) {
	t.Parallel()
	v := New(Config{RunID: testRun})
	v.Acked(0, 0, 0, 0)
	v.Consumed(c1, 0, 0, id(0, 0), checksum(0, 0), 0)
	v.Consumed(c1, 0, 1, id(0, ^uint64(0)), checksum(0, ^uint64(0)), 0)
	v.Consumed(c1, 0, 2, id(^uint32(0), 1<<63), checksum(^uint32(0), 1<<63), 0)
	v.Consumed(c1, 1<<30, 1<<62, id(1<<20, 5), checksum(1<<20, 5), 0)
	sum, _ := v.Finish()
	if sum.Unexpected != 3 || sum.Count(KindUnexpected) != 3 || len(v.streams.dense) > denseLimit {
		t.Fatalf("counts %+v findings %v", sum.Counts, dump(sum.Findings))
	}
}

// TestNoAllocations: the clean hot paths do not allocate.
func TestNoAllocations(t *testing.T) {
	v := New(Config{RunID: testRun, LateBound: time.Hour})
	var seq uint64
	warm := func() {
		for range 1000 {
			v.Acked(uint32(seq%4), seq/4, int32(seq%3), int64(seq/3))
			seq++
		}
	}
	warm()
	var cseq uint64
	eat := func() {
		v.Consumed(c1, int32(cseq%3), int64(cseq/3), id(uint32(cseq%4), cseq/4), checksum(uint32(cseq%4), cseq/4), 0)
		cseq++
	}
	for range 500 {
		eat()
	}
	if n := testing.AllocsPerRun(1000, func() {
		v.Acked(uint32(seq%4), seq/4, int32(seq%3), int64(seq/3))
		seq++
		eat()
	}); n != 0 {
		t.Fatalf("%v allocations per acknowledged and consumed record", n)
	}
}
