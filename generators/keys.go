package generators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/kbench/kbench/scenarios"
)

// initKeys validates the key section and prepares the key distribution.
func (g *Generator) initKeys(k scenarios.Key) error {
	g.dist = k.Distribution
	if g.dist == "" {
		g.dist = scenarios.KeyNone
	}
	if g.dist == scenarios.KeyNone {
		return nil
	}
	g.card = k.Cardinality
	if g.card <= 0 {
		return fmt.Errorf("key cardinality %d must be at least 1", k.Cardinality)
	}
	switch g.dist {
	case scenarios.KeyUniform, scenarios.KeySequential:
	case scenarios.KeyZipf:
		if !(k.ZipfS > 1) || math.IsInf(k.ZipfS, 0) {
			return fmt.Errorf("key zipf_s %v must be a number > 1", k.ZipfS)
		}
		g.zipf = rand.NewZipf(rand.New(&g.ksrc), k.ZipfS, 1, uint64(g.card-1))
		if g.zipf == nil {
			return fmt.Errorf("key zipf_s %v is not usable", k.ZipfS)
		}
	case scenarios.KeyHotSet:
		if !(k.HotKeys >= 0 && k.HotKeys <= 1) {
			return fmt.Errorf("key hot_keys %v is not in [0,1]", k.HotKeys)
		}
		if !(k.HotTraffic >= 0 && k.HotTraffic <= 1) {
			return fmt.Errorf("key hot_traffic %v is not in [0,1]", k.HotTraffic)
		}
		hot := math.Ceil(k.HotKeys * float64(g.card))
		g.hotN = min(int64(hot), g.card)
		g.hotCut = probCut(k.HotTraffic)
		g.hotAll = k.HotTraffic >= 1
		if g.hotN == 0 {
			g.hotCut, g.hotAll = 0, false // no hot keys: everything is cold
		}
		if g.hotN == g.card {
			g.hotAll = true // no cold keys: everything is hot
		}
	default:
		return fmt.Errorf("unknown key distribution %q (want none, uniform, zipf, sequential or hot-set)", k.Distribution)
	}
	g.keys.init(g.card)
	return nil
}

// nextKeyIndex draws the next key number in [0, card).
func (g *Generator) nextKeyIndex() int64 {
	switch g.dist {
	case scenarios.KeyZipf:
		return int64(g.zipf.Uint64())
	case scenarios.KeySequential:
		i := g.seqKey
		if g.seqKey++; g.seqKey == g.card {
			g.seqKey = 0
		}
		return i
	case scenarios.KeyHotSet:
		if g.hotAll || g.ksrc.Uint64() < g.hotCut {
			return int64(g.ksrc.UintN(uint64(g.hotN)))
		}
		return g.hotN + int64(g.ksrc.UintN(uint64(g.card-g.hotN)))
	default:
		return int64(g.ksrc.UintN(uint64(g.card)))
	}
}

// keyEntry returns key number i's key bytes and the JSON value of its key
// field. They depend only on the seed and i. Built-in kinds are remade each
// time for i >= keyMemoMax (the slices then live in g.keyBuf until the next
// call); the rest, and values whose key text needs unescaping, are memoised
// on first use.
func (g *Generator) keyEntry(i int64) (key, jsonVal []byte) {
	if g.keyRecompute && i >= keyMemoMax {
		j := g.keyJSONOf(i)
		if len(j) >= 2 && j[0] == '"' {
			if bytes.IndexByte(j, '\\') < 0 {
				return j[1 : len(j)-1], j
			}
		} else {
			return j, j
		}
	}
	e := g.keys.get(i)
	if e.b == nil {
		*e = g.makeKeyEntry(i)
	}
	return e.b[:e.n], e.b[e.n:]
}

// keyJSONOf makes key number i's key-field value into g.keyBuf.
func (g *Generator) keyJSONOf(i int64) []byte {
	g.kvsrc.S = seedOf(g.seed, saltKeyVal, uint64(i))
	g.kc.keyIndex = i
	g.keyBuf = appendNode(g.keyBuf[:0], g.keyNode, &g.kc)
	return g.keyBuf
}

func (g *Generator) makeKeyEntry(i int64) keyEntry {
	j := g.keyJSONOf(i)
	text := j
	if len(j) >= 2 && j[0] == '"' {
		if bytes.IndexByte(j, '\\') < 0 {
			text = j[1 : len(j)-1]
		} else {
			var s string
			if err := json.Unmarshal(j, &s); err == nil {
				text = []byte(s)
			}
		}
	}
	b := make([]byte, 0, len(text)+len(j))
	b = append(b, text...)
	b = append(b, j...)
	return keyEntry{b: b, n: uint32(len(text))}
}

// keyEntry is a memoised key: b[:n] is the key, b[n:] the key field's JSON.
type keyEntry struct {
	b []byte
	n uint32
}

const (
	// keyMemoMax: built-in key-field values of key indexes below it are
	// memoised, the others remade per record.
	keyMemoMax  = 1 << 12
	keyPageBits = 8
	keyPageSize = 1 << keyPageBits
	// Memoised keys below this index live in pages, the others in a map.
	keyPagedMax = 1 << 20
)

// keyCache memoises key entries; memory grows with the distinct keys
// memoised. Low key indexes (the hot ones of zipf and hot-set) live in
// lazily allocated pages indexed directly, the rest in a map.
type keyCache struct {
	pages []*[keyPageSize]keyEntry
	m     map[int64]*keyEntry
}

func (c *keyCache) init(card int64) {
	paged := min(card, keyPagedMax)
	c.pages = make([]*[keyPageSize]keyEntry, (paged+keyPageSize-1)/keyPageSize)
}

// get returns the slot of key i (empty the first time).
func (c *keyCache) get(i int64) *keyEntry {
	if pi := i >> keyPageBits; pi < int64(len(c.pages)) {
		p := c.pages[pi]
		if p == nil {
			p = new([keyPageSize]keyEntry)
			c.pages[pi] = p
		}
		return &p[i&(keyPageSize-1)]
	}
	e := c.m[i]
	if e == nil {
		if c.m == nil {
			c.m = make(map[int64]*keyEntry)
		}
		e = new(keyEntry)
		c.m[i] = e
	}
	return e
}
