package verify

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
)

func TestRangeSetAdd(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		add  []uint64
		want []Range
	}{
		{"empty", nil, nil},
		{"one", []uint64{5}, []Range{{5, 5}}},
		{"tail run", []uint64{1, 2, 3}, []Range{{1, 3}}},
		{"tail gap", []uint64{1, 3}, []Range{{1, 1}, {3, 3}}},
		{"fill hole joins", []uint64{1, 3, 2}, []Range{{1, 3}}},
		{"extend left", []uint64{5, 4}, []Range{{4, 5}}},
		{"extend right of earlier", []uint64{1, 10, 2}, []Range{{1, 2}, {10, 10}}},
		{"extend left of later", []uint64{1, 10, 9}, []Range{{1, 1}, {9, 10}}},
		{"insert middle", []uint64{1, 10, 5}, []Range{{1, 1}, {5, 5}, {10, 10}}},
		{"insert front", []uint64{10, 20, 1}, []Range{{1, 1}, {10, 10}, {20, 20}}},
		{"duplicate", []uint64{1, 2, 1, 2}, []Range{{1, 2}}},
		{"zero", []uint64{1, 0}, []Range{{0, 1}}},
		{"max", []uint64{math.MaxUint64, 0, math.MaxUint64 - 1}, []Range{{0, 0}, {math.MaxUint64 - 1, math.MaxUint64}}},
		{"out of order", []uint64{7, 3, 5, 4, 6, 1, 2}, []Range{{1, 7}}},
	}
	for _, c := range cases {
		var s RangeSet
		var n uint64
		for _, x := range c.add {
			if s.Add(x) {
				n++
			}
		}
		if got := s.Ranges(); !reflect.DeepEqual(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("%s: ranges %v, want %v", c.name, got, c.want)
		}
		if s.Len() != n || s.Len() != lenRanges(c.want) {
			t.Errorf("%s: Len %d, added %d, want %d", c.name, s.Len(), n, lenRanges(c.want))
		}
	}
}

func TestRangeSetAddRangeRemove(t *testing.T) {
	t.Parallel()
	base := []Range{{10, 19}, {30, 39}, {50, 59}}
	cases := []struct {
		name      string
		op        string
		lo, hi    uint64
		want      []Range
		wantCount uint64
	}{
		{"add before", "add", 0, 5, []Range{{0, 5}, {10, 19}, {30, 39}, {50, 59}}, 6},
		{"add touching left", "add", 0, 9, []Range{{0, 19}, {30, 39}, {50, 59}}, 10},
		{"add bridging", "add", 20, 29, []Range{{10, 39}, {50, 59}}, 10},
		{"add covering all", "add", 0, 100, []Range{{0, 100}}, 101 - 30},
		{"add inside", "add", 12, 15, base, 0},
		{"add overlapping two", "add", 15, 35, []Range{{10, 39}, {50, 59}}, 10},
		{"add tail adjacent", "add", 60, 70, []Range{{10, 19}, {30, 39}, {50, 70}}, 11},
		{"add tail", "add", 80, 90, []Range{{10, 19}, {30, 39}, {50, 59}, {80, 90}}, 11},
		{"add between", "add", 22, 25, []Range{{10, 19}, {22, 25}, {30, 39}, {50, 59}}, 4},
		{"add to max", "add", 55, math.MaxUint64, []Range{{10, 19}, {30, 39}, {50, math.MaxUint64}}, math.MaxUint64 - 59},
		{"remove none", "remove", 20, 29, base, 0},
		{"remove split", "remove", 12, 15, []Range{{10, 11}, {16, 19}, {30, 39}, {50, 59}}, 4},
		{"remove whole", "remove", 30, 39, []Range{{10, 19}, {50, 59}}, 10},
		{"remove across", "remove", 15, 55, []Range{{10, 14}, {56, 59}}, 5 + 10 + 6},
		{"remove all", "remove", 0, math.MaxUint64, nil, 30},
		{"remove head", "remove", 0, 10, []Range{{11, 19}, {30, 39}, {50, 59}}, 1},
		{"remove tail", "remove", 59, 100, []Range{{10, 19}, {30, 39}, {50, 58}}, 1},
	}
	for _, c := range cases {
		s := RangeSetOf(base...)
		var got uint64
		if c.op == "add" {
			got = s.AddRange(c.lo, c.hi)
		} else {
			got = s.Remove(c.lo, c.hi)
		}
		if len(c.want) == 0 && len(s.Ranges()) == 0 {
			// equal
		} else if !reflect.DeepEqual(s.Ranges(), c.want) {
			t.Errorf("%s: ranges %v, want %v", c.name, s.Ranges(), c.want)
		}
		if got != c.wantCount {
			t.Errorf("%s: count %d, want %d", c.name, got, c.wantCount)
		}
		if s.Len() != lenRanges(s.Ranges()) {
			t.Errorf("%s: Len %d, ranges hold %d", c.name, s.Len(), lenRanges(s.Ranges()))
		}
	}
}

func TestRangeOps(t *testing.T) {
	t.Parallel()
	a := []Range{{0, 9}, {20, 29}, {40, 49}}
	b := []Range{{5, 24}, {45, 60}}
	if got, want := diffRanges(a, b), []Range{{0, 4}, {25, 29}, {40, 44}}; !reflect.DeepEqual(got, want) {
		t.Errorf("diff %v, want %v", got, want)
	}
	if got, want := diffRanges(b, a), []Range{{10, 19}, {50, 60}}; !reflect.DeepEqual(got, want) {
		t.Errorf("diff %v, want %v", got, want)
	}
	if got := intersectLen(a, b); got != 5+5+5 {
		t.Errorf("intersectLen %d, want 15", got)
	}
	if got, n := unionRanges(a, b); !reflect.DeepEqual(got, []Range{{0, 29}, {40, 60}}) || n != 30+21 {
		t.Errorf("union %v %d", got, n)
	}
	var s RangeSet
	s.AddRange(0, 9)
	s.AddRange(20, 29)
	if s.CountIn(5, 25) != 11 {
		t.Errorf("CountIn = %d, want 11", s.CountIn(5, 25))
	}
}

func TestRangeJSON(t *testing.T) {
	t.Parallel()
	in := []Range{{0, 0}, {5, math.MaxUint64}}
	b, err := json.Marshal(in)
	if err != nil || string(b) != "[[0,0],[5,18446744073709551615]]" {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var out []Range
	if err := json.Unmarshal(b, &out); err != nil || !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: %v %v", out, err)
	}
	for _, bad := range []string{`[1]`, `[2,1]`, `{}`, `[1,2,3]`, `["1",2]`, `[-1,2]`} {
		var r Range
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// model is the map-based reference a range set is checked against.
type model map[uint64]bool

func (m model) ranges() []Range {
	xs := make([]uint64, 0, len(m))
	for x := range m {
		xs = append(xs, x)
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	var rs []Range
	for _, x := range xs {
		if n := len(rs); n > 0 && rs[n-1].Hi+1 == x {
			rs[n-1].Hi = x
		} else {
			rs = append(rs, Range{x, x})
		}
	}
	return rs
}

func sameRanges(a, b []Range) bool { return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b) }

// fuzzValue maps a byte pair to a value: mostly small, sometimes near the
// top of the domain.
func fuzzValue(b0, b1 byte) uint64 {
	v := uint64(b1)
	if b0&0x80 != 0 {
		return math.MaxUint64 - v
	}
	return v
}

func FuzzRangeSet(f *testing.F) {
	f.Add([]byte{0, 0, 5, 1, 0, 7, 0, 0, 6, 2, 0, 6})
	f.Add([]byte{1, 0, 10, 1, 0, 20, 3, 0, 15, 0, 0x80, 0, 4, 0, 1})
	f.Fuzz(checkRangeSetOps)
}

func checkRangeSetOps(t *testing.T, data []byte) {
	if len(data) > 1024 {
		data = data[:1024] // longer inputs only slow the fuzzer down
	}
	{
		var s RangeSet
		m := model{}
		for len(data) >= 4 {
			op, x, w := data[0]%5, fuzzValue(data[1], data[2]), uint64(data[3]%16)
			data = data[4:]
			hi := x + w
			if hi < x {
				hi = math.MaxUint64
			}
			switch op {
			case 0:
				if got, want := s.Add(x), !m[x]; got != want {
					t.Fatalf("Add(%d) = %v, want %v", x, got, want)
				}
				m[x] = true
			case 1:
				var want uint64
				for v := x; ; v++ {
					if !m[v] {
						want++
						m[v] = true
					}
					if v == hi {
						break
					}
				}
				if got := s.AddRange(x, hi); got != want {
					t.Fatalf("AddRange(%d,%d) = %d, want %d", x, hi, got, want)
				}
			case 2:
				var want uint64
				for v := x; ; v++ {
					if m[v] {
						want++
						delete(m, v)
					}
					if v == hi {
						break
					}
				}
				if got := s.Remove(x, hi); got != want {
					t.Fatalf("Remove(%d,%d) = %d, want %d", x, hi, got, want)
				}
			case 3:
				var want uint64
				for v := x; ; v++ {
					if m[v] {
						want++
					}
					if v == hi {
						break
					}
				}
				if got := s.CountIn(x, hi); got != want {
					t.Fatalf("CountIn(%d,%d) = %d, want %d", x, hi, got, want)
				}
			case 4:
				o := RangeSetOf(Range{x, hi}, Range{x / 2, x/2 + w})
				for _, r := range o.Ranges() {
					for v := r.Lo; ; v++ {
						m[v] = true
						if v == r.Hi {
							break
						}
					}
				}
				s.Union(o)
			}
			if got := s.Contains(x); got != m[x] {
				t.Fatalf("Contains(%d) = %v, want %v", x, got, m[x])
			}
		}
		want := m.ranges()
		if !sameRanges(s.Ranges(), want) || !validRanges(s.Ranges()) {
			t.Fatalf("ranges %v, want %v", s.Ranges(), want)
		}
		if s.Len() != uint64(len(m)) {
			t.Fatalf("Len %d, want %d", s.Len(), len(m))
		}
		// The list operations against the model.
		o := model{}
		for x := range m {
			if x%3 != 0 {
				o[x+1] = true
			}
		}
		or := o.ranges()
		var diff, inter []Range
		dm, im := model{}, model{}
		for x := range m {
			if o[x] {
				im[x] = true
			} else {
				dm[x] = true
			}
		}
		diffEach(s.Ranges(), or, func(r Range) { diff = append(diff, r) })
		intersectEach(s.Ranges(), or, func(r Range) { inter = append(inter, r) })
		if !sameRanges(diff, dm.ranges()) {
			t.Fatalf("diff %v, want %v", diff, dm.ranges())
		}
		if !sameRanges(inter, im.ranges()) {
			t.Fatalf("intersect %v, want %v", inter, im.ranges())
		}
		u, n := unionRanges(s.Ranges(), or)
		um := model{}
		for x := range m {
			um[x] = true
		}
		for x := range o {
			um[x] = true
		}
		if !sameRanges(u, um.ranges()) || n != uint64(len(um)) {
			t.Fatalf("union %v (%d), want %v", u, n, um.ranges())
		}
	}
}

func TestWinSetSlides(t *testing.T) {
	t.Parallel()
	s := newWinSet(128)
	// In order: a plain range set, no window.
	for x := uint64(0); x < 100; x++ {
		s.Add(x)
	}
	if s.win != nil || len(s.rs.r) != 1 {
		t.Fatalf("in-order adds: window %v, ranges %v", s.win != nil, s.rs.r)
	}
	// Out of order: the window appears and slides; holes survive.
	s.Add(150)
	s.Add(140)
	if s.win == nil {
		t.Fatal("no window after an out-of-order add")
	}
	for x := uint64(101); x < 1000; x++ {
		if x != 500 && x != 501 && x != 777 {
			s.Add(x)
		}
	}
	s.Add(501) // below the window by now: into the range list
	s.Seal()
	want := []Range{{0, 99}, {101, 499}, {501, 776}, {778, 999}}
	if !reflect.DeepEqual(s.Ranges(), want) || s.Len() != lenRanges(want) {
		t.Fatalf("ranges %v (len %d), want %v", s.Ranges(), s.Len(), want)
	}
}

func FuzzWinSet(f *testing.F) {
	f.Add([]byte{0, 0, 10, 0, 0, 5, 1, 1, 0, 2, 0, 3})
	f.Add([]byte{0, 4, 0, 0, 0, 0, 1, 9, 9, 3, 0, 200, 0, 255, 255})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1024 {
			data = data[:1024]
		}
		s := newWinSet(128)
		m := model{}
		for len(data) >= 3 {
			op := data[0] % 6
			x := uint64(binary.LittleEndian.Uint16(data[1:3]) % 2048)
			if data[0]&0x40 != 0 {
				x += winTop - 1024 // around the window's limit
			}
			if data[0]&0x80 != 0 && data[0]&0x40 != 0 {
				x = math.MaxUint64 - x%4
			}
			data = data[3:]
			hi := x + uint64(op)*37
			if hi < x {
				hi = math.MaxUint64
			}
			switch op {
			case 0, 1, 2:
				if got, want := s.Add(x), !m[x]; got != want {
					t.Fatalf("Add(%d) = %v, want %v", x, got, want)
				}
				m[x] = true
			case 3, 4:
				var want uint64
				for v := x; ; v++ {
					if !m[v] {
						want++
						m[v] = true
					}
					if v == hi {
						break
					}
				}
				if got := s.AddRange(x, hi); got != want {
					t.Fatalf("AddRange(%d,%d) = %d, want %d", x, hi, got, want)
				}
			case 5:
				var want uint64
				var in, miss []Range
				wantIn, wantMiss := model{}, model{}
				for v := x; ; v++ {
					if m[v] {
						want++
						wantIn[v] = true
					} else {
						wantMiss[v] = true
					}
					if v == hi {
						break
					}
				}
				if got := s.CountIn(x, hi); got != want {
					t.Fatalf("CountIn(%d,%d) = %d, want %d", x, hi, got, want)
				}
				s.EachIn(x, hi, func(r Range) { in = append(in, r) })
				s.EachMissing(x, hi, func(r Range) { miss = append(miss, r) })
				if !sameRanges(in, wantIn.ranges()) || !sameRanges(miss, wantMiss.ranges()) {
					t.Fatalf("EachIn/EachMissing(%d,%d) = %v / %v, want %v / %v", x, hi, in, miss, wantIn.ranges(), wantMiss.ranges())
				}
			}
			if got := s.Contains(x); got != m[x] {
				t.Fatalf("Contains(%d) = %v, want %v", x, got, m[x])
			}
			if s.Len() != uint64(len(m)) {
				t.Fatalf("Len %d, want %d", s.Len(), len(m))
			}
			if len(m) > 0 {
				var mx uint64
				for v := range m {
					mx = max(mx, v)
				}
				if s.Max() != mx {
					t.Fatalf("Max %d, want %d", s.Max(), mx)
				}
			}
		}
		s.Seal()
		if want := m.ranges(); !sameRanges(s.Ranges(), want) || !validRanges(s.Ranges()) {
			t.Fatalf("sealed ranges %v, want %v", s.Ranges(), want)
		}
	})
}

// TestWinSetRandom runs long random sequences shaped like acknowledgements:
// increasing with bounded disorder and occasional stragglers.
func TestWinSetRandom(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		s := newWinSet(256)
		m := model{}
		next := uint64(0)
		for range 20000 {
			var x uint64
			switch r := rng.IntN(100); {
			case r < 80:
				x = next + uint64(rng.IntN(300))
			case r < 95 && next > 1000:
				x = next - uint64(rng.IntN(1000))
			default:
				x = next + uint64(rng.IntN(5000))
			}
			next++
			if got, want := s.Add(x), !m[x]; got != want {
				t.Fatalf("seed %d: Add(%d) = %v, want %v", seed, x, got, want)
			}
			m[x] = true
		}
		for x := uint64(0); x < next+6000; x += 7 {
			if s.Contains(x) != m[x] {
				t.Fatalf("seed %d: Contains(%d) = %v", seed, x, !m[x])
			}
		}
		s.Seal()
		if !sameRanges(s.Ranges(), m.ranges()) {
			t.Fatalf("seed %d: ranges differ", seed)
		}
	}
}
