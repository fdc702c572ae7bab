package schemadata

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hamba/avro/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kbench/kbench/schema"
)

// Test helpers that check generated values with the schema libraries
// themselves, independently of the generator's code.

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// checker validates one encoded value.
type checker func(b []byte) error

// newChecker returns a checker of values of the schema, using only the
// libraries: hamba/avro, protobuf's dynamicpb, santhosh-tekuri/jsonschema.
func newChecker(t testing.TB, format schema.Format, text, message string) checker {
	t.Helper()
	switch format {
	case schema.Avro:
		s, err := avro.ParseWithCache(text, "", &avro.SchemaCache{})
		if err != nil {
			t.Fatal(err)
		}
		// A configuration per schema: hamba/avro's codec caches must not
		// mix schemas that share type names.
		api := avro.Config{DisableBlockSizeHeader: true}.Freeze()
		return func(b []byte) error { return checkAvro(api, s, b) }
	case schema.Protobuf:
		fd, err := compileProto(text)
		if err != nil {
			t.Fatal(err)
		}
		md, err := findMessage(fd, message)
		if err != nil {
			t.Fatal(err)
		}
		return func(b []byte) error { return checkProto(md, b) }
	case schema.JSON:
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft7) // as the schema package and the registry
		c.AssertFormat()
		if err := c.AddResource("https://test.invalid/s.json", doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile("https://test.invalid/s.json")
		if err != nil {
			t.Fatal(err)
		}
		return func(b []byte) error {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				return fmt.Errorf("not JSON: %v", err)
			}
			return s.Validate(v)
		}
	}
	t.Fatalf("unknown format %q", format)
	return nil
}

// checkAvro decodes b with hamba/avro and encodes the decoded value again:
// the two encodings must have the same length, so the decoder read all of
// b (Avro's encoding of a value is unique up to the order of map entries,
// which does not change lengths). api must encode arrays and maps as the
// generator does: item counts without block byte sizes (both forms are
// valid Avro).
func checkAvro(api avro.API, s avro.Schema, b []byte) error {
	var v any
	if err := api.Unmarshal(s, b, &v); err != nil {
		return fmt.Errorf("unmarshal: %v", err)
	}
	again, err := api.Marshal(s, v)
	if err != nil {
		return fmt.Errorf("re-marshal of %v: %v", v, err)
	}
	if len(again) != len(b) {
		return fmt.Errorf("decoded %d bytes as %v, which encodes to %d bytes", len(b), v, len(again))
	}
	return nil
}

// checkProto decodes b into a dynamic message of md (which checks wire
// types, UTF-8 and required fields), requires every field to be known, and
// requires b to be the canonical encoding's size.
func checkProto(md protoreflect.MessageDescriptor, b []byte) error {
	m := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(b, m); err != nil {
		return fmt.Errorf("unmarshal: %v", err)
	}
	if err := noUnknown(m, string(md.Name())); err != nil {
		return err
	}
	if n := proto.Size(m); n != len(b) {
		return fmt.Errorf("%d bytes decode to a message of canonical size %d", len(b), n)
	}
	return nil
}

func noUnknown(m protoreflect.Message, path string) error {
	if len(m.GetUnknown()) > 0 {
		return fmt.Errorf("%s has unknown fields %x", path, m.GetUnknown())
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		p := path + "." + string(fd.Name())
		switch {
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					err = noUnknown(mv.Message(), p)
					return err == nil
				})
			}
		case fd.IsList():
			if fd.Message() != nil {
				for i := range v.List().Len() {
					if err = noUnknown(v.List().Get(i).Message(), p); err != nil {
						break
					}
				}
			}
		case fd.Message() != nil:
			err = noUnknown(v.Message(), p)
		}
		return err == nil
	})
	return err
}
