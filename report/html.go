package report

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kbench/kbench/measure"
)

// The page's own template, style and script, and the vendored ECharts
// build (see assets/README.md), all inlined into every report.html.
var (
	//go:embed web/report.html.tmpl web/report.css web/report.js
	webFiles embed.FS
	//go:embed assets/echarts.min.js
	echartsJS string
	//go:embed assets/echarts.version
	echartsVersion string
)

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"us":    us,
	"rate":  func(v float64) string { return measure.FormatRate(v) + "/s" },
	"bytes": func(v float64) string { return measure.FormatBytes(v) + "/s" },
	"secs":  func(v float64) string { return fmt.Sprintf("%.1fs", v) },
	"utc":   func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 MST") },
}).ParseFS(webFiles, "web/report.html.tmpl"))

// EChartsVersion is the version of Apache ECharts that report.html
// inlines.
func EChartsVersion() string { return strings.TrimSpace(echartsVersion) }

// HTML writes r as one self-contained web page (report.html): the verdict,
// gates, environment, key figures and tables, and charts of throughput,
// errors, latency over time, the latency distribution, consumer lag and
// producers, drawn by Apache ECharts inlined into the page. The page
// fetches nothing, so it works offline and as a CI artifact; its tables
// read without JavaScript. From r alone, latency over time shows the
// timeline's interval p99s and the findings are the first ones r keeps;
// HTMLDir shows more.
func HTML(w io.Writer, r *measure.Result) error {
	return writeHTML(w, r, htmlInputs{findings: resultFindings(r, htmlFindings)})
}

// HTMLDir writes the page HTML writes, with the other files of r's result
// directory dir: latency percentiles over time from the interval log
// (intervals.hlog) and the findings from findings.jsonl. A missing file
// falls back to what r holds, and the page says so; an unreadable one is
// an error naming it.
func HTMLDir(w io.Writer, dir string, r *measure.Result) error {
	in, err := readHTMLInputs(dir, r)
	if err != nil {
		return err
	}
	return writeHTML(w, r, in)
}

// htmlInputs is what a report draws from besides the result.
type htmlInputs struct {
	// intervals are the interval log's latencies; nil without a log.
	intervals *intervalLatencies
	findings  findingList
	// notes say what the report could not show, and why.
	notes []string
}

// readHTMLInputs reads the interval log and the findings of the result
// directory dir.
func readHTMLInputs(dir string, r *measure.Result) (htmlInputs, error) {
	in := htmlInputs{findings: resultFindings(r, htmlFindings)}
	hlog := filepath.Join(dir, IntervalLogFile)
	f, err := os.Open(hlog)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		in.notes = append(in.notes, IntervalLogFile+" is not in the result directory: latency over time shows "+
			"only the timeline's interval p99s.")
	case err != nil:
		return htmlInputs{}, err
	default:
		il, err := readIntervalLatencies(f, r)
		_ = f.Close()
		if err != nil {
			return htmlInputs{}, fmt.Errorf("%s: %w (hint: the file is an HdrHistogram interval log as kbench run writes it; "+
				"move it away to report without it)", hlog, err)
		}
		if il.unmatched > 0 {
			in.notes = append(in.notes, fmt.Sprintf("%d histograms of %s start at no interval of the result's timeline "+
				"and are not drawn: is the log from another run?", il.unmatched, IntervalLogFile))
		}
		if len(il.byTag) > 0 {
			in.intervals = il
		} else if len(r.Timeline) > 0 && (r.Produce.Latency.Count > 0 || r.Consume.E2E.Count > 0) {
			in.notes = append(in.notes, IntervalLogFile+" holds no latency of this run's intervals: latency over "+
				"time shows only the timeline's interval p99s.")
		}
	}
	if len(r.Verification) > 0 {
		path := filepath.Join(dir, FindingsFile)
		f, err := os.Open(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// Written only when there are findings.
		case err != nil:
			return htmlInputs{}, err
		default:
			l, err := readFindings(f, htmlFindings)
			_ = f.Close()
			if err != nil {
				return htmlInputs{}, fmt.Errorf("%s: %w (hint: each line is one JSON finding as kbench run writes them)", path, err)
			}
			in.findings = l
		}
	}
	return in, nil
}

// htmlPage is what the template renders.
type htmlPage struct {
	R                        *measure.Result
	Mark, Verdict            string
	VerdictClass             string
	Elapsed                  string
	Embedded                 bool
	Latencies                []htmlLatency
	Producers                []measure.Produce
	ErrorKinds               []htmlErrorKind
	Missing                  string
	Verifications            []htmlVerification
	Findings                 findingList
	Disruptions              []string
	ReportNotes              []string
	Charts                   []chart
	Style                    template.CSS
	Script, ECharts          template.JS
	EChartsVersion           string
	PassedGates, FailedGates int
}

type htmlLatency struct {
	Name string
	measure.Latency
}

type htmlErrorKind struct {
	Message string
	Count   int64
}

type htmlVerification struct {
	measure.Verification
	Verdict, Class string
	Duplicates     int64
}

func writeHTML(w io.Writer, r *measure.Result, in htmlInputs) error {
	charts, err := buildCharts(r, in.intervals)
	if err != nil {
		return err
	}
	style, err := webFiles.ReadFile("web/report.css")
	if err != nil {
		return err
	}
	script, err := webFiles.ReadFile("web/report.js")
	if err != nil {
		return err
	}
	icon, verdict := outcome(r)
	class, mark := verdictClass(icon)
	p := htmlPage{
		R: r, Mark: mark, Verdict: verdict, VerdictClass: class,
		Elapsed:  r.End.Sub(r.Start).Round(100 * time.Millisecond).String(),
		Embedded: r.Cluster.Kind == measure.ClusterEmbedded,
		Latencies: []htmlLatency{{"produce", r.Produce.Latency}, {"produce raw", r.Produce.LatencyRaw},
			{"end-to-end", r.Consume.E2E}, {"end-to-end raw", r.Consume.E2ERaw}},
		Producers:   r.Producers,
		Missing:     "n/a (not every produced topic has consumers)",
		Findings:    in.findings,
		ReportNotes: in.notes,
		Charts:      charts,
		Style:       template.CSS(style),
		Script:      template.JS(script),
		// The vendored file is ECharts' release build, unchanged.
		ECharts:        template.JS(echartsJS),
		EChartsVersion: EChartsVersion(),
	}
	if len(r.Producers) > 1 {
		total := r.Produce
		total.Name, total.Topic = "total", ""
		p.Producers = append(append([]measure.Produce(nil), r.Producers...), total)
	}
	for _, k := range errorKinds(r.Produce.ErrorKinds) {
		p.ErrorKinds = append(p.ErrorKinds, htmlErrorKind{k, r.Produce.ErrorKinds[k]})
	}
	if r.Consume.Missing >= 0 {
		p.Missing = fmt.Sprint(r.Consume.Missing)
	}
	for _, v := range r.Verification {
		hv := htmlVerification{Verification: v, Verdict: "PASS", Class: "pass",
			Duplicates: v.Counts.DuplicateWrites + v.Counts.Redeliveries + v.Counts.DuplicatesUnclassified}
		switch {
		case v.Partial:
			hv.Verdict, hv.Class = "PARTIAL", "warn"
		case v.Failures > 0:
			hv.Verdict, hv.Class = "FAIL", "fail"
		}
		p.Verifications = append(p.Verifications, hv)
	}
	for _, d := range r.Disruptions {
		p.Disruptions = append(p.Disruptions, d.String())
	}
	for _, g := range r.Gates {
		if g.Passed {
			p.PassedGates++
		} else {
			p.FailedGates++
		}
	}
	// Render to memory first: a template error leaves w untouched.
	var b bytes.Buffer
	if err := htmlTemplate.Execute(&b, p); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// verdictClass maps outcome's icon to the page's colour class and a mark
// that fonts without emoji have too.
func verdictClass(icon string) (class, mark string) {
	switch icon {
	case "✅":
		return "pass", "✓"
	case "❌":
		return "fail", "✗"
	}
	return "warn", "!"
}
