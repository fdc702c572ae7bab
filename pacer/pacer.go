// Package pacer schedules record sends open-loop.
//
// For a rate profile (constant, ramp, steps, sine, spike, poisson,
// unlimited) a Pacer yields the intended send time of every record as an
// offset from the run start. The schedule depends on the profile alone,
// never on how fast the cluster answers: a producer that falls behind sends
// late (and counts it), it does not send fewer records. Latency measured
// from these intended times is free of coordinated omission.
//
// For the deterministic profiles, record n (from 0) is intended at
//
//	t_n = inf{ t ≥ 0 : Λ(t) > n },   Λ(t) = ∫₀ᵗ rate(s) ds,
//
// computed exactly within each piece of the profile (a closed form for
// constant and linear pieces, a safeguarded Newton solve for the sine), so
// there is no drift: up to rounding offsets to whole nanoseconds, the
// number of intended records in [0, d) is ⌈Λ(d)⌉ and in any window [a, b)
// it is within one record of Λ(b)−Λ(a). Periods
// of zero rate are skipped: the next record is intended where the rate
// becomes positive again, and a profile that stays at zero ends the
// sequence. Poisson draws exponential gaps of mean 1/rate from a seeded
// PCG generator, so a seed always gives the same schedule.
//
// Wait turns an intended time into a wall-clock wait that is accurate to
// microseconds at moderate rates and to tens of microseconds at high ones,
// without burning a core (see Wait).
//
// A typical producer loop:
//
//	p, err := pacer.New(rate, 1/float64(instances), duration, seed)
//	start := time.Now()
//	for {
//		off, ok := p.Next()
//		if !ok {
//			break
//		}
//		at := start.Add(off)
//		if _, err := pacer.Wait(ctx, at); err != nil {
//			break
//		}
//		send(at) // latency is measured from at
//	}
//
// The unlimited profile has no schedule; see Unlimited.
package pacer

import (
	"fmt"
	"math"
	"time"

	"github.com/kbench/kbench/scenarios"
)

// Pacer yields the intended send offsets of one producer instance, in
// order. It is not safe for concurrent use.
type Pacer interface {
	// Next returns the intended offset from the run start of the next
	// record. Offsets never decrease. Once the offset would be at or after
	// the duration given to New, Next returns false, and keeps returning
	// false. An unlimited pacer has no schedule: its Next returns false at
	// once (see Unlimited).
	Next() (time.Duration, bool)
	// Rate is the target rate of this pacer (records/s, scale applied) at
	// offset t from the run start: the profile's rate, or the mean rate for
	// poisson. It is +Inf for unlimited. Rate does not depend on the
	// duration or on how far Next has got.
	Rate(t time.Duration) float64
}

// New builds the pacer of one producer instance.
//
// scale multiplies every rate of the profile; the runner passes
// 1/instances so that the instances together follow the profile. duration
// ends the sequence: Next yields only offsets in [0, duration). seed drives
// the poisson gaps (the same seed gives the same offsets) and is ignored by
// the other profiles; give each instance its own seed.
//
// New returns an error, never panics, for a profile that makes no sense:
// an unknown profile, a negative, NaN or infinite rate, a scale that is not
// positive and finite, a negative duration, a ramp over a non-positive
// time, a steps profile without steps or with a negative step, a sine with
// a non-positive period or an amplitude outside [0, rate] (the rate would
// go negative), a spike with a negative time. Zero rates are fine.
func New(r scenarios.Rate, scale float64, duration time.Duration, seed uint64) (Pacer, error) {
	if duration < 0 {
		return nil, fmt.Errorf("pacer: negative duration %v", duration)
	}
	pr, err := compile(r, scale)
	if err != nil {
		return nil, err
	}
	switch pr.kind {
	case kindUnlimited:
		return unlimitedPacer{}, nil
	case kindPoisson:
		return newPoisson(pr, duration, seed), nil
	case kindSine:
		return newSine(pr, duration), nil
	default:
		return newPiecewise(pr, duration), nil
	}
}

// Expected returns the number of records the profile intends over [0, d)
// with every rate multiplied by scale: the integral of the rate, the
// quantity achieved counts are compared with. For poisson it is the mean,
// rate·d. It is 0 for d ≤ 0, +Inf for the unlimited profile, and NaN for a
// profile or scale New rejects.
//
// A pacer built by New with the same profile and scale yields ⌈Expected(d)⌉
// offsets before d, give or take one for rounding to nanoseconds (poisson:
// a random number of that mean).
func Expected(r scenarios.Rate, scale float64, d time.Duration) float64 {
	pr, err := compile(r, scale)
	if err != nil {
		return math.NaN()
	}
	if pr.kind == kindUnlimited {
		return math.Inf(1)
	}
	if d <= 0 {
		return 0
	}
	return pr.integral(d)
}

// Unlimited reports whether the profile sets no rate: records are sent as
// fast as the client accepts them.
//
// An unlimited profile has no intended times. The runner does not call
// Next or Wait for it; it loops until the duration has passed, takes each
// record's intended time to be its actual send time (so lateness is always
// zero, and latency from intended equals raw latency), and reports no
// target: Rate is +Inf and Expected is +Inf. New still accepts the
// profile, and its pacer's Next returns false at once, so a loop that
// forgets to check sends nothing rather than spinning forever.
func Unlimited(r scenarios.Rate) bool {
	return r.Profile == scenarios.RateUnlimited
}

// unlimitedPacer is the pacer of the unlimited profile.
type unlimitedPacer struct{}

func (unlimitedPacer) Next() (time.Duration, bool) { return 0, false }

func (unlimitedPacer) Rate(time.Duration) float64 { return math.Inf(1) }
