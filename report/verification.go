package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/kbench/kbench/measure"
)

// FindingsFile is the result directory's file of verification findings,
// one JSON object per line, written as they are found.
const FindingsFile = "findings.jsonl"

// shownFindings is how many findings per verification the text summary
// explains.
const shownFindings = 5

// writeVerification renders the VERIFICATION section of the text summary.
func writeVerification(b *strings.Builder, r *measure.Result) {
	if len(r.Verification) == 0 {
		return
	}
	b.WriteString("\nVERIFICATION (every record of the run, checked by identity)\n")
	writeVerifications(b, r.Verification, "in "+FindingsFile)
}

// VerificationText writes verdicts as the text summary shows them: counts,
// the first findings explained, and what failed. more says where the
// findings not shown are, e.g. "in findings.jsonl".
func VerificationText(w io.Writer, vs []measure.Verification, more string) error {
	var b strings.Builder
	writeVerifications(&b, vs, more)
	_, err := io.WriteString(w, b.String())
	return err
}

func writeVerifications(b *strings.Builder, vs []measure.Verification, more string) {
	for _, v := range vs {
		c := v.Counts
		verdict := "PASS"
		switch {
		case v.Partial:
			verdict = "PARTIAL"
		case v.Failures > 0:
			verdict = "FAIL"
		}
		fmt.Fprintf(b, "  %s  group %s on %s: %d acked, %d delivered (%d distinct), lost %d, duplicates %d written + %d redelivered, "+
			"unexpected %d, corrupted %d, reordered %d, poll skips %d\n",
			verdict, v.Group, v.Topic, c.Acked, c.Consumed, c.ConsumedUnique, c.Lost, c.DuplicateWrites, c.Redeliveries,
			c.Unexpected, c.Corrupted, c.Reordered, c.PollSkips)
		if c.AbortedReads+c.PartialTxns+c.NonmonotonicPolls+c.Late+c.Foreign+c.Unidentified > 0 {
			fmt.Fprintf(b, "        aborted reads %d, partial transactions %d, nonmonotonic polls %d, late %d, foreign %d, unidentified %d\n",
				c.AbortedReads, c.PartialTxns, c.NonmonotonicPolls, c.Late, c.Foreign, c.Unidentified)
		}
		if v.Partial {
			b.WriteString("        the run was interrupted: records still on their way count as lost, so this verdict is not final\n")
		}
		for i, f := range v.Findings {
			if i == shownFindings {
				break
			}
			fmt.Fprintf(b, "        - %s: %s\n", f.Kind, f.Explanation)
		}
		if n := int64(len(v.Findings)-min(len(v.Findings), shownFindings)) + v.FindingsOmitted; n > 0 {
			fmt.Fprintf(b, "        … and %d more findings %s\n", n, more)
		}
		if v.Failures > 0 && !v.Partial {
			fmt.Fprintf(b, "        fails the run: %s\n", v.Policy)
		}
	}
}
