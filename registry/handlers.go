package registry

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/kbench/kbench/schema"
)

// subjectSchemaJSON is a subject's version as the registry shows it.
type subjectSchemaJSON struct {
	Subject    string `json:"subject"`
	Version    int    `json:"version"`
	ID         int    `json:"id"`
	SchemaType string `json:"schemaType"`
	Schema     string `json:"schema"`
	Deleted    bool   `json:"deleted,omitempty"`
}

func subjectSchema(v subjectVersionView) subjectSchemaJSON {
	return subjectSchemaJSON{Subject: v.subject, Version: v.version, ID: v.schema.id,
		SchemaType: typeName(v.schema.format), Schema: v.schema.text, Deleted: v.deleted}
}

// flag reads a boolean query parameter: "true" in any case is true.
func flag(r *http.Request, name string) bool {
	return strings.EqualFold(r.URL.Query().Get(name), "true")
}

// filter reads ?deleted= and ?deletedOnly=.
func filter(r *http.Request) versionFilter {
	switch {
	case flag(r, "deletedOnly"):
		return deletedOnly
	case flag(r, "deleted"):
		return withDeleted
	}
	return liveOnly
}

// GET / answers {} (a liveness probe).
func (reg *Registry) root(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, struct{}{})
}

// GET /subjects lists the subjects (?deleted, ?deletedOnly, ?subjectPrefix).
func (reg *Registry) listSubjects(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, reg.store.subjectNames(filter(r), r.URL.Query().Get("subjectPrefix")))
}

// POST /subjects/{subject}/versions registers a schema.
func (reg *Registry) register(w http.ResponseWriter, r *http.Request, subject string) {
	if err := checkSubject(subject); err != nil {
		writeError(w, err)
		return
	}
	var req schemaRequest
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	c, err := req.candidate()
	if err != nil {
		writeError(w, err)
		return
	}
	id, version, err := reg.store.register(subject, c)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, struct {
		ID      int `json:"id"`
		Version int `json:"version"`
	}{id, version})
}

// POST /subjects/{subject} finds the version of the subject holding a
// schema (?deleted includes soft-deleted versions).
func (reg *Registry) lookupSchema(w http.ResponseWriter, r *http.Request, subject string) {
	var req schemaRequest
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	c, err := req.candidate()
	if err != nil {
		writeError(w, err)
		return
	}
	f := liveOnly
	if flag(r, "deleted") {
		f = withDeleted
	}
	v, err := reg.store.lookup(subject, c, f)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, subjectSchema(v))
}

// DELETE /subjects/{subject}[?permanent=true].
func (reg *Registry) deleteSubject(w http.ResponseWriter, r *http.Request, subject string) {
	versions, err := reg.store.deleteSubject(subject, flag(r, "permanent"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, versions)
}

// GET /subjects/{subject}/versions (?deleted, ?deletedOnly).
func (reg *Registry) listVersions(w http.ResponseWriter, r *http.Request, subject string) {
	versions, err := reg.store.versions(subject, filter(r))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, versions)
}

// GET /subjects/{subject}/versions/{version}[/schema] (?deleted).
func (reg *Registry) getVersion(w http.ResponseWriter, r *http.Request, subject, version string, raw bool) {
	n, err := parseVersion(version)
	if err != nil {
		writeError(w, err)
		return
	}
	f := liveOnly
	if flag(r, "deleted") {
		f = withDeleted
	}
	v, err := reg.store.get(subject, n, f)
	if err != nil {
		writeError(w, err)
		return
	}
	if raw {
		writeRaw(w, v.schema.text)
		return
	}
	writeJSON(w, subjectSchema(v))
}

// DELETE /subjects/{subject}/versions/{version}[?permanent=true].
func (reg *Registry) deleteVersion(w http.ResponseWriter, r *http.Request, subject, version string) {
	n, err := parseVersion(version)
	if err != nil {
		writeError(w, err)
		return
	}
	deleted, err := reg.store.deleteVersion(subject, n, flag(r, "permanent"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, deleted)
}

// GET /subjects/{subject}/versions/{version}/referencedby: always empty, as
// the embedded registry refuses schema references.
func (reg *Registry) referencedBy(w http.ResponseWriter, r *http.Request, subject, version string) {
	n, err := parseVersion(version)
	if err != nil {
		writeError(w, err)
		return
	}
	if _, err := reg.store.get(subject, n, withDeleted); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, []int{})
}

// GET /schemas lists subject versions (?deleted, ?subjectPrefix,
// ?latestOnly).
func (reg *Registry) listSchemas(w http.ResponseWriter, r *http.Request) {
	views := reg.store.all(filter(r), r.URL.Query().Get("subjectPrefix"), flag(r, "latestOnly"))
	out := make([]subjectSchemaJSON, len(views))
	for i, v := range views {
		out[i] = subjectSchema(v)
	}
	writeJSON(w, out)
}

// GET /schemas/types.
func (reg *Registry) schemaTypes(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, []string{"JSON", "PROTOBUF", "AVRO"})
}

// parseID reads a schema id path segment.
func parseID(s string) (int, *apiError) {
	id, err := strconv.Atoi(s)
	if err != nil || id < 1 {
		return 0, newErr(http.StatusNotFound, CodeSchemaNotFound, "Schema %q not found: a schema id is a positive integer", s)
	}
	return id, nil
}

// GET /schemas/ids/{id}[/schema] (?fetchMaxId). A schema resolves while a
// subject version holds it, soft-deleted ones included.
func (reg *Registry) schemaByID(w http.ResponseWriter, r *http.Request, idText string, raw bool) {
	id, err := parseID(idText)
	if err != nil {
		writeError(w, err)
		return
	}
	rec, maxID := reg.store.schema(id)
	if rec == nil {
		writeError(w, errSchemaIDNotFound(strconv.Itoa(id)))
		return
	}
	if raw {
		writeRaw(w, rec.text)
		return
	}
	body := struct {
		SchemaType string `json:"schemaType"`
		Schema     string `json:"schema"`
		MaxID      int    `json:"maxId,omitempty"`
	}{SchemaType: typeName(rec.format), Schema: rec.text}
	if flag(r, "fetchMaxId") {
		body.MaxID = maxID
	}
	writeJSON(w, body)
}

// GET /schemas/ids/{id}/subjects and /schemas/ids/{id}/versions
// (?deleted).
func (reg *Registry) schemaUsages(w http.ResponseWriter, r *http.Request, idText string, versions bool) {
	id, err := parseID(idText)
	if err != nil {
		writeError(w, err)
		return
	}
	f := liveOnly
	if flag(r, "deleted") {
		f = withDeleted
	}
	uses := reg.store.usages(id, f)
	if uses == nil {
		writeError(w, errSchemaIDNotFound(strconv.Itoa(id)))
		return
	}
	if versions {
		type subjectVersion struct {
			Subject string `json:"subject"`
			Version int    `json:"version"`
		}
		out := make([]subjectVersion, len(uses))
		for i, u := range uses {
			out[i] = subjectVersion{u.subject, u.version}
		}
		writeJSON(w, out)
		return
	}
	subjects := []string{}
	for _, u := range uses {
		if !slices.Contains(subjects, u.subject) {
			subjects = append(subjects, u.subject)
		}
	}
	writeJSON(w, subjects)
}

// compatibilityLevel is the body of GET and DELETE /config.
type compatibilityLevel struct {
	CompatibilityLevel schema.Mode `json:"compatibilityLevel"`
}

// GET /config and /config/{subject} (?defaultToGlobal).
func (reg *Registry) getConfig(w http.ResponseWriter, r *http.Request, subject string) {
	if subject == "" {
		writeJSON(w, compatibilityLevel{reg.store.globalMode()})
		return
	}
	m, err := reg.store.subjectMode(subject, flag(r, "defaultToGlobal"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, compatibilityLevel{m})
}

// PUT /config and /config/{subject} with {"compatibility": LEVEL}.
func (reg *Registry) putConfig(w http.ResponseWriter, r *http.Request, subject string) {
	if subject != "" {
		if err := checkSubject(subject); err != nil {
			writeError(w, err)
			return
		}
	}
	var req struct {
		Compatibility *string `json:"compatibility"`
	}
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Compatibility == nil {
		writeError(w, newErr(http.StatusUnprocessableEntity, CodeInvalidCompatibility,
			`Missing compatibility level: send {"compatibility": "BACKWARD"} (or another level)`))
		return
	}
	m, perr := schema.ParseMode(*req.Compatibility)
	if perr != nil {
		writeError(w, errInvalidCompatibility(*req.Compatibility))
		return
	}
	reg.store.setMode(subject, m)
	writeJSON(w, struct {
		Compatibility schema.Mode `json:"compatibility"`
	}{m})
}

// DELETE /config restores the registry's starting level; DELETE
// /config/{subject} removes the subject's own level. Both answer the level
// removed.
func (reg *Registry) deleteConfig(w http.ResponseWriter, _ *http.Request, subject string) {
	old, err := reg.store.resetMode(subject)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, compatibilityLevel{old})
}

// GET /mode and /mode/{subject}: always READWRITE (the embedded registry has
// no READONLY or IMPORT mode).
func (reg *Registry) getMode(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, struct {
		Mode string `json:"mode"`
	}{"READWRITE"})
}

// POST /compatibility/subjects/{subject}/versions/{version} checks a schema
// against one version (or the latest) under the subject's level; without
// a version, against every live version. ?verbose=true adds the messages.
func (reg *Registry) checkCompatibility(w http.ResponseWriter, r *http.Request, subject, version string) {
	all, n := version == "", 0
	if !all {
		var err *apiError
		if n, err = parseVersion(version); err != nil {
			writeError(w, err)
			return
		}
	}
	verbose := flag(r, "verbose")
	var req schemaRequest
	if err := decodeBody(r, &req); err != nil {
		writeError(w, err)
		return
	}
	type response struct {
		IsCompatible bool     `json:"is_compatible"`
		Messages     []string `json:"messages,omitempty"`
	}
	c, err := req.candidate()
	if err != nil {
		if verbose && err.code == CodeInvalidSchema {
			writeJSON(w, response{IsCompatible: false, Messages: []string{err.message}})
			return
		}
		writeError(w, err)
		return
	}
	msgs, err := reg.store.check(subject, n, all, c)
	if err != nil {
		writeError(w, err)
		return
	}
	res := response{IsCompatible: len(msgs) == 0}
	if verbose {
		res.Messages = msgs
	}
	writeJSON(w, res)
}
