package registry

import (
	"net/http"
	"net/url"
	"strings"
)

// route dispatches a request by its path segments (each unescaped on its
// own, so a subject may hold an escaped "/"); a trailing slash is ignored.
func (reg *Registry) route(w http.ResponseWriter, r *http.Request) {
	h, allowed := reg.handler(r.Method, segments(r.URL.EscapedPath()))
	if h == nil {
		if len(allowed) == 0 {
			writeError(w, newErr(http.StatusNotFound, http.StatusNotFound, "HTTP 404 Not Found: no endpoint %s (see docs/registry.md for the endpoints served)", r.URL.Path))
			return
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, newErr(http.StatusMethodNotAllowed, http.StatusMethodNotAllowed, "HTTP 405 Method Not Allowed: %s %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(allowed, ", ")))
		return
	}
	h(w, r)
}

// segments splits an escaped path into unescaped segments. (net/http
// refuses a request whose path is not validly escaped, and URL.EscapedPath
// is always valid; a segment that does not unescape is kept as it is.)
func segments(escaped string) []string {
	escaped = strings.Trim(escaped, "/")
	if escaped == "" {
		return nil
	}
	parts := strings.Split(escaped, "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			parts[i] = u
		}
	}
	return parts
}

// methods maps HTTP methods to handlers for one path.
type methods map[string]http.HandlerFunc

// handler finds the handler for the method and path, or the methods the
// path allows (none when the path is unknown).
func (reg *Registry) handler(method string, s []string) (http.HandlerFunc, []string) {
	ms := reg.endpoint(s)
	if ms == nil {
		return nil, nil
	}
	if h, ok := ms[method]; ok {
		return h, nil
	}
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if _, ok := ms[m]; ok {
			allowed = append(allowed, m)
		}
	}
	return nil, allowed
}

// endpoint returns the handlers of the path's endpoint, nil if none.
func (reg *Registry) endpoint(s []string) methods {
	at := func(i int, lit string) bool { return len(s) > i && s[i] == lit }
	switch {
	case len(s) == 0:
		return methods{http.MethodGet: reg.root}
	case len(s) == 1 && at(0, "subjects"):
		return methods{http.MethodGet: reg.listSubjects}
	case len(s) == 2 && at(0, "subjects"):
		subject := s[1]
		return methods{
			http.MethodPost:   func(w http.ResponseWriter, r *http.Request) { reg.lookupSchema(w, r, subject) },
			http.MethodDelete: func(w http.ResponseWriter, r *http.Request) { reg.deleteSubject(w, r, subject) },
		}
	case len(s) == 3 && at(0, "subjects") && at(2, "versions"):
		subject := s[1]
		return methods{
			http.MethodGet:  func(w http.ResponseWriter, r *http.Request) { reg.listVersions(w, r, subject) },
			http.MethodPost: func(w http.ResponseWriter, r *http.Request) { reg.register(w, r, subject) },
		}
	case len(s) == 4 && at(0, "subjects") && at(2, "versions"):
		subject, version := s[1], s[3]
		return methods{
			http.MethodGet:    func(w http.ResponseWriter, r *http.Request) { reg.getVersion(w, r, subject, version, false) },
			http.MethodDelete: func(w http.ResponseWriter, r *http.Request) { reg.deleteVersion(w, r, subject, version) },
		}
	case len(s) == 5 && at(0, "subjects") && at(2, "versions") && at(4, "schema"):
		subject, version := s[1], s[3]
		return methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) { reg.getVersion(w, r, subject, version, true) }}
	case len(s) == 5 && at(0, "subjects") && at(2, "versions") && at(4, "referencedby"):
		subject, version := s[1], s[3]
		return methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) { reg.referencedBy(w, r, subject, version) }}
	case len(s) == 1 && at(0, "schemas"):
		return methods{http.MethodGet: reg.listSchemas}
	case len(s) == 2 && at(0, "schemas") && at(1, "types"):
		return methods{http.MethodGet: reg.schemaTypes}
	case len(s) >= 3 && len(s) <= 4 && at(0, "schemas") && at(1, "ids"):
		id := s[2]
		if len(s) == 3 {
			return methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) { reg.schemaByID(w, r, id, false) }}
		}
		switch s[3] {
		case "schema":
			return methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) { reg.schemaByID(w, r, id, true) }}
		case "subjects":
			return methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) { reg.schemaUsages(w, r, id, false) }}
		case "versions":
			return methods{http.MethodGet: func(w http.ResponseWriter, r *http.Request) { reg.schemaUsages(w, r, id, true) }}
		}
	case len(s) <= 2 && at(0, "config"):
		subject := ""
		if len(s) == 2 {
			subject = s[1]
		}
		return methods{
			http.MethodGet:    func(w http.ResponseWriter, r *http.Request) { reg.getConfig(w, r, subject) },
			http.MethodPut:    func(w http.ResponseWriter, r *http.Request) { reg.putConfig(w, r, subject) },
			http.MethodDelete: func(w http.ResponseWriter, r *http.Request) { reg.deleteConfig(w, r, subject) },
		}
	case len(s) <= 2 && at(0, "mode"):
		return methods{http.MethodGet: reg.getMode}
	case (len(s) == 4 || len(s) == 5) && at(0, "compatibility") && at(1, "subjects") && at(3, "versions"):
		subject, version := s[2], ""
		if len(s) == 5 {
			version = s[4]
		}
		return methods{http.MethodPost: func(w http.ResponseWriter, r *http.Request) { reg.checkCompatibility(w, r, subject, version) }}
	}
	return nil
}
