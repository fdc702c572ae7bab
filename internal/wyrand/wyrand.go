// Package wyrand is the small, fast pseudo-random generator kbench's data
// generators share: a Weyl sequence finished by a 128-bit multiply (the
// wyrand construction), with unbiased bounded draws and seed mixing.
package wyrand

import (
	"math"
	"math/bits"
)

// Source is the generator's state. It implements math/rand/v2's Source,
// so the same state can drive a gofakeit Faker and math/rand/v2 helpers.
// The zero value is a valid state; set S to seed it (see Seed).
type Source struct{ S uint64 }

// Uint64 returns the next 64 pseudo-random bits.
func (r *Source) Uint64() uint64 {
	r.S += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.S, r.S^0xe7037ed1a0b428db)
	return hi ^ lo
}

// UintN returns a uniform value in [0, n); n must be > 0 (Lemire's
// nearly-divisionless method, unbiased).
func (r *Source) UintN(n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// IntN returns a uniform int in [0, n); n must be > 0.
func (r *Source) IntN(n int) int { return int(r.UintN(uint64(n))) }

// Between returns a uniform int64 in [lo, hi]; lo <= hi.
func (r *Source) Between(lo, hi int64) int64 {
	span := uint64(hi - lo)
	if span == ^uint64(0) {
		return int64(r.Uint64())
	}
	return lo + int64(r.UintN(span+1))
}

// Float64 returns a uniform float64 in [0, 1).
func (r *Source) Float64() float64 { return float64(r.Uint64()>>11) * (1.0 / (1 << 53)) }

// Hit reports whether a draw falls under the threshold cut (see ProbCut).
func (r *Source) Hit(cut uint64) bool { return cut != 0 && r.Uint64() < cut }

// Mix64 is the splitmix64 finaliser: a bijection that spreads every input
// bit over the output.
func Mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// Seed derives a well-mixed state from a seed, a salt (which keeps
// independent streams apart) and an index (a stream or key number).
func Seed(seed, salt, i uint64) uint64 {
	return Mix64(Mix64(seed^salt) + Mix64(i+0x9e3779b97f4a7c15))
}

// ProbCut turns a probability into a threshold for Uint64: a draw below the
// threshold happens with that probability. 0 means never; p >= 1 gives
// MaxUint64, which is off by 2^-64 (callers treat p >= 1 as "always"
// separately when it matters).
func ProbCut(p float64) uint64 {
	switch {
	case !(p > 0):
		return 0
	case p >= 1:
		return math.MaxUint64
	}
	return uint64(p * (1 << 64))
}
