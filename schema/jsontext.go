package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of schema documents: deeper documents are
// rejected rather than walked recursively.
const maxJSONDepth = 512

// jsonDoc is a decoded JSON document that remembers where each value starts,
// so that errors found after decoding can still name a line and column.
type jsonDoc struct {
	text string
	root any
	// pos maps a JSON pointer ("" for the root) to the byte offset of the
	// value's first character.
	pos map[string]int64
}

// decodeJSON decodes text (numbers as json.Number) and records positions.
// Errors are *ParseError with a position.
func decodeJSON(format Format, text string) (*jsonDoc, error) {
	d := &jsonDoc{text: text, pos: map[string]int64{}}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	p := posDecoder{dec: dec, doc: d}
	root, err := p.value("", 0)
	if err == nil {
		end := p.skip(dec.InputOffset())
		if _, terr := dec.Token(); terr != io.EOF {
			err = posError{offset: end, msg: "unexpected data after the end of the schema"}
		}
	}
	if err != nil {
		return nil, d.parseError(format, err)
	}
	d.root = root
	return d, nil
}

// posError is an error found while decoding at a known offset.
type posError struct {
	offset int64
	msg    string
}

func (e posError) Error() string { return e.msg }

// parseError turns a decoding error into a *ParseError with a position.
func (d *jsonDoc) parseError(format Format, err error) *ParseError {
	pe := &ParseError{Format: format, Msg: err.Error()}
	var se *json.SyntaxError
	var pos posError
	switch {
	case errors.As(err, &se):
		pe.Line, pe.Column = lineCol(d.text, se.Offset)
		pe.Msg = "invalid JSON: " + se.Error()
	case errors.As(err, &pos):
		pe.Line, pe.Column = lineCol(d.text, pos.offset)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		pe.Line, pe.Column = lineCol(d.text, int64(len(d.text)))
		pe.Msg = "invalid JSON: unexpected end of input"
	}
	return pe
}

// at returns the line and column of the value at the JSON pointer ptr, or
// of its closest ancestor that has a recorded position; 0, 0 if none.
func (d *jsonDoc) at(ptr string) (line, col int) {
	for {
		if off, ok := d.pos[ptr]; ok {
			return lineCol(d.text, off)
		}
		i := strings.LastIndexByte(ptr, '/')
		if i < 0 {
			return 0, 0
		}
		ptr = ptr[:i]
	}
}

type posDecoder struct {
	dec *json.Decoder
	doc *jsonDoc
}

// skip returns the offset of the next significant character at or after
// off: the decoder's offset stops before separators and white space.
func (p posDecoder) skip(off int64) int64 {
	t := p.doc.text
	for off < int64(len(t)) {
		switch t[off] {
		case ' ', '\t', '\n', '\r', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

func (p posDecoder) value(ptr string, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, posError{offset: p.skip(p.dec.InputOffset()), msg: fmt.Sprintf("nested more than %d levels deep", maxJSONDepth)}
	}
	start := p.skip(p.dec.InputOffset())
	p.doc.pos[ptr] = start
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	switch delim {
	case '{':
		m := map[string]any{}
		for p.dec.More() {
			kt, err := p.dec.Token()
			if err != nil {
				return nil, err
			}
			key, ok := kt.(string)
			if !ok {
				return nil, posError{offset: start, msg: "object key is not a string"}
			}
			v, err := p.value(ptr+"/"+escapePointer(key), depth+1)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		if _, err := p.dec.Token(); err != nil {
			return nil, err
		}
		return m, nil
	case '[':
		a := []any{}
		for i := 0; p.dec.More(); i++ {
			v, err := p.value(fmt.Sprintf("%s/%d", ptr, i), depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := p.dec.Token(); err != nil {
			return nil, err
		}
		return a, nil
	}
	return nil, posError{offset: start, msg: fmt.Sprintf("unexpected %q", delim)}
}

// escapePointer escapes a JSON pointer reference token (RFC 6901).
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// unescapePointer undoes escapePointer.
func unescapePointer(s string) string {
	if !strings.Contains(s, "~") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// lineCol converts a byte offset into a 1-based line and column (counted in
// characters).
func lineCol(text string, off int64) (line, col int) {
	if off > int64(len(text)) {
		off = int64(len(text))
	}
	if off < 0 {
		off = 0
	}
	before := text[:off]
	line = 1 + strings.Count(before, "\n")
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, 1 + utf8.RuneCountInString(before)
}

// locateToken returns the position of the only occurrence of the quoted
// JSON string token in text, to place errors of parsers that give no
// position; 0, 0 when it is absent or ambiguous.
func locateToken(text, token string) (line, col int) {
	q, _ := json.Marshal(token)
	first := bytes.Index([]byte(text), q)
	if first < 0 || strings.Count(text, string(q)) != 1 {
		return 0, 0
	}
	return lineCol(text, int64(first))
}
