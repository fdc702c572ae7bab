package runner

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/kbench/kbench/gates"
	"github.com/kbench/kbench/registry"
	"github.com/kbench/kbench/scenarios"
)

func schemaScenario(t *testing.T, text string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse("testdata/schemas.yaml", []byte(text), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestSchemaChangeMidRun writes Avro records of v1, switches to a
// compatible v2 after a second, and reads them with a v1 reader: every
// record decodes, the records of v2 lose their new field to the reader, and
// the change is reported compatible under BACKWARD.
func TestSchemaChangeMidRun(t *testing.T) {
	sc := schemaScenario(t, `
name: schema-change
data:
  user:
    format: avro
    schema: user-v1.avsc
    hints: { email: email, age: "int:18..99" }
producers:
  - { topic: users, data: user, rate: 500/s, schema_change: { at: 1s, to: user-v2.avsc } }
consumers:
  - { name: old, topic: users, reader_schema: user-v1.avsc }
  - { name: new, topic: users, reader_schema: user-v2.avsc }
duration: 2s
gates: ["schema.decode_errors == 0", "schema.incompatible == 0"]
`)
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Schemas
	if s == nil || !strings.HasPrefix(s.Registry, "embedded registry at http://127.0.0.1:") || len(s.Subjects) != 1 {
		t.Fatalf("schemas %+v", s)
	}
	u := s.Subjects[0]
	if u.Subject != "users-value" || len(u.Versions) != 2 || u.Versions[0].Version != 1 || u.Versions[1].Version != 2 ||
		u.Change == nil || !u.Change.Accepted || !u.Change.Compatible || u.Change.Mode != "BACKWARD" {
		t.Fatalf("subject %+v, change %+v", u, u.Change)
	}
	if s.Incompatible != 0 || s.DecodeErrors != 0 || len(s.Decoding) != 2 {
		t.Fatalf("report %+v", s)
	}
	v1, v2 := u.Versions[0].ID, u.Versions[1].ID
	for _, d := range s.Decoding {
		byV1, byV2 := d.ByWriter[strconv.Itoa(v1)], d.ByWriter[strconv.Itoa(v2)]
		if d.Decoded != res.Consume.Records/2 && d.Decoded == 0 || byV1 == 0 || byV2 == 0 || byV1+byV2 != d.Decoded {
			t.Errorf("group %s: %+v", d.Group, d)
		}
		switch d.Reader {
		case "testdata/user-v1.avsc":
			// The v1 reader drops v2's country field.
			if d.Lossy != byV2 || d.Defaulted != 0 || len(d.FirstLosses) == 0 || !strings.Contains(d.FirstLosses[0], "country") {
				t.Errorf("v1 reader: %+v", d)
			}
		case "testdata/user-v2.avsc":
			// The v2 reader fills country with its default in v1 records.
			if d.Lossy != 0 || d.Defaulted != byV1 {
				t.Errorf("v2 reader: %+v", d)
			}
		default:
			t.Errorf("reader %q", d.Reader)
		}
	}
	for _, g := range gates.Evaluate(res, sc.Gates) {
		if !g.Passed {
			t.Errorf("gate %s: %s", g.Expr, g.Reason)
		}
	}
}

// TestSchemaChangeRefused: a change that breaks BACKWARD (a new field
// without a default) is refused by the registry; the producer keeps v1 and
// the gate on schema.incompatible fails.
func TestSchemaChangeRefused(t *testing.T) {
	sc := schemaScenario(t, `
name: schema-refused
data:
  user: { format: avro, schema: user-v1.avsc }
producers:
  - { topic: users, data: user, rate: 300/s, schema_change: { at: 500ms, to: user-v3-incompatible.avsc } }
consumers:
  - { topic: users }
duration: 1500ms
gates: ["schema.incompatible == 0", "schema.decode_errors == 0"]
`)
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	u := res.Schemas.Subjects[0]
	if u.Change == nil || u.Change.Accepted || u.Change.Compatible || len(u.Versions) != 1 ||
		!strings.Contains(u.Change.RegistryError, "409") && !strings.Contains(strings.ToLower(u.Change.RegistryError), "incompatible") ||
		len(u.Change.Incompatibilities) == 0 || !strings.Contains(u.Change.Incompatibilities[0], "plan") {
		t.Fatalf("change %+v", u.Change)
	}
	if res.Schemas.Incompatible != 1 || res.Schemas.DecodeErrors != 0 {
		t.Fatalf("report %+v", res.Schemas)
	}
	if g := gates.Evaluate(res, sc.Gates); len(g) != 2 || g[0].Passed || !g[1].Passed {
		t.Errorf("gates %+v", g)
	}
}

// TestSchemaFormats produces Protobuf and JSON Schema data through the
// embedded registry: every record decodes with the writer's schema.
func TestSchemaFormats(t *testing.T) {
	sc := schemaScenario(t, `
name: schema-formats
schema_registry: { compatibility: FULL }
data:
  order:
    format: protobuf
    message: Order
    schema: |
      syntax = "proto3";
      package shop;
      message Line { string sku = 1; int32 qty = 2; }
      message Order { string id = 1; repeated Line lines = 2; map<string, string> tags = 3; }
  event:
    format: json
    schema: '{"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}, "at": {"type": "string", "format": "date-time"}}, "required": ["n", "at"]}'
producers:
  - { topic: orders, data: order, rate: 300/s }
  - { topic: events, data: event, rate: 300/s }
consumers:
  - { topic: orders }
  - { topic: events }
duration: 1s
`)
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Schemas == nil || len(res.Schemas.Decoding) != 2 || !strings.Contains(res.Schemas.Registry, "(FULL)") {
		t.Fatalf("schemas %+v", res.Schemas)
	}
	for _, d := range res.Schemas.Decoding {
		if d.Decoded == 0 || d.Errors != 0 || d.Lossy != 0 {
			t.Errorf("group %s: %+v", d.Group, d)
		}
	}
	if res.VerificationFailures() != 0 {
		t.Errorf("verification %+v", res.Verification)
	}
}

// TestExternalRegistryWithAuth runs against a registry of its own (the
// embedded one, served with basic auth, standing in for a real one): the
// run registers there; the password appears nowhere in the result; a wrong
// password fails the run with an error that does not show it either.
func TestExternalRegistryWithAuth(t *testing.T) {
	const password = "s3cret-registry-pw"
	srv, err := registry.NewServer(registry.WithBasicAuth("bench", password))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	text := func() string {
		return `
name: external-registry
schema_registry: { url: "` + srv.URL + `", username: bench, password: "${KB_REGISTRY_PW}" }
data:
  user: { format: avro, schema: user-v1.avsc }
producers:
  - { topic: users, data: user, rate: 200/s }
consumers:
  - { topic: users }
duration: 1s
`
	}
	t.Setenv("KB_REGISTRY_PW", password)
	res, err := Run(context.Background(), schemaScenario(t, text()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(res)
	if strings.Contains(string(js), password) {
		t.Fatal("the result shows the registry password")
	}
	if res.Schemas == nil || res.Schemas.Registry != "registry at "+srv.URL || res.Schemas.DecodeErrors != 0 ||
		res.Schemas.Decoding[0].Decoded == 0 {
		t.Fatalf("schemas %+v", res.Schemas)
	}
	cl, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	if subjects, err := cl.Subjects(context.Background()); err != nil || len(subjects) != 1 || subjects[0] != "users-value" {
		t.Errorf("registry subjects %v, %v", subjects, err)
	}

	t.Setenv("KB_REGISTRY_PW", "wrong-"+password)
	_, err = Run(context.Background(), schemaScenario(t, text()), Options{})
	if err == nil || strings.Contains(err.Error(), password) || !strings.Contains(err.Error(), "401") && !strings.Contains(strings.ToLower(err.Error()), "credentials") {
		t.Fatalf("wrong password: %v", err)
	}
}
