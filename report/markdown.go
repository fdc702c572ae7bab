package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/kbench/kbench/measure"
)

// Markdown writes a summary of r in GitHub-flavoured Markdown, for a CI job
// summary ($GITHUB_STEP_SUMMARY) or a pull request comment: a header line
// with the verdict, run and cluster (saying plainly when it was the
// embedded cluster), the gates, key percentiles, throughput per producer,
// what consumers saw, verification, disruptions and notes.
func Markdown(w io.Writer, r *measure.Result) error {
	var b strings.Builder
	icon, verdict := outcome(r)
	fmt.Fprintf(&b, "## %s kbench %s: %s\n\n", icon, mdText(r.Scenario), verdict)
	elapsed := r.End.Sub(r.Start).Round(100 * time.Millisecond)
	fmt.Fprintf(&b, "**%s** in %v · run `%s`", r.Status, elapsed, r.RunID)
	if r.KbenchVersion != "" {
		fmt.Fprintf(&b, " · kbench %s", mdText(r.KbenchVersion))
	}
	fmt.Fprintf(&b, " · measured window %.1fs (duration %gs, warmup %gs)\n\n", r.MeasuredS, r.DurationS, r.WarmupS)
	if r.Error != "" {
		fmt.Fprintf(&b, "**Error:** %s\n\n", mdText(r.Error))
	}
	if r.Cluster.Kind == measure.ClusterEmbedded {
		b.WriteString("**Cluster:** ⚠️ the embedded in-process cluster (franz-go kfake), not a real Kafka cluster: " +
			"these figures measure kbench's own overhead, not Kafka's performance.\n\n")
	} else {
		fmt.Fprintf(&b, "**Cluster:** %s", mdText(r.Cluster.Description))
		if r.Cluster.KafkaVersion != "" {
			fmt.Fprintf(&b, " (Kafka %s)", mdText(r.Cluster.KafkaVersion))
		}
		b.WriteString("\n\n")
	}

	if len(r.Gates) > 0 {
		b.WriteString("### Gates\n\n| | gate | value | |\n|:-:|---|---:|---|\n")
		for _, g := range r.Gates {
			mark, why := "✅", ""
			if !g.Passed {
				mark, why = "❌", mdCell(g.Reason)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mark, mdCode(g.Expr), mdCell(g.Display), why)
		}
		b.WriteString("\n")
	}

	b.WriteString("### Latency\n\n| | p50 | p99 | p99.9 | max | count |\n|---|---:|---:|---:|---:|---:|\n")
	for _, row := range []struct {
		name string
		l    measure.Latency
	}{{"produce", r.Produce.Latency}, {"end-to-end", r.Consume.E2E}} {
		if row.l.Count == 0 {
			fmt.Fprintf(&b, "| %s | - | - | - | - | 0 |\n", row.name)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d |\n", row.name, us(row.l.P50US), us(row.l.P99US),
			us(row.l.P999US), us(row.l.MaxUS), row.l.Count)
	}
	b.WriteString("\nFrom each record's intended send time, so time spent waiting behind a slow system counts " +
		"(produce: until acknowledged; end-to-end: until consumed).\n\n")

	b.WriteString("### Throughput\n\n| producer | topic | sent | acked | errors | rate | target | throughput |\n" +
		"|---|---|---:|---:|---:|---:|---:|---:|\n")
	rows := r.Producers
	if len(rows) > 1 {
		total := r.Produce
		total.Name, total.Topic = "**total**", ""
		rows = append(append([]measure.Produce(nil), rows...), total)
	}
	for _, p := range rows {
		target := "max"
		if p.TargetRate > 0 {
			target = measure.FormatRate(p.TargetRate) + "/s"
		}
		name := p.Name
		if name != "**total**" {
			name = mdCell(name)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %s/s | %s | %s/s |\n", name, mdCell(p.Topic), p.Sent, p.Acked,
			p.Errors, measure.FormatRate(p.Rate), target, measure.FormatBytes(p.Throughput))
	}
	if kinds := errorKinds(r.Produce.ErrorKinds); len(kinds) > 0 {
		b.WriteString("\nProduce errors:\n\n")
		for _, k := range kinds {
			fmt.Fprintf(&b, "- %d× %s\n", r.Produce.ErrorKinds[k], mdCode(k))
		}
	}

	missing := "n/a (not every produced topic has consumers)"
	if r.Consume.Missing >= 0 {
		missing = fmt.Sprintf("**%d**", r.Consume.Missing)
	}
	fmt.Fprintf(&b, "\n### Consumed\n\n**%d** records · %s/s · %s/s · missing %s · foreign %d\n",
		r.Consume.Records, measure.FormatRate(r.Consume.Rate), measure.FormatBytes(r.Consume.Throughput), missing, r.Consume.Foreign)
	for _, l := range r.Lag {
		fmt.Fprintf(&b, "\n- lag of group %s on %s: max %d records (one partition: %d), %d at the end",
			mdCode(l.Group), mdCode(l.Topic), l.Max, l.MaxPartition, l.Final)
	}
	if len(r.Lag) > 0 {
		b.WriteString("\n")
	}

	if len(r.Verification) > 0 {
		b.WriteString("\n### Verification\n\nEvery record of the run, checked by identity.\n\n" +
			"| | group | topic | acked | delivered | lost | duplicates | corrupted | reordered | failures |\n" +
			"|:-:|---|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for _, v := range r.Verification {
			c := v.Counts
			mark := "✅"
			switch {
			case v.Partial:
				mark = "⚠️"
			case v.Failures > 0:
				mark = "❌"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d | %d | %d | %d | %d | %d | %d |\n", mark, mdCell(v.Group), mdCell(v.Topic),
				c.Acked, c.Consumed, c.Lost, c.DuplicateWrites+c.Redeliveries+c.DuplicatesUnclassified, c.Corrupted, c.Reordered, v.Failures)
		}
		for _, v := range r.Verification {
			if v.Partial {
				fmt.Fprintf(&b, "\n⚠️ group %s: the run was interrupted, so records still on their way count as lost: not a final verdict.\n", mdCode(v.Group))
			}
		}
	}

	writeMarkdownSchemas(&b, r)

	if len(r.Disruptions) > 0 {
		b.WriteString("\n### Disruptions\n\nIntervals with failed records, throughput below half the target, or a produce p99 spike:\n\n")
		for _, d := range r.Disruptions {
			fmt.Fprintf(&b, "- %s\n", mdText(d.String()))
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n### Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "- %s\n", mdText(n))
		}
	}
	// A blank line ends the last block, so summaries can be concatenated.
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// outcome sums a run up for headers: an icon and a phrase.
func outcome(r *measure.Result) (icon, verdict string) {
	switch r.Status {
	case measure.StatusFailed:
		return "❌", "run failed"
	case measure.StatusInterrupted:
		return "⚠️", "interrupted"
	}
	failed := 0
	for _, g := range r.Gates {
		if !g.Passed {
			failed++
		}
	}
	var problems []string
	if failed > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d gates failed", failed, len(r.Gates)))
	}
	if n := r.VerificationFailures(); n > 0 {
		problems = append(problems, fmt.Sprintf("verification failed (%d records)", n))
	}
	switch {
	case len(problems) > 0:
		return "❌", strings.Join(problems, ", ")
	case len(r.Gates) == 0:
		return "✅", "completed (no gates)"
	}
	return "✅", "passed"
}

// errorKinds orders error messages by count, then message.
func errorKinds(m map[string]int64) []string {
	kinds := make([]string, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		return m[kinds[i]] > m[kinds[j]] || m[kinds[i]] == m[kinds[j]] && kinds[i] < kinds[j]
	})
	return kinds
}

// mdText escapes text for Markdown prose: HTML, emphasis and link
// characters, and line breaks.
var mdText = strings.NewReplacer(
	"\\", `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;", "|", `\|`, "\r", " ", "\n", " ",
).Replace

// mdCell is mdText for a table cell.
func mdCell(s string) string { return mdText(s) }

// mdCode renders s as inline code that survives inside a table: pipes
// escaped, backticks fenced by a longer run.
func mdCode(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}
