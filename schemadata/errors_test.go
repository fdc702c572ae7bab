package schemadata

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kbench/kbench/schema"
)

func TestNewGeneratorErrors(t *testing.T) {
	orders := readTestdata(t, "avro/orders.avsc")
	ordersJSON := readTestdata(t, "json/orders.json")
	ordersProto := readTestdata(t, "proto/orders.proto")
	for _, tc := range []struct {
		name   string
		format schema.Format
		text   string
		opts   Options
		want   string
	}{
		{"empty", schema.Avro, "  ", Options{}, "the schema is empty"},
		{"unknown format", "xml", "<a/>", Options{}, "unknown schema format"},
		{"avro syntax", schema.Avro, `{"type": "record", "name": "A", "fields": [{"name": "x"}]}`, Options{}, "invalid avro schema"},
		{"avro endless record", schema.Avro, `{"type": "record", "name": "A", "fields": [{"name": "self", "type": "A"}]}`, Options{}, "record A always contains itself"},
		{"avro huge fixed", schema.Avro, `{"type": "fixed", "name": "F", "size": 100000000}`, Options{}, "kbench generates at most"},
		{"proto syntax", schema.Protobuf, "syntax = \"proto3\";\nmessage A { int32 x = ; }", Options{}, "invalid protobuf schema: line 2"},
		{"proto import", schema.Protobuf, "syntax = \"proto3\";\nimport \"other.proto\";\nmessage A {}", Options{}, "imports of other schemas"},
		{"proto no message", schema.Protobuf, `syntax = "proto3";`, Options{}, "declares no message"},
		{"proto unknown message", schema.Protobuf, ordersProto, Options{Message: "Nope"}, `has no message "Nope" (messages: Order)`},
		{"proto endless required", schema.Protobuf, "syntax = \"proto2\";\nmessage A { required A a = 1; }", Options{}, "has no finite value"},
		{"json syntax", schema.JSON, `{"type": }`, Options{}, "invalid json schema"},
		{"json bad keyword value", schema.JSON, `{"type": "object", "minProperties": -1}`, Options{}, "invalid json schema"},
		{"json false", schema.JSON, `false`, Options{}, "accepts no value"},
		{"json empty enum intersection", schema.JSON, `{"type": "string", "enum": [1, 2]}`, Options{}, "accepts no value"},
		{"json endless", schema.JSON, `{"$ref": "#/$defs/a", "$defs": {"a": {"type": "object", "required": ["a"], "properties": {"a": {"$ref": "#/$defs/a"}}}}}`, Options{}, "no finite value"},
		{"json external ref", schema.JSON, `{"$ref": "https://example.com/s.json"}`, Options{}, "only references inside the schema"},
		{"json word boundary", schema.JSON, `{"type": "string", "pattern": "\\bword\\b"}`, Options{}, "word boundaries"},
		{"json minItems", schema.JSON, `{"type": "array", "minItems": 5000}`, Options{}, "minItems 5000 is more than"},
		{"json no multiple", schema.JSON, `{"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 4, "multipleOf": 5}}}`, Options{}, "accepts no value"},
		{"avro exponential", schema.Avro, nestedAvro(20), Options{}, "expands to more than"},
		{"json exponential", schema.JSON, nestedOneOf(20), Options{}, "expands to more than"},
		{"json bounds beyond 2^53", schema.JSON, `{"type": "integer", "minimum": 1e20}`, Options{}, "beyond 2^53"},
		{"null ratio", schema.Avro, orders, Options{NullRatio: 1.5}, "null ratio 1.5 is not a probability"},
		{"max items", schema.Avro, orders, Options{MaxItems: 5000}, "max items 5000 is out of range"},
		{"max recursion", schema.Avro, orders, Options{MaxRecursion: -2}, "max recursion -2 is out of range"},
		{"unknown hint", schema.Avro, orders, Options{Hints: map[string]string{"customer": "nonsense"}}, `"nonsense" is neither a kbench field kind`},
		{"hint bounds syntax", schema.Avro, orders, Options{Hints: map[string]string{"quantity": "int:1-5"}}, "bounds are written MIN..MAX"},
		{"hint bounds order", schema.Avro, orders, Options{Hints: map[string]string{"quantity": "int:5..1"}}, "MIN 5 is above MAX 1"},
		{"hint bounds on text", schema.Avro, orders, Options{Hints: map[string]string{"customer": "email:1..2"}}, "bounds (MIN..MAX) apply to"},
		{"hint no field", schema.Avro, orders, Options{Hints: map[string]string{"custmer": "name"}}, `hints for "custmer" match no field of the schema (fields that take hints: amount, attributes,`},
		{"hint type", schema.Avro, orders, Options{Hints: map[string]string{"quantity": "email"}}, `makes text, but the field is avro int`},
		{"hint range", schema.Avro, orders, Options{Hints: map[string]string{"quantity": "int:0..99999999999"}}, "values must lie in -2147483648..2147483647"},
		{"hint fits no union branch", schema.Avro, readTestdata(t, "avro/unions.avsc"), Options{Hints: map[string]string{"payload": "email"}}, "fits no branch of the field's union"},
		{"hint on enum", schema.Avro, orders, Options{Hints: map[string]string{"status": "word"}}, "the field is an enum"},
		{"hint on json enum", schema.JSON, ordersJSON, Options{Hints: map[string]string{"status": "word"}}, "the property is an enum or const"},
		{"hint json type", schema.JSON, ordersJSON, Options{Hints: map[string]string{"paid": "int"}}, "makes integers, but the property takes boolean"},
		{"hint proto unsigned", schema.Protobuf, "syntax = \"proto3\";\nmessage A { uint32 n = 1; }", Options{Hints: map[string]string{"n": "int:-5..5"}}, "values must lie in 0..4294967295"},
		{"hint proto message", schema.Protobuf, ordersProto, Options{Hints: map[string]string{"created_at": "timestamp"}}, "the field is a message"},
		{"hint gofakeit params", schema.Avro, orders, Options{Hints: map[string]string{"customer": "regex"}}, "fails without parameters"},
		{"two hints one field", schema.Avro, orders, Options{Hints: map[string]string{"tags": "word", "tags[]": "name"}}, `two hints name field "tags"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewGenerator(tc.format, tc.text, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestCheckedJSONGivesUp: a schema whose extra keywords no value meets
// fails with an error naming them, not with an invalid value.
func TestCheckedJSONGivesUp(t *testing.T) {
	g, err := NewGenerator(schema.JSON, `{"type": "integer", "minimum": 0, "maximum": 10, "not": {"minimum": 0}}`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := g.AppendValue([]byte("keep"))
	if err == nil || !strings.Contains(err.Error(), "kbench does not build values for not") {
		t.Fatalf("error %v", err)
	}
	if string(out) != "keep" {
		t.Fatalf("dst changed on error: %q", out)
	}
}

// nestedAvro is a record type of depth levels, each with two fields of the
// level below: 2^depth paths.
func nestedAvro(depth int) string {
	s := `{"type": "record", "name": "L0", "fields": [{"name": "x", "type": "int"}]}`
	for i := 1; i <= depth; i++ {
		s = fmt.Sprintf(`{"type": "record", "name": "L%d", "fields": [{"name": "a", "type": %s}, {"name": "b", "type": "L%d"}]}`, i, s, i-1)
	}
	return s
}

// nestedOneOf combines n two-way oneOfs: 2^n combinations.
func nestedOneOf(n int) string {
	var parts []string
	for i := range n {
		parts = append(parts, fmt.Sprintf(`{"oneOf": [{"required": ["a%d"]}, {"required": ["b%d"]}]}`, i, i))
	}
	return `{"type": "object", "allOf": [` + strings.Join(parts, ",") + `]}`
}
