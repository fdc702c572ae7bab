package verify

import "math/bits"

// winTop bounds the values a window covers; larger values (absurd sequence
// numbers from a corrupted or foreign header) live in the range set only.
const winTop = 1 << 62

// Window sizes, in values (bits). A sequence window costs 16 KiB, an offset
// window 2 KiB; each is allocated only once its set sees a value arrive out
// of order.
const (
	seqWindow    = 1 << 17
	offsetWindow = 1 << 14
)

// winSet is a RangeSet with a bitmap window over its most recent values.
//
// Values arrive nearly sorted: acknowledgements of a stream come back out of
// order across partitions, and consumers read partitions at different
// speeds. Filling a hole deep inside a long range list moves every range
// after it, so the newest values go into a ring of bits covering
// [base, base+span) instead, and whole words of it move to the range list
// as the window slides forward. Values below base (rare stragglers) go to
// the range list directly. Until the first value arrives out of order the
// set is a plain RangeSet and costs nothing more.
//
// Invariant: rs holds no value in [base, base+span) while the window exists.
type winSet struct {
	rs    RangeSet
	win   []uint64 // ring of words; nil until the first out-of-order value
	base  uint64   // first value the window covers; a multiple of 64
	span  uint64   // values covered by the window; a power of two >= 128
	inWin uint64   // values held in the window
	max   uint64   // largest value; valid when Len() > 0
	size  uint64   // span for the window once allocated
}

func newWinSet(span uint64) winSet { return winSet{size: span} }

// Len is the number of values in the set.
func (s *winSet) Len() uint64 { return s.rs.n + s.inWin }

// Max is the largest value; 0 when empty.
func (s *winSet) Max() uint64 { return s.max }

// Empty reports whether the set holds no value.
func (s *winSet) Empty() bool { return s.Len() == 0 }

func (s *winSet) inWindow(x uint64) bool {
	return s.win != nil && x >= s.base && x-s.base < s.span
}

// Contains reports whether x is in the set.
func (s *winSet) Contains(x uint64) bool {
	if s.inWindow(x) {
		return s.win[(x>>6)&(s.span/64-1)]&(1<<(x&63)) != 0
	}
	return s.rs.Contains(x)
}

// Add adds x and reports whether it was new.
func (s *winSet) Add(x uint64) bool {
	if s.win != nil && x >= s.base && x < winTop {
		if x-s.base >= s.span {
			s.slide(x)
		}
		w := &s.win[(x>>6)&(s.span/64-1)]
		b := uint64(1) << (x & 63)
		if *w&b != 0 {
			return false
		}
		*w |= b
		s.inWin++
		if x > s.max {
			s.max = x
		}
		return true
	}
	empty := s.Len() == 0
	if s.win == nil && !empty && x < s.max && s.size != 0 && s.max < winTop-2*s.size {
		// First value out of order: from now on keep recent values in a
		// window starting just above the current maximum.
		s.win = make([]uint64, s.size/64)
		s.span = s.size
		s.base = (s.max + 64) &^ 63
	}
	if !s.rs.Add(x) {
		return false
	}
	if empty || x > s.max {
		s.max = x
	}
	return true
}

// slide moves the window up so that its last word covers x, moving the
// words that fall out of it to the range list.
func (s *winSet) slide(x uint64) {
	nb := (x &^ 63) - (s.span - 64)
	end := min(nb, s.base+s.span)
	for b := s.base; b < end; b += 64 {
		s.flushWord(b)
	}
	s.base = nb
}

// flushWord moves the word covering [b, b+64) to the range list.
func (s *winSet) flushWord(b uint64) {
	i := (b >> 6) & (s.span/64 - 1)
	w := s.win[i]
	if w == 0 {
		return
	}
	s.win[i] = 0
	s.inWin -= uint64(bits.OnesCount64(w))
	if w == ^uint64(0) {
		s.rs.AddRange(b, b+63)
		return
	}
	for w != 0 {
		lo := uint64(bits.TrailingZeros64(w))
		run := uint64(bits.TrailingZeros64(^(w >> lo)))
		s.rs.AddRange(b+lo, b+lo+run-1)
		if lo+run >= 64 {
			break
		}
		w &^= (uint64(1) << (lo + run)) - 1
	}
}

// AddRange adds [lo, hi] and returns how many values were new.
func (s *winSet) AddRange(lo, hi uint64) uint64 {
	if lo > hi {
		return 0
	}
	empty, top := s.Len() == 0, hi
	var added uint64
	if s.win == nil {
		added = s.rs.AddRange(lo, hi)
	} else {
		if t := min(hi, winTop-1); t >= s.base && t-s.base >= s.span {
			s.slide(t)
		}
		if lo < s.base {
			h := min(hi, s.base-1)
			added += s.rs.AddRange(lo, h)
			lo = h + 1
		}
		if lo <= hi && lo < s.base+s.span {
			h := min(hi, s.base+s.span-1)
			added += s.setBits(lo, h)
			if h == hi {
				lo, hi = 1, 0 // done
			} else {
				lo = h + 1
			}
		}
		if lo <= hi {
			added += s.rs.AddRange(lo, hi) // at or above winTop
		}
	}
	if empty || top > s.max {
		s.max = top
	}
	return added
}

// setBits sets [lo, hi], which lies inside the window, and returns how many
// bits were new.
func (s *winSet) setBits(lo, hi uint64) uint64 {
	var added uint64
	mask := s.span/64 - 1
	for lo <= hi {
		wb := lo &^ 63
		top := min(hi, wb+63)
		m := ^uint64(0) >> (63 - (top - wb)) // bits 0..top-wb
		m &^= (uint64(1) << (lo - wb)) - 1   // minus bits below lo
		w := &s.win[(lo>>6)&mask]
		added += uint64(bits.OnesCount64(m &^ *w))
		*w |= m
		if top == hi {
			break
		}
		lo = top + 1
	}
	s.inWin += added
	return added
}

// EachIn calls fn with each maximal range of values within [lo, hi], in
// ascending order.
func (s *winSet) EachIn(lo, hi uint64, fn func(Range)) {
	if lo > hi {
		return
	}
	var cur Range
	have := false
	emit := func(r Range) {
		if have && cur.Hi+1 == r.Lo {
			cur.Hi = r.Hi
			return
		}
		if have {
			fn(cur)
		}
		cur, have = r, true
	}
	if s.win == nil {
		s.rs.EachIn(lo, hi, fn)
		return
	}
	// Below the window, in it, above it (only values >= winTop).
	if lo < s.base {
		s.rs.EachIn(lo, min(hi, s.base-1), emit)
	}
	wlo, whi := max(lo, s.base), min(hi, s.base+s.span-1)
	mask := s.span/64 - 1
	for x := wlo; x <= whi && wlo <= whi; {
		wb := x &^ 63
		top := min(whi, wb+63)
		m := ^uint64(0) >> (63 - (top - wb))
		m &^= (uint64(1) << (x - wb)) - 1
		w := s.win[(x>>6)&mask] & m
		for w != 0 {
			l := uint64(bits.TrailingZeros64(w))
			run := uint64(bits.TrailingZeros64(^(w >> l)))
			emit(Range{wb + l, wb + l + run - 1})
			if l+run >= 64 {
				break
			}
			w &^= (uint64(1) << (l + run)) - 1
		}
		if top == whi {
			break
		}
		x = top + 1
	}
	if hi >= s.base+s.span {
		s.rs.EachIn(max(lo, s.base+s.span), hi, emit)
	}
	if have {
		fn(cur)
	}
}

// CountIn is the number of values within [lo, hi].
func (s *winSet) CountIn(lo, hi uint64) uint64 {
	if s.win == nil {
		return s.rs.CountIn(lo, hi)
	}
	var n uint64
	s.EachIn(lo, hi, func(r Range) { n += r.Len() })
	return n
}

// EachMissing calls fn with each maximal range within [lo, hi] that holds
// no value of the set, in ascending order.
func (s *winSet) EachMissing(lo, hi uint64, fn func(Range)) {
	if lo > hi {
		return
	}
	next := lo
	done := false
	s.EachIn(lo, hi, func(r Range) {
		if r.Lo > next {
			fn(Range{next, r.Lo - 1})
		}
		if r.Hi == hi {
			done = true
		} else {
			next = r.Hi + 1
		}
	})
	if !done {
		fn(Range{next, hi})
	}
}

// Seal moves the window's contents to the range list; Ranges is complete
// afterwards. The set stays usable.
func (s *winSet) Seal() {
	if s.win == nil {
		return
	}
	for b := s.base; b < s.base+s.span; b += 64 {
		s.flushWord(b)
	}
}

// Ranges returns the set's ranges; call Seal first.
func (s *winSet) Ranges() []Range { return s.rs.r }

// sealed returns the set's contents as a RangeSet after sealing it.
func (s *winSet) sealed() *RangeSet {
	s.Seal()
	return &s.rs
}
