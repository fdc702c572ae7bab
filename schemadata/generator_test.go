package schemadata

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/kbench/kbench/schema"
)

// genCase is a testdata schema with generator options.
type genCase struct {
	file    string
	format  schema.Format
	message string
	opts    Options
}

func (tc *genCase) name() string {
	return fmt.Sprintf("%s/%s/%d-hints", tc.file, tc.message, len(tc.opts.Hints))
}

// generatorCases are the testdata schemas every generator test runs on.
var generatorCases = []genCase{
	{file: "avro/orders.avsc", format: schema.Avro},
	{file: "avro/logical.avsc", format: schema.Avro},
	{file: "avro/recursive.avsc", format: schema.Avro},
	{file: "avro/unions.avsc", format: schema.Avro},
	{file: "avro/user_v1.avsc", format: schema.Avro},
	{file: "avro/orders.avsc", format: schema.Avro, opts: Options{Hints: map[string]string{
		"customer": "name", "email": "email", "quantity": "int:1..5", "amount": "price:1..500",
		"paid": "bool", "created_at": "sequence", "tags": "word", "attributes": "int:-10..10",
	}}},
	{file: "avro/unions.avsc", format: schema.Avro, opts: Options{Hints: map[string]string{
		"mixed": "email", "maybe_name": "name", "collection": "word", "address.city": "city", "billing.geo.lat": "latitude",
	}}},
	{file: "proto/orders.proto", format: schema.Protobuf},
	{file: "proto/scalars.proto", format: schema.Protobuf, message: "Scalars"},
	{file: "proto/scalars.proto", format: schema.Protobuf, message: "Scalars.Inner"},
	{file: "proto/scalars.proto", format: schema.Protobuf, message: "test.scalars.Header"},
	{file: "proto/legacy.proto", format: schema.Protobuf},
	{file: "proto/user_v2.proto", format: schema.Protobuf},
	{file: "proto/scalars.proto", format: schema.Protobuf, message: "test.scalars.Scalars", opts: Options{Hints: map[string]string{
		"f_string": "email", "f_int32": "int:-100..-1", "f_uint32": "int:5..6", "f_sint64": "sequence",
		"f_double": "latitude", "f_float": "float:1..2", "f_bool": "bool", "r_string": "uuid",
		"m_string": "city", "f_bytes": "sentence:2..3", "header.trace_id": "uuid", "f_fixed64": "int:7..7",
	}}},
	{file: "json/orders.json", format: schema.JSON},
	{file: "json/types.json", format: schema.JSON},
	{file: "json/recursive.json", format: schema.JSON},
	{file: "json/draft4.json", format: schema.JSON},
	{file: "json/checked.json", format: schema.JSON},
	{file: "json/user_v2.json", format: schema.JSON},
	{file: "json/orders.json", format: schema.JSON, opts: Options{Hints: map[string]string{
		"customer": "name", "email": "email", "tags": "word", "attributes": "int:1..3",
	}}},
}

// TestGeneratedValuesValidate makes 1000 values of every testdata schema
// and checks each with the format's own library.
func TestGeneratedValuesValidate(t *testing.T) {
	for i := range generatorCases {
		tc := &generatorCases[i]
		t.Run(tc.name(), func(t *testing.T) {
			t.Parallel()
			text := readTestdata(t, tc.file)
			opts := tc.opts
			opts.Message = tc.message
			opts.Seed = uint64(i) + 1
			g, err := NewGenerator(tc.format, text, opts)
			if err != nil {
				t.Fatalf("NewGenerator: %v", err)
			}
			check := newChecker(t, tc.format, text, tc.message)
			distinct := map[string]bool{}
			var buf []byte
			for n := range 1000 {
				buf, err = g.AppendValue(buf[:0])
				if err != nil {
					t.Fatalf("value %d: %v", n, err)
				}
				if err := check(buf); err != nil {
					t.Fatalf("value %d (%q) does not validate: %v", n, buf, err)
				}
				distinct[string(buf)] = true
			}
			if len(distinct) < 100 {
				t.Errorf("only %d distinct values in 1000", len(distinct))
			}
		})
	}
}

// TestGeneratorDeterministic checks that seed and stream fix the values.
func TestGeneratorDeterministic(t *testing.T) {
	for i := range generatorCases {
		tc := &generatorCases[i]
		t.Run(tc.name(), func(t *testing.T) {
			t.Parallel()
			text := readTestdata(t, tc.file)
			make := func(seed, stream uint64) []byte {
				opts := tc.opts
				opts.Message, opts.Seed, opts.Stream = tc.message, seed, stream
				g, err := NewGenerator(tc.format, text, opts)
				if err != nil {
					t.Fatal(err)
				}
				var all []byte
				for range 50 {
					if all, err = g.AppendValue(all); err != nil {
						t.Fatal(err)
					}
				}
				return all
			}
			a, b := make(7, 1), make(7, 1)
			if !bytes.Equal(a, b) {
				t.Fatal("the same seed and stream gave different values")
			}
			if bytes.Equal(a, make(7, 2)) {
				t.Error("streams 1 and 2 gave the same values")
			}
			if bytes.Equal(a, make(8, 1)) {
				t.Error("seeds 7 and 8 gave the same values")
			}
		})
	}
}
