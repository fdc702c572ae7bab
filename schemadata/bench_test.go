package schemadata

import (
	"testing"

	"github.com/kbench/kbench/schema"
)

// BenchmarkAppendValue makes values of the ten-field order schema in each
// format, into a reused buffer.
func BenchmarkAppendValue(b *testing.B) {
	for _, bc := range []struct {
		name, file string
		format     schema.Format
		hints      map[string]string
	}{
		{"avro", "avro/orders.avsc", schema.Avro, nil},
		{"protobuf", "proto/orders.proto", schema.Protobuf, nil},
		{"json", "json/orders.json", schema.JSON, nil},
		{"avro-hints", "avro/orders.avsc", schema.Avro, map[string]string{"customer": "name", "email": "email", "quantity": "int:1..5"}},
		{"json-hints", "json/orders.json", schema.JSON, map[string]string{"customer": "name", "email": "email", "quantity": "int:1..5"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			g, err := NewGenerator(bc.format, readTestdata(b, bc.file), Options{Seed: 1, Hints: bc.hints})
			if err != nil {
				b.Fatal(err)
			}
			buf := make([]byte, 0, 4096)
			b.ReportAllocs()
			total := 0
			for b.Loop() {
				buf, err = g.AppendValue(buf[:0])
				if err != nil {
					b.Fatal(err)
				}
				total += len(buf)
			}
			b.ReportMetric(float64(total)/float64(b.N), "B/value")
		})
	}
}

// BenchmarkHeader writes and reads a Protobuf wire-format header.
func BenchmarkHeader(b *testing.B) {
	buf := make([]byte, 0, 64)
	idx := []int{1, 0}
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendHeader(buf[:0], 42, idx)
		if _, _, _, err := ParseHeader(buf, schema.Protobuf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode reads order values with their own schema.
func BenchmarkDecode(b *testing.B) {
	for _, bc := range []struct {
		name, file string
		format     schema.Format
	}{
		{"avro", "avro/orders.avsc", schema.Avro},
		{"protobuf", "proto/orders.proto", schema.Protobuf},
		{"json", "json/orders.json", schema.JSON},
	} {
		b.Run(bc.name, func(b *testing.B) {
			text := readTestdata(b, bc.file)
			g, err := NewGenerator(bc.format, text, Options{Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			d, err := NewDecoder(bc.format, text, DecodeOptions{})
			if err != nil {
				b.Fatal(err)
			}
			var payloads [][]byte
			for range 64 {
				v, err := g.AppendValue(nil)
				if err != nil {
					b.Fatal(err)
				}
				payloads = append(payloads, v)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := d.Decode(payloads[i%len(payloads)], text, g.MessageIndexes()); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
