package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/verify"
)

// htmlRuns are result directories of real runs, trimmed (see
// testdata/README.md): quickstart (one producer, gates pass) and
// orders-spike (two producers, two groups, a gate fails).
var htmlRuns = []string{"quickstart", "orders-spike"}

// loadRun reads a result directory and what the HTML report reads from it.
func loadRun(t testing.TB, dir string) (*measure.Result, htmlInputs) {
	t.Helper()
	r, err := ReadResult(dir)
	if err != nil {
		t.Fatal(err)
	}
	in, err := readHTMLInputs(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	return r, in
}

// chartByID returns the chart with id, failing the test without one.
func chartByID(t *testing.T, charts []chart, id string) chart {
	t.Helper()
	for _, c := range charts {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no chart %s", id)
	return chart{}
}

// seriesByName returns the named series of c.
func seriesByName(t *testing.T, c chart, name string) *ecSeries {
	t.Helper()
	for _, s := range c.Option.Series {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("%s: no series %q", c.ID, name)
	return nil
}

// taggedLines counts the interval log's histogram lines of a tag, read
// as text, independently of the log reader.
func taggedLines(t *testing.T, path, tag string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\nTag="+tag+","))
}

func TestHTMLChartsOfRealRuns(t *testing.T) {
	t.Parallel()
	for _, name := range htmlRuns {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "html", name)
			r, in := loadRun(t, dir)
			if in.intervals == nil || len(in.notes) != 0 {
				t.Fatalf("interval log not used: notes %q", in.notes)
			}
			charts, err := buildCharts(r, in.intervals)
			if err != nil {
				t.Fatal(err)
			}
			n := len(r.Timeline)
			if n < 5 {
				t.Fatalf("test data has %d intervals", n)
			}

			tp := chartByID(t, charts, chartThroughput)
			acked := seriesByName(t, tp, "acked/s")
			consumed := seriesByName(t, tp, "consumed/s")
			target := seriesByName(t, tp, "target/s")
			for _, s := range []*ecSeries{acked, consumed, target} {
				if len(s.Data) != n {
					t.Errorf("%s: %d points for %d intervals", s.Name, len(s.Data), n)
				}
			}
			var ackedSum float64
			for i, iv := range r.Timeline {
				end := iv.StartS + iv.LengthS
				if p := acked.Data[i]; !p.x.ok || math.Abs(p.x.v-end) > 1e-9 || math.Abs(p.y.v-float64(iv.Acked)/iv.LengthS) > 1e-6 {
					t.Errorf("acked point %d = %+v, interval %+v", i, p, iv)
				}
				if i > 0 && acked.Data[i].x.v <= acked.Data[i-1].x.v {
					t.Errorf("time does not advance at point %d", i)
				}
				ackedSum += acked.Data[i].y.v * iv.LengthS
			}
			if math.Abs(ackedSum-float64(r.Produce.Acked)) > 0.5 {
				t.Errorf("acked/s integrates to %.1f records, the run acked %d", ackedSum, r.Produce.Acked)
			}
			if tp.Option.Series[0].MarkArea == nil || tp.Option.Series[0].MarkArea.Data[0][1].XAxis != r.WarmupS {
				t.Errorf("warmup not shaded: %+v", tp.Option.Series[0].MarkArea)
			}

			errs := chartByID(t, charts, chartErrors)
			if len(errs.Option.Series) != 1 || len(errs.Option.Series[0].Data) != n {
				t.Errorf("errors chart: %+v", errs.Option.Series)
			}

			for _, lc := range []struct {
				id, tag string
				p99     func(measure.Interval) int64
				l       measure.Latency
			}{
				{chartProduceLat, "produce", func(iv measure.Interval) int64 { return iv.ProduceP99US }, r.Produce.Latency},
				{chartE2ELat, "e2e", func(iv measure.Interval) int64 { return iv.E2EP99US }, r.Consume.E2E},
			} {
				c := chartByID(t, charts, lc.id)
				if len(c.Option.Series) != 5 {
					t.Fatalf("%s: %d series", lc.id, len(c.Option.Series))
				}
				present := 0
				var runMax float64
				for i := range n {
					var prev float64
					for k, s := range c.Option.Series {
						if len(s.Data) != n {
							t.Fatalf("%s %s: %d points for %d intervals", lc.id, s.Name, len(s.Data), n)
						}
						v := s.Data[i].y
						if v.ok != c.Option.Series[0].Data[i].y.ok {
							t.Errorf("%s interval %d: %s present %v, p50 present %v", lc.id, i, s.Name, v.ok, !v.ok)
						}
						if v.ok && v.v < prev {
							t.Errorf("%s interval %d: %s %.3f below the previous percentile %.3f", lc.id, i, s.Name, v.v, prev)
						}
						prev = v.v
						if k == len(c.Option.Series)-1 && v.ok {
							runMax = max(runMax, v.v)
						}
					}
					p99 := seriesByName(t, c, "p99").Data[i].y
					if p99.ok {
						present++
						// The timeline's p99 comes from the same interval
						// histogram, truncated to µs.
						if want := lc.p99(r.Timeline[i]); math.Abs(p99.v*1e3-float64(want)) > 1 {
							t.Errorf("%s interval %d: p99 %.3fms from the log, %dµs in the timeline", lc.id, i, p99.v, want)
						}
					}
				}
				if want := taggedLines(t, filepath.Join(dir, IntervalLogFile), lc.tag); present != want {
					t.Errorf("%s: %d intervals with samples, the log has %d %s histograms", lc.id, present, want, lc.tag)
				}
				// The run's maximum is the largest interval maximum (to the
				// histogram's precision, 3 significant digits).
				if rel := math.Abs(runMax*1e3-float64(lc.l.MaxUS)) / float64(lc.l.MaxUS); rel > 0.002 {
					t.Errorf("%s: largest interval max %.3fms, run max %dµs", lc.id, runMax, lc.l.MaxUS)
				}
			}

			dist := chartByID(t, charts, chartDistribution)
			if len(dist.Option.Series) != 4 {
				t.Fatalf("distribution: %d series", len(dist.Option.Series))
			}
			for _, s := range dist.Option.Series {
				l := map[string]measure.Latency{"produce": r.Produce.Latency, "produce raw": r.Produce.LatencyRaw,
					"end-to-end": r.Consume.E2E, "end-to-end raw": r.Consume.E2ERaw}[s.Name]
				if len(s.Data) < 20 || s.Data[0].x.v != 1 {
					t.Fatalf("%s: %d points, first %+v", s.Name, len(s.Data), s.Data[0])
				}
				for i := 1; i < len(s.Data); i++ {
					if s.Data[i].x.v <= s.Data[i-1].x.v || s.Data[i].y.v < s.Data[i-1].y.v {
						t.Fatalf("%s: point %d %+v does not follow %+v", s.Name, i, s.Data[i], s.Data[i-1])
					}
				}
				last := s.Data[len(s.Data)-1]
				if last.y.v*1e3 > float64(l.MaxUS)+1 || last.x.v < 1/(1-0.9999) {
					t.Errorf("%s: last point %+v, max %dµs", s.Name, last, l.MaxUS)
				}
				// The point at 1/(1-p) = 2 is the median.
				for _, p := range s.Data {
					if p.x.v == 2 && math.Abs(p.y.v*1e3-float64(l.P50US)) > 1 {
						t.Errorf("%s: median %.3fms in the plot, %dµs in the result", s.Name, p.y.v, l.P50US)
					}
				}
			}

			lag := chartByID(t, charts, chartLag)
			ls := lag.Option.Series[0]
			if len(ls.Data) != n || ls.MarkLine == nil || len(ls.MarkLine.Data) != len(r.Lag) {
				t.Errorf("lag: %d points, mark lines %+v, %d groups", len(ls.Data), ls.MarkLine, len(r.Lag))
			}
			for i, iv := range r.Timeline {
				if ls.Data[i].y.ok != (iv.ConsumerLag >= 0) || ls.Data[i].y.ok && ls.Data[i].y.v != float64(iv.ConsumerLag) {
					t.Errorf("lag point %d %+v, timeline %d", i, ls.Data[i], iv.ConsumerLag)
				}
			}

			prod := chartByID(t, charts, chartProducers)
			if len(prod.Option.XAxis) != 3 || len(prod.Option.XAxis[0].Data) != len(r.Producers) {
				t.Fatalf("producers axes %+v", prod.Option.XAxis)
			}
			for _, s := range prod.Option.Series {
				if len(s.Data) != len(r.Producers) {
					t.Errorf("producers %s: %d bars for %d producers", s.Name, len(s.Data), len(r.Producers))
				}
			}
			for i, p := range r.Producers {
				if got := seriesByName(t, prod, "p99").Data[i].y.v; got != float64(p.Latency.P99US)/1e3 {
					t.Errorf("producer %s p99 %.3f, result %dµs", p.Name, got, p.Latency.P99US)
				}
			}
		})
	}
}

// TestHTMLChartsGolden pins the chart data of the quickstart run; refresh
// with go test ./report -update after checking the difference.
func TestHTMLChartsGolden(t *testing.T) {
	t.Parallel()
	r, in := loadRun(t, filepath.Join("testdata", "html", "quickstart"))
	charts, err := buildCharts(r, in.intervals)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(charts, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("html", "quickstart.charts.json"), append(js, '\n'))
}

// richRun writes the rich fixture's result directory with a timeline,
// findings.jsonl (n findings) and no interval log, and returns it.
func richRun(t *testing.T, findings int) (string, *measure.Result) {
	t.Helper()
	r := richFixture(t)
	r.Producers[1].Name = `audit <script>alert("p")</script>`
	r.Gates = append(r.Gates, measure.GateOutcome{Expr: `produce.rate >= 5000/s`, Display: "4988/s", Reason: "4988/s is not >= 5000/s & <short>"})
	for i := range 12 {
		iv := measure.Interval{StartS: float64(i), LengthS: 1, TargetRate: 5000, Sent: 5000, Acked: 4990, Consumed: 4985,
			ProduceP99US: int64(2000 + 100*i), E2EP99US: int64(3000 + 100*i), ConsumerLag: int64(10 * i)}
		if i < 2 {
			iv.ProduceP99US, iv.E2EP99US, iv.ConsumerLag = 0, 0, -1 // warmup: no samples, no lag yet
		}
		if i == 4 || i == 5 {
			iv.Errors, iv.Acked = 3, 1200
		}
		r.Timeline = append(r.Timeline, iv)
	}
	dir := t.TempDir()
	var b bytes.Buffer
	for i := range findings {
		f := verify.Finding{Kind: verify.KindLost, Count: 2, HasSeq: true, Stream: 1, Seq: uint64(10 * i), SeqHi: uint64(10*i + 1),
			Partition: -1, Offset: -1, OffsetHi: -1, OtherOffset: -1,
			Explanation: fmt.Sprintf("records 1:%d..%d were acknowledged & never delivered <finding %d>", 10*i, 10*i+1, i)}
		js, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(`{"topic":"orders","group":"billing",`)
		b.Write(js[1:])
		b.WriteByte('\n')
	}
	if findings > 0 {
		if err := os.WriteFile(filepath.Join(dir, FindingsFile), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteDir(dir, r, []string{"html"}); err != nil {
		t.Fatal(err)
	}
	return dir, r
}

// failedRun writes the result directory of a run that failed before it
// produced anything: no timeline, no latencies, no gates evaluated.
func failedRun(t *testing.T) string {
	t.Helper()
	r := &measure.Result{SchemaVersion: measure.SchemaVersion, Scenario: "broken <run>", RunID: "ff",
		Cluster: measure.Cluster{Kind: measure.ClusterExternal, Description: "external cluster at 127.0.0.1:1",
			Brokers: []string{"127.0.0.1:1"}},
		Status: measure.StatusFailed, Error: "cannot reach the Kafka cluster at 127.0.0.1:1 <dial refused>",
		DurationS: 10, Producers: []measure.Produce{{Name: "shop", Topic: "orders", TargetRate: 100}}}
	dir := t.TempDir()
	if err := WriteDir(dir, r, []string{"html"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestHTMLFailedRun(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile(filepath.Join(failedRun(t), HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{
		`<title>kbench broken &lt;run&gt;: run failed</title>`,
		`<strong>The run failed:</strong> cannot reach the Kafka cluster at 127.0.0.1:1 &lt;dial refused&gt;`,
		`The scenario has no gates.`,
		`<code>127.0.0.1:1</code>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(s, `id="embedded"`) {
		t.Error("an external cluster called embedded")
	}
	charts := chartData(t, page)
	// Nothing measured: the charts over time are empty, no distribution,
	// no lag, and the producer's bars.
	if len(charts) != 4 || charts[chartThroughput] != 1 || charts[chartTimelineP99] != 2 || charts[chartProducers] != 5 {
		t.Errorf("charts %v", charts)
	}
	checkSelfContained(t, page)
}

func TestHTMLRichPage(t *testing.T) {
	t.Parallel()
	dir, r := richRun(t, 30)
	page, err := os.ReadFile(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{
		`<span class="badge fail">✗ 2 of 3 gates failed, verification failed (2 records)</span>`,
		`audit &lt;script&gt;alert(&#34;p&#34;)&lt;/script&gt;`,
		`4988/s is not &gt;= 5000/s &amp; &lt;short&gt;`,
		`producer &lt;shop&gt; fell *behind* its rate_profile | by 9 records`,
		`records 1:0..1 were acknowledged &amp; never delivered &lt;finding 0&gt;`,
		`records 1:240..241 were acknowledged &amp; never delivered &lt;finding 24&gt;`,
		`… and 5 more findings in <code>findings.jsonl</code>`,
		`id="embedded"`,
		IntervalLogFile + ` is not in the result directory`,
		`id="` + chartTimelineP99 + `"`,
		`4.0s–6.0s (2.0s): errors, throughput`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{`<script>alert`, `finding 25&gt;`, `id="` + chartProduceLat + `"`} {
		if strings.Contains(s, bad) {
			t.Errorf("page has %q", bad)
		}
	}
	gates := s[strings.Index(s, `<table id="gates-table">`):]
	gates = gates[:strings.Index(gates, "</table>")]
	if got := strings.Count(gates, `<tr class="fail"><td><span class="tag fail">FAIL</span>`); got != 2 {
		t.Errorf("%d failed gate rows, want 2", got)
	}
	checkSelfContained(t, page)
	charts := chartData(t, page)
	if len(charts) != 6 { // throughput, errors, p99, distribution, lag, producers
		t.Errorf("%d charts: %v", len(charts), charts)
	}
	if !r.Passed() && r.VerificationFailures() == 0 {
		t.Fatal("fixture changed: it must fail a gate and a verification")
	}
}

// checkSelfContained fails the test if the page's markup or style loads
// anything: every script, style and image must be inline. (What scripts
// fetch, the browser test checks.)
func checkSelfContained(t *testing.T, page []byte) {
	t.Helper()
	scripts := regexp.MustCompile(`(?is)(<script\b[^>]*>).*?</script>`)
	markup := scripts.ReplaceAll(page, []byte("$1</script>"))
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)<(script|img|iframe|frame|link|source|video|audio|embed|object|base)\b[^>]*>`),
		regexp.MustCompile(`(?i)\b(src|href|srcset|poster|data|action)\s*=`),
		regexp.MustCompile(`(?i)@import|url\(`),
	} {
		for _, m := range re.FindAll(markup, -1) {
			if !bytes.HasPrefix(bytes.ToLower(m), []byte("<script")) || bytes.Contains(bytes.ToLower(m), []byte("src")) {
				t.Errorf("page loads a resource: %s", m)
			}
		}
	}
	if !bytes.Contains(page, []byte(`version="`+EChartsVersion()+`"`)) {
		t.Errorf("ECharts %s not inlined", EChartsVersion())
	}
	if n := bytes.Count(page, []byte("</script")); n != 3 {
		t.Errorf("%d script ends, want 3 (data, ECharts, kbench)", n)
	}
}

// chartData returns the chart specs the page embeds, by id.
func chartData(t *testing.T, page []byte) map[string]int {
	t.Helper()
	re := regexp.MustCompile(`(?s)<script type="application/json" id="kbench-charts">(.*?)</script>`)
	m := re.FindSubmatch(page)
	if m == nil {
		t.Fatal("no chart data in the page")
	}
	var specs []struct {
		ID     string
		Option struct {
			Series []struct{ Data []json.RawMessage }
		}
	}
	if err := json.Unmarshal(m[1], &specs); err != nil {
		t.Fatalf("chart data is not JSON: %v", err)
	}
	out := map[string]int{}
	for _, s := range specs {
		out[s.ID] = len(s.Option.Series)
	}
	return out
}

func TestHTMLWithoutDirectory(t *testing.T) {
	t.Parallel()
	r, _ := loadRun(t, filepath.Join("testdata", "html", "orders-spike"))
	var b bytes.Buffer
	if err := HTML(&b, r); err != nil {
		t.Fatal(err)
	}
	charts := chartData(t, b.Bytes())
	if charts[chartTimelineP99] != 2 || charts[chartProduceLat] != 0 || charts[chartThroughput] != 3 {
		t.Errorf("charts from the result alone: %v", charts)
	}
	checkSelfContained(t, b.Bytes())

	// The same through the format registry, with and without a directory.
	f, err := LookupFormat("html")
	if err != nil || !f.Document || f.File != HTMLFile {
		t.Fatalf("html format %+v: %v", f, err)
	}
	var withDir bytes.Buffer
	if err := f.Render(&withDir, filepath.Join("testdata", "html", "orders-spike"), r); err != nil {
		t.Fatal(err)
	}
	if charts := chartData(t, withDir.Bytes()); charts[chartProduceLat] != 5 || charts[chartE2ELat] != 5 || charts[chartTimelineP99] != 0 {
		t.Errorf("charts with the directory: %v", charts)
	}
}

func TestHTMLBadFiles(t *testing.T) {
	t.Parallel()
	r, _ := loadRun(t, filepath.Join("testdata", "html", "quickstart"))
	hlog, err := os.ReadFile(filepath.Join("testdata", "html", "quickstart", IntervalLogFile))
	if err != nil {
		t.Fatal(err)
	}
	shifted := *r
	shifted.Timeline = append([]measure.Interval(nil), r.Timeline...)
	for i := range shifted.Timeline {
		shifted.Timeline[i].StartS += 60
	}
	for _, tc := range []struct {
		name           string
		r              *measure.Result
		hlog, findings string
		err, note      string
	}{
		{name: "corrupt histogram", hlog: string(hlog[:len(hlog)/2]) + "\n",
			err: IntervalLogFile + ": histogram "},
		{name: "bad base time", hlog: "#[BaseTime: soon (seconds since epoch)]\n",
			err: `BaseTime line "#[BaseTime: soon (seconds since epoch)]"`},
		{name: "another run's log", r: &shifted, hlog: string(hlog),
			note: "12 histograms of intervals.hlog start at no interval"},
		{name: "empty log", hlog: "",
			note: "intervals.hlog holds no latency of this run&#39;s intervals"},
		{name: "findings not JSON", hlog: string(hlog), findings: "{\"kind\":\"lost\",\"count\":1,\"explanation\":\"x\"}\n\n{oops\n",
			err: FindingsFile + ": line 3: not a JSON finding"},
		{name: "unknown kind", hlog: string(hlog), findings: `{"kind":"misplaced","count":1}`,
			err: `line 1: not a finding: verify: unknown finding kind "misplaced"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, IntervalLogFile), []byte(tc.hlog), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.findings != "" {
				if err := os.WriteFile(filepath.Join(dir, FindingsFile), []byte(tc.findings), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			res := r
			if tc.r != nil {
				res = tc.r
			}
			var b bytes.Buffer
			err := HTMLDir(&b, dir, res)
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "hint:") {
					t.Fatalf("err = %v, want %q and a hint", err, tc.err)
				}
				if b.Len() != 0 {
					t.Error("a failed report wrote output")
				}
			case err != nil:
				t.Fatal(err)
			case !strings.Contains(b.String(), tc.note):
				t.Errorf("page lacks the note %q", tc.note)
			}
		})
	}
}

func TestReadFindings(t *testing.T) {
	t.Parallel()
	dir, r := richRun(t, 3)
	f, err := os.Open(filepath.Join(dir, FindingsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := readFindings(f, 2)
	if err != nil {
		t.Fatal(err)
	}
	if l.Total != 3 || len(l.Shown) != 2 || l.More() != 1 || l.Source != FindingsFile {
		t.Fatalf("list %+v", l)
	}
	if g := l.Shown[1]; g.Topic != "orders" || g.Group != "billing" || g.Kind != verify.KindLost || g.Seq != 10 || g.SeqHi != 11 {
		t.Errorf("second finding %+v", g)
	}
	// Without the file, the result's own findings.
	r.Verification[0].Findings = []verify.Finding{{Kind: verify.KindCorrupted, Count: 1, Explanation: "bad value"}}
	r.Verification[0].FindingsOmitted = 4
	if l := resultFindings(r, 25); l.Total != 5 || len(l.Shown) != 1 || l.Shown[0].Group != "billing" || l.Source != ResultFile {
		t.Errorf("result findings %+v", l)
	}
}

func FuzzReadFindings(f *testing.F) {
	f.Add([]byte(`{"topic":"t","group":"g","kind":"lost","count":2,"stream":1,"seq":0,"seq_hi":1,"explanation":"x"}` + "\n"))
	f.Add([]byte("\n\n{}\n"))
	f.Add([]byte(`{"kind":"late","intended_ns":1,"consumed_ns":2,"lateness_ns":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := readFindings(bytes.NewReader(b), 3)
		if err != nil {
			return
		}
		if int64(len(l.Shown)) > l.Total || len(l.Shown) > 3 || l.Total > int64(bytes.Count(b, []byte("\n"))+1) {
			t.Fatalf("%d shown, %d total from %d bytes", len(l.Shown), l.Total, len(b))
		}
	})
}

// FuzzReadLogHeader checks that the header reader gives back every byte
// it reads, so the log reader sees the whole log.
func FuzzReadLogHeader(f *testing.F) {
	hlog, err := os.ReadFile(filepath.Join("testdata", "html", "quickstart", IntervalLogFile))
	if err != nil {
		f.Fatal(err)
	}
	lines := bytes.SplitAfter(hlog, []byte("\n"))
	f.Add(bytes.Join(lines[:7], nil))
	f.Add([]byte("#[BaseTime: 12.5]\nTag=produce,0.1,1,1,HISTFAAAAA==\n"))
	f.Add([]byte("#[StartTime: 1795737698 (seconds since epoch), 2026-11-27T00:01:38Z]\n1795737699.5,1,1,HIST"))
	f.Add([]byte("Tag=e2e\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		br := bufio.NewReader(bytes.NewReader(b))
		head, hdr, err := readLogHeader(br)
		if err != nil {
			if !bytes.Contains(b, []byte("Time: ")) {
				t.Fatalf("error %v without a time line", err)
			}
			return
		}
		rest, _ := io.ReadAll(br)
		if !bytes.Equal(append(head, rest...), b) {
			t.Fatalf("header %q + rest %q is not the input", head, rest)
		}
		if hdr.base.ok && !bytes.Contains(head, []byte("#[BaseTime: ")) {
			t.Fatalf("base time %v from %q", hdr.base, head)
		}
	})
}

// FuzzReadIntervalLatencies reads arbitrary logs against a real run's
// timeline: no panic, and one value per interval. Fuzz with a short
// -fuzzminimizetime: decoding a histogram of the size a payload claims
// makes each minimizing step slow.
func FuzzReadIntervalLatencies(f *testing.F) {
	dir := filepath.Join("testdata", "html", "quickstart")
	hlog, err := os.ReadFile(filepath.Join(dir, IntervalLogFile))
	if err != nil {
		f.Fatal(err)
	}
	r, err := ReadResult(dir)
	if err != nil {
		f.Fatal(err)
	}
	lines := bytes.SplitAfter(hlog, []byte("\n"))
	f.Add(bytes.Join(lines[:7], nil))
	f.Add([]byte("#[BaseTime: 12.5]\nTag=produce,0.1,1,1,HISTFAAAAA==\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		il, err := readIntervalLatencies(bytes.NewReader(b), r)
		if err != nil {
			return
		}
		for tag, v := range il.byTag {
			for _, vals := range v.values {
				if len(vals) != len(r.Timeline) {
					t.Fatalf("%s: %d values for %d intervals", tag, len(vals), len(r.Timeline))
				}
			}
		}
	})
}

func TestIntervalAt(t *testing.T) {
	t.Parallel()
	tl := []measure.Interval{{StartS: 0, LengthS: 1.0042}, {StartS: 1.0042, LengthS: 1}, {StartS: 2.0042, LengthS: 0.003}, {StartS: 2.0072, LengthS: 0.5}}
	for _, tc := range []struct {
		t    float64
		want int
		ok   bool
	}{
		{0, 0, true}, {1.004, 1, true}, {1.005, 1, true}, {2.004, 2, true}, {2.007, 3, true},
		{0.5, 0, false}, {2.6, 0, false}, {-1, 0, false},
	} {
		got, ok := intervalAt(tl, tc.t)
		if got != tc.want || ok != tc.ok {
			t.Errorf("intervalAt(%g) = %d, %v; want %d, %v", tc.t, got, ok, tc.want, tc.ok)
		}
	}
}

func BenchmarkHTMLDir(b *testing.B) {
	dir := filepath.Join("testdata", "html", "orders-spike")
	r, err := ReadResult(dir)
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if err := HTMLDir(&out, dir, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(out.Len()), "bytes/report")
}

// TestIntervalLogTimeStamps reads logs whose time stamps are written in
// the ways the HdrHistogram log format allows, and finds every interval.
func TestIntervalLogTimeStamps(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 678_000_000, time.UTC)
	r := &measure.Result{Start: start}
	for i := range 5 {
		r.Timeline = append(r.Timeline, measure.Interval{StartS: float64(i), LengthS: 1})
	}
	for _, tc := range []struct {
		name   string
		base   int64 // the writer's base time, ms
		header func(w *hdrhistogram.HistogramLogWriter)
	}{
		{"as kbench writes it", start.UnixMilli(), func(w *hdrhistogram.HistogramLogWriter) {
			_ = w.OutputStartTime(start.UnixMilli())
			_ = w.OutputBaseTime(start.UnixMilli())
		}},
		{"relative, no header", start.UnixMilli(), func(*hdrhistogram.HistogramLogWriter) {}},
		{"relative, StartTime only", start.UnixMilli(), func(w *hdrhistogram.HistogramLogWriter) {
			_ = w.OutputStartTime(start.UnixMilli())
		}},
		{"absolute, no header", 0, func(*hdrhistogram.HistogramLogWriter) {}},
		{"absolute, StartTime only", 0, func(w *hdrhistogram.HistogramLogWriter) {
			_ = w.OutputStartTime(start.UnixMilli())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			w := hdrhistogram.NewHistogramLogWriter(&b)
			w.SetBaseTime(tc.base)
			_ = w.OutputLogFormatVersion()
			tc.header(w)
			_ = w.OutputLegend()
			for i := range 5 {
				h := measure.NewHistogram()
				_ = h.RecordValue(int64(i+1) * 1_000_000)
				h.SetTag("produce")
				h.SetStartTimeMs(start.UnixMilli() + int64(i)*1000)
				h.SetEndTimeMs(start.UnixMilli() + int64(i+1)*1000)
				if err := w.OutputIntervalHistogram(h); err != nil {
					t.Fatal(err)
				}
			}
			il, err := readIntervalLatencies(&b, r)
			if err != nil {
				t.Fatal(err)
			}
			if il.unmatched != 0 || il.byTag["produce"] == nil {
				t.Fatalf("%d unmatched, tags %v\n%s", il.unmatched, il.byTag, b.String())
			}
			for i, v := range il.byTag["produce"].values[0] {
				if !v.ok || math.Abs(v.v-float64(i+1)) > 0.01 {
					t.Errorf("interval %d: p50 %+v, want %dms", i, v, i+1)
				}
			}
		})
	}
}
