package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/kbench/kbench/measure"
)

// JUnit writes r as JUnit XML, for CI systems that show test results
// (GitLab's artifacts:reports:junit, Jenkins, GitHub reporter actions): a
// test suite named after the scenario, with one test case per gate, one
// for "records delivered" (consume.missing == 0; skipped when some
// produced topic had no consumer), one per verification, and one for the
// run itself (an error when it failed, a failure when it was
// interrupted). The suite's properties name the run id, the cluster and
// the kbench version; its system-out holds the text summary. The layout
// validates against the JUnit schema CI tools read (Jenkins' junit-10.xsd).
func JUnit(w io.Writer, r *measure.Result) error {
	suite := junitSuite{
		Name:      r.Scenario,
		Timestamp: r.Start.UTC().Format("2006-01-02T15:04:05"),
		Time:      fmt.Sprintf("%.3f", max(r.End.Sub(r.Start).Seconds(), 0)),
	}
	prop := func(name, value string) {
		if value != "" {
			suite.Properties = append(suite.Properties, junitProperty{Name: name, Value: value})
		}
	}
	prop("run_id", r.RunID)
	prop("scenario", r.Scenario)
	prop("scenario_file", r.ScenarioFile)
	prop("status", string(r.Status))
	prop("cluster", r.Cluster.Description)
	prop("cluster_kind", string(r.Cluster.Kind))
	prop("brokers", strings.Join(r.Cluster.Brokers, ","))
	prop("kafka_version", r.Cluster.KafkaVersion)
	prop("kbench_version", r.KbenchVersion)

	class := "kbench." + r.Scenario
	add := func(tc junitCase) {
		tc.Classname = class
		suite.Cases = append(suite.Cases, tc)
	}

	run := junitCase{Name: "run completed"}
	switch r.Status {
	case measure.StatusFailed:
		run.Error = &junitProblem{Type: "run", Message: r.Error, Text: "the run failed: " + r.Error}
	case measure.StatusInterrupted:
		run.Failure = &junitProblem{Type: "interrupted", Message: "the run was interrupted",
			Text: "the run was interrupted: its figures cover the part that ran"}
	}
	add(run)

	for _, g := range r.Gates {
		tc := junitCase{Name: "gate: " + g.Expr}
		if !g.Passed {
			tc.Failure = &junitProblem{Type: "gate", Message: g.Reason,
				Text: fmt.Sprintf("%s\nvalue: %s\n%s", g.Expr, g.Display, g.Reason)}
		}
		add(tc)
	}

	delivered := junitCase{Name: "records delivered"}
	switch {
	case r.Consume.Missing < 0:
		delivered.Skipped = &junitProblem{Message: "not every produced topic has a consumer: delivery was not checked"}
	case r.Consume.Missing > 0:
		msg := fmt.Sprintf("%d acknowledged records were not consumed by the end of the drain", r.Consume.Missing)
		delivered.Failure = &junitProblem{Type: "missing", Message: msg,
			Text: fmt.Sprintf("%s (acknowledged %d, consumed %d)", msg, r.Produce.Acked, r.Consume.Records)}
	}
	add(delivered)

	for _, v := range r.Verification {
		tc := junitCase{Name: fmt.Sprintf("verification: group %s on %s", v.Group, v.Topic)}
		c := v.Counts
		detail := fmt.Sprintf("acked %d, delivered %d (%d distinct), lost %d, duplicates %d written + %d redelivered, "+
			"unexpected %d, corrupted %d, reordered %d, poll skips %d", c.Acked, c.Consumed, c.ConsumedUnique, c.Lost,
			c.DuplicateWrites, c.Redeliveries, c.Unexpected, c.Corrupted, c.Reordered, c.PollSkips)
		switch {
		case v.Partial:
			tc.Skipped = &junitProblem{Message: "the run was interrupted: the verification is not final"}
		case v.Failures > 0:
			tc.Failure = &junitProblem{Type: "verification",
				Message: fmt.Sprintf("%d records delivered wrongly or not at all (%s)", v.Failures, v.Policy), Text: detail}
		}
		add(tc)
	}

	var summary strings.Builder
	if err := Text(&summary, r); err != nil {
		return err
	}
	suite.SystemOut = cdata{xmlSafe(summary.String())}
	for i := range suite.Cases {
		for _, p := range []*junitProblem{suite.Cases[i].Failure, suite.Cases[i].Error, suite.Cases[i].Skipped} {
			if p != nil {
				p.Text = xmlSafe(p.Text)
			}
		}
	}
	for _, tc := range suite.Cases {
		suite.Tests++
		switch {
		case tc.Failure != nil:
			suite.Failures++
		case tc.Error != nil:
			suite.Errors++
		case tc.Skipped != nil:
			suite.Skipped++
		}
	}
	doc := junitSuites{Name: "kbench", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
	SystemOut  cdata           `xml:"system-out,omitempty"`
}

// cdata is element text written as a CDATA section, so multi-line text
// stays readable in the file.
type cdata struct {
	Text string `xml:",cdata"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Skipped   *junitProblem `xml:"skipped"`
	Error     *junitProblem `xml:"error"`
	Failure   *junitProblem `xml:"failure"`
}

// junitProblem is a failure, error or skipped element.
type junitProblem struct {
	Type    string `xml:"type,attr,omitempty"`
	Message string `xml:"message,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// xmlSafe replaces the characters XML 1.0 cannot carry (most control
// characters), which CDATA sections do not escape.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
			return r
		}
		return '\uFFFD'
	}, s)
}
