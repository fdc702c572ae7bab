package verify

import (
	"testing"

	"github.com/kbench/kbench/recordid"
)

// TestRunning checks that the live counts follow the flushed events and
// leave the set-based counts to Finish.
func TestRunning(t *testing.T) {
	v := New(Config{RunID: 7})
	rec := v.NewRecorder()
	c := ConsumerRef{Member: "m", Generation: 1}
	for seq := range uint64(3) {
		rec.Acked(0, seq, 0, int64(seq))
		rec.Consumed(c, 0, int64(seq), recordid.ID{RunID: 7, Seq: seq}, 0, 1)
	}
	rec.Consumed(c, 0, 2, recordid.ID{RunID: 7, Seq: 2}, 0, 1) // the same offset again
	rec.Consumed(c, 0, 3, recordid.ID{RunID: 8}, 0, 1)         // another run's record
	if got := v.Running(); got.Consumed != 0 {
		t.Fatalf("counted events still buffered in the recorder: %+v", got)
	}
	rec.Flush()
	got := v.Running()
	if got.Consumed != 4 || got.Redeliveries != 1 || got.Foreign != 1 || got.Acked != 0 || got.Lost != 0 {
		t.Fatalf("running counts: %+v", got)
	}
	sum, err := v.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if sum.Consumed != got.Consumed || sum.Acked != 3 || sum.ConsumedUnique != 3 {
		t.Fatalf("final counts: %+v", sum.Counts)
	}
}
