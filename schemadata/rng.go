package schemadata

import (
	"math/bits"
)

// source is the generator's pseudo-random generator (a Weyl sequence
// finished by a 128-bit multiply, as wyrand does). It implements
// math/rand/v2's Source, so the same state also drives the gofakeit Faker
// used for hints: one seed and stream give one sequence of values.
type source struct{ s uint64 }

// Uint64 returns the next 64 pseudo-random bits.
func (r *source) Uint64() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// uintN returns a uniform value in [0, n); n must be > 0 (Lemire's
// multiply-and-reject method, unbiased).
func (r *source) uintN(n uint64) uint64 {
	hi, lo := bits.Mul64(r.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.Uint64(), n)
		}
	}
	return hi
}

// intn returns a uniform int in [0, n); n must be > 0.
func (r *source) intn(n int) int { return int(r.uintN(uint64(n))) }

// between returns a uniform int64 in [lo, hi]; lo <= hi.
func (r *source) between(lo, hi int64) int64 {
	span := uint64(hi - lo)
	if span == ^uint64(0) {
		return int64(r.Uint64())
	}
	return lo + int64(r.uintN(span+1))
}

// float64 returns a uniform float64 in [0, 1).
func (r *source) float64() float64 { return float64(r.Uint64()>>11) * (1.0 / (1 << 53)) }

// hit reports whether a draw falls under the threshold cut (see probCut).
func (r *source) hit(cut uint64) bool { return cut != 0 && r.Uint64() < cut }

// mix64 is the splitmix64 finaliser: a bijection that spreads every input
// bit over the output.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// seedOf derives the state of stream number stream of seed. The salt keeps
// schema-driven values apart from the other generators' streams.
func seedOf(seed, stream uint64) uint64 {
	const salt = 0x736368656d610005
	return mix64(mix64(seed^salt) + mix64(stream+0x9e3779b97f4a7c15))
}

// probCut turns a probability into a threshold for Uint64: a draw below the
// threshold happens with that probability. 0 means never.
func probCut(p float64) uint64 {
	switch {
	case !(p > 0):
		return 0
	case p >= 1:
		return ^uint64(0)
	}
	return uint64(p * (1 << 64))
}
