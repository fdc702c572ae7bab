package generators

import (
	"fmt"
	"math"

	"github.com/kbench/kbench/scenarios"
)

const (
	poolSize       = 1 << 20 // random bytes values are cut from
	defaultMaxSize = 1 << 20 // Max of unbounded size distributions
	maxSizeLimit   = 1 << 30 // largest value New accepts
	defaultSize    = 100     // size when the distribution is unset
)

// sizeDist is a validated scenarios.SizeDist.
type sizeDist struct {
	kind         scenarios.SizeKind
	fixed        int
	min, max     int
	mean, stddev float64
	uniformSpan  uint64
}

func newSizeDist(s scenarios.SizeDist) (sizeDist, error) {
	d := sizeDist{kind: s.Kind, fixed: s.Fixed, min: s.Min, max: s.Max, mean: float64(s.Mean), stddev: float64(s.Stddev)}
	if d.kind == "" {
		d.kind = scenarios.SizeFixed
		if s == (scenarios.SizeDist{}) {
			d.fixed = defaultSize
		}
	}
	if s.Min < 0 || s.Max < 0 || s.Fixed < 0 || s.Mean < 0 || s.Stddev < 0 {
		return d, fmt.Errorf("value sizes must not be negative (%+v)", s)
	}
	switch d.kind {
	case scenarios.SizeFixed:
		if d.fixed > maxSizeLimit {
			return d, fmt.Errorf("value size %d is larger than %d", d.fixed, maxSizeLimit)
		}
	case scenarios.SizeUniform:
		if d.max < d.min {
			return d, fmt.Errorf("uniform value size: max %d is less than min %d", d.max, d.min)
		}
		d.uniformSpan = uint64(d.max-d.min) + 1
	case scenarios.SizeNormal, scenarios.SizeExponential:
		if d.max == 0 {
			d.max = max(defaultMaxSize, d.min)
		}
		if d.max < d.min {
			return d, fmt.Errorf("%s value size: max %d is less than min %d", d.kind, d.max, d.min)
		}
	default:
		return d, fmt.Errorf("unknown size distribution %q (want fixed, uniform, normal or exponential)", s.Kind)
	}
	if d.max > maxSizeLimit {
		return d, fmt.Errorf("value size max %d is larger than %d", d.max, maxSizeLimit)
	}
	return d, nil
}

// nextSize draws a value size.
func (g *Generator) nextSize() int {
	d := &g.sizes
	var v float64
	switch d.kind {
	case scenarios.SizeFixed:
		return d.fixed
	case scenarios.SizeUniform:
		return d.min + int(g.vsrc.UintN(d.uniformSpan))
	case scenarios.SizeNormal:
		v = d.mean + d.stddev*g.rnd.NormFloat64()
	default: // exponential
		v = d.mean * g.rnd.ExpFloat64()
	}
	v = math.Round(v)
	switch {
	case !(v >= float64(d.min)): // also NaN
		return d.min
	case v > float64(d.max):
		return d.max
	}
	return int(v)
}

// makePool fills the random byte pool.
func makePool(seed uint64) []byte {
	r := source{S: seed}
	p := make([]byte, poolSize)
	for i := 0; i < len(p); i += 8 {
		x := r.Uint64()
		for j := range 8 {
			p[i+j] = byte(x >> (8 * j))
		}
	}
	return p
}

// appendBytes appends a random value: a run of the pool starting at a
// random offset, wrapping around for values longer than the pool.
// sharedBytes returns the next bytes value as a slice of the pool, when it
// does not wrap around the pool's end (it then draws exactly what
// appendBytes would, so that both give the same sequence).
func (g *Generator) sharedBytes() ([]byte, bool) {
	st := g.vsrc
	n := g.nextSize()
	off := int(g.vsrc.UintN(poolSize))
	if n <= poolSize-off {
		return g.pool[off : off+n : off+n], true
	}
	g.vsrc = st // undo: appendBytes draws again
	return nil, false
}

func (g *Generator) appendBytes(dst []byte) []byte {
	n := g.nextSize()
	off := int(g.vsrc.UintN(poolSize))
	if n <= poolSize-off {
		return append(dst, g.pool[off:off+n]...)
	}
	dst = growBy(dst, n)
	for n > 0 {
		c := min(n, poolSize-off)
		dst = append(dst, g.pool[off:off+c]...)
		n -= c
		off = 0
	}
	return dst
}

// growBy makes room for n more bytes in one allocation.
func growBy(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	nb := make([]byte, len(b), len(b)+n)
	copy(nb, b)
	return nb
}
