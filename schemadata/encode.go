package schemadata

import (
	"encoding/binary"
	"math"
)

// Wire-level helpers shared by the Avro and Protobuf encoders.

// appendUvarint appends v as an unsigned LEB128 varint.
func appendUvarint(dst []byte, v uint64) []byte {
	for v >= 0x80 {
		dst = append(dst, byte(v)|0x80)
		v >>= 7
	}
	return append(dst, byte(v))
}

// zigzag maps signed to unsigned integers so that small magnitudes stay
// small: 0, -1, 1, -2 -> 0, 1, 2, 3.
func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// appendLong appends an Avro int or long (zig-zag varint).
func appendLong(dst []byte, v int64) []byte { return appendUvarint(dst, zigzag(v)) }

func appendFloat32LE(dst []byte, v float32) []byte {
	return binary.LittleEndian.AppendUint32(dst, math.Float32bits(v))
}

func appendFloat64LE(dst []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
}

// beginLen reserves one byte for a length prefix and returns its offset;
// the content follows, then endLen writes the real prefix. Most contents
// are short enough for one byte; longer ones are shifted right in place.
func beginLen(dst []byte) ([]byte, int) { return append(dst, 0), len(dst) }

// endLen writes the varint v (derived from the content length by the
// caller) at the reserved offset mark, moving the content if v needs more
// than one byte.
func endLen(dst []byte, mark int, v uint64) []byte {
	if v < 0x80 {
		dst[mark] = byte(v)
		return dst
	}
	var tmp [binary.MaxVarintLen64]byte
	k := len(appendUvarint(tmp[:0], v))
	end := len(dst)
	dst = append(dst, tmp[:k-1]...)
	copy(dst[mark+k:], dst[mark+1:end])
	copy(dst[mark:], tmp[:k])
	return dst
}

// contentLen is the length of the content written after the reserved
// byte at mark.
func contentLen(dst []byte, mark int) uint64 { return uint64(len(dst) - mark - 1) }

// appendRandomBytes appends n random bytes.
func appendRandomBytes(dst []byte, r *source, n int) []byte {
	for n >= 8 {
		dst = binary.LittleEndian.AppendUint64(dst, r.Uint64())
		n -= 8
	}
	if n > 0 {
		v := r.Uint64()
		for range n {
			dst = append(dst, byte(v))
			v >>= 8
		}
	}
	return dst
}

// roundTo rounds v to the given number of decimals.
func roundTo(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(v*p) / p
}
