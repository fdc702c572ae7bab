package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/measure"
)

var update = flag.Bool("update", false, "rewrite golden files")

// fixture builds a result from real histograms so the .hgrm and summary
// paths run end to end.
func fixture(t *testing.T) *measure.Result {
	t.Helper()
	h, e := measure.NewHistogram(), measure.NewHistogram()
	for i := int64(1); i <= 1000; i++ {
		_ = h.RecordValue(i * 10_000)  // 10µs .. 10ms
		_ = e.RecordValue(i * 100_000) // 100µs .. 100ms
	}
	pl, err := measure.Summarize(h)
	if err != nil {
		t.Fatal(err)
	}
	el, err := measure.Summarize(e)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := measure.Produce{Name: "shop", Topic: "orders", Instances: 2, Sent: 1003, Acked: 1000, Errors: 3,
		ErrorKinds: map[string]int64{"b: timed out": 1, "a: timed out": 1, "not leader": 1},
		Bytes:      250_000, TargetRate: 5000, Rate: 4987.5, Throughput: 1.25e6, Latency: pl, LatencyRaw: pl}
	return &measure.Result{
		SchemaVersion: measure.SchemaVersion, Scenario: "quickstart", RunID: "abc123",
		Cluster: measure.Cluster{Kind: measure.ClusterEmbedded, Description: "embedded in-process cluster"},
		Status:  measure.StatusCompleted, Start: start, End: start.Add(10 * time.Second),
		DurationS: 10, WarmupS: 2, MeasuredS: 8,
		Produce: p, Producers: []measure.Produce{p},
		Consume: measure.Consume{Records: 1000, Bytes: 250_000, Rate: 4987.5, Throughput: 1.25e6, E2E: el, E2ERaw: el},
		Gates: []measure.GateOutcome{
			{Expr: "e2e.p99 < 50ms", Display: "99.1ms", Reason: "e2e.p99 is 99.1ms, which is not < 50.0ms"},
			{Expr: "produce.errors == 0", Display: "0", Passed: true},
		},
		Notes: []string{"a note"},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden file (run go test ./report -update after checking):\n%s", name, got)
	}
}

func TestTextGolden(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := Text(&b, fixture(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.txt", b.Bytes())
}

func TestWriteDirAndReadBack(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := fixture(t)
	if err := WriteDir(dir, r, []string{"text", "json"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{ResultFile, SummaryFile, "produce.hgrm", "produce-raw.hgrm", "e2e.hgrm", "e2e-raw.hgrm"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	hgrm, _ := os.ReadFile(filepath.Join(dir, "e2e.hgrm"))
	if !strings.Contains(string(hgrm), "1/(1-Percentile)") ||
		!strings.Contains(string(hgrm), "#[Max     =      100.") {
		t.Errorf("e2e.hgrm is not an HdrHistogram percentile file in ms:\n%s", hgrm)
	}
	back, err := ReadResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Consume.E2E.P99US != r.Consume.E2E.P99US || back.Produce.Acked != 1000 || len(back.Gates) != 2 {
		t.Fatalf("round trip lost data: %+v", back.Consume.E2E)
	}
	if err := WriteDir(dir, r, []string{"pdf"}); err == nil {
		t.Error("unknown format must fail")
	}
}

func TestReadResultRejectsNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(path, []byte(`{"schema_version": 99}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadResult(path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckWritable(t *testing.T) {
	t.Parallel()
	if err := CheckWritable(filepath.Join(t.TempDir(), "new", "folder")); err != nil {
		t.Fatal(err)
	}
	ro := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 { // root writes anywhere
		if err := CheckWritable(ro); err == nil {
			t.Fatal("a read-only folder passed")
		}
	}
	if err := CheckWritable("/proc/kbench-no"); err == nil {
		t.Fatal("an impossible folder passed")
	}
}

func TestNewDirIsFreshAndLinked(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a, err := NewDir(out, "my scenario/1", now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewDir(out, "my scenario/1", now)
	if err != nil {
		t.Fatal(err)
	}
	LinkLatest(out, a)
	LinkLatest(out, b)
	if a == b || filepath.Base(a) != "my_scenario_1-20260102-030405" {
		t.Fatalf("dirs %q %q", a, b)
	}
	target, err := os.Readlink(filepath.Join(out, "latest"))
	if err != nil || target != filepath.Base(b) {
		t.Fatalf("latest -> %q (%v), want %q", target, err, filepath.Base(b))
	}
}

func TestProgressLine(t *testing.T) {
	t.Parallel()
	got := ProgressLine(measure.Progress{Elapsed: 2500 * time.Millisecond, TargetRate: 5000, AckRate: 4990,
		Acked: 12000, ConsumeRate: 4980, ProduceP99: 3 * time.Millisecond, E2EP99: 5 * time.Millisecond})
	want := "[  2.5s] produce 4990/s (target 5000/s) acked 12000 errors 0 behind 0 | consume 4980/s | p99 produce 3.00ms e2e 5.00ms"
	if got != want {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
}
