package schemadata

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
)

// valueType is the kind of value a hint produces, or a field accepts.
type valueType uint8

const (
	vText valueType = iota + 1
	vInt
	vFloat
	vBool
)

func (t valueType) String() string {
	switch t {
	case vText:
		return "text"
	case vInt:
		return "integers"
	case vFloat:
		return "numbers"
	case vBool:
		return "booleans"
	}
	return "nothing"
}

// hintKind is a built-in hint kind: it appends text (text kinds) or
// returns a number.
type hintKind uint8

const (
	hUUID hintKind = iota + 1
	hName
	hFirstName
	hLastName
	hEmail
	hUsername
	hPhone
	hCompany
	hCity
	hCountry
	hStreet
	hZip
	hIPv4
	hIPv6
	hURL
	hHostname
	hUserAgent
	hWord
	hSentence
	hDate
	hTimestamp
	hInt
	hFloat
	hPrice
	hLatitude
	hLongitude
	hSequence
	hBool
	hFake // any other gofakeit function
)

// hintKinds are the built-in hint names: kbench's field kinds that make
// sense for a typed field.
var hintKinds = map[string]hintKind{
	"uuid": hUUID, "name": hName, "firstname": hFirstName, "lastname": hLastName,
	"email": hEmail, "username": hUsername, "phone": hPhone, "company": hCompany,
	"city": hCity, "country": hCountry, "street": hStreet, "zip": hZip,
	"ipv4": hIPv4, "ipv6": hIPv6, "url": hURL, "hostname": hHostname, "useragent": hUserAgent,
	"word": hWord, "sentence": hSentence, "date": hDate, "timestamp": hTimestamp,
	"int": hInt, "float": hFloat, "price": hPrice, "latitude": hLatitude, "longitude": hLongitude,
	"sequence": hSequence, "bool": hBool,
}

// HintKinds lists the built-in hint names, sorted. Any other hint name must
// be a gofakeit function (see gofakeit's function catalog).
func HintKinds() []string {
	names := make([]string, 0, len(hintKinds))
	for n := range hintKinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// hint is a compiled hint: how to make the value of one field.
type hint struct {
	spec string // as written, for errors
	kind hintKind
	out  valueType
	// Bounds: int, sequence start (ilo only), sentence words (ilo..ihi).
	ilo, ihi int64
	// Bounds of float, price, latitude, longitude; decimals rounds when >= 0.
	flo, fhi float64
	decimals int
	seq      int64
	info     *gofakeit.Info
	params   *gofakeit.MapParams
}

// parseHint compiles one hint: "kind" or "kind:MIN..MAX".
func parseHint(spec string) (*hint, error) {
	name, bounds, hasBounds := strings.Cut(strings.TrimSpace(spec), ":")
	name = strings.ToLower(strings.TrimSpace(name))
	if name == "" {
		return nil, fmt.Errorf("hint %q names no generator", spec)
	}
	h := &hint{spec: spec, decimals: -1}
	k, builtin := hintKinds[name]
	if !builtin {
		info := gofakeit.GetFuncLookup(name)
		if info == nil {
			return nil, fmt.Errorf("hint %q: %q is neither a kbench field kind (%s) nor a gofakeit function", spec, name, strings.Join(HintKinds(), ", "))
		}
		if hasBounds {
			return nil, fmt.Errorf("hint %q: bounds (MIN..MAX) apply to int, float, price, latitude, longitude and sentence only", spec)
		}
		h.kind, h.info, h.params = hFake, info, gofakeit.NewMapParams()
		out, err := h.trialType()
		if err != nil {
			return nil, err
		}
		h.out = out
		return h, nil
	}
	h.kind = k
	switch k {
	case hInt:
		h.out, h.ilo, h.ihi = vInt, 0, 1000
	case hSequence:
		h.out, h.ilo = vInt, 1
	case hFloat:
		h.out, h.flo, h.fhi = vFloat, 0, 1
	case hPrice:
		h.out, h.flo, h.fhi, h.decimals = vFloat, 0, 1000, 2
	case hLatitude:
		h.out, h.flo, h.fhi, h.decimals = vFloat, -90, 90, 6
	case hLongitude:
		h.out, h.flo, h.fhi, h.decimals = vFloat, -180, 180, 6
	case hSentence:
		h.out, h.ilo, h.ihi = vText, 4, 12
	case hBool:
		h.out = vBool
	default:
		h.out = vText
	}
	if !hasBounds {
		return h, nil
	}
	lo, hi, ok := strings.Cut(bounds, "..")
	if !ok {
		return nil, fmt.Errorf("hint %q: bounds are written MIN..MAX, e.g. %s:1..100", spec, name)
	}
	lo, hi = strings.TrimSpace(lo), strings.TrimSpace(hi)
	switch k {
	case hInt, hSentence:
		l, err1 := strconv.ParseInt(lo, 10, 64)
		u, err2 := strconv.ParseInt(hi, 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("hint %q: bounds of %s are whole numbers, e.g. %s:1..100", spec, name, name)
		}
		if l > u {
			return nil, fmt.Errorf("hint %q: MIN %d is above MAX %d", spec, l, u)
		}
		if k == hSentence && (l < 1 || u > 1000) {
			return nil, fmt.Errorf("hint %q: a sentence has 1 to 1000 words", spec)
		}
		h.ilo, h.ihi = l, u
	case hFloat, hPrice, hLatitude, hLongitude:
		l, err1 := strconv.ParseFloat(lo, 64)
		u, err2 := strconv.ParseFloat(hi, 64)
		if err1 != nil || err2 != nil || math.IsInf(l, 0) || math.IsInf(u, 0) || math.IsNaN(l) || math.IsNaN(u) {
			return nil, fmt.Errorf("hint %q: bounds of %s are finite numbers, e.g. %s:0.5..99.5", spec, name, name)
		}
		if l > u {
			return nil, fmt.Errorf("hint %q: MIN %v is above MAX %v", spec, l, u)
		}
		h.flo, h.fhi = l, u
	default:
		return nil, fmt.Errorf("hint %q: bounds (MIN..MAX) apply to int, float, price, latitude, longitude and sentence only", spec)
	}
	return h, nil
}

// trialType runs a gofakeit function once on a throwaway faker to learn
// what it returns; a function that needs parameters fails here rather than
// on every record.
func (h *hint) trialType() (valueType, error) {
	v, err := callFake(h, gofakeit.NewFaker(&source{S: 1}, false))
	if err != nil {
		return 0, fmt.Errorf("hint %q: gofakeit function fails without parameters: %v", h.spec, err)
	}
	switch v.(type) {
	case string, []byte, time.Time:
		return vText, nil
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return vInt, nil
	case float32, float64:
		return vFloat, nil
	case bool:
		return vBool, nil
	}
	return 0, fmt.Errorf("hint %q: gofakeit function returns %T, which no schema field can hold (want text, a number or a boolean)", h.spec, v)
}

// callFake runs the hint's gofakeit function, turning panics into errors.
func callFake(h *hint, f *gofakeit.Faker) (v any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h.info.Generate(f, h.params, h.info)
}

// fits reports whether the hint's values suit a field that takes want.
// Every hint can fill a text field (numbers are written out); integer
// hints also fill number fields.
func (h *hint) fits(want valueType) bool {
	switch want {
	case vText:
		return true
	case vFloat:
		return h.out == vFloat || h.out == vInt
	}
	return h.out == want
}

// checkFits returns an error when the hint cannot fill a field that takes
// want; what describes the field's type.
func (h *hint) checkFits(path string, want valueType, what string) error {
	if h.fits(want) {
		return nil
	}
	return fmt.Errorf("hint %q for %q makes %s, but the field is %s", h.spec, path, h.out, what)
}

// checkIntRange returns an error unless every integer the hint makes lies
// in [lo, hi] (the field's type range). Sequences wrap around at the
// field's top; gofakeit integers are clamped to it.
func (h *hint) checkIntRange(path string, lo, hi int64, what string) error {
	if h.out != vInt || h.kind == hFake {
		return nil
	}
	top := h.ihi
	if h.kind == hSequence {
		top = h.ilo
	}
	if h.ilo < lo || top > hi {
		return fmt.Errorf("hint %q for %q: values must lie in %d..%d (%s)", h.spec, path, lo, hi, what)
	}
	return nil
}

// fake calls the gofakeit function, recording a failure in c.
func (h *hint) fake(c *genCtx) any {
	v, err := callFake(h, c.f)
	if err != nil && c.err == nil {
		c.err = fmt.Errorf("hint %q: %v", h.spec, err)
	}
	return v
}

// text appends the hint's next value as text (unescaped).
func (h *hint) text(dst []byte, c *genCtx) []byte {
	r := &c.r
	switch h.kind {
	case hUUID:
		return appendUUID(dst, r)
	case hName:
		return append(dst, c.f.Name()...)
	case hFirstName:
		return append(dst, c.f.FirstName()...)
	case hLastName:
		return append(dst, c.f.LastName()...)
	case hEmail:
		return append(dst, c.f.Email()...)
	case hUsername:
		return append(dst, c.f.Username()...)
	case hPhone:
		return append(dst, c.f.Phone()...)
	case hCompany:
		return append(dst, c.f.Company()...)
	case hCity:
		return append(dst, c.f.City()...)
	case hCountry:
		return append(dst, c.f.Country()...)
	case hStreet:
		return append(dst, c.f.Street()...)
	case hZip:
		return append(dst, c.f.Zip()...)
	case hIPv4:
		return appendIPv4(dst, r)
	case hIPv6:
		return appendIPv6(dst, r)
	case hURL:
		return appendURL(dst, r)
	case hHostname:
		return appendHostname(dst, r)
	case hUserAgent:
		return append(dst, c.f.UserAgent()...)
	case hWord:
		return appendWord(dst, r)
	case hSentence:
		return appendWords(dst, r, int(r.Between(h.ilo, h.ihi)))
	case hDate:
		return appendDate(dst, randomMillis(r))
	case hTimestamp:
		return appendDateTime(dst, randomMillis(r))
	case hBool:
		return strconv.AppendBool(dst, h.boolVal(c))
	case hFake:
		switch v := h.fake(c).(type) {
		case string:
			return append(dst, v...)
		case []byte:
			return append(dst, v...)
		case time.Time:
			return v.UTC().AppendFormat(dst, time.RFC3339Nano)
		case nil:
			return dst
		default:
			return fmt.Append(dst, v)
		}
	}
	if h.out == vInt {
		return strconv.AppendInt(dst, h.intVal(c, math.MinInt64, math.MaxInt64), 10)
	}
	return strconv.AppendFloat(dst, h.floatVal(c), 'f', -1, 64)
}

// intVal returns the hint's next integer. A sequence wraps back to its
// start past hi (the field's top).
func (h *hint) intVal(c *genCtx, lo, hi int64) int64 {
	switch h.kind {
	case hSequence:
		if h.seq < h.ilo || h.seq > hi || h.seq < lo {
			h.seq = h.ilo
		}
		v := h.seq
		h.seq++
		return v
	case hFake:
		var v int64
		switch n := h.fake(c).(type) {
		case int:
			v = int64(n)
		case int8:
			v = int64(n)
		case int16:
			v = int64(n)
		case int32:
			v = int64(n)
		case int64:
			v = n
		case uint:
			v = int64(min(uint64(n), math.MaxInt64))
		case uint8:
			v = int64(n)
		case uint16:
			v = int64(n)
		case uint32:
			v = int64(n)
		case uint64:
			v = int64(min(n, math.MaxInt64))
		}
		return min(max(v, lo), hi)
	}
	return c.r.Between(h.ilo, h.ihi)
}

// floatVal returns the hint's next number.
func (h *hint) floatVal(c *genCtx) float64 {
	switch h.out {
	case vInt:
		return float64(h.intVal(c, math.MinInt64, math.MaxInt64))
	case vFloat:
	default:
		return 0
	}
	if h.kind == hFake {
		switch n := h.fake(c).(type) {
		case float32:
			return float64(n)
		case float64:
			if math.IsNaN(n) || math.IsInf(n, 0) {
				return 0
			}
			return n
		}
		return 0
	}
	v := h.flo + c.r.Float64()*(h.fhi-h.flo)
	if h.decimals >= 0 {
		p := math.Pow10(h.decimals)
		v = math.Round(v*p) / p
	}
	return min(max(v, h.flo), h.fhi)
}

// boolVal returns the hint's next boolean.
func (h *hint) boolVal(c *genCtx) bool {
	if h.kind == hFake {
		b, _ := h.fake(c).(bool)
		return b
	}
	return c.r.Uint64()&1 == 1
}

// hintSet holds the hints of a generator by normalised path and notes
// which were used, so that a hint naming no field is reported.
type hintSet struct {
	byPath map[string]*hint
	used   map[string]bool
}

// normPath drops the "[]" and "{}" markers of array items and map values:
// they take their field's path.
func normPath(p string) string {
	if !strings.ContainsAny(p, "[{") {
		return p
	}
	p = strings.ReplaceAll(p, "[]", "")
	return strings.ReplaceAll(p, "{}", "")
}

func newHintSet(hints map[string]string) (*hintSet, error) {
	s := &hintSet{byPath: map[string]*hint{}, used: map[string]bool{}}
	paths := make([]string, 0, len(hints))
	for p := range hints {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		np := normPath(strings.TrimSpace(p))
		if np == "" {
			return nil, fmt.Errorf("hint %q has an empty field path", hints[p])
		}
		h, err := parseHint(hints[p])
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", p, err)
		}
		if _, dup := s.byPath[np]; dup {
			return nil, fmt.Errorf("two hints name field %q", np)
		}
		s.byPath[np] = h
	}
	return s, nil
}

// lookup returns the hint for path, if any, and marks it used. Each use
// gets its own copy, so that sequences count per field.
func (s *hintSet) lookup(path string) *hint {
	h, ok := s.byPath[path]
	if !ok {
		return nil
	}
	s.used[path] = true
	cp := *h
	return &cp
}

// unused returns an error naming the hints that matched no field.
func (s *hintSet) unused(fields []string) error {
	var bad []string
	for p := range s.byPath {
		if !s.used[p] {
			bad = append(bad, p)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	fields = slices.Compact(slices.Sorted(slices.Values(fields)))
	const maxList = 40
	more := ""
	if len(fields) > maxList {
		more = fmt.Sprintf(", ... (%d more)", len(fields)-maxList)
		fields = fields[:maxList]
	}
	return fmt.Errorf("hints for %s match no field of the schema (fields that take hints: %s%s)",
		quoteAll(bad), strings.Join(fields, ", "), more)
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}
