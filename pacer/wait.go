package pacer

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"
)

// How Wait waits. Every wake-up from a sleep costs CPU (a few µs on bare
// metal, 20–40µs on a virtual machine) and comes late by the sleep's
// overshoot, while spinning costs exactly the time spun. So Wait sleeps on
// a runtime timer, which also wakes on ctx, while the target is more than
// a few milliseconds away; then takes one precise sleep (nanosleep on
// Linux) aimed to end just before the target, using the running mean of
// how late such sleeps wake; and spins (yielding to other goroutines) for
// what is left, a few microseconds.
//
// A target nearer than the overshoot cannot be aimed at. Then Wait sleeps
// past it, at least batchSleep, and the records that fell due meanwhile go
// out together: their intended times stay exact, each is late by up to
// about batchSleep plus the overshoot, and wake-ups are bounded at about
// 1/(batchSleep+overshoot) per second however high the rate. Waits of at
// most spinBelow are spun.
const (
	// coarseAbove: waits longer than this first sleep on a runtime timer
	// until coarseMargin before the target. Runtime timers round waits
	// under a millisecond up to a whole one when the process is idle, so
	// the margin leaves room for that.
	coarseAbove  = 3 * time.Millisecond
	coarseMargin = 2 * time.Millisecond
	// spinBelow: waits this short are spun, not slept.
	spinBelow = 5 * time.Microsecond
	// wakeBias: an aimed sleep ends this much before the target beyond the
	// expected overshoot: waking early costs a short spin, waking late
	// costs lateness.
	wakeBias = 5 * time.Microsecond
	// batchSleep is the shortest sleep past a target too near to aim at.
	batchSleep = 50 * time.Microsecond
	// maxOvershoot bounds the overshoot estimate.
	maxOvershoot = 500 * time.Microsecond
)

// overshoot is the running mean (ns) of how late precise sleeps wake,
// shared by every Wait in the process; it starts at a typical value and
// adapts to the machine. Concurrent updates race benignly.
var overshoot atomic.Int64

func init() { overshoot.Store(int64(20 * time.Microsecond)) }

// Wait blocks until the wall-clock time at, or until ctx is done, and
// returns how late it returned: time.Since(at) at its return, never
// negative. It returns ctx.Err() (and zero lateness) when ctx ends the
// wait first; when at has already passed it returns at once, without
// looking at ctx (a sender that is behind pays nothing to catch up). at
// should come from time.Now() (e.g. start.Add(offset)) so that its
// monotonic clock reading is used. Any number of goroutines may call Wait
// at once.
//
// Wait never returns early, and is cheap: it spins only for the last few
// microseconds. Where targets are further apart than a sleep's overshoot
// (on Linux ~10–30µs, i.e. up to a few 10k records/s), a send is typically
// late by a few microseconds. At higher rates a wake-up releases the
// records due by then together, each late by up to ~50µs plus the
// overshoot, which bounds the wake-ups, and so the CPU, independently of
// the rate. On other systems precision is that of the runtime's timers.
func Wait(ctx context.Context, at time.Time) (late time.Duration, err error) {
	d := time.Until(at)
	if d <= 0 {
		return -d, nil
	}
	done := ctx.Done()
	aimed := false // a precise sleep has ended just before at: spin the rest
	for {
		switch {
		case d > coarseAbove:
			t := time.NewTimer(d - coarseMargin)
			select {
			case <-done:
				t.Stop()
				return 0, ctx.Err()
			case <-t.C:
			}
		case d > spinBelow && !aimed:
			if done != nil {
				select {
				case <-done:
					return 0, ctx.Err()
				default:
				}
			}
			est := time.Duration(overshoot.Load())
			req := d - est - wakeBias
			aim := req >= spinBelow
			if !aim {
				req = max(d, batchSleep)
			}
			t0 := time.Now()
			sleep(req)
			if over := time.Since(t0) - req; over >= 0 { // not cut short by a signal
				over = min(over, maxOvershoot)
				overshoot.Store(int64(est + (over-est)/8))
				aimed = aim
			}
		default:
			runtime.Gosched()
		}
		d = time.Until(at)
		if d <= 0 {
			return -d, nil
		}
	}
}
