package verify_test

import (
	"fmt"

	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/verify"
)

// A producer writes four records; the consumer misses one, and a new
// session after a rebalance reads two again.
func Example() {
	v := verify.New(verify.Config{RunID: 42})
	for seq := range uint64(4) {
		v.Acked(0, seq, 0, int64(seq)) // stream 0, partition 0, offsets 0..3
	}
	deliver := func(c verify.ConsumerRef, offset int64, seq uint64) {
		id := recordid.ID{RunID: 42, Stream: 0, Seq: seq}
		v.Consumed(c, 0, offset, id, id.Checksum, 0)
	}
	first := verify.ConsumerRef{Member: "a", Generation: 1}
	second := verify.ConsumerRef{Member: "b", Generation: 2}
	deliver(first, 0, 0)
	deliver(first, 1, 1)
	deliver(first, 3, 3) // offset 2 skipped
	deliver(second, 0, 0)
	deliver(second, 1, 1)

	sum, _ := v.Finish()
	fmt.Printf("acked %d, consumed %d (%d unique), lost %d, redeliveries %d, poll skips %d\n",
		sum.Acked, sum.Consumed, sum.ConsumedUnique, sum.Lost, sum.Redeliveries, sum.PollSkips)
	for _, f := range sum.Findings {
		fmt.Printf("%s: %s\n", f.Kind, f.Explanation)
	}
	// Output:
	// acked 4, consumed 5 (3 unique), lost 1, redeliveries 2, poll skips 1
	// lost: 1 record of stream 0 (seq 2) was acknowledged but no consumer delivered it.
	// lost_offsets: 1 offset of partition 0 (offset 2) holds an acknowledged record that no consumer delivered.
	// redelivery: 2 records (stream 0 seqs 0–1) at partition 0 offsets 0–1, first delivered to a (generation 1), were delivered again to b (generation 2) (at-least-once redelivery).
	// poll_skip: a (generation 1) jumped over partition 0 offset 2, skipping 1 record acknowledged by the producers.
}
