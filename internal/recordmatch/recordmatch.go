// Package recordmatch ties a pipeline's output records to the input
// records kbench produced: by kbench's identity header, which the pipeline
// copies, or by an identity string kbench writes into a field of each JSON
// value, for pipelines that drop headers. It also decides whether an output
// record kept what the pipeline promises to keep (its key, its value).
package recordmatch

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/maphash"
	"strconv"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/scenarios"
)

// KeyChecksumHeader is the record header that carries the CRC-32C of the
// record key (4 bytes, big-endian) when a pipeline must keep keys
// (pipeline.same_key) and is matched by header.
const KeyChecksumHeader = "kbk"

// tokenPrefix starts the identity string written into JSON values for
// match: json:$.path.
const tokenPrefix = "kb1."

// AppendToken appends the identity as written into a JSON value: "kb1."
// and the base64url encoding of the identity header.
func AppendToken(dst []byte, id *recordid.ID) []byte {
	var raw [recordid.Size]byte
	dst = append(dst, tokenPrefix...)
	return base64.RawURLEncoding.AppendEncode(dst, id.Append(raw[:0]))
}

// ParseToken decodes a token written by AppendToken.
func ParseToken(s []byte) (recordid.ID, bool) {
	rest, ok := bytes.CutPrefix(s, []byte(tokenPrefix))
	if !ok {
		return recordid.ID{}, false
	}
	var raw [recordid.Size + 2]byte
	b, err := base64.RawURLEncoding.AppendDecode(raw[:0], rest)
	if err != nil {
		return recordid.ID{}, false
	}
	id, err := recordid.Decode(b)
	return id, err == nil
}

// Writer adds to a pipeline's input records what its Reader needs.
type Writer struct {
	// jsonPrefix opens the identity member of each JSON value, e.g.
	// `{"meta":{"order_id":"`; jsonClose closes it (`"}`). Empty for
	// match: header.
	jsonPrefix, jsonClose []byte
	// keySum adds KeyChecksumHeader (match: header, same_key).
	keySum bool
}

// NewWriter returns the Writer of pipeline pl's input records.
func NewWriter(pl *scenarios.Pipeline) *Writer {
	pp := &Writer{keySum: pl.SameKey && pl.Match.Header}
	if path := pl.Match.JSONPath; len(path) > 0 {
		pp.jsonPrefix = append(pp.jsonPrefix, '{')
		for i, seg := range path {
			if i > 0 {
				pp.jsonPrefix = append(pp.jsonPrefix, '{')
			}
			pp.jsonPrefix = strconv.AppendQuote(pp.jsonPrefix, seg)
			pp.jsonPrefix = append(pp.jsonPrefix, ':')
		}
		pp.jsonPrefix = append(pp.jsonPrefix, '"')
		pp.jsonClose = append(pp.jsonClose, '"')
		for range len(path) - 1 {
			pp.jsonClose = append(pp.jsonClose, '}')
		}
	}
	return pp
}

// Record returns the value and the extra header value (nil for none) of
// the input record with key, generated value and identity id. For match:
// json the value is value with the identity written first, made in *buf
// (reused), and id.Checksum becomes that of the new value; the identity
// in the value carries the key's checksum instead (the value holds it, so
// cannot be checksummed by it). With same_key and match: header, the key's
// checksum goes into the KeyChecksumHeader header, written into keySum.
func (pp *Writer) Record(key, value []byte, id *recordid.ID, buf *[]byte, keySum *[4]byte) (newValue, keyHeader []byte) {
	newValue = value
	if pp.keySum {
		keyHeader = binary.BigEndian.AppendUint32(keySum[:0], recordid.Checksum(key))
	}
	if pp.jsonPrefix != nil {
		tok := *id
		tok.Checksum = recordid.Checksum(key)
		*buf = pp.AppendValue((*buf)[:0], value, tok)
		newValue = *buf
		id.Checksum = recordid.Checksum(newValue)
	}
	return newValue, keyHeader
}

// AppendValue appends to dst the JSON object value with the identity
// member (holding id's token) first.
func (pp *Writer) AppendValue(dst, value []byte, id recordid.ID) []byte {
	dst = append(dst, pp.jsonPrefix...)
	dst = AppendToken(dst, &id)
	dst = append(dst, pp.jsonClose...)
	inner := bytes.TrimSpace(value)
	if len(inner) >= 2 && inner[0] == '{' {
		inner = bytes.TrimSpace(inner[1:])
		if len(inner) > 0 && inner[0] != '}' {
			dst = append(dst, ',')
		}
		return append(dst, inner...)
	}
	return append(dst, '}')
}

// Reader ties a pipeline's output records to input identities
// and decides whether they arrived intact.
type Reader struct {
	jsonPath           []string
	sameKey, sameValue bool
}

// NewReader returns the Reader of pipeline pl's output records.
func NewReader(pl *scenarios.Pipeline) *Reader {
	return &Reader{jsonPath: pl.Match.JSONPath, sameKey: pl.SameKey, sameValue: pl.SameValue}
}

// Identify returns the input identity of output record rec, and the
// checksum to give the verifier: the identity's own when the record is
// intact as far as the pipeline promises, another one when not.
func (pc *Reader) Identify(rec *kgo.Record) (id recordid.ID, sum uint32, ok bool) {
	var keySum []byte
	if len(pc.jsonPath) > 0 {
		tok, found := JSONString(rec.Value, pc.jsonPath)
		if !found {
			return id, 0, false
		}
		if id, ok = ParseToken(tok); !ok {
			return id, 0, false
		}
		// The token's checksum is the key's.
		intact := !pc.sameKey || recordid.Checksum(rec.Key) == id.Checksum
		return id, tampered(id.Checksum, intact), true
	}
	for _, h := range rec.Headers {
		switch h.Key {
		case recordid.HeaderKey:
			if !ok {
				var err error
				id, err = recordid.Decode(h.Value)
				ok = err == nil
			}
		case KeyChecksumHeader:
			keySum = h.Value
		}
	}
	if !ok {
		return id, 0, false
	}
	intact := true
	if pc.sameValue {
		intact = recordid.Checksum(rec.Value) == id.Checksum
	}
	if pc.sameKey {
		intact = intact && len(keySum) == 4 && binary.BigEndian.Uint32(keySum) == recordid.Checksum(rec.Key)
	}
	return id, tampered(id.Checksum, intact), true
}

var keySeed = maphash.MakeSeed()

// KeyHash hashes a record key for the verifier's key order check; the same
// key gives the same hash within a process.
func KeyHash(key []byte) uint64 { return maphash.Bytes(keySeed, key) }

// tampered returns sum when intact, and a different checksum otherwise,
// which the verifier reports as corrupted.
func tampered(sum uint32, intact bool) uint32 {
	if intact {
		return sum
	}
	return ^sum
}

// JSONString returns the string at path in the JSON object value (its
// raw contents, which for kbench's tokens need no unescaping).
func JSONString(value []byte, path []string) ([]byte, bool) {
	cur := json.RawMessage(value)
	for _, seg := range path {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(cur, &obj); err != nil {
			return nil, false
		}
		next, ok := obj[seg]
		if !ok {
			return nil, false
		}
		cur = next
	}
	var s string
	if err := json.Unmarshal(cur, &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}
