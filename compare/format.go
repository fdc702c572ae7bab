package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// format renders a value given in a unit's base unit for people, as gate
// outcomes do: 12.3ms, 45.0k/s, 10.5MB/s, 1234, 0.50%.
func format(u scenarios.Unit, v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	switch u {
	case scenarios.UnitDuration:
		return measure.FormatDuration(v)
	case scenarios.UnitRate:
		return measure.FormatRate(v) + "/s"
	case scenarios.UnitByteRate:
		return measure.FormatBytes(v) + "/s"
	case scenarios.UnitRatio:
		return fmt.Sprintf("%.2f%%", v*100)
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

// signedPct renders a relative change: +12.3%, -0.4%.
func signedPct(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "+∞"
	case math.IsInf(v, -1):
		return "-∞"
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%+.0f%%", v*100)
	}
	return fmt.Sprintf("%+.1f%%", v*100)
}

// Formats are the renderings of a Report, by name.
var Formats = map[string]func(*Report, io.Writer) error{
	"text":     (*Report).WriteText,
	"markdown": (*Report).WriteMarkdown,
	"json":     (*Report).WriteJSON,
}

// FormatNames returns the names of Formats, sorted.
func FormatNames() []string {
	names := make([]string, 0, len(Formats))
	for n := range Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// row is a comparison's table cells.
type row struct {
	metric, baseline, current, change, interval, allowed, verdict string
}

func (r *Report) rows() []row {
	out := make([]row, 0, len(r.Comparisons))
	for _, c := range r.Comparisons {
		x := row{metric: c.Metric, current: format(c.Unit, c.Current), change: signedPct(c.Change),
			interval: "-", verdict: string(c.Verdict)}
		switch {
		case math.IsNaN(c.Current) || math.IsNaN(c.Baseline) && math.IsNaN(c.BandLow):
			x.baseline, x.change, x.allowed = "n/a", "n/a", "n/a"
		case len(c.Baselines) > 0:
			x.baseline = format(c.Unit, c.BandLow) + " … " + format(c.Unit, c.BandHigh)
		default:
			x.baseline = format(c.Unit, c.Baseline)
		}
		if !math.IsNaN(c.ChangeLow) {
			x.interval = signedPct(c.ChangeLow) + " … " + signedPct(c.ChangeHigh)
		}
		if !math.IsNaN(c.Allowed) {
			op := "≤ "
			if c.Direction == HigherIsBetter {
				op = "≥ "
			}
			x.allowed = op + format(c.Unit, c.Allowed)
		}
		out = append(out, x)
	}
	return out
}

func (r *Report) against() string {
	if len(r.Baselines) == 1 {
		return "baseline " + r.Baselines[0]
	}
	return fmt.Sprintf("%d baselines (%s)", len(r.Baselines), strings.Join(r.Baselines, ", "))
}

// WriteText writes the report as an aligned table, the statements, the
// warnings and one line per regression.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "kbench compare %s: %s against %s\n\n", r.Scenario, r.Current, r.against())
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	width := len("METRIC")
	for _, c := range r.Comparisons {
		width = max(width, len(c.Metric))
	}
	fmt.Fprintf(tw, "%-*s\tbaseline\tcurrent\tchange\t%.0f%% CI\tallowed\t %s\t\n", width, "METRIC", r.Confidence*100, "verdict")
	for _, x := range r.rows() {
		fmt.Fprintf(tw, "%-*s\t%s\t%s\t%s\t%s\t%s\t %s\t\n", width, x.metric, x.baseline, x.current, x.change, x.interval, x.allowed, x.verdict)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("\n")
	for _, c := range r.Comparisons {
		fmt.Fprintf(&b, "  %s: %s\n", c.Metric, c.Statement)
		if c.Method != "" {
			fmt.Fprintf(&b, "    noise: %s\n", c.Method)
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\nWARNINGS\n")
		for _, m := range r.Warnings {
			fmt.Fprintf(&b, "  - %s\n", m)
		}
	}
	if regs := r.Regressions(); len(regs) > 0 {
		b.WriteString("\nREGRESSIONS\n")
		for _, c := range regs {
			fmt.Fprintf(&b, "  - %s\n", c.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var verdictMark = map[Verdict]string{
	OK: "✅ ok", Regression: "❌ regression", Improvement: "🟢 improvement", Inconclusive: "⚠️ inconclusive",
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown, for job
// summaries and pull request comments.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	status := "✅ no regression"
	if n := len(r.Regressions()); n > 0 {
		status = fmt.Sprintf("❌ %d regression(s)", n)
	}
	fmt.Fprintf(&b, "### kbench compare %s: %s\n\n", mdEscape(r.Scenario), status)
	fmt.Fprintf(&b, "Current `%s` against %s, %.0f%% confidence.\n\n", r.Current, mdEscape(r.against()), r.Confidence*100)
	fmt.Fprintf(&b, "| metric | baseline | current | change | %.0f%% CI | allowed | verdict |\n", r.Confidence*100)
	b.WriteString("|---|---:|---:|---:|---|---:|---|\n")
	for i, x := range r.rows() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", x.metric, x.baseline, x.current, x.change,
			x.interval, mdEscape(x.allowed), verdictMark[r.Comparisons[i].Verdict])
	}
	if regs := r.Regressions(); len(regs) > 0 {
		b.WriteString("\n**Regressions**\n\n")
		for _, c := range regs {
			fmt.Fprintf(&b, "- %s\n", mdEscape(c.Reason))
		}
	}
	if len(r.Warnings) > 0 {
		b.WriteString("\n**Warnings**\n\n")
		for _, m := range r.Warnings {
			fmt.Fprintf(&b, "- %s\n", mdEscape(m))
		}
	}
	b.WriteString("\n<details><summary>How each verdict was reached</summary>\n\n")
	for _, c := range r.Comparisons {
		fmt.Fprintf(&b, "- `%s`: %s", c.Metric, mdEscape(c.Statement))
		if c.Method != "" {
			fmt.Fprintf(&b, " (noise: %s)", mdEscape(c.Method))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n</details>\n\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEscape keeps text from breaking Markdown tables and markup.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`).Replace(s)
}

// jsonReport is the JSON layout of a Report; values are in the metric's
// base unit, non-finite numbers are null.
type jsonReport struct {
	Scenario    string           `json:"scenario"`
	Current     string           `json:"current"`
	Baselines   []string         `json:"baselines"`
	Confidence  float64          `json:"confidence"`
	Regressions int              `json:"regressions"`
	Comparisons []jsonComparison `json:"comparisons"`
	Warnings    []string         `json:"warnings,omitempty"`
}

type jsonComparison struct {
	Metric     string    `json:"metric"`
	Better     Direction `json:"better"`
	Tolerance  string    `json:"tolerance"`
	Baseline   *float64  `json:"baseline"`
	Baselines  []float64 `json:"baselines,omitempty"`
	BandLow    *float64  `json:"band_low,omitempty"`
	BandHigh   *float64  `json:"band_high,omitempty"`
	Current    *float64  `json:"current"`
	Change     *float64  `json:"change"`
	ChangeLow  *float64  `json:"change_low,omitempty"`
	ChangeHigh *float64  `json:"change_high,omitempty"`
	Allowed    *float64  `json:"allowed"`
	Verdict    Verdict   `json:"verdict"`
	Statement  string    `json:"statement"`
	Method     string    `json:"method,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	// Display holds the values formatted for people.
	Display map[string]string `json:"display"`
}

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// WriteJSON writes the report as JSON (values in base units: ns,
// records/s, bytes/s, counts, fractions; changes as fractions).
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Scenario: r.Scenario, Current: r.Current, Baselines: r.Baselines, Confidence: r.Confidence,
		Regressions: len(r.Regressions()), Comparisons: []jsonComparison{}, Warnings: r.Warnings}
	rows := r.rows()
	for i, c := range r.Comparisons {
		jc := jsonComparison{Metric: c.Metric, Better: c.Direction, Tolerance: c.Tolerance.ValueString(),
			Baseline: finite(c.Baseline), Baselines: c.Baselines, Current: finite(c.Current), Change: finite(c.Change),
			ChangeLow: finite(c.ChangeLow), ChangeHigh: finite(c.ChangeHigh), Allowed: finite(c.Allowed),
			Verdict: c.Verdict, Statement: c.Statement, Method: c.Method, Reason: c.Reason,
			Display: map[string]string{"baseline": rows[i].baseline, "current": rows[i].current,
				"change": rows[i].change, "interval": rows[i].interval, "allowed": rows[i].allowed}}
		if len(c.Baselines) > 0 {
			jc.BandLow, jc.BandHigh = finite(c.BandLow), finite(c.BandHigh)
		}
		out.Comparisons = append(out.Comparisons, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
