package runner

import "time"

// clock reads the time as Unix nanoseconds from the monotonic clock: one
// clock read instead of the two time.Now makes (wall and monotonic), which
// matters at millions of records per second, and immune to wall-clock
// steps during a run. Producers and consumers of a run share one clock, so
// their timestamps compare exactly.
type clock struct {
	base   time.Time // carries a monotonic reading
	baseNs int64     // base as Unix ns
}

func newClock(base time.Time) clock { return clock{base: base, baseNs: base.UnixNano()} }

// now returns the current time as Unix nanoseconds.
func (c clock) now() int64 { return c.baseNs + int64(time.Since(c.base)) }

// at converts t (with a monotonic reading) to this clock's Unix ns.
func (c clock) at(t time.Time) int64 { return c.baseNs + int64(t.Sub(c.base)) }
