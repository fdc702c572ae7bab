package schemadata

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/reporter"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// recoverParser turns a panic of a schema library into a parse error:
// the libraries are fed with user input and some of their checks panic
// on malformed schemas. Deferred by the parse functions.
func recoverParser(format string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("invalid %s schema: the %s parser failed on it (%v)", format, format, p)
	}
}

// protoFileName is the name schema text is compiled under; errors point
// into it by line and column.
const protoFileName = "schema.proto"

// compileProto compiles .proto text. Only the google/protobuf/*.proto
// files may be imported (schema references are not resolved).
func compileProto(text string) (fd protoreflect.FileDescriptor, err error) {
	defer recoverParser("protobuf", &err)
	resolver := protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: func(path string) (io.ReadCloser, error) {
			if path != protoFileName {
				return nil, fmt.Errorf("%s: imports of other schemas (schema references) are not supported; only google/protobuf/*.proto", path)
			}
			return io.NopCloser(strings.NewReader(text)), nil
		},
	})
	comp := protocompile.Compiler{
		Resolver:       resolver,
		MaxParallelism: 1,
		Reporter:       reporter.NewReporter(func(err reporter.ErrorWithPos) error { return err }, nil),
	}
	files, err := comp.Compile(context.Background(), protoFileName)
	if err != nil {
		var ewp reporter.ErrorWithPos
		if errors.As(err, &ewp) {
			pos := ewp.GetPosition()
			msg := err.Error()
			if inner := ewp.Unwrap(); inner != nil {
				msg = inner.Error()
			}
			if pos.Filename == protoFileName && pos.Line > 0 {
				return nil, fmt.Errorf("invalid protobuf schema: line %d, column %d: %s", pos.Line, pos.Col, msg)
			}
			return nil, fmt.Errorf("invalid protobuf schema: %s", msg)
		}
		return nil, fmt.Errorf("invalid protobuf schema: %v", err)
	}
	return files[0], nil
}

// findMessage returns the message of fd named name: a full name, or a name
// relative to the package. An empty name picks the file's first message.
func findMessage(fd protoreflect.FileDescriptor, name string) (protoreflect.MessageDescriptor, error) {
	if name == "" {
		if fd.Messages().Len() == 0 {
			return nil, fmt.Errorf("the protobuf schema declares no message")
		}
		return fd.Messages().Get(0), nil
	}
	name = strings.TrimPrefix(name, ".")
	var found protoreflect.MessageDescriptor
	var names []string
	var walk func(ms protoreflect.MessageDescriptors)
	walk = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			m := ms.Get(i)
			if m.IsMapEntry() {
				continue
			}
			full := string(m.FullName())
			rel := strings.TrimPrefix(full, string(fd.Package())+".")
			names = append(names, rel)
			if found == nil && (full == name || rel == name) {
				found = m
			}
			walk(m.Messages())
		}
	}
	walk(fd.Messages())
	if found == nil {
		if len(names) == 0 {
			return nil, fmt.Errorf("the protobuf schema declares no message")
		}
		return nil, fmt.Errorf("the protobuf schema has no message %q (messages: %s)", name, strings.Join(names, ", "))
	}
	return found, nil
}

// messageIndexes returns the registry's message-index path of m: at
// each level, the position of the message among the messages declared in
// its parent (the file, then enclosing messages). Like the registry, it
// counts declared messages only: the entry types the compiler makes for
// map fields do not take a position.
func messageIndexes(m protoreflect.MessageDescriptor) []int {
	var rev []int
	var d protoreflect.Descriptor = m
	for {
		md, ok := d.(protoreflect.MessageDescriptor)
		if !ok {
			break
		}
		var siblings protoreflect.MessageDescriptors
		switch p := md.Parent().(type) {
		case protoreflect.MessageDescriptor:
			siblings = p.Messages()
		case protoreflect.FileDescriptor:
			siblings = p.Messages()
		}
		pos := 0
		for i := range md.Index() {
			if !siblings.Get(i).IsMapEntry() {
				pos++
			}
		}
		rev = append(rev, pos)
		d = md.Parent()
	}
	out := make([]int, len(rev))
	for i, v := range rev {
		out[len(rev)-1-i] = v
	}
	return out
}

// declared returns the i-th declared (not map entry) message of ms.
func declared(ms protoreflect.MessageDescriptors, i int) (protoreflect.MessageDescriptor, int) {
	n := 0
	for k := range ms.Len() {
		m := ms.Get(k)
		if m.IsMapEntry() {
			continue
		}
		if n == i {
			return m, n + 1
		}
		n++
	}
	return nil, n
}

// messageAt returns the message of fd at a message-index path (nil or
// empty: the first message).
func messageAt(fd protoreflect.FileDescriptor, indexes []int) (protoreflect.MessageDescriptor, error) {
	if len(indexes) == 0 {
		indexes = []int{0}
	}
	ms := fd.Messages()
	var m protoreflect.MessageDescriptor
	for depth, i := range indexes {
		var count int
		if i >= 0 {
			m, count = declared(ms, i)
		}
		if m == nil {
			return nil, fmt.Errorf("message indexes %v: no message at index %d of level %d of the writer's schema (it declares %d there)", indexes, i, depth, count)
		}
		ms = m.Messages()
	}
	return m, nil
}

// jsonSchemaURL is the base URI of every JSON Schema document compiled
// here. Nothing is ever fetched: references outside the document fail.
const jsonSchemaURL = "https://kbench.invalid/schema.json"

type refuseLoader struct{}

func (refuseLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external reference %s: only references inside the schema are supported", url)
}

// compileJSONSchema decodes and compiles a JSON Schema document (draft-07
// when it names no $schema), with format assertions on, as kbench both
// generates and checks formats.
func compileJSONSchema(text string) (s *jsonschema.Schema, err error) {
	defer recoverParser("json", &err)
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("invalid json schema: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.AssertFormat()
	c.UseLoader(refuseLoader{})
	if err := c.AddResource(jsonSchemaURL, doc); err != nil {
		return nil, fmt.Errorf("invalid json schema: %s", strings.ReplaceAll(err.Error(), jsonSchemaURL, "schema"))
	}
	s, err = c.Compile(jsonSchemaURL)
	if err != nil {
		return nil, fmt.Errorf("invalid json schema: %s", strings.ReplaceAll(err.Error(), jsonSchemaURL, "schema"))
	}
	return s, nil
}

// schemaPointer returns the JSON pointer of a compiled schema inside the
// document ("" for the root).
func schemaPointer(s *jsonschema.Schema) string {
	_, ptr, _ := strings.Cut(s.Location, "#")
	return ptr
}

// propertyOrder maps the JSON pointer of every "properties" object of a
// JSON document to its keys in document order (compiled schemas keep
// properties in a map, which has no order).
func propertyOrder(text string) map[string][]string {
	out := map[string][]string{}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var walk func(ptr string, depth int, keysOf bool) error
	walk = func(ptr string, depth int, keysOf bool) error {
		if depth > 512 {
			return fmt.Errorf("too deep")
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		d, ok := tok.(json.Delim)
		if !ok {
			return nil
		}
		switch d {
		case '{':
			var keys []string
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				keys = append(keys, k)
				if err := walk(ptr+"/"+escapePointer(k), depth+1, k == "properties" && !keysOf); err != nil {
					return err
				}
			}
			if keysOf {
				out[ptr] = keys
			}
		case '[':
			for i := 0; dec.More(); i++ {
				if err := walk(fmt.Sprintf("%s/%d", ptr, i), depth+1, false); err != nil {
					return err
				}
			}
		}
		_, err = dec.Token() // the closing delimiter
		return err
	}
	_ = walk("", 0, false) // the compiler has already accepted the text
	return out
}

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
