package generators

import "github.com/kbench/kbench/internal/jsonstr"

const hexDigits = "0123456789abcdef"

// isPlain reports whether s needs no escaping at all.
func isPlain(s string) bool { return jsonstr.IsPlain(s) }

// appendJSONString appends s as a quoted JSON string.
func appendJSONString(dst []byte, s string) []byte { return jsonstr.Append(dst, s) }

// appendStringContent appends s escaped for the inside of a JSON string.
func appendStringContent(dst []byte, s string) []byte { return jsonstr.AppendContent(dst, s) }
