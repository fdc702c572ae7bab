package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/verify"
)

// richFixture is fixture with everything a report can show: two
// producers, lag, a failed and an interrupted verification, a disruption
// and notes that need escaping.
func richFixture(t *testing.T) *measure.Result {
	t.Helper()
	r := fixture(t)
	p2 := r.Producers[0]
	p2.Name, p2.Topic, p2.Errors, p2.ErrorKinds = "audit|log", "audit", 0, nil
	r.Producers = append(r.Producers, p2)
	r.Produce.Name = ""
	r.ScenarioFile = "examples/quickstart.yaml"
	r.KbenchVersion = "v0.9.0"
	r.Lag = []measure.GroupLag{{Group: "billing", Topic: "orders", Max: 120, MaxPartition: 40, Final: 0, Samples: 9}}
	r.Verification = []measure.Verification{
		{Topic: "orders", Group: "billing", Failures: 2, Policy: "lost, corrupted",
			Counts: verify.Counts{Acked: 1000, Consumed: 998, ConsumedUnique: 998, Lost: 2}},
		{Topic: "audit", Group: "auditors", Partial: true, Counts: verify.Counts{Acked: 1000, Consumed: 1000, ConsumedUnique: 1000}},
	}
	r.Disruptions = []measure.Disruption{{StartS: 4, EndS: 6, Errors: 3, MinAckRate: 1200, MaxProduceP99US: 250_000,
		Reasons: []string{"errors", "throughput"}}}
	r.Notes = append(r.Notes, "producer <shop> fell *behind* its rate_profile | by 9 records")
	return r
}

// externalFixture passes every gate on an external cluster, with a topic
// no consumer reads.
func externalFixture(t *testing.T) *measure.Result {
	t.Helper()
	r := fixture(t)
	r.Cluster = measure.Cluster{Kind: measure.ClusterExternal, Brokers: []string{"kafka-1:9092", "kafka-2:9092"},
		Description: "external cluster at kafka-1:9092,kafka-2:9092", KafkaVersion: "v4.4"}
	r.Gates = r.Gates[1:]
	r.Consume.Missing = -1
	r.Notes = nil
	r.Produce.ErrorKinds, r.Produce.Errors = nil, 0
	r.Producers[0].ErrorKinds, r.Producers[0].Errors = nil, 0
	return r
}

func TestMarkdownGolden(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]*measure.Result{"summary.md": richFixture(t), "summary-external.md": externalFixture(t)} {
		var b bytes.Buffer
		if err := Markdown(&b, r); err != nil {
			t.Fatal(err)
		}
		golden(t, name, b.Bytes())
	}
}

func TestMarkdownSaysEmbedded(t *testing.T) {
	t.Parallel()
	var emb, ext bytes.Buffer
	if err := Markdown(&emb, fixture(t)); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&ext, externalFixture(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(emb.String(), "embedded in-process cluster") || !strings.Contains(emb.String(), "not Kafka's performance") {
		t.Errorf("embedded run not said plainly:\n%s", emb.String())
	}
	if strings.Contains(ext.String(), "embedded") || !strings.Contains(ext.String(), "## ✅ kbench quickstart: passed") {
		t.Errorf("external run:\n%s", ext.String())
	}
	if !strings.Contains(emb.String(), "## ❌ kbench quickstart: 1 of 2 gates failed") ||
		!strings.Contains(emb.String(), "| ❌ | `e2e.p99 < 50ms` | 99.1ms | e2e.p99 is 99.1ms, which is not &lt; 50.0ms |") {
		t.Errorf("gates:\n%s", emb.String())
	}
}

func TestJUnitGolden(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := JUnit(&b, richFixture(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "junit.xml", b.Bytes())
}

// junitResults are results covering every JUnit element kbench writes.
func junitResults(t *testing.T) map[string]*measure.Result {
	failed := fixture(t)
	failed.Status, failed.Error = measure.StatusFailed, "cannot reach the Kafka cluster at 127.0.0.1:1 & <nowhere> ]]> \x01"
	interrupted := externalFixture(t)
	interrupted.Status = measure.StatusInterrupted
	missing := fixture(t)
	missing.Consume.Missing = 7
	bare := &measure.Result{SchemaVersion: 1, Scenario: "bare", Status: measure.StatusCompleted}
	return map[string]*measure.Result{"rich": richFixture(t), "external": externalFixture(t),
		"failed": failed, "interrupted": interrupted, "missing": missing, "bare": bare}
}

// TestJUnitSchema validates the JUnit output against the JUnit schema CI
// tools use (testdata/junit-10.xsd, from the Jenkins xUnit plugin) with
// xmllint.
func TestJUnitSchema(t *testing.T) {
	t.Parallel()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian/Ubuntu: apt-get install libxml2-utils): JUnit XML not schema-checked")
	}
	dir := t.TempDir()
	for name, r := range junitResults(t) {
		var b bytes.Buffer
		if err := JUnit(&b, r); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join("testdata", "junit-10.xsd"), path).CombinedOutput()
		if err != nil {
			t.Errorf("%s: junit XML does not validate: %v\n%s\n%s", name, err, out, b.String())
		}
	}
}

// TestJUnitCounts parses the JUnit output back and checks that the counts
// in the attributes agree with the test cases.
func TestJUnitCounts(t *testing.T) {
	t.Parallel()
	type problem struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
	}
	type doc struct {
		XMLName xml.Name
		Tests   int `xml:"tests,attr"`
		Suites  []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Errors   int    `xml:"errors,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Props    []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name      string   `xml:"name,attr"`
				Classname string   `xml:"classname,attr"`
				Failure   *problem `xml:"failure"`
				Error     *problem `xml:"error"`
				Skipped   *problem `xml:"skipped"`
			} `xml:"testcase"`
			Out string `xml:"system-out"`
		} `xml:"testsuite"`
	}
	want := map[string]struct{ tests, failures, errors, skipped int }{
		"rich":        {6, 2, 0, 1}, // run, 2 gates, delivered, 2 verifications
		"external":    {3, 0, 0, 1},
		"failed":      {4, 1, 1, 0},
		"interrupted": {3, 1, 0, 1},
		"missing":     {4, 2, 0, 0},
		"bare":        {2, 0, 0, 0},
	}
	for name, r := range junitResults(t) {
		var b bytes.Buffer
		if err := JUnit(&b, r); err != nil {
			t.Fatal(err)
		}
		var d doc
		if err := xml.Unmarshal(b.Bytes(), &d); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b.String())
		}
		if d.XMLName.Local != "testsuites" || len(d.Suites) != 1 {
			t.Fatalf("%s: root %s with %d suites", name, d.XMLName.Local, len(d.Suites))
		}
		s := d.Suites[0]
		var tests, failures, errors, skipped int
		for _, c := range s.Cases {
			tests++
			if c.Failure != nil {
				failures++
				if c.Failure.Message == "" {
					t.Errorf("%s: %s fails without a message", name, c.Name)
				}
			}
			if c.Error != nil {
				errors++
			}
			if c.Skipped != nil {
				skipped++
			}
			if c.Classname != "kbench."+r.Scenario {
				t.Errorf("%s: classname %q", name, c.Classname)
			}
		}
		if s.Tests != tests || s.Failures != failures || s.Errors != errors || s.Skipped != skipped || d.Tests != tests {
			t.Errorf("%s: attributes tests=%d failures=%d errors=%d skipped=%d, cases %d/%d/%d/%d", name,
				s.Tests, s.Failures, s.Errors, s.Skipped, tests, failures, errors, skipped)
		}
		w := want[name]
		if tests != w.tests || failures != w.failures || errors != w.errors || skipped != w.skipped {
			t.Errorf("%s: %d tests, %d failures, %d errors, %d skipped; want %+v", name, tests, failures, errors, skipped, w)
		}
		if s.Name != r.Scenario || !strings.Contains(s.Out, "kbench "+r.Scenario) {
			t.Errorf("%s: suite %q, system-out %q", name, s.Name, s.Out)
		}
		props := map[string]string{}
		for _, p := range s.Props {
			props[p.Name] = p.Value
		}
		if name == "rich" && (props["run_id"] != "abc123" || props["cluster"] != "embedded in-process cluster" ||
			props["kbench_version"] != "v0.9.0" || props["cluster_kind"] != "embedded") {
			t.Errorf("properties %v", props)
		}
	}
}

func TestFormatRegistry(t *testing.T) {
	t.Parallel()
	_, err := LookupFormat("pdf")
	if err == nil || !strings.Contains(err.Error(), "html, json, junit, markdown, text") {
		t.Fatalf("unknown format: %v", err)
	}
	r := richFixture(t)
	for _, name := range FormatNames() {
		f, err := LookupFormat(name)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := f.Write(&b, r); err != nil || b.Len() == 0 {
			t.Errorf("%s: %v (%d bytes)", name, err, b.Len())
		}
	}
	dir := t.TempDir()
	if err := WriteDir(dir, r, []string{"text", "json", "markdown", "junit", "html"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{ResultFile, SummaryFile, MarkdownFile, JUnitFile, HTMLFile} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	var js bytes.Buffer
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	onDisk, _ := os.ReadFile(filepath.Join(dir, ResultFile))
	if !bytes.Equal(js.Bytes(), onDisk) {
		t.Error("format json differs from result.json")
	}
	if err := WriteDir(dir, r, []string{"pdf"}); err == nil || !strings.Contains(err.Error(), "formats: ") {
		t.Errorf("unknown format: %v", err)
	}
}
