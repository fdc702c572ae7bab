package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// jsonSchemaURL is the base URI given to every JSON Schema document. No
// network or file is ever read: references outside the document fail.
const jsonSchemaURL = "https://kbench.invalid/schema.json"

// jsonSchema is a parsed JSON Schema document.
type jsonSchema struct {
	doc   *jsonDoc
	draft int // 4, 6, 7, 2019 or 2020
	// ids maps the $id of subschemas (as written) and "#" + their $anchor to
	// their JSON pointer.
	ids map[string]string
}

// refuseLoader is the compiler's URL loader: kbench does not fetch schemas.
type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external reference %s: only references inside the schema are supported", url)
}

// parseJSONSchema decodes text and validates it against its draft's
// metaschema with santhosh-tekuri/jsonschema.
func parseJSONSchema(text string) (*jsonSchema, error) {
	doc, err := decodeJSON(JSON, text)
	if err != nil {
		return nil, err
	}
	switch doc.root.(type) {
	case bool, map[string]any:
	default:
		line, col := doc.at("")
		return nil, &ParseError{Format: JSON, Line: line, Column: col, Msg: "a JSON Schema is an object or a boolean"}
	}
	s := &jsonSchema{doc: doc, draft: 7, ids: map[string]string{}}
	if m, ok := doc.root.(map[string]any); ok {
		if uri, ok := m["$schema"].(string); ok {
			switch {
			case strings.Contains(uri, "draft-04"):
				s.draft = 4
			case strings.Contains(uri, "draft-06"):
				s.draft = 6
			case strings.Contains(uri, "2019-09"):
				s.draft = 2019
			case strings.Contains(uri, "2020-12"):
				s.draft = 2020
			}
		}
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(refuseLoader{})
	if err := c.AddResource(jsonSchemaURL, doc.root); err != nil {
		return nil, &ParseError{Format: JSON, Msg: err.Error()}
	}
	if _, err := c.Compile(jsonSchemaURL); err != nil {
		return nil, s.compileError(err)
	}
	s.collectIDs(doc.root, "")
	return s, nil
}

// compileError turns a compiler error into a *ParseError, positioned at the
// schema keyword the metaschema rejected when there is one.
func (s *jsonSchema) compileError(err error) *ParseError {
	pe := &ParseError{Format: JSON, Msg: strings.ReplaceAll(err.Error(), jsonSchemaURL, "schema")}
	var sve *jsonschema.SchemaValidationError
	if errors.As(err, &sve) {
		ve, ok := sve.Err.(*jsonschema.ValidationError)
		if ok {
			for len(ve.Causes) > 0 {
				ve = ve.Causes[0]
			}
			ptr := ""
			for _, tok := range ve.InstanceLocation {
				ptr += "/" + escapePointer(tok)
			}
			pe.Line, pe.Column = s.doc.at(ptr)
			pe.Msg = fmt.Sprintf("at %q: %s", "#"+ptr, strings.ReplaceAll(ve.Error(), jsonSchemaURL, "schema"))
		}
	}
	return pe
}

// collectIDs records subschemas' $id and $anchor values, to resolve
// references to them.
func (s *jsonSchema) collectIDs(v any, ptr string) {
	switch t := v.(type) {
	case map[string]any:
		if a, ok := t["$anchor"].(string); ok {
			s.ids["#"+a] = ptr
		}
		if ptr != "" {
			if id, ok := t["$id"].(string); ok {
				s.ids[id] = ptr
			} else if id, ok := t["id"].(string); ok && s.draft == 4 {
				s.ids[id] = ptr
			}
		}
		for k, c := range t {
			if k == "enum" || k == "const" || k == "examples" || k == "default" {
				continue
			}
			s.collectIDs(c, ptr+"/"+escapePointer(k))
		}
	case []any:
		for i, c := range t {
			s.collectIDs(c, fmt.Sprintf("%s/%d", ptr, i))
		}
	}
}

// lookup returns the value at a JSON pointer of the document.
func (s *jsonSchema) lookup(ptr string) (any, bool) {
	v := s.doc.root
	if ptr == "" {
		return v, true
	}
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = unescapePointer(tok)
		switch t := v.(type) {
		case map[string]any:
			c, ok := t[tok]
			if !ok {
				return nil, false
			}
			v = c
		case []any:
			var i int
			if _, err := fmt.Sscanf(tok, "%d", &i); err != nil || i < 0 || i >= len(t) {
				return nil, false
			}
			v = t[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// jnode is a subschema being compared.
type jnode struct {
	s   *jsonSchema
	v   any    // bool or map[string]any
	ptr string // JSON pointer of v in its document
	// without lists keywords of v to ignore: combinators already expanded.
	without []string
	// parts, when set, makes the node the conjunction of its parts (v unused).
	parts []jnode
}

func (n jnode) key() string {
	if n.parts != nil {
		keys := make([]string, len(n.parts))
		for i, p := range n.parts {
			keys[i] = p.key()
		}
		return "&(" + strings.Join(keys, ",") + ")"
	}
	return n.ptr + "|" + strings.Join(n.without, ",")
}

// obj returns the node's keywords (nil for a boolean schema), leaving out
// the ignored ones.
func (n jnode) obj() map[string]any {
	m, ok := n.v.(map[string]any)
	if !ok {
		return nil
	}
	if len(n.without) == 0 {
		return m
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if !slices.Contains(n.without, k) {
			out[k] = v
		}
	}
	return out
}

func (n jnode) child(v any, rel string) jnode {
	return jnode{s: n.s, v: v, ptr: n.ptr + rel}
}

// annotations are keywords that do not constrain documents.
var annotations = map[string]bool{
	"$schema": true, "$id": true, "id": true, "$comment": true, "title": true, "description": true,
	"default": true, "examples": true, "definitions": true, "$defs": true, "$anchor": true,
	"$dynamicAnchor": true, "$vocabulary": true, "deprecated": true, "readOnly": true, "writeOnly": true,
	"format": true, "contentEncoding": true, "contentMediaType": true, "contentSchema": true,
}

// constraining returns the node's keywords that constrain documents.
func constraining(m map[string]any) []string {
	var out []string
	for k := range m {
		if !annotations[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// acceptsAll reports whether the node accepts every document.
func (n jnode) acceptsAll() bool {
	if n.parts != nil {
		for _, p := range n.parts {
			if !p.acceptsAll() {
				return false
			}
		}
		return true
	}
	if b, ok := n.v.(bool); ok {
		return b
	}
	m := n.obj()
	if ref, ok := m["$ref"].(string); ok {
		target, ok := n.s.resolveRef(ref)
		return !ok || (len(constraining(m)) == 1 && target.acceptsAll())
	}
	return len(constraining(m)) == 0
}

// rejectsAll reports whether the node is the false schema.
func (n jnode) rejectsAll() bool {
	b, ok := n.v.(bool)
	return ok && !b && n.parts == nil
}

// resolveRef returns the subschema a $ref names: a JSON pointer fragment,
// an $anchor, or the $id of a subschema. Unresolvable references (which the compiler has
// already rejected) give false.
func (s *jsonSchema) resolveRef(ref string) (jnode, bool) {
	ref = strings.TrimPrefix(ref, jsonSchemaURL)
	ptr, known := s.ids[ref]
	switch {
	case known:
	case ref == "#" || ref == "":
		ptr = ""
	case strings.HasPrefix(ref, "#/"):
		ptr = ref[1:]
	default:
		id, frag, _ := strings.Cut(ref, "#")
		p, ok := s.ids[id]
		if !ok {
			return jnode{}, false
		}
		ptr = p
		if strings.HasPrefix(frag, "/") {
			ptr += frag
		}
	}
	v, ok := s.lookup(ptr)
	if !ok {
		return jnode{}, false
	}
	return jnode{s: s, v: v, ptr: ptr}, true
}

// deref replaces a $ref by its target. From draft 2019-09 on, keywords
// beside $ref apply too: the node becomes the conjunction of both.
func jderef(n jnode) jnode {
	for range 64 {
		if n.parts != nil {
			return n
		}
		m := n.obj()
		ref, ok := m["$ref"].(string)
		if !ok {
			return n
		}
		target, ok := n.s.resolveRef(ref)
		if !ok {
			return jnode{s: n.s, v: true, ptr: n.ptr}
		}
		if n.s.draft >= 2019 && len(constraining(m)) > 1 {
			rest := n
			rest.without = append(append([]string(nil), n.without...), "$ref")
			return jnode{s: n.s, parts: []jnode{target, rest}}
		}
		n = target
	}
	return jnode{s: n.s, v: true, ptr: n.ptr}
}

// jsonCmp compares a reader schema with a writer schema.
type jsonCmp struct {
	busy map[string]bool
	done map[string][]issue
}

// compareJSONSchema reports what makes the reader reject documents the
// writer accepts.
func compareJSONSchema(reader, writer *jsonSchema) []issue {
	c := &jsonCmp{busy: map[string]bool{}, done: map[string][]issue{}}
	found := c.cmp(jnode{s: reader, v: reader.doc.root}, jnode{s: writer, v: writer.doc.root})
	for i := range found {
		found[i].loc = "#" + found[i].loc
	}
	return found
}

func jissue(k Kind, loc, format string, args ...any) issue {
	return issue{kind: k, loc: loc, msg: fmt.Sprintf(format, args...)}
}

// cmp returns the issues of reading documents valid for w with r, located
// relative to the nodes.
func (c *jsonCmp) cmp(r, w jnode) []issue {
	r, w = jderef(r), jderef(w)
	key := r.key() + " <- " + w.key()
	if found, ok := c.done[key]; ok {
		return found
	}
	if c.busy[key] || len(c.busy) > 2000 {
		// A recursive schema met again: assumed compatible, as for Avro.
		return nil
	}
	c.busy[key] = true
	found := c.cmpNodes(r, w)
	delete(c.busy, key)
	c.done[key] = found
	return found
}

func (c *jsonCmp) cmpNodes(r, w jnode) []issue {
	switch {
	case r.parts != nil:
		// The reader accepts what all its parts accept: each must accept
		// the writer's documents. Splitting the reader first is exact.
		var found []issue
		for _, p := range r.parts {
			found = append(found, c.cmp(p, w)...)
		}
		return found
	case w.parts != nil:
		// The writer accepts what all its parts accept: the reader accepting
		// what one part accepts suffices (sufficient, not necessary).
		var first []issue
		for i, p := range w.parts {
			found := c.cmp(r, p)
			if len(found) == 0 {
				return nil
			}
			if i == 0 {
				first = found
			}
		}
		return first
	case w.rejectsAll() || r.acceptsAll():
		return nil
	case r.rejectsAll():
		return []issue{jissue(JSONTypeNarrowed, "", "the reader's schema is false: it accepts nothing")}
	}
	if found, handled := c.combinators(r, w); handled {
		return found
	}
	return c.keywords(r, w)
}

var combinatorKeys = []string{"allOf", "anyOf", "oneOf"}

// subschemas returns the subschemas of a combinator keyword.
func subschemas(n jnode, kw string) []jnode {
	list, _ := n.obj()[kw].([]any)
	out := make([]jnode, len(list))
	for i, v := range list {
		out[i] = n.child(v, fmt.Sprintf("/%s/%d", kw, i))
	}
	return out
}

// own returns the node without its combinator keywords.
func own(n jnode) jnode {
	n.without = append(append([]string(nil), n.without...), combinatorKeys...)
	return n
}

func combinatorsOf(n jnode) []string {
	m := n.obj()
	var out []string
	for _, k := range combinatorKeys {
		if _, ok := m[k].([]any); ok {
			out = append(out, k)
		}
	}
	return out
}

// combinators handles allOf, anyOf and oneOf on either side. It reports
// whether it did; when neither side has one the keywords are compared.
func (c *jsonCmp) combinators(r, w jnode) ([]issue, bool) {
	rc, wc := combinatorsOf(r), combinatorsOf(w)
	if len(rc) == 0 && len(wc) == 0 {
		return nil, false
	}
	// anyOf narrowed to oneOf at the same place: documents matching several
	// alternatives become invalid. Other changes of combinator are compared
	// by what the subschemas accept.
	if len(rc) == 1 && len(wc) == 1 && wc[0] == "anyOf" && rc[0] == "oneOf" && r.ptr == w.ptr {
		return []issue{jissue(JSONCombinedTypeChanged, "", "the writer's anyOf became oneOf in the reader: documents matching several alternatives are rejected")}, true
	}
	var found []issue
	// The reader's own keywords and each of its allOf subschemas must
	// accept the writer's documents.
	if slices.Contains(rc, "allOf") {
		rParts := subschemas(r, "allOf")
		wParts := subschemas(w, "allOf")
		for j, rp := range rParts {
			sub := c.cmp(rp, w)
			if len(sub) == 0 {
				continue
			}
			loc := fmt.Sprintf("/allOf/%d", j)
			switch {
			case len(wParts) > 0 && len(rParts) > len(wParts):
				found = append(found, jissue(JSONProductTypeExtended, loc, "the reader's allOf has %d subschemas, the writer's %d, and subschema %d is not implied by the writer's", len(rParts), len(wParts), j))
			case len(wParts) > 0:
				found = append(found, jissue(JSONCombinedTypeSubschemasChanged, loc, "the reader's allOf subschema %d is implied by none of the writer's", j))
			default:
				found = append(found, prefix(loc, sub)...)
			}
		}
		rest := r
		rest.without = append(append([]string(nil), r.without...), "allOf")
		return append(found, c.cmp(rest, w)...), true
	}
	// The writer's documents satisfy its own keywords and every allOf
	// subschema.
	if slices.Contains(wc, "allOf") {
		rest := w
		rest.without = append(append([]string(nil), w.without...), "allOf")
		parts := append([]jnode{rest}, subschemas(w, "allOf")...)
		return c.cmp(r, jnode{s: w.s, parts: parts}), true
	}
	wSum, rSum := sumKey(wc), sumKey(rc)
	if wSum != "" {
		// Each alternative of the writer's, with the writer's own keywords,
		// must be accepted.
		wOwn := own(w)
		alts := subschemas(w, wSum)
		rAlts := subschemas(r, rSum)
		for i, alt := range alts {
			var branch jnode
			if len(constraining(wOwn.obj())) == 0 {
				branch = alt
			} else {
				branch = jnode{s: w.s, parts: []jnode{alt, wOwn}}
			}
			sub := c.cmp(r, branch)
			if len(sub) == 0 {
				continue
			}
			loc := fmt.Sprintf("/%s/%d", wSum, i)
			switch {
			case rSum != "" && len(rAlts) < len(alts):
				found = append(found, jissue(JSONSumTypeNarrowed, "/"+rSum, "the reader's %s has %d alternatives, the writer's %s %d, and none of the reader's accepts the writer's alternative %d", rSum, len(rAlts), wSum, len(alts), i))
			case rSum != "":
				found = append(found, jissue(JSONCombinedTypeSubschemasChanged, loc, "none of the reader's %s alternatives accepts the writer's %s alternative %d", rSum, wSum, i))
			case len(alts) > 1:
				found = append(found, jissue(JSONSumTypeNarrowed, loc, "the reader accepts only some of the writer's %s alternatives: not alternative %d (%s)", wSum, i, summarize(sub)))
			default:
				found = append(found, prefix(loc, sub)...)
			}
		}
		return found, true
	}
	// Only the reader has a oneOf/anyOf: its own keywords and one of its
	// alternatives must accept the writer's documents.
	found = append(found, c.cmp(own(r), w)...)
	alts := subschemas(r, rSum)
	var best []issue
	for j, alt := range alts {
		sub := c.cmp(alt, w)
		if len(sub) == 0 {
			return found, true
		}
		if j == 0 || len(sub) < len(best) {
			best = sub
		}
	}
	if rSum == "oneOf" || len(alts) != 1 {
		return append(found, jissue(JSONCombinedTypeSubschemasChanged, "/"+rSum, "none of the reader's %s alternatives accepts the writer's schema (%s)", rSum, summarize(best))), true
	}
	return append(found, prefix("/"+rSum+"/0", best)...), true
}

// sumKey returns the disjunction keyword among kws, oneOf first.
func sumKey(kws []string) string {
	for _, k := range []string{"oneOf", "anyOf"} {
		if slices.Contains(kws, k) {
			return k
		}
	}
	return ""
}

// summarize lists the kinds of nested issues for a message.
func summarize(found []issue) string {
	var kinds []string
	for _, is := range found {
		if !slices.Contains(kinds, string(is.kind)) {
			kinds = append(kinds, string(is.kind))
		}
	}
	return strings.Join(kinds, ", ")
}

// jtype is a set of JSON types; integer is implied by number.
type jtype uint8

const (
	tNull jtype = 1 << iota
	tBoolean
	tObject
	tArray
	tNumber
	tString
	tInteger
	tAll = tNull | tBoolean | tObject | tArray | tNumber | tString | tInteger
)

var typeNames = []struct {
	t    jtype
	name string
}{{tNull, "null"}, {tBoolean, "boolean"}, {tObject, "object"}, {tArray, "array"}, {tNumber, "number"}, {tString, "string"}, {tInteger, "integer"}}

func typesOf(m map[string]any) (jtype, bool) {
	var names []string
	switch t := m["type"].(type) {
	case string:
		names = []string{t}
	case []any:
		for _, v := range t {
			if s, ok := v.(string); ok {
				names = append(names, s)
			}
		}
	default:
		return tAll, false
	}
	var set jtype
	for _, n := range names {
		for _, tn := range typeNames {
			if tn.name == n {
				set |= tn.t
			}
		}
	}
	if set&tNumber != 0 {
		set |= tInteger
	}
	return set, true
}

func (t jtype) String() string {
	if t == tAll {
		return "any type"
	}
	var names []string
	for _, tn := range typeNames {
		if t&tn.t != 0 && !(tn.t == tInteger && t&tNumber != 0) {
			names = append(names, tn.name)
		}
	}
	return strings.Join(names, ", ")
}

// keywords compares the validation keywords of two schemas without
// combinators.
func (c *jsonCmp) keywords(r, w jnode) []issue {
	rm, wm := r.obj(), w.obj()
	if rm == nil {
		rm = map[string]any{}
	}
	if wm == nil {
		wm = map[string]any{}
	}
	var found []issue
	rt, _ := typesOf(rm)
	wt, _ := typesOf(wm)
	// A writer enum or const writes only its values' types.
	if list, ok := enumList(wm); ok {
		wt &= valueTypes(list)
	}
	if wt&^rt != 0 {
		if rt&^wt == 0 {
			found = append(found, jissue(JSONTypeNarrowed, "/type", "the writer allows %s, the reader only %s", wt, rt))
		} else {
			found = append(found, jissue(JSONTypeChanged, "/type", "the writer allows %s, the reader %s", wt, rt))
		}
	}
	both := rt & wt
	found = append(found, c.enums(rm, wm, wt)...)
	if both&tString != 0 {
		found = append(found, upper(rm, wm, "maxLength", JSONMaxLengthAdded, JSONMaxLengthDecreased)...)
		found = append(found, lower(rm, wm, "minLength", JSONMinLengthAdded, JSONMinLengthIncreased)...)
		if rp, ok := rm["pattern"].(string); ok {
			wp, had := wm["pattern"].(string)
			switch {
			case !had:
				found = append(found, jissue(JSONPatternAdded, "/pattern", "the reader adds the pattern %q", rp))
			case wp != rp:
				found = append(found, jissue(JSONPatternChanged, "/pattern", "the pattern changed from %q to %q", wp, rp))
			}
		}
	}
	if both&(tNumber|tInteger) != 0 {
		found = append(found, bounds(rm, wm)...)
		found = append(found, multipleOf(rm, wm)...)
	}
	if both&tObject != 0 {
		found = append(found, c.object(r, w, rm, wm)...)
	}
	if both&tArray != 0 {
		found = append(found, c.array(r, w, rm, wm)...)
	}
	if rn, ok := rm["not"]; ok {
		rNot := r.child(rn, "/not")
		if wn, ok := wm["not"]; ok {
			// The writer excludes wNot: the reader must exclude no more.
			if len(c.cmp(w.child(wn, "/not"), rNot)) > 0 {
				found = append(found, jissue(JSONNotTypeExtended, "/not", "the reader's \"not\" excludes documents the writer's does not"))
			}
		} else if !rNot.rejectsAll() {
			found = append(found, jissue(JSONNotTypeExtended, "/not", "the reader adds a \"not\" subschema"))
		}
	}
	return found
}

// number parses a JSON number exactly.
func number(v any) (*big.Rat, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(string(n))
	return r, ok
}

// upper compares a keyword that bounds from above (maxLength, maxItems,
// maxProperties).
func upper(rm, wm map[string]any, kw string, added, decreased Kind) []issue {
	rv, ok := number(rm[kw])
	if !ok {
		return nil
	}
	wv, had := number(wm[kw])
	switch {
	case !had:
		return []issue{jissue(added, "/"+kw, "the reader adds %s %s", kw, rv.RatString())}
	case rv.Cmp(wv) < 0:
		return []issue{jissue(decreased, "/"+kw, "%s decreased from %s to %s", kw, wv.RatString(), rv.RatString())}
	}
	return nil
}

// lower compares a keyword that bounds from below (minLength, minItems,
// minProperties).
func lower(rm, wm map[string]any, kw string, added, increased Kind) []issue {
	rv, ok := number(rm[kw])
	if !ok || rv.Sign() <= 0 {
		return nil
	}
	wv, had := number(wm[kw])
	switch {
	case !had:
		return []issue{jissue(added, "/"+kw, "the reader adds %s %s", kw, rv.RatString())}
	case rv.Cmp(wv) > 0:
		return []issue{jissue(increased, "/"+kw, "%s increased from %s to %s", kw, wv.RatString(), rv.RatString())}
	}
	return nil
}

// bound is a numeric bound: a value and whether it is exclusive.
type bound struct {
	v         *big.Rat
	exclusive bool
	kw        string
}

// effectiveBound returns the tightest bound of a schema on one side: max
// (upper) or min (lower), with draft-04's boolean exclusive flags.
func effectiveBound(m map[string]any, upperSide bool) *bound {
	incl, excl := "minimum", "exclusiveMinimum"
	if upperSide {
		incl, excl = "maximum", "exclusiveMaximum"
	}
	var best *bound
	consider := func(b *bound) {
		if best == nil {
			best = b
			return
		}
		c := b.v.Cmp(best.v)
		if upperSide {
			c = -c
		}
		if c > 0 || (c == 0 && b.exclusive) {
			best = b
		}
	}
	if v, ok := number(m[incl]); ok {
		flag, _ := m[excl].(bool)
		consider(&bound{v: v, exclusive: flag, kw: incl})
	}
	if v, ok := number(m[excl]); ok {
		consider(&bound{v: v, exclusive: true, kw: excl})
	}
	return best
}

// bounds compares minimum, maximum and their exclusive forms by the range
// they leave.
func bounds(rm, wm map[string]any) []issue {
	var found []issue
	for _, upperSide := range []bool{true, false} {
		rb := effectiveBound(rm, upperSide)
		if rb == nil {
			continue
		}
		wb := effectiveBound(wm, upperSide)
		var addedK, tightK Kind
		switch {
		case upperSide && rb.exclusive:
			addedK, tightK = JSONExclusiveMaximumAdded, JSONExclusiveMaximumDecreased
		case upperSide:
			addedK, tightK = JSONMaximumAdded, JSONMaximumDecreased
		case rb.exclusive:
			addedK, tightK = JSONExclusiveMinimumAdded, JSONExclusiveMinimumIncreased
		default:
			addedK, tightK = JSONMinimumAdded, JSONMinimumIncreased
		}
		loc := "/" + rb.kw
		if wb == nil {
			found = append(found, jissue(addedK, loc, "the reader adds %s %s", rb.kw, rb.v.RatString()))
			continue
		}
		c := rb.v.Cmp(wb.v)
		if !upperSide {
			c = -c
		}
		switch {
		case c < 0:
			found = append(found, jissue(tightK, loc, "the writer allows %s %s, the reader %s %s", wb.kw, wb.v.RatString(), rb.kw, rb.v.RatString()))
		case c == 0 && rb.exclusive && !wb.exclusive:
			found = append(found, jissue(addedK, loc, "the reader excludes the writer's bound %s", wb.v.RatString()))
		}
	}
	return found
}

func multipleOf(rm, wm map[string]any) []issue {
	rv, ok := number(rm["multipleOf"])
	if !ok || rv.Sign() == 0 {
		return nil
	}
	wv, had := number(wm["multipleOf"])
	if !had || wv.Sign() == 0 {
		return []issue{jissue(JSONMultipleOfAdded, "/multipleOf", "the reader adds multipleOf %s", rv.RatString())}
	}
	if new(big.Rat).Quo(wv, rv).IsInt() {
		return nil
	}
	if new(big.Rat).Quo(rv, wv).IsInt() {
		return []issue{jissue(JSONMultipleOfExpanded, "/multipleOf", "multipleOf expanded from %s to %s", wv.RatString(), rv.RatString())}
	}
	return []issue{jissue(JSONMultipleOfChanged, "/multipleOf", "multipleOf changed from %s to %s", wv.RatString(), rv.RatString())}
}

// canonical encodes a JSON value so that equal values have equal encodings
// (numbers by exact value, object keys sorted).
func canonical(v any) string {
	switch t := v.(type) {
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(t)); ok {
			return "n:" + r.RatString()
		}
		return "n:" + string(t)
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("{")
		for _, k := range keys {
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteString(":")
			b.WriteString(canonical(t[k]))
			b.WriteString(",")
		}
		b.WriteString("}")
		return b.String()
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = canonical(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// enumList returns the values of an enum, or of a const as a list.
func enumList(m map[string]any) ([]any, bool) {
	if cv, ok := m["const"]; ok {
		return []any{cv}, true
	}
	e, ok := m["enum"].([]any)
	return e, ok
}

// valueTypes returns the JSON types of the values.
func valueTypes(list []any) jtype {
	var t jtype
	for _, v := range list {
		switch x := v.(type) {
		case nil:
			t |= tNull
		case bool:
			t |= tBoolean
		case string:
			t |= tString
		case map[string]any:
			t |= tObject
		case []any:
			t |= tArray
		case json.Number:
			if r, ok := new(big.Rat).SetString(string(x)); ok && r.IsInt() {
				t |= tInteger
			} else {
				t |= tNumber
			}
		}
	}
	return t
}

// enumValues returns the values an enum or const allows, canonically
// encoded; ok is false when the schema has neither.
func enumValues(m map[string]any) (map[string]bool, bool) {
	var list []any
	if e, ok := m["enum"].([]any); ok {
		list = e
	}
	if cv, ok := m["const"]; ok {
		if list != nil {
			// Both: only values in both are allowed.
			out := map[string]bool{}
			if slices.ContainsFunc(list, func(v any) bool { return canonical(v) == canonical(cv) }) {
				out[canonical(cv)] = true
			}
			return out, true
		}
		list = []any{cv}
	}
	if list == nil {
		return nil, false
	}
	out := map[string]bool{}
	for _, v := range list {
		out[canonical(v)] = true
	}
	return out, true
}

func (c *jsonCmp) enums(rm, wm map[string]any, wt jtype) []issue {
	rv, ok := enumValues(rm)
	if !ok {
		return nil
	}
	loc := "/enum"
	if _, isEnum := rm["enum"]; !isEnum {
		loc = "/const"
	}
	wv, had := enumValues(wm)
	if !had {
		// Writers of booleans and nulls write few values: the reader's enum
		// may list them all.
		if wt&^(tBoolean|tNull) == 0 {
			all := true
			if wt&tBoolean != 0 && (!rv["true"] || !rv["false"]) {
				all = false
			}
			if wt&tNull != 0 && !rv["null"] {
				all = false
			}
			if all {
				return nil
			}
		}
		return []issue{jissue(JSONEnumArrayNarrowed, loc, "the reader restricts values to %d listed ones", len(rv))}
	}
	var missing []string
	for v := range wv {
		if !rv[v] {
			missing = append(missing, strings.TrimPrefix(v, "n:"))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	sort.Strings(missing)
	extra := false
	for v := range rv {
		if !wv[v] {
			extra = true
		}
	}
	if extra {
		return []issue{jissue(JSONEnumArrayChanged, loc, "the reader's values differ from the writer's; it lacks %s", strings.Join(missing, ", "))}
	}
	return []issue{jissue(JSONEnumArrayNarrowed, loc, "the reader lacks the writer's values %s", strings.Join(missing, ", "))}
}

// govern returns the schema that applies, in a schema with keywords m, to
// the value of a property called name that "properties" does not declare:
// the matching patternProperties, else additionalProperties (absent = true).
func govern(n jnode, m map[string]any, name string) (jnode, string) {
	if pp, ok := m["patternProperties"].(map[string]any); ok {
		var parts []jnode
		var where string
		keys := make([]string, 0, len(pp))
		for p := range pp {
			keys = append(keys, p)
		}
		sort.Strings(keys)
		for _, p := range keys {
			re, err := regexp.Compile(p)
			if err == nil && re.MatchString(name) {
				parts = append(parts, n.child(pp[p], "/patternProperties/"+escapePointer(p)))
				where = "patternProperties " + p
			}
		}
		switch len(parts) {
		case 0:
		case 1:
			return parts[0], where
		default:
			return jnode{s: n.s, parts: parts}, "patternProperties"
		}
	}
	ap, ok := m["additionalProperties"]
	if !ok {
		return n.child(true, "/additionalProperties"), "an open content model"
	}
	return n.child(ap, "/additionalProperties"), "additionalProperties"
}

func propertyNames(m map[string]any) []string {
	props, _ := m["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func stringSet(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (c *jsonCmp) object(r, w jnode, rm, wm map[string]any) []issue {
	var found []issue
	rProps, _ := rm["properties"].(map[string]any)
	wProps, _ := wm["properties"].(map[string]any)
	for _, name := range propertyNames(rm) {
		loc := "/properties/" + escapePointer(name)
		rp := r.child(rProps[name], loc)
		if wv, ok := wProps[name]; ok {
			found = append(found, prefix(loc, c.cmp(rp, w.child(wv, loc)))...)
			continue
		}
		g, _ := govern(w, wm, name)
		g = jderef(g)
		switch {
		case g.rejectsAll():
		case g.acceptsAll():
			if !rp.acceptsAll() {
				found = append(found, jissue(JSONPropertyAddedToOpenContentModel, loc, "the reader adds property %q while the writer's content model is open: old data may hold any value under that name", name))
			}
		default:
			if sub := c.cmp(rp, g); len(sub) > 0 {
				found = append(found, jissue(JSONPropertyAddedNotCoveredByPartiallyOpenContentModel, loc, "the reader adds property %q whose schema rejects values the writer's %s allows (%s)", name, whereOf(w, wm, name), summarize(sub)))
			}
		}
	}
	for _, name := range propertyNames(wm) {
		if _, ok := rProps[name]; ok {
			continue
		}
		loc := "/properties/" + escapePointer(name)
		wp := w.child(wProps[name], loc)
		g, _ := govern(r, rm, name)
		g = jderef(g)
		switch {
		case g.acceptsAll() || wp.rejectsAll():
		case g.rejectsAll():
			found = append(found, jissue(JSONPropertyRemovedFromClosedContentModel, loc, "the reader drops property %q and its content model is closed: data holding it is rejected", name))
		default:
			if sub := c.cmp(g, wp); len(sub) > 0 {
				found = append(found, jissue(JSONPropertyRemovedNotCoveredByPartiallyOpenContentModel, loc, "the reader drops property %q and its %s rejects values the writer's property allows (%s)", name, whereOf(r, rm, name), summarize(sub)))
			}
		}
	}
	// Undeclared names: the reader must accept what the writer's
	// patternProperties and additionalProperties allow.
	found = append(found, c.patterns(r, w, rm, wm)...)
	wAP, rAP := additional(w, wm), additional(r, rm)
	switch {
	case wAP.rejectsAll() || rAP.acceptsAll():
	case rAP.rejectsAll():
		found = append(found, jissue(JSONAdditionalPropertiesRemoved, "/additionalProperties", "the reader no longer allows properties it does not declare; the writer does"))
	case wAP.acceptsAll():
		found = append(found, jissue(JSONAdditionalPropertiesNarrowed, "/additionalProperties", "the reader constrains undeclared properties the writer allows freely"))
	default:
		found = append(found, prefix("/additionalProperties", c.cmp(rAP, wAP))...)
	}
	wReq := stringSet(wm["required"])
	for _, name := range stringSet(rm["required"]) {
		if !slices.Contains(wReq, name) {
			found = append(found, jissue(JSONRequiredAttributeAdded, "/required/"+escapePointer(name), "the reader requires property %q, which the writer does not require", name))
		}
	}
	found = append(found, upper(rm, wm, "maxProperties", JSONMaxPropertiesAdded, JSONMaxPropertiesDecreased)...)
	found = append(found, lower(rm, wm, "minProperties", JSONMinPropertiesAdded, JSONMinPropertiesIncreased)...)
	found = append(found, c.dependencies(r, w, rm, wm)...)
	return found
}

// additional returns a schema's additionalProperties, true when absent.
func additional(n jnode, m map[string]any) jnode {
	if v, ok := m["additionalProperties"]; ok {
		return jderef(n.child(v, "/additionalProperties"))
	}
	return n.child(true, "/additionalProperties")
}

func whereOf(n jnode, m map[string]any, name string) string {
	_, where := govern(n, m, name)
	return where
}

// patterns compares patternProperties: the same pattern on both sides is
// compared; a pattern only one side has is compared with the other side's
// additionalProperties.
func (c *jsonCmp) patterns(r, w jnode, rm, wm map[string]any) []issue {
	rpp, _ := rm["patternProperties"].(map[string]any)
	wpp, _ := wm["patternProperties"].(map[string]any)
	var found []issue
	keys := make([]string, 0, len(rpp)+len(wpp))
	for k := range rpp {
		keys = append(keys, k)
	}
	for k := range wpp {
		if _, dup := rpp[k]; !dup {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, p := range keys {
		loc := "/patternProperties/" + escapePointer(p)
		rv, inR := rpp[p]
		wv, inW := wpp[p]
		switch {
		case inR && inW:
			found = append(found, prefix(loc, c.cmp(r.child(rv, loc), w.child(wv, loc)))...)
		case inR:
			wap := additional(w, wm)
			if !wap.rejectsAll() && len(c.cmp(r.child(rv, loc), wap)) > 0 {
				found = append(found, jissue(JSONAdditionalPropertiesNarrowed, loc, "the reader adds patternProperties %q, which rejects values the writer allows under such names", p))
			}
		case inW:
			rap := additional(r, rm)
			if !rap.acceptsAll() && len(c.cmp(rap, w.child(wv, loc))) > 0 {
				found = append(found, jissue(JSONAdditionalPropertiesNarrowed, loc, "the reader drops patternProperties %q and its additionalProperties reject values the writer allows under such names", p))
			}
		}
	}
	return found
}

// dependencies compares dependencies (draft-04 to 07), dependentRequired
// and dependentSchemas (2019-09 on).
func (c *jsonCmp) dependencies(r, w jnode, rm, wm map[string]any) []issue {
	type dep struct {
		names  []string
		schema *jnode
	}
	collect := func(n jnode, m map[string]any) map[string]dep {
		out := map[string]dep{}
		for _, kw := range []string{"dependencies", "dependentRequired", "dependentSchemas"} {
			deps, _ := m[kw].(map[string]any)
			for k, v := range deps {
				d := out[k]
				if list, ok := v.([]any); ok {
					d.names = append(d.names, stringSet(list)...)
				} else {
					child := n.child(v, "/"+kw+"/"+escapePointer(k))
					d.schema = &child
				}
				out[k] = d
			}
		}
		return out
	}
	rd, wd := collect(r, rm), collect(w, wm)
	keys := make([]string, 0, len(rd))
	for k := range rd {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var found []issue
	for _, k := range keys {
		rdep, wdep := rd[k], wd[k]
		loc := "/dependencies/" + escapePointer(k)
		if len(rdep.names) > 0 {
			var extra []string
			for _, n := range rdep.names {
				if !slices.Contains(wdep.names, n) {
					extra = append(extra, n)
				}
			}
			switch {
			case len(extra) == 0:
			case len(wdep.names) == 0:
				found = append(found, jissue(JSONDependencyArrayAdded, loc, "the reader makes property %q require %s", k, strings.Join(extra, ", ")))
			default:
				found = append(found, jissue(JSONDependencyArrayExtended, loc, "the reader makes property %q also require %s", k, strings.Join(extra, ", ")))
			}
		}
		if rdep.schema != nil {
			if wdep.schema == nil {
				if !rdep.schema.acceptsAll() {
					found = append(found, jissue(JSONDependencySchemaAdded, loc, "the reader adds a schema dependency on property %q", k))
				}
			} else {
				found = append(found, prefix(loc, c.cmp(*rdep.schema, *wdep.schema))...)
			}
		}
	}
	return found
}

// tuple returns the per-position item schemas and the schema of the items
// after them (for plain "items": no positions and the items schema).
func tuple(n jnode, m map[string]any) ([]jnode, jnode, string) {
	if pi, ok := m["prefixItems"].([]any); ok {
		pos := make([]jnode, len(pi))
		for i, v := range pi {
			pos[i] = n.child(v, fmt.Sprintf("/prefixItems/%d", i))
		}
		if it, ok := m["items"]; ok {
			return pos, n.child(it, "/items"), "/items"
		}
		return pos, n.child(true, "/items"), "/items"
	}
	switch it := m["items"].(type) {
	case []any:
		pos := make([]jnode, len(it))
		for i, v := range it {
			pos[i] = n.child(v, fmt.Sprintf("/items/%d", i))
		}
		if ai, ok := m["additionalItems"]; ok {
			return pos, n.child(ai, "/additionalItems"), "/additionalItems"
		}
		return pos, n.child(true, "/additionalItems"), "/additionalItems"
	case nil:
		return nil, n.child(true, "/items"), "/items"
	default:
		return nil, n.child(it, "/items"), "/items"
	}
}

func (c *jsonCmp) array(r, w jnode, rm, wm map[string]any) []issue {
	var found []issue
	rPos, rRest, rRestLoc := tuple(r, rm)
	wPos, wRest, _ := tuple(w, wm)
	rRest, wRest = jderef(rRest), jderef(wRest)
	for i := 0; i < len(rPos) || i < len(wPos); i++ {
		switch {
		case i < len(rPos) && i < len(wPos):
			found = append(found, prefix(rPos[i].ptr[len(r.ptr):], c.cmp(rPos[i], wPos[i]))...)
		case i < len(rPos):
			loc := rPos[i].ptr[len(r.ptr):]
			switch {
			case wRest.rejectsAll():
			case wRest.acceptsAll():
				if !rPos[i].acceptsAll() {
					found = append(found, jissue(JSONItemAddedToOpenContentModel, loc, "the reader constrains item %d, which the writer allows freely", i))
				}
			default:
				if len(c.cmp(rPos[i], wRest)) > 0 {
					found = append(found, jissue(JSONItemAddedNotCoveredByPartiallyOpenContentModel, loc, "the reader's item %d rejects values the writer's additional items allow", i))
				}
			}
		default:
			loc := wPos[i].ptr[len(w.ptr):]
			switch {
			case rRest.acceptsAll() || wPos[i].rejectsAll():
			case rRest.rejectsAll():
				found = append(found, jissue(JSONItemRemovedFromClosedContentModel, loc, "the reader drops item %d and allows no additional items", i))
			default:
				if len(c.cmp(rRest, wPos[i])) > 0 {
					found = append(found, jissue(JSONItemRemovedNotCoveredByPartiallyOpenContentModel, loc, "the reader drops item %d and its additional items schema rejects values the writer's item allows", i))
				}
			}
		}
	}
	switch {
	case wRest.rejectsAll() || rRest.acceptsAll():
	case len(rPos) == 0 && len(wPos) == 0:
		found = append(found, prefix("/items", c.cmp(rRest, wRest))...)
	case rRest.rejectsAll():
		found = append(found, jissue(JSONAdditionalItemsRemoved, rRestLoc, "the reader allows no items after position %d; the writer does", len(rPos)))
	default:
		if sub := c.cmp(rRest, wRest); len(sub) > 0 {
			found = append(found, jissue(JSONAdditionalItemsNarrowed, rRestLoc, "the reader's schema for additional items rejects values the writer's allows (%s)", summarize(sub)))
		}
	}
	found = append(found, upper(rm, wm, "maxItems", JSONMaxItemsAdded, JSONMaxItemsDecreased)...)
	found = append(found, lower(rm, wm, "minItems", JSONMinItemsAdded, JSONMinItemsIncreased)...)
	if ru, _ := rm["uniqueItems"].(bool); ru {
		if wu, _ := wm["uniqueItems"].(bool); !wu {
			found = append(found, jissue(JSONUniqueItemsAdded, "/uniqueItems", "the reader requires unique items"))
		}
	}
	return found
}
