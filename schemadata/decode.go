package schemadata

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/kbench/kbench/schema"
)

// DecodeOptions configure a Decoder. The zero value is usable.
type DecodeOptions struct {
	// Message is the Protobuf message of the reader schema to decode into:
	// a full name or a name relative to the package. Default: the message
	// with the same full name as the writer's (the message the record's
	// message indexes name in the writer schema). Ignored for Avro and
	// JSON Schema.
	Message string
}

// Decoded is one record read with the reader's schema, and what the
// reader did not get of it. Paths join field names with dots, as hints do
// (array items and map values take their field's path).
type Decoded struct {
	// Value is the record as the reader sees it: for Avro the generic value
	// of hamba/avro (map[string]any for records, with logical types as
	// time.Time, time.Duration, *big.Rat...); for Protobuf a
	// *dynamicpb.Message of the reader's message; for JSON Schema the
	// decoded JSON (map[string]any, []any, json.Number, string, bool, nil).
	Value any
	// Dropped lists writer fields the reader schema does not have (Avro):
	// their data is skipped, so it is lost to the reader.
	Dropped []string
	// Defaulted lists reader fields the writer did not write, filled with
	// the reader's default (Avro). This loses nothing.
	Defaulted []string
	// Unknown lists data the reader's schema does not describe: Protobuf
	// fields whose numbers the reader does not know (named from the
	// writer's schema when it has them, else by number), and JSON
	// properties the reader's schema does not declare.
	Unknown []string
	// Invalid lists the reader schema's validation failures (JSON Schema),
	// as "path: message".
	Invalid []string
}

// Lossless reports whether the reader got all of the record: nothing
// dropped, unknown or invalid. Defaulted fields lose nothing.
func (d *Decoded) Lossless() bool {
	return len(d.Dropped)+len(d.Unknown)+len(d.Invalid) == 0
}

// Decoder reads payloads with a reader schema. It is safe for concurrent
// use. It keeps each writer schema it is given, prepared, keyed by the
// schema text; a consumer sees few writer schemas, so the cache is not
// bounded.
type Decoder struct {
	format schema.Format
	avro   *avroReader
	proto  *protoReader
	json   *jsonReader

	mu      sync.Mutex
	writers map[string]any
}

// NewDecoder compiles the reader's schema. It returns an error for a
// schema that does not parse or (Protobuf) has no message opts.Message.
func NewDecoder(format schema.Format, readerSchema string, opts DecodeOptions) (d *Decoder, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, fmt.Errorf("%s reader schema: %w: %v", format, errPanic, p)
		}
	}()
	if strings.TrimSpace(readerSchema) == "" {
		return nil, fmt.Errorf("invalid %s reader schema: the schema is empty", format)
	}
	d = &Decoder{format: format, writers: map[string]any{}}
	switch format {
	case schema.Avro:
		d.avro, err = newAvroReader(readerSchema)
	case schema.Protobuf:
		d.proto, err = newProtoReader(readerSchema, opts.Message)
	case schema.JSON:
		d.json, err = newJSONReader(readerSchema)
	default:
		return nil, fmt.Errorf("unknown schema format %q (want avro, json or protobuf)", format)
	}
	if err != nil {
		return nil, fmt.Errorf("reader schema: %w", err)
	}
	return d, nil
}

// Decode reads payload (the value without its wire-format header), which
// was written with writerSchema, using the decoder's reader schema.
// msgIndexes are the record's Protobuf message indexes (from ParseHeader;
// nil means [0]); Avro and JSON Schema ignore them. For Protobuf an empty
// writerSchema means the reader's own; JSON Schema does not need the
// writer's schema at all (values carry their property names), so it
// ignores it. Avro needs it.
//
// Decode returns an error when the record cannot be read with the reader
// schema: the writer schema does not parse, the two schemas are
// incompatible (Avro resolution fails), or the payload does not decode.
// Data the reader does not get, though the record reads, is listed in the
// Decoded result instead.
func (d *Decoder) Decode(payload []byte, writerSchema string, msgIndexes []int) (res *Decoded, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("decoding: %w: %v", errPanic, p)
		}
	}()
	switch d.format {
	case schema.Avro:
		w, err := d.writer(writerSchema, d.avro.prepare)
		if err != nil {
			return nil, err
		}
		return d.avro.decode(payload, w.(*avroWriter))
	case schema.Protobuf:
		w, err := d.writer(writerSchema, d.proto.prepare)
		if err != nil {
			return nil, err
		}
		return d.proto.decode(payload, w.(*protoWriter), msgIndexes)
	}
	return d.json.decode(payload)
}

// DecodeRecord parses the wire-format header of record, asks schemaByID
// for the writer's schema text and decodes the payload. It returns the
// schema id with the result.
func (d *Decoder) DecodeRecord(record []byte, schemaByID func(id uint32) (string, error)) (*Decoded, uint32, error) {
	id, idx, payload, err := ParseHeader(record, d.format)
	if err != nil {
		return nil, 0, err
	}
	text, err := schemaByID(id)
	if err != nil {
		return nil, id, fmt.Errorf("writer schema %d: %w", id, err)
	}
	res, err := d.Decode(payload, text, idx)
	return res, id, err
}

// writer returns the prepared writer schema, preparing it on first use.
func (d *Decoder) writer(text string, prepare func(string) (any, error)) (any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if w, ok := d.writers[text]; ok {
		if err, bad := w.(error); bad {
			return nil, err
		}
		return w, nil
	}
	w, err := prepare(text)
	if err != nil {
		err = fmt.Errorf("writer schema: %w", err)
		d.writers[text] = err
		return nil, err
	}
	d.writers[text] = w
	return w, nil
}

// pathList collects report paths, each once, in the order met.
type pathList []string

func (l *pathList) add(p string) {
	if !slices.Contains(*l, p) {
		*l = append(*l, p)
	}
}
