package schema

import (
	"errors"
	"testing"
)

// fuzzCheck is the body of the fuzz tests: parsing never panics and returns
// nil or a *ParseError; two valid schemas compare without panicking; a valid
// schema is compatible with itself.
func fuzzCheck(t *testing.T, format Format, a, b string) {
	errA := Validate(format, a)
	var pe *ParseError
	if errA != nil && !errors.As(errA, &pe) {
		t.Fatalf("Validate returned %T %v, not a *ParseError", errA, errA)
	}
	if errA != nil || Validate(format, b) != nil {
		return
	}
	if _, err := Check(format, FullTransitive, []string{a}, b); err != nil {
		t.Fatalf("Check of two valid schemas: %v", err)
	}
	res, err := Check(format, Full, []string{a}, a)
	if err != nil || !res.Compatible() {
		t.Fatalf("a valid schema is not compatible with itself: %v %v\n%s", err, res.Incompatibilities, a)
	}
}

// addSeeds adds the corpus's schemas of the format, paired with their
// successors.
func addSeeds(f *testing.F, format Format) {
	for _, cf := range loadCorpus(f) {
		if cf.format != format {
			continue
		}
		for i, v := range cf.versions {
			next := cf.versions[len(cf.versions)-1]
			if i+1 < len(cf.versions) {
				next = cf.versions[i+1]
			}
			f.Add(v, next)
		}
	}
}

func FuzzAvro(f *testing.F) {
	addSeeds(f, Avro)
	f.Add(`{"type": "record", "name": "A", "fields": [{"name": "a", "type": ["null", "A"]}]}`, `["int", "string"]`)
	f.Fuzz(func(t *testing.T, a, b string) { fuzzCheck(t, Avro, a, b) })
}

func FuzzJSONSchema(f *testing.F) {
	addSeeds(f, JSON)
	f.Add(`{"$ref": "#"}`, `{"not": {"$ref": "#"}}`)
	f.Add(`{"definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}, "$ref": "#/definitions/a"}`, `true`)
	f.Fuzz(func(t *testing.T, a, b string) { fuzzCheck(t, JSON, a, b) })
}

func FuzzProtobuf(f *testing.F) {
	addSeeds(f, Protobuf)
	f.Add("syntax = \"proto2\";\nmessage A { optional group G = 1 { optional int32 x = 2; } }\n", "edition = \"2023\";\nmessage A { int32 x = 1; }\n")
	f.Fuzz(func(t *testing.T, a, b string) { fuzzCheck(t, Protobuf, a, b) })
}
