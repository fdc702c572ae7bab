package pacer_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kbench/kbench/pacer"
	"github.com/kbench/kbench/scenarios"
)

func ExampleNew() {
	// A ramp from 0 to 8 records/s over 1s, then 8/s, for 1.5s: Λ(t) = 4t²
	// on the ramp, so records 0..3 are at √(n/4) s.
	r := scenarios.Rate{Profile: scenarios.RateRamp, From: 0, To: 8, Over: time.Second}
	p, err := pacer.New(r, 1, 1500*time.Millisecond, 1)
	if err != nil {
		panic(err)
	}
	for {
		off, ok := p.Next()
		if !ok {
			break
		}
		fmt.Println(off.Round(time.Millisecond))
	}
	fmt.Println("expected:", pacer.Expected(r, 1, 1500*time.Millisecond))
	// Output:
	// 0s
	// 500ms
	// 707ms
	// 866ms
	// 1s
	// 1.125s
	// 1.25s
	// 1.375s
	// expected: 8
}

// The producer loop of one instance out of n: wait for each intended time,
// then send, measuring latency from the intended time.
func ExampleWait() {
	r := scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1000}
	const instances = 2
	p, err := pacer.New(r, 1.0/instances, 20*time.Millisecond, 7)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	start := time.Now()
	sent := 0
	for {
		off, ok := p.Next()
		if !ok {
			break
		}
		at := start.Add(off)
		late, err := pacer.Wait(ctx, at)
		if err != nil {
			break
		}
		_ = late // e.g. count the send as behind when late > 5ms
		sent++   // send the record stamped with intended time at
	}
	fmt.Println(sent)
	// Output: 10
}
