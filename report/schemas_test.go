package report

import (
	"strings"
	"testing"

	"github.com/kbench/kbench/measure"
)

// TestSchemasAndTransactions: the text and Markdown summaries show a run's
// transactions, its schema change with both verdicts, and what readers got.
func TestSchemasAndTransactions(t *testing.T) {
	r := &measure.Result{Scenario: "s", Status: measure.StatusCompleted,
		Producers: []measure.Produce{{Name: "users", Transactions: &measure.Transactions{Committed: 9, Aborted: 2, AbortedRecords: 40}}},
		Schemas: &measure.SchemaReport{Registry: "embedded registry at http://127.0.0.1:1 (BACKWARD)", Incompatible: 1,
			Subjects: []measure.SubjectUse{{Producer: "users", Subject: "users-value", Format: "avro",
				Versions: []measure.RegisteredSchema{{ID: 1, Version: 1, Source: "v1.avsc"}},
				Change: &measure.SchemaChangeOutcome{AtS: 5, To: "v3.avsc", Mode: "BACKWARD", RegistryError: "409 incompatible",
					Incompatibilities: []string{"READER_FIELD_MISSING_DEFAULT_VALUE at /fields/3"}}}},
			Decoding: []measure.SchemaDecoding{{Group: "g", Topic: "users", Reader: "v1.avsc", Decoded: 90, Errors: 3,
				FirstErrors: []string{"writer schema 7: not found"}}}}}
	var text strings.Builder
	if err := Text(&text, r); err != nil {
		t.Fatal(err)
	}
	var md strings.Builder
	if err := Markdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"transactions of users: 9 committed, 2 aborted (40 records), 0 in doubt",
		"SCHEMAS (embedded registry at http://127.0.0.1:1 (BACKWARD))",
		"registry refused it (409 incompatible); the producer kept its schema; kbench schema check under BACKWARD: INCOMPATIBLE",
		"READER_FIELD_MISSING_DEFAULT_VALUE at /fields/3",
		"FAIL  group g on users, reader v1.avsc: 90 decoded, 3 decode errors",
		"decode error: writer schema 7: not found",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}
	for _, want := range []string{"### Schemas", "❌ change at 5.0s", "**incompatible**", "| ❌ | g | v1.avsc | 90 | 3 | 0 | 0 |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
}

// TestHTMLSchemas: the HTML report has the schema tables, escaped.
func TestHTMLSchemas(t *testing.T) {
	r := &measure.Result{Scenario: "s", Status: measure.StatusCompleted,
		Schemas: &measure.SchemaReport{Registry: "registry at http://r:8081",
			Subjects: []measure.SubjectUse{{Producer: "<p>", Subject: "users-value", Format: "avro",
				Versions: []measure.RegisteredSchema{{ID: 1, Version: 1, Source: "v1.avsc"}, {ID: 2, Version: 2, Source: "v2.avsc", FromS: 5}},
				Change:   &measure.SchemaChangeOutcome{AtS: 5, To: "v2.avsc", Mode: "FULL", Accepted: true, Compatible: true}}},
			Decoding: []measure.SchemaDecoding{{Group: "g", Topic: "users", Reader: "v1.avsc", Decoded: 10, Lossy: 4}}}}
	var b strings.Builder
	if err := HTML(&b, r); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`id="schema-subjects"`, `id="schema-decoding"`, "&lt;p&gt;", "v2 (id 2, <code>v2.avsc</code>) from 5.0s",
		"kbench under FULL: compatible", `<td class="num">4</td>`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<p>") && !strings.Contains(page, "&lt;p&gt;") {
		t.Error("producer name not escaped")
	}
}
