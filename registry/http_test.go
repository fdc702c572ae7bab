package registry

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

type step struct{ method, path, body string }

var (
	avro     = evolutions[0]
	avroV1   = body("", avro.v1)
	register = func(subject string) string { return "/subjects/" + subject + "/versions" }
)

// TestHTTP runs each case on a fresh registry: the setup requests must
// answer 200, then the request must answer the status and either the exact
// JSON body (want) or an error with the code whose message holds msg.
func TestHTTP(t *testing.T) {
	cases := []struct {
		name   string
		setup  []step
		req    step
		status int
		want   string // exact JSON body, for 200
		code   int    // error_code, for errors
		msg    string // substring of the error message
	}{
		// Registration and ids.
		{name: "first registration", req: step{"POST", register("users-value"), avroV1},
			status: 200, want: `{"id":1,"version":1}`},
		{name: "same schema again returns its id and version",
			setup: []step{{"POST", register("users-value"), avroV1}},
			req:   step{"POST", register("users-value"), avroV1}, status: 200, want: `{"id":1,"version":1}`},
		{name: "same schema with other whitespace and key order is the same schema",
			setup: []step{{"POST", register("users-value"), avroV1}},
			req:   step{"POST", register("users-value"), body("AVRO", avro.v1Spaced)}, status: 200, want: `{"id":1,"version":1}`},
		{name: "same schema under another subject reuses the global id",
			setup: []step{{"POST", register("a"), avroV1}, {"POST", register("b"), body("", avro.compat)}},
			req:   step{"POST", register("c"), avroV1}, status: 200, want: `{"id":1,"version":1}`},
		{name: "a compatible change is the next version with a new id",
			setup: []step{{"POST", register("s"), avroV1}},
			req:   step{"POST", register("s"), body("", avro.compat)}, status: 200, want: `{"id":2,"version":2}`},
		{name: "the same text as another type is another schema",
			setup: []step{{"POST", register("a"), body("JSON", `{"type":"string"}`)}},
			req:   step{"POST", register("b"), body("AVRO", `{"type":"string"}`)}, status: 200, want: `{"id":2,"version":1}`},
		{name: "schemaType is case-insensitive", req: step{"POST", register("s"), body("json", `{"type":"string"}`)},
			status: 200, want: `{"id":1,"version":1}`},
		{name: "explicit next version is accepted", req: step{"POST", register("s"), `{"schema":"\"string\"","version":1}`},
			status: 200, want: `{"id":1,"version":1}`},
		{name: "trailing slash", req: step{"POST", register("s") + "/", avroV1}, status: 200, want: `{"id":1,"version":1}`},
		{name: "escaped slash in a subject", setup: []step{{"POST", register("a%2Fb"), avroV1}},
			req: step{"GET", "/subjects", ""}, status: 200, want: `["a/b"]`},

		// Registration errors.
		{name: "incompatible schema", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", register("s"), body("", avro.incompat)}, status: 409, code: 409,
			msg: `incompatible with an earlier schema for subject "s", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'`},
		{name: "incompatible schema type change", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", register("s"), body("JSON", `{"type":"object"}`)}, status: 409, code: 409, msg: "SCHEMA_TYPE_CHANGED"},
		{name: "invalid avro", req: step{"POST", register("s"), body("", `{"type":"record","name":"X"}`)},
			status: 422, code: 42201, msg: "Invalid schema of type AVRO, details:"},
		{name: "invalid json schema", req: step{"POST", register("s"), body("JSON", `{"type": 12}`)},
			status: 422, code: 42201, msg: "Invalid schema of type JSON"},
		{name: "invalid protobuf", req: step{"POST", register("s"), body("PROTOBUF", `message {`)},
			status: 422, code: 42201, msg: "Invalid schema of type PROTOBUF"},
		{name: "empty schema", req: step{"POST", register("s"), `{"schema":"  "}`}, status: 422, code: 42201, msg: "Empty schema"},
		{name: "missing schema", req: step{"POST", register("s"), `{}`}, status: 422, code: 42201, msg: "Empty schema"},
		{name: "unknown schema type", req: step{"POST", register("s"), body("XML", "<a/>")}, status: 422, code: 42201, msg: `Invalid schema type "XML"`},
		{name: "references are refused", req: step{"POST", register("s"), `{"schema":"\"string\"","references":[{"name":"a","subject":"b","version":1}]}`},
			status: 422, code: 42201, msg: "schema references are not supported"},
		{name: "rule sets are refused", req: step{"POST", register("s"), `{"schema":"\"string\"","ruleSet":{"domainRules":[{"name":"r"}]}}`},
			status: 422, code: 42201, msg: "rule sets"},
		{name: "explicit id needs IMPORT mode", req: step{"POST", register("s"), `{"schema":"\"string\"","id":7}`},
			status: 422, code: 42205, msg: "IMPORT mode"},
		{name: "explicit version that is not the next", req: step{"POST", register("s"), `{"schema":"\"string\"","version":3}`},
			status: 422, code: 42201, msg: "not one more than"},
		{name: "malformed JSON", req: step{"POST", register("s"), `{"schema": `}, status: 400, code: 400, msg: "not valid JSON"},
		{name: "two JSON values", req: step{"POST", register("s"), `{} {}`}, status: 400, code: 400, msg: "more than one"},
		{name: "schema sent as an object", req: step{"POST", register("s"), `{"schema":{"type":"string"}}`},
			status: 422, code: 422, msg: `field "schema" is a JSON object: it must be a string holding the schema text`},
		{name: "body is an array", req: step{"POST", register("s"), `[1]`}, status: 422, code: 422, msg: "send a JSON object"},
		{name: "control character in a subject", req: step{"POST", register("a%01b"), avroV1}, status: 422, code: 42208, msg: "control characters"},
		{name: "empty subject", req: step{"POST", "/subjects//versions", avroV1}, status: 422, code: 42208, msg: "cannot be empty"},
		{name: "schema context", req: step{"POST", register(":.ctx:s"), avroV1}, status: 422, code: 42208, msg: "contexts"},

		// Reading subjects and versions.
		{name: "list subjects", setup: []step{{"POST", register("b"), avroV1}, {"POST", register("a"), avroV1}},
			req: step{"GET", "/subjects", ""}, status: 200, want: `["a","b"]`},
		{name: "list subjects by prefix", setup: []step{{"POST", register("orders-value"), avroV1}, {"POST", register("users-value"), avroV1}},
			req: step{"GET", "/subjects?subjectPrefix=users", ""}, status: 200, want: `["users-value"]`},
		{name: "no subjects", req: step{"GET", "/subjects", ""}, status: 200, want: `[]`},
		{name: "list versions", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}},
			req: step{"GET", register("s"), ""}, status: 200, want: `[1,2]`},
		{name: "versions of a missing subject", req: step{"GET", register("nope"), ""}, status: 404, code: 40401, msg: "Subject 'nope' not found."},
		{name: "get a version", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"GET", "/subjects/s/versions/1", ""}, status: 200,
			want: fmt.Sprintf(`{"subject":"s","version":1,"id":1,"schemaType":"AVRO","schema":%q}`, avro.v1)},
		{name: "get latest", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}},
			req: step{"GET", "/subjects/s/versions/latest", ""}, status: 200,
			want: fmt.Sprintf(`{"subject":"s","version":2,"id":2,"schemaType":"AVRO","schema":%q}`, avro.compat)},
		{name: "get -1 is latest", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"GET", "/subjects/s/versions/-1", ""}, status: 200,
			want: fmt.Sprintf(`{"subject":"s","version":1,"id":1,"schemaType":"AVRO","schema":%q}`, avro.v1)},
		{name: "missing version", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"GET", "/subjects/s/versions/9", ""}, status: 404, code: 40402, msg: "Version 9 not found."},
		{name: "version of a missing subject", req: step{"GET", "/subjects/nope/versions/1", ""}, status: 404, code: 40401},
		{name: "version not a number", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"GET", "/subjects/s/versions/abc", ""}, status: 422, code: 42202, msg: "'abc' is not a valid version id"},
		{name: "version zero", req: step{"GET", "/subjects/s/versions/0", ""}, status: 422, code: 42202},
		{name: "version beyond int32", req: step{"GET", "/subjects/s/versions/2147483648", ""}, status: 422, code: 42202},
		{name: "raw schema of a version", setup: []step{{"POST", register("s"), body("JSON", `{"type":"string"}`)}},
			req: step{"GET", "/subjects/s/versions/1/schema", ""}, status: 200, want: `{"type":"string"}`},
		{name: "referencedby is empty", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"GET", "/subjects/s/versions/1/referencedby", ""}, status: 200, want: `[]`},

		// Schemas by id.
		{name: "schema by id", setup: []step{{"POST", register("s"), body("PROTOBUF", evolutions[2].v1)}},
			req: step{"GET", "/schemas/ids/1", ""}, status: 200, want: fmt.Sprintf(`{"schemaType":"PROTOBUF","schema":%q}`, evolutions[2].v1)},
		{name: "schema by id with max id", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}},
			req: step{"GET", "/schemas/ids/1?fetchMaxId=true", ""}, status: 200, want: fmt.Sprintf(`{"schemaType":"AVRO","schema":%q,"maxId":2}`, avro.v1)},
		{name: "raw schema by id", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"GET", "/schemas/ids/1/schema", ""}, status: 200, want: avro.v1},
		{name: "missing schema id", req: step{"GET", "/schemas/ids/99", ""}, status: 404, code: 40403, msg: "Schema 99 not found"},
		{name: "schema id not a number", req: step{"GET", "/schemas/ids/abc", ""}, status: 404, code: 40403, msg: "positive integer"},
		{name: "subjects of an id", setup: []step{{"POST", register("b"), avroV1}, {"POST", register("a"), avroV1}},
			req: step{"GET", "/schemas/ids/1/subjects", ""}, status: 200, want: `["a","b"]`},
		{name: "versions of an id", setup: []step{{"POST", register("b"), avroV1}, {"POST", register("a"), avroV1}},
			req: step{"GET", "/schemas/ids/1/versions", ""}, status: 200, want: `[{"subject":"a","version":1},{"subject":"b","version":1}]`},
		{name: "schema types", req: step{"GET", "/schemas/types", ""}, status: 200, want: `["JSON","PROTOBUF","AVRO"]`},
		{name: "all schemas, latest only", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}},
			req: step{"GET", "/schemas?latestOnly=true", ""}, status: 200,
			want: fmt.Sprintf(`[{"subject":"s","version":2,"id":2,"schemaType":"AVRO","schema":%q}]`, avro.compat)},

		// Lookup.
		{name: "lookup", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}},
			req: step{"POST", "/subjects/s", body("", avro.v1Spaced)}, status: 200,
			want: fmt.Sprintf(`{"subject":"s","version":1,"id":1,"schemaType":"AVRO","schema":%q}`, avro.v1)},
		{name: "lookup of an unregistered schema", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", "/subjects/s", body("", avro.compat)}, status: 404, code: 40403, msg: "Schema not found"},
		{name: "lookup under a missing subject", req: step{"POST", "/subjects/s", avroV1}, status: 404, code: 40401},
		{name: "lookup of an invalid schema", req: step{"POST", "/subjects/s", body("", "{")}, status: 422, code: 42201},
		{name: "lookup of a soft-deleted version", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}, {"DELETE", "/subjects/s/versions/1", ""}},
			req: step{"POST", "/subjects/s", avroV1}, status: 404, code: 40403},
		{name: "lookup of a soft-deleted version with deleted=true", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}, {"DELETE", "/subjects/s/versions/1", ""}},
			req: step{"POST", "/subjects/s?deleted=true", avroV1}, status: 200,
			want: fmt.Sprintf(`{"subject":"s","version":1,"id":1,"schemaType":"AVRO","schema":%q,"deleted":true}`, avro.v1)},

		// Compatibility levels.
		{name: "global level", req: step{"GET", "/config", ""}, status: 200, want: `{"compatibilityLevel":"BACKWARD"}`},
		{name: "set the global level", req: step{"PUT", "/config", `{"compatibility":"FULL"}`}, status: 200, want: `{"compatibility":"FULL"}`},
		{name: "global level after a set", setup: []step{{"PUT", "/config", `{"compatibility":"forward_transitive"}`}},
			req: step{"GET", "/config", ""}, status: 200, want: `{"compatibilityLevel":"FORWARD_TRANSITIVE"}`},
		{name: "reset the global level", setup: []step{{"PUT", "/config", `{"compatibility":"NONE"}`}},
			req: step{"DELETE", "/config", ""}, status: 200, want: `{"compatibilityLevel":"NONE"}`},
		{name: "global level after a reset", setup: []step{{"PUT", "/config", `{"compatibility":"NONE"}`}, {"DELETE", "/config", ""}},
			req: step{"GET", "/config", ""}, status: 200, want: `{"compatibilityLevel":"BACKWARD"}`},
		{name: "invalid level", req: step{"PUT", "/config", `{"compatibility":"SIDEWAYS"}`}, status: 422, code: 42203, msg: `"SIDEWAYS"`},
		{name: "missing level", req: step{"PUT", "/config/s", `{}`}, status: 422, code: 42203, msg: "Missing compatibility level"},
		{name: "subject level", setup: []step{{"PUT", "/config/s", `{"compatibility":"NONE"}`}},
			req: step{"GET", "/config/s", ""}, status: 200, want: `{"compatibilityLevel":"NONE"}`},
		{name: "subject without a level", req: step{"GET", "/config/s", ""}, status: 404, code: 40408, msg: "defaultToGlobal"},
		{name: "subject without a level, defaultToGlobal", req: step{"GET", "/config/s?defaultToGlobal=true", ""}, status: 200, want: `{"compatibilityLevel":"BACKWARD"}`},
		{name: "reset a subject level", setup: []step{{"PUT", "/config/s", `{"compatibility":"FULL"}`}},
			req: step{"DELETE", "/config/s", ""}, status: 200, want: `{"compatibilityLevel":"FULL"}`},
		{name: "reset a subject without a level", req: step{"DELETE", "/config/s", ""}, status: 404, code: 40401, msg: "no compatibility level of its own"},
		{name: "a subject level NONE lets anything in", setup: []step{{"POST", register("s"), avroV1}, {"PUT", "/config/s", `{"compatibility":"NONE"}`}},
			req: step{"POST", register("s"), body("", avro.incompat)}, status: 200, want: `{"id":2,"version":2}`},
		{name: "a subject level overrides the global one", setup: []step{{"PUT", "/config", `{"compatibility":"NONE"}`}, {"POST", register("s"), avroV1}, {"PUT", "/config/s", `{"compatibility":"BACKWARD"}`}},
			req: step{"POST", register("s"), body("", avro.incompat)}, status: 409, code: 409},
		{name: "mode is READWRITE", req: step{"GET", "/mode", ""}, status: 200, want: `{"mode":"READWRITE"}`},

		// Compatibility checks.
		{name: "check against latest, compatible", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", "/compatibility/subjects/s/versions/latest", body("", avro.compat)}, status: 200, want: `{"is_compatible":true}`},
		{name: "check against latest, incompatible", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", "/compatibility/subjects/s/versions/latest", body("", avro.incompat)}, status: 200, want: `{"is_compatible":false}`},
		{name: "check verbose", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", "/compatibility/subjects/s/versions/1?verbose=true", body("", avro.incompat)}, status: 200,
			want: `{"is_compatible":false,"messages":["{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', location:'/fields/1', reader:'new schema', writer:'version 1', description:'record User: the reader\u0027s field \"email\" has no default value and is missing from the writer\u0027s record'}","{compatibility: 'BACKWARD'}"]}`},
		{name: "check an invalid schema verbose", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", "/compatibility/subjects/s/versions/latest?verbose=true", body("", "{")}, status: 200,
			want: `{"is_compatible":false,"messages":["Invalid schema of type AVRO, details: line 1, column 2: invalid avro schema: invalid JSON: unexpected end of input"]}`},
		{name: "check an invalid schema", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", "/compatibility/subjects/s/versions/latest", body("", "{")}, status: 422, code: 42201},
		{name: "check against a missing version", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"POST", "/compatibility/subjects/s/versions/7", avroV1}, status: 404, code: 40402},
		{name: "check against latest of a missing subject", req: step{"POST", "/compatibility/subjects/s/versions/latest", avroV1},
			status: 200, want: `{"is_compatible":true}`},
		{name: "check with an invalid version", req: step{"POST", "/compatibility/subjects/s/versions/x", avroV1}, status: 422, code: 42202},
		{name: "transitive level checks every version on registration",
			setup: []step{{"PUT", "/config/s", `{"compatibility":"BACKWARD_TRANSITIVE"}`}, {"POST", register("s"), body("", transV1)}, {"POST", register("s"), body("", transV2)}},
			req:   step{"POST", register("s"), body("", transV3)}, status: 409, code: 409, msg: "reader:'new schema', writer:'version 1'"},
		{name: "non-transitive level checks the latest only",
			setup: []step{{"POST", register("s"), body("", transV1)}, {"POST", register("s"), body("", transV2)}},
			req:   step{"POST", register("s"), body("", transV3)}, status: 200, want: `{"id":3,"version":3}`},
		{name: "check against all versions under a transitive level",
			setup: []step{{"POST", register("s"), body("", transV1)}, {"POST", register("s"), body("", transV2)}, {"PUT", "/config/s", `{"compatibility":"BACKWARD_TRANSITIVE"}`}},
			req:   step{"POST", "/compatibility/subjects/s/versions", body("", transV3)}, status: 200, want: `{"is_compatible":false}`},
		{name: "check against all versions skips soft-deleted ones",
			setup: []step{{"POST", register("s"), body("", transV1)}, {"POST", register("s"), body("", transV2)}, {"PUT", "/config/s", `{"compatibility":"BACKWARD_TRANSITIVE"}`}, {"DELETE", "/subjects/s/versions/1", ""}},
			req:   step{"POST", "/compatibility/subjects/s/versions", body("", transV3)}, status: 200, want: `{"is_compatible":true}`},

		// Deletes.
		{name: "soft-delete a version", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"DELETE", "/subjects/s/versions/1", ""}, status: 200, want: `1`},
		{name: "soft-delete a version twice", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}, {"DELETE", "/subjects/s/versions/1", ""}},
			req: step{"DELETE", "/subjects/s/versions/1", ""}, status: 404, code: 40406, msg: "permanent=true"},
		{name: "hard-delete a version not soft-deleted", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"DELETE", "/subjects/s/versions/1?permanent=true", ""}, status: 404, code: 40407},
		{name: "hard-delete a soft-deleted version", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s/versions/1", ""}},
			req: step{"DELETE", "/subjects/s/versions/1?permanent=true", ""}, status: 200, want: `1`},
		{name: "delete a missing version", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"DELETE", "/subjects/s/versions/5", ""}, status: 404, code: 40402},
		{name: "delete latest", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}},
			req: step{"DELETE", "/subjects/s/versions/latest", ""}, status: 200, want: `2`},
		{name: "latest of a subject whose versions are all soft-deleted", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"GET", "/subjects/s/versions/latest?deleted=true", ""}, status: 404, code: 40402, msg: "every version of the subject is soft-deleted"},
		{name: "delete a version of a missing subject", req: step{"DELETE", "/subjects/s/versions/1", ""}, status: 404, code: 40401},
		{name: "soft-delete a subject", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}},
			req: step{"DELETE", "/subjects/s", ""}, status: 200, want: `[1,2]`},
		{name: "soft-delete a subject twice", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"DELETE", "/subjects/s", ""}, status: 404, code: 40404},
		{name: "hard-delete a subject not soft-deleted", setup: []step{{"POST", register("s"), avroV1}},
			req: step{"DELETE", "/subjects/s?permanent=true", ""}, status: 404, code: 40405},
		{name: "hard-delete a soft-deleted subject", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"DELETE", "/subjects/s?permanent=true", ""}, status: 200, want: `[1]`},
		{name: "delete a missing subject", req: step{"DELETE", "/subjects/s", ""}, status: 404, code: 40401},
		{name: "a soft-deleted subject is not listed", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("t"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"GET", "/subjects", ""}, status: 200, want: `["t"]`},
		{name: "a soft-deleted subject is listed with deleted=true", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("t"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"GET", "/subjects?deleted=true", ""}, status: 200, want: `["s","t"]`},
		{name: "deletedOnly", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("t"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"GET", "/subjects?deletedOnly=true", ""}, status: 200, want: `["s"]`},
		{name: "versions of a soft-deleted subject", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"GET", register("s"), ""}, status: 404, code: 40401},
		{name: "versions of a soft-deleted subject with deleted=true", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"GET", register("s") + "?deleted=true", ""}, status: 200, want: `[1]`},
		{name: "a soft-deleted version with deleted=true", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s/versions/1", ""}},
			req: step{"GET", "/subjects/s/versions/1?deleted=true", ""}, status: 200,
			want: fmt.Sprintf(`{"subject":"s","version":1,"id":1,"schemaType":"AVRO","schema":%q,"deleted":true}`, avro.v1)},
		{name: "a soft-deleted schema still resolves by id", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"GET", "/schemas/ids/1/schema", ""}, status: 200, want: avro.v1},
		{name: "a hard-deleted schema no longer resolves by id", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}, {"DELETE", "/subjects/s?permanent=true", ""}},
			req: step{"GET", "/schemas/ids/1", ""}, status: 404, code: 40403},
		{name: "a schema held by another subject survives a hard delete", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("t"), avroV1}, {"DELETE", "/subjects/s", ""}, {"DELETE", "/subjects/s?permanent=true", ""}},
			req: step{"GET", "/schemas/ids/1/subjects", ""}, status: 200, want: `["t"]`},
		{name: "versions continue after a soft delete", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}},
			req: step{"POST", register("s"), body("", avro.incompat)}, status: 200, want: `{"id":2,"version":2}`},
		{name: "versions restart after a hard delete", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}, {"DELETE", "/subjects/s?permanent=true", ""}},
			req: step{"POST", register("s"), body("", avro.compat)}, status: 200, want: `{"id":2,"version":1}`},
		{name: "a re-registered schema keeps its id after a hard delete", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s", ""}, {"DELETE", "/subjects/s?permanent=true", ""}},
			req: step{"POST", register("s"), avroV1}, status: 200, want: `{"id":1,"version":1}`},
		{name: "re-registering a soft-deleted schema is a new version", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s/versions/1", ""}},
			req: step{"POST", register("s"), avroV1}, status: 200, want: `{"id":1,"version":2}`},
		{name: "and drops the soft-deleted version", setup: []step{{"POST", register("s"), avroV1}, {"DELETE", "/subjects/s/versions/1", ""}, {"POST", register("s"), avroV1}},
			req: step{"GET", register("s") + "?deleted=true", ""}, status: 200, want: `[2]`},
		{name: "a hard delete removes the subject level", setup: []step{{"POST", register("s"), avroV1}, {"PUT", "/config/s", `{"compatibility":"NONE"}`}, {"DELETE", "/subjects/s", ""}, {"DELETE", "/subjects/s?permanent=true", ""}},
			req: step{"GET", "/config/s", ""}, status: 404, code: 40408},
		{name: "a soft delete keeps the subject level", setup: []step{{"POST", register("s"), avroV1}, {"PUT", "/config/s", `{"compatibility":"NONE"}`}, {"DELETE", "/subjects/s", ""}},
			req: step{"GET", "/config/s", ""}, status: 200, want: `{"compatibilityLevel":"NONE"}`},
		{name: "compatibility ignores soft-deleted versions", setup: []step{{"POST", register("s"), avroV1}, {"POST", register("s"), body("", avro.compat)}, {"DELETE", "/subjects/s/versions/2", ""}},
			req:    step{"POST", register("s"), body("", `{"type":"record","name":"User","fields":[{"name":"id","type":"long"},{"name":"email","type":"int","default":0}]}`)},
			status: 200, want: `{"id":3,"version":3}`},

		// Protocol.
		{name: "root", req: step{"GET", "/", ""}, status: 200, want: `{}`},
		{name: "unknown path", req: step{"GET", "/nope", ""}, status: 404, code: 404, msg: "no endpoint /nope"},
		{name: "wrong method", req: step{"PUT", "/subjects", ""}, status: 405, code: 405, msg: "allowed: GET"},
		{name: "unsupported media type", req: step{"POST", register("s"), "x"}, status: 415, code: 415, msg: "Content-Type"},
		{name: "empty body", req: step{"POST", register("s"), ""}, status: 422, code: 422, msg: "body is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			reg := New()
			for _, s := range tc.setup {
				mustCall(t, reg, s.method, s.path, s.body)
			}
			var status int
			var got string
			if tc.name == "unsupported media type" {
				req := httptest.NewRequest(tc.req.method, tc.req.path, strings.NewReader(tc.req.body))
				req.Header.Set("Content-Type", "text/plain")
				rec := httptest.NewRecorder()
				reg.ServeHTTP(rec, req)
				status, got = rec.Code, rec.Body.String()
			} else {
				status, got = call(t, reg, tc.req.method, tc.req.path, tc.req.body)
			}
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, got)
			}
			if status == http.StatusOK {
				if tc.want == "" {
					t.Fatal("a 200 case needs want")
				}
				if strings.HasSuffix(tc.req.path, "/schema") {
					if got != tc.want {
						t.Fatalf("body %s, want %s", got, tc.want)
					}
					return
				}
				if !sameJSON(t, got, tc.want) {
					t.Fatalf("body\n%s\nwant\n%s", got, tc.want)
				}
				return
			}
			e := decodeError(t, got)
			if e.ErrorCode != tc.code {
				t.Errorf("error_code %d, want %d (%s)", e.ErrorCode, tc.code, e.Message)
			}
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q lacks %q", e.Message, tc.msg)
			}
		})
	}
}

// TestAcceptedContentTypes checks that every documented media type, with
// parameters, is read as JSON.
func TestAcceptedContentTypes(t *testing.T) {
	for _, ct := range append(acceptedContentTypes, "application/json; charset=utf-8", "") {
		reg := New()
		req := httptest.NewRequest("POST", register("s"), strings.NewReader(avroV1))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		rec := httptest.NewRecorder()
		reg.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Errorf("Content-Type %q: status %d: %s", ct, rec.Code, rec.Body)
		}
	}
}

// TestBodyTooLarge checks the 42209 answer to a body over MaxRequestBytes.
func TestBodyTooLarge(t *testing.T) {
	big := `{"schema":"` + strings.Repeat(" ", MaxRequestBytes) + `\"string\""}`
	status, got := call(t, New(), "POST", register("s"), big)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", status)
	}
	if e := decodeError(t, got); e.ErrorCode != CodeSchemaTooLarge {
		t.Fatalf("error_code %d, want %d", e.ErrorCode, CodeSchemaTooLarge)
	}
}

// TestEveryFormat registers v1, refuses the incompatible change with 409 and
// its kind, and accepts the compatible one, for each format.
func TestEveryFormat(t *testing.T) {
	kinds := map[string]string{"AVRO": "READER_FIELD_MISSING_DEFAULT_VALUE", "JSON": "REQUIRED_ATTRIBUTE_ADDED", "PROTOBUF": "FIELD_SCALAR_KIND_CHANGED"}
	for _, ev := range evolutions {
		t.Run(ev.typ, func(t *testing.T) {
			reg := New()
			mustCall(t, reg, "POST", register("s"), body(ev.typ, ev.v1))
			if got := mustCall(t, reg, "POST", register("s"), body(ev.typ, ev.v1Spaced)); !sameJSON(t, got, `{"id":1,"version":1}`) {
				t.Errorf("v1 respaced: %s, want the same id and version", got)
			}
			status, got := call(t, reg, "POST", register("s"), body(ev.typ, ev.incompat))
			if status != http.StatusConflict {
				t.Fatalf("incompatible change: status %d: %s", status, got)
			}
			if e := decodeError(t, got); e.ErrorCode != CodeIncompatibleSchema || !strings.Contains(e.Message, kinds[ev.typ]) {
				t.Errorf("incompatible change: %+v, want 409 naming %s", e, kinds[ev.typ])
			}
			if got := mustCall(t, reg, "POST", register("s"), body(ev.typ, ev.compat)); !sameJSON(t, got, `{"id":2,"version":2}`) {
				t.Errorf("compatible change: %s", got)
			}
		})
	}
}
