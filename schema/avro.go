package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hamba/avro/v2"
)

// avroSchema is a parsed Avro schema.
type avroSchema struct {
	root avro.Schema
}

// parseAvro checks that text is JSON (for positioned syntax errors), then
// parses it with hamba/avro into a fresh name cache: the package-level cache
// would let one version see another's named types.
func parseAvro(text string) (*avroSchema, error) {
	if _, err := decodeJSON(Avro, text); err != nil {
		return nil, err
	}
	s, err := avro.ParseBytesWithCache([]byte(text), "", &avro.SchemaCache{})
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "avro: ")
		pe := &ParseError{Format: Avro, Msg: msg}
		// hamba gives no positions: point at the name the message ends with
		// when the text has it exactly once.
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			pe.Line, pe.Column = locateToken(text, strings.Trim(msg[i+2:], `"`))
		}
		return nil, pe
	}
	return &avroSchema{root: s}, nil
}

// compareAvro resolves the reader schema against the writer schema with the
// rules of the Avro specification's "Schema Resolution" as Apache Avro's
// SchemaCompatibility (and so the registry) applies them.
func compareAvro(reader, writer *avroSchema) []issue {
	c := avroResolver{done: map[avroPair][]issue{}, busy: map[avroPair]bool{}}
	found := c.check(reader.root, writer.root)
	for i := range found {
		if found[i].loc == "" {
			found[i].loc = "/"
		}
	}
	return found
}

// avroPair is a reader/writer pair of (dereferenced) schemas.
type avroPair struct{ r, w avro.Schema }

type avroResolver struct {
	// done memoizes the issues (with locations relative to the pair) of
	// pairs already resolved: nested unions would otherwise be resolved
	// again and again.
	done map[avroPair][]issue
	// busy holds the pairs being resolved: meeting one again means a
	// recursive type, assumed compatible as Avro does.
	busy map[avroPair]bool
}

// deref follows references to named types defined earlier.
func deref(s avro.Schema) avro.Schema {
	for {
		ref, ok := s.(*avro.RefSchema)
		if !ok {
			return s
		}
		s = ref.Schema()
	}
}

// avroTypeName names a schema's type for messages: the full name of named
// types, the type otherwise.
func avroTypeName(s avro.Schema) string {
	if n, ok := s.(avro.NamedSchema); ok {
		return fmt.Sprintf("%s %s", s.Type(), n.FullName())
	}
	return string(s.Type())
}

// prefix prepends loc to the locations of found.
func prefix(loc string, found []issue) []issue {
	out := make([]issue, len(found))
	for i, is := range found {
		is.loc = loc + is.loc
		out[i] = is
	}
	return out
}

// check returns the incompatibilities of reading data written with w using
// r, with locations relative to r.
func (c *avroResolver) check(r, w avro.Schema) []issue {
	r, w = deref(r), deref(w)
	key := avroPair{r, w}
	if found, ok := c.done[key]; ok {
		return found
	}
	if c.busy[key] {
		// Only named types can recur.
		return nil
	}
	c.busy[key] = true
	found := c.resolve(r, w)
	delete(c.busy, key)
	c.done[key] = found
	return found
}

func (c *avroResolver) resolve(r, w avro.Schema) []issue {
	wu, wUnion := w.(*avro.UnionSchema)
	ru, rUnion := r.(*avro.UnionSchema)
	switch {
	case wUnion && rUnion:
		// Every writer branch must be readable by the reader's union.
		var found []issue
		for i, wb := range wu.Types() {
			if len(c.check(r, wb)) > 0 {
				found = append(found, issue{kind: AvroMissingUnionBranch, loc: fmt.Sprintf("/%d", i),
					msg: fmt.Sprintf("the reader's union has no branch that can read the writer's %s (writer union branch %d)", avroTypeName(deref(wb)), i)})
			}
		}
		return found
	case wUnion:
		// A non-union reader must read every writer branch.
		var found []issue
		for _, wb := range wu.Types() {
			found = append(found, c.check(r, wb)...)
		}
		return found
	case rUnion:
		// The first reader branch that can read the writer's type is used.
		for _, rb := range ru.Types() {
			if len(c.check(rb, w)) == 0 {
				return nil
			}
		}
		return []issue{{kind: AvroMissingUnionBranch, msg: fmt.Sprintf("the reader's union has no branch that can read the writer's %s", avroTypeName(w))}}
	}
	if r.Type() != w.Type() {
		if avroPromotes(w.Type(), r.Type()) {
			return nil
		}
		return []issue{{kind: AvroTypeMismatch, msg: fmt.Sprintf("the reader's %s cannot read the writer's %s", avroTypeName(r), avroTypeName(w))}}
	}
	switch rs := r.(type) {
	case *avro.ArraySchema:
		return prefix("/items", c.check(rs.Items(), w.(*avro.ArraySchema).Items()))
	case *avro.MapSchema:
		return prefix("/values", c.check(rs.Values(), w.(*avro.MapSchema).Values()))
	case *avro.FixedSchema:
		ws := w.(*avro.FixedSchema)
		found := avroNames(rs, ws)
		if rs.Size() != ws.Size() {
			found = append(found, issue{kind: AvroFixedSizeMismatch, loc: "/size",
				msg: fmt.Sprintf("fixed %s: the writer's size is %d, the reader's %d", rs.FullName(), ws.Size(), rs.Size())})
		}
		return found
	case *avro.EnumSchema:
		ws := w.(*avro.EnumSchema)
		found := avroNames(rs, ws)
		var missing []string
		for _, sym := range ws.Symbols() {
			if !slices.Contains(rs.Symbols(), sym) {
				missing = append(missing, sym)
			}
		}
		if len(missing) > 0 && !(rs.HasDefault() && slices.Contains(rs.Symbols(), rs.Default())) {
			found = append(found, issue{kind: AvroMissingEnumSymbols, loc: "/symbols",
				msg: fmt.Sprintf("enum %s: the reader lacks the writer's symbols %s and has no default symbol", rs.FullName(), strings.Join(missing, ", "))})
		}
		return found
	case *avro.RecordSchema:
		ws := w.(*avro.RecordSchema)
		found := avroNames(rs, ws)
		for i, rf := range rs.Fields() {
			wf := avroWriterField(ws, rf)
			if wf == nil {
				if !rf.HasDefault() {
					found = append(found, issue{kind: AvroReaderFieldMissingDefaultValue, loc: fmt.Sprintf("/fields/%d", i),
						msg: fmt.Sprintf("record %s: the reader's field %q has no default value and is missing from the writer's record", rs.FullName(), rf.Name())})
				}
				continue
			}
			found = append(found, prefix(fmt.Sprintf("/fields/%d/type", i), c.check(rf.Type(), wf.Type()))...)
		}
		return found
	}
	// Primitives of the same type, logical types included: the registry
	// resolves logical types by their underlying type.
	return nil
}

// avroPromotes reports whether data of the writer's primitive type can be
// read as the reader's.
func avroPromotes(w, r avro.Type) bool {
	switch r {
	case avro.Long:
		return w == avro.Int
	case avro.Float:
		return w == avro.Int || w == avro.Long
	case avro.Double:
		return w == avro.Int || w == avro.Long || w == avro.Float
	case avro.String:
		return w == avro.Bytes
	case avro.Bytes:
		return w == avro.String
	}
	return false
}

// avroNames checks that the reader's named type may read the writer's: the
// same unqualified name (as Avro's checker compares them), or a reader alias
// equal to the writer's full name.
func avroNames(r, w avro.NamedSchema) []issue {
	if r.Name() == w.Name() || slices.Contains(r.Aliases(), w.FullName()) {
		return nil
	}
	return []issue{{kind: AvroNameMismatch, loc: "/name",
		msg: fmt.Sprintf("the reader's %s %s does not match the writer's %s (no reader alias names it)", r.Type(), r.FullName(), w.FullName())}}
}

// avroWriterField finds the writer field a reader field reads: by name, then
// by the reader field's aliases.
func avroWriterField(w *avro.RecordSchema, rf *avro.Field) *avro.Field {
	for _, name := range append([]string{rf.Name()}, rf.Aliases()...) {
		for _, wf := range w.Fields() {
			if wf.Name() == name {
				return wf
			}
		}
	}
	return nil
}
