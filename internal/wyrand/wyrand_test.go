package wyrand

import "testing"

// TestBounds: bounded draws stay in range and reach both ends; the same
// seed gives the same sequence.
func TestBounds(t *testing.T) {
	r := Source{S: Seed(1, 2, 3)}
	seen := map[int64]bool{}
	for range 10000 {
		v := r.Between(-3, 3)
		if v < -3 || v > 3 {
			t.Fatalf("Between(-3, 3) = %d", v)
		}
		seen[v] = true
		if f := r.Float64(); f < 0 || f >= 1 {
			t.Fatalf("Float64() = %v", f)
		}
		if n := r.IntN(5); n < 0 || n >= 5 {
			t.Fatalf("IntN(5) = %d", n)
		}
	}
	if len(seen) != 7 {
		t.Errorf("Between(-3, 3) gave only %v", seen)
	}
	a, b := Source{S: 42}, Source{S: 42}
	for range 100 {
		if a.Uint64() != b.Uint64() {
			t.Fatal("same state, different sequences")
		}
	}
	if ProbCut(0) != 0 || ProbCut(-1) != 0 || ProbCut(1) != ^uint64(0) || r.Hit(0) {
		t.Error("ProbCut edges")
	}
	hits := 0
	cut := ProbCut(0.25)
	for range 100000 {
		if r.Hit(cut) {
			hits++
		}
	}
	if hits < 24000 || hits > 26000 {
		t.Errorf("Hit(ProbCut(0.25)): %d of 100000", hits)
	}
}
