package registry

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Schemas per format: v1, a change BACKWARD accepts (compat) and one it
// refuses (incompat), as docs/schemas.md's rules say.
var evolutions = []struct {
	typ                  string // registry schema type
	v1, compat, incompat string
	v1Spaced             string // v1 with other whitespace (and comments for protobuf)
}{
	{
		typ:      "AVRO",
		v1:       `{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`,
		v1Spaced: "{\n  \"fields\": [ {\"type\": {\"type\": \"long\"}, \"name\": \"id\"} ],\n  \"name\": \"User\", \"type\": \"record\"\n}",
		compat:   `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"email","type":"string","default":""}]}`,
		incompat: `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"email","type":"string"}]}`,
	},
	{
		typ:      "JSON",
		v1:       `{"type":"object","properties":{"id":{"type":"integer"}}}`,
		v1Spaced: "{ \"properties\" : { \"id\" : { \"type\" : \"integer\" } } ,\n \"type\" : \"object\" }",
		compat:   `{"type":"object","properties":{"id":{"type":"number"}}}`,
		incompat: `{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}`,
	},
	{
		typ:      "PROTOBUF",
		v1:       "syntax = \"proto3\";\nmessage Order { int32 qty = 1; }\n",
		v1Spaced: "// orders\nsyntax=\"proto3\";\n\nmessage Order {\n  int32 qty=1; /* how many */\n}",
		compat:   "syntax = \"proto3\";\nmessage Order { int32 qty = 1; string note = 2; }\n",
		incompat: "syntax = \"proto3\";\nmessage Order { string qty = 1; }\n",
	},
}

// Avro versions where BACKWARD accepts v3 (it reads v2's data) and
// BACKWARD_TRANSITIVE refuses it (v1's "name" is a string, v3's an int).
const (
	transV1 = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"name","type":"string"}]}`
	transV2 = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"}]}`
	transV3 = `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"name","type":"int","default":0}]}`
)

// body returns a register/lookup request body.
func body(typ, text string) string {
	m := map[string]string{"schema": text}
	if typ != "" {
		m["schemaType"] = typ
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// call sends one request to h and returns the status and body.
func call(t testing.TB, h http.Handler, method, path, reqBody string) (int, string) {
	t.Helper()
	var rb io.Reader
	if reqBody != "" {
		rb = strings.NewReader(reqBody)
	}
	req := httptest.NewRequest(method, path, rb)
	if reqBody != "" {
		req.Header.Set("Content-Type", ContentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if ct := rec.Header().Get("Content-Type"); ct != ContentType {
		t.Errorf("%s %s: Content-Type %q, want %q", method, path, ct, ContentType)
	}
	return rec.Code, rec.Body.String()
}

// mustCall sends a request that must answer 200 and returns the body.
func mustCall(t testing.TB, h http.Handler, method, path, reqBody string) string {
	t.Helper()
	status, got := call(t, h, method, path, reqBody)
	if status != http.StatusOK {
		t.Fatalf("%s %s: status %d, want 200: %s", method, path, status, got)
	}
	return got
}

// decodeError decodes an error body, failing the test if it is not one.
func decodeError(t testing.TB, raw string) errorBody {
	t.Helper()
	var e errorBody
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %q is not {error_code, message}: %v", raw, err)
	}
	if e.ErrorCode == 0 || e.Message == "" {
		t.Fatalf("error body %q lacks error_code or message", raw)
	}
	return e
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(t testing.TB, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("not JSON: %q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("not JSON: %q: %v", b, err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}
