package schemadata

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/schema"
)

var fuzzFormats = []schema.Format{schema.Avro, schema.Protobuf, schema.JSON}

// FuzzNewGenerator: no schema text makes NewGenerator or AppendValue
// panic, and every value made is valid for the schema. With
// SCHEMADATA_FUZZ_SLOW set, an input taking over 2s also fails (to find
// schemas that make generation slow).
func FuzzNewGenerator(f *testing.F) {
	for i, dir := range []string{"avro", "proto", "json"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err == nil {
				f.Add(uint8(i), string(b))
			}
		}
	}
	f.Add(uint8(0), `["null", "int", {"type": "array", "items": "string"}]`)
	f.Add(uint8(0), `{"type": "enum", "name": "E", "symbols": ["A"]}`)
	f.Add(uint8(1), "syntax = \"proto2\";\nmessage A { optional group G = 1 { required int32 x = 2; } }")
	f.Add(uint8(2), `{"type": "string", "pattern": "^[a-c]{2,}(x|y)?$", "maxLength": 3}`)
	f.Add(uint8(2), `{"type": ["number", "null"], "multipleOf": 0.3, "exclusiveMinimum": -1}`)
	f.Add(uint8(2), `{"items": [{"const": 1}], "additionalItems": false, "minItems": 1}`)
	f.Fuzz(func(t *testing.T, which uint8, text string) {
		format := fuzzFormats[int(which)%len(fuzzFormats)]
		if len(text) > 4096 {
			return
		}
		if os.Getenv("SCHEMADATA_FUZZ_SLOW") != "" {
			start := time.Now()
			defer func() {
				if d := time.Since(start); d > 2*time.Second {
					t.Fatalf("took %v", d)
				}
			}()
		}
		g, err := NewGenerator(format, text, Options{MaxItems: 2, MaxRecursion: 2})
		if errors.Is(err, errPanic) {
			t.Fatal(err)
		}
		if err != nil {
			return
		}
		var check checker
		for range 3 {
			v, err := g.AppendValue(nil)
			if err != nil {
				if !strings.Contains(err.Error(), "tries") && !strings.Contains(err.Error(), "hint") {
					t.Fatalf("AppendValue: %v", err)
				}
				continue
			}
			if len(v) > 1<<22 {
				t.Fatalf("a %d-byte value", len(v))
			}
			if check == nil {
				check = newChecker(t, format, text, "")
			}
			if err := check(v); err != nil {
				t.Fatalf("value %q does not validate: %v", v, err)
			}
		}
	})
}

// FuzzDecode: no payload makes a Decoder panic or loop, whatever the
// format; a payload that decodes has a value.
func FuzzDecode(f *testing.F) {
	type pair struct{ reader, writer string }
	pairs := []pair{
		{"avro/user_v2.avsc", "avro/user_v1.avsc"},
		{"proto/user_v1.proto", "proto/user_v2.proto"},
		{"json/user_v1.json", "json/user_v2.json"},
	}
	var decoders []*Decoder
	var writers []string
	for i, p := range pairs {
		d, err := NewDecoder(fuzzFormats[i], readTestdata(f, p.reader), DecodeOptions{})
		if err != nil {
			f.Fatal(err)
		}
		decoders = append(decoders, d)
		writers = append(writers, readTestdata(f, p.writer))
		g, err := NewGenerator(fuzzFormats[i], writers[i], Options{})
		if err != nil {
			f.Fatal(err)
		}
		for range 3 {
			v, _ := g.AppendValue(nil)
			f.Add(uint8(i), v)
		}
	}
	f.Add(uint8(0), []byte{0x02, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	f.Fuzz(func(t *testing.T, which uint8, payload []byte) {
		i := int(which) % len(decoders)
		res, err := decoders[i].Decode(payload, writers[i], nil)
		if errors.Is(err, errPanic) {
			t.Fatal(err)
		}
		if err == nil && res.Value == nil && i != 2 {
			t.Fatalf("decoded %x without a value", payload)
		}
	})
}
