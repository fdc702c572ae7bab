// Package recordid encodes and decodes the record-identity header that kbench
// puts on every record it produces.
//
// The header (key HeaderKey) lets consumers and verifiers identify a record
// without keeping its payload: which run and producer instance wrote it, its
// sequence number within that producer, when it was meant to be sent and
// when it was sent, and a checksum of its value. The layout is fixed-size
// and big-endian so that pipelines in any language can read it; see
// docs/record-identity.md.
package recordid

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// HeaderKey is the Kafka record header key that carries the identity.
const HeaderKey = "kb"

// Version is the layout version this package writes.
const Version = 1

// Size is the encoded length of a version-1 identity, in bytes.
const Size = 42

// Errors returned by Decode.
var (
	// ErrShort means the header value is shorter than Size.
	ErrShort = errors.New("recordid: header too short")
	// ErrVersion means the header was written by an unknown layout version.
	ErrVersion = errors.New("recordid: unknown header version")
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum is the CRC-32C (Castagnoli) of a record value, as carried in the
// identity header.
func Checksum(value []byte) uint32 { return crc32.Checksum(value, castagnoli) }

// ID is a decoded record identity.
type ID struct {
	// RunID identifies one kbench run; records of other runs are ignored.
	RunID uint64
	// Stream identifies the producer instance within the run.
	Stream uint32
	// Seq is the record's sequence number within its stream, from 0.
	Seq uint64
	// Intended is when the pacer meant the record to be sent (Unix ns).
	Intended int64
	// Sent is when the record was handed to the client (Unix ns).
	Sent int64
	// Checksum is the CRC-32C of the record value (see Checksum).
	Checksum uint32
}

// Append appends the encoded identity to dst and returns the extended slice.
//
// Layout (all integers big-endian):
//
//	offset size field
//	0      1    version (1)
//	1      1    flags (0; reserved)
//	2      8    run id
//	10     4    stream (producer instance)
//	14     8    sequence number
//	22     8    intended send time, Unix nanoseconds
//	30     8    actual send time, Unix nanoseconds
//	38     4    CRC-32C of the value
func (id *ID) Append(dst []byte) []byte {
	dst = append(dst, Version, 0)
	dst = binary.BigEndian.AppendUint64(dst, id.RunID)
	dst = binary.BigEndian.AppendUint32(dst, id.Stream)
	dst = binary.BigEndian.AppendUint64(dst, id.Seq)
	dst = binary.BigEndian.AppendUint64(dst, uint64(id.Intended))
	dst = binary.BigEndian.AppendUint64(dst, uint64(id.Sent))
	return binary.BigEndian.AppendUint32(dst, id.Checksum)
}

// Decode parses an encoded identity. Bytes past Size are ignored, so later
// versions may append fields.
func Decode(b []byte) (ID, error) {
	if len(b) < 2 {
		return ID{}, ErrShort
	}
	if b[0] != Version {
		return ID{}, fmt.Errorf("%w %d", ErrVersion, b[0])
	}
	if len(b) < Size {
		return ID{}, ErrShort
	}
	return ID{
		RunID:    binary.BigEndian.Uint64(b[2:]),
		Stream:   binary.BigEndian.Uint32(b[10:]),
		Seq:      binary.BigEndian.Uint64(b[14:]),
		Intended: int64(binary.BigEndian.Uint64(b[22:])),
		Sent:     int64(binary.BigEndian.Uint64(b[30:])),
		Checksum: binary.BigEndian.Uint32(b[38:]),
	}, nil
}
