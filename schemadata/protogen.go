package schemadata

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Well-known message types with generators of their own: their values
// have rules beyond their fields (nanos below one second, an Any that
// holds a real message).
const (
	wktTimestamp = "google.protobuf.Timestamp"
	wktDuration  = "google.protobuf.Duration"
	wktAny       = "google.protobuf.Any"
)

// protoMsg is one compiled message type.
type protoMsg struct {
	name      string
	fields    []*protoField // in declaration order; oneof members stay in their oneof
	wkt       string
	recursive bool
	rank      int
}

// protoOneof is a real oneof: one member (or none) is set.
type protoOneof struct {
	members []*protoField
}

// protoField is one compiled field, or the key or value of a map entry.
type protoField struct {
	path     string
	kind     protoreflect.Kind
	tag      []byte // the field's tag with its wire type (packed: bytes)
	endTag   []byte // groups: the end-group tag
	list     bool
	packed   bool
	isMap    bool
	implicit bool // proto3 scalar without presence: zero values are omitted
	required bool
	msg      *protoMsg
	enumVals []int32
	key, val *protoField // maps
	oneof    *protoOneof // set on the first member only: it encodes the oneof
	inOneof  bool        // member of a real oneof
	hint     *hint
	unsigned bool
	bits32   bool
}

// protoGen generates values of one Protobuf message.
type protoGen struct {
	root    *protoMsg
	indexes []int
	level   int
}

type protoCompiler struct {
	hints      *hintSet
	fieldCount int
	stack      map[protoreflect.FullName]*protoMsg
	msgs       []*protoMsg
	oneofs     []*protoOneof
	fields     []string
}

func compileProtoGen(text, message string, hints *hintSet) (*protoGen, []string, error) {
	fd, err := compileProto(text)
	if err != nil {
		return nil, nil, err
	}
	md, err := findMessage(fd, message)
	if err != nil {
		return nil, nil, err
	}
	c := &protoCompiler{hints: hints, stack: map[protoreflect.FullName]*protoMsg{}}
	root, err := c.message(md, "")
	if err != nil {
		return nil, nil, err
	}
	c.rank()
	if root.rank == rankInf {
		return nil, nil, fmt.Errorf("protobuf message %s has no finite value: a required field always contains its own message", root.name)
	}
	return &protoGen{root: root, indexes: messageIndexes(md)}, c.fields, nil
}

func (c *protoCompiler) message(md protoreflect.MessageDescriptor, path string) (*protoMsg, error) {
	if busy, ok := c.stack[md.FullName()]; ok {
		busy.recursive = true
		return busy, nil
	}
	m := &protoMsg{name: string(md.FullName())}
	c.msgs = append(c.msgs, m)
	if c.fieldCount += md.Fields().Len(); len(c.msgs)+c.fieldCount > maxNodes {
		return nil, errTooLarge
	}
	switch m.name {
	case wktTimestamp, wktDuration, wktAny:
		m.wkt = m.name
		return m, nil
	}
	c.stack[md.FullName()] = m
	defer delete(c.stack, md.FullName())
	oneofs := map[protoreflect.FullName]*protoOneof{}
	for i := range md.Fields().Len() {
		fd := md.Fields().Get(i)
		f, err := c.field(fd, joinPath(path, string(fd.Name())))
		if err != nil {
			return nil, err
		}
		if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
			f.inOneof = true
			po, seen := oneofs[o.FullName()]
			if !seen {
				po = &protoOneof{}
				oneofs[o.FullName()] = po
				f.oneof = po
			}
			po.members = append(po.members, f)
			if seen {
				continue
			}
		}
		m.fields = append(m.fields, f)
	}
	return m, nil
}

func (c *protoCompiler) field(fd protoreflect.FieldDescriptor, path string) (*protoField, error) {
	f := &protoField{path: path, kind: fd.Kind(), list: fd.IsList(), isMap: fd.IsMap(),
		required: fd.Cardinality() == protoreflect.Required}
	if f.isMap {
		var err error
		if f.key, err = c.single(fd.MapKey(), path, false); err != nil {
			return nil, err
		}
		if f.val, err = c.single(fd.MapValue(), path, true); err != nil {
			return nil, err
		}
		f.tag = protowire.AppendTag(nil, fd.Number(), protowire.BytesType)
		return f, nil
	}
	single, err := c.single(fd, path, true)
	if err != nil {
		return nil, err
	}
	single.list, single.required = f.list, f.required
	f = single
	f.implicit = !fd.HasPresence() && !f.list
	if f.list && fd.IsPacked() {
		f.packed = true
		f.tag = protowire.AppendTag(nil, fd.Number(), protowire.BytesType)
	}
	return f, nil
}

// single compiles the value part of a field (or of a map key or value):
// its kind, tag, message or enum, and hint.
func (c *protoCompiler) single(fd protoreflect.FieldDescriptor, path string, hinted bool) (*protoField, error) {
	f := &protoField{path: path, kind: fd.Kind()}
	f.tag = protowire.AppendTag(nil, fd.Number(), wireType(fd.Kind()))
	switch fd.Kind() {
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if fd.Kind() == protoreflect.GroupKind {
			f.endTag = protowire.AppendTag(nil, fd.Number(), protowire.EndGroupType)
		}
		if hinted {
			if err := c.noHint(path, "a message"); err != nil {
				return nil, err
			}
		}
		m, err := c.message(fd.Message(), path)
		if err != nil {
			return nil, err
		}
		f.msg = m
		return f, nil
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		for i := range vals.Len() {
			f.enumVals = append(f.enumVals, int32(vals.Get(i).Number()))
		}
		if hinted {
			return f, c.noHint(path, "an enum")
		}
		return f, nil
	}
	if !hinted {
		return f, nil
	}
	want, lo, hi := vText, int64(math.MinInt64), int64(math.MaxInt64)
	switch fd.Kind() {
	case protoreflect.BoolKind:
		want = vBool
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		want, lo, hi, f.bits32 = vInt, math.MinInt32, math.MaxInt32, true
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		want, lo, hi, f.bits32, f.unsigned = vInt, 0, math.MaxUint32, true, true
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		want = vInt
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		want, lo, f.unsigned = vInt, 0, true
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		want = vFloat
	}
	c.fields = append(c.fields, path)
	h := c.hints.lookup(path)
	if h == nil {
		return f, nil
	}
	what := "protobuf " + fd.Kind().String()
	if err := h.checkFits(path, want, what); err != nil {
		return nil, err
	}
	if want == vInt {
		if err := h.checkIntRange(path, lo, hi, what); err != nil {
			return nil, err
		}
	}
	f.hint = h
	return f, nil
}

func (c *protoCompiler) noHint(path, what string) error {
	if h := c.hints.lookup(path); h != nil {
		return fmt.Errorf("hint %q for %q: the field is %s; hints fill string, bytes, number and boolean fields", h.spec, path, what)
	}
	return nil
}

// wireType is the wire type of one value of the kind.
func wireType(k protoreflect.Kind) protowire.Type {
	switch k {
	case protoreflect.DoubleKind, protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return protowire.Fixed64Type
	case protoreflect.FloatKind, protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return protowire.Fixed32Type
	case protoreflect.StringKind, protoreflect.BytesKind, protoreflect.MessageKind:
		return protowire.BytesType
	case protoreflect.GroupKind:
		return protowire.StartGroupType
	}
	return protowire.VarintType
}

// rank computes the depth of each message's smallest value: only required
// fields must be set, so only proto2 required messages can make a
// message endless.
func (c *protoCompiler) rank() {
	for _, m := range c.msgs {
		m.rank = rankInf
	}
	for changed := true; changed; {
		changed = false
		for _, m := range c.msgs {
			r := 1
			for _, f := range m.fields {
				if f.required && f.msg != nil && !f.list {
					if f.msg.rank == rankInf {
						r = rankInf
						break
					}
					r = max(r, f.msg.rank+1)
				}
			}
			if r != m.rank {
				m.rank, changed = r, true
			}
		}
	}
}

func (g *protoGen) append(dst []byte, c *genCtx) []byte {
	g.level = 0
	return g.message(dst, g.root, c)
}

func (g *protoGen) shrinking(c *genCtx) bool { return g.level > c.maxRec }

func (g *protoGen) message(dst []byte, m *protoMsg, c *genCtx) []byte {
	switch m.wkt {
	case wktTimestamp:
		return appendSecondsNanos(dst, randomMillis(&c.r)/1000, int64(c.r.IntN(1e9)))
	case wktDuration:
		return appendSecondsNanos(dst, c.r.Between(0, 30*daySeconds), int64(c.r.IntN(1e9)))
	case wktAny:
		dst = protowire.AppendTag(dst, 1, protowire.BytesType)
		const url = "type.googleapis.com/" + wktTimestamp
		dst = protowire.AppendString(dst, url)
		dst = protowire.AppendTag(dst, 2, protowire.BytesType)
		var mark int
		dst, mark = beginLen(dst)
		dst = appendSecondsNanos(dst, randomMillis(&c.r)/1000, int64(c.r.IntN(1e9)))
		return endLen(dst, mark, contentLen(dst, mark))
	}
	if m.recursive {
		g.level++
	}
	for _, f := range m.fields {
		if f.oneof != nil {
			if g.shrinking(c) || c.null() {
				continue
			}
			member := f.oneof.members[c.r.IntN(len(f.oneof.members))]
			dst = g.one(dst, member, c, true)
			continue
		}
		dst = g.field(dst, f, c)
	}
	if m.recursive {
		g.level--
	}
	return dst
}

func appendSecondsNanos(dst []byte, seconds, nanos int64) []byte {
	if seconds != 0 {
		dst = protowire.AppendTag(dst, 1, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(seconds))
	}
	if nanos != 0 {
		dst = protowire.AppendTag(dst, 2, protowire.VarintType)
		dst = protowire.AppendVarint(dst, uint64(nanos))
	}
	return dst
}

// field appends a field that is not in a oneof: a map, a repeated field or
// a singular one.
func (g *protoGen) field(dst []byte, f *protoField, c *genCtx) []byte {
	switch {
	case f.isMap:
		n := c.count(0, c.maxItems)
		if g.shrinking(c) {
			n = 0
		}
		if f.key.kind == protoreflect.BoolKind {
			n = min(n, 2) // keys must differ
		}
		base := c.r.Between(0, 1000)
		for i := range n {
			dst = append(dst, f.tag...)
			var mark int
			dst, mark = beginLen(dst)
			dst = g.mapKey(dst, f.key, base+int64(i), i, c)
			dst = g.one(dst, f.val, c, true)
			dst = endLen(dst, mark, contentLen(dst, mark))
		}
		return dst
	case f.list:
		n := c.count(0, c.maxItems)
		if g.shrinking(c) {
			n = 0
		}
		if n == 0 {
			return dst
		}
		if f.packed {
			dst = append(dst, f.tag...)
			var mark int
			dst, mark = beginLen(dst)
			for range n {
				dst = g.scalar(dst, f, c)
			}
			return endLen(dst, mark, contentLen(dst, mark))
		}
		for range n {
			dst = g.one(dst, f, c, true)
		}
		return dst
	case f.required:
		return g.one(dst, f, c, true)
	case f.implicit:
		return g.one(dst, f, c, false)
	}
	// Explicit presence: left out at the null ratio, and past the
	// recursion bound.
	if c.null() || f.msg != nil && g.shrinking(c) {
		return dst
	}
	return g.one(dst, f, c, true)
}

// mapKey appends the key of map entry i: distinct keys within one map.
func (g *protoGen) mapKey(dst []byte, k *protoField, n int64, i int, c *genCtx) []byte {
	dst = append(dst, k.tag...)
	switch k.kind {
	case protoreflect.StringKind:
		var mark int
		dst, mark = beginLen(dst)
		dst = appendWord(dst, &c.r)
		dst = append(dst, '-')
		dst = strconv.AppendInt(dst, int64(i), 10)
		return endLen(dst, mark, contentLen(dst, mark))
	case protoreflect.BoolKind:
		return protowire.AppendVarint(dst, uint64(i&1))
	}
	return g.scalarValue(dst, k.kind, n)
}

// one appends one value of f with its tag. With always false (proto3
// implicit presence) a zero value is left out, as Protobuf encoders do.
func (g *protoGen) one(dst []byte, f *protoField, c *genCtx, always bool) []byte {
	mark := len(dst)
	dst = append(dst, f.tag...)
	switch {
	case f.kind == protoreflect.GroupKind:
		dst = g.message(dst, f.msg, c)
		return append(dst, f.endTag...)
	case f.msg != nil:
		var lm int
		dst, lm = beginLen(dst)
		dst = g.message(dst, f.msg, c)
		return endLen(dst, lm, contentLen(dst, lm))
	}
	start := len(dst)
	dst = g.scalar(dst, f, c)
	if !always && isZeroValue(f.kind, dst[start:]) {
		return dst[:mark]
	}
	return dst
}

// isZeroValue reports whether an encoded scalar is its type's zero value
// (for length-delimited values: the empty string).
func isZeroValue(k protoreflect.Kind, enc []byte) bool {
	switch wireType(k) {
	case protowire.BytesType:
		return len(enc) == 1 && enc[0] == 0
	case protowire.VarintType:
		return len(enc) == 1 && enc[0] == 0
	case protowire.Fixed32Type:
		v := uint32(enc[0]) | uint32(enc[1])<<8 | uint32(enc[2])<<16 | uint32(enc[3])<<24
		if k == protoreflect.FloatKind {
			return v == 0 // +0.0 only: -0.0 is encoded
		}
		return v == 0
	case protowire.Fixed64Type:
		for _, b := range enc {
			if b != 0 {
				return false
			}
		}
		return true
	}
	return false
}

// scalar appends one scalar value (no tag): strings and bytes with their
// length.
func (g *protoGen) scalar(dst []byte, f *protoField, c *genCtx) []byte {
	r := &c.r
	if h := f.hint; h != nil {
		switch f.kind {
		case protoreflect.StringKind, protoreflect.BytesKind:
			var mark int
			dst, mark = beginLen(dst)
			dst = h.text(dst, c)
			if f.kind == protoreflect.StringKind && !utf8.Valid(dst[mark+1:]) {
				dst = append(dst[:mark+1], toValidUTF8(dst[mark+1:])...)
			}
			return endLen(dst, mark, contentLen(dst, mark))
		case protoreflect.BoolKind:
			return protowire.AppendVarint(dst, protowire.EncodeBool(h.boolVal(c)))
		case protoreflect.FloatKind:
			return appendFloat32LE(dst, float32(h.floatVal(c)))
		case protoreflect.DoubleKind:
			return appendFloat64LE(dst, h.floatVal(c))
		}
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		switch {
		case f.bits32 && f.unsigned:
			lo, hi = 0, math.MaxUint32
		case f.bits32:
			lo, hi = math.MinInt32, math.MaxInt32
		case f.unsigned:
			lo = 0
		}
		return g.scalarValue(dst, f.kind, h.intVal(c, lo, hi))
	}
	switch f.kind {
	case protoreflect.StringKind:
		var mark int
		dst, mark = beginLen(dst)
		dst = appendWords(dst, r, c.count(1, 3))
		return endLen(dst, mark, contentLen(dst, mark))
	case protoreflect.BytesKind:
		n := c.count(4, 16)
		dst = protowire.AppendVarint(dst, uint64(n))
		return appendRandomBytes(dst, r, n)
	case protoreflect.BoolKind:
		return protowire.AppendVarint(dst, r.Uint64()&1)
	case protoreflect.FloatKind:
		return appendFloat32LE(dst, float32(roundTo(r.Float64()*1000, 2)))
	case protoreflect.DoubleKind:
		return appendFloat64LE(dst, roundTo(r.Float64()*1000, 2))
	case protoreflect.EnumKind:
		return protowire.AppendVarint(dst, uint64(int64(f.enumVals[r.IntN(len(f.enumVals))])))
	}
	return g.scalarValue(dst, f.kind, r.Between(0, 1000))
}

// scalarValue appends an integer as the kind encodes it.
func (g *protoGen) scalarValue(dst []byte, k protoreflect.Kind, v int64) []byte {
	switch k {
	case protoreflect.Sint32Kind, protoreflect.Sint64Kind:
		return protowire.AppendVarint(dst, protowire.EncodeZigZag(v))
	case protoreflect.Fixed32Kind, protoreflect.Sfixed32Kind:
		return protowire.AppendFixed32(dst, uint32(v))
	case protoreflect.Fixed64Kind, protoreflect.Sfixed64Kind:
		return protowire.AppendFixed64(dst, uint64(v))
	case protoreflect.Int32Kind:
		return protowire.AppendVarint(dst, uint64(int64(int32(v))))
	case protoreflect.Uint32Kind:
		return protowire.AppendVarint(dst, uint64(uint32(v)))
	case protoreflect.FloatKind:
		return appendFloat32LE(dst, float32(v))
	case protoreflect.DoubleKind:
		return appendFloat64LE(dst, float64(v))
	case protoreflect.BoolKind:
		return protowire.AppendVarint(dst, uint64(v&1))
	}
	return protowire.AppendVarint(dst, uint64(v))
}
