package registry

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/kbench/kbench/schema"
)

// stored is one distinct schema (by format and canonical form) and the
// global id it was given.
type stored struct {
	id     int
	format schema.Format
	text   string // the text as first registered
	// uses counts the subject versions, soft-deleted ones included, that
	// hold this schema: at zero the id no longer resolves.
	uses int
}

// subjectVersion is one version of a subject.
type subjectVersion struct {
	version int
	schema  *stored
	deleted bool // soft-deleted
}

// candidate is a schema sent by a client, validated and canonicalized
// before the store's lock is taken.
type candidate struct {
	format schema.Format
	text   string
	key    string // format and canonical form: equal keys, same schema
	// version, when > 0, is the version the client asks for (it must be
	// the subject's next one).
	version int
}

// latest stands for the subject's latest version in a version argument.
const latest = -1

// versionFilter says which versions a listing includes.
type versionFilter int

const (
	liveOnly    versionFilter = iota // versions not soft-deleted (the default)
	withDeleted                      // ?deleted=true
	deletedOnly                      // ?deletedOnly=true
)

func (f versionFilter) keeps(v *subjectVersion) bool {
	switch f {
	case withDeleted:
		return true
	case deletedOnly:
		return v.deleted
	}
	return !v.deleted
}

// store holds every subject, version, schema and compatibility level. All
// methods are safe for concurrent use: one lock orders every change, so the
// compatibility check of a registration and its write are atomic.
type store struct {
	mu          sync.RWMutex
	defaultMode schema.Mode // what DELETE /config restores
	global      schema.Mode
	modes       map[string]schema.Mode // subject-level compatibility levels
	subjects    map[string][]*subjectVersion
	byKey       map[string]*stored
	byID        []*stored // byID[id-1]; ids are never reused
}

func newStore(mode schema.Mode) *store {
	return &store{
		defaultMode: mode,
		global:      mode,
		modes:       map[string]schema.Mode{},
		subjects:    map[string][]*subjectVersion{},
		byKey:       map[string]*stored{},
	}
}

// visible returns the subject's versions the filter keeps, ascending.
func (s *store) visible(subject string, f versionFilter) []*subjectVersion {
	var out []*subjectVersion
	for _, v := range s.subjects[subject] {
		if f.keeps(v) {
			out = append(out, v)
		}
	}
	return out
}

// mode returns the subject's effective compatibility level.
func (s *store) mode(subject string) schema.Mode {
	if m, ok := s.modes[subject]; ok {
		return m
	}
	return s.global
}

// register adds c under subject as its next version, unless the subject
// already has it (then its version and id are returned), after checking it
// against the subject's live versions under the subject's compatibility
// level.
func (s *store) register(subject string, c candidate) (id, version int, err *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.subjects[subject]
	next := 1
	if n := len(all); n > 0 {
		next = all[n-1].version + 1
	}
	rec := s.byKey[c.key]
	if c.version == 0 && rec != nil {
		for _, v := range all {
			if v.schema == rec && !v.deleted {
				return rec.id, v.version, nil
			}
		}
	}
	if c.version > 0 && c.version != next {
		return 0, 0, errInvalidSchema("Version %d is not one more than the subject's latest version %d: leave \"version\" out to register the next version", c.version, next-1)
	}
	mode := s.mode(subject)
	msgs, cerr := incompatibilities(mode, s.visible(subject, liveOnly), c)
	if cerr != nil {
		return 0, 0, cerr
	}
	if len(msgs) > 0 {
		return 0, 0, newErr(http.StatusConflict, CodeIncompatibleSchema,
			"Schema being registered is incompatible with an earlier schema for subject %q, details: [%s]", subject, strings.Join(msgs, ", "))
	}
	if rec == nil {
		rec = &stored{id: len(s.byID) + 1, format: c.format, text: c.text}
		s.byID = append(s.byID, rec)
		s.byKey[c.key] = rec
	}
	// As the registry does: registering a schema again drops the subject's
	// soft-deleted versions that held it.
	kept := all[:0:0]
	for _, v := range all {
		if v.deleted && v.schema == rec {
			rec.uses--
			continue
		}
		kept = append(kept, v)
	}
	rec.uses++
	s.subjects[subject] = append(kept, &subjectVersion{version: next, schema: rec})
	return rec.id, next, nil
}

// incompatibilities checks c against the subject's live versions (ascending)
// under mode and returns one message per incompatibility, then the level;
// none when c may follow them.
func incompatibilities(mode schema.Mode, live []*subjectVersion, c candidate) ([]string, *apiError) {
	if mode == schema.None || len(live) == 0 {
		return nil, nil
	}
	against := live
	switch mode {
	case schema.Backward, schema.Forward, schema.Full:
		against = live[len(live)-1:]
	}
	for _, v := range against {
		if v.schema.format != c.format {
			return []string{
				fmt.Sprintf("{errorType:'SCHEMA_TYPE_CHANGED', description:'version %d is %s and the new schema is %s: a subject keeps one schema type unless its compatibility level is NONE'}",
					v.version, typeName(v.schema.format), typeName(c.format)),
				fmt.Sprintf("{compatibility: '%s'}", mode),
			}, nil
		}
	}
	prev := make([]string, len(against))
	for i, v := range against {
		prev[i] = v.schema.text
	}
	res, err := schema.Check(c.format, mode, prev, c.text)
	if err != nil {
		// Every stored schema and c were validated before.
		return nil, errInternal("checking compatibility: %v", err)
	}
	if res.Compatible() {
		return nil, nil
	}
	// Check numbers the versions 1..len(against)+1; name them as the
	// subject does.
	name := func(n int) string {
		if n > len(against) {
			return "new schema"
		}
		return fmt.Sprintf("version %d", against[n-1].version)
	}
	msgs := make([]string, 0, len(res.Incompatibilities)+1)
	for _, inc := range res.Incompatibilities {
		msgs = append(msgs, fmt.Sprintf("{errorType:'%s', location:'%s', reader:'%s', writer:'%s', description:'%s'}",
			inc.Kind, inc.Location, name(inc.Reader), name(inc.Writer), inc.Message))
	}
	return append(msgs, fmt.Sprintf("{compatibility: '%s'}", mode)), nil
}

// check reports what registering c under subject would find against one
// version (or, with all, every live version) under the subject's level. A
// missing subject is compatible with anything, as is "latest" of a subject
// with no live version.
func (s *store) check(subject string, version int, all bool, c candidate) ([]string, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	live := s.visible(subject, liveOnly)
	if !all {
		v, err := pick(live, version)
		switch {
		case err != nil && version != latest:
			return nil, errVersionNotFound(version)
		case err != nil:
			live = nil
		default:
			live = []*subjectVersion{v}
		}
	}
	return incompatibilities(s.mode(subject), live, c)
}

// pick returns the version (or the latest) from versions.
func pick(versions []*subjectVersion, version int) (*subjectVersion, *apiError) {
	if version == latest {
		if len(versions) == 0 {
			return nil, newErr(http.StatusNotFound, CodeVersionNotFound,
				"Version latest not found: every version of the subject is soft-deleted")
		}
		return versions[len(versions)-1], nil
	}
	for _, v := range versions {
		if v.version == version {
			return v, nil
		}
	}
	return nil, errVersionNotFound(version)
}

// subjectVersionView is a snapshot of one version for a response.
type subjectVersionView struct {
	subject string
	version int
	schema  *stored
	deleted bool
}

func view(subject string, v *subjectVersion) subjectVersionView {
	return subjectVersionView{subject: subject, version: v.version, schema: v.schema, deleted: v.deleted}
}

// get returns a version of the subject; "latest" is the latest live one.
// With withDeleted a soft-deleted version is returned too.
func (s *store) get(subject string, version int, f versionFilter) (subjectVersionView, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.visible(subject, f)) == 0 {
		return subjectVersionView{}, errSubjectNotFound(subject)
	}
	if version == latest {
		f = liveOnly
	}
	v, err := pick(s.visible(subject, f), version)
	if err != nil {
		return subjectVersionView{}, err
	}
	return view(subject, v), nil
}

// lookup finds the version of subject that holds c.
func (s *store) lookup(subject string, c candidate, f versionFilter) (subjectVersionView, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	versions := s.visible(subject, f)
	if len(versions) == 0 {
		return subjectVersionView{}, errSubjectNotFound(subject)
	}
	if rec := s.byKey[c.key]; rec != nil {
		for i := len(versions) - 1; i >= 0; i-- {
			if versions[i].schema == rec {
				return view(subject, versions[i]), nil
			}
		}
	}
	return subjectVersionView{}, errSchemaNotFound()
}

// versions lists the subject's version numbers the filter keeps.
func (s *store) versions(subject string, f versionFilter) ([]int, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []int
	for _, v := range s.visible(subject, f) {
		out = append(out, v.version)
	}
	if len(out) == 0 {
		// A subject whose versions are all soft-deleted is listed with
		// ?deleted=true only.
		return nil, errSubjectNotFound(subject)
	}
	return out, nil
}

// subjectNames lists, sorted, the subjects having a version the filter
// keeps whose name starts with prefix.
func (s *store) subjectNames(f versionFilter, prefix string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []string{}
	for name := range s.subjects {
		if strings.HasPrefix(name, prefix) && len(s.visible(name, f)) > 0 {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// all lists every version the filter keeps (or each subject's latest
// live one) of the subjects starting with prefix, by subject then version.
func (s *store) all(f versionFilter, prefix string, latestOnly bool) []subjectVersionView {
	names := s.subjectNames(f, prefix)
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []subjectVersionView{}
	for _, name := range names {
		vs := s.visible(name, f)
		if latestOnly {
			if live := s.visible(name, liveOnly); len(live) > 0 {
				vs = live[len(live)-1:]
			} else {
				vs = nil
			}
		}
		for _, v := range vs {
			out = append(out, view(name, v))
		}
	}
	return out
}

// byIDLocked returns the schema with the id while some version holds it.
func (s *store) byIDLocked(id int) *stored {
	if id < 1 || id > len(s.byID) || s.byID[id-1].uses == 0 {
		return nil
	}
	return s.byID[id-1]
}

// schema returns the schema with the id and, if fetchMaxID, the largest id
// given so far.
func (s *store) schema(id int) (*stored, int) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byIDLocked(id), len(s.byID)
}

// usages lists the subject versions holding the schema with the id, by
// subject then version; nil when the id does not resolve.
func (s *store) usages(id int, f versionFilter) []subjectVersionView {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec := s.byIDLocked(id)
	if rec == nil {
		return nil
	}
	out := []subjectVersionView{}
	for name, versions := range s.subjects {
		for _, v := range versions {
			if v.schema == rec && f.keeps(v) {
				out = append(out, view(name, v))
			}
		}
	}
	slices.SortFunc(out, func(a, b subjectVersionView) int {
		if c := strings.Compare(a.subject, b.subject); c != 0 {
			return c
		}
		return a.version - b.version
	})
	return out
}

// deleteVersion soft-deletes a version or, with permanent, removes a
// soft-deleted one, and returns its number. "latest" is the latest live
// version.
func (s *store) deleteVersion(subject string, version int, permanent bool) (int, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.subjects[subject]
	if len(all) == 0 {
		return 0, errSubjectNotFound(subject)
	}
	f := withDeleted
	if version == latest {
		f = liveOnly
	}
	v, err := pick(s.visible(subject, f), version)
	if err != nil {
		return 0, err
	}
	switch {
	case !permanent && v.deleted:
		return 0, newErr(http.StatusNotFound, CodeVersionSoftDeleted,
			"Subject '%s' Version %d was soft deleted. Set permanent=true to delete permanently", subject, v.version)
	case !permanent:
		v.deleted = true
		return v.version, nil
	case !v.deleted:
		return 0, newErr(http.StatusNotFound, CodeVersionNotSoftDeleted,
			"Subject '%s' Version %d was not deleted first before being permanently deleted: delete it without permanent=true first", subject, v.version)
	}
	s.remove(subject, func(x *subjectVersion) bool { return x == v })
	return v.version, nil
}

// remove drops the subject's versions that match; a subject left with no
// version loses its compatibility level too, as in the registry.
func (s *store) remove(subject string, match func(*subjectVersion) bool) {
	var kept []*subjectVersion
	for _, v := range s.subjects[subject] {
		if match(v) {
			v.schema.uses--
			continue
		}
		kept = append(kept, v)
	}
	if len(kept) == 0 {
		delete(s.subjects, subject)
		delete(s.modes, subject)
		return
	}
	s.subjects[subject] = kept
}

// deleteSubject soft-deletes every live version of the subject or, with
// permanent, removes a subject whose versions are all soft-deleted. It
// returns the versions deleted, ascending.
func (s *store) deleteSubject(subject string, permanent bool) ([]int, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.subjects[subject]
	if len(all) == 0 {
		return nil, errSubjectNotFound(subject)
	}
	live := s.visible(subject, liveOnly)
	var out []int
	switch {
	case !permanent && len(live) == 0:
		return nil, newErr(http.StatusNotFound, CodeSubjectSoftDeleted,
			"Subject '%s' was soft deleted. Set permanent=true to delete permanently", subject)
	case !permanent:
		for _, v := range live {
			v.deleted = true
			out = append(out, v.version)
		}
		return out, nil
	case len(live) > 0:
		return nil, newErr(http.StatusNotFound, CodeSubjectNotSoftDeleted,
			"Subject '%s' was not deleted first before being permanently deleted: delete it without permanent=true first", subject)
	}
	for _, v := range all {
		out = append(out, v.version)
	}
	s.remove(subject, func(*subjectVersion) bool { return true })
	return out, nil
}

// globalMode returns the registry-wide compatibility level.
func (s *store) globalMode() schema.Mode {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.global
}

// subjectMode returns the subject's own level, or with defaultToGlobal the
// effective one.
func (s *store) subjectMode(subject string, defaultToGlobal bool) (schema.Mode, *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if m, ok := s.modes[subject]; ok {
		return m, nil
	}
	if defaultToGlobal {
		return s.global, nil
	}
	return "", newErr(http.StatusNotFound, CodeSubjectCompatNotConfigured,
		"Subject '%s' does not have subject-level compatibility configured: add ?defaultToGlobal=true for the level in force", subject)
}

// setMode sets the subject's level, or the global one when subject is "".
func (s *store) setMode(subject string, m schema.Mode) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if subject == "" {
		s.global = m
		return
	}
	s.modes[subject] = m
}

// resetMode removes the subject's own level (or restores the registry's
// default for "") and returns the level it had.
func (s *store) resetMode(subject string) (schema.Mode, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if subject == "" {
		old := s.global
		s.global = s.defaultMode
		return old, nil
	}
	old, ok := s.modes[subject]
	if !ok {
		return "", newErr(http.StatusNotFound, CodeSubjectNotFound,
			"Subject '%s' not found: it has no compatibility level of its own to delete", subject)
	}
	delete(s.modes, subject)
	return old, nil
}
