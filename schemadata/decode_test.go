package schemadata

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hamba/avro/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kbench/kbench/schema"
)

// values makes n values of a testdata schema.
func values(t *testing.T, format schema.Format, file string, n int, opts Options) [][]byte {
	t.Helper()
	g, err := NewGenerator(format, readTestdata(t, file), opts)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]byte, n)
	for i := range out {
		if out[i], err = g.AppendValue(nil); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func newTestDecoder(t *testing.T, format schema.Format, file string, opts DecodeOptions) *Decoder {
	t.Helper()
	d, err := NewDecoder(format, readTestdata(t, file), opts)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAvroEvolution reads v1 records with the v2 schema, which renames
// name to full_name (with an alias), removes age and address.zip, and adds
// country with a default.
func TestAvroEvolution(t *testing.T) {
	writer := readTestdata(t, "avro/user_v1.avsc")
	ws := avro.MustParse(writer)
	d := newTestDecoder(t, schema.Avro, "avro/user_v2.avsc", DecodeOptions{})
	withAddress := 0
	for i, b := range values(t, schema.Avro, "avro/user_v1.avsc", 300, Options{Seed: 3, NullRatio: 0.5}) {
		res, err := d.Decode(b, writer, nil)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		var orig map[string]any
		if err := avro.Unmarshal(ws, b, &orig); err != nil {
			t.Fatal(err)
		}
		want := []string{"age"}
		if orig["address"] != nil {
			want = append(want, "address.zip")
			withAddress++
		}
		if !slices.Equal(res.Dropped, want) {
			t.Fatalf("record %d: dropped %v, want %v", i, res.Dropped, want)
		}
		if !slices.Equal(res.Defaulted, []string{"country"}) {
			t.Fatalf("record %d: defaulted %v, want [country]", i, res.Defaulted)
		}
		if res.Lossless() || len(res.Unknown)+len(res.Invalid) != 0 {
			t.Fatalf("record %d: Lossless %v with %+v", i, res.Lossless(), res)
		}
		got := res.Value.(map[string]any)
		if got["country"] != "NL" || got["full_name"] != orig["name"] || got["id"] != orig["id"] {
			t.Fatalf("record %d: read %v from %v", i, got, orig)
		}
		if _, ok := got["age"]; ok {
			t.Fatalf("record %d: the reader got the dropped field age: %v", i, got)
		}
	}
	if withAddress == 0 || withAddress == 300 {
		t.Fatalf("%d of 300 records have an address: the test needs both kinds", withAddress)
	}
}

func TestAvroSameSchemaLosesNothing(t *testing.T) {
	text := readTestdata(t, "avro/unions.avsc")
	d := newTestDecoder(t, schema.Avro, "avro/unions.avsc", DecodeOptions{})
	for i, b := range values(t, schema.Avro, "avro/unions.avsc", 200, Options{Seed: 9}) {
		res, err := d.Decode(b, text, nil)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !res.Lossless() || len(res.Defaulted) > 0 {
			t.Fatalf("record %d: %+v", i, res)
		}
	}
}

func TestAvroDecodeErrors(t *testing.T) {
	v1 := readTestdata(t, "avro/user_v1.avsc")
	v2 := readTestdata(t, "avro/user_v2.avsc")
	rec := values(t, schema.Avro, "avro/user_v1.avsc", 1, Options{Seed: 1, NullRatio: -1})[0]
	for _, tc := range []struct {
		name, reader, writer string
		payload              []byte
		want                 string
	}{
		{"required field added", "avro/user_v3_incompatible.avsc", v1, rec, "cannot read records written with this schema"},
		{"v1 reads v2: name and age missing", "avro/user_v1.avsc", v2, rec, "cannot read records written with this schema"},
		{"truncated", "avro/user_v2.avsc", v1, rec[:len(rec)-3], "cannot read the record"},
		{"trailing bytes", "avro/user_v2.avsc", v1, append(slices.Clone(rec), 0, 0), "bytes follow the record"},
		{"no writer schema", "avro/user_v2.avsc", "", rec, "needs the writer's schema"},
		{"bad writer schema", "avro/user_v2.avsc", `{"type":"record"}`, rec, "writer schema: invalid avro schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newTestDecoder(t, schema.Avro, tc.reader, DecodeOptions{})
			for range 2 { // the second time from the writer cache
				_, err := d.Decode(tc.payload, tc.writer, nil)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("error %v, want one containing %q", err, tc.want)
				}
			}
		})
	}
}

// TestProtoUnknownFields reads v2 records (new fields email, previous and
// Address.zip) with the v1 schema.
func TestProtoUnknownFields(t *testing.T) {
	writer := readTestdata(t, "proto/user_v2.proto")
	wfd, err := compileProto(writer)
	if err != nil {
		t.Fatal(err)
	}
	wmd := wfd.Messages().ByName("User")
	d := newTestDecoder(t, schema.Protobuf, "proto/user_v1.proto", DecodeOptions{})
	g, err := NewGenerator(schema.Protobuf, writer, Options{Seed: 5, NullRatio: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for i := range 300 {
		b, err := g.AppendValue(nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Decode(b, writer, g.MessageIndexes())
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		orig := dynamicpb.NewMessage(wmd)
		if err := proto.Unmarshal(b, orig); err != nil {
			t.Fatal(err)
		}
		var want []string
		fields := wmd.Fields()
		if orig.Has(fields.ByName("address")) && orig.Get(fields.ByName("address")).Message().Has(fields.ByName("address").Message().Fields().ByName("zip")) {
			want = append(want, "address.zip")
		}
		if orig.Has(fields.ByName("email")) {
			want = append(want, "email")
		}
		if orig.Has(fields.ByName("previous")) {
			want = append(want, "previous")
		}
		got := slices.Sorted(slices.Values(res.Unknown))
		if !slices.Equal(got, want) {
			t.Fatalf("record %d: unknown %v, want %v", i, got, want)
		}
		for _, u := range got {
			seen[u] = true
		}
		if len(want) > 0 == res.Lossless() {
			t.Fatalf("record %d: Lossless %v with unknown %v", i, res.Lossless(), got)
		}
		if m, ok := res.Value.(protoreflect.ProtoMessage); !ok || m.ProtoReflect().Descriptor().FullName() != "test.evolve.User" {
			t.Fatalf("record %d: value %T", i, res.Value)
		}
	}
	for _, u := range []string{"email", "previous", "address.zip"} {
		if !seen[u] {
			t.Errorf("no record had %s unknown: the test does not cover it", u)
		}
	}
}

func TestProtoOldWriterNewReader(t *testing.T) {
	writer := readTestdata(t, "proto/user_v1.proto")
	d := newTestDecoder(t, schema.Protobuf, "proto/user_v2.proto", DecodeOptions{})
	for i, b := range values(t, schema.Protobuf, "proto/user_v1.proto", 100, Options{Seed: 2}) {
		res, err := d.Decode(b, writer, []int{0})
		if err != nil || !res.Lossless() {
			t.Fatalf("record %d: %+v %v", i, res, err)
		}
	}
	// An empty writer schema means the reader's own.
	b := values(t, schema.Protobuf, "proto/user_v2.proto", 1, Options{})[0]
	if res, err := d.Decode(b, "", nil); err != nil || !res.Lossless() {
		t.Fatalf("own schema: %+v %v", res, err)
	}
}

func TestProtoDecodeErrors(t *testing.T) {
	v1 := readTestdata(t, "proto/user_v1.proto")
	rec := values(t, schema.Protobuf, "proto/user_v1.proto", 1, Options{Seed: 1})[0]
	other := "syntax = \"proto3\";\npackage other;\nmessage Thing { string x = 1; }\n"
	legacy := readTestdata(t, "proto/legacy.proto")
	for _, tc := range []struct {
		name, reader, writer string
		opts                 DecodeOptions
		payload              []byte
		indexes              []int
		want                 string
	}{
		{"garbage", v1, v1, DecodeOptions{}, []byte{0xff, 0xff, 0xff}, nil, "cannot read the record as test.evolve.User"},
		{"no such index", v1, v1, DecodeOptions{}, rec, []int{5}, "no message at index 5"},
		{"reader lacks the message", other, v1, DecodeOptions{}, rec, nil, "the reader schema has no message test.evolve.User"},
		{"required field missing", legacy, v1, DecodeOptions{Message: "test.legacy.Legacy"}, []byte{}, nil, "required field"},
		{"bad writer schema", v1, "syntax = \"proto3\"; message {", DecodeOptions{}, rec, nil, "writer schema: invalid protobuf schema: line 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDecoder(schema.Protobuf, tc.reader, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.Decode(tc.payload, tc.writer, tc.indexes)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestJSONEvolution reads v2 records with the v1 schema (email and
// address.zip undeclared) and v1 records with the v2 schema (email
// required: invalid).
func TestJSONEvolution(t *testing.T) {
	old := newTestDecoder(t, schema.JSON, "json/user_v1.json", DecodeOptions{})
	withAddress := 0
	for i, b := range values(t, schema.JSON, "json/user_v2.json", 200, Options{Seed: 4, NullRatio: 0.5}) {
		res, err := old.Decode(b, "", nil)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		want := []string{"email"}
		if strings.Contains(string(b), `"address"`) {
			want = []string{"address.zip", "email"}
			withAddress++
		}
		if !slices.Equal(res.Unknown, want) || len(res.Invalid) > 0 {
			t.Fatalf("record %d %s: unknown %v invalid %v, want unknown %v", i, b, res.Unknown, res.Invalid, want)
		}
	}
	if withAddress == 0 || withAddress == 200 {
		t.Fatalf("%d of 200 records have an address: the test needs both kinds", withAddress)
	}
	newer := newTestDecoder(t, schema.JSON, "json/user_v2.json", DecodeOptions{})
	for i, b := range values(t, schema.JSON, "json/user_v1.json", 100, Options{Seed: 4}) {
		res, err := newer.Decode(b, "", nil)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if len(res.Unknown) > 0 || res.Lossless() || !strings.Contains(fmt.Sprint(res.Invalid), "missing property 'email'") {
			t.Fatalf("record %d %s: %+v", i, b, res)
		}
	}
	if _, err := newer.Decode([]byte(`{"id": 1,`), "", nil); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Fatalf("truncated JSON: %v", err)
	}
}

// TestDecodeRecord frames generated values and reads them back through
// the header, in every format.
func TestDecodeRecord(t *testing.T) {
	for _, tc := range []struct {
		format schema.Format
		file   string
		msg    string
	}{
		{schema.Avro, "avro/orders.avsc", ""},
		{schema.Protobuf, "proto/scalars.proto", "Scalars.Inner"},
		{schema.JSON, "json/orders.json", ""},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			text := readTestdata(t, tc.file)
			g, err := NewGenerator(tc.format, text, Options{Message: tc.msg})
			if err != nil {
				t.Fatal(err)
			}
			d, err := NewDecoder(tc.format, text, DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			lookup := func(id uint32) (string, error) {
				if id != 42 {
					return "", fmt.Errorf("no schema %d", id)
				}
				return text, nil
			}
			for range 50 {
				rec := AppendHeader(nil, 42, g.MessageIndexes())
				if rec, err = g.AppendValue(rec); err != nil {
					t.Fatal(err)
				}
				res, id, err := d.DecodeRecord(rec, lookup)
				if err != nil || id != 42 || !res.Lossless() {
					t.Fatalf("id %d, %+v, %v", id, res, err)
				}
			}
			rec := AppendHeader(nil, 43, g.MessageIndexes())
			if _, _, err := d.DecodeRecord(rec, lookup); err == nil || !strings.Contains(err.Error(), "writer schema 43: no schema 43") {
				t.Fatalf("unknown id: %v", err)
			}
		})
	}
}

// TestDecoderConcurrent decodes from several goroutines (run with -race).
func TestDecoderConcurrent(t *testing.T) {
	writer := readTestdata(t, "avro/user_v1.avsc")
	d := newTestDecoder(t, schema.Avro, "avro/user_v2.avsc", DecodeOptions{})
	recs := values(t, schema.Avro, "avro/user_v1.avsc", 50, Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for _, b := range recs {
				if _, err := d.Decode(b, writer, nil); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestNewDecoderErrors(t *testing.T) {
	for _, tc := range []struct {
		format schema.Format
		text   string
		opts   DecodeOptions
		want   string
	}{
		{schema.Avro, "", DecodeOptions{}, "the schema is empty"},
		{schema.Avro, `{"type": "nope"}`, DecodeOptions{}, "invalid avro schema"},
		{schema.Protobuf, `syntax = "proto3";`, DecodeOptions{}, "declares no message"},
		{schema.Protobuf, readTestdata(t, "proto/user_v1.proto"), DecodeOptions{Message: "Nope"}, `has no message "Nope" (messages: User, Address)`},
		{schema.JSON, `{"type": 5}`, DecodeOptions{}, "invalid json schema"},
		{"xml", "<a/>", DecodeOptions{}, "unknown schema format"},
	} {
		_, err := NewDecoder(tc.format, tc.text, tc.opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: error %v, want one containing %q", tc.format, tc.text, err, tc.want)
		}
	}
}
