package schemadata

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/brianvoe/gofakeit/v7/data"

	"github.com/kbench/kbench/internal/jsonstr"
)

// The time range of generated dates and timestamps: fixed, so that the same
// seed gives the same values whenever it runs (no wall clock is read).
var (
	timeLo = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	timeHi = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	dayMillis   = 24 * 60 * 60 * 1000
	daySeconds  = 24 * 60 * 60
	defaultWord = "word"
)

var (
	wordsOnce sync.Once
	wordList  []string
)

// words returns gofakeit's English words: single, lower-case, plain ASCII
// words, each once, in a fixed order. Read-only after the first call.
func words() []string {
	wordsOnce.Do(func() {
		seen := map[string]bool{}
		for _, l := range data.Word {
			for _, w := range l {
				for _, f := range strings.Fields(strings.ToLower(w)) {
					if !seen[f] && isPlainWord(f) {
						seen[f] = true
						wordList = append(wordList, f)
					}
				}
			}
		}
		if len(wordList) == 0 {
			wordList = []string{defaultWord}
		}
		sort.Strings(wordList)
	})
	return wordList
}

func isPlainWord(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

// appendWord appends one random word.
func appendWord(dst []byte, r *source) []byte {
	w := words()
	return append(dst, w[r.UintN(uint64(len(w)))]...)
}

// appendWords appends n words separated by spaces.
func appendWords(dst []byte, r *source, n int) []byte {
	for i := range n {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = appendWord(dst, r)
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendUUID appends a random version 4 UUID in its canonical text form.
func appendUUID(dst []byte, r *source) []byte {
	a, b := r.Uint64(), r.Uint64()
	a = a&^(0xf<<12) | 0x4<<12 // version 4
	b = b&^(0x3<<62) | 0x2<<62 // variant 10
	var raw [16]byte
	for i := range 8 {
		raw[i] = byte(a >> (56 - 8*i))
		raw[8+i] = byte(b >> (56 - 8*i))
	}
	for i, c := range raw {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}

// randomMillis returns a random instant in [timeLo, timeHi), in Unix
// milliseconds.
func randomMillis(r *source) int64 {
	return r.Between(timeLo.UnixMilli(), timeHi.UnixMilli()-1)
}

// appendDateTime appends an RFC 3339 timestamp (UTC, milliseconds).
func appendDateTime(dst []byte, ms int64) []byte {
	return time.UnixMilli(ms).UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z07:00")
}

// appendDate appends an RFC 3339 full-date.
func appendDate(dst []byte, ms int64) []byte {
	return time.UnixMilli(ms).UTC().AppendFormat(dst, time.DateOnly)
}

// appendTime appends an RFC 3339 full-time (UTC).
func appendTime(dst []byte, ms int64) []byte {
	return time.UnixMilli(ms).UTC().AppendFormat(dst, "15:04:05Z07:00")
}

// appendHostname appends a host name such as "word.word.com".
func appendHostname(dst []byte, r *source) []byte {
	dst = appendWord(dst, r)
	dst = append(dst, '.')
	dst = appendWord(dst, r)
	return append(dst, ".com"...)
}

// appendEmail appends an address such as "word.word@word.com".
func appendEmail(dst []byte, r *source) []byte {
	dst = appendWord(dst, r)
	dst = append(dst, '.')
	dst = appendWord(dst, r)
	dst = append(dst, '@')
	return appendHostname(dst, r)
}

// appendURL appends an address such as "https://word.word.com/word".
func appendURL(dst []byte, r *source) []byte {
	dst = append(dst, "https://"...)
	dst = appendHostname(dst, r)
	dst = append(dst, '/')
	return appendWord(dst, r)
}

// appendIPv4 appends a dotted-quad address.
func appendIPv4(dst []byte, r *source) []byte {
	v := r.Uint64()
	for i := range 4 {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = strconv.AppendUint(dst, (v>>(8*i))&0xff, 10)
	}
	return dst
}

// appendIPv6 appends a full (uncompressed) IPv6 address.
func appendIPv6(dst []byte, r *source) []byte {
	a, b := r.Uint64(), r.Uint64()
	for i := range 8 {
		if i > 0 {
			dst = append(dst, ':')
		}
		v := a
		if i >= 4 {
			v = b
		}
		dst = strconv.AppendUint(dst, (v>>(16*(i%4)))&0xffff, 16)
	}
	return dst
}

// appendISODuration appends an ISO 8601 duration such as "P3DT4H5M".
func appendISODuration(dst []byte, r *source) []byte {
	dst = append(dst, 'P')
	dst = strconv.AppendUint(dst, r.UintN(30), 10)
	dst = append(dst, "DT"...)
	dst = strconv.AppendUint(dst, r.UintN(24), 10)
	dst = append(dst, 'H')
	dst = strconv.AppendUint(dst, r.UintN(60), 10)
	return append(dst, 'M')
}

// appendJSONString appends s as a quoted JSON string. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does. s is only read during the call.
func appendJSONString(dst []byte, s []byte) []byte {
	return jsonstr.Append(dst, unsafe.String(unsafe.SliceData(s), len(s)))
}

// toValidUTF8 replaces invalid UTF-8 in b (in place when it is valid
// already; Protobuf strings must be valid UTF-8).
func toValidUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return []byte(strings.ToValidUTF8(string(b), "\ufffd"))
}
