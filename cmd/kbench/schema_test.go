package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeSchemas writes name/content pairs into a temporary folder and
// returns the paths in order.
func writeSchemas(t *testing.T, nameContent ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for i := 0; i+1 < len(nameContent); i += 2 {
		p := filepath.Join(dir, nameContent[i])
		if err := os.WriteFile(p, []byte(nameContent[i+1]), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

const (
	userV1 = `{"type": "record", "name": "User", "fields": [{"name": "id", "type": "long"}]}`
	userV2 = `{"type": "record", "name": "User", "fields": [{"name": "id", "type": "long"}, {"name": "email", "type": "string", "default": ""}]}`
	userV3 = `{"type": "record", "name": "User", "fields": [{"name": "id", "type": "long"}, {"name": "email", "type": "string"}]}`
)

func TestSchemaCheckCompatible(t *testing.T) {
	files := writeSchemas(t, "v1.avsc", userV1, "v2.avsc", userV2)
	code, out, errOut := kbench(t, "schema", "check", "--type", "avro", "--mode", "FULL", files[0], files[1])
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.HasPrefix(out, "compatible: ") || !strings.Contains(out, "under FULL (avro, 1 previous version, 2 pairs checked)") {
		t.Errorf("output:\n%s", out)
	}
}

func TestSchemaCheckIncompatible(t *testing.T) {
	files := writeSchemas(t, "v1.avsc", userV1, "v2.avsc", userV2, "v3.avsc", userV3)
	// Flags after the files work too; the type comes from the extension.
	code, out, _ := kbench(t, "schema", "check", files[0], files[1], files[2], "--mode", "backward_transitive")
	if code != exitIncompatible {
		t.Fatalf("exit %d, want %d\n%s", code, exitIncompatible, out)
	}
	for _, want := range []string{
		"READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: reader v3 " + files[2] + ", writer v1 " + files[0] + ": ",
		`the reader's field "email" has no default value`,
		"incompatible: 1 problem with " + files[2] + " under BACKWARD_TRANSITIVE (avro, 2 previous versions)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Against the latest version only, the same schema passes.
	if code, out, _ := kbench(t, "schema", "check", "-m", "BACKWARD", files[0], files[1], files[2]); code != exitOK {
		t.Errorf("BACKWARD: exit %d\n%s", code, out)
	}
}

func TestSchemaCheckFormats(t *testing.T) {
	jsonFiles := writeSchemas(t, "a.json", `{"type": "object", "properties": {"id": {"type": "integer"}}}`,
		"b.json", `{"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}`)
	code, out, _ := kbench(t, "schema", "check", jsonFiles[0], jsonFiles[1])
	if code != exitIncompatible || !strings.Contains(out, "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at #/properties/name") {
		t.Errorf("json: exit %d\n%s", code, out)
	}
	proto := writeSchemas(t, "a.proto", "syntax = \"proto3\";\nmessage A { int32 x = 1; }\n",
		"b.proto", "syntax = \"proto3\";\nmessage A { int64 x = 1; string y = 2; }\n")
	code, out, _ = kbench(t, "schema", "check", "--mode", "FULL_TRANSITIVE", proto[0], proto[1])
	if code != exitOK || !strings.Contains(out, "compatible") {
		t.Errorf("protobuf: exit %d\n%s", code, out)
	}
	code, out, _ = kbench(t, "schema", "check", "--type", "proto", "--mode", "forward", proto[1], proto[0])
	if code != exitOK {
		t.Errorf("protobuf with --type proto: exit %d\n%s", code, out)
	}
	// A single schema is checked for validity only.
	if code, out, _ := kbench(t, "schema", "check", proto[0]); code != exitOK || !strings.Contains(out, "0 previous versions") {
		t.Errorf("single schema: exit %d\n%s", code, out)
	}
}

func TestSchemaCheckInvalidInput(t *testing.T) {
	files := writeSchemas(t,
		"good.avsc", userV1,
		"bad.avsc", "{\n  \"type\": \"record\",\n  \"fields\": [,]\n}\n",
		"bad.proto", "syntax = \"proto3\";\nmessage A {\n  int32 x = 1\n}\n",
		"schema.txt", userV1)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{files[0], files[1]}, files[1] + ":3:14: invalid avro schema: invalid JSON"},
		{[]string{files[2]}, files[2] + ":4:1: invalid protobuf schema: "},
		{[]string{files[0], files[3]}, "cannot tell the schema type of " + files[3]},
		{[]string{"--type", "xml", files[0]}, `unknown schema type "xml"`},
		{[]string{"--mode", "SIDEWAYS", files[0]}, `unknown compatibility mode "SIDEWAYS"`},
		{[]string{files[0], filepath.Join(t.TempDir(), "missing.avsc")}, "missing.avsc"},
		{nil, "schema check needs the schema files"},
	}
	for _, c := range cases {
		code, out, errOut := kbench(t, append([]string{"schema", "check"}, c.args...)...)
		if code != exitInvalid || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr lacks %q\n%s%s", c.args, code, c.want, out, errOut)
		}
	}
}
