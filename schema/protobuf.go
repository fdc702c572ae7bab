package schema

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// protoFile is the name the schema text is compiled under.
const protoFile = "schema.proto"

// protoSchema is a compiled .proto file.
type protoSchema struct {
	pkg string
	// messages maps message names relative to the package ("Outer.Inner")
	// to their descriptors; map entry types are left out.
	messages map[string]protoreflect.MessageDescriptor
	order    []string // message names in declaration order
}

// parseProto compiles the schema text with protocompile. Only the
// google/protobuf/*.proto files may be imported: kbench does not resolve
// schema references.
func parseProto(text string) (*protoSchema, error) {
	resolver := protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: func(path string) (io.ReadCloser, error) {
			if path != protoFile {
				return nil, fmt.Errorf("%s: imports of other schemas (schema references) are not supported", path)
			}
			return protocompile.SourceAccessorFromMap(map[string]string{protoFile: text})(path)
		},
	})
	comp := protocompile.Compiler{
		Resolver:       resolver,
		MaxParallelism: 1,
		Reporter:       reporter.NewReporter(func(err reporter.ErrorWithPos) error { return err }, nil),
	}
	files, err := comp.Compile(context.Background(), protoFile)
	if err != nil {
		pe := &ParseError{Format: Protobuf, Msg: err.Error()}
		var ewp reporter.ErrorWithPos
		if errors.As(err, &ewp) {
			if pos := ewp.GetPosition(); pos.Filename == protoFile {
				pe.Line, pe.Column = pos.Line, pos.Col
			}
			if inner := ewp.Unwrap(); inner != nil {
				pe.Msg = inner.Error()
			}
		}
		return nil, pe
	}
	fd := files[0]
	s := &protoSchema{pkg: string(fd.Package()), messages: map[string]protoreflect.MessageDescriptor{}}
	s.collect(fd.Messages())
	return s, nil
}

func (s *protoSchema) collect(msgs protoreflect.MessageDescriptors) {
	for i := range msgs.Len() {
		m := msgs.Get(i)
		if m.IsMapEntry() {
			continue
		}
		name := s.rel(m.FullName())
		s.messages[name] = m
		s.order = append(s.order, name)
		s.collect(m.Messages())
	}
}

// rel returns a full name relative to the file's package.
func (s *protoSchema) rel(full protoreflect.FullName) string {
	if s.pkg == "" {
		return string(full)
	}
	return strings.TrimPrefix(string(full), s.pkg+".")
}

// protoPath turns a relative message name into a location.
func protoPath(rel string) string {
	return "#/" + strings.ReplaceAll(rel, ".", "/")
}

// compareProto reports what keeps a program compiled with the reader's
// schema from reading messages written with the writer's. Fields are
// matched by number; messages by name (relative to the package), the way
// the registry matches them.
func compareProto(r, w *protoSchema) []issue {
	var found []issue
	if r.pkg != w.pkg {
		found = append(found, issue{kind: ProtoPackageChanged, loc: "#/",
			msg: fmt.Sprintf("the package changed from %q to %q", w.pkg, r.pkg)})
	}
	for _, name := range w.order {
		rm, ok := r.messages[name]
		if !ok {
			found = append(found, issue{kind: ProtoMessageRemoved, loc: protoPath(name),
				msg: fmt.Sprintf("the reader has no message %s: records written with it cannot be read", name)})
			continue
		}
		found = append(found, compareMessage(r, w, rm, w.messages[name], protoPath(name))...)
	}
	return found
}

// realOneof returns the field's oneof unless there is none or it is the
// synthetic oneof of a proto3 optional field.
func realOneof(f protoreflect.FieldDescriptor) protoreflect.OneofDescriptor {
	if o := f.ContainingOneof(); o != nil && !o.IsSynthetic() {
		return o
	}
	return nil
}

func hasRealOneof(m protoreflect.MessageDescriptor, name protoreflect.Name) bool {
	o := m.Oneofs().ByName(name)
	return o != nil && !o.IsSynthetic()
}

func fieldPath(path string, f protoreflect.FieldDescriptor) string {
	if o := realOneof(f); o != nil {
		return fmt.Sprintf("%s/%s/%d", path, o.Name(), f.Number())
	}
	return fmt.Sprintf("%s/%d", path, f.Number())
}

func compareMessage(rs, ws *protoSchema, r, w protoreflect.MessageDescriptor, path string) []issue {
	var found []issue
	// A field of a writer oneof that the reader keeps must stay in a oneof:
	// otherwise the reader may see a field set that the writer's oneof
	// semantics cleared.
	for i := range w.Oneofs().Len() {
		wo := w.Oneofs().Get(i)
		if wo.IsSynthetic() || !hasRealOneof(r, wo.Name()) {
			continue
		}
		for j := range wo.Fields().Len() {
			wf := wo.Fields().Get(j)
			if rf := r.Fields().ByNumber(wf.Number()); rf == nil || realOneof(rf) == nil {
				found = append(found, issue{kind: ProtoOneofFieldRemoved, loc: fmt.Sprintf("%s/%s/%d", path, wo.Name(), wf.Number()),
					msg: fmt.Sprintf("message %s: field %s (%d) of oneof %s is no longer in a oneof of the reader", rs.rel(r.FullName()), wf.Name(), wf.Number(), wo.Name())})
			}
		}
	}
	// Fields the writer could set together must not meet in a reader oneof.
	for i := range r.Oneofs().Len() {
		ro := r.Oneofs().Get(i)
		if ro.IsSynthetic() {
			continue
		}
		var moved []protoreflect.FieldDescriptor
		fromOneofs := map[protoreflect.Name]bool{}
		for j := range ro.Fields().Len() {
			wf := w.Fields().ByNumber(ro.Fields().Get(j).Number())
			if wf == nil {
				continue
			}
			if o := realOneof(wf); o != nil {
				fromOneofs[o.Name()] = true
			} else {
				moved = append(moved, wf)
			}
		}
		existing := hasRealOneof(w, ro.Name()) || len(fromOneofs) > 0
		switch {
		case len(moved) > 1 || len(fromOneofs) > 1:
			found = append(found, issue{kind: ProtoMultipleFieldsMovedToOneof, loc: fmt.Sprintf("%s/%s", path, ro.Name()),
				msg: fmt.Sprintf("message %s: oneof %s holds fields the writer may set together", rs.rel(r.FullName()), ro.Name())})
		case len(moved) == 1 && existing:
			found = append(found, issue{kind: ProtoFieldMovedToExistingOneof, loc: fmt.Sprintf("%s/%s/%d", path, ro.Name(), moved[0].Number()),
				msg: fmt.Sprintf("message %s: field %s (%d) moved into the existing oneof %s", rs.rel(r.FullName()), moved[0].Name(), moved[0].Number(), ro.Name())})
		}
	}
	for i := range w.Fields().Len() {
		wf := w.Fields().Get(i)
		rf := r.Fields().ByNumber(wf.Number())
		if rf == nil {
			if wf.Cardinality() == protoreflect.Required {
				found = append(found, issue{kind: ProtoRequiredFieldRemoved, loc: fieldPath(path, wf),
					msg: fmt.Sprintf("message %s: the writer's required field %s (%d) is missing from the reader", rs.rel(r.FullName()), wf.Name(), wf.Number())})
			}
			continue
		}
		found = append(found, compareField(rs, ws, rf, wf, fieldPath(path, rf), fmt.Sprintf("field %s (%d)", rf.Name(), rf.Number()))...)
	}
	for i := range r.Fields().Len() {
		rf := r.Fields().Get(i)
		if rf.Cardinality() != protoreflect.Required {
			continue
		}
		if wf := w.Fields().ByNumber(rf.Number()); wf == nil || wf.Cardinality() != protoreflect.Required {
			found = append(found, issue{kind: ProtoRequiredFieldAdded, loc: fieldPath(path, rf),
				msg: fmt.Sprintf("message %s: the reader requires field %s (%d), which the writer may leave out", rs.rel(r.FullName()), rf.Name(), rf.Number())})
		}
	}
	return found
}

func isMessage(f protoreflect.FieldDescriptor) bool {
	return f.Kind() == protoreflect.MessageKind || f.Kind() == protoreflect.GroupKind
}

// wireGroup names the set of scalar types a value can move between without
// changing its encoding (the Protobuf language guide's compatible groups).
func wireGroup(k protoreflect.Kind) string {
	switch k {
	case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind,
		protoreflect.BoolKind, protoreflect.EnumKind:
		return "varint"
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return "zigzag"
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return "fixed32"
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return "fixed64"
	case protoreflect.StringKind, protoreflect.BytesKind:
		return "length-delimited"
	}
	return k.String() // float, double: alone
}

func typeName(s *protoSchema, f protoreflect.FieldDescriptor) string {
	switch {
	case f.IsMap():
		return fmt.Sprintf("map<%s, %s>", typeName(s, f.MapKey()), typeName(s, f.MapValue()))
	case isMessage(f):
		return s.rel(f.Message().FullName())
	case f.Kind() == protoreflect.EnumKind:
		return "enum " + s.rel(f.Enum().FullName())
	}
	return f.Kind().String()
}

// compareField compares two fields of the same number; where names the
// field in messages.
func compareField(rs, ws *protoSchema, r, w protoreflect.FieldDescriptor, loc, where string) []issue {
	switch {
	case isMessage(r) != isMessage(w):
		return []issue{{kind: ProtoFieldKindChanged, loc: loc,
			msg: fmt.Sprintf("%s: the writer's %s is read as %s", where, typeName(ws, w), typeName(rs, r))}}
	case r.IsMap() && w.IsMap():
		found := compareField(rs, ws, r.MapKey(), w.MapKey(), loc+"/key", where+" map key")
		return append(found, compareField(rs, ws, r.MapValue(), w.MapValue(), loc+"/value", where+" map value")...)
	case isMessage(r):
		if rs.rel(r.Message().FullName()) != ws.rel(w.Message().FullName()) {
			return []issue{{kind: ProtoFieldNamedTypeChanged, loc: loc,
				msg: fmt.Sprintf("%s: the message type changed from %s to %s", where, typeName(ws, w), typeName(rs, r))}}
		}
	case wireGroup(r.Kind()) != wireGroup(w.Kind()):
		return []issue{{kind: ProtoFieldScalarKindChanged, loc: loc,
			msg: fmt.Sprintf("%s: the writer's %s is not wire-compatible with the reader's %s", where, typeName(ws, w), typeName(rs, r))}}
	}
	if r.IsList() != w.IsList() && !r.IsMap() && !w.IsMap() && !isMessage(r) && wireGroup(r.Kind()) != "length-delimited" {
		return []issue{{kind: ProtoFieldNumericLabelChanged, loc: loc,
			msg: fmt.Sprintf("%s: a %s field changed between singular and repeated", where, typeName(rs, r))}}
	}
	return nil
}
