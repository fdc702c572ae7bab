package registry

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkSchemaByID measures GET /schemas/ids/{id}, what every consumer
// decoding the wire format asks for each new id.
func BenchmarkSchemaByID(b *testing.B) {
	reg := New()
	mustCall(b, reg, "POST", "/subjects/s/versions", body("", evolutions[0].v1))
	req := httptest.NewRequest("GET", "/schemas/ids/1", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		reg.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Body)
		}
	}
}

// BenchmarkRegisterExisting measures registering a schema the subject
// already holds, what each producer does at start.
func BenchmarkRegisterExisting(b *testing.B) {
	reg := New()
	reqBody := body("", evolutions[0].v1)
	mustCall(b, reg, "POST", "/subjects/s/versions", reqBody)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		reg.ServeHTTP(rec, httptest.NewRequest("POST", "/subjects/s/versions", strings.NewReader(reqBody)))
		if rec.Code != 200 {
			b.Fatal(rec.Body)
		}
	}
}

// BenchmarkRegisterTransitive measures a registration checked against 20
// versions under FULL_TRANSITIVE.
func BenchmarkRegisterTransitive(b *testing.B) {
	schemas := chain(21)
	for b.Loop() {
		b.StopTimer()
		reg := New(WithCompatibility("FULL_TRANSITIVE"))
		for _, s := range schemas[:20] {
			mustCall(b, reg, "POST", "/subjects/s/versions", body("", s))
		}
		b.StartTimer()
		mustCall(b, reg, "POST", "/subjects/s/versions", body("", schemas[20]))
	}
}
