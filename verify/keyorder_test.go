package verify

import (
	"testing"

	"github.com/kbench/kbench/recordid"
)

// TestKeyOrder: with KeyOrder, a stream's records of one key delivered out
// of seq order are found whatever their partitions; other keys, other
// streams and redeliveries are not findings; a full key table is counted.
func TestKeyOrder(t *testing.T) {
	const run = 1
	c := ConsumerRef{Member: "m"}
	type rec struct {
		stream uint32
		seq    uint64
		key    uint64
		part   int32
		off    int64
	}
	feed := func(cfg Config, recs []rec) Summary {
		t.Helper()
		cfg.RunID = run
		v := New(cfg)
		for _, r := range recs {
			v.Acked(r.stream, r.seq, -1, -1)
		}
		for _, r := range recs {
			v.ConsumedKey(c, r.part, r.off, recordid.ID{RunID: run, Stream: r.stream, Seq: r.seq}, 0, r.key, 0)
		}
		sum, err := v.Finish()
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	// Key 7 of stream 0: seq 2 on partition 1 before seq 0 on partition 0.
	recs := []rec{
		{0, 2, 7, 1, 0},
		{0, 1, 8, 0, 0},
		{0, 0, 7, 0, 1},
		{1, 0, 7, 0, 2}, // another stream, same key: no order between streams
		{0, 3, 7, 1, 1},
		{0, 2, 7, 1, 2}, // a duplicate, not a reordering
	}
	sum := feed(Config{KeyOrder: true}, recs)
	if sum.KeyReordered != 1 || sum.DuplicateWrites != 1 {
		t.Fatalf("counts %+v", sum.Counts)
	}
	var f *Finding
	for i := range sum.Findings {
		if sum.Findings[i].Kind == KindKeyReordered {
			f = &sum.Findings[i]
		}
	}
	if f == nil || f.Seq != 0 || f.OtherSeq != 2 || f.Partition != 0 || f.Offset != 1 || f.OtherOffset != 0 || f.Explanation == "" {
		t.Fatalf("finding %+v", f)
	}
	if sum := feed(Config{}, recs); sum.KeyReordered != 0 {
		t.Errorf("key order checked without KeyOrder: %+v", sum.Counts)
	}
	if sum := feed(Config{KeyOrder: true, MaxKeys: 1}, recs); sum.KeyReordered != 1 || sum.KeyOrderUnchecked != 2 {
		t.Errorf("with one key followed: %+v", sum.Counts)
	}
}
