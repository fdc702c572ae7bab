package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Load reads the scenario file at path and parses it with Parse, taking
// ${VAR} references from the process environment.
func Load(path string) (*Scenario, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, ErrorList{{Pos: Pos{File: path}, Msg: fmt.Sprintf("cannot read the scenario: %v", err)}}
	}
	return Parse(path, src, nil)
}

// Parse parses, completes and checks a scenario file's contents. file names
// the file in errors and positions, and gives the scenario its default
// name. env looks up the variables of ${VAR} and ${VAR:-default}
// references; nil means os.LookupEnv.
//
// Parse decodes the YAML into a Scenario, applies the defaults and runs
// the same checks as Validate. On failure it returns a nil Scenario and an
// ErrorList holding every problem found, sorted by position, each naming
// file:line:column (after MaxErrors problems, a last entry says how many
// more there are). Problems that do not stop a run (a password written in
// the file) are in the returned scenario's Warnings.
func Parse(file string, src []byte, env func(string) (string, bool)) (*Scenario, error) {
	if env == nil {
		env = os.LookupEnv
	}
	d := newDecoder(file, env)
	body, ok := d.document(src)
	if !ok {
		return nil, d.errs.asError()
	}
	if r := d.resolve(body); !isMapping(r) {
		if r != nil {
			d.errAt(body, "", "a scenario file is a mapping of keys such as name, data and producers (see examples/quickstart.yaml)",
				"expected a mapping (key: value lines) at the top level, got %s", describe(r))
		}
		return nil, d.errs.asError()
	}
	s := &Scenario{File: file}
	d.scenario(s, body)
	applyDefaults(s, d.explicit)
	for _, e := range validate(s) {
		d.place(e)
	}
	d.scrub()
	if err := d.errs.asError(); err != nil {
		return nil, err
	}
	if len(d.warns) > 0 {
		scrubSecrets(d.warns, d.secrets)
		s.Warnings = d.warns
	}
	return s, nil
}

// Validate applies the defaults to a scenario built (or changed) in Go and
// checks it as Parse checks a file. Problems name the setting by its path,
// e.g. "producers[0].rate", since there is no file position; the error is
// an ErrorList. Validate on a scenario returned by Parse changes nothing
// and returns nil.
//
// The SASL password never appears in the problems: where a message would
// show it, it shows [password].
func (s *Scenario) Validate() error {
	applyDefaults(s, nil)
	errs := validate(s)
	secrets := map[string]string{}
	if sasl := s.Cluster.SASL; sasl != nil && sasl.Password != "" {
		secrets[sasl.Password] = passwordMark
	}
	if r := s.SchemaRegistry; r != nil && r.Password != "" {
		secrets[r.Password] = passwordMark
	}
	if len(secrets) > 0 {
		scrubSecrets(errs, secrets)
	}
	return ErrorList(errs).asError()
}

// Limits that keep hostile or broken files from exhausting memory.
const (
	maxFieldDepth = 32      // nesting of object and array fields
	maxFields     = 100_000 // fields after alias expansion
	maxKeptErrors = 1000    // problems kept before sorting and capping
)

// decoder walks a goccy YAML AST into a Scenario, collecting problems with
// the position of the offending key or value.
type decoder struct {
	file string
	env  func(string) (string, bool)
	errs ErrorList

	anchors map[string][]anchorDef
	// keyPos maps a setting's path to where its value is written (or its
	// key, when the value is empty), so problems found after decoding can
	// point at the right place.
	keyPos map[string]Pos
	// explicit holds the paths of settings written in the file, for the
	// defaults that depend on whether a key was written.
	explicit map[string]bool
	// expanded holds the scalars into which an environment variable's
	// value was substituted: problems about them show the text as
	// written, never the value (it may be a secret). secrets maps each
	// substituted value to its reference, to scrub it from every message.
	expanded map[Pos]expansion
	secrets  map[string]string
	// secret is set while a secret value (the SASL password) is decoded:
	// problems about its text do not quote it.
	secret bool

	// warns are problems that do not make the scenario invalid.
	warns []*Error

	// bad holds the paths of settings that failed to decode; semantic
	// problems about them are not reported (see place).
	bad map[string]bool

	nfields, depth int
	tooMany        bool
	active         map[ast.Node]bool // field mappings being decoded
}

type expansion struct{ raw, val string }

type anchorDef struct {
	pos  Pos
	node ast.Node
}

func newDecoder(file string, env func(string) (string, bool)) *decoder {
	return &decoder{
		file: file, env: env,
		anchors:  map[string][]anchorDef{},
		keyPos:   map[string]Pos{},
		explicit: map[string]bool{},
		expanded: map[Pos]expansion{},
		secrets:  map[string]string{},
		bad:      map[string]bool{},
		active:   map[ast.Node]bool{},
	}
}

// document parses the YAML and returns the scenario's node; ok is false
// (with the problem recorded) for a syntax error or an empty file.
func (d *decoder) document(src []byte) (ast.Node, bool) {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		d.add(d.syntaxError(err, src))
		return nil, false
	}
	var body ast.Node
	docs := 0
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if _, null := doc.Body.(*ast.NullNode); null {
			continue
		}
		if docs++; docs == 1 {
			body = doc.Body
		} else {
			d.add(&Error{Pos: d.pos(doc.Body), Msg: "a second YAML document (after ---): a scenario file holds one",
				Hint: "split the scenarios into files of their own"})
		}
	}
	if body == nil {
		d.add(&Error{Pos: Pos{File: d.file, Line: 1, Column: 1}, Msg: "the scenario file is empty",
			Hint: "start from examples/quickstart.yaml"})
		return nil, false
	}
	d.collectAnchors(body, 0)
	return body, true
}

var dupKeyRe = regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):(\d+)\]$`)

// syntaxError turns a goccy parse error into an Error at its position.
func (d *decoder) syntaxError(err error, src []byte) *Error {
	e := &Error{Pos: Pos{File: d.file, Line: 1, Column: 1}, Msg: "invalid YAML: " + err.Error()}
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return e
	}
	msg := strings.ReplaceAll(ye.GetMessage(), "\t", `\t`)
	e.Msg = "invalid YAML: " + msg
	if tk := ye.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line > 0 {
		e.Pos.Line, e.Pos.Column = tk.Position.Line, max(tk.Position.Column, 1)
	}
	if m := dupKeyRe.FindStringSubmatch(msg); m != nil {
		key, uerr := strconv.Unquote(`"` + m[1] + `"`)
		if uerr != nil {
			key = m[1]
		}
		e.Msg = fmt.Sprintf("duplicate key %q (first written at line %s, column %s)", key, m[2], m[3])
		e.Hint = "remove one of them"
		return e
	}
	// A ${VAR:-x} inside a { flow mapping } confuses YAML: quote it.
	lines := strings.Split(string(src), "\n")
	l := e.Pos.Line - 1
	line := ""
	if l >= 0 && l < len(lines) {
		line = lines[l]
	}
	if strings.Contains(line, "${") && (strings.Count(line, "{") > strings.Count(line, "${") || strings.Contains(line, "[")) {
		e.Hint = `quote values holding ${...} inside { } or [ ]: key: "${VAR:-default}"`
	} else if strings.Contains(msg, `\t`) || strings.HasPrefix(strings.TrimLeft(line, " "), "\t") {
		e.Hint = "indent with spaces, not tabs"
	}
	return e
}

// add records a problem; its path failed to decode.
func (d *decoder) add(e *Error) {
	d.addBad(e, e.Path)
}

// addBad records a problem, marking the setting at bad as failed.
func (d *decoder) addBad(e *Error, bad string) {
	if bad != "" {
		d.bad[bad] = true
	}
	if e.Pos.File == "" {
		e.Pos.File = d.file
	}
	if len(d.errs) < maxKeptErrors {
		d.errs = append(d.errs, e)
	}
}

// warn records a problem that does not make the scenario invalid.
func (d *decoder) warn(e *Error) {
	if e.Pos.File == "" {
		e.Pos.File = d.file
	}
	d.warns = append(d.warns, e)
}

// errAt records a problem about the setting at path whose node is n.
func (d *decoder) errAt(n ast.Node, path, hint, format string, args ...any) {
	d.add(&Error{Pos: d.pos(n), Path: path, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// place adds a problem found by validate, at the position of its setting
// (or of the closest enclosing one written in the file). It drops the
// problem when its setting, an enclosing or an enclosed one, or one of its
// dependencies failed to decode; and it shows values substituted from the
// environment as written in the file.
func (d *decoder) place(e *Error) {
	for b := range d.bad {
		if within(b, e.Path) || within(e.Path, b) {
			return
		}
		for _, dep := range e.deps {
			if within(dep, b) {
				return
			}
			// "list[]" depends on every item of list.
			if list, ok := strings.CutSuffix(dep, "[]"); ok && strings.HasPrefix(b, list+"[") {
				return
			}
		}
	}
	e.Pos = d.lookup(e.Path)
	if x, ok := d.expanded[e.Pos]; ok {
		// validate quotes every value it shows (%q): show the text as
		// written instead.
		e.Msg = strings.ReplaceAll(e.Msg, strconv.Quote(x.val), strconv.Quote(x.raw))
		e.Hint = strings.ReplaceAll(e.Hint, strconv.Quote(x.val), strconv.Quote(x.raw))
	}
	if len(d.errs) < maxKeptErrors {
		d.errs = append(d.errs, e)
	}
}

// minSecret is the length from which secrets are scrubbed from every
// message wherever they appear; shorter ones (a password "x") only where a
// message quotes them, since replacing every "x" would mangle messages.
// Values substituted from the environment are secrets from this length on.
const minSecret = 3

// scrub replaces, in every problem, each secret (a value substituted from
// the environment, the SASL password) by its reference or "[password]": a
// last line of defence for values that a message shows in some other way
// than quoted at their own position.
func (d *decoder) scrub() {
	scrubSecrets(d.errs, d.secrets)
}

// scrubSecrets replaces each secret (a key of secrets) in the problems'
// messages and hints by its replacement, longest secrets first.
func scrubSecrets(errs []*Error, secrets map[string]string) {
	if len(secrets) == 0 {
		return
	}
	vals := mapKeys(secrets)
	sort.SliceStable(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	for _, e := range errs {
		for _, v := range vals {
			from, to := v, secrets[v]
			if len(v) < minSecret {
				from, to = strconv.Quote(v), strconv.Quote(to)
			}
			e.Msg = strings.ReplaceAll(e.Msg, from, to)
			e.Hint = strings.ReplaceAll(e.Hint, from, to)
		}
	}
}

// within reports whether the setting at path is the one at outer or
// inside it ("producers[1].rate" is within "producers[1]", not within
// "producers[10]").
func within(path, outer string) bool {
	if outer == "" || path == "" {
		return false
	}
	return path == outer || strings.HasPrefix(path, outer+".") || strings.HasPrefix(path, outer+"[")
}

// lookup returns the position of the setting at path, or of its closest
// enclosing setting, or the start of the file.
func (d *decoder) lookup(path string) Pos {
	for p := path; p != ""; p = parentPath(p) {
		if pos, ok := d.keyPos[p]; ok {
			return pos
		}
	}
	return Pos{File: d.file, Line: 1, Column: 1}
}

// parentPath strips the last ".key" or "[i]" from a path.
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func (d *decoder) pos(n ast.Node) Pos {
	// A block mapping's token is its first colon: point at its first key.
	switch v := n.(type) {
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 && v.Values[0] != nil {
			return d.pos(v.Values[0].Key)
		}
	case *ast.MappingValueNode:
		if v.Key != nil {
			return d.pos(v.Key)
		}
	}
	if n == nil {
		return Pos{File: d.file, Line: 1, Column: 1}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil || tk.Position.Line < 1 {
		return Pos{File: d.file, Line: 1, Column: 1}
	}
	return Pos{File: d.file, Line: tk.Position.Line, Column: max(tk.Position.Column, 1)}
}

// collectAnchors records every anchor in document order, so an alias can
// be resolved to the closest anchor of its name before it.
func (d *decoder) collectAnchors(n ast.Node, depth int) {
	if n == nil || depth > 10_000 {
		return
	}
	switch v := n.(type) {
	case *ast.AnchorNode:
		d.anchors[nodeText(v.Name)] = append(d.anchors[nodeText(v.Name)], anchorDef{pos: d.pos(v), node: v.Value})
		d.collectAnchors(v.Value, depth+1)
	case *ast.TagNode:
		d.collectAnchors(v.Value, depth+1)
	case *ast.MappingNode:
		for _, mv := range v.Values {
			d.collectAnchors(mv, depth+1)
		}
	case *ast.MappingValueNode:
		d.collectAnchors(v.Key, depth+1)
		d.collectAnchors(v.Value, depth+1)
	case *ast.MappingKeyNode:
		d.collectAnchors(v.Value, depth+1)
	case *ast.SequenceNode:
		for _, item := range v.Values {
			d.collectAnchors(item, depth+1)
		}
	}
}

func before(a, b Pos) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Column < b.Column
}

func nodeText(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	return n.GetToken().Value
}

// resolve follows anchors, aliases and tags to the node holding the data.
// It returns nil (and records a problem) for an alias without anchor.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for range 64 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		case *ast.AliasNode:
			name, at := nodeText(v.Value), d.pos(v)
			var target ast.Node
			for _, a := range d.anchors[name] {
				if before(a.pos, at) {
					target = a.node
				}
			}
			if target == nil {
				if d.secret {
					d.errAt(v, "", `a value starting with * is an alias: quote it ("*...")`,
						"the password is written as an alias (*...) without an anchor")
					return nil
				}
				d.errAt(v, "", "define the anchor (&"+name+") before the alias", "unknown alias *%s", name)
				return nil
			}
			n = target
		default:
			return n
		}
	}
	d.errAt(n, "", "", "aliases nest too deeply")
	return nil
}

// kind describes a node for "expected X, got Y" messages.
// adjacent reports whether v's text follows k's and a colon with no space
// between them, as in kafka:9092.
func adjacent(k, v ast.Node) bool {
	kt, vt := k.GetToken(), v.GetToken()
	if kt == nil || vt == nil || kt.Position == nil || vt.Position == nil {
		return false
	}
	return kt.Position.Line == vt.Position.Line && vt.Position.Column == kt.Position.Column+len(kt.Value)+1
}

func kind(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "true/false"
	case *ast.StringNode, *ast.LiteralNode:
		return "a string"
	}
	return "something else"
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return n == nil || ok
}

func isMapping(n ast.Node) bool {
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode:
		return true
	}
	return false
}

// entry is one key: value of a mapping.
type entry struct {
	key      string
	keyNode  ast.Node
	val      ast.Node
	valOrKey ast.Node // the value, or the key when the value is empty
}

// mapping returns the entries of the mapping n in order. An empty value
// (null) is an empty mapping. ok is false, and a problem recorded, when n
// is not a mapping.
func (d *decoder) mapping(n ast.Node, path, expect string) ([]entry, bool) {
	r := d.resolve(n)
	var values []*ast.MappingValueNode
	switch m := r.(type) {
	case nil:
		if n != nil { // an alias without anchor, already reported
			return nil, false
		}
		return nil, true
	case *ast.NullNode:
		return nil, true
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	default:
		d.errAt(n, path, "", "expected %s, got %s", expect, describe(r))
		return nil, false
	}
	seen := map[string]bool{}
	out := make([]entry, 0, len(values))
	for _, mv := range values {
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			d.errAt(mv.Key, path, "write the keys out instead", "merge keys (<<) are not supported")
			continue
		}
		k := d.resolve(mv.Key)
		if k == nil {
			continue
		}
		sk, ok := k.(ast.ScalarNode)
		if !ok || isNull(k) {
			d.errAt(mv.Key, path, "", "expected a plain key, got %s", kind(k))
			continue
		}
		key := nodeText(sk)
		if seen[key] {
			d.errAt(mv.Key, path, "remove one of them", "duplicate key %q", key)
			continue
		}
		seen[key] = true
		e := entry{key: key, keyNode: mv.Key, val: mv.Value, valOrKey: mv.Value}
		if v := mv.Value; v == nil || v.GetToken() == nil || isNull(v) {
			e.valOrKey = mv.Key
		}
		out = append(out, e)
	}
	return out, true
}

// describe is kind, naming the value of a short scalar.
func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		if t := nodeText(n); len(t) <= 40 && !strings.Contains(t, "${") {
			return fmt.Sprintf("%s (%q)", kind(n), t)
		}
	}
	return kind(n)
}

// handler decodes one key's value; path is the key's path.
type handler func(val ast.Node, path string)

// fields decodes the mapping n whose keys are those of hs, in section sec
// (see sections). It reports unknown keys with the closest valid one, and
// returns the keys present with their key nodes (nil if n is no mapping).
func (d *decoder) fields(n ast.Node, sec section, path string, hs map[string]handler) map[string]ast.Node {
	checkSection(sec, hs)
	if sec.item && isNull(n) {
		d.errAt(n, path, "", "expected a mapping (key: value lines) for %s, got nothing", sec.what)
		return nil
	}
	entries, ok := d.mapping(n, path, "a mapping (key: value lines) for "+sec.what)
	if !ok {
		return nil
	}
	present := make(map[string]ast.Node, len(entries))
	for _, e := range entries {
		h, ok := hs[e.key]
		if !ok {
			d.unknownKey(e.keyNode, e.key, sec, path, hs)
			continue
		}
		sawKey(sec, e.key)
		p := joinPath(path, e.key)
		present[e.key] = e.keyNode
		d.explicit[p] = true
		d.keyPos[p] = d.pos(e.valOrKey)
		h(e.val, p)
	}
	return present
}

func (d *decoder) unknownKey(n ast.Node, key string, sec section, path string, hs map[string]handler) {
	bad := joinPath(path, key)
	if why, ok := sec.reserved[key]; ok {
		d.addBad(&Error{Pos: d.pos(n), Path: path, Hint: why,
			Msg: fmt.Sprintf("%q is not supported yet in this version of kbench", key)}, bad)
		return
	}
	known := make([]string, 0, len(hs))
	for k := range hs {
		if _, reserved := sec.reserved[k]; !reserved {
			known = append(known, k)
		}
	}
	sort.Strings(known)
	hint := "valid keys here: " + strings.Join(known, ", ")
	if s := suggest(key, known); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	} else if homes := keyHomes(key, sec); len(homes) > 0 {
		hint = fmt.Sprintf("%q belongs in %s; valid keys here: %s", key, strings.Join(homes, " or "), strings.Join(known, ", "))
	}
	d.addBad(&Error{Pos: d.pos(n), Path: path, Hint: hint, Msg: fmt.Sprintf("unknown key %q %s", key, sec.in)}, bad)
}

// scalar returns the text of the scalar n with ${VAR} references
// expanded. ok is false, and a problem recorded, if n is not a scalar.
// expect describes the wanted value for the message.
func (d *decoder) scalar(n ast.Node, path, expect string) (string, bool) {
	r := d.resolve(n)
	var s string
	switch v := r.(type) {
	case nil:
		if n == nil {
			d.errAt(n, path, "", "expected %s, got nothing", expect)
		}
		return "", false
	case *ast.StringNode:
		s = v.Value
	case *ast.LiteralNode:
		if v.Value != nil {
			s = v.Value.Value
		}
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		s = v.GetToken().Value
	case *ast.MappingValueNode, *ast.MappingNode:
		// `[kafka:9092]` inside `{ }` reads as a one-key mapping.
		hint := ""
		mv, ok := v.(*ast.MappingValueNode)
		if m, isMap := v.(*ast.MappingNode); isMap && len(m.Values) == 1 {
			mv, ok = m.Values[0], true
		}
		if ok && mv.Key != nil && mv.Value != nil && adjacent(mv.Key, mv.Value) {
			text := strings.TrimSpace(mv.Key.String()) + ":" + strings.TrimSpace(mv.Value.String())
			hint = fmt.Sprintf("if you meant the text %s, quote it: \"%s\"", text, text)
		}
		d.errAt(n, path, hint, "expected %s, got %s", expect, kind(r))
		return "", false
	default:
		d.errAt(n, path, "", "expected %s, got %s", expect, kind(r))
		return "", false
	}
	return d.interpolate(n, path, s)
}

// interpolate expands ${VAR} and ${VAR:-default} in s, the text of n;
// $${ stands for a literal ${. Problems show the reference, never a
// variable's value.
func (d *decoder) interpolate(n ast.Node, path, s string) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	raw := s
	var b strings.Builder
	substituted := false
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			break
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1] + "${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			what := strconv.Quote(raw)
			if d.secret {
				what = "the password"
			}
			d.errAt(n, path, "close the reference: ${NAME} (write $${ for a literal ${)", "unterminated ${ in %s", what)
			return "", false
		}
		ref := s[i+2 : i+end]
		name, def, hasDef := strings.Cut(ref, ":-")
		if !validEnvName(name) || strings.Contains(def, "${") {
			what := "${" + ref + "}"
			if d.secret {
				what = "in the password"
			}
			d.errAt(n, path, "write ${NAME} or ${NAME:-default}; names are letters, digits and _", "bad variable reference %s", what)
			return "", false
		}
		if v, ok := d.env(name); ok {
			b.WriteString(v)
			substituted = substituted || v != ""
			if len(v) >= minSecret {
				d.secrets[v] = "${" + name + "}"
			}
		} else if hasDef {
			b.WriteString(def)
		} else {
			d.errAt(n, path, fmt.Sprintf("set %s, or give a default: ${%s:-value}", name, name),
				"environment variable %s is not set", name)
			return "", false
		}
		s = s[i+end+1:]
	}
	out := b.String()
	if substituted {
		d.expanded[d.pos(n)] = expansion{raw: raw, val: out}
	}
	return out, true
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// convert decodes the scalar n with conv. expect describes the wanted
// value (for problems about values substituted from the environment, whose
// text must not be shown).
func convert[T any](d *decoder, n ast.Node, path, expect string, conv func(string) (T, error)) (T, bool) {
	var zero T
	s, ok := d.scalar(n, path, expect)
	if !ok {
		return zero, false
	}
	v, err := conv(s)
	if err == nil {
		return v, true
	}
	e := &Error{Pos: d.pos(n), Path: path, Msg: err.Error()}
	if x, ok := d.expanded[e.Pos]; ok {
		e.Msg = fmt.Sprintf("%q expands to a value that is not %s", x.raw, expect)
	} else if pe, ok := err.(*Error); ok {
		e.Msg, e.Hint = pe.Msg, pe.Hint
	}
	d.add(e)
	return zero, false
}

func (d *decoder) str(n ast.Node, path string) string {
	s, _ := convert(d, n, path, "a string", func(s string) (string, error) { return s, nil })
	return s
}

// integer decodes a whole number in [lo, hi] (underscores allowed).
func (d *decoder) integer(n ast.Node, path string, lo, hi int64) (int64, bool) {
	expect := fmt.Sprintf("a whole number from %d to %d", lo, hi)
	if hi == math.MaxInt64 {
		expect = fmt.Sprintf("a whole number of at least %d", lo)
	}
	return convert(d, n, path, expect, func(s string) (int64, error) {
		v, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 10, 64)
		if err != nil {
			if f, ferr := strconv.ParseFloat(strings.TrimSpace(s), 64); ferr == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				v, err = int64(f), nil
			}
		}
		if err != nil {
			return 0, &Error{Msg: fmt.Sprintf("expected %s, got %q", expect, s)}
		}
		if v < lo || v > hi {
			return 0, &Error{Msg: fmt.Sprintf("%d is out of range: expected %s", v, expect)}
		}
		return v, nil
	})
}

// seed decodes a seed: a whole number from 1 to 2⁶⁴-1.
func (d *decoder) seed(n ast.Node, path string) uint64 {
	const expect = "a whole number of at least 1 (below 2^64)"
	v, _ := convert(d, n, path, expect, func(s string) (uint64, error) {
		v, err := strconv.ParseUint(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 10, 64)
		if err != nil || v == 0 {
			return 0, &Error{Msg: fmt.Sprintf("expected %s, got %q", expect, s), Hint: "0 is not a seed; leave the key out for the default"}
		}
		return v, nil
	})
	return v
}

// number decodes a finite decimal number for which ok (if not nil) holds;
// want describes the range.
func (d *decoder) number(n ast.Node, path string, ok func(float64) bool, want string) (float64, bool) {
	expect := "a number"
	if want != "" {
		expect = "a number " + want
	}
	return convert(d, n, path, expect, func(s string) (float64, error) {
		t := strings.TrimSpace(s)
		v, err := strconv.ParseFloat(strings.ReplaceAll(t, "_", ""), 64)
		if err != nil || strings.Trim(t, "0123456789.eE+-_") != "" || math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, &Error{Msg: fmt.Sprintf("expected %s, got %q", expect, s)}
		}
		if ok != nil && !ok(v) {
			return 0, &Error{Msg: fmt.Sprintf("%s is out of range: expected %s", t, expect)}
		}
		return v, nil
	})
}

func (d *decoder) boolean(n ast.Node, path string) (bool, bool) {
	return convert(d, n, path, "true or false", func(s string) (bool, error) {
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, &Error{Msg: fmt.Sprintf("expected true or false, got %q", s)}
	})
}

// duration decodes a duration of at least least (0: any non-negative).
func (d *decoder) duration(n ast.Node, path string, least time.Duration) (time.Duration, bool) {
	expect := "a duration like 500ms or 1m30s"
	return convert(d, n, path, expect, func(s string) (time.Duration, error) {
		v, err := ParseDuration(s)
		if err == nil && v < least {
			return 0, &Error{Msg: fmt.Sprintf("%s is too short: the minimum is %v", strings.TrimSpace(s), least)}
		}
		return v, err
	})
}

func (d *decoder) size(n ast.Node, path string) (int, bool) {
	return convert(d, n, path, "a size like 512B or 4KiB", ParseSize)
}

func (d *decoder) rateValue(n ast.Node, path string) (float64, bool) {
	return convert(d, n, path, "a rate like 5000/s", ParseRate)
}

// list returns the items of the sequence n, recording their positions as
// path[i]. An empty value is an empty list; with one, a scalar is a list
// of one item.
func (d *decoder) list(n ast.Node, path string, one bool) ([]ast.Node, bool) {
	r := d.resolve(n)
	var items []ast.Node
	switch v := r.(type) {
	case *ast.SequenceNode:
		items = v.Values
	case nil:
		return nil, n == nil
	case *ast.NullNode:
		return nil, true
	default:
		if _, scalar := r.(ast.ScalarNode); !scalar || !one {
			d.errAt(n, path, "write a list: [a, b], or one \"- item\" per line", "expected a list, got %s", describe(r))
			return nil, false
		}
		items = []ast.Node{n}
	}
	for i, item := range items {
		d.keyPos[indexPath(path, i)] = d.pos(item)
	}
	return items, true
}

// strList decodes a list of strings (or, with one, a single string).
func (d *decoder) strList(n ast.Node, path string, one bool) []string {
	items, _ := d.list(n, path, one)
	out := make([]string, 0, len(items))
	for i, item := range items {
		out = append(out, d.str(item, indexPath(path, i)))
	}
	return out
}

// jsonLiteral turns the scalar n into a JSON literal (for const fields).
func (d *decoder) jsonLiteral(n ast.Node, path string) string {
	if t, ok := n.(*ast.TagNode); ok && t.Start != nil && t.Start.Value == "!!str" {
		if _, scalar := d.resolve(t.Value).(ast.ScalarNode); scalar {
			s, ok := d.scalar(n, path, "a value")
			if !ok {
				return ""
			}
			b, _ := json.Marshal(s)
			return string(b)
		}
	}
	r := d.resolve(n)
	switch v := r.(type) {
	case nil:
		return ""
	case *ast.NullNode:
		return "null"
	case *ast.BoolNode:
		return strconv.FormatBool(v.Value)
	case *ast.IntegerNode:
		return fmt.Sprint(v.Value)
	case *ast.FloatNode:
		if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) {
			break
		}
		return strconv.FormatFloat(v.Value, 'g', -1, 64)
	case *ast.StringNode, *ast.LiteralNode:
		s, ok := d.scalar(n, path, "a value")
		if !ok {
			return ""
		}
		b, _ := json.Marshal(s)
		return string(b)
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		d.errAt(n, path, "write a string, number, true, false or null", "expected a scalar value, got %s", kind(r))
		return ""
	}
	d.errAt(n, path, "JSON has no infinite or NaN numbers; quote it for a string", "%s is not a JSON value", nodeText(r))
	return ""
}
