package verify

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/kbench/kbench/recordid"
)

// FuzzVerifier feeds arbitrary event sequences (acknowledgements,
// failures, transactions, deliveries in any order, at any offsets) and
// checks the counts that follow from sets against a map-based model, the
// bookkeeping invariants, and the JSON round trip of the state.
func FuzzVerifier(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 1, 1, 2, 1, 1, 1})
	f.Add([]byte{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 6, 0, 0, 1, 2, 0, 0, 0, 2, 0, 1, 1, 2, 0, 0, 0})
	f.Add([]byte{0, 1, 3, 5, 2, 1, 3, 9, 3, 0, 0, 0, 4, 0, 0, 0, 7, 1, 0, 2, 2, 0x81, 7, 0x85})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			data = data[:4096]
		}
		for _, rc := range []bool{false, true} {
			checkVerifierOps(t, data, rc)
		}
	})
}

type key struct {
	stream uint32
	seq    uint64
}

func checkVerifierOps(t *testing.T, data []byte, readCommitted bool) {
	v := New(Config{RunID: testRun, ReadCommitted: readCommitted, LateBound: 10, MaxFindingsKept: -1})
	acked, failed, seen := map[key]bool{}, map[key]bool{}, map[key]bool{}
	txnEnded := false
	var consumed int64
	sessions := []ConsumerRef{c1, c2, {Member: "m3"}}
	for len(data) >= 4 {
		op, a, b, c := data[0]%8, data[1], data[2], data[3]
		data = data[4:]
		stream, seq := uint32(a%3), uint64(b%40)
		part, off := int32(a>>4)%3, int64(c%64)
		k := key{stream, seq}
		switch op {
		case 0:
			v.Acked(stream, seq, part, off)
			acked[k] = true
		case 1:
			v.Failed(stream, seq)
			failed[k] = true
		case 2, 3:
			sum := checksum(stream, seq)
			if c&0x80 != 0 {
				sum++
			}
			v.Consumed(sessions[int(a>>6)%3], part, off, id(stream, seq), sum, int64(c))
			consumed++
			seen[k] = true
		case 4:
			if c&1 == 0 {
				v.Consumed(c1, part, off, recordid.ID{RunID: testRun + 1, Stream: stream, Seq: seq}, 0, 0)
			} else {
				v.Unidentified(c2, part, off)
			}
		case 5:
			v.TxnBegin(stream, seq)
			txnEnded = true // open transactions end in doubt
		case 6:
			v.TxnCommitted(stream, seq, seq+uint64(c%8))
			txnEnded = true
		case 7:
			if c&1 == 0 {
				v.TxnAborted(stream, seq, seq+uint64(c%8))
			} else {
				v.TxnInDoubt(stream, seq, seq+uint64(c%8))
			}
			txnEnded = true
		}
	}
	st := v.State()
	again := roundTrip(t, st)
	sum, err := st.Finish(Config{})
	if err != nil {
		t.Fatal(err)
	}
	if sum2, _ := again.Finish(Config{}); !reflect.DeepEqual(sum, sum2) {
		t.Fatalf("state JSON round trip changes the summary:\n%+v\n%+v", sum.Counts, sum2.Counts)
	}
	var lost, unexpected, unackedDel int64
	for k := range acked {
		if !seen[k] {
			lost++
		}
	}
	for k := range seen {
		switch {
		case acked[k]:
		case failed[k]:
			unackedDel++
		default:
			unexpected++
		}
	}
	c := sum.Counts
	if c.Acked != int64(len(acked)) || c.ConsumedUnique != int64(len(seen)) || c.Consumed != consumed {
		t.Fatalf("acked %d unique %d consumed %d, want %d %d %d", c.Acked, c.ConsumedUnique, c.Consumed, len(acked), len(seen), consumed)
	}
	if c.Unexpected != unexpected || c.UnackedDelivered != unackedDel {
		t.Fatalf("unexpected %d unacked delivered %d, want %d %d", c.Unexpected, c.UnackedDelivered, unexpected, unackedDel)
	}
	if c.Lost > lost || !txnEnded && c.Lost != lost {
		t.Fatalf("lost %d, acknowledged and unseen %d", c.Lost, lost)
	}
	if c.Consumed-c.ConsumedUnique != c.DuplicateWrites+c.Redeliveries {
		t.Fatalf("consumed − unique %d ≠ duplicate writes %d + redeliveries %d", c.Consumed-c.ConsumedUnique, c.DuplicateWrites, c.Redeliveries)
	}
	if c.PollSkippedRecords < c.PollSkips || c.Corrupted > c.Consumed || c.Reordered > c.ConsumedUnique || c.Late > c.ConsumedUnique {
		t.Fatalf("counts %+v", c)
	}
	if !readCommitted && c.AbortedReads != 0 {
		t.Fatalf("aborted reads under read_uncommitted: %+v", c)
	}
	for _, f := range sum.Findings {
		if _, err := json.Marshal(f); err != nil || f.Explanation == "" {
			t.Fatalf("finding %+v: %v", f, err)
		}
	}
}
