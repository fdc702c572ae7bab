package generators

import (
	"math"
	"math/bits"
)

// source is a small, fast pseudo-random generator (the wyrand construction:
// a Weyl sequence finished by a 128-bit multiply). It implements
// math/rand/v2's Source, so the same state also drives the generator's
// gofakeit Faker and math/rand/v2 helpers (Zipf, normal, exponential).
type source struct{ s uint64 }

// Uint64 returns the next 64 pseudo-random bits.
func (r *source) Uint64() uint64 {
	r.s += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.s, r.s^0xe7037ed1a0b428db)
	return hi ^ lo
}

// uintN returns a uniform value in [0, n); n must be > 0 (Lemire's
// nearly-divisionless method, unbiased).
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

// float64 returns a uniform float64 in [0, 1).
func (r *source) float64() float64 { return float64(r.Uint64()>>11) * (1.0 / (1 << 53)) }

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

// Salts keep the generator's independent random streams apart.
const (
	saltValues uint64 = 0x76616c7565730001 // record values of one stream
	saltKeys   uint64 = 0x6b6579730000002  // key choice of one stream
	saltKeyVal uint64 = 0x6b657976616c0003 // key-field value of one key index
	saltBytes  uint64 = 0x6279746573000004 // the random byte pool
)

// seedOf derives a well-mixed state from a seed, a salt and an index
// (stream number or key index).
func seedOf(seed, salt, i uint64) uint64 {
	return mix64(mix64(seed^salt) + mix64(i+0x9e3779b97f4a7c15))
}

// probCut turns a probability into a threshold for Uint64: a draw below the
// threshold happens with that probability. p >= 1 gives MaxUint64, which is
// off by 2^-64; callers treat p >= 1 as "always" separately when it matters.
func probCut(p float64) uint64 {
	switch {
	case !(p > 0):
		return 0
	case p >= 1:
		return math.MaxUint64
	}
	return uint64(p * (1 << 64))
}
