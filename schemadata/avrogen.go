package schemadata

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/hamba/avro/v2"
)

// avroKind is what an avroNode generates.
type avroKind uint8

const (
	aNull avroKind = iota + 1
	aBoolean
	aInt
	aLong
	aFloat
	aDouble
	aBytes
	aString
	aRecord
	aEnum
	aArray
	aMap
	aUnion
	aFixed
	aDate
	aTimeMillis
	aTimeMicros
	aTimestampMillis // also local-timestamp-millis
	aTimestampMicros // also local-timestamp-micros
	aDecimalBytes
	aDecimalFixed
	aUUID
	aDuration
)

// rankInf marks a type with no finite value (yet, during the fixpoint).
const rankInf = math.MaxInt32

// avroNode is one compiled Avro type at one path of the schema.
type avroNode struct {
	kind  avroKind
	path  string
	name  string // full name of named types, for errors
	hint  *hint
	count int // enum: symbols; fixed, decimal fixed: size

	fields   []*avroNode // record
	branches []*avroNode // union
	nullAt   int         // union: index of the null branch, -1 if none
	items    *avroNode   // array items, map values

	decLim int64 // decimal: largest unscaled magnitude

	// rank is the depth of the smallest value of this type (rankInf: none);
	// recursive marks records that contain themselves.
	rank      int
	recursive bool
}

// avroGen generates values of an Avro schema.
type avroGen struct {
	root  *avroNode
	level int // recursive records entered along the current path
}

// parseAvroSchema parses Avro schema text into a fresh name cache (the
// package-level cache would let one schema see another's named types).
func parseAvroSchema(text string) (s avro.Schema, err error) {
	defer recoverParser("avro", &err)
	s, err = avro.ParseBytesWithCache([]byte(text), "", &avro.SchemaCache{})
	if err != nil {
		return nil, fmt.Errorf("invalid avro schema: %s", strings.TrimPrefix(err.Error(), "avro: "))
	}
	return s, nil
}

type avroCompiler struct {
	hints  *hintSet
	stack  map[string]*avroNode // records being compiled, by full name
	nodes  []*avroNode
	fields []string
}

func compileAvroGen(text string, hints *hintSet) (*avroGen, []string, error) {
	s, err := parseAvroSchema(text)
	if err != nil {
		return nil, nil, err
	}
	c := &avroCompiler{hints: hints, stack: map[string]*avroNode{}}
	root, err := c.compile(s, "")
	if err != nil {
		return nil, nil, err
	}
	c.rank()
	if root.rank == rankInf {
		return nil, nil, fmt.Errorf("the avro schema has no finite value: %s; make the recursive field optional (a union with null) or an array or map", c.endless())
	}
	return &avroGen{root: root}, c.fields, nil
}

// endless names the records that always contain themselves.
func (c *avroCompiler) endless() string {
	var names []string
	for _, n := range c.nodes {
		if n.kind == aRecord && n.rank == rankInf && n.recursive {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "a type always contains itself"
	}
	return "record " + strings.Join(names, ", ") + " always contains itself"
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (c *avroCompiler) compile(s avro.Schema, path string) (*avroNode, error) {
	return c.compileIn(s, path, false)
}

// compileIn compiles s; inUnion marks a union branch, which leaves out a
// hint that does not fit it (the union checks that one branch takes it).
func (c *avroCompiler) compileIn(s avro.Schema, path string, inUnion bool) (*avroNode, error) {
	if ref, ok := s.(*avro.RefSchema); ok {
		s = ref.Schema()
	}
	n := &avroNode{path: path, nullAt: -1}
	c.nodes = append(c.nodes, n)
	if len(c.nodes) > maxNodes {
		return nil, errTooLarge
	}
	switch t := s.(type) {
	case *avro.NullSchema:
		n.kind = aNull
		return n, nil
	case *avro.RecordSchema:
		if busy, ok := c.stack[t.FullName()]; ok {
			busy.recursive = true
			c.nodes = c.nodes[:len(c.nodes)-1]
			return busy, nil
		}
		n.kind, n.name = aRecord, t.FullName()
		c.stack[n.name] = n
		for _, f := range t.Fields() {
			fn, err := c.compile(f.Type(), joinPath(path, f.Name()))
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, fn)
		}
		delete(c.stack, n.name)
		return n, nil
	case *avro.EnumSchema:
		n.kind, n.name, n.count = aEnum, t.FullName(), len(t.Symbols())
		if inUnion {
			return n, nil
		}
		return n, c.noHint(n, "an enum")
	case *avro.ArraySchema:
		n.kind = aArray
		items, err := c.compileIn(t.Items(), path, inUnion)
		n.items = items
		return n, err
	case *avro.MapSchema:
		n.kind = aMap
		values, err := c.compileIn(t.Values(), path, inUnion)
		n.items = values
		return n, err
	case *avro.UnionSchema:
		n.kind = aUnion
		if len(t.Types()) == 0 {
			return nil, fmt.Errorf("avro field %q: an empty union has no value", path)
		}
		hinted := false
		for i, b := range t.Types() {
			if b.Type() == avro.Null {
				n.nullAt = i
			}
			bn, err := c.compileIn(b, path, true)
			if err != nil {
				return nil, err
			}
			hinted = hinted || bn.hint != nil
			n.branches = append(n.branches, bn)
		}
		if h, ok := c.hints.byPath[path]; ok && path != "" && !hinted && !c.hintBelow(n) {
			return nil, fmt.Errorf("hint %q for %q fits no branch of the field's union", h.spec, path)
		}
		return n, nil
	case *avro.FixedSchema:
		n.name, n.count = t.FullName(), t.Size()
		if n.count > maxStringLimit {
			return nil, fmt.Errorf("avro field %q: fixed %s has %d bytes; kbench generates at most %d", path, n.name, n.count, maxStringLimit)
		}
		n.kind = aFixed
		if ls := t.Logical(); ls != nil {
			switch ls.Type() {
			case avro.Decimal:
				n.kind = aDecimalFixed
				n.decLim = decimalLimit(ls.(*avro.DecimalLogicalSchema).Precision(), n.count)
			case avro.Duration:
				if n.count == 12 {
					n.kind = aDuration
				}
			}
		}
		if inUnion {
			return n, nil
		}
		return n, c.noHint(n, "a fixed")
	case *avro.PrimitiveSchema:
		return n, c.primitive(n, t, inUnion)
	}
	return nil, fmt.Errorf("avro field %q: type %s is not supported", path, s.Type())
}

// noHint refuses a hint on a type that takes none.
func (c *avroCompiler) noHint(n *avroNode, what string) error {
	if n.path == "" {
		return nil
	}
	if h := c.hints.lookup(n.path); h != nil {
		return fmt.Errorf("hint %q for %q: the field is %s; hints fill string, bytes, number and boolean fields", h.spec, n.path, what)
	}
	return nil
}

// hintBelow reports whether a hint at n's path went to an array item or
// map value under one of n's branches (they share the path).
func (c *avroCompiler) hintBelow(n *avroNode) bool {
	for _, b := range n.branches {
		if (b.kind == aArray || b.kind == aMap) && b.items.hint != nil {
			return true
		}
	}
	return false
}

func (c *avroCompiler) primitive(n *avroNode, t *avro.PrimitiveSchema, inUnion bool) error {
	var logical avro.LogicalType
	if ls := t.Logical(); ls != nil {
		logical = ls.Type()
	}
	want, what := vText, string(t.Type())
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	switch t.Type() {
	case avro.Boolean:
		n.kind, want = aBoolean, vBool
	case avro.Int:
		n.kind, want, lo, hi = aInt, vInt, math.MinInt32, math.MaxInt32
		switch logical {
		case avro.Date:
			n.kind = aDate
		case avro.TimeMillis:
			n.kind = aTimeMillis
		}
	case avro.Long:
		n.kind, want = aLong, vInt
		switch logical {
		case avro.TimeMicros:
			n.kind = aTimeMicros
		case avro.TimestampMillis, avro.LocalTimestampMillis:
			n.kind = aTimestampMillis
		case avro.TimestampMicros, avro.LocalTimestampMicros:
			n.kind = aTimestampMicros
		}
	case avro.Float:
		n.kind, want = aFloat, vFloat
	case avro.Double:
		n.kind, want = aDouble, vFloat
	case avro.Bytes:
		n.kind = aBytes
		if logical == avro.Decimal {
			n.kind = aDecimalBytes
			n.decLim = decimalLimit(t.Logical().(*avro.DecimalLogicalSchema).Precision(), 0)
			want, what = 0, "a decimal"
		}
	case avro.String:
		n.kind = aString
		if logical == avro.UUID {
			n.kind = aUUID
		}
	default:
		return fmt.Errorf("avro field %q: type %s is not supported", n.path, t.Type())
	}
	if n.path == "" {
		return nil
	}
	c.fields = append(c.fields, n.path)
	h := c.hints.lookup(n.path)
	if h == nil {
		return nil
	}
	if inUnion && (want == 0 || !h.fits(want)) {
		return nil // another branch takes it
	}
	if want == 0 {
		return fmt.Errorf("hint %q for %q: the field is %s; hints fill string, bytes, number and boolean fields", h.spec, n.path, what)
	}
	if err := h.checkFits(n.path, want, "avro "+what); err != nil {
		return err
	}
	if want == vInt {
		if err := h.checkIntRange(n.path, lo, hi, "avro "+what); err != nil {
			return err
		}
	}
	n.hint = h
	return nil
}

// decimalLimit is the largest unscaled value a decimal of the precision
// holds (capped to int64), and that fits size bytes when size > 0.
func decimalLimit(precision, size int) int64 {
	lim := int64(1)
	for range min(precision, 18) {
		lim *= 10
	}
	lim--
	if size > 0 && size < 8 {
		lim = min(lim, int64(1)<<(8*size-1)-1)
	}
	return lim
}

// rank computes each node's rank: the nesting depth of its smallest value,
// by fixpoint (recursive types refer to themselves).
func (c *avroCompiler) rank() {
	for _, n := range c.nodes {
		n.rank = 0
		if n.kind == aRecord || n.kind == aUnion {
			n.rank = rankInf
		}
	}
	for changed := true; changed; {
		changed = false
		for _, n := range c.nodes {
			r := n.rank
			switch n.kind {
			case aRecord:
				r = 1
				for _, f := range n.fields {
					if f.rank == rankInf {
						r = rankInf
						break
					}
					r = max(r, f.rank+1)
				}
			case aUnion:
				r = rankInf
				for _, b := range n.branches {
					r = min(r, b.rank)
				}
			}
			if r != n.rank {
				n.rank, changed = r, true
			}
		}
	}
}

func (g *avroGen) append(dst []byte, c *genCtx) []byte {
	g.level = 0
	return g.value(dst, g.root, c)
}

// shrinking reports whether generation is past the recursion bound and
// must take the shortest way out.
func (g *avroGen) shrinking(c *genCtx) bool { return g.level > c.maxRec }

func (g *avroGen) value(dst []byte, n *avroNode, c *genCtx) []byte {
	r := &c.r
	if h := n.hint; h != nil {
		switch n.kind {
		case aString, aBytes, aUUID:
			dst, mark := beginLen(dst)
			dst = h.text(dst, c)
			return endLen(dst, mark, zigzag(int64(contentLen(dst, mark))))
		case aInt, aDate, aTimeMillis:
			return appendLong(dst, h.intVal(c, math.MinInt32, math.MaxInt32))
		case aLong, aTimeMicros, aTimestampMillis, aTimestampMicros:
			return appendLong(dst, h.intVal(c, math.MinInt64, math.MaxInt64))
		case aFloat:
			return appendFloat32LE(dst, float32(h.floatVal(c)))
		case aDouble:
			return appendFloat64LE(dst, h.floatVal(c))
		case aBoolean:
			if h.boolVal(c) {
				return append(dst, 1)
			}
			return append(dst, 0)
		}
	}
	switch n.kind {
	case aNull:
		return dst
	case aBoolean:
		return append(dst, byte(r.Uint64()&1))
	case aInt, aLong:
		return appendLong(dst, r.Between(0, 1000))
	case aFloat:
		return appendFloat32LE(dst, float32(roundTo(r.Float64()*1000, 2)))
	case aDouble:
		return appendFloat64LE(dst, roundTo(r.Float64()*1000, 2))
	case aBytes:
		k := c.count(4, 16)
		dst = appendLong(dst, int64(k))
		return appendRandomBytes(dst, r, k)
	case aString:
		dst, mark := beginLen(dst)
		dst = appendWords(dst, r, c.count(1, 3))
		return endLen(dst, mark, zigzag(int64(contentLen(dst, mark))))
	case aUUID:
		dst = appendLong(dst, 36)
		return appendUUID(dst, r)
	case aDate:
		return appendLong(dst, randomMillis(r)/dayMillis)
	case aTimeMillis:
		return appendLong(dst, r.Between(0, dayMillis-1))
	case aTimeMicros:
		return appendLong(dst, r.Between(0, dayMillis*1000-1))
	case aTimestampMillis:
		return appendLong(dst, randomMillis(r))
	case aTimestampMicros:
		return appendLong(dst, randomMillis(r)*1000+r.Between(0, 999))
	case aEnum:
		return appendLong(dst, int64(r.IntN(n.count)))
	case aFixed:
		return appendRandomBytes(dst, r, n.count)
	case aDuration:
		dst = appendUint32LE(dst, uint32(r.IntN(12)))
		dst = appendUint32LE(dst, uint32(r.IntN(31)))
		return appendUint32LE(dst, uint32(r.IntN(dayMillis)))
	case aDecimalBytes:
		v := r.Between(-n.decLim, n.decLim)
		return appendTwosComplement(dst, v, 0, true)
	case aDecimalFixed:
		v := r.Between(-n.decLim, n.decLim)
		return appendTwosComplement(dst, v, n.count, false)
	case aRecord:
		if n.recursive {
			g.level++
		}
		for _, f := range n.fields {
			dst = g.value(dst, f, c)
		}
		if n.recursive {
			g.level--
		}
		return dst
	case aArray, aMap:
		k := c.count(0, c.maxItems)
		if g.shrinking(c) {
			k = 0
		}
		if k == 0 {
			return append(dst, 0)
		}
		dst = appendLong(dst, int64(k))
		for i := range k {
			if n.kind == aMap {
				var mark int
				dst, mark = beginLen(dst)
				dst = appendWord(dst, r)
				dst = append(dst, '-')
				dst = strconv.AppendInt(dst, int64(i), 10)
				dst = endLen(dst, mark, zigzag(int64(contentLen(dst, mark))))
				dst = g.value(dst, n.items, c)
				continue
			}
			dst = g.value(dst, n.items, c)
		}
		return append(dst, 0)
	case aUnion:
		i := g.pickBranch(n, c)
		dst = appendLong(dst, int64(i))
		return g.value(dst, n.branches[i], c)
	}
	return dst
}

// pickBranch chooses a union branch: null at the null ratio, otherwise a
// uniform non-null branch; past the recursion bound, the branch with the
// smallest values.
func (g *avroGen) pickBranch(n *avroNode, c *genCtx) int {
	if g.shrinking(c) {
		best := 0
		for i, b := range n.branches {
			if b.rank < n.branches[best].rank {
				best = i
			}
		}
		return best
	}
	k := len(n.branches)
	if n.nullAt < 0 {
		return c.r.IntN(k)
	}
	if k == 1 || c.null() {
		return n.nullAt
	}
	i := c.r.IntN(k - 1)
	if i >= n.nullAt {
		i++
	}
	return i
}

func appendUint32LE(dst []byte, v uint32) []byte {
	return append(dst, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// appendTwosComplement appends v as a big-endian two's-complement integer:
// with a length prefix and in the fewest bytes when prefixed (Avro decimal
// bytes), else sign-extended to size bytes (decimal fixed).
func appendTwosComplement(dst []byte, v int64, size int, prefixed bool) []byte {
	var be [8]byte
	for i := range 8 {
		be[i] = byte(v >> (56 - 8*i))
	}
	if prefixed {
		b := be[:]
		for len(b) > 1 && (b[0] == 0 && b[1]&0x80 == 0 || b[0] == 0xff && b[1]&0x80 != 0) {
			b = b[1:]
		}
		dst = appendLong(dst, int64(len(b)))
		return append(dst, b...)
	}
	fill := byte(0)
	if v < 0 {
		fill = 0xff
	}
	for range size - 8 {
		dst = append(dst, fill)
	}
	if size < 8 {
		return append(dst, be[8-size:]...)
	}
	return append(dst, be[:]...)
}
