package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/report"
)

// writeRun writes a synthetic result directory (result.json and
// intervals.hlog): 30 one-second intervals of 1000 lognormal latencies
// around median, drawn from seed.
func writeRun(t *testing.T, scenario string, seed uint64, median float64) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(seed, 1))
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	f, err := os.Create(filepath.Join(dir, report.IntervalLogFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lw := hdrhistogram.NewHistogramLogWriter(f)
	lw.SetBaseTime(start.UnixMilli())
	_ = lw.OutputLogFormatVersion()
	_ = lw.OutputLegend()
	all := measure.NewHistogram()
	r := &measure.Result{SchemaVersion: measure.SchemaVersion, KbenchVersion: "test", Scenario: scenario, RunID: "r",
		Cluster: measure.Cluster{Kind: measure.ClusterEmbedded, Description: "embedded in-process cluster"},
		Status:  measure.StatusCompleted, Start: start, End: start.Add(30 * time.Second), DurationS: 30, MeasuredS: 30}
	for i := range 30 {
		h := measure.NewHistogram()
		for range 1000 {
			_ = h.RecordValue(int64(median * math.Exp(0.4*rng.NormFloat64())))
		}
		all.Merge(h)
		for _, tag := range []string{"produce", "e2e"} {
			h.SetTag(tag)
			h.SetStartTimeMs(start.UnixMilli() + int64(i)*1000)
			h.SetEndTimeMs(start.UnixMilli() + int64(i+1)*1000)
			if err := lw.OutputIntervalHistogram(h); err != nil {
				t.Fatal(err)
			}
		}
		p99 := h.ValueAtPercentile(99) / 1000
		r.Timeline = append(r.Timeline, measure.Interval{StartS: float64(i), LengthS: 1, TargetRate: 1000, Sent: 1000,
			Acked: 1000, Consumed: 1000, ProduceP99US: p99, E2EP99US: p99, ConsumerLag: -1})
	}
	l, err := measure.Summarize(all)
	if err != nil {
		t.Fatal(err)
	}
	r.Produce = measure.Produce{Instances: 1, Sent: 30000, Acked: 30000, TargetRate: 1000, Rate: 1000, Latency: l, LatencyRaw: l}
	r.Producers = []measure.Produce{r.Produce}
	r.Consume = measure.Consume{Records: 30000, Rate: 1000, E2E: l, E2ERaw: l}
	r.Gates = []measure.GateOutcome{{Expr: "e2e.p99 < 1s", Passed: true, Display: measure.FormatDuration(float64(l.P99US) * 1000)}}
	if err := report.WriteDir(dir, r, []string{"text"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCompare(t *testing.T) {
	base := writeRun(t, "cmp", 1, 5e6)
	same := writeRun(t, "cmp", 2, 5e6)
	slower := writeRun(t, "cmp", 3, 6.5e6)

	code, out, errOut := kbench(t, "compare", base, same)
	if code != exitOK {
		t.Fatalf("same distribution: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"against baseline " + base, "e2e.p99", "produce.rate", "95% CI", "interval log"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = kbench(t, "compare", base, slower, "--max-regression", "e2e.p99=10%,produce.rate=5%")
	if code != exitGateFailed {
		t.Fatalf("30%% slower: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "REGRESSIONS") || !strings.Contains(out, "e2e.p99 regressed: current") ||
		!strings.Contains(errOut, "1 of 2 metrics regressed") {
		t.Errorf("regression not reported:\n%s\n%s", out, errOut)
	}

	// JSON to a file: the reason lines go to standard error.
	file := filepath.Join(t.TempDir(), "compare.json")
	code, out, errOut = kbench(t, "compare", filepath.Join(base, report.ResultFile), slower, "-t", "e2e.p99=10%", "--format", "json", "--out", file)
	if code != exitGateFailed || out != "" || !strings.Contains(errOut, "e2e.p99 regressed") {
		t.Fatalf("json: exit %d\n%s\n%s", code, out, errOut)
	}
	var rep struct {
		Regressions int
		Comparisons []struct{ Metric, Verdict string }
	}
	b, err := os.ReadFile(file)
	if err != nil || json.Unmarshal(b, &rep) != nil || rep.Regressions != 1 || rep.Comparisons[0].Verdict != "regression" {
		t.Fatalf("json report %v: %s", err, b)
	}

	// Several baselines.
	code, out, errOut = kbench(t, "compare", base, same, writeRun(t, "cmp", 4, 5e6), slower, "--format", "markdown", "-t", "e2e.p50=10%")
	if code != exitGateFailed || !strings.Contains(out, "against 3 baselines") || !strings.Contains(out, "❌ regression") {
		t.Fatalf("band: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestCompareInvalidInput(t *testing.T) {
	base := writeRun(t, "cmp", 1, 5e6)
	other := writeRun(t, "other", 2, 5e6)
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"compare", base}, "needs a baseline and a current"},
		{[]string{"compare", base, base, "-t", "e2e.p99=ten%"}, "not a percentage"},
		{[]string{"compare", base, base, "-t", "e2e.p98=10%"}, "did you mean"},
		{[]string{"compare", base, base, "--format", "pdf"}, "unknown format"},
		{[]string{"compare", base, filepath.Join(t.TempDir(), "nope")}, "reading a result"},
		{[]string{"compare", bad, base}, "reading a result"},
		{[]string{"compare", base, other}, "different scenarios"},
		{[]string{"compare", base, base, "--confidence", "2"}, "confidence"},
	} {
		code, _, errOut := kbench(t, c.args...)
		if code != exitInvalid || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, want %d and %q:\n%s", c.args, code, exitInvalid, c.want, errOut)
		}
	}
	code, out, errOut := kbench(t, "compare", base, other, "--force")
	if code != exitOK || !strings.Contains(out, "WARNINGS") {
		t.Errorf("--force: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestCompareCIBaseline runs the comparison of the CI examples on their
// committed baseline.
func TestCompareCIBaseline(t *testing.T) {
	base := filepath.Join("..", "..", "examples", "ci", "baseline")
	code, out, errOut := kbench(t, "compare", base, base, "-t", "e2e.p99=25%,produce.p99=25%,produce.rate=5%,produce.errors=0,consume.missing=0")
	if code != exitOK || strings.Contains(out, "inconclusive") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(base, report.IntervalLogFile)); err != nil {
		t.Errorf("the CI baseline has no interval log: %v", err)
	}
}

func TestReport(t *testing.T) {
	dir := writeRun(t, "rep", 1, 5e6)
	code, out, errOut := kbench(t, "report", dir)
	if code != exitOK || !strings.HasPrefix(out, "kbench rep: completed") {
		t.Fatalf("text: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = kbench(t, "report", filepath.Join(dir, report.ResultFile), "--format", "junit")
	if code != exitOK || !strings.Contains(out, `<testsuite name="rep" tests="3" failures="0"`) {
		t.Fatalf("junit: exit %d\n%s", code, out)
	}
	file := filepath.Join(t.TempDir(), "summary.md")
	code, out, _ = kbench(t, "report", dir, "--format", "markdown", "--out", file)
	b, err := os.ReadFile(file)
	if code != exitOK || out != "" || err != nil || !strings.Contains(string(b), "## ✅ kbench rep: passed") {
		t.Fatalf("markdown: exit %d %v\n%s", code, err, b)
	}
	code, out, _ = kbench(t, "report", dir, "--format", "json")
	if code != exitOK || !strings.Contains(out, `"schema_version": 1`) {
		t.Fatalf("json: exit %d\n%s", code, out)
	}
	code, out, errOut = kbench(t, "report", dir, "--format", "html")
	page, err := os.ReadFile(filepath.Join(dir, report.HTMLFile))
	if code != exitOK || out != "report: "+filepath.Join(dir, report.HTMLFile)+"\n" || err != nil ||
		!strings.Contains(string(page), `id="chart-latency-e2e"`) {
		t.Errorf("html: exit %d %v\n%s\n%s", code, err, out, errOut)
	}
	code, out, _ = kbench(t, "report", filepath.Join(dir, report.ResultFile), "--format", "html", "--out", "-")
	if code != exitOK || !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.Contains(out, `id="chart-latency-e2e"`) {
		t.Errorf("html to standard output: exit %d\n%.300s", code, out)
	}
	code, _, errOut = kbench(t, "report", dir, "--format", "pdf")
	if code != exitInvalid || !strings.Contains(errOut, "formats: html, json, junit, markdown, text") {
		t.Errorf("pdf: exit %d\n%s", code, errOut)
	}
	code, _, errOut = kbench(t, "report", filepath.Join(dir, "nope"))
	if code != exitInvalid || !strings.Contains(errOut, "reading a result") {
		t.Errorf("missing: exit %d\n%s", code, errOut)
	}
	if code, _, _ := kbench(t, "report"); code != exitInvalid {
		t.Errorf("no argument: exit %d", code)
	}
}
