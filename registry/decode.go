package registry

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kbench/kbench/schema"
)

// MaxRequestBytes bounds a request body (8 MiB): a larger one is answered
// with 42209 (schema too large).
const MaxRequestBytes = 8 << 20

// schemaRequest is the body of register, lookup and compatibility
// requests. Fields the registry does not use are ignored, as Confluent's
// registry ignores unknown fields.
type schemaRequest struct {
	Schema     *string         `json:"schema"`
	SchemaType *string         `json:"schemaType"`
	References json.RawMessage `json:"references"`
	ID         *int            `json:"id"`
	Version    *int            `json:"version"`
	Metadata   json.RawMessage `json:"metadata"`
	RuleSet    json.RawMessage `json:"ruleSet"`
}

// acceptedContentTypes are the request media types the registry reads as
// JSON; a request with no Content-Type is read as JSON too.
var acceptedContentTypes = []string{
	"application/vnd.schemaregistry.v1+json",
	"application/vnd.schemaregistry+json",
	"application/json",
	"application/octet-stream",
}

// decodeBody reads the request's JSON body into v.
func decodeBody(r *http.Request, v any) *apiError {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !slices.Contains(acceptedContentTypes, strings.ToLower(mt)) {
			return newErr(http.StatusUnsupportedMediaType, http.StatusUnsupportedMediaType,
				"HTTP 415 Unsupported Media Type: Content-Type %q: send %s (or application/json)", ct, acceptedContentTypes[0])
		}
	}
	data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxRequestBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return newErr(http.StatusUnprocessableEntity, CodeSchemaTooLarge,
				"the request body is larger than %d bytes", MaxRequestBytes)
		}
		return newErr(http.StatusBadRequest, http.StatusBadRequest, "reading the request body: %v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return newErr(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity,
			`the request body is empty: send a JSON object such as {"schema": "..."}`)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			want := typeErr.Type.String()
			if typeErr.Field == "schema" {
				want = "a string holding the schema text (escaped as a JSON string)"
			}
			if typeErr.Field == "" {
				return newErr(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity,
					"the request body is a JSON %s: send a JSON object", typeErr.Value)
			}
			return newErr(http.StatusUnprocessableEntity, http.StatusUnprocessableEntity,
				"field %q is a JSON %s: it must be %s", typeErr.Field, typeErr.Value, want)
		}
		return newErr(http.StatusBadRequest, http.StatusBadRequest, "the request body is not valid JSON: %v", err)
	}
	if dec.More() {
		return newErr(http.StatusBadRequest, http.StatusBadRequest, "the request body holds more than one JSON value")
	}
	return nil
}

// candidate validates a register, lookup or compatibility request and
// returns the schema it carries.
func (req *schemaRequest) candidate() (candidate, *apiError) {
	format := schema.Avro
	if req.SchemaType != nil && *req.SchemaType != "" {
		f, ok := formatOfType(*req.SchemaType)
		if !ok {
			return candidate{}, errInvalidSchema("Invalid schema type %q: want AVRO (the default), JSON or PROTOBUF", *req.SchemaType)
		}
		format = f
	}
	if present(req.References) {
		return candidate{}, errInvalidSchema("schema references are not supported by the embedded registry: inline the referenced types into the schema (or use a Confluent Schema Registry)")
	}
	if present(req.Metadata) || present(req.RuleSet) {
		return candidate{}, errInvalidSchema("schema metadata and rule sets (data contracts) are not supported by the embedded registry: leave out \"metadata\" and \"ruleSet\"")
	}
	if req.ID != nil && *req.ID > 0 {
		return candidate{}, newErr(http.StatusUnprocessableEntity, CodeOperationNotPermitted,
			"registering with an explicit id needs IMPORT mode, which the embedded registry does not have: leave out \"id\"")
	}
	if req.Schema == nil || strings.TrimSpace(*req.Schema) == "" {
		return candidate{}, errInvalidSchema(`Empty schema: send {"schema": "<the schema text>"}`)
	}
	text := *req.Schema
	if err := schema.Validate(format, text); err != nil {
		return candidate{}, errInvalidSchema("Invalid schema of type %s, details: %v", typeName(format), err)
	}
	c := candidate{format: format, text: text, key: string(format) + "\x00" + canonical(format, text)}
	if req.Version != nil && *req.Version > 0 {
		c.version = *req.Version
	}
	return c, nil
}

// present reports whether a raw JSON field was sent with a value other than
// null or an empty array or object.
func present(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s != "" && s != "null" && s != "[]" && s != "{}"
}

// typeName is the registry's name of a format ("AVRO", "JSON",
// "PROTOBUF").
func typeName(f schema.Format) string {
	switch f {
	case schema.JSON:
		return "JSON"
	case schema.Protobuf:
		return "PROTOBUF"
	}
	return "AVRO"
}

// formatOfType reads a registry schema type name, ignoring case.
func formatOfType(t string) (schema.Format, bool) {
	switch strings.ToUpper(strings.TrimSpace(t)) {
	case "AVRO":
		return schema.Avro, true
	case "JSON":
		return schema.JSON, true
	case "PROTOBUF":
		return schema.Protobuf, true
	}
	return "", false
}

// checkSubject rejects the subject names the registry rejects.
func checkSubject(subject string) *apiError {
	switch {
	case subject == "":
		return errInvalidSubject(subject, "a subject name cannot be empty")
	case strings.IndexFunc(subject, unicode.IsControl) >= 0:
		return errInvalidSubject(subject, "a subject name cannot hold control characters")
	case subject == "__GLOBAL" || subject == "__EMPTY":
		return errInvalidSubject(subject, "the name is reserved")
	case strings.HasPrefix(subject, ":."):
		return errInvalidSubject(subject, "schema contexts (\":.context:subject\") are not supported by the embedded registry")
	}
	return nil
}

// parseVersion reads a version argument: 1..2^31-1, "latest" or -1.
func parseVersion(s string) (int, *apiError) {
	t := strings.TrimSpace(s)
	if strings.EqualFold(t, "latest") {
		return latest, nil
	}
	v, err := strconv.Atoi(t)
	if err != nil || v > 1<<31-1 || (v < 1 && v != latest) {
		return 0, errInvalidVersion(s)
	}
	return v, nil
}
