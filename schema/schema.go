// Package schema checks whether a new version of an Avro, JSON Schema or
// Protobuf schema is compatible with the versions registered before it, the
// way Confluent Schema Registry decides when a schema is registered under a
// compatibility mode.
//
// Check takes the previous versions (oldest first) and the new one as schema
// text. It pairs them as the mode says — BACKWARD: the new schema reads data
// written with the latest previous one; FORWARD: the latest previous schema
// reads data written with the new one; FULL: both; the _TRANSITIVE modes do
// the same against every previous version — and resolves each reader against
// each writer with the rules of the format. The Result lists every
// incompatibility with a stable Kind, a Location inside the schema, the pair of
// versions (reader and writer) and a message.
//
// Versions are numbered from 1 in the order given: previous[i] is version
// i+1 and the new schema is version len(previous)+1.
//
// The rules per format, and where kbench may disagree with the registry, are
// in docs/schemas.md.
package schema

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Format is a schema language.
type Format string

// The schema formats Check understands.
const (
	// Avro is an Apache Avro schema (.avsc): JSON text.
	Avro Format = "avro"
	// JSON is a JSON Schema document (drafts 4, 6, 7, 2019-09 and 2020-12;
	// draft-07 when the document has no $schema).
	JSON Format = "json"
	// Protobuf is a Protocol Buffers schema (.proto text, proto2 or proto3).
	Protobuf Format = "protobuf"
)

// Formats lists every Format, in the order the documentation uses.
var Formats = []Format{Avro, JSON, Protobuf}

// ParseFormat returns the Format named by s, ignoring case. Besides the
// constants' values it accepts "avsc", "jsonschema", "json-schema" and
// "proto".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "avro", "avsc":
		return Avro, nil
	case "json", "jsonschema", "json-schema", "json_schema":
		return JSON, nil
	case "protobuf", "proto", "proto2", "proto3":
		return Protobuf, nil
	}
	return "", fmt.Errorf("unknown schema type %q (want avro, json or protobuf)", s)
}

// Mode is a compatibility mode, with the registry's names and meanings.
type Mode string

// The compatibility modes. The registry's default is Backward.
const (
	// Backward: the new schema can read data written with the latest
	// previous version.
	Backward Mode = "BACKWARD"
	// BackwardTransitive: the new schema can read data written with every
	// previous version.
	BackwardTransitive Mode = "BACKWARD_TRANSITIVE"
	// Forward: the latest previous version can read data written with the
	// new schema.
	Forward Mode = "FORWARD"
	// ForwardTransitive: every previous version can read data written with
	// the new schema.
	ForwardTransitive Mode = "FORWARD_TRANSITIVE"
	// Full: Backward and Forward.
	Full Mode = "FULL"
	// FullTransitive: BackwardTransitive and ForwardTransitive.
	FullTransitive Mode = "FULL_TRANSITIVE"
	// None: no check; every schema that parses is accepted.
	None Mode = "NONE"
)

// Modes lists every Mode.
var Modes = []Mode{Backward, BackwardTransitive, Forward, ForwardTransitive, Full, FullTransitive, None}

// ParseMode returns the Mode named by s, ignoring case; "-" may stand for
// "_" (backward-transitive).
func ParseMode(s string) (Mode, error) {
	m := Mode(strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(s)), "-", "_"))
	for _, known := range Modes {
		if m == known {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown compatibility mode %q (want one of %s)", s, joinModes())
}

func joinModes() string {
	names := make([]string, len(Modes))
	for i, m := range Modes {
		names[i] = string(m)
	}
	return strings.Join(names, ", ")
}

// backward reports whether the mode makes the new schema read old data.
func (m Mode) backward() bool {
	return m == Backward || m == BackwardTransitive || m == Full || m == FullTransitive
}

// forward reports whether the mode makes old schemas read new data.
func (m Mode) forward() bool {
	return m == Forward || m == ForwardTransitive || m == Full || m == FullTransitive
}

// transitive reports whether the mode checks every previous version rather
// than the latest only.
func (m Mode) transitive() bool {
	return m == BackwardTransitive || m == ForwardTransitive || m == FullTransitive
}

// Incompatibility is one reason a reader schema cannot read data written with
// a writer schema.
type Incompatibility struct {
	// Kind says what is wrong: a stable identifier such as
	// READER_FIELD_MISSING_DEFAULT_VALUE (see the Kind constants).
	Kind Kind `json:"kind"`
	// Location points at the problem. Avro: a JSON pointer into the reader
	// schema in the style of Avro's own checker (/fields/2/type, where a
	// trailing union index counts the writer's union branches). JSON Schema: a
	// JSON pointer after "#" (#/properties/age). Protobuf: "#/" then the
	// message path relative to the package, then the oneof name and the
	// field number where they apply (#/Order/Line/3).
	Location string `json:"location"`
	// Reader is the version number of the schema reading the data.
	Reader int `json:"reader"`
	// Writer is the version number of the schema the data was written with.
	Writer int `json:"writer"`
	// Message explains the problem to a person.
	Message string `json:"message"`
}

// String returns "KIND at LOCATION (reader vN, writer vM): message".
func (i Incompatibility) String() string {
	return fmt.Sprintf("%s at %s (reader v%d, writer v%d): %s", i.Kind, i.Location, i.Reader, i.Writer, i.Message)
}

// Result is the outcome of Check.
type Result struct {
	// Format and Mode are the ones Check was called with.
	Format Format `json:"format"`
	Mode   Mode   `json:"mode"`
	// Versions is the number of schemas given: the previous ones plus the new
	// one, which is version Versions.
	Versions int `json:"versions"`
	// Pairs is the number of reader/writer pairs the mode asked to resolve.
	Pairs int `json:"pairs"`
	// Incompatibilities lists every problem found, pair by pair (latest
	// previous version first; for each pair, the new schema reading before
	// the old one reading), in schema order within a pair. Empty when
	// compatible.
	Incompatibilities []Incompatibility `json:"incompatibilities"`
}

// Compatible reports whether the new schema may be registered: no
// incompatibility was found.
func (r Result) Compatible() bool { return len(r.Incompatibilities) == 0 }

// ParseError is returned when a schema text is not a valid schema of its
// format.
type ParseError struct {
	// Format is the schema language the text was parsed as.
	Format Format
	// Version is the schema's version number in the Check call (1 = oldest);
	// 0 from Validate.
	Version int
	// Line and Column locate the problem, both counted from 1; 0 when the
	// parser gives no position.
	Line, Column int
	// Msg describes the problem.
	Msg string
}

// Error returns "version N: line L, column C: msg", leaving out what is
// unknown.
func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Version > 0 {
		fmt.Fprintf(&b, "version %d: ", e.Version)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	fmt.Fprintf(&b, "invalid %s schema: %s", e.Format, e.Msg)
	return b.String()
}

// parsed is a schema of any format, ready to be compared.
type parsed any

// issue is an incompatibility found by a format's resolver, before the
// versions are known.
type issue struct {
	kind Kind
	loc  string
	msg  string
}

// Validate parses text as a schema of the given format and returns a
// *ParseError if it is not valid.
func Validate(format Format, text string) error {
	_, err := parse(format, text)
	return err
}

// parse parses one schema, turning parser panics into errors: the parsers
// are third-party code fed with user input.
func parse(format Format, text string) (p parsed, err error) {
	if strings.TrimSpace(text) == "" {
		return nil, &ParseError{Format: format, Msg: "the schema is empty"}
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &ParseError{Format: format, Msg: fmt.Sprintf("parser failed: %v", r)}
		}
	}()
	switch format {
	case Avro:
		return parseAvro(text)
	case JSON:
		return parseJSONSchema(text)
	case Protobuf:
		return parseProto(text)
	}
	return nil, fmt.Errorf("unknown schema format %q", format)
}

// compare resolves reader against writer (both of the given format).
func compare(format Format, reader, writer parsed) []issue {
	switch format {
	case Avro:
		return compareAvro(reader.(*avroSchema), writer.(*avroSchema))
	case JSON:
		return compareJSONSchema(reader.(*jsonSchema), writer.(*jsonSchema))
	case Protobuf:
		return compareProto(reader.(*protoSchema), writer.(*protoSchema))
	}
	return nil
}

// Check reports whether next may follow the previous versions (oldest
// first) under the compatibility mode. Every schema is parsed, whatever the
// mode; an invalid (or empty) one makes Check return a *ParseError naming
// its version.
// With no previous version every valid schema is compatible.
func Check(format Format, mode Mode, previous []string, next string) (Result, error) {
	res := Result{Format: format, Mode: mode, Versions: len(previous) + 1}
	if !slices.Contains(Formats, format) {
		return res, fmt.Errorf("unknown schema format %q", format)
	}
	if !slices.Contains(Modes, mode) {
		return res, fmt.Errorf("unknown compatibility mode %q", mode)
	}
	all := append(append([]string{}, previous...), next)
	schemas := make([]parsed, len(all))
	for i, text := range all {
		p, err := parse(format, text)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) {
				pe.Version = i + 1
			}
			return res, err
		}
		schemas[i] = p
	}
	newest := len(all)
	var olds []int // version numbers to pair with the new one, latest first
	switch {
	case mode == None || len(previous) == 0:
	case mode.transitive():
		for v := len(previous); v >= 1; v-- {
			olds = append(olds, v)
		}
	default:
		olds = []int{len(previous)}
	}
	for _, old := range olds {
		if mode.backward() {
			res.Pairs++
			res.Incompatibilities = append(res.Incompatibilities, resolve(format, schemas, newest, old)...)
		}
		if mode.forward() {
			res.Pairs++
			res.Incompatibilities = append(res.Incompatibilities, resolve(format, schemas, old, newest)...)
		}
	}
	return res, nil
}

// resolve compares version reader against version writer.
func resolve(format Format, schemas []parsed, reader, writer int) []Incompatibility {
	found := compare(format, schemas[reader-1], schemas[writer-1])
	out := make([]Incompatibility, len(found))
	for i, is := range found {
		out[i] = Incompatibility{Kind: is.kind, Location: is.loc, Reader: reader, Writer: writer, Message: is.msg}
	}
	return out
}
