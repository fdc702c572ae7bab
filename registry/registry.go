// Package registry is an embedded, in-process schema registry that speaks
// the part of Confluent Schema Registry's REST API that producers,
// consumers and their tools use: registering and looking up schemas under
// subjects, fetching them by global id, soft and hard deletes, and
// compatibility levels and checks.
//
// Compatibility is enforced for real: a schema registered under a subject
// is checked with schema.Check against the subject's earlier versions under
// the subject's level (BACKWARD by default), so an incompatible change is
// refused with 409 exactly where a Confluent registry would refuse it (as
// far as schema.Check agrees with it: see docs/schemas.md).
//
// A Registry is an http.Handler; NewServer and Start serve one on a
// loopback port, and Server.Client returns a franz-go pkg/sr client for it.
// Everything lives in memory and is lost when the registry goes away. What
// is and is not implemented is in docs/registry.md.
package registry

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
)

// ContentType is the media type of every response body.
const ContentType = "application/vnd.schemaregistry.v1+json"

// Registry is an in-memory schema registry serving Confluent Schema
// Registry's REST API. It is safe for concurrent use. The zero value is not
// usable: call New.
type Registry struct {
	cfg   config
	store *store
}

// New returns an empty registry. It panics if an option is invalid (an
// unknown compatibility level, empty basic-auth credentials); NewServer and
// Start return the same problems as errors.
func New(opts ...Option) *Registry {
	r, err := newRegistry(opts)
	if err != nil {
		panic(err)
	}
	return r
}

func newRegistry(opts []Option) (*Registry, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	return &Registry{cfg: cfg, store: newStore(cfg.mode)}, nil
}

// ServeHTTP answers one REST API request.
func (reg *Registry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	defer func() {
		if p := recover(); p != nil {
			reg.logf("registry: panic serving %s %s: %v\n%s", r.Method, r.URL.Path, p, debug.Stack())
			if rec.status == 0 {
				writeError(rec, errInternal("%v", p))
			}
		}
	}()
	if reg.cfg.auth && !reg.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="kbench-registry"`)
		writeError(rec, newErr(http.StatusUnauthorized, CodeUnauthorized,
			"Unauthorized: missing or wrong credentials; send the registry's user and password with HTTP basic authentication"))
		reg.logf("registry: %s %s: 401: rejected: missing or wrong basic-auth credentials", r.Method, r.URL.Path)
		return
	}
	reg.route(rec, r)
	if rec.err != nil {
		reg.logf("registry: %s %s: %d: %s", r.Method, r.URL.Path, rec.status, rec.err.message)
	} else {
		reg.logf("registry: %s %s: %d", r.Method, r.URL.Path, rec.status)
	}
}

// authorized reports whether the request carries the configured basic-auth
// credentials, comparing in constant time.
func (reg *Registry) authorized(r *http.Request) bool {
	user, password, ok := r.BasicAuth()
	if !ok {
		return false
	}
	userOK := subtle.ConstantTimeCompare([]byte(user), []byte(reg.cfg.user))
	passOK := subtle.ConstantTimeCompare([]byte(password), []byte(reg.cfg.password))
	return userOK&passOK == 1
}

func (reg *Registry) logf(format string, args ...any) {
	if reg.cfg.logf != nil {
		reg.cfg.logf(format, args...)
	}
}

// statusRecorder remembers the status and the error answered, for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	err    *apiError
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// writeJSON answers 200 with v as JSON.
func writeJSON(w http.ResponseWriter, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(w, errInternal("encoding the response: %v", err))
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// writeRaw answers 200 with a schema's text as the body, as the registry's
// /schema endpoints do.
func writeRaw(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(text))
}

// errorBody is the registry's error response.
type errorBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

// writeError answers with the error's status and body.
func writeError(w http.ResponseWriter, e *apiError) {
	if rec, ok := w.(*statusRecorder); ok {
		rec.err = e
	}
	body, err := json.Marshal(errorBody{ErrorCode: e.code, Message: e.message})
	if err != nil {
		body = []byte(fmt.Sprintf(`{"error_code":%d,"message":"unencodable error message"}`, e.code))
	}
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}
