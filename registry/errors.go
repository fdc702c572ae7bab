package registry

import (
	"fmt"
	"net/http"
)

// The error codes the registry answers with, as Confluent Schema Registry
// numbers them: the HTTP status, followed by a two-digit detail for most.
// They appear as "error_code" in every error body; docs/registry.md lists
// the HTTP-level ones (400, 404, 405, 415, 422) too.
const (
	CodeUnauthorized               = 401   // missing or wrong credentials
	CodeSubjectNotFound            = 40401 // the subject has no (visible) version
	CodeVersionNotFound            = 40402 // the subject has no such version
	CodeSchemaNotFound             = 40403 // no such schema id, or the schema is not under the subject
	CodeSubjectSoftDeleted         = 40404 // soft-deleting a subject already soft-deleted
	CodeSubjectNotSoftDeleted      = 40405 // hard-deleting a subject not soft-deleted first
	CodeVersionSoftDeleted         = 40406 // soft-deleting a version already soft-deleted
	CodeVersionNotSoftDeleted      = 40407 // hard-deleting a version not soft-deleted first
	CodeSubjectCompatNotConfigured = 40408 // the subject has no compatibility level of its own
	CodeIncompatibleSchema         = 409   // the schema breaks the subject's compatibility level
	CodeInvalidSchema              = 42201 // the schema does not parse, or uses what is not supported
	CodeInvalidVersion             = 42202 // the version is neither 1..2^31-1 nor "latest"/-1
	CodeInvalidCompatibility       = 42203 // an unknown compatibility level
	CodeOperationNotPermitted      = 42205 // e.g. registering with an explicit id (IMPORT mode)
	CodeInvalidSubject             = 42208 // empty, reserved, or holding control characters
	CodeSchemaTooLarge             = 42209 // the request body exceeds MaxRequestBytes
	CodeInternal                   = 50001 // a bug in the registry (never expected)
)

// apiError is an error answered to a client: an HTTP status and the
// registry's {"error_code": N, "message": "..."} body.
type apiError struct {
	status  int
	code    int
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d: %s", e.code, e.message) }

func newErr(status, code int, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func errSubjectNotFound(subject string) *apiError {
	return newErr(http.StatusNotFound, CodeSubjectNotFound, "Subject '%s' not found.", subject)
}

func errVersionNotFound(version int) *apiError {
	return newErr(http.StatusNotFound, CodeVersionNotFound, "Version %d not found.", version)
}

func errSchemaNotFound() *apiError {
	return newErr(http.StatusNotFound, CodeSchemaNotFound, "Schema not found")
}

func errSchemaIDNotFound(id string) *apiError {
	return newErr(http.StatusNotFound, CodeSchemaNotFound, "Schema %s not found", id)
}

func errInvalidSchema(format string, args ...any) *apiError {
	return newErr(http.StatusUnprocessableEntity, CodeInvalidSchema, format, args...)
}

func errInvalidVersion(version string) *apiError {
	return newErr(http.StatusUnprocessableEntity, CodeInvalidVersion,
		"The specified version '%s' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", version)
}

func errInvalidCompatibility(level string) *apiError {
	return newErr(http.StatusUnprocessableEntity, CodeInvalidCompatibility,
		"Invalid compatibility level %q. Valid values are NONE, BACKWARD, FORWARD, FULL, BACKWARD_TRANSITIVE, FORWARD_TRANSITIVE and FULL_TRANSITIVE", level)
}

func errInvalidSubject(subject, why string) *apiError {
	return newErr(http.StatusUnprocessableEntity, CodeInvalidSubject, "Invalid subject %q: %s", subject, why)
}

func errInternal(format string, args ...any) *apiError {
	return newErr(http.StatusInternalServerError, CodeInternal, "internal registry error: "+format, args...)
}
