package registry

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzRegister posts arbitrary bodies to the registration, lookup and
// compatibility endpoints of a registry that already holds a schema: it
// must never panic (a recovered panic answers 500) and must answer either
// 200 with the endpoint's JSON or an error status with the registry's
// JSON error body.
func FuzzRegister(f *testing.F) {
	for _, ev := range evolutions {
		for _, text := range []string{ev.v1, ev.v1Spaced, ev.compat, ev.incompat} {
			f.Add("s", body(ev.typ, text))
		}
	}
	f.Add("s", `{"schema":"\"string\"","references":[{"name":"a"}]}`)
	f.Add("s", `{"schema":{"type":"string"}}`)
	f.Add("s", `{"schema":"\"string\"","version":1,"id":-1}`)
	f.Add("s", `{"schema":"\"string\"","version":-5}`)
	f.Add("s", `{"schemaType":"protobuf","schema":"message A { oneof o { int32 a = 1; } }"}`)
	f.Add("a\x00b", `{"schema":"\"int\""}`)
	f.Add("", `[]`)
	f.Add("s", `{"schema": "\"string\""} trailing`)
	f.Add("s", `null`)
	f.Add("s", `{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"r\",\"type\":[\"null\",\"R\"]}]}"}`)
	f.Fuzz(func(t *testing.T, subject, reqBody string) {
		reg := New()
		mustCall(t, reg, "POST", "/subjects/s/versions", body("AVRO", evolutions[0].v1))
		escaped := url.PathEscape(subject)
		for _, path := range []string{
			"/subjects/" + escaped + "/versions",
			"/subjects/" + escaped,
			"/compatibility/subjects/" + escaped + "/versions/latest?verbose=true",
		} {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(reqBody))
			req.Header.Set("Content-Type", ContentType)
			rec := httptest.NewRecorder()
			reg.ServeHTTP(rec, req)
			got := rec.Body.String()
			if ct := rec.Header().Get("Content-Type"); ct != ContentType {
				t.Fatalf("POST %s: Content-Type %q", path, ct)
			}
			switch rec.Code {
			case http.StatusOK:
				var v map[string]any
				if err := json.Unmarshal([]byte(got), &v); err != nil {
					t.Fatalf("POST %s: 200 with a body that is not a JSON object: %q", path, got)
				}
			case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusConflict, http.StatusUnprocessableEntity:
				e := decodeError(t, got)
				if e.ErrorCode != rec.Code && e.ErrorCode/100 != rec.Code {
					t.Fatalf("POST %s: status %d with error_code %d", path, rec.Code, e.ErrorCode)
				}
			default:
				t.Fatalf("POST %s with %q: status %d: %s", path, reqBody, rec.Code, got)
			}
		}
	})
}
