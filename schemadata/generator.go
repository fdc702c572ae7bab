package schemadata

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/kbench/kbench/schema"
)

// errPanic marks errors made from a panic, in kbench or a library: third-
// party parsers and decoders are fed with user input, and one bad schema or
// record must not bring a run down.
var errPanic = errors.New("internal error (please report it with the schema)")

// Defaults of Options fields left zero.
const (
	// DefaultNullRatio is the share of optional values left out: Avro
	// unions with null take the null branch, JSON Schema optional
	// properties and Protobuf fields with presence are omitted.
	DefaultNullRatio = 0.1
	// DefaultMaxItems is the most items of an array, repeated field or map
	// (and the most extra items above a schema's minimum) when the schema
	// sets no maximum.
	DefaultMaxItems = 4
	// DefaultMaxRecursion is how many times a recursive type may contain
	// itself along one path before generation takes the shortest way out.
	DefaultMaxRecursion = 3
)

// Limits on what a schema or the options may ask for: bigger values are
// refused when the generator is built, rather than making huge records.
const (
	maxItemsLimit     = 1000    // items of one array or map
	maxStringLimit    = 1 << 16 // bytes of one string (minLength, fixed size)
	maxRecursionLimit = 16
	// maxNodes bounds the compiled form of a schema: types used at many
	// paths are compiled once per path (so that hints can tell them
	// apart), and JSON Schema oneOf/anyOf inside allOf multiply.
	maxNodes = 50000
)

// errTooLarge is the error of a schema whose compiled form passes maxNodes.
var errTooLarge = fmt.Errorf("the schema expands to more than %d types (types reused at many nested paths, or many oneOf/anyOf combined); kbench does not generate it", maxNodes)

// Options configure a Generator. The zero value is usable: seed 0, stream
// 0, the defaults above.
type Options struct {
	// Seed and Stream select the value sequence: the same schema, seed and
	// stream give the same values; different streams give different
	// values (one stream per producer instance).
	Seed, Stream uint64
	// Message is the Protobuf message to generate: its full name
	// ("shop.v1.Order") or its name relative to the package ("Order",
	// "Order.Line"). Default: the first message of the file. Ignored for
	// Avro and JSON Schema.
	Message string
	// Hints choose the content of fields: field path -> generator. Paths
	// join field (or property) names with dots ("user.email"); array
	// items and map values take their field's path ("lines.sku"). A
	// generator is a kbench field kind (see HintKinds) or a gofakeit
	// function name; int, float, price, latitude, longitude and sentence
	// take bounds as "int:1..100" (sentence bounds count words). A hint
	// must fit its field's type: every hint fills string (and bytes)
	// fields, numbers written out as text; int hints fill integer and
	// floating-point fields, float hints floating-point fields, bool hints
	// boolean fields. Every hint must match a field. docs/schema-data.md
	// lists the kinds.
	Hints map[string]string
	// NullRatio is the probability that an optional value is null or
	// absent. 0 means DefaultNullRatio; a negative value means never.
	NullRatio float64
	// MaxItems bounds arrays, repeated fields and maps the schema leaves
	// open. 0 means DefaultMaxItems; at most 1000.
	MaxItems int
	// MaxRecursion bounds how deep recursive types nest. 0 means
	// DefaultMaxRecursion; at most 16.
	MaxRecursion int
}

// genCtx is what value generation draws from.
type genCtx struct {
	r        source
	f        *gofakeit.Faker
	nullCut  uint64
	maxItems int
	maxRec   int
	// err is the first error met while generating one value (a gofakeit
	// function failing); AppendValue returns it.
	err     error
	scratch []byte
}

// Generator makes values of one schema. Not safe for concurrent use: one
// per producer instance.
type Generator struct {
	format     schema.Format
	c          genCtx
	avro       *avroGen
	proto      *protoGen
	json       *jsonGen
	msgIndexes []int
}

// NewGenerator compiles schemaText (of the given format) for generation.
// It returns an error for a schema that does not parse, that has no finite
// value (a type that always contains itself), asks for more than the
// generator makes (see the limits in docs/schema-data.md), or for options
// and hints that do not fit it.
func NewGenerator(format schema.Format, schemaText string, opts Options) (g *Generator, err error) {
	defer func() {
		// The parsers are third-party code fed with user input.
		if p := recover(); p != nil {
			g, err = nil, fmt.Errorf("%s schema: %w: %v", format, errPanic, p)
		}
	}()
	g = &Generator{format: format}
	if err := g.c.init(opts); err != nil {
		return nil, err
	}
	if strings.TrimSpace(schemaText) == "" {
		return nil, fmt.Errorf("invalid %s schema: the schema is empty", format)
	}
	hints, err := newHintSet(opts.Hints)
	if err != nil {
		return nil, err
	}
	var fields []string // paths that take hints, for errors
	switch format {
	case schema.Avro:
		g.avro, fields, err = compileAvroGen(schemaText, hints)
	case schema.Protobuf:
		g.proto, fields, err = compileProtoGen(schemaText, opts.Message, hints)
		if err == nil {
			g.msgIndexes = g.proto.indexes
		}
	case schema.JSON:
		g.json, fields, err = compileJSONGen(schemaText, hints, &g.c)
	default:
		return nil, fmt.Errorf("unknown schema format %q (want avro, json or protobuf)", format)
	}
	if err != nil {
		return nil, err
	}
	if err := hints.unused(fields); err != nil {
		return nil, err
	}
	return g, nil
}

func (c *genCtx) init(opts Options) error {
	c.r.S = seedOf(opts.Seed, opts.Stream)
	c.f = gofakeit.NewFaker(&c.r, false)
	switch ratio := opts.NullRatio; {
	case math.IsNaN(ratio) || ratio > 1:
		return fmt.Errorf("null ratio %v is not a probability (want 0..1, 0 for the default %v, negative for never)", ratio, DefaultNullRatio)
	case ratio == 0:
		c.nullCut = probCut(DefaultNullRatio)
	case ratio > 0:
		c.nullCut = probCut(ratio)
	}
	c.maxItems = opts.MaxItems
	switch {
	case c.maxItems == 0:
		c.maxItems = DefaultMaxItems
	case c.maxItems < 0 || c.maxItems > maxItemsLimit:
		return fmt.Errorf("max items %d is out of range (want 1..%d, 0 for the default %d)", opts.MaxItems, maxItemsLimit, DefaultMaxItems)
	}
	c.maxRec = opts.MaxRecursion
	switch {
	case c.maxRec == 0:
		c.maxRec = DefaultMaxRecursion
	case c.maxRec < 0 || c.maxRec > maxRecursionLimit:
		return fmt.Errorf("max recursion %d is out of range (want 1..%d, 0 for the default %d)", opts.MaxRecursion, maxRecursionLimit, DefaultMaxRecursion)
	}
	return nil
}

// null reports whether an optional value should be left out this time.
func (c *genCtx) null() bool { return c.r.Hit(c.nullCut) }

// count returns a length in [lo, hi].
func (c *genCtx) count(lo, hi int) int { return int(c.r.Between(int64(lo), int64(hi))) }

// Format returns the schema format the generator encodes.
func (g *Generator) Format() schema.Format { return g.format }

// MessageIndexes returns the Protobuf message-index path of the generated
// message (for AppendHeader): [0] for the first message of the file, [1, 0]
// for the first message nested in the second, and so on. Nil for Avro and
// JSON Schema. The caller must not modify it.
func (g *Generator) MessageIndexes() []int { return g.msgIndexes }

// AppendValue appends one encoded value to dst and returns the extended
// buffer: Avro binary, Protobuf binary or JSON text, without the registry
// header (see AppendHeader). With a buffer of enough capacity, values
// without hints (or with number hints) are made without allocating, except
// JSON Schema values the generator validates (see docs/schema-data.md).
// On error dst is returned unchanged.
func (g *Generator) AppendValue(dst []byte) ([]byte, error) {
	g.c.err = nil
	start := len(dst)
	var err error
	switch {
	case g.avro != nil:
		dst = g.avro.append(dst, &g.c)
	case g.proto != nil:
		dst = g.proto.append(dst, &g.c)
	case g.json != nil:
		dst, err = g.json.appendChecked(dst, &g.c)
	}
	if err == nil {
		err = g.c.err
	}
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}
