package pacer

import (
	"math"
	"math/rand/v2"
	"time"
)

// piecewise paces constant, ramp, steps and spike profiles: record n is
// at Λ⁻¹(n) solved in closed form inside the segment holding it.
type piecewise struct {
	seg  *segment // current segment; nil once done
	rest []segment
	n    float64 // index of the next record (exact up to 2^53)
	last time.Duration
	dur  time.Duration
	prof *profile
}

func newPiecewise(p *profile, dur time.Duration) *piecewise {
	pw := &piecewise{seg: &p.segs[0], rest: p.segs[1:], dur: dur, prof: p}
	if dur == 0 {
		pw.seg = nil
	}
	return pw
}

// Next implements Pacer.
func (p *piecewise) Next() (time.Duration, bool) {
	s := p.seg
	if s == nil {
		return 0, false
	}
	for p.n >= s.lam1 { // the record lies beyond this segment (or it has rate 0)
		if len(p.rest) == 0 {
			p.seg = nil
			return 0, false
		}
		s = &p.rest[0]
		p.seg, p.rest = s, p.rest[1:]
	}
	m := p.n - s.lam0
	var x float64 // seconds into the segment
	if s.slope == 0 {
		x = m * s.inv
	} else if m > 0 {
		// r0·x + slope·x²/2 = m, in the form that does not cancel.
		disc := max(s.r0*s.r0+2*s.slope*m, 0)
		x = 2 * m / (s.r0 + math.Sqrt(disc))
	}
	ns := x * 1e9
	if !(ns < float64(p.dur-s.start)) { // beyond the run (also catches +Inf)
		p.seg = nil
		return 0, false
	}
	off := s.start + time.Duration(ns)
	off = min(off, s.end) // rounding must not leave the segment
	off = max(off, p.last)
	if off >= p.dur {
		p.seg = nil
		return 0, false
	}
	p.last = off
	p.n++
	return off, true
}

// Rate implements Pacer.
func (p *piecewise) Rate(t time.Duration) float64 { return p.prof.rateAt(t) }

// sine paces the sine profile. Within each period Λ is known in closed
// form; record n is found by Newton's method on it, safeguarded by a
// bracket (the rate may touch zero), starting from the previous record.
type sine struct {
	prof      *profile
	mean, amp float64
	omega     float64
	perS      float64 // the period in seconds
	perLam    float64 // records per period
	dur       time.Duration
	done      bool
	n         float64
	last      time.Duration

	k        int64   // current period
	kStart   float64 // Λ at the start of period k
	x        float64 // seconds into period k of the last record
	lastLam  float64 // Λ at x, relative to kStart
	lastRate float64 // rate at x
}

func newSine(p *profile, dur time.Duration) *sine {
	s := &sine{prof: p, mean: p.mean, amp: p.amp, omega: p.omega,
		perS: p.period.Seconds(), dur: dur, k: -1}
	s.perLam = s.mean * s.perS
	if dur == 0 || !(s.perLam > 0) {
		s.done = true
	}
	return s
}

// Next implements Pacer.
func (s *sine) Next() (time.Duration, bool) {
	if s.done {
		return 0, false
	}
	target := s.n - s.kStart
	if s.k < 0 || target >= s.perLam {
		// Enter the period holding record n, jumping over whole periods.
		k := math.Floor(s.n / s.perLam)
		if k*s.perS*1e9 >= float64(s.dur) {
			s.done = true
			return 0, false
		}
		s.k = int64(k)
		s.kStart = k * s.perLam
		target = s.n - s.kStart
		if target < 0 { // rounding
			target = 0
		}
		s.x, s.lastLam, s.lastRate = 0, 0, s.mean
	}
	x := s.solve(target)
	start := time.Duration(s.k) * s.prof.period
	ns := x * 1e9
	if !(ns < float64(s.dur-start)) {
		s.done = true
		return 0, false
	}
	off := start + time.Duration(ns)
	off = max(off, s.last)
	if off >= s.dur {
		s.done = true
		return 0, false
	}
	s.last = off
	s.n++
	return off, true
}

// solve returns the x in [s.x, period] with Λ(x) = target (relative to the
// period start) and records it as the last solution.
func (s *sine) solve(target float64) float64 {
	lo, hi := s.x, s.perS
	if target <= s.lastLam { // e.g. record 0 of a period
		s.lastLam = target
		return lo
	}
	x := lo
	if s.lastRate > 0 {
		x = lo + (target-s.lastLam)/s.lastRate
	}
	c := s.amp / s.omega
	var rate float64
	for range 100 {
		if !(x > lo && x < hi) {
			x = lo + (hi-lo)/2
		}
		sn, cs := math.Sincos(s.omega * x)
		rate = s.mean + s.amp*sn
		f := s.mean*x + c*(1-cs) - target
		if f > 0 {
			hi = x
		} else {
			lo = x
		}
		if rate <= 0 {
			continue // bisect
		}
		step := f / rate
		nx := x - step
		if math.Abs(step) < 1e-10 || hi-lo < 1e-10 { // 0.1ns
			x = min(max(nx, lo), hi)
			break
		}
		x = nx
	}
	// Λ(x) = target to well within a record; rate is from the last
	// evaluation, close enough for the next first guess.
	s.x, s.lastLam, s.lastRate = x, target, rate
	return x
}

// Rate implements Pacer.
func (s *sine) Rate(t time.Duration) float64 { return s.prof.rateAt(t) }

// poisson paces the poisson profile: exponential gaps of mean 1/rate.
type poisson struct {
	rng  *rand.Rand
	mean float64 // mean gap in ns
	t    float64 // next offset in ns
	dur  float64
	done bool
	rate float64
}

func newPoisson(p *profile, dur time.Duration, seed uint64) *poisson {
	q := &poisson{
		rng:  rand.New(rand.NewPCG(seed, seed^0x6a09e667f3bcc909)),
		dur:  float64(dur),
		rate: p.rate,
	}
	if p.rate > 0 {
		q.mean = 1e9 / p.rate
	} else {
		q.done = true
	}
	if dur == 0 {
		q.done = true
	}
	return q
}

// Next implements Pacer.
func (q *poisson) Next() (time.Duration, bool) {
	if q.done {
		return 0, false
	}
	q.t += q.rng.ExpFloat64() * q.mean
	if !(q.t < q.dur) {
		q.done = true
		return 0, false
	}
	return time.Duration(q.t), true
}

// Rate implements Pacer.
func (q *poisson) Rate(time.Duration) float64 { return q.rate }
