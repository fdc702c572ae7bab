package compare

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/kbench/kbench/measure"
)

func TestTQuantile(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ p, df, want float64 }{
		{0.975, 1, 12.7062047}, {0.975, 2, 4.30265273}, {0.975, 4, 2.77644511}, {0.975, 9, 2.26215716},
		{0.975, 30, 2.04227246}, {0.95, 5, 2.01504837}, {0.995, 3, 5.84090931}, {0.975, math.Inf(1), 1.95996398},
		{0.025, 9, -2.26215716}, {0.5, 7, 0},
	} {
		if got := tQuantile(c.p, c.df); math.Abs(got-c.want) > 1e-6*math.Max(1, math.Abs(c.want)) {
			t.Errorf("tQuantile(%g, %g) = %.8f, want %.8f", c.p, c.df, got, c.want)
		}
	}
}

func TestBatchOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		n, max, want int
	}{{60, 10, 5}, {6, 10, 5}, {3, 10, 3}, {120, 10, 10}, {600, 10, 10}, {1, 10, 1}} {
		w := make([]float64, c.n)
		for i := range w {
			w[i] = 1
		}
		group, k := batchOf(w, c.max)
		if k != c.want {
			t.Errorf("%d intervals: %d batches, want %d", c.n, k, c.want)
		}
		for i := 1; i < len(group); i++ {
			if group[i] < group[i-1] || group[i] > group[i-1]+1 {
				t.Fatalf("%d intervals: batches not consecutive: %v", c.n, group)
			}
		}
	}
	// A heavy interval does not leave an empty batch.
	group, k := batchOf([]float64{1, 100, 1, 1, 1, 1}, 5)
	if group[len(group)-1] != k-1 {
		t.Errorf("groups %v, %d batches", group, k)
	}
}

// result builds a small result whose e2e histogram holds vals (ns), with
// one timeline interval per chunk of per values.
func result(t *testing.T, vals []int64, per int) (*measure.Result, *IntervalLog) {
	t.Helper()
	all := measure.NewHistogram()
	log := &IntervalLog{}
	r := &measure.Result{SchemaVersion: 1, Scenario: "s", Status: measure.StatusCompleted,
		Cluster: measure.Cluster{Kind: measure.ClusterEmbedded, Description: "embedded"}, WarmupS: 0, MeasuredS: float64(len(vals) / per)}
	for i := 0; i < len(vals); i += per {
		h := measure.NewHistogram()
		for _, v := range vals[i:min(i+per, len(vals))] {
			_ = h.RecordValue(v)
			_ = all.RecordValue(v)
		}
		log.AddInterval("e2e", h)
		log.AddInterval("produce", h)
		r.Timeline = append(r.Timeline, measure.Interval{StartS: float64(i / per), LengthS: 1, Acked: h.TotalCount(),
			Consumed: h.TotalCount(), ProduceP99US: h.ValueAtPercentile(99) / 1000, E2EP99US: h.ValueAtPercentile(99) / 1000})
	}
	l, err := measure.Summarize(all)
	if err != nil {
		t.Fatal(err)
	}
	r.Consume = measure.Consume{Records: all.TotalCount(), E2E: l, E2ERaw: l, Rate: float64(all.TotalCount()) / r.MeasuredS}
	r.Produce = measure.Produce{Sent: all.TotalCount(), Acked: all.TotalCount(), Latency: l, LatencyRaw: l, Rate: r.Consume.Rate}
	return r, log
}

func lognormal(seed uint64, n int, median float64) []int64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(median * math.Exp(0.4*rng.NormFloat64()))
	}
	return out
}

func TestVerdicts(t *testing.T) {
	t.Parallel()
	base, bl := result(t, lognormal(1, 60000, 5e6), 1000)
	same, sl := result(t, lognormal(2, 60000, 5e6), 1000)
	slower, wl := result(t, lognormal(3, 60000, 6.5e6), 1000)
	faster, fl := result(t, lognormal(4, 60000, 3.5e6), 1000)
	b := Run{Name: "base.json", Result: base, Intervals: bl}
	for _, c := range []struct {
		name string
		cur  Run
		tol  Tolerance
		want Verdict
	}{
		{"same within 5%", Run{Name: "cur", Result: same, Intervals: sl}, Relative("e2e.p99", 0.05), OK},
		{"30% slower, 10% allowed", Run{Name: "cur", Result: slower, Intervals: wl}, Relative("e2e.p99", 0.10), Regression},
		{"30% slower, 50% allowed", Run{Name: "cur", Result: slower, Intervals: wl}, Relative("e2e.p99", 0.50), OK},
		{"30% slower, 10ms allowed", Run{Name: "cur", Result: slower, Intervals: wl}, Absolute("e2e.p99", 10e6), OK},
		{"30% slower, 1ms allowed", Run{Name: "cur", Result: slower, Intervals: wl}, Absolute("e2e.p99", 1e6), Regression},
		{"30% faster", Run{Name: "cur", Result: faster, Intervals: fl}, Relative("e2e.p50", 0.10), Improvement},
		{"slower is a rate gain", Run{Name: "cur", Result: slower, Intervals: wl}, Relative("consume.records", 0), OK},
	} {
		rep, err := CompareRuns([]Run{b}, c.cur, []Tolerance{c.tol}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Comparisons[0]
		if got.Verdict != c.want {
			t.Errorf("%s: %s (%s)", c.name, got.Verdict, got.Statement)
		}
		if got.Verdict == Regression && (!strings.Contains(got.Reason, "e2e.p99") || !strings.Contains(got.Reason, "base.json") ||
			!strings.Contains(got.Reason, "allowed ≤")) {
			t.Errorf("%s: reason %q lacks the metric, baseline or bound", c.name, got.Reason)
		}
	}
	// The same pair is inconclusive when the tolerance sits inside the
	// noise: runs of 3 intervals of 20 samples.
	small, _ := result(t, lognormal(5, 60, 5e6), 20)
	small2, _ := result(t, lognormal(6, 60, 5.5e6), 20)
	rep, err := Compare([]*measure.Result{small}, small2, []Tolerance{Relative("e2e.p99", 0.05)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := rep.Comparisons[0]; c.Verdict != Inconclusive || !(c.ChangeLow < 0.05 && c.ChangeHigh > 0.05) {
		t.Errorf("tiny runs: %s %+v", c.Verdict, c)
	}
}

func TestCountsAndRates(t *testing.T) {
	t.Parallel()
	base, _ := result(t, lognormal(1, 6000, 5e6), 1000)
	cur, _ := result(t, lognormal(2, 6000, 5e6), 1000)
	cur.Produce.Errors = 3
	for _, c := range []struct {
		tol  string
		want Verdict
	}{{"produce.errors=0", Regression}, {"produce.errors=5", OK}, {"produce.errors=10%", Regression}} {
		tols, err := ParseTolerances(c.tol)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Compare([]*measure.Result{base}, cur, tols, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Comparisons[0]; got.Verdict != c.want || !math.IsNaN(got.ChangeLow) {
			t.Errorf("%s: %s %+v", c.tol, got.Verdict, got)
		}
	}
	// Errors going away is an improvement; rates dropping a regression.
	rep, err := Compare([]*measure.Result{cur}, base, []Tolerance{Relative("produce.errors", 0)}, Options{})
	if err != nil || rep.Comparisons[0].Verdict != Improvement {
		t.Fatalf("%v %+v", err, rep)
	}
	slow := *base
	slow.Produce.Rate = base.Produce.Rate * 0.5
	for i := range slow.Timeline {
		slow.Timeline = append([]measure.Interval(nil), slow.Timeline...)
		slow.Timeline[i].Acked /= 2
	}
	rep, err = Compare([]*measure.Result{base}, &slow, []Tolerance{Relative("produce.rate", 0.05)}, Options{})
	if err != nil || rep.Comparisons[0].Verdict != Regression || !strings.Contains(rep.Comparisons[0].Reason, "allowed ≥") {
		t.Fatalf("%v %+v", err, rep.Comparisons[0])
	}
}

func TestDefaultsSkipMissingData(t *testing.T) {
	t.Parallel()
	base, _ := result(t, lognormal(1, 6000, 5e6), 1000)
	cur, _ := result(t, lognormal(2, 6000, 5e6), 1000)
	base.Consume.Missing, cur.Consume.Missing = -1, -1
	rep, err := Compare([]*measure.Result{base}, cur, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range rep.Comparisons {
		names = append(names, c.Metric)
	}
	if strings.Contains(strings.Join(names, ","), "consume.missing") || len(names) != 7 {
		t.Errorf("default metrics: %v", names)
	}
	// Asked for explicitly, a metric without data is inconclusive.
	rep, err = Compare([]*measure.Result{base}, cur, []Tolerance{Relative("consume.missing", 0)}, Options{})
	if err != nil || rep.Comparisons[0].Verdict != Inconclusive || !strings.Contains(rep.Comparisons[0].Statement, "no data") {
		t.Fatalf("%v %+v", err, rep.Comparisons)
	}
}

func TestMismatchAndWarnings(t *testing.T) {
	t.Parallel()
	base, _ := result(t, lognormal(1, 6000, 5e6), 1000)
	cur, _ := result(t, lognormal(2, 6000, 5e6), 1000)
	other := *cur
	other.Scenario = "other"
	if _, err := Compare([]*measure.Result{base}, &other, nil, Options{}); !errors.Is(err, ErrMismatch) {
		t.Fatalf("err = %v", err)
	}
	rep, err := Compare([]*measure.Result{base}, &other, nil, Options{AllowMismatch: true})
	if err != nil || len(rep.Warnings) == 0 {
		t.Fatalf("%v %v", err, rep)
	}
	other = *cur
	other.Cluster = measure.Cluster{Kind: measure.ClusterExternal, Description: "external cluster at k:9092"}
	other.Status = measure.StatusInterrupted
	rep, err = Compare([]*measure.Result{base}, &other, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(rep.Warnings, "\n")
	if !strings.Contains(w, "embedded in-process cluster") || !strings.Contains(w, "did not complete") {
		t.Errorf("warnings:\n%s", w)
	}
	if _, err := Compare(nil, cur, nil, Options{}); !errors.Is(err, ErrNoBaseline) {
		t.Errorf("no baseline: %v", err)
	}
	if _, err := Compare([]*measure.Result{base}, cur, nil, Options{Confidence: 1.5}); err == nil {
		t.Error("confidence 1.5 accepted")
	}
}

func TestReadIntervalLog(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	w := hdrhistogram.NewHistogramLogWriter(&buf)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	w.SetBaseTime(start)
	if err := w.OutputLogFormatVersion(); err != nil {
		t.Fatal(err)
	}
	_ = w.OutputStartTime(start)
	_ = w.OutputLegend()
	vals := lognormal(7, 3000, 5e6)
	for i := range 3 {
		for _, tag := range []string{"produce", "e2e"} {
			h := measure.NewHistogram()
			for _, v := range vals[i*1000 : (i+1)*1000] {
				_ = h.RecordValue(v)
			}
			h.SetTag(tag)
			h.SetStartTimeMs(start + int64(i)*1000)
			h.SetEndTimeMs(start + int64(i+1)*1000)
			if err := w.OutputIntervalHistogram(h); err != nil {
				t.Fatal(err)
			}
		}
	}
	log, err := ReadIntervalLog(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if log.Len("e2e") != 3 || log.Len("produce") != 3 || log.Len("e2e-raw") != 0 {
		t.Fatalf("read %d e2e, %d produce intervals", log.Len("e2e"), log.Len("produce"))
	}
	all := mergeDists(log.of("e2e"))
	h := measure.NewHistogram()
	for _, v := range vals {
		_ = h.RecordValue(v)
	}
	if all.total != 3000 || all.quantile(0.99) != h.ValueAtPercentile(99) || all.quantile(0.5) != h.ValueAtPercentile(50) {
		t.Errorf("merged intervals: p99 %d, histogram %d", all.quantile(0.99), h.ValueAtPercentile(99))
	}
	r, _ := result(t, vals, 1000)
	rep, err := CompareRuns([]Run{{Name: "b", Result: r, Intervals: log}}, Run{Name: "c", Result: r, Intervals: log},
		[]Tolerance{Relative("e2e.p999", 0.1)}, Options{})
	if err != nil || !strings.Contains(rep.Comparisons[0].Method, "interval log") {
		t.Fatalf("%v %+v", err, rep.Comparisons)
	}
	if _, err := ReadIntervalLog(strings.NewReader("Tag=e2e,0.0,1.0,2.0,HISTFAAAnot-base64\n")); err == nil {
		t.Error("a corrupt interval log was read")
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	base, bl := result(t, lognormal(1, 60000, 5e6), 1000)
	slower, wl := result(t, lognormal(3, 60000, 6.5e6), 1000)
	rep, err := CompareRuns([]Run{{Name: "base.json", Result: base, Intervals: bl}}, Run{Name: "results/latest", Result: slower, Intervals: wl},
		[]Tolerance{Relative("e2e.p99", 0.10), Relative("produce.errors", 0)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var text, md, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"kbench compare s: results/latest against baseline base.json", "95% CI", "regression", "REGRESSIONS", "e2e.p99 regressed"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| `e2e.p99` |", "❌ regression", "✅ ok", "<details>", "≤ "} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back struct {
		Regressions int
		Comparisons []struct {
			Metric, Verdict string
			Current         float64
			ChangeLow       *float64 `json:"change_low"`
			Display         map[string]string
		}
	}
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("%v\n%s", err, js.String())
	}
	if back.Regressions != 1 || back.Comparisons[0].Verdict != "regression" || back.Comparisons[0].ChangeLow == nil ||
		back.Comparisons[1].ChangeLow != nil || back.Comparisons[0].Display["allowed"] == "" {
		t.Errorf("json: %+v", back)
	}
	if len(FormatNames()) != 3 {
		t.Errorf("formats %v", FormatNames())
	}
}

func TestDirectionOf(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]Direction{"e2e.p99": LowerIsBetter, "produce.rate": HigherIsBetter,
		"consume.throughput": HigherIsBetter, "produce.errors": LowerIsBetter, "consume.records": HigherIsBetter} {
		if got, ok := DirectionOf(name); !ok || got != want {
			t.Errorf("%s: %v", name, got)
		}
	}
	if _, ok := DirectionOf("nope"); ok {
		t.Error("unknown metric has a direction")
	}
}
