// Package generators turns a data set description (scenarios.Data) into
// record keys and values, fast and deterministically.
//
// JSON values are built by appending each field straight into the caller's
// buffer: the built-in field kinds (scenarios.FieldKinds) draw from a small
// inline random source and gofakeit's word lists, with no reflection and no
// allocation per record. Other gofakeit functions are supported through
// gofakeit's function lookup, more slowly. Bytes values are cut from a
// pre-generated random pool.
//
// A Generator is created per producer instance with New(data, seed,
// stream). The same seed and stream give the same keys and values (except
// timestamp fields, which carry the current time); different streams give
// different values over the same key space.
package generators

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/kbench/kbench/scenarios"
)

// Generator makes the records of one data set. Not safe for concurrent
// use: one per producer instance.
type Generator struct {
	format scenarios.Format

	// JSON values.
	root  *node
	vsrc  source // record values
	c     emitCtx
	timed bool // has timestamp fields: read the clock once per record

	// Keys.
	dist    scenarios.KeyDistribution
	card    int64
	ksrc    source // key choice
	zipf    *rand.Zipf
	seqKey  int64
	hotN    int64
	hotCut  uint64
	hotAll  bool
	keyNode *node   // the key field; nil for synthetic keys
	kvsrc   source  // key-field values, reseeded per key index
	kc      emitCtx // generation context of key-field values
	keys    keyCache
	// keyRecompute remakes key-field values of key indexes >= keyMemoMax
	// for every record instead of memoising them.
	keyRecompute bool
	seed         uint64
	keyBuf       []byte
	emptyKey     []byte

	// Bytes values.
	sizes sizeDist
	pool  []byte
	rnd   *rand.Rand // normal and exponential sizes, on vsrc
}

// New builds a generator. seed is the data set's seed (the caller passes
// data.Seed or the scenario seed); stream distinguishes producer instances
// (0, 1, 2, ...). Two generators with the same seed and stream produce
// identical sequences; different streams produce different value sequences
// but share the key space: key number i has the same key bytes (and
// key-field value) in every stream, so the cardinality holds across
// instances. New returns an error for a data set it cannot generate.
func New(d *scenarios.Data, seed, stream uint64) (*Generator, error) {
	if d == nil {
		return nil, fmt.Errorf("no data set")
	}
	g := &Generator{format: d.Format, seed: seed, emptyKey: []byte{}}
	if g.format == "" {
		// Unset (a Data built in Go): bytes when only a size is given.
		g.format = scenarios.FormatJSON
		if len(d.Fields) == 0 && d.Size != (scenarios.SizeDist{}) {
			g.format = scenarios.FormatBytes
		}
	}
	g.vsrc.S = seedOf(seed, saltValues, stream)
	g.ksrc.S = seedOf(seed, saltKeys, stream)

	var comp compiler
	switch g.format {
	case scenarios.FormatJSON:
		comp.keyPath = d.Key.Field
		root, err := comp.object("", d.Fields, 0, false)
		if err != nil {
			return nil, err
		}
		if comp.keyPath != "" && comp.keyNode == nil {
			return nil, fmt.Errorf("key field %q is not a field of the data set", comp.keyPath)
		}
		g.root, g.keyNode = root, comp.keyNode
		year := time.Now().UTC().Year()
		hi := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
		lo := time.Date(year-dateYears, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
		t := loadTables()
		g.c = emitCtx{r: &g.vsrc, f: gofakeit.NewFaker(&g.vsrc, false), t: t, dateLo: lo, dateLen: uint64(hi - lo)}
		g.kc = emitCtx{r: &g.kvsrc, f: gofakeit.NewFaker(&g.kvsrc, false), t: t, dateLo: lo, dateLen: uint64(hi - lo), keyMode: true}
		g.timed = comp.hasTime
	case scenarios.FormatBytes:
		if d.Key.Field != "" {
			return nil, fmt.Errorf("key field %q: bytes data sets have no fields", d.Key.Field)
		}
		sd, err := newSizeDist(d.Size)
		if err != nil {
			return nil, err
		}
		g.sizes = sd
		g.rnd = rand.New(&g.vsrc)
		g.pool = makePool(seedOf(seed, saltBytes, stream))
	default:
		return nil, fmt.Errorf("unknown format %q (want json or bytes)", d.Format)
	}
	if err := g.initKeys(d.Key); err != nil {
		return nil, err
	}
	// Built-in kinds are cheaper to remake from (seed, i) than to fetch from
	// a memo that no longer fits in cache, and remaking needs no memory:
	// memoise gofakeit lookup functions, and built-in kinds only for the
	// first keyMemoMax keys (the hot ones under zipf and hot-set).
	g.keyRecompute = g.keyNode != nil && g.keyNode.kind != kFake
	return g, nil
}

// Next appends the next record's key to keyDst and value to valDst and
// returns them. key is nil when the key distribution is none. In steady
// state (buffers reused, keys already seen) it does not allocate for the
// built-in field kinds.
func (g *Generator) Next(keyDst, valDst []byte) (key, value []byte) {
	key, value, _ = g.next(keyDst, valDst, false)
	return key, value
}

// NextShared is Next, except that a bytes value may be a slice of the
// generator's random pool instead of a copy in valDst: then shared is true,
// value must not be modified, and it stays valid as long as the generator.
// It spares a copy per record for callers that only read values (a
// producer hands them to the client), and the pool's bytes stay warm in the
// cache. JSON values are always made in valDst.
func (g *Generator) NextShared(keyDst, valDst []byte) (key, value []byte, shared bool) {
	return g.next(keyDst, valDst, true)
}

func (g *Generator) next(keyDst, valDst []byte, share bool) (key, value []byte, shared bool) {
	var keyJSON []byte
	if g.dist != scenarios.KeyNone {
		i := g.nextKeyIndex()
		if g.keyNode != nil {
			k, j := g.keyEntry(i)
			key, keyJSON = append(keyDst, k...), j
		} else {
			key = append(keyDst, "key-"...)
			key = strconv.AppendInt(key, i, 10)
		}
		if key == nil {
			key = g.emptyKey
		}
	}
	if g.format == scenarios.FormatBytes {
		if share {
			if v, ok := g.sharedBytes(); ok {
				return key, v, true
			}
		}
		return key, g.appendBytes(valDst), false
	}
	g.c.keyJSON = keyJSON
	if g.timed {
		g.c.now = time.Now()
	}
	return key, appendNode(valDst, g.root, &g.c), false
}
