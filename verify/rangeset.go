package verify

import (
	"errors"
	"strconv"
)

// Range is the inclusive interval [Lo, Hi] of sequence numbers or offsets.
// In JSON it is the two-element array [lo,hi].
type Range struct {
	Lo, Hi uint64
}

// Len is the number of values in r. It wraps to 0 for the whole uint64
// domain, which no set in this package ever holds.
func (r Range) Len() uint64 { return r.Hi - r.Lo + 1 }

// MarshalJSON writes r as [lo,hi].
func (r Range) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 24)
	b = append(b, '[')
	b = strconv.AppendUint(b, r.Lo, 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, r.Hi, 10)
	return append(b, ']'), nil
}

var errRangeJSON = errors.New("verify: a range is written [lo,hi] with lo <= hi")

// UnmarshalJSON reads [lo,hi].
func (r *Range) UnmarshalJSON(b []byte) error {
	var lo, hi uint64
	i := 0
	skip := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	num := func() (uint64, bool) {
		skip()
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		v, err := strconv.ParseUint(string(b[j:i]), 10, 64)
		return v, err == nil
	}
	expect := func(c byte) bool {
		skip()
		if i < len(b) && b[i] == c {
			i++
			return true
		}
		return false
	}
	var ok1, ok2 bool
	if !expect('[') {
		return errRangeJSON
	}
	if lo, ok1 = num(); !ok1 || !expect(',') {
		return errRangeJSON
	}
	if hi, ok2 = num(); !ok2 || !expect(']') || lo > hi {
		return errRangeJSON
	}
	skip()
	if i != len(b) {
		return errRangeJSON
	}
	r.Lo, r.Hi = lo, hi
	return nil
}

// RangeSet is a set of uint64 values kept as sorted, disjoint, non-adjacent
// inclusive ranges: a run-length encoding whose size grows with the number
// of holes, not with the number of values. Adding at or past the end is
// O(1); adding elsewhere is a binary search plus, when the value neither
// extends nor joins a range, a move of the ranges after it. The zero value
// is an empty set. A RangeSet must not hold all 2^64 values (its count would
// wrap). It is not safe for concurrent use.
type RangeSet struct {
	r []Range
	n uint64
}

// RangeSetOf returns a set holding the given ranges, which may overlap and
// come in any order.
func RangeSetOf(rs ...Range) *RangeSet {
	s := &RangeSet{}
	for _, r := range rs {
		if r.Lo <= r.Hi {
			s.AddRange(r.Lo, r.Hi)
		}
	}
	return s
}

// Len is the number of values in s.
func (s *RangeSet) Len() uint64 { return s.n }

// Ranges returns the ranges of s in ascending order. The slice belongs to
// s: do not modify it, and do not keep it across changes to s.
func (s *RangeSet) Ranges() []Range { return s.r }

// Empty reports whether s holds no value.
func (s *RangeSet) Empty() bool { return len(s.r) == 0 }

// Max is the largest value in s; 0 when s is empty.
func (s *RangeSet) Max() uint64 {
	if len(s.r) == 0 {
		return 0
	}
	return s.r[len(s.r)-1].Hi
}

// search returns the index of the first range whose Hi >= x, or len(r).
func (s *RangeSet) search(x uint64) int {
	lo, hi := 0, len(s.r)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.r[m].Hi < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// searchLo returns the index of the first range whose Lo > x, or len(r).
func (s *RangeSet) searchLo(x uint64) int {
	lo, hi := 0, len(s.r)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s.r[m].Lo <= x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Contains reports whether x is in s.
func (s *RangeSet) Contains(x uint64) bool {
	n := len(s.r)
	if n == 0 {
		return false
	}
	if last := s.r[n-1]; x >= last.Lo {
		return x <= last.Hi
	}
	i := s.search(x)
	return i < n && s.r[i].Lo <= x
}

// Add adds x and reports whether it was new.
func (s *RangeSet) Add(x uint64) bool {
	n := len(s.r)
	if n == 0 {
		s.r = append(s.r, Range{x, x})
		s.n++
		return true
	}
	last := &s.r[n-1]
	if x > last.Hi {
		if x == last.Hi+1 {
			last.Hi = x
		} else {
			s.r = append(s.r, Range{x, x})
		}
		s.n++
		return true
	}
	if x >= last.Lo {
		return false
	}
	return s.addSlow(x)
}

func (s *RangeSet) addSlow(x uint64) bool {
	i := s.search(x) // exists: the last range has Hi >= x
	r := s.r
	if r[i].Lo <= x {
		return false
	}
	// r[i-1].Hi < x < r[i].Lo
	left := i > 0 && r[i-1].Hi+1 == x
	right := x+1 == r[i].Lo
	switch {
	case left && right:
		r[i-1].Hi = r[i].Hi
		s.r = append(r[:i], r[i+1:]...)
	case left:
		r[i-1].Hi = x
	case right:
		r[i].Lo = x
	default:
		s.r = append(s.r, Range{})
		copy(s.r[i+1:], s.r[i:])
		s.r[i] = Range{x, x}
	}
	s.n++
	return true
}

// AddRange adds every value of [lo, hi] and returns how many were new.
// It does nothing when lo > hi.
func (s *RangeSet) AddRange(lo, hi uint64) uint64 {
	if lo > hi {
		return 0
	}
	n := len(s.r)
	if n == 0 || lo > s.r[n-1].Hi {
		if n > 0 && lo == s.r[n-1].Hi+1 {
			s.r[n-1].Hi = hi
		} else {
			s.r = append(s.r, Range{lo, hi})
		}
		added := hi - lo + 1
		s.n += added
		return added
	}
	// i: first range that overlaps or touches [lo, hi] from the left.
	i := s.search(lo)
	if i > 0 && s.r[i-1].Hi+1 == lo {
		i--
	}
	// j: first range entirely after hi+1 (not touching).
	j := n
	if hi != ^uint64(0) {
		j = s.searchLo(hi + 1)
	}
	if i >= j {
		// No range overlaps or touches: insert at i.
		s.r = append(s.r, Range{})
		copy(s.r[i+1:], s.r[i:])
		s.r[i] = Range{lo, hi}
		added := hi - lo + 1
		s.n += added
		return added
	}
	nlo, nhi := min(lo, s.r[i].Lo), max(hi, s.r[j-1].Hi)
	var old uint64
	for k := i; k < j; k++ {
		old += s.r[k].Len()
	}
	s.r[i] = Range{nlo, nhi}
	s.r = append(s.r[:i+1], s.r[j:]...)
	added := (nhi - nlo + 1) - old
	s.n += added
	return added
}

// Remove removes every value of [lo, hi] and returns how many were present.
func (s *RangeSet) Remove(lo, hi uint64) uint64 {
	if lo > hi || len(s.r) == 0 {
		return 0
	}
	i := s.search(lo)
	j := len(s.r)
	if hi != ^uint64(0) {
		j = s.searchLo(hi)
	}
	if i >= j {
		return 0
	}
	var removed uint64
	for k := i; k < j; k++ {
		removed += min(hi, s.r[k].Hi) - max(lo, s.r[k].Lo) + 1
	}
	var keep [2]Range
	nk := 0
	if s.r[i].Lo < lo {
		keep[nk] = Range{s.r[i].Lo, lo - 1}
		nk++
	}
	if s.r[j-1].Hi > hi {
		keep[nk] = Range{hi + 1, s.r[j-1].Hi}
		nk++
	}
	switch {
	case nk == j-i:
		copy(s.r[i:], keep[:nk])
	case nk < j-i:
		copy(s.r[i:], keep[:nk])
		s.r = append(s.r[:i+nk], s.r[j:]...)
	default: // one range split in two
		s.r = append(s.r, Range{})
		copy(s.r[j+1:], s.r[j:])
		s.r[i], s.r[i+1] = keep[0], keep[1]
	}
	s.n -= removed
	return removed
}

// CountIn is the number of values of s in [lo, hi].
func (s *RangeSet) CountIn(lo, hi uint64) uint64 {
	if lo > hi {
		return 0
	}
	var c uint64
	for k := s.search(lo); k < len(s.r) && s.r[k].Lo <= hi; k++ {
		c += min(hi, s.r[k].Hi) - max(lo, s.r[k].Lo) + 1
	}
	return c
}

// EachIn calls fn with each maximal range of values of s within [lo, hi],
// in ascending order.
func (s *RangeSet) EachIn(lo, hi uint64, fn func(Range)) {
	if lo > hi {
		return
	}
	for k := s.search(lo); k < len(s.r) && s.r[k].Lo <= hi; k++ {
		fn(Range{max(lo, s.r[k].Lo), min(hi, s.r[k].Hi)})
	}
}

// Union adds every value of o to s.
func (s *RangeSet) Union(o *RangeSet) {
	if len(o.r) == 0 {
		return
	}
	if len(o.r) <= 4 || len(s.r) == 0 {
		for _, r := range o.r {
			s.AddRange(r.Lo, r.Hi)
		}
		return
	}
	s.r, s.n = unionRanges(s.r, o.r)
}

// Clone returns a copy of s.
func (s *RangeSet) Clone() *RangeSet {
	return &RangeSet{r: append([]Range(nil), s.r...), n: s.n}
}

// setRanges replaces the contents of s with rs, which must be sorted,
// disjoint and non-adjacent (as produced by Ranges).
func (s *RangeSet) setRanges(rs []Range) {
	s.r = rs
	s.n = 0
	for _, r := range rs {
		s.n += r.Len()
	}
}

// validRanges reports whether rs is sorted, disjoint and non-adjacent.
func validRanges(rs []Range) bool {
	for i, r := range rs {
		if r.Lo > r.Hi {
			return false
		}
		if i > 0 && (rs[i-1].Hi == ^uint64(0) || rs[i-1].Hi+1 >= r.Lo) {
			return false
		}
	}
	return true
}

// unionRanges merges two normalised range lists into a new one and returns
// it with its value count.
func unionRanges(a, b []Range) ([]Range, uint64) {
	out := make([]Range, 0, len(a)+len(b))
	var n uint64
	push := func(r Range) {
		if k := len(out) - 1; k >= 0 && (out[k].Hi == ^uint64(0) || r.Lo <= out[k].Hi+1) {
			if r.Hi > out[k].Hi {
				n += r.Hi - out[k].Hi
				out[k].Hi = r.Hi
			}
			return
		}
		out = append(out, r)
		n += r.Len()
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j >= len(b) || (i < len(a) && a[i].Lo <= b[j].Lo) {
			push(a[i])
			i++
		} else {
			push(b[j])
			j++
		}
	}
	return out, n
}

// intersectEach calls fn with each maximal range of values in both a and b.
func intersectEach(a, b []Range, fn func(Range)) {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].Lo, b[j].Lo), min(a[i].Hi, b[j].Hi)
		if lo <= hi {
			fn(Range{lo, hi})
		}
		if a[i].Hi < b[j].Hi {
			i++
		} else {
			j++
		}
	}
}

// intersectLen is the number of values in both a and b.
func intersectLen(a, b []Range) uint64 {
	var n uint64
	intersectEach(a, b, func(r Range) { n += r.Len() })
	return n
}

// diffEach calls fn with each maximal range of values in a but not in b.
func diffEach(a, b []Range, fn func(Range)) {
	j := 0
	for _, r := range a {
		lo := r.Lo
		for j < len(b) && b[j].Hi < lo {
			j++
		}
		k := j
		done := false
		for k < len(b) && b[k].Lo <= r.Hi {
			if b[k].Lo > lo {
				fn(Range{lo, b[k].Lo - 1})
			}
			if b[k].Hi >= r.Hi {
				done = true
				break
			}
			lo = b[k].Hi + 1
			k++
		}
		if !done {
			fn(Range{lo, r.Hi})
		}
		j = k
	}
}

// diffRanges returns a − b as a new normalised list.
func diffRanges(a, b []Range) []Range {
	var out []Range
	diffEach(a, b, func(r Range) { out = append(out, r) })
	return out
}
