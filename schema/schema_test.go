package schema

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseFormatAndMode(t *testing.T) {
	for in, want := range map[string]Format{"avro": Avro, "AVSC": Avro, "json": JSON, "JSON-Schema": JSON, "protobuf": Protobuf, "proto": Protobuf} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) succeeded")
	}
	for in, want := range map[string]Mode{"backward": Backward, "FULL_TRANSITIVE": FullTransitive, "forward-transitive": ForwardTransitive, " none ": None} {
		if got, err := ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseMode("sideways"); err == nil || !strings.Contains(err.Error(), "BACKWARD_TRANSITIVE") {
		t.Errorf("ParseMode(sideways): %v", err)
	}
}

func TestCheckArguments(t *testing.T) {
	if _, err := Check("xml", Backward, nil, "{}"); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := Check(Avro, "backward", nil, `"int"`); err == nil {
		t.Error("mode not in canonical spelling accepted: use ParseMode")
	}
	var pe *ParseError
	if _, err := Check(Protobuf, Backward, []string{"message A {}"}, " \n"); !errors.As(err, &pe) || pe.Version != 2 || pe.Msg != "the schema is empty" {
		t.Errorf("empty schema: %v", err)
	}
	res, err := Check(Avro, FullTransitive, nil, `"int"`)
	if err != nil || !res.Compatible() || res.Pairs != 0 || res.Versions != 1 {
		t.Errorf("no previous version: %+v, %v", res, err)
	}
}

func TestCheckPairs(t *testing.T) {
	v := []string{`"int"`, `"int"`, `"int"`}
	for mode, pairs := range map[Mode]int{Backward: 1, Forward: 1, Full: 2, BackwardTransitive: 3, ForwardTransitive: 3, FullTransitive: 6, None: 0} {
		res, err := Check(Avro, mode, v, `"int"`)
		if err != nil || res.Pairs != pairs || res.Versions != 4 {
			t.Errorf("%s: %d pairs, %d versions, %v; want %d pairs", mode, res.Pairs, res.Versions, err, pairs)
		}
	}
	// Pairs come latest previous first, the new schema reading first.
	res, _ := Check(Avro, FullTransitive, []string{`"string"`, `"string"`}, `"int"`)
	var got []string
	for _, inc := range res.Incompatibilities {
		got = append(got, fmt.Sprintf("%d<%d", inc.Reader, inc.Writer))
	}
	if want := "3<2 2<3 3<1 1<3"; strings.Join(got, " ") != want {
		t.Errorf("pairs %v, want %s", got, want)
	}
	want := "TYPE_MISMATCH at / (reader v3, writer v2): the reader's int cannot read the writer's string"
	if s := res.Incompatibilities[0].String(); s != want {
		t.Errorf("String() = %q, want %q", s, want)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		format     Format
		text       string
		line, col  int
		msgContain string
	}{
		{Avro, "{\n  \"type\": \"record\",\n  \"name\": \"A\",\n  \"fields\": [,]\n}", 4, 14, "invalid JSON"},
		{Avro, `{"type": "record", "name": "A", "fields": [{"name": "x", "type": "Missing"}]}`, 1, 66, "unknown type"},
		{Avro, `{"type": "record", "name": "A", "fields": [{"name": "x", "type": "int", "default": "no"}]}`, 0, 0, "default"},
		{Avro, `{"type": "int"} {"type": "long"}`, 1, 17, "after the end"},
		{Avro, "", 0, 0, "empty"},
		{Avro, `{"type": `, 1, 10, "unexpected end"},
		{JSON, "{\n  \"type\": \"string\",\n  \"minLength\": \"five\"\n}", 3, 16, "minLength"},
		{JSON, `{"type": "strng"}`, 1, 10, "type"},
		{JSON, `[1, 2]`, 1, 1, "object or a boolean"},
		{JSON, `{"$ref": "https://example.com/other.json"}`, 0, 0, "external reference"},
		{JSON, `{"type": "object",}`, 1, 19, "invalid JSON"},
		{Protobuf, "syntax = \"proto3\";\nmessage A {\n  string x = 1\n}\n", 4, 1, "syntax error"},
		{Protobuf, "syntax = \"proto3\";\nmessage A {\n  Missing x = 1;\n}\n", 3, 3, "Missing"},
		{Protobuf, "syntax = \"proto3\";\nimport \"other.proto\";\nmessage A {}\n", 2, 8, "schema references"},
		{Protobuf, "syntax = \"proto3\";\nmessage A {\n  string x = 1;\n  int32 y = 1;\n}\n", 4, 13, "same tag"},
	}
	for _, c := range cases {
		err := Validate(c.format, c.text)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s %q: error %v is not a *ParseError", c.format, c.text, err)
			continue
		}
		if pe.Line != c.line || pe.Column != c.col || !strings.Contains(pe.Msg, c.msgContain) || pe.Format != c.format {
			t.Errorf("%s %q: got %d:%d %q, want %d:%d containing %q", c.format, c.text, pe.Line, pe.Column, pe.Msg, c.line, c.col, c.msgContain)
		}
	}
	_, err := Check(Avro, Backward, []string{`"int"`, `{`}, `"int"`)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Version != 2 || !strings.HasPrefix(err.Error(), "version 2: line 1, column 2: invalid avro schema") {
		t.Errorf("Check with a bad version: %v", err)
	}
}

// TestSelfCompatible is the property that a schema is compatible with
// itself in every mode: for every schema of the corpus, and for random
// schemas.
func TestSelfCompatible(t *testing.T) {
	check := func(t *testing.T, f Format, text, from string) {
		t.Helper()
		for _, m := range Modes {
			res, err := Check(f, m, []string{text, text}, text)
			if err != nil {
				t.Fatalf("%s: %v\n%s", from, err, text)
			}
			if !res.Compatible() {
				t.Fatalf("%s: not compatible with itself in %s: %v\n%s", from, m, res.Incompatibilities, text)
			}
		}
	}
	n := 0
	for _, cf := range loadCorpus(t) {
		for i, v := range cf.versions {
			check(t, cf.format, v, fmt.Sprintf("%s %s", cf.path, cf.names[i]))
			n++
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		check(t, Avro, randomAvro(rng), fmt.Sprintf("random avro %d", i))
		check(t, JSON, randomJSON(rng, 0), fmt.Sprintf("random json %d", i))
		check(t, Protobuf, randomProto(rng), fmt.Sprintf("random proto %d", i))
		n += 3
	}
	t.Logf("%d schemas are compatible with themselves in all %d modes", n, len(Modes))
}

var avroPrims = []string{`"null"`, `"boolean"`, `"int"`, `"long"`, `"float"`, `"double"`, `"bytes"`, `"string"`,
	`{"type": "int", "logicalType": "date"}`, `{"type": "long", "logicalType": "timestamp-millis"}`}

// randomAvro returns a random record schema with nested named types,
// unions, arrays, maps and a recursive reference.
func randomAvro(rng *rand.Rand) string {
	names := 0
	var typ func(depth int) string
	typ = func(depth int) string {
		k := rng.IntN(9)
		if depth > 2 {
			k = 0
		}
		switch k {
		case 1:
			return `{"type": "array", "items": ` + typ(depth+1) + `}`
		case 2:
			return `{"type": "map", "values": ` + typ(depth+1) + `}`
		case 3:
			names++
			return fmt.Sprintf(`{"type": "enum", "name": "E%d", "symbols": ["A", "B", "C"], "default": "A"}`, names)
		case 4:
			names++
			return fmt.Sprintf(`{"type": "fixed", "name": "F%d", "size": %d}`, names, 1+rng.IntN(16))
		case 5:
			return `["null", ` + avroPrims[2+rng.IntN(len(avroPrims)-2)] + `]`
		case 6:
			names++
			id := names
			inner := typ(depth + 1)
			return fmt.Sprintf(`{"type": "record", "name": "R%d", "fields": [{"name": "a", "type": %s}, {"name": "up", "type": ["null", "Root"], "default": null}]}`, id, inner)
		default:
			return avroPrims[rng.IntN(len(avroPrims))]
		}
	}
	var fields []string
	for i := range 1 + rng.IntN(5) {
		fields = append(fields, fmt.Sprintf(`{"name": "f%d", "type": %s}`, i, typ(0)))
	}
	return `{"type": "record", "name": "Root", "namespace": "x.y", "fields": [` + strings.Join(fields, ", ") + `]}`
}

// randomJSON returns a random JSON Schema.
func randomJSON(rng *rand.Rand, depth int) string {
	if depth > 3 {
		return `{"type": "string"}`
	}
	sub := func() string { return randomJSON(rng, depth+1) }
	k := rng.IntN(11)
	if k == 10 && depth > 0 {
		k = 8 // the recursive definition refers to the root: only at the root
	}
	switch k {
	case 0:
		return `{"type": "object", "properties": {"a": ` + sub() + `, "b": ` + sub() + `}, "required": ["a"], "additionalProperties": ` + []string{"true", "false", sub()}[rng.IntN(3)] + `}`
	case 1:
		return `{"type": "array", "items": ` + sub() + `, "minItems": 1, "maxItems": 9, "uniqueItems": true}`
	case 2:
		return `{"type": ["string", "null"], "minLength": 1, "maxLength": 5, "pattern": "^a"}`
	case 3:
		return `{"type": "number", "minimum": 0, "exclusiveMaximum": 10, "multipleOf": 0.5}`
	case 4:
		return `{"oneOf": [` + sub() + `, ` + sub() + `]}`
	case 5:
		return `{"anyOf": [` + sub() + `, {"type": "null"}]}`
	case 6:
		return `{"allOf": [` + sub() + `, {"description": "x"}]}`
	case 7:
		return `{"enum": ["a", 1, null, {"k": [1, 2]}]}`
	case 8:
		return `{"type": "integer", "not": {"const": 3}}`
	case 9:
		return `{"type": "object", "patternProperties": {"^x_": ` + sub() + `}, "additionalProperties": false, "dependencies": {"a": ["b"]}}`
	default:
		return `{"$schema": "http://json-schema.org/draft-07/schema#", "definitions": {"n": {"type": "object", "properties": {"next": {"$ref": "#/definitions/n"}, "v": ` + sub() + `}}}, "$ref": "#/definitions/n"}`
	}
}

var protoScalars = []string{"int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes", "float", "double"}

// randomProto returns a random proto3 file.
func randomProto(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString("syntax = \"proto3\";\npackage r;\nimport \"google/protobuf/timestamp.proto\";\n\nenum E { E_ZERO = 0; E_ONE = 1; }\n")
	nmsg := 1 + rng.IntN(3)
	for m := range nmsg {
		fmt.Fprintf(&b, "message M%d {\n", m)
		n := 1
		for range 1 + rng.IntN(6) {
			switch rng.IntN(7) {
			case 0:
				fmt.Fprintf(&b, "  repeated %s f%d = %d;\n", protoScalars[rng.IntN(len(protoScalars))], n, n)
			case 1:
				fmt.Fprintf(&b, "  map<string, %s> f%d = %d;\n", protoScalars[rng.IntN(len(protoScalars))], n, n)
			case 2:
				fmt.Fprintf(&b, "  oneof o%d {\n    string f%d = %d;\n    M%d f%d = %d;\n  }\n", n, n, n, rng.IntN(nmsg), n+1, n+1)
				n++
			case 3:
				fmt.Fprintf(&b, "  E f%d = %d;\n  google.protobuf.Timestamp t%d = %d;\n", n, n, n+1, n+1)
				n++
			case 4:
				fmt.Fprintf(&b, "  optional %s f%d = %d;\n", protoScalars[rng.IntN(len(protoScalars))], n, n)
			case 5:
				fmt.Fprintf(&b, "  Inner%d f%d = %d;\n  message Inner%d { M%d back = 1; }\n", n, n, n, n, rng.IntN(nmsg))
			default:
				fmt.Fprintf(&b, "  %s f%d = %d;\n", protoScalars[rng.IntN(len(protoScalars))], n, n)
			}
			n++
		}
		b.WriteString("}\n")
	}
	return b.String()
}
