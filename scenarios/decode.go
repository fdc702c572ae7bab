package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Load reads and parses the scenario file at path, with ${VAR} taken from
// the process environment.
func Load(path string) (*Scenario, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, ErrorList{{Pos: Pos{File: path}, Msg: fmt.Sprintf("cannot read scenario: %v", err)}}
	}
	return Parse(path, src, nil)
}

// Parse parses a scenario file's contents. file names it in errors. env
// looks up ${VAR} references; nil means os.LookupEnv. On failure the error
// is an ErrorList of every problem found, in file order.
func Parse(file string, src []byte, env func(string) (string, bool)) (*Scenario, error) {
	if env == nil {
		env = os.LookupEnv
	}
	d := &decoder{file: file, env: env, anchors: map[string]ast.Node{}, keyPos: map[string]Pos{}}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		var se *yaml.SyntaxError
		e := &Error{Pos: Pos{File: file, Line: 1, Column: 1}, Msg: "invalid YAML: " + err.Error()}
		if errors.As(err, &se) && se.Token != nil && se.Token.Position != nil {
			e.Pos.Line, e.Pos.Column = se.Token.Position.Line, se.Token.Position.Column
			e.Msg = "invalid YAML: " + se.Message
		}
		return nil, ErrorList{e}
	}
	var body ast.Node
	docs := 0
	for _, doc := range f.Docs {
		if doc.Body != nil {
			docs++
			if body == nil {
				body = doc.Body
			}
		}
	}
	if body == nil {
		return nil, ErrorList{{Pos: Pos{File: file, Line: 1, Column: 1}, Msg: "the scenario file is empty",
			Hint: "start from examples/quickstart.yaml"}}
	}
	if docs > 1 {
		d.errs = append(d.errs, &Error{Pos: Pos{File: file, Line: 1, Column: 1},
			Msg: "the file holds several YAML documents; a scenario file holds one"})
	}
	s := &Scenario{File: file}
	d.scenario(s, body)
	if len(d.errs) > 0 {
		return nil, d.errs.err()
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	}
	applyDefaults(s)
	for _, e := range validate(s) {
		if e.Path != "" {
			e.Msg = e.Path + ": " + e.Msg
		}
		if p, ok := d.keyPos[e.Path]; ok {
			e.Pos = p
		} else if e.Pos.Line == 0 {
			e.Pos = Pos{File: file, Line: 1, Column: 1}
		}
		d.errs = append(d.errs, e)
	}
	if len(d.errs) > 0 {
		return nil, d.errs.err()
	}
	return s, nil
}

// Validate applies defaults to a scenario built in Go and checks it as
// Parse would. Errors name the setting by path.
func (s *Scenario) Validate() error {
	if s.Name == "" {
		s.Name = "scenario"
	}
	applyDefaults(s)
	return ErrorList(validate(s)).err()
}

type decoder struct {
	file    string
	env     func(string) (string, bool)
	errs    ErrorList
	anchors map[string]ast.Node
	// keyPos maps a setting's path to where its value is, so checks made
	// after decoding can point at the right place.
	keyPos map[string]Pos
}

func (d *decoder) pos(n ast.Node) Pos {
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return Pos{File: d.file, Line: 1, Column: 1}
	}
	p := n.GetToken().Position
	return Pos{File: d.file, Line: p.Line, Column: p.Column}
}

// failAt reports a problem at the setting path when its position is known,
// else at n.
func (d *decoder) failAt(path string, n ast.Node, hint, format string, args ...any) {
	pos, ok := d.keyPos[path]
	if !ok {
		pos = d.pos(n)
	}
	d.errs = append(d.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

func (d *decoder) fail(n ast.Node, hint, format string, args ...any) {
	d.errs = append(d.errs, &Error{Pos: d.pos(n), Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// resolve follows anchors, aliases and tags to the node that holds data.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for range 32 {
		switch v := n.(type) {
		case *ast.AnchorNode:
			if name, ok := v.Name.(*ast.StringNode); ok {
				d.anchors[name.Value] = v.Value
			}
			n = v.Value
		case *ast.AliasNode:
			name := ""
			if s, ok := v.Value.(*ast.StringNode); ok {
				name = s.Value
			}
			target, ok := d.anchors[name]
			if !ok {
				d.fail(n, "define the anchor (&"+name+") before using it", "unknown alias *%s", name)
				return nil
			}
			n = target
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
	return n
}

// kind describes a node for "expected X, got Y" messages.
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

type entry struct {
	key     string
	keyNode ast.Node
	val     ast.Node
}

// mapping returns the entries of a mapping node in order, reporting
// duplicate keys; ok is false (and an error reported) if n is no mapping.
func (d *decoder) mapping(n ast.Node, what string) ([]entry, bool) {
	n = d.resolve(n)
	var values []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.MappingNode:
		values = m.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{m}
	case nil:
		return nil, false
	default:
		d.fail(n, "", "%s: expected a mapping (key: value lines), got %s", what, kind(n))
		return nil, false
	}
	seen := map[string]bool{}
	out := make([]entry, 0, len(values))
	for _, mv := range values {
		if _, ok := mv.Key.(*ast.MergeKeyNode); ok {
			d.fail(mv.Key, "write the keys out", "%s: merge keys (<<) are not supported", what)
			continue
		}
		key := ""
		if k, ok := d.resolve(mv.Key).(ast.ScalarNode); ok {
			key = fmt.Sprint(k.GetValue())
		}
		if seen[key] {
			d.fail(mv.Key, "remove one of them", "%s: duplicate key %q", what, key)
			continue
		}
		seen[key] = true
		out = append(out, entry{key: key, keyNode: mv.Key, val: mv.Value})
	}
	return out, true
}

// handler decodes one key's value; path is the setting's path.
type handler func(val ast.Node, path string)

// fields decodes a mapping with a fixed set of keys, reporting unknown keys
// with the closest known one. It returns the keys present.
func (d *decoder) fields(n ast.Node, what, path string, hs map[string]handler) map[string]bool {
	entries, ok := d.mapping(n, what)
	if !ok {
		return nil
	}
	present := map[string]bool{}
	for _, e := range entries {
		h, ok := hs[e.key]
		if !ok {
			d.unknownKey(e.keyNode, e.key, what, hs)
			continue
		}
		present[e.key] = true
		p := joinPath(path, e.key)
		d.keyPos[p] = d.pos(valueOr(e.val, e.keyNode))
		h(e.val, p)
	}
	return present
}

func valueOr(v, k ast.Node) ast.Node {
	if v == nil || v.GetToken() == nil {
		return k
	}
	if _, null := v.(*ast.NullNode); null {
		return k
	}
	return v
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (d *decoder) unknownKey(n ast.Node, key, what string, hs map[string]handler) {
	if msg, ok := reserved[key]; ok && what == "scenario" {
		d.fail(n, msg, "%q is not supported yet in this version of kbench", key)
		return
	}
	known := make([]string, 0, len(hs))
	for k := range hs {
		known = append(known, k)
	}
	sort.Strings(known)
	hint := "valid keys here: " + strings.Join(known, ", ")
	if s := suggest(key, known); s != "" {
		hint = fmt.Sprintf("did you mean %q?", s)
	}
	d.fail(n, hint, "unknown key %q in %s", key, what)
}

// reserved are top-level keys of later versions, with what to do instead.
var reserved = map[string]string{
	"pipeline": "pipeline verification is planned; remove the key to run the scenario",
	"verify":   "verifiers are planned; remove the key to run the scenario",
	"schema":   "schema support is planned; use format json or bytes",
}

// scalar returns a scalar's text with ${VAR} references expanded; ok is
// false (and an error reported) if n is not a scalar.
func (d *decoder) scalar(n ast.Node, what string) (string, bool) {
	n = d.resolve(n)
	var s string
	switch v := n.(type) {
	case *ast.StringNode:
		s = v.Value
	case *ast.LiteralNode:
		s = v.Value.Value
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		s = v.GetToken().Value
	case nil:
		return "", false
	default:
		d.fail(n, "", "%s: expected a value, got %s", what, kind(n))
		return "", false
	}
	return d.interpolate(n, what, s)
}

// raw returns a scalar's text as written in the file, before ${VAR}
// expansion.
func raw(n ast.Node) string {
	if n == nil || n.GetToken() == nil {
		return ""
	}
	return n.GetToken().Value
}

// failValue reports a bad value. A value that came from the environment
// may be a secret, so the message shows the text as written in the file
// (e.g. ${KAFKA_PASSWORD}) instead of the value.
func (d *decoder) failValue(n ast.Node, value, hint, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if r := raw(d.resolve(n)); value != "" && r != value {
		msg = strings.ReplaceAll(msg, value, r)
	}
	d.errs = append(d.errs, &Error{Pos: d.pos(n), Msg: msg, Hint: hint})
}

// interpolate expands ${VAR} and ${VAR:-default}; $${ is a literal ${.
// Errors show the reference as written, never a variable's value.
func (d *decoder) interpolate(n ast.Node, what, s string) (string, bool) {
	if !strings.Contains(s, "${") {
		return s, true
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), true
		}
		if i > 0 && s[i-1] == '$' {
			b.WriteString(s[:i-1] + "${")
			s = s[i+2:]
			continue
		}
		b.WriteString(s[:i])
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			d.fail(n, "close it: ${NAME}", "%s: unterminated ${ in %q", what, s)
			return "", false
		}
		ref := s[i+2 : i+end]
		name, def, hasDef := strings.Cut(ref, ":-")
		if !validEnvName(name) {
			d.fail(n, "write ${NAME} or ${NAME:-default}", "%s: bad variable reference ${%s}", what, ref)
			return "", false
		}
		v, ok := d.env(name)
		switch {
		case ok:
			b.WriteString(v)
		case hasDef:
			b.WriteString(def)
		default:
			d.fail(n, fmt.Sprintf("set %s, or give a default: ${%s:-value}", name, name),
				"%s: environment variable %s is not set", what, name)
			return "", false
		}
		s = s[i+end+1:]
	}
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

func (d *decoder) str(n ast.Node, what string, dst *string) {
	if v, ok := d.scalar(n, what); ok {
		*dst = v
	} else if isNull(n) {
		d.fail(n, "", "%s: expected a string, got nothing", what)
	}
}

func isNull(n ast.Node) bool {
	_, ok := n.(*ast.NullNode)
	return n == nil || ok
}

func (d *decoder) integer(n ast.Node, what string, lo, hi int64) (int64, bool) {
	s, ok := d.scalar(n, what)
	if !ok {
		if isNull(n) {
			d.fail(n, "", "%s: expected a whole number, got nothing", what)
		}
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 10, 64)
	if err != nil {
		d.failValue(n, s, "", "%s: expected a whole number, got %q", what, s)
		return 0, false
	}
	if v < lo || v > hi {
		d.failValue(n, s, "", "%s: %s is out of range, want %d to %d", what, s, lo, hi)
		return 0, false
	}
	return v, true
}

func (d *decoder) number(n ast.Node, what string) (float64, bool) {
	s, ok := d.scalar(n, what)
	if !ok {
		if isNull(n) {
			d.fail(n, "", "%s: expected a number, got nothing", what)
		}
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		d.failValue(n, s, "", "%s: expected a number, got %q", what, s)
		return 0, false
	}
	return v, true
}

func (d *decoder) boolean(n ast.Node, what string, dst *bool) {
	s, ok := d.scalar(n, what)
	if !ok {
		if isNull(n) {
			d.fail(n, "", "%s: expected true or false, got nothing", what)
		}
		return
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true":
		*dst = true
	case "false":
		*dst = false
	default:
		d.failValue(n, s, "", "%s: expected true or false, got %q", what, s)
	}
}

// parsed decodes a scalar with a notation parser (duration, rate, size).
func parsed[T any](d *decoder, n ast.Node, what string, parse func(string) (T, error), dst *T) {
	s, ok := d.scalar(n, what)
	if !ok {
		if isNull(n) {
			d.fail(n, "", "%s: expected a value, got nothing", what)
		}
		return
	}
	v, err := parse(s)
	if err != nil {
		d.failValue(n, s, "", "%s: %v", what, err)
		return
	}
	*dst = v
}

func (d *decoder) duration(n ast.Node, what string, dst *time.Duration) {
	parsed(d, n, what, ParseDuration, dst)
}

// list returns a sequence's items; a single scalar counts as a list of one
// when one is true.
func (d *decoder) list(n ast.Node, what string, one bool) []ast.Node {
	r := d.resolve(n)
	switch v := r.(type) {
	case *ast.SequenceNode:
		for i, item := range v.Values {
			d.keyPos[fmt.Sprintf("%s[%d]", what, i)] = d.pos(item)
		}
		return v.Values
	case nil, *ast.NullNode:
		return nil
	case ast.ScalarNode:
		if one {
			return []ast.Node{r}
		}
	}
	d.fail(n, "write a list: [a, b] or one \"- item\" per line", "%s: expected a list, got %s", what, kind(r))
	return nil
}

func (d *decoder) strList(n ast.Node, what string) []string {
	var out []string
	for _, item := range d.list(n, what, true) {
		if s, ok := d.scalar(item, what); ok {
			out = append(out, s)
		}
	}
	return out
}

// jsonLiteral turns a scalar node into a JSON literal for const fields.
func (d *decoder) jsonLiteral(n ast.Node, what string) string {
	r := d.resolve(n)
	switch r.(type) {
	case nil, *ast.NullNode:
		return "null"
	case *ast.BoolNode:
		s, _ := d.scalar(r, what)
		return strings.ToLower(s)
	case *ast.IntegerNode, *ast.FloatNode:
		s, _ := d.scalar(r, what)
		if json.Valid([]byte(s)) {
			return s
		}
		d.failValue(n, s, "", "%s: %q is not a JSON number", what, s)
		return "null"
	}
	s, ok := d.scalar(r, what)
	if !ok {
		return "null"
	}
	b, _ := json.Marshal(s)
	return string(b)
}
