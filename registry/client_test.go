package registry

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/kbench/kbench/schema"
	"github.com/twmb/franz-go/pkg/sr"
)

// newTestServer starts a server for the test and returns its pkg/sr client.
func newTestServer(t *testing.T, opts ...Option) (*Server, *sr.Client) {
	t.Helper()
	srv, err := NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	cl, err := srv.Client()
	if err != nil {
		t.Fatal(err)
	}
	return srv, cl
}

// wantCode fails the test unless err is a registry error with the code.
func wantCode(t *testing.T, err error, code int) *sr.ResponseError {
	t.Helper()
	var re *sr.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T), want a registry error %d", err, err, code)
	}
	if re.ErrorCode != code {
		t.Fatalf("error_code %d (%s), want %d", re.ErrorCode, re.Message, code)
	}
	return re
}

func srSchema(typ, text string) sr.Schema {
	var t sr.SchemaType
	if err := t.UnmarshalText([]byte(typ)); err != nil {
		panic(err)
	}
	return sr.Schema{Schema: text, Type: t}
}

func TestClientRegisterAndRead(t *testing.T) {
	ctx := context.Background()
	_, cl := newTestServer(t)
	for _, ev := range evolutions {
		t.Run(ev.typ, func(t *testing.T) {
			subject := "orders-" + strings.ToLower(ev.typ)
			v1, err := cl.CreateSchema(ctx, subject, srSchema(ev.typ, ev.v1))
			if err != nil {
				t.Fatal(err)
			}
			if v1.Subject != subject || v1.Version != 1 || v1.ID < 1 || v1.Schema.Schema != ev.v1 {
				t.Fatalf("CreateSchema: %+v", v1)
			}
			// The same schema under another subject has the same id.
			other, err := cl.CreateSchema(ctx, subject+"-copy", srSchema(ev.typ, ev.v1Spaced))
			if err != nil {
				t.Fatal(err)
			}
			if other.ID != v1.ID || other.Version != 1 {
				t.Fatalf("same schema under another subject: id %d version %d, want id %d version 1", other.ID, other.Version, v1.ID)
			}
			// An incompatible change is refused with 409 and the reasons.
			_, err = cl.CreateSchema(ctx, subject, srSchema(ev.typ, ev.incompat))
			re := wantCode(t, err, CodeIncompatibleSchema)
			if re.StatusCode != 409 || !strings.Contains(re.Message, "errorType:") {
				t.Fatalf("incompatible: status %d message %q", re.StatusCode, re.Message)
			}
			v2, err := cl.CreateSchema(ctx, subject, srSchema(ev.typ, ev.compat))
			if err != nil {
				t.Fatal(err)
			}
			if v2.Version != 2 || v2.ID == v1.ID {
				t.Fatalf("compatible change: %+v", v2)
			}
			byID, err := cl.SchemaByID(ctx, v2.ID)
			if err != nil {
				t.Fatal(err)
			}
			if byID.Schema != ev.compat || byID.Type.String() != ev.typ {
				t.Fatalf("SchemaByID: %+v", byID)
			}
			text, err := cl.SchemaTextByID(ctx, v1.ID)
			if err != nil || text != ev.v1 {
				t.Fatalf("SchemaTextByID: %q, %v", text, err)
			}
			versions, err := cl.SubjectVersions(ctx, subject)
			if err != nil || !slices.Equal(versions, []int{1, 2}) {
				t.Fatalf("SubjectVersions: %v, %v", versions, err)
			}
			latest, err := cl.SchemaByVersion(ctx, subject, -1)
			if err != nil || latest.Version != 2 || latest.ID != v2.ID {
				t.Fatalf("SchemaByVersion(latest): %+v, %v", latest, err)
			}
			found, err := cl.LookupSchema(ctx, subject, srSchema(ev.typ, ev.v1Spaced))
			if err != nil || found.Version != 1 || found.ID != v1.ID {
				t.Fatalf("LookupSchema: %+v, %v", found, err)
			}
			_, err = cl.LookupSchema(ctx, subject, srSchema(ev.typ, ev.incompat))
			wantCode(t, err, CodeSchemaNotFound)
			subjects, err := cl.SubjectsByID(ctx, v1.ID)
			if err != nil || !slices.Equal(subjects, []string{subject, subject + "-copy"}) {
				t.Fatalf("SubjectsByID: %v, %v", subjects, err)
			}
		})
	}
	subjects, err := cl.Subjects(ctx)
	if err != nil || len(subjects) != 6 {
		t.Fatalf("Subjects: %v, %v", subjects, err)
	}
	types, err := cl.SupportedTypes(ctx)
	if err != nil || len(types) != 3 {
		t.Fatalf("SupportedTypes: %v, %v", types, err)
	}
}

func TestClientCompatibility(t *testing.T) {
	ctx := context.Background()
	_, cl := newTestServer(t)
	global := cl.Compatibility(ctx)
	if global[0].Err != nil || global[0].Level != sr.CompatBackward {
		t.Fatalf("global level: %+v", global[0])
	}
	for _, s := range []string{transV1, transV2} {
		if _, err := cl.CreateSchema(ctx, "users", srSchema("AVRO", s)); err != nil {
			t.Fatal(err)
		}
	}
	// Non-transitive: v3 reads v2's data.
	res, err := cl.CheckCompatibility(ctx, "users", -1, srSchema("AVRO", transV3))
	if err != nil || !res.Is {
		t.Fatalf("BACKWARD check against latest: %+v, %v", res, err)
	}
	set := cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatBackwardTransitive}, "users")
	if set[0].Err != nil || set[0].Level != sr.CompatBackwardTransitive {
		t.Fatalf("SetCompatibility: %+v", set[0])
	}
	got := cl.Compatibility(ctx, "users")
	if got[0].Err != nil || got[0].Level != sr.CompatBackwardTransitive {
		t.Fatalf("Compatibility(users): %+v", got[0])
	}
	// Against every version (-2), v1's string "name" breaks v3's int.
	ctxVerbose := sr.WithParams(ctx, sr.Verbose)
	res, err = cl.CheckCompatibility(ctxVerbose, "users", -2, srSchema("AVRO", transV3))
	if err != nil || res.Is || len(res.Messages) < 2 || !strings.Contains(res.Messages[0], "TYPE_MISMATCH") ||
		res.Messages[len(res.Messages)-1] != "{compatibility: 'BACKWARD_TRANSITIVE'}" {
		t.Fatalf("BACKWARD_TRANSITIVE check against all: %+v, %v", res, err)
	}
	_, err = cl.CreateSchema(ctx, "users", srSchema("AVRO", transV3))
	wantCode(t, err, CodeIncompatibleSchema)

	// A subject level set on a subject with no version yet applies to its
	// first registrations.
	set = cl.SetCompatibility(ctx, sr.SetCompatibility{Level: sr.CompatNone}, "anything")
	if set[0].Err != nil {
		t.Fatal(set[0].Err)
	}
	for _, ev := range evolutions {
		if _, err := cl.CreateSchema(ctx, "anything", srSchema(ev.typ, ev.incompat)); err != nil {
			t.Fatalf("NONE accepts any schema: %v", err)
		}
	}
	reset := cl.ResetCompatibility(ctx, "anything")
	if reset[0].Err != nil {
		t.Fatal(reset[0].Err)
	}
	got = cl.Compatibility(ctx, "anything")
	wantCode(t, got[0].Err, CodeSubjectCompatNotConfigured)
	got = cl.Compatibility(sr.WithParams(ctx, sr.DefaultToGlobal), "anything")
	if got[0].Err != nil || got[0].Level != sr.CompatBackward {
		t.Fatalf("defaultToGlobal: %+v", got[0])
	}
	err = cl.Do(ctx, http.MethodPut, "/config/users", map[string]string{"compatibility": "SIDEWAYS"}, nil)
	wantCode(t, err, CodeInvalidCompatibility)
}

func TestClientDeletes(t *testing.T) {
	ctx := context.Background()
	_, cl := newTestServer(t)
	avro := evolutions[0]
	v1, err := cl.CreateSchema(ctx, "s", srSchema("AVRO", avro.v1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.CreateSchema(ctx, "s", srSchema("AVRO", avro.compat)); err != nil {
		t.Fatal(err)
	}
	// Hard delete needs a soft delete first.
	_, err = cl.DeleteSubject(ctx, "s", sr.HardDelete)
	wantCode(t, err, CodeSubjectNotSoftDeleted)
	err = cl.DeleteSchema(ctx, "s", 1, sr.HardDelete)
	wantCode(t, err, CodeVersionNotSoftDeleted)

	if err := cl.DeleteSchema(ctx, "s", 1, sr.SoftDelete); err != nil {
		t.Fatal(err)
	}
	wantCode(t, cl.DeleteSchema(ctx, "s", 1, sr.SoftDelete), CodeVersionSoftDeleted)
	versions, err := cl.SubjectVersions(ctx, "s")
	if err != nil || !slices.Equal(versions, []int{2}) {
		t.Fatalf("versions after soft-deleting 1: %v, %v", versions, err)
	}
	versions, err = cl.SubjectVersions(sr.WithParams(ctx, sr.ShowDeleted), "s")
	if err != nil || !slices.Equal(versions, []int{1, 2}) {
		t.Fatalf("versions with deleted: %v, %v", versions, err)
	}
	// A soft-deleted schema still decodes: its id resolves.
	if _, err := cl.SchemaByID(ctx, v1.ID); err != nil {
		t.Fatalf("soft-deleted schema by id: %v", err)
	}

	deleted, err := cl.DeleteSubject(ctx, "s", sr.SoftDelete)
	if err != nil || !slices.Equal(deleted, []int{2}) {
		t.Fatalf("soft-deleting the subject: %v, %v", deleted, err)
	}
	_, err = cl.DeleteSubject(ctx, "s", sr.SoftDelete)
	wantCode(t, err, CodeSubjectSoftDeleted)
	_, err = cl.SubjectVersions(ctx, "s")
	wantCode(t, err, CodeSubjectNotFound)
	subjects, err := cl.Subjects(sr.WithParams(ctx, sr.ShowDeleted))
	if err != nil || !slices.Equal(subjects, []string{"s"}) {
		t.Fatalf("subjects with deleted: %v, %v", subjects, err)
	}

	deleted, err = cl.DeleteSubject(ctx, "s", sr.HardDelete)
	if err != nil || !slices.Equal(deleted, []int{1, 2}) {
		t.Fatalf("hard-deleting the subject: %v, %v", deleted, err)
	}
	_, err = cl.SchemaByID(ctx, v1.ID)
	wantCode(t, err, CodeSchemaNotFound)
	_, err = cl.DeleteSubject(ctx, "s", sr.SoftDelete)
	wantCode(t, err, CodeSubjectNotFound)
	subjects, err = cl.Subjects(sr.WithParams(ctx, sr.ShowDeleted))
	if err != nil || len(subjects) != 0 {
		t.Fatalf("subjects after a hard delete: %v, %v", subjects, err)
	}
	// Registered again, the schema gets its old id back and version 1.
	again, err := cl.CreateSchema(ctx, "s", srSchema("AVRO", avro.v1))
	if err != nil || again.ID != v1.ID || again.Version != 1 {
		t.Fatalf("registering again after a hard delete: %+v, %v", again, err)
	}
}

func TestEnsureSchema(t *testing.T) {
	ctx := context.Background()
	_, cl := newTestServer(t)
	for i, ev := range evolutions {
		format, _ := schema.ParseFormat(ev.typ)
		id, version, err := EnsureSchema(ctx, cl, "e", format, ev.v1)
		if i == 0 && (err != nil || id != 1 || version != 1) {
			t.Fatalf("first: id %d version %d, %v", id, version, err)
		}
		if i > 0 {
			// Another format under the same subject breaks BACKWARD.
			if err == nil || !strings.Contains(err.Error(), "incompatible with the earlier versions of subject \"e\"") {
				t.Fatalf("%s under an AVRO subject: %v", ev.typ, err)
			}
			wantCode(t, err, CodeIncompatibleSchema)
			continue
		}
		// Idempotent.
		id2, version2, err := EnsureSchema(ctx, cl, "e", format, ev.v1Spaced)
		if err != nil || id2 != id || version2 != version {
			t.Fatalf("again: id %d version %d, %v", id2, version2, err)
		}
	}
	_, _, err := EnsureSchema(ctx, cl, "e", schema.JSON, `{"type": 7}`)
	if err == nil || !strings.Contains(err.Error(), "not a valid JSON schema") {
		t.Fatalf("invalid schema: %v", err)
	}
	wantCode(t, err, CodeInvalidSchema)
	if _, _, err := EnsureSchema(ctx, cl, "e", "xml", "<a/>"); err == nil || !strings.Contains(err.Error(), "unknown schema format") {
		t.Fatalf("unknown format: %v", err)
	}
}

// TestEnsureSchemaLooksUpTheVersion covers registries whose registration
// answer has only the id (Confluent before 7.x): the version is looked up.
func TestEnsureSchemaLooksUpTheVersion(t *testing.T) {
	ctx := context.Background()
	reg := New()
	idOnly := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/versions") {
			reg.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		reg.ServeHTTP(rec, r)
		w.Header().Set("Content-Type", ContentType)
		w.WriteHeader(rec.Code)
		if rec.Code != http.StatusOK {
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		var resp struct {
			ID int `json:"id"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Error(err)
		}
		_ = json.NewEncoder(w).Encode(resp)
	})
	ts := httptest.NewServer(idOnly)
	defer ts.Close()
	cl, err := sr.NewClient(sr.URLs(ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	avro := evolutions[0]
	for i, text := range []string{avro.v1, avro.compat} {
		id, version, err := EnsureSchema(ctx, cl, "s", schema.Avro, text)
		if err != nil || id != i+1 || version != i+1 {
			t.Fatalf("schema %d: id %d version %d, %v", i+1, id, version, err)
		}
	}
}

// TestClientSubjectWithSlash checks that a subject holding "/" (escaped by
// pkg/sr) is one subject.
func TestClientSubjectWithSlash(t *testing.T) {
	ctx := context.Background()
	_, cl := newTestServer(t)
	const subject = "team/orders-value"
	created, err := cl.CreateSchema(ctx, subject, srSchema("AVRO", evolutions[0].v1))
	if err != nil || created.Subject != subject {
		t.Fatalf("CreateSchema: %+v, %v", created, err)
	}
	subjects, err := cl.Subjects(ctx)
	if err != nil || !slices.Equal(subjects, []string{subject}) {
		t.Fatalf("Subjects: %q, %v", subjects, err)
	}
	got, err := cl.SchemaByVersion(ctx, subject, 1)
	if err != nil || got.ID != created.ID {
		t.Fatalf("SchemaByVersion: %+v, %v", got, err)
	}
}
