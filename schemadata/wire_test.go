package schemadata

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/kbench/kbench/schema"
)

// TestAppendHeader checks headers against byte vectors worked out from the
// registry's documentation: magic byte 0, the id in 4 big-endian bytes,
// then for Protobuf the message-index array (zig-zag varint count, then
// zig-zag varint indexes; [0] as the single byte 0).
func TestAppendHeader(t *testing.T) {
	for _, tc := range []struct {
		name    string
		id      uint32
		indexes []int
		want    []byte
	}{
		{"avro id 1337", 1337, nil, []byte{0, 0, 0, 0x05, 0x39}},
		{"avro id 1", 1, nil, []byte{0, 0, 0, 0, 1}},
		{"max id", 0xffffffff, nil, []byte{0, 0xff, 0xff, 0xff, 0xff}},
		{"first message: short form", 7, []int{0}, []byte{0, 0, 0, 0, 7, 0}},
		{"empty means first", 7, []int{}, []byte{0, 0, 0, 0, 7, 0}},
		{"second message", 7, []int{1}, []byte{0, 0, 0, 0, 7, 0x02, 0x02}},
		{"nested [1, 0]", 7, []int{1, 0}, []byte{0, 0, 0, 0, 7, 0x04, 0x02, 0x00}},
		{"nested [0, 2, 1]", 7, []int{0, 2, 1}, []byte{0, 0, 0, 0, 7, 0x06, 0x00, 0x04, 0x02}},
		{"index 64 takes two bytes", 7, []int{64}, []byte{0, 0, 0, 0, 7, 0x02, 0x80, 0x01}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := AppendHeader([]byte{}, tc.id, tc.indexes)
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("AppendHeader(%d, %v) = % x, want % x", tc.id, tc.indexes, got, tc.want)
			}
			// Appending keeps what dst held.
			if got := AppendHeader([]byte{9}, tc.id, tc.indexes); !bytes.Equal(got[1:], tc.want) || got[0] != 9 {
				t.Fatalf("AppendHeader onto a prefix = % x", got)
			}
		})
	}
}

func TestParseHeader(t *testing.T) {
	payload := []byte{0x08, 'f', 'o', 'o', 'o'}
	for _, tc := range []struct {
		name    string
		in      []byte
		format  schema.Format
		id      uint32
		indexes []int
		rest    []byte
		err     error
	}{
		{"avro", append([]byte{0, 0, 0, 0x05, 0x39}, payload...), schema.Avro, 1337, nil, payload, nil},
		{"json, empty payload", []byte{0, 0, 0, 0, 3}, schema.JSON, 3, nil, []byte{}, nil},
		{"protobuf short form", append([]byte{0, 0, 0, 0, 7, 0}, payload...), schema.Protobuf, 7, []int{0}, payload, nil},
		{"protobuf [1, 0]", append([]byte{0, 0, 0, 0, 7, 4, 2, 0}, payload...), schema.Protobuf, 7, []int{1, 0}, payload, nil},
		{"protobuf long form of [0]", []byte{0, 0, 0, 0, 7, 2, 0}, schema.Protobuf, 7, []int{0}, []byte{}, nil},
		{"empty", nil, schema.Avro, 0, nil, nil, ErrTruncated},
		{"wrong magic", []byte{1, 0, 0, 0, 1}, schema.Avro, 0, nil, nil, ErrMagicByte},
		{"plain JSON is not framed", []byte(`{"a":1}`), schema.JSON, 0, nil, nil, ErrMagicByte},
		{"short id", []byte{0, 0, 0}, schema.Avro, 0, nil, nil, ErrTruncated},
		{"protobuf without indexes", []byte{0, 0, 0, 0, 7}, schema.Protobuf, 0, nil, nil, ErrTruncated},
		{"protobuf count without indexes", []byte{0, 0, 0, 0, 7, 4, 2}, schema.Protobuf, 0, nil, nil, ErrTruncated},
		{"varint cut short", []byte{0, 0, 0, 0, 7, 0x80}, schema.Protobuf, 0, nil, nil, ErrTruncated},
		{"negative count", []byte{0, 0, 0, 0, 7, 1}, schema.Protobuf, 0, nil, nil, ErrBadVarint},
		{"negative index", []byte{0, 0, 0, 0, 7, 2, 1}, schema.Protobuf, 0, nil, nil, ErrBadVarint},
		{"varint over 5 bytes", []byte{0, 0, 0, 0, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, schema.Protobuf, 0, nil, nil, ErrBadVarint},
		{"varint over 32 bits", []byte{0, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff, 0x7f}, schema.Protobuf, 0, nil, nil, ErrBadVarint},
		{"too many indexes", append([]byte{0, 0, 0, 0, 7, 0xfe, 0x01}, make([]byte, 200)...), schema.Protobuf, 0, nil, nil, ErrBadVarint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, idx, rest, err := ParseHeader(tc.in, tc.format)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if id != tc.id || !slices.Equal(idx, tc.indexes) || !bytes.Equal(rest, tc.rest) {
				t.Fatalf("got id %d indexes %v payload % x; want %d %v % x", id, idx, rest, tc.id, tc.indexes, tc.rest)
			}
		})
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	for _, idx := range [][]int{{0}, {1}, {3, 0, 2}, {0, 0}, {1 << 20}, {2147483647}} {
		b := AppendHeader(nil, 99, idx)
		b = append(b, 0xaa)
		id, got, rest, err := ParseHeader(b, schema.Protobuf)
		if err != nil || id != 99 || !slices.Equal(got, idx) || !bytes.Equal(rest, []byte{0xaa}) {
			t.Errorf("%v: got %d %v % x %v", idx, id, got, rest, err)
		}
	}
}

// FuzzParseHeader: no input panics, and a header that parses writes out
// again (in canonical form) to one that parses the same.
func FuzzParseHeader(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 1}, true)
	f.Add([]byte{0, 0, 0, 0, 7, 4, 2, 0, 1, 2}, true)
	f.Add([]byte{0, 0, 0, 0, 7, 0x80, 0x80}, true)
	f.Add([]byte{1, 2, 3}, false)
	f.Fuzz(func(t *testing.T, b []byte, proto bool) {
		format := schema.Avro
		if proto {
			format = schema.Protobuf
		}
		id, idx, rest, err := ParseHeader(b, format)
		if err != nil {
			if !errors.Is(err, ErrMagicByte) && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrBadVarint) {
				t.Fatalf("error %v wraps none of the package's errors", err)
			}
			return
		}
		if proto != (idx != nil) {
			t.Fatalf("format %s gave indexes %v", format, idx)
		}
		if len(rest) > len(b) || !bytes.HasSuffix(b, rest) {
			t.Fatal("the payload is not the tail of the input")
		}
		again := AppendHeader(nil, id, idx)
		id2, idx2, rest2, err := ParseHeader(append(again, rest...), format)
		if err != nil || id2 != id || !slices.Equal(idx2, idx) || !bytes.Equal(rest2, rest) {
			t.Fatalf("round trip of % x: %d %v %v", b, id2, idx2, err)
		}
	})
}
