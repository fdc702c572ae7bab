// Package report renders a run's result for people and tools: the text
// summary, the live progress line, Markdown for CI job summaries, JUnit XML
// for CI test views, a self-contained HTML page with charts (see
// FormatNames), and the result directory (result.json, .hgrm percentile
// files, and the interval log written during the run).
package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kbench/kbench/measure"
)

// Text writes the human-readable summary of r to w.
func Text(w io.Writer, r *measure.Result) error {
	var b strings.Builder
	elapsed := r.End.Sub(r.Start).Round(100 * time.Millisecond)
	fmt.Fprintf(&b, "kbench %s: %s in %v\n", r.Scenario, r.Status, elapsed)
	if r.Error != "" {
		fmt.Fprintf(&b, "error: %s\n", r.Error)
	}
	fmt.Fprintf(&b, "cluster: %s\n", r.Cluster.Description)
	fmt.Fprintf(&b, "run %s: duration %gs, warmup %gs, measured window %.1fs\n\n",
		r.RunID, r.DurationS, r.WarmupS, r.MeasuredS)

	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	rows := r.Producers
	if len(rows) > 1 {
		total := r.Produce
		total.Name = "total"
		rows = append(append([]measure.Produce(nil), rows...), total)
	}
	nameWidth := len("PRODUCE")
	for _, p := range rows {
		nameWidth = max(nameWidth, len(p.Name))
	}
	fmt.Fprintf(tw, "%-*s\tsent\tacked\terrors\tbehind\tunsent\trate\ttarget\tthroughput\t\n", nameWidth, "PRODUCE")
	for _, p := range rows {
		target := "max"
		if p.TargetRate > 0 {
			target = measure.FormatRate(p.TargetRate) + "/s"
		}
		fmt.Fprintf(tw, "%-*s\t%d\t%d\t%d\t%d\t%d\t%s/s\t%s\t%s/s\t\n", nameWidth, p.Name, p.Sent, p.Acked, p.Errors,
			p.Behind, p.Unsent, measure.FormatRate(p.Rate), target, measure.FormatBytes(p.Throughput))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	kinds := make([]string, 0, len(r.Produce.ErrorKinds))
	for k := range r.Produce.ErrorKinds {
		kinds = append(kinds, k)
	}
	// Most frequent first; ties by message, so the output is stable.
	sort.Slice(kinds, func(i, j int) bool {
		ci, cj := r.Produce.ErrorKinds[kinds[i]], r.Produce.ErrorKinds[kinds[j]]
		return ci > cj || ci == cj && kinds[i] < kinds[j]
	})
	for _, k := range kinds {
		fmt.Fprintf(&b, "  error x%d: %s\n", r.Produce.ErrorKinds[k], k)
	}
	for _, p := range r.Producers {
		if t := p.Transactions; t != nil {
			fmt.Fprintf(&b, "  transactions of %s: %d committed, %d aborted (%d records), %d in doubt (%d records)\n",
				p.Name, t.Committed, t.Aborted, t.AbortedRecords, t.InDoubt, t.InDoubtRecords)
		}
	}

	b.WriteString("\n")
	tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "LATENCY       \tp50\tp90\tp99\tp99.9\tmax\tcount\t")
	for _, row := range []struct {
		name string
		l    measure.Latency
	}{
		{"produce", r.Produce.Latency},
		{"produce raw", r.Produce.LatencyRaw},
		{"end-to-end", r.Consume.E2E},
		{"end-to-end raw", r.Consume.E2ERaw},
	} {
		if row.l.Count == 0 {
			fmt.Fprintf(tw, "%-14s\t-\t-\t-\t-\t-\t0\t\n", row.name)
			continue
		}
		fmt.Fprintf(tw, "%-14s\t%s\t%s\t%s\t%s\t%s\t%d\t\n", row.name, us(row.l.P50US), us(row.l.P90US),
			us(row.l.P99US), us(row.l.P999US), us(row.l.MaxUS), row.l.Count)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	b.WriteString("  (produce = ack time, end-to-end = consume time; measured from the intended send time,\n" +
		"   which counts time a record waited behind a slow system; raw = from the actual send time)\n\n")

	missing := "n/a (not every produced topic has consumers)"
	if r.Consume.Missing >= 0 {
		missing = fmt.Sprint(r.Consume.Missing)
	}
	fmt.Fprintf(&b, "CONSUME  records %d  rate %s/s  throughput %s/s  foreign %d  missing %s\n",
		r.Consume.Records, measure.FormatRate(r.Consume.Rate), measure.FormatBytes(r.Consume.Throughput),
		r.Consume.Foreign, missing)

	for _, l := range r.Lag {
		fmt.Fprintf(&b, "  lag of group %s on %s: max %d records (one partition: %d), %d at the end\n",
			l.Group, l.Topic, l.Max, l.MaxPartition, l.Final)
	}
	writeVerification(&b, r)
	writeSchemas(&b, r)

	if len(r.Gates) > 0 {
		b.WriteString("\nGATES\n")
		for _, g := range r.Gates {
			verdict := "PASS"
			if !g.Passed {
				verdict = "FAIL"
			}
			fmt.Fprintf(&b, "  %s  %s  (%s)\n", verdict, g.Expr, g.Display)
			if g.Reason != "" && !g.Passed {
				fmt.Fprintf(&b, "        %s\n", g.Reason)
			}
		}
	}
	if len(r.Disruptions) > 0 {
		b.WriteString("\nDISRUPTIONS (intervals with failed records, throughput below half the target, or a produce p99 spike)\n")
		for _, d := range r.Disruptions {
			fmt.Fprintf(&b, "  %s\n", d)
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\nNOTES\n")
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "  - %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func us(v int64) string { return measure.FormatDuration(float64(v) * 1000) }

// ProgressLine renders one live progress line.
func ProgressLine(p measure.Progress) string {
	target := measure.FormatRate(p.TargetRate) + "/s"
	if p.Unlimited {
		target = "max"
	}
	line := fmt.Sprintf("[%5.1fs] produce %s/s (target %s) acked %d errors %d behind %d | consume %s/s",
		p.Elapsed.Seconds(), measure.FormatRate(p.AckRate), target, p.Acked, p.Errors, p.Behind,
		measure.FormatRate(p.ConsumeRate))
	if p.ProduceP99 > 0 {
		line += " | p99 produce " + measure.FormatDuration(float64(p.ProduceP99))
	}
	if p.E2EP99 > 0 {
		line += " e2e " + measure.FormatDuration(float64(p.E2EP99))
	}
	return line
}
