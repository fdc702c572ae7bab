package verify

import (
	"encoding/json"
	"errors"
	"reflect"
	"sync"
	"testing"
)

func mutationCfg(name string) simCfg {
	cfg := simConfigs()[name]
	cfg.drop, cfg.dup, cfg.redeliver, cfg.rewind = 0.01, 0.01, 0.005, 0.003
	cfg.reorder, cfg.corrupt, cfg.foreign, cfg.unexpected = 0.01, 0.005, 0.005, 0.005
	cfg.unidentified, cfg.showAborted, cfg.late = 0.003, 0.2, 0.005
	return cfg
}

func roundTrip(t *testing.T, st *State) *State {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	var back State
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	return &back
}

func simVerifier(s *sim) *Verifier {
	return New(Config{RunID: simRun, ReadCommitted: s.cfg.readCommitted, LateBound: simLate,
		MaxFindingsKept: 1 << 20, MaxRanges: 1 << 20})
}

// TestStateRoundTrip: a state written as JSON and read back finishes to
// the same summary.
func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"plain", "txn-read-committed"} {
		s := newSim(mutationCfg(name), 7)
		direct := s.run(t)
		v := simVerifier(s)
		for _, e := range s.events {
			e.do(v)
		}
		sum, err := roundTrip(t, v.State()).Finish(Config{MaxFindingsKept: 1 << 20, MaxRanges: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sum, direct) {
			t.Fatalf("%s: summary after JSON differs:\n%+v\n%+v", name, sum.Counts, direct.Counts)
		}
	}
}

// TestMerge splits runs between two verifiers, as two workers would (each
// has half the producers and half the partitions' consumers), and merges
// their states: the set-based results equal one verifier's.
func TestMerge(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"plain", "failing", "txn", "txn-read-committed"} {
		for seed := range uint64(5) {
			for _, faults := range []bool{false, true} {
				cfg := simConfigs()[name]
				if faults {
					cfg = mutationCfg(name)
				}
				s := newSim(cfg, seed)
				one := s.run(t)
				a, b := simVerifier(s), simVerifier(s)
				for _, e := range s.events {
					if e.owner%2 == 0 {
						e.do(a)
					} else {
						e.do(b)
					}
				}
				st := roundTrip(t, a.State())
				if err := st.Merge(roundTrip(t, b.State())); err != nil {
					t.Fatal(err)
				}
				two, err := st.Finish(Config{MaxFindingsKept: 1 << 20, MaxRanges: 1 << 20})
				if err != nil {
					t.Fatal(err)
				}
				c1, c2 := one.Counts, two.Counts
				// Set-based results are exact; so is the duplicate split here,
				// since each partition was consumed on one side.
				for _, c := range []*Counts{&c1, &c2} {
					c.PollSkips, c.PollSkippedRecords = 0, 0 // seen against local acknowledgements
				}
				if c1 != c2 {
					t.Fatalf("%s seed %d faults %v:\n one %+v\n two %+v", name, seed, faults, c1, c2)
				}
				// lost_offsets, like poll skips, is decided against the
				// acknowledgements a verifier saw itself.
				for _, k := range []Kind{KindLost, KindPartialTxn} {
					if !reflect.DeepEqual(only(one, k), only(two, k)) {
						t.Fatalf("%s seed %d: %v findings differ:\n%s\n%s", name, seed, k, dump(only(one, k)), dump(only(two, k)))
					}
				}
				if !faults && len(two.Findings) != 0 {
					t.Fatalf("%s seed %d: merged clean run has findings %s", name, seed, dump(two.Findings))
				}
			}
		}
	}
}

func only(s Summary, k Kind) []Finding {
	var out []Finding
	for _, f := range s.Findings {
		if f.Kind == k {
			out = append(out, f)
		}
	}
	return out
}

// TestMergeDuplicates: the same record delivered to two workers is a
// duplicate write when no offset was read by both, and unclassified when
// some were.
func TestMergeDuplicates(t *testing.T) {
	t.Parallel()
	state := func(p int32, off int64) *State {
		v := tv{New(Config{RunID: testRun})}
		v.ack(0, 0, 3, 0, 0)
		v.eat(c1, p, off, 0, 0, 3)
		return v.State()
	}
	a := state(0, 0)
	if err := a.Merge(state(1, 50)); err != nil { // another partition
		t.Fatal(err)
	}
	sum, _ := a.Finish(Config{})
	if sum.DuplicateWrites != 4 || sum.DuplicatesUnclassified != 0 || sum.ConsumedUnique != 4 || sum.Consumed != 8 {
		t.Fatalf("counts %+v", sum.Counts)
	}
	a = state(0, 0)
	if err := a.Merge(state(0, 2)); err != nil { // offsets 2, 3 read by both
		t.Fatal(err)
	}
	sum, _ = a.Finish(Config{})
	if sum.DuplicateWrites != 0 || sum.DuplicatesUnclassified != 4 {
		t.Fatalf("counts %+v", sum.Counts)
	}
	if err := a.Merge(New(Config{RunID: testRun + 1}).State()); !errors.Is(err, ErrMismatch) {
		t.Fatalf("merge of another run: %v", err)
	}
}

// TestRecorders feeds clean runs through Recorders from one goroutine per
// producer stream and per consumed partition: no findings, and the counts
// of a direct feed.
func TestRecorders(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"plain", "many-partitions", "txn-read-committed"} {
		for seed := range uint64(4) {
			s := newSim(simConfigs()[name], seed)
			direct := s.run(t)
			v := simVerifier(s)
			groups := map[int][]simEvent{}
			for _, e := range s.events {
				groups[e.owner] = append(groups[e.owner], e)
			}
			var wg sync.WaitGroup
			for _, evs := range groups {
				wg.Go(func() {
					r := v.NewRecorder()
					for _, e := range evs {
						e.do(r)
					}
					r.Flush()
				})
			}
			wg.Wait()
			sum, err := v.Finish()
			if err != nil {
				t.Fatal(err)
			}
			if len(sum.Findings) != 0 || sum.Counts != direct.Counts {
				t.Fatalf("%s seed %d: %s\n%+v\n%+v", name, seed, dump(sum.Findings), sum.Counts, direct.Counts)
			}
		}
	}
}

// TestPendingBounded: deliveries of records whose producers feed another
// verifier are not acknowledged here; the evidence kept for them is
// bounded and cheap.
func TestPendingBounded(t *testing.T) {
	t.Parallel()
	v := New(Config{RunID: testRun})
	for q := range uint64(200_000) {
		v.Consumed(c1, 0, int64(q), id(0, q), checksum(0, q), 0)
	}
	if len(v.pending) > maxPending {
		t.Fatalf("%d records pending", len(v.pending))
	}
	st := v.State()
	if len(st.Pending)+int(st.PendingDropped) != 200_000 {
		t.Fatalf("pending %d + dropped %d", len(st.Pending), st.PendingDropped)
	}
	sum, _ := st.Finish(Config{})
	if sum.Unexpected != 200_000 || sum.Count(KindUnexpected) != DefaultMaxFindingsKept {
		t.Fatalf("unexpected %d, %d findings", sum.Unexpected, sum.Count(KindUnexpected))
	}
}
