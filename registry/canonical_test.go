package registry

import (
	"testing"

	"github.com/kbench/kbench/schema"
)

func TestCanonical(t *testing.T) {
	cases := []struct {
		name   string
		format schema.Format
		a, b   string
		same   bool
	}{
		{"avro whitespace", schema.Avro, `{"type":"string"}`, " { \"type\" :\n\"string\" } ", true},
		{"avro key order", schema.Avro, `{"type":"fixed","name":"F","size":4}`, `{"size":4,"name":"F","type":"fixed"}`, true},
		{"avro primitive object", schema.Avro, `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"int"}}]}`,
			`{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`, true},
		{"avro top-level primitive object", schema.Avro, `{"type":"long"}`, `"long"`, true},
		{"avro primitive with a property stays", schema.Avro, `{"type":"long","logicalType":"timestamp-millis"}`, `"long"`, false},
		{"avro field order matters", schema.Avro, `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}`,
			`{"type":"record","name":"R","fields":[{"name":"b","type":"int"},{"name":"a","type":"int"}]}`, false},
		{"avro number spelling matters", schema.Avro, `{"type":"fixed","name":"F","size":4}`, `{"type":"fixed","name":"F","size":4.0}`, false},
		{"json whitespace and key order", schema.JSON, `{"type":"object","properties":{"a":{"type":"string"}}}`,
			"{\"properties\": {\"a\": {\"type\": \"string\"}},\n\"type\": \"object\"}", true},
		{"json {\"type\":\"string\"} is not collapsed", schema.JSON, `{"type":"string"}`, `"string"`, false},
		{"json html characters", schema.JSON, `{"pattern":"<a&b>"}`, `{ "pattern" : "<a&b>" }`, true},
		{"protobuf whitespace and comments", schema.Protobuf, "syntax = \"proto3\";\nmessage A { int32 x = 1; }",
			"// c\nsyntax=\"proto3\"; /* d */ message A{int32 x=1;}\n", true},
		{"protobuf string contents matter", schema.Protobuf, `syntax = "proto3"; package "a b";`, `syntax = "proto3"; package "a  b";`, false},
		{"protobuf comment markers inside strings are text", schema.Protobuf, `option x = "// not a comment";`, `option x = "// not a comment" ;`, true},
		{"protobuf field number matters", schema.Protobuf, "message A { int32 x = 1; }", "message A { int32 x = 2; }", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ca, cb := canonical(tc.format, tc.a), canonical(tc.format, tc.b)
			if (ca == cb) != tc.same {
				t.Fatalf("canonical forms %q and %q: same=%v, want %v", ca, cb, ca == cb, tc.same)
			}
			if again := canonical(tc.format, ca); again != ca && tc.format != schema.Protobuf {
				t.Fatalf("canonical is not idempotent: %q then %q", ca, again)
			}
		})
	}
}

func TestProtoTokens(t *testing.T) {
	got := protoTokens("message A{map<string,int32> m=1;// x\n string s = 2 [json_name='s\\'q'];/* unterminated")
	want := []string{"message", "A", "{", "map", "<", "string", ",", "int32", ">", "m", "=", "1", ";",
		"string", "s", "=", "2", "[", "json_name", "=", `'s\'q'`, "]", ";"}
	if len(got) != len(want) {
		t.Fatalf("tokens %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("token %d: %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}
}
