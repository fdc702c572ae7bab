package pacer

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/kbench/kbench/scenarios"
)

// kind is how a compiled profile produces offsets.
type kind int

const (
	kindPiecewise kind = iota // constant, ramp, steps, spike
	kindSine
	kindPoisson
	kindUnlimited
)

// forever is the end of a profile's last, open-ended segment.
const forever = time.Duration(math.MaxInt64)

// segment is a piece of a piecewise profile on which the rate is linear:
// rate(t) = r0 + slope·(t−start), with t in seconds. lam0 and lam1 are the
// cumulative intended counts Λ at start and end (lam1 = +Inf for an
// open-ended segment with a positive rate).
type segment struct {
	start, end time.Duration
	r0, slope  float64
	inv        float64 // 1/r0 when slope == 0 and r0 > 0
	lam0, lam1 float64
}

// rate is the segment's rate at t (start ≤ t).
func (s *segment) rate(t time.Duration) float64 {
	if s.slope == 0 {
		return s.r0
	}
	return s.r0 + s.slope*(t-s.start).Seconds()
}

// lambda is Λ at t, start ≤ t ≤ end.
func (s *segment) lambda(t time.Duration) float64 {
	x := (t - s.start).Seconds()
	return s.lam0 + s.r0*x + s.slope*x*x/2
}

// profile is a validated, scaled rate profile.
type profile struct {
	kind kind
	segs []segment // kindPiecewise: consecutive, the first at 0, the last open-ended

	// kindSine: rate(t) = mean + amp·sin(omega·t), t in seconds.
	mean, amp, omega float64
	period           time.Duration
	// kindPoisson: the mean rate.
	rate float64
}

// checkRate rejects negative, NaN and infinite rates.
func checkRate(name string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return fmt.Errorf("pacer: %s must be a finite rate ≥ 0, got %v", name, v)
	}
	return nil
}

// scaled multiplies a checked rate by scale and checks the product again.
func scaled(name string, v, scale float64) (float64, error) {
	if err := checkRate(name, v); err != nil {
		return 0, err
	}
	v *= scale
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("pacer: %s × scale overflows", name)
	}
	return v, nil
}

// compile validates r and turns it into a profile with every rate
// multiplied by scale.
func compile(r scenarios.Rate, scale float64) (*profile, error) {
	if !(scale > 0) || math.IsInf(scale, 0) {
		return nil, fmt.Errorf("pacer: scale must be positive and finite, got %v", scale)
	}
	b := &builder{}
	switch r.Profile {
	case scenarios.RateUnlimited:
		return &profile{kind: kindUnlimited}, nil

	case scenarios.RateConstant:
		v, err := scaled("rate", r.Rate, scale)
		if err != nil {
			return nil, err
		}
		b.add(forever, v, 0)

	case scenarios.RatePoisson:
		v, err := scaled("rate", r.Rate, scale)
		if err != nil {
			return nil, err
		}
		return &profile{kind: kindPoisson, rate: v}, nil

	case scenarios.RateRamp:
		from, err := scaled("ramp from", r.From, scale)
		if err != nil {
			return nil, err
		}
		to, err := scaled("ramp to", r.To, scale)
		if err != nil {
			return nil, err
		}
		if r.Over <= 0 {
			return nil, fmt.Errorf("pacer: ramp over must be positive, got %v", r.Over)
		}
		b.add(r.Over, from, (to-from)/r.Over.Seconds())
		b.add(forever, to, 0)

	case scenarios.RateSteps:
		if len(r.Steps) == 0 {
			return nil, errors.New("pacer: steps profile without steps")
		}
		for i, st := range r.Steps {
			v, err := scaled(fmt.Sprintf("step %d rate", i+1), st.Rate, scale)
			if err != nil {
				return nil, err
			}
			if st.For < 0 {
				return nil, fmt.Errorf("pacer: step %d: negative duration %v", i+1, st.For)
			}
			if i == len(r.Steps)-1 {
				b.add(forever, v, 0) // the last step's rate continues
				break
			}
			if st.For > forever-b.at {
				return nil, fmt.Errorf("pacer: steps last longer than %v", forever)
			}
			b.add(b.at+st.For, v, 0)
		}

	case scenarios.RateSpike:
		base, err := scaled("rate", r.Rate, scale)
		if err != nil {
			return nil, err
		}
		peak, err := scaled("spike peak", r.Peak, scale)
		if err != nil {
			return nil, err
		}
		if r.At < 0 || r.For < 0 {
			return nil, fmt.Errorf("pacer: spike at %v for %v: times must be ≥ 0", r.At, r.For)
		}
		if r.For > forever-r.At {
			return nil, fmt.Errorf("pacer: spike ends after %v", forever)
		}
		b.add(r.At, base, 0)
		b.add(r.At+r.For, peak, 0)
		b.add(forever, base, 0)

	case scenarios.RateSine:
		mean, err := scaled("rate", r.Rate, scale)
		if err != nil {
			return nil, err
		}
		amp, err := scaled("sine amplitude", r.Amplitude, scale)
		if err != nil {
			return nil, err
		}
		if r.Period <= 0 {
			return nil, fmt.Errorf("pacer: sine period must be positive, got %v", r.Period)
		}
		if r.Amplitude > r.Rate {
			return nil, fmt.Errorf("pacer: sine amplitude %v exceeds rate %v: the rate would go negative", r.Amplitude, r.Rate)
		}
		amp = math.Min(amp, mean) // rounding in the scaling must not make it exceed
		return &profile{kind: kindSine, mean: mean, amp: amp, period: r.Period,
			omega: 2 * math.Pi / r.Period.Seconds()}, nil

	default:
		return nil, fmt.Errorf("pacer: unknown rate profile %q", r.Profile)
	}
	return &profile{kind: kindPiecewise, segs: b.segs}, nil
}

// builder appends consecutive segments, skipping empty ones.
type builder struct {
	segs []segment
	at   time.Duration // end of the last segment
	lam  float64       // Λ at
}

// add appends the segment [at, end) with rate r0 at its start and the given
// slope (records/s²). It does nothing when end ≤ at.
func (b *builder) add(end time.Duration, r0, slope float64) {
	if end <= b.at {
		return
	}
	s := segment{start: b.at, end: end, r0: r0, slope: slope, lam0: b.lam}
	if slope == 0 && r0 > 0 {
		s.inv = 1 / r0
	}
	switch {
	case end == forever && (r0 > 0 || slope > 0):
		s.lam1 = math.Inf(1)
	case end == forever:
		s.lam1 = b.lam // a zero rate forever adds nothing
	default:
		s.lam1 = s.lambda(end)
	}
	b.segs = append(b.segs, s)
	b.at, b.lam = end, s.lam1
}

// rateAt is the profile's rate at offset t (t < 0 counts as 0).
func (p *profile) rateAt(t time.Duration) float64 {
	t = max(t, 0)
	switch p.kind {
	case kindUnlimited:
		return math.Inf(1)
	case kindPoisson:
		return p.rate
	case kindSine:
		return p.mean + p.amp*math.Sin(p.omega*(t%p.period).Seconds())
	}
	s := p.find(t)
	return s.rate(t)
}

// find returns the segment containing t ≥ 0.
func (p *profile) find(t time.Duration) *segment {
	lo, hi := 0, len(p.segs)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if p.segs[mid].start <= t {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return &p.segs[lo]
}

// integral is Λ(d), d > 0, for every kind but unlimited.
func (p *profile) integral(d time.Duration) float64 {
	switch p.kind {
	case kindPoisson:
		return p.rate * d.Seconds()
	case kindSine:
		k := d / p.period
		return float64(k)*p.mean*p.period.Seconds() + p.sineLocal((d % p.period).Seconds())
	}
	return p.find(d).lambda(d)
}

// sineLocal is the sine's Λ over [0, x] of one period, x in seconds.
func (p *profile) sineLocal(x float64) float64 {
	return p.mean*x + p.amp/p.omega*(1-math.Cos(p.omega*x))
}
