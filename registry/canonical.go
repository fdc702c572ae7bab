package registry

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/kbench/kbench/schema"
)

// canonical returns the form in which two schema texts of the same format
// are compared: equal canonical forms make the same schema, with the same
// global id.
//
//   - Avro and JSON Schema: the JSON document re-encoded with object keys
//     sorted and no whitespace; numbers keep their literal spelling. Avro's
//     {"type": "string"} (a primitive type as an object with no other key)
//     becomes "string", as Avro itself prints it.
//   - Protobuf: the tokens of the text with comments dropped, one space
//     apart, so only whitespace and comments are ignored.
//
// The text must be valid (schema.Validate); canonical falls back to the
// text itself if it is not.
func canonical(format schema.Format, text string) string {
	switch format {
	case schema.Avro, schema.JSON:
		dec := json.NewDecoder(strings.NewReader(text))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return text
		}
		if format == schema.Avro {
			v = collapseAvroPrimitives(v)
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return text
		}
		return strings.TrimSuffix(b.String(), "\n")
	case schema.Protobuf:
		return strings.Join(protoTokens(text), " ")
	}
	return text
}

// avroPrimitives are the Avro primitive type names.
var avroPrimitives = map[string]bool{
	"null": true, "boolean": true, "int": true, "long": true,
	"float": true, "double": true, "bytes": true, "string": true,
}

// collapseAvroPrimitives replaces every {"type": "<primitive>"} object that
// has no other key by the primitive's name, at any depth.
func collapseAvroPrimitives(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 1 {
			if name, ok := t["type"].(string); ok && avroPrimitives[name] {
				return name
			}
		}
		for k, child := range t {
			t[k] = collapseAvroPrimitives(child)
		}
		return t
	case []any:
		for i, child := range t {
			t[i] = collapseAvroPrimitives(child)
		}
		return t
	}
	return v
}

// protoPunct are the characters that form tokens of their own in .proto
// text.
const protoPunct = "{}[]()<>;,=:"

// protoTokens splits .proto text into tokens: quoted strings (escapes
// kept), single punctuation characters, and runs of anything else; comments
// and whitespace separate tokens and are dropped.
func protoTokens(text string) []string {
	var toks []string
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case strings.HasPrefix(text[i:], "//"):
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				return toks
			}
			i += end + 1
		case strings.HasPrefix(text[i:], "/*"):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return toks
			}
			i += 2 + end + 2
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(text) && text[j] != c {
				if text[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(text))
			toks = append(toks, text[i:j])
			i = j
		case strings.IndexByte(protoPunct, c) >= 0:
			toks = append(toks, text[i:i+1])
			i++
		default:
			j := i
			for j < len(text) && !strings.ContainsRune(" \t\n\r\f\v\"'"+protoPunct, rune(text[j])) &&
				!strings.HasPrefix(text[j:], "//") && !strings.HasPrefix(text[j:], "/*") {
				j++
			}
			toks = append(toks, text[i:j])
			i = j
		}
	}
	return toks
}
