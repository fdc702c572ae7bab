package generators

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/kbench/kbench/scenarios"
)

// kind is a compiled field generator.
type kind uint8

const (
	kUUID kind = iota + 1
	kName
	kFirstName
	kLastName
	kEmail
	kUsername
	kPhone
	kList // a uniform pick from a word list: company, city, country, word
	kStreet
	kZip
	kIPv4
	kIPv6
	kURL
	kUserAgent
	kSentence
	kFixed // a uniform integer printed with a fixed number of decimals: int, price, latitude, longitude, float with decimals
	kFloat // float without rounding
	kBool
	kEnum
	kTimestamp
	kDate
	kSequence
	kConst
	kObject
	kArray
	kFake // any other gofakeit function, through its lookup
)

// builtinKinds maps every name of scenarios.FieldKinds to its kind.
var builtinKinds = map[string]kind{
	"uuid":      kUUID,
	"name":      kName,
	"firstname": kFirstName,
	"lastname":  kLastName,
	"email":     kEmail,
	"username":  kUsername,
	"phone":     kPhone,
	"company":   kList,
	"city":      kList,
	"country":   kList,
	"street":    kStreet,
	"zip":       kZip,
	"latitude":  kFixed,
	"longitude": kFixed,
	"ipv4":      kIPv4,
	"ipv6":      kIPv6,
	"url":       kURL,
	"useragent": kUserAgent,
	"word":      kList,
	"sentence":  kSentence,
	"int":       kFixed,
	"float":     kFloat, // kFixed when Decimals >= 0
	"price":     kFixed,
	"bool":      kBool,
	"enum":      kEnum,
	"timestamp": kTimestamp,
	"date":      kDate,
	"sequence":  kSequence,
	"const":     kConst,
	"object":    kObject,
	"array":     kArray,
}

// Defaults for number ranges the scenario leaves open.
const (
	defaultIntMin, defaultIntMax     = 0, 1000
	defaultFloatMin, defaultFloatMax = 0, 1
	defaultPriceMin, defaultPriceMax = 0, 1000
	defaultWords                     = 8
	maxItemsLimit                    = 1 << 16
	maxDepth                         = 32
	dateYears                        = 10
)

// Time formats of timestamp and date.
const (
	tfRFC3339 uint8 = iota
	tfRFC3339Nano
	tfUnix
	tfUnixMs
)

// node is one compiled field.
type node struct {
	kind   kind
	name   string // the field's path, for errors
	prefix []byte // `"name":`, preceded by ',' unless first in its object

	nullCut uint64 // draw < nullCut means null; 0 means never null
	isKey   bool   // the record key's field

	list []string // kList: escaped content

	fixLo   int64  // kFixed: lowest value, in units of 10^-fixDec
	fixSpan uint64 // kFixed: highest - lowest
	fixDec  int    // kFixed: decimals printed

	fMin, fSpan, fMax float64 // kFloat

	words int // kSentence

	enumVals [][]byte // kEnum: quoted JSON strings
	enumProb []uint64 // kEnum with weights: alias method thresholds
	enumAlt  []uint32 // kEnum with weights: alias method alternatives

	timeFmt uint8 // kTimestamp, kDate

	seq int64 // kSequence: next value

	raw []byte // kConst

	children []*node // kObject

	items              *node // kArray
	minItems, spanItem int   // kArray

	info   *gofakeit.Info      // kFake
	params *gofakeit.MapParams // kFake
}

// emitCtx is what field generation draws from: the random source and faker
// of either the record stream or the key-value stream.
type emitCtx struct {
	r *source
	f *gofakeit.Faker
	t *textTables

	now     time.Time // the record's wall-clock time (timestamp fields)
	dateLo  int64     // date range, unix ns
	dateLen uint64

	keyJSON  []byte // the JSON value of the record's key field, if keyed
	keyMode  bool   // generating key index keyIndex's key-field value
	keyIndex int64
}

// compiler turns scenario fields into nodes.
type compiler struct {
	keyPath string // Key.Field, "" when none
	keyNode *node
	hasTime bool
}

func (c *compiler) object(path string, fields []*scenarios.Field, depth int, inArray bool) (*node, error) {
	n := &node{kind: kObject, name: path}
	seen := make(map[string]bool, len(fields))
	for i, f := range fields {
		if f == nil {
			return nil, fmt.Errorf("field %d of %s is missing", i+1, orRoot(path))
		}
		if f.Name == "" {
			return nil, fmt.Errorf("field %d of %s has no name", i+1, orRoot(path))
		}
		if seen[f.Name] {
			return nil, fmt.Errorf("field %q appears twice in %s", f.Name, orRoot(path))
		}
		seen[f.Name] = true
		childPath := f.Name
		if path != "" {
			childPath = path + "." + f.Name
		}
		child, err := c.field(childPath, f, depth+1, inArray)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			child.prefix = append(child.prefix, ',')
		}
		child.prefix = appendJSONString(child.prefix, f.Name)
		child.prefix = append(child.prefix, ':')
		n.children = append(n.children, child)
	}
	return n, nil
}

func orRoot(path string) string {
	if path == "" {
		return "the data set"
	}
	return "field " + strconv.Quote(path)
}

// posError is an error about a field, prefixed with the field's position
// in the scenario file when it has one.
type posError struct {
	pos scenarios.Pos
	err error
}

func (e *posError) Error() string {
	if e.pos.Line == 0 {
		return e.err.Error()
	}
	return fmt.Sprintf("%s:%d:%d: %v", e.pos.File, e.pos.Line, e.pos.Column, e.err)
}

func (e *posError) Unwrap() error { return e.err }

func (c *compiler) field(path string, f *scenarios.Field, depth int, inArray bool) (*node, error) {
	n, err := c.fieldAt(path, f, depth, inArray)
	if err != nil {
		if _, ok := err.(*posError); !ok {
			err = &posError{pos: f.Pos, err: err}
		}
		return nil, err
	}
	return n, nil
}

func (c *compiler) fieldAt(path string, f *scenarios.Field, depth int, inArray bool) (*node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("field %q: nested more than %d levels deep", path, maxDepth)
	}
	n, err := c.fieldKind(path, f, depth, inArray)
	if err != nil {
		return nil, err
	}
	n.name = path
	if f.NullRatio < 0 || f.NullRatio > 1 || math.IsNaN(f.NullRatio) {
		return nil, fmt.Errorf("field %q: null_ratio %v is not in [0,1]", path, f.NullRatio)
	}
	n.nullCut = probCut(f.NullRatio)
	if c.keyPath != "" && path == c.keyPath {
		if inArray {
			return nil, fmt.Errorf("key field %q is inside an array", path)
		}
		switch n.kind {
		case kObject, kArray:
			return nil, fmt.Errorf("key field %q is an %s; the key must be a scalar field", path, f.Fake)
		case kTimestamp:
			return nil, fmt.Errorf("key field %q is a timestamp (the current time); a key field's values must be repeatable", path)
		}
		n.isKey = true
		c.keyNode = n
	}
	return n, nil
}

func lookupKind(name string) (kind, bool) {
	if k, ok := builtinKinds[name]; ok {
		return k, true
	}
	k, ok := builtinKinds[strings.ToLower(name)]
	return k, ok
}

func (c *compiler) fieldKind(path string, f *scenarios.Field, depth int, inArray bool) (*node, error) {
	k, ok := lookupKind(f.Fake)
	if !ok {
		return fakeNode(path, f.Fake)
	}
	n := &node{kind: k}
	t := loadTables()
	name := strings.ToLower(f.Fake)
	switch name {
	case "company":
		n.list = t.company
	case "city":
		n.list = t.city
	case "country":
		n.list = t.country
	case "word":
		n.list = t.words
	case "sentence":
		n.words = f.Words
		if n.words <= 0 {
			n.words = defaultWords
		}
	case "int":
		lo, hi, err := rangeOf(path, f, defaultIntMin, defaultIntMax)
		if err != nil {
			return nil, err
		}
		lo, hi = math.Ceil(lo), math.Floor(hi)
		if lo > hi {
			return nil, fmt.Errorf("field %q: no integer between min %v and max %v", path, f.Min, f.Max)
		}
		if lo < -(1<<63) || hi >= 1<<63 {
			return nil, fmt.Errorf("field %q: int range [%v, %v] exceeds 64 bits", path, lo, hi)
		}
		n.fixLo, n.fixSpan, n.fixDec = int64(lo), uint64(int64(hi))-uint64(int64(lo)), 0
	case "float":
		lo, hi, err := rangeOf(path, f, defaultFloatMin, defaultFloatMax)
		if err != nil {
			return nil, err
		}
		if f.Decimals >= 0 {
			if err := n.setFixed(path, lo, hi, f.Decimals); err != nil {
				return nil, err
			}
			break
		}
		n.fMin, n.fMax, n.fSpan = lo, hi, hi-lo
		if math.IsInf(n.fSpan, 0) {
			return nil, fmt.Errorf("field %q: float range [%v, %v] is too wide", path, lo, hi)
		}
	case "price":
		lo, hi, err := rangeOf(path, f, defaultPriceMin, defaultPriceMax)
		if err != nil {
			return nil, err
		}
		if err := n.setFixed(path, lo, hi, 2); err != nil {
			return nil, err
		}
	case "latitude":
		n.fixLo, n.fixSpan, n.fixDec = -90e6, 180e6, 6
	case "longitude":
		n.fixLo, n.fixSpan, n.fixDec = -180e6, 360e6, 6
	case "enum":
		if err := n.setEnum(path, f.Values, f.Weights); err != nil {
			return nil, err
		}
	case "timestamp", "date":
		switch f.Format {
		case "", "rfc3339":
			n.timeFmt = tfRFC3339
		case "rfc3339nano":
			n.timeFmt = tfRFC3339Nano
		case "unix":
			n.timeFmt = tfUnix
		case "unix_ms":
			n.timeFmt = tfUnixMs
		default:
			return nil, fmt.Errorf("field %q: unknown %s format %q (want rfc3339, rfc3339nano, unix or unix_ms)", path, name, f.Format)
		}
		if name == "timestamp" {
			c.hasTime = true
		}
	case "const":
		v := strings.TrimSpace(f.Value)
		if v == "" || !json.Valid([]byte(v)) {
			return nil, fmt.Errorf("field %q: const value %q is not a JSON literal", path, f.Value)
		}
		n.raw = []byte(v)
	case "object":
		obj, err := c.object(path, f.Fields, depth, inArray)
		if err != nil {
			return nil, err
		}
		n.children = obj.children
	case "array":
		if f.Items == nil {
			return nil, fmt.Errorf("field %q: array has no items", path)
		}
		if f.MinItems < 0 || f.MaxItems < f.MinItems || f.MaxItems > maxItemsLimit {
			return nil, fmt.Errorf("field %q: array length %d..%d is not a range within 0..%d", path, f.MinItems, f.MaxItems, maxItemsLimit)
		}
		items, err := c.field(path+"[]", f.Items, depth+1, true)
		if err != nil {
			return nil, err
		}
		n.items, n.minItems, n.spanItem = items, f.MinItems, f.MaxItems-f.MinItems
	}
	return n, nil
}

// rangeOf returns the field's [Min, Max], with defaults for the unset ends.
func rangeOf(path string, f *scenarios.Field, defLo, defHi float64) (lo, hi float64, err error) {
	lo, hi = defLo, defHi
	switch {
	case f.HasMin && f.HasMax:
		lo, hi = f.Min, f.Max
	case f.HasMin:
		lo = f.Min
		hi = max(defHi, lo+(defHi-defLo))
	case f.HasMax:
		hi = f.Max
		lo = min(defLo, hi-(defHi-defLo))
	}
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return 0, 0, fmt.Errorf("field %q: min and max must be finite numbers", path)
	}
	if lo > hi {
		return 0, 0, fmt.Errorf("field %q: min %v is greater than max %v", path, lo, hi)
	}
	return lo, hi, nil
}

// setFixed makes n draw uniformly among the numbers of [lo, hi] that have
// dec decimals.
func (n *node) setFixed(path string, lo, hi float64, dec int) error {
	if dec > 15 {
		dec = 15
	}
	scale := float64(pow10[dec])
	a, b := math.Ceil(lo*scale), math.Floor(hi*scale)
	if a > b {
		// No number with dec decimals fits: print the range's midpoint
		// with full precision instead of leaving the range.
		n.kind, n.fMin, n.fMax, n.fSpan = kFloat, (lo+hi)/2, (lo+hi)/2, 0
		return nil
	}
	const limit = 1 << 53 // exact integers in a float64
	if a < -limit || b > limit {
		return fmt.Errorf("field %q: range [%v, %v] with %d decimals is too wide", path, lo, hi, dec)
	}
	n.kind, n.fixLo, n.fixSpan, n.fixDec = kFixed, int64(a), uint64(int64(b)-int64(a)), dec
	return nil
}

// setEnum prepares enum values and, with weights, Vose's alias tables.
func (n *node) setEnum(path string, values []string, weights []float64) error {
	if len(values) == 0 {
		return fmt.Errorf("field %q: enum has no values", path)
	}
	if len(values) > math.MaxUint32 {
		return fmt.Errorf("field %q: enum has too many values", path)
	}
	for _, v := range values {
		n.enumVals = append(n.enumVals, appendJSONString(nil, v))
	}
	if len(weights) == 0 {
		return nil
	}
	if len(weights) != len(values) {
		return fmt.Errorf("field %q: enum has %d values but %d weights", path, len(values), len(weights))
	}
	var sum float64
	for _, w := range weights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("field %q: enum weight %v is not a finite number >= 0", path, w)
		}
		sum += w
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return fmt.Errorf("field %q: enum weights must add up to a positive finite number", path)
	}
	k := len(weights)
	scaled := make([]float64, k)
	var small, large []int
	for i, w := range weights {
		scaled[i] = w / sum * float64(k)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	n.enumProb = make([]uint64, k)
	n.enumAlt = make([]uint32, k)
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		n.enumProb[s], n.enumAlt[s] = probCut(scaled[s]), uint32(l)
		scaled[l] -= 1 - scaled[s]
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left has probability 1 (up to rounding).
	for _, i := range append(small, large...) {
		n.enumProb[i], n.enumAlt[i] = math.MaxUint64, uint32(i)
	}
	return nil
}

// fakeNode prepares a field generated by a gofakeit function (the slow
// path: its Generate function is called per value and the result encoded).
func fakeNode(path, name string) (*node, error) {
	if name == "" {
		return nil, fmt.Errorf("field %q has no fake generator", path)
	}
	info := gofakeit.GetFuncLookup(name)
	if info == nil {
		info = gofakeit.GetFuncLookup(strings.ToLower(name))
	}
	if info == nil || info.Generate == nil {
		return nil, fmt.Errorf("field %q: unknown fake generator %q (neither a kbench field kind nor a gofakeit function)", path, name)
	}
	for _, p := range info.Params {
		if p.Default == "" && !p.Optional {
			return nil, fmt.Errorf("field %q: gofakeit function %q needs parameter %q, which kbench cannot pass; use a kbench field kind or another function", path, name, p.Field)
		}
	}
	n := &node{kind: kFake, info: info, params: gofakeit.NewMapParams()}
	// Try it once on a throwaway faker so a function that cannot run
	// without parameters fails here, not silently on every record.
	trial := &source{S: 1}
	v, err := callFake(n, gofakeit.NewFaker(trial, false))
	if err != nil {
		return nil, fmt.Errorf("field %q: gofakeit function %q fails without parameters: %v", path, name, err)
	}
	if _, err := json.Marshal(v); err != nil {
		return nil, fmt.Errorf("field %q: gofakeit function %q returns %T, which is not JSON: %v", path, name, v, err)
	}
	return n, nil
}

// callFake runs a gofakeit lookup function, turning panics into errors.
func callFake(n *node, f *gofakeit.Faker) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return n.info.Generate(f, n.params, n.info)
}

// appendNode appends one value of n as JSON.
func appendNode(dst []byte, n *node, c *emitCtx) []byte {
	if n.isKey && c.keyJSON != nil {
		return append(dst, c.keyJSON...)
	}
	if n.nullCut != 0 && !c.keyMode && c.r.Uint64() < n.nullCut {
		return append(dst, "null"...)
	}
	r := c.r
	switch n.kind {
	case kUUID:
		return appendUUID(dst, r)
	case kName:
		dst = append(dst, '"')
		dst = appendName(dst, r, c.t)
	case kFirstName:
		dst = append(dst, '"')
		dst = append(dst, pick(r, c.t.first)...)
	case kLastName:
		dst = append(dst, '"')
		dst = append(dst, pick(r, c.t.last)...)
	case kEmail:
		dst = append(dst, '"')
		dst = appendEmail(dst, r, c.t)
	case kUsername:
		dst = append(dst, '"')
		dst = appendUsername(dst, r, c.t)
	case kPhone:
		dst = append(dst, '"')
		dst = appendDigits(dst, r, 10)
	case kList:
		dst = append(dst, '"')
		dst = append(dst, pick(r, n.list)...)
	case kStreet:
		dst = append(dst, '"')
		dst = appendStreet(dst, r, c.t)
	case kZip:
		dst = append(dst, '"')
		dst = appendDigits(dst, r, 5)
	case kIPv4:
		dst = append(dst, '"')
		dst = appendIPv4(dst, r)
	case kIPv6:
		dst = append(dst, '"')
		dst = appendIPv6(dst, r)
	case kURL:
		dst = append(dst, '"')
		dst = appendURL(dst, r, c.t)
	case kUserAgent:
		dst = append(dst, '"')
		dst = appendUserAgent(dst, r)
	case kSentence:
		dst = append(dst, '"')
		dst = appendSentence(dst, r, c.t, n.words)
	case kFixed:
		var v int64
		if n.fixSpan == math.MaxUint64 {
			v = int64(r.Uint64())
		} else {
			v = n.fixLo + int64(r.UintN(n.fixSpan+1))
		}
		return appendFixed(dst, v, n.fixDec)
	case kFloat:
		v := n.fMin + r.Float64()*n.fSpan
		if v > n.fMax {
			v = n.fMax
		}
		return strconv.AppendFloat(dst, v, 'f', -1, 64)
	case kBool:
		if r.Uint64()&1 == 0 {
			return append(dst, "false"...)
		}
		return append(dst, "true"...)
	case kEnum:
		i := r.UintN(uint64(len(n.enumVals)))
		if n.enumProb != nil && r.Uint64() >= n.enumProb[i] {
			i = uint64(n.enumAlt[i])
		}
		return append(dst, n.enumVals[i]...)
	case kTimestamp:
		return appendTime(dst, c.now, n.timeFmt)
	case kDate:
		ns := c.dateLo + int64(r.UintN(c.dateLen))
		return appendTime(dst, time.Unix(0, ns), n.timeFmt)
	case kSequence:
		if c.keyMode {
			return strconv.AppendInt(dst, c.keyIndex, 10)
		}
		v := n.seq
		n.seq++
		return strconv.AppendInt(dst, v, 10)
	case kConst:
		return append(dst, n.raw...)
	case kObject:
		dst = append(dst, '{')
		for _, ch := range n.children {
			dst = append(dst, ch.prefix...)
			dst = appendNode(dst, ch, c)
		}
		return append(dst, '}')
	case kArray:
		count := n.minItems
		if n.spanItem > 0 {
			count += r.IntN(n.spanItem + 1)
		}
		dst = append(dst, '[')
		for i := range count {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendNode(dst, n.items, c)
		}
		return append(dst, ']')
	case kFake:
		return appendFake(dst, n, c)
	default:
		return append(dst, "null"...)
	}
	return append(dst, '"')
}

// appendUUID appends a quoted random (version 4, RFC 9562 variant) UUID.
func appendUUID(dst []byte, r *source) []byte {
	a, b := r.Uint64(), r.Uint64()
	a = a&^(0xf<<12) | 0x4<<12 // version 4 in the 7th byte's high nibble
	b = b&^(0x3<<62) | 0x2<<62 // variant 10 in the 9th byte's top bits
	n := len(dst)
	dst = slices.Grow(dst, 38)[:n+38]
	u := dst[n : n+38 : n+38]
	u[0], u[9], u[14], u[19], u[24], u[37] = '"', '-', '-', '-', '-', '"'
	// Two hex digits per byte, most significant first.
	put := func(at int, v uint64) {
		h := hexPairs[v&0xff]
		u[at], u[at+1] = h[0], h[1]
	}
	put(1, a>>56)
	put(3, a>>48)
	put(5, a>>40)
	put(7, a>>32)
	put(10, a>>24)
	put(12, a>>16)
	put(15, a>>8)
	put(17, a)
	put(20, b>>56)
	put(22, b>>48)
	put(25, b>>40)
	put(27, b>>32)
	put(29, b>>24)
	put(31, b>>16)
	put(33, b>>8)
	put(35, b)
	return dst
}

// hexPairs[b] is b in two lower-case hex digits.
var hexPairs = func() (t [256][2]byte) {
	for i := range t {
		t[i] = [2]byte{hexDigits[i>>4], hexDigits[i&0xf]}
	}
	return t
}()

// appendFixed appends v*10^-dec with exactly dec decimals.
func appendFixed(dst []byte, v int64, dec int) []byte {
	if dec == 0 {
		return strconv.AppendInt(dst, v, 10)
	}
	u := uint64(v)
	if v < 0 {
		dst = append(dst, '-')
		u = -u
	}
	p := pow10[dec]
	dst = strconv.AppendUint(dst, u/p, 10)
	frac := u % p
	var buf [20]byte
	buf[0] = '.'
	for i := dec; i > 0; i-- {
		buf[i] = byte('0' + frac%10)
		frac /= 10
	}
	return append(dst, buf[:dec+1]...)
}

// appendTime appends t in one of the time formats, in UTC.
func appendTime(dst []byte, t time.Time, format uint8) []byte {
	switch format {
	case tfUnix:
		return strconv.AppendInt(dst, t.Unix(), 10)
	case tfUnixMs:
		return strconv.AppendInt(dst, t.UnixMilli(), 10)
	case tfRFC3339Nano:
		dst = append(dst, '"')
		dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
	default:
		dst = append(dst, '"')
		dst = t.UTC().AppendFormat(dst, time.RFC3339)
	}
	return append(dst, '"')
}

// appendFake calls a gofakeit function and appends its result as JSON:
// common result types directly, anything else through encoding/json. A
// failing call gives null.
func appendFake(dst []byte, n *node, c *emitCtx) []byte {
	v, err := callFake(n, c.f)
	if err != nil {
		return append(dst, "null"...)
	}
	switch x := v.(type) {
	case string:
		return appendJSONString(dst, x)
	case bool:
		return strconv.AppendBool(dst, x)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int8:
		return strconv.AppendInt(dst, int64(x), 10)
	case int16:
		return strconv.AppendInt(dst, int64(x), 10)
	case int32:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case uint:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint8:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint16:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint32:
		return strconv.AppendUint(dst, uint64(x), 10)
	case uint64:
		return strconv.AppendUint(dst, x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(dst, "null"...)
		}
		return strconv.AppendFloat(dst, x, 'f', -1, 64)
	case float32:
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return append(dst, "null"...)
		}
		return strconv.AppendFloat(dst, f, 'f', -1, 32)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return append(dst, "null"...)
	}
	return append(dst, b...)
}
