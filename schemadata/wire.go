package schemadata

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kbench/kbench/schema"
)

// The Schema Registry wire format: a magic byte 0, the schema id as 4
// big-endian bytes, then (Protobuf only) the message-index array, then the
// encoded value.
const (
	// MagicByte is the first byte of every framed record.
	MagicByte byte = 0
	// HeaderSize is the size of the magic byte and schema id.
	HeaderSize = 5
)

// maxMessageIndexes bounds the message-index array ParseHeader accepts:
// deeper message nesting is not plausible, and the bound keeps hostile
// input from allocating much.
const maxMessageIndexes = 64

// Errors of ParseHeader, to test with errors.Is; the returned error wraps
// one of them with the details.
var (
	// ErrMagicByte: the first byte is not 0, so the record was not
	// written by a Schema Registry serializer (or is not framed at all).
	ErrMagicByte = errors.New("not in the Schema Registry wire format: the first (magic) byte is not 0")
	// ErrTruncated: the input ends inside the header.
	ErrTruncated = errors.New("truncated Schema Registry header")
	// ErrBadVarint: a message-index varint is malformed or out of range.
	ErrBadVarint = errors.New("bad message-index varint")
)

// AppendHeader appends the wire-format header of a record to dst: the
// magic byte, id big-endian, and, when msgIndexes is not nil, the Protobuf
// message-index array (its length then each index, as zig-zag varints;
// the common [0], the first message of the file, as the single byte 0, as
// the registry's serializers write it). Pass nil msgIndexes for Avro and
// JSON Schema, and Generator.MessageIndexes() for Protobuf. An empty,
// non-nil msgIndexes is written as [0].
func AppendHeader(dst []byte, id uint32, msgIndexes []int) []byte {
	dst = append(dst, MagicByte)
	dst = binary.BigEndian.AppendUint32(dst, id)
	if msgIndexes == nil {
		return dst
	}
	if len(msgIndexes) == 0 || len(msgIndexes) == 1 && msgIndexes[0] == 0 {
		return append(dst, 0)
	}
	dst = binary.AppendVarint(dst, int64(len(msgIndexes)))
	for _, i := range msgIndexes {
		dst = binary.AppendVarint(dst, int64(int32(i)))
	}
	return dst
}

// ParseHeader reads the wire-format header at the start of b, as written
// for the given format: the schema id, the message indexes (Protobuf only:
// never empty, [0] for the single-byte short form; nil for other formats)
// and the payload after the header (a sub-slice of b). Errors wrap
// ErrMagicByte, ErrTruncated or ErrBadVarint.
func ParseHeader(b []byte, format schema.Format) (id uint32, msgIndexes []int, payload []byte, err error) {
	if len(b) == 0 {
		return 0, nil, nil, fmt.Errorf("%w: the record is empty (want at least %d bytes)", ErrTruncated, HeaderSize)
	}
	if b[0] != MagicByte {
		return 0, nil, nil, fmt.Errorf("%w: got 0x%02x; check that the producer used a Schema Registry serializer for this topic", ErrMagicByte, b[0])
	}
	if len(b) < HeaderSize {
		return 0, nil, nil, fmt.Errorf("%w: %d bytes, want at least %d (magic byte and 4-byte schema id)", ErrTruncated, len(b), HeaderSize)
	}
	id = binary.BigEndian.Uint32(b[1:HeaderSize])
	rest := b[HeaderSize:]
	if format != schema.Protobuf {
		return id, nil, rest, nil
	}
	n, rest, err := readIndexVarint(rest, -1)
	if err != nil {
		return 0, nil, nil, err
	}
	switch {
	case n == 0:
		return id, []int{0}, rest, nil
	case n < 0:
		return 0, nil, nil, fmt.Errorf("%w: the message-index count is negative (%d)", ErrBadVarint, n)
	case n > maxMessageIndexes:
		return 0, nil, nil, fmt.Errorf("%w: %d message indexes (at most %d are accepted); is this really a Protobuf record?", ErrBadVarint, n, maxMessageIndexes)
	case int(n) > len(rest):
		return 0, nil, nil, fmt.Errorf("%w: %d message indexes announced, %d bytes left", ErrTruncated, n, len(rest))
	}
	msgIndexes = make([]int, n)
	for i := range msgIndexes {
		var v int32
		v, rest, err = readIndexVarint(rest, i)
		if err != nil {
			return 0, nil, nil, err
		}
		if v < 0 {
			return 0, nil, nil, fmt.Errorf("%w: message index %d is negative (%d)", ErrBadVarint, i, v)
		}
		msgIndexes[i] = int(v)
	}
	return id, msgIndexes, rest, nil
}

// readIndexVarint reads one zig-zag varint that must fit an int32 (the
// registry writes Java ints): at most 5 bytes. i is the index's position,
// -1 for the count, for errors.
func readIndexVarint(b []byte, i int) (int32, []byte, error) {
	what := func() string {
		if i < 0 {
			return "the message-index count"
		}
		return fmt.Sprintf("message index %d", i)
	}
	var u uint64
	for k := 0; k < 5; k++ {
		if k >= len(b) {
			return 0, nil, fmt.Errorf("%w: the input ends inside %s", ErrTruncated, what())
		}
		c := b[k]
		u |= uint64(c&0x7f) << (7 * k)
		if c < 0x80 {
			if u > 0xffffffff {
				return 0, nil, fmt.Errorf("%w: %s does not fit 32 bits", ErrBadVarint, what())
			}
			v := int64(u>>1) ^ -int64(u&1)
			return int32(v), b[k+1:], nil
		}
	}
	return 0, nil, fmt.Errorf("%w: %s runs past 5 bytes", ErrBadVarint, what())
}
