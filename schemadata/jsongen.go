package schemadata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// jType is a JSON value type other than null.
type jType uint8

const (
	jBool jType = iota + 1
	jInt
	jNum
	jStr
	jObj
	jArr
)

// Type bits for intersecting "type" keywords; number includes integer.
const (
	tbNull = 1 << iota
	tbBool
	tbInt
	tbNumOnly // numbers that are not integers
	tbStr
	tbObj
	tbArr
	tbAll = tbNull | tbBool | tbInt | tbNumOnly | tbStr | tbObj | tbArr
)

func typeBits(names []string) int {
	b := 0
	for _, t := range names {
		switch t {
		case "null":
			b |= tbNull
		case "boolean":
			b |= tbBool
		case "integer":
			b |= tbInt
		case "number":
			b |= tbInt | tbNumOnly
		case "string":
			b |= tbStr
		case "object":
			b |= tbObj
		case "array":
			b |= tbArr
		}
	}
	return b
}

// jsonNode is one compiled (sub)schema at one path.
type jsonNode struct {
	path  string
	never bool // no value is valid (false schema, empty enum...)

	consts   [][]byte    // enum or const: encoded choices
	branches []*jsonNode // oneOf / anyOf: one is picked
	types    []jType
	nullable bool

	minLen, maxLen int // maxLen < 0: none
	format         string
	pattern        *regexGen

	intNum, num *jsonNum

	props []*jsonProp
	extra *jsonNode // additionalProperties schema, used when no property is declared

	prefix             []*jsonNode
	items              *jsonNode // nil: any value
	noItems            bool      // nothing may follow the prefix items
	minItems, maxItems int       // maxItems < 0: none

	hint     *hint
	hintType valueType
	// hintCheck holds the schemas a hinted value must also pass (bounds,
	// pattern, format...): each hinted value is validated against them and
	// made again until it passes.
	hintCheck []*jsonschema.Schema
	rank      int
	recursive bool
}

type jsonProp struct {
	name     string
	key      []byte // `"name":`
	node     *jsonNode
	required bool
}

// jsonNum generates numbers k*step for k in [kLo, kHi], written as the
// integer k*mult with dec decimals (step = mult / 10^dec), so that bounds
// and multipleOf hold exactly.
type jsonNum struct {
	kLo, kHi int64
	mult     int64
	dec      int
}

// jsonGen generates values of a JSON Schema.
type jsonGen struct {
	root *jsonNode
	// check is the compiled schema when the schema uses keywords the
	// generator does not build values for: each value is validated and
	// made again until it passes (why lists the keywords).
	check *jsonschema.Schema
	why   []string
	level int
	tmp   []byte
}

// maxJSONTries bounds the attempts at a valid value in check mode.
const maxJSONTries = 100

type jsonCompiler struct {
	hints  *hintSet
	order  map[string][]string
	stack  map[string]*jsonNode
	nodes  []*jsonNode
	fields []string
	why    map[string]bool
	depth  int
	cycle  bool
}

func compileJSONGen(text string, hints *hintSet, gc *genCtx) (*jsonGen, []string, error) {
	root, err := compileJSONSchema(text)
	if err != nil {
		return nil, nil, err
	}
	c := &jsonCompiler{hints: hints, order: propertyOrder(text), stack: map[string]*jsonNode{}, why: map[string]bool{}}
	n, err := c.compile(c.flatten(root, nil), "", nil)
	if err != nil {
		return nil, nil, err
	}
	c.rank()
	if c.cycle {
		return nil, nil, fmt.Errorf("the json schema has a $ref cycle: a schema refers back to itself with no value in between, so validators reject every value")
	}
	if n.never {
		return nil, nil, fmt.Errorf("the json schema accepts no value")
	}
	if n.rank == rankInf {
		return nil, nil, fmt.Errorf("the json schema has no finite value: a required property or minItems always leads back to the same schema; make the recursive property optional")
	}
	g := &jsonGen{root: n}
	if len(c.why) == 0 && !g.trial(root, gc) {
		c.why["a combination of keywords that trial values did not meet"] = true
	}
	// Hinted sequences start over after the trial.
	for _, n := range c.nodes {
		if n.hint != nil {
			n.hint.seq = 0
		}
	}
	if len(c.why) > 0 {
		g.check = root
		for w := range c.why {
			g.why = append(g.why, w)
		}
		sort.Strings(g.why)
	}
	return g, c.fields, nil
}

// trialValues is how many values a new generator makes and validates when
// it expects them all to be valid.
const trialValues = 16

// trial makes a few values with a separate random source and reports
// whether the schema accepts them all. A rejected value means the schema
// combines keywords in a way the generator does not build values for;
// validation with retries then keeps every value valid.
func (g *jsonGen) trial(root *jsonschema.Schema, gc *genCtx) bool {
	tc := &genCtx{nullCut: gc.nullCut, maxItems: gc.maxItems, maxRec: gc.maxRec}
	tc.r.S = seedOf(0x7472, 0x69616c)
	tc.f = gofakeit.NewFaker(&tc.r, false)
	var buf []byte
	for range trialValues {
		g.level = 0
		buf = g.value(buf[:0], g.root, tc)
		if tc.err != nil {
			return true // a hint failure: AppendValue reports it
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf))
		if err != nil || root.Validate(v) != nil {
			return false
		}
	}
	return true
}

// flatten lists s with everything it must also satisfy: its $ref targets
// and allOf members, recursively, each once. A schema that reaches itself
// this way (a $ref cycle with no value in between, which validators
// reject) sets c.cycle.
func (c *jsonCompiler) flatten(s *jsonschema.Schema, out []*jsonschema.Schema) []*jsonschema.Schema {
	return c.flattenStack(s, out, nil)
}

func (c *jsonCompiler) flattenStack(s *jsonschema.Schema, out, stack []*jsonschema.Schema) []*jsonschema.Schema {
	if s == nil {
		return out
	}
	if slices.Contains(stack, s) {
		c.cycle = true
		return out
	}
	if slices.Contains(out, s) {
		return out
	}
	out = append(out, s)
	stack = append(stack, s)
	out = c.flattenStack(s.Ref, out, stack)
	out = c.flattenStack(s.RecursiveRef, out, stack)
	if s.DynamicRef != nil {
		out = c.flattenStack(s.DynamicRef.Ref, out, stack)
	}
	for _, a := range s.AllOf {
		out = c.flattenStack(a, out, stack)
	}
	return out
}

func memoKey(parts, consumed []*jsonschema.Schema) string {
	var b strings.Builder
	for _, p := range parts {
		fmt.Fprintf(&b, "%p,", p)
	}
	b.WriteByte('|')
	for _, p := range consumed {
		fmt.Fprintf(&b, "%p,", p)
	}
	return b.String()
}

// compile builds the node for the conjunction of parts. consumed lists
// parts whose oneOf/anyOf was already chosen from.
func (c *jsonCompiler) compile(parts []*jsonschema.Schema, path string, consumed []*jsonschema.Schema) (*jsonNode, error) {
	key := memoKey(parts, consumed)
	if busy, ok := c.stack[key]; ok {
		busy.recursive = true
		return busy, nil
	}
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > 256 {
		return nil, fmt.Errorf("json schema at %q: nested more than 256 levels deep", path)
	}
	n := &jsonNode{path: path, maxLen: -1, maxItems: -1}
	c.nodes = append(c.nodes, n)
	if len(c.nodes) > maxNodes {
		return nil, errTooLarge
	}
	c.stack[key] = n
	defer delete(c.stack, key)

	for _, p := range parts {
		if p.Bool != nil && !*p.Bool {
			n.never = true
			return n, nil
		}
		c.noteChecks(p)
	}
	if done, err := c.consts(n, parts); done || err != nil {
		return n, err
	}
	if done, err := c.unions(n, parts, path, consumed); done || err != nil {
		return n, err
	}
	bits := tbAll
	typed := false
	for _, p := range parts {
		if p.Types != nil && !p.Types.IsEmpty() {
			bits &= typeBits(p.Types.ToStrings())
			typed = true
		}
	}
	if !typed {
		bits = inferTypes(parts)
	}
	n.nullable = bits&tbNull != 0
	if bits&tbBool != 0 {
		n.types = append(n.types, jBool)
	}
	switch {
	case bits&tbNumOnly != 0:
		n.types = append(n.types, jNum)
	case bits&tbInt != 0:
		n.types = append(n.types, jInt)
	}
	if bits&tbStr != 0 {
		n.types = append(n.types, jStr)
	}
	if bits&tbObj != 0 {
		n.types = append(n.types, jObj)
	}
	if bits&tbArr != 0 {
		n.types = append(n.types, jArr)
	}
	if len(n.types) == 0 && !n.nullable {
		n.never = true
		return n, nil
	}
	if done, err := c.hinted(n, parts); done || err != nil {
		return n, err
	}
	var kept []jType
	for _, t := range n.types {
		ok, err := c.compileType(n, t, parts)
		if err != nil {
			return nil, err
		}
		if ok {
			kept = append(kept, t)
		}
	}
	n.types = kept
	if len(kept) == 0 && !n.nullable {
		n.never = true
	}
	return n, nil
}

// noteChecks records keywords the generator does not build values for;
// their presence turns on validation with retries.
func (c *jsonCompiler) noteChecks(p *jsonschema.Schema) {
	note := func(cond bool, why string) {
		if cond {
			c.why[why] = true
		}
	}
	note(p.Not != nil, "not")
	note(p.If != nil, "if/then/else")
	note(p.UniqueItems, "uniqueItems")
	note(p.Contains != nil, "contains")
	note(p.MinProperties != nil || p.MaxProperties != nil, "minProperties/maxProperties")
	note(len(p.Dependencies)+len(p.DependentRequired)+len(p.DependentSchemas) > 0, "dependencies")
	note(p.PropertyNames != nil, "propertyNames")
	note(len(p.PatternProperties) > 0, "patternProperties")
	note(p.UnevaluatedProperties != nil || p.UnevaluatedItems != nil, "unevaluatedProperties/unevaluatedItems")
	note(p.RecursiveRef != nil || p.DynamicRef != nil, "$recursiveRef/$dynamicRef")
}

// inferTypes guesses the type of a schema without "type" from its
// keywords; a schema with none of them gets strings.
func inferTypes(parts []*jsonschema.Schema) int {
	bits := 0
	for _, p := range parts {
		if len(p.Properties) > 0 || len(p.Required) > 0 || p.AdditionalProperties != nil {
			bits |= tbObj
		}
		if p.Items != nil || p.Items2020 != nil || len(p.PrefixItems) > 0 || p.MinItems != nil || p.MaxItems != nil {
			bits |= tbArr
		}
		if p.Minimum != nil || p.Maximum != nil || p.ExclusiveMinimum != nil || p.ExclusiveMaximum != nil || p.MultipleOf != nil {
			bits |= tbInt | tbNumOnly
		}
		if p.MinLength != nil || p.MaxLength != nil || p.Pattern != nil || p.Format != nil {
			bits |= tbStr
		}
	}
	if bits == 0 {
		return tbStr
	}
	return bits
}

// consts handles enum and const: the choices are the listed values every
// part accepts.
func (c *jsonCompiler) consts(n *jsonNode, parts []*jsonschema.Schema) (bool, error) {
	var cands []any
	found := false
	for _, p := range parts {
		if p.Const != nil {
			cands, found = []any{*p.Const}, true
			break
		}
	}
	if !found {
		for _, p := range parts {
			if p.Enum != nil {
				cands, found = p.Enum.Values, true
				break
			}
		}
	}
	if !found {
		return false, nil
	}
	if n.path != "" {
		if h := c.hints.lookup(n.path); h != nil {
			return true, fmt.Errorf("hint %q for %q: the property is an enum or const; its values come from the schema", h.spec, n.path)
		}
	}
	for _, v := range cands {
		ok := true
		for _, p := range parts {
			if p.Validate(v) != nil {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return true, fmt.Errorf("json schema at %q: enum value %v: %v", n.path, v, err)
		}
		n.consts = append(n.consts, b)
	}
	if len(n.consts) == 0 {
		n.never = true
	}
	return true, nil
}

// unions handles oneOf and anyOf: each branch, joined with the rest of the
// schema, becomes a choice.
func (c *jsonCompiler) unions(n *jsonNode, parts []*jsonschema.Schema, path string, consumed []*jsonschema.Schema) (bool, error) {
	for _, p := range parts {
		if slices.Contains(consumed, p) || len(p.OneOf)+len(p.AnyOf) == 0 {
			continue
		}
		list, oneOf := p.AnyOf, false
		if len(p.OneOf) > 0 {
			list, oneOf = p.OneOf, true
			if len(p.AnyOf) > 0 {
				c.why["oneOf with anyOf"] = true
			}
		}
		used := append(slices.Clip(consumed), p)
		for _, b := range list {
			bn, err := c.compile(c.flatten(b, slices.Clone(parts)), path, used)
			if err != nil {
				return true, err
			}
			if !bn.never {
				n.branches = append(n.branches, bn)
			}
		}
		if len(n.branches) == 0 {
			n.never = true
		}
		if oneOf && !disjoint(n.branches) {
			c.why["oneOf with branches that may overlap"] = true
		}
		return true, nil
	}
	return false, nil
}

// disjoint reports whether no value can match two of the branches: they
// have no type in common, or each pair differs in the constant values of
// a property both require.
func disjoint(bs []*jsonNode) bool {
	for i := range bs {
		for j := i + 1; j < len(bs); j++ {
			if !disjointPair(bs[i], bs[j]) {
				return false
			}
		}
	}
	return true
}

func disjointPair(a, b *jsonNode) bool {
	if len(a.branches) > 0 || len(b.branches) > 0 {
		return false
	}
	if a.consts != nil && b.consts != nil {
		for _, x := range a.consts {
			for _, y := range b.consts {
				if bytes.Equal(x, y) {
					return false
				}
			}
		}
		return true
	}
	if a.consts != nil || b.consts != nil || a.nullable && b.nullable {
		return false
	}
	common := false
	for _, t := range a.types {
		for _, u := range b.types {
			if t == u || (t == jInt || t == jNum) && (u == jInt || u == jNum) {
				common = true
			}
		}
	}
	if !common {
		return true
	}
	if len(a.types) != 1 || len(b.types) != 1 || a.types[0] != jObj || b.types[0] != jObj {
		return false
	}
	for _, pa := range a.props {
		for _, pb := range b.props {
			if pa.name == pb.name && pa.required && pb.required && disjointPair(pa.node, pb.node) && pa.node.consts != nil {
				return true
			}
		}
	}
	return false
}

// hinted gives n the hint for its path, if any: the hint then makes every
// value. Constraints besides the type are checked by validation.
func (c *jsonCompiler) hinted(n *jsonNode, parts []*jsonschema.Schema) (bool, error) {
	if n.path == "" {
		return false, nil
	}
	scalar := false
	for _, t := range n.types {
		if t != jObj && t != jArr {
			scalar = true
		}
	}
	if !scalar {
		return false, nil
	}
	c.fields = append(c.fields, n.path)
	h := c.hints.lookup(n.path)
	if h == nil {
		return false, nil
	}
	has := map[jType]bool{}
	for _, t := range n.types {
		has[t] = true
	}
	// The hint's own type when the property takes it; else text, when
	// the property takes strings.
	want := valueType(0)
	switch {
	case h.out == vInt && (has[jInt] || has[jNum]):
		want = vInt
	case h.out == vFloat && has[jNum]:
		want = vFloat
	case h.out == vBool && has[jBool]:
		want = vBool
	case has[jStr]:
		want = vText
	}
	if want == 0 || !h.fits(want) {
		return true, fmt.Errorf("hint %q for %q makes %s, but the property takes %s", h.spec, n.path, h.out, typeNames(n.types))
	}
	n.hint, n.hintType = h, want
	for _, p := range parts {
		if p.MinLength != nil || p.MaxLength != nil || p.Pattern != nil || p.Format != nil ||
			p.Minimum != nil || p.Maximum != nil || p.ExclusiveMinimum != nil || p.ExclusiveMaximum != nil || p.MultipleOf != nil {
			n.hintCheck = append(n.hintCheck, p)
		}
	}
	return true, nil
}

func typeNames(ts []jType) string {
	names := map[jType]string{jBool: "boolean", jInt: "integer", jNum: "number", jStr: "string", jObj: "object", jArr: "array"}
	var out []string
	for _, t := range ts {
		out = append(out, names[t])
	}
	return strings.Join(out, " or ")
}

// compileType fills n's fields for one type; false when no value of the
// type is valid.
func (c *jsonCompiler) compileType(n *jsonNode, t jType, parts []*jsonschema.Schema) (bool, error) {
	switch t {
	case jStr:
		return c.compileString(n, parts)
	case jInt, jNum:
		num, err := compileNum(parts, t == jInt)
		if err != nil {
			return false, fmt.Errorf("json schema at %q: %v", orRoot(n.path), err)
		}
		if num == nil {
			return false, nil
		}
		if t == jInt {
			n.intNum = num
		} else {
			n.num = num
		}
		return true, nil
	case jObj:
		return c.compileObject(n, parts)
	case jArr:
		return c.compileArray(n, parts)
	}
	return true, nil
}

func orRoot(path string) string {
	if path == "" {
		return "the root"
	}
	return path
}

// jsonFormats are the string formats generated (the validator's formats).
var jsonFormats = map[string]bool{
	"date-time": true, "date": true, "time": true, "email": true, "hostname": true,
	"ipv4": true, "ipv6": true, "uri": true, "iri": true, "uri-reference": true, "iri-reference": true,
	"uri-template": true, "uuid": true, "duration": true, "period": true, "json-pointer": true,
	"relative-json-pointer": true, "regex": true, "semver": true,
}

func (c *jsonCompiler) compileString(n *jsonNode, parts []*jsonschema.Schema) (bool, error) {
	var patterns []string
	for _, p := range parts {
		if p.MinLength != nil {
			n.minLen = max(n.minLen, *p.MinLength)
		}
		if p.MaxLength != nil && (n.maxLen < 0 || *p.MaxLength < n.maxLen) {
			n.maxLen = *p.MaxLength
		}
		if p.Pattern != nil {
			patterns = append(patterns, p.Pattern.String())
		}
		if p.Format != nil && n.format == "" && jsonFormats[p.Format.Name] {
			n.format = p.Format.Name
		}
	}
	if n.maxLen >= 0 && n.minLen > n.maxLen {
		return false, nil
	}
	if n.minLen > maxStringLimit {
		return false, fmt.Errorf("json schema at %q: minLength %d is more than kbench generates (%d)", orRoot(n.path), n.minLen, maxStringLimit)
	}
	lengths := n.minLen > 0 || n.maxLen >= 0
	if len(patterns) > 0 {
		g, err := compileRegexGen(patterns[0])
		if err != nil {
			return false, fmt.Errorf("json schema at %q: %v", orRoot(n.path), err)
		}
		n.pattern = g
		if len(patterns) > 1 || lengths || n.format != "" {
			c.why["pattern with other string constraints"] = true
		}
	} else if n.format != "" && lengths {
		c.why["format with minLength/maxLength"] = true
	}
	return true, nil
}

// compileNum works out the generated numbers: bounds from minimum,
// maximum and their exclusive forms; the step from multipleOf (their
// least common multiple), 1 for integers, else 0.01 or finer.
func compileNum(parts []*jsonschema.Schema, integer bool) (*jsonNum, error) {
	var lo, hi, step *big.Rat
	loEx, hiEx := false, false
	tighten := func(cur *big.Rat, curEx bool, v *big.Rat, ex, lower bool) (*big.Rat, bool) {
		if v == nil {
			return cur, curEx
		}
		if cur == nil {
			return v, ex
		}
		cmp := v.Cmp(cur)
		if lower && cmp > 0 || !lower && cmp < 0 {
			return v, ex
		}
		if cmp == 0 {
			return cur, curEx || ex
		}
		return cur, curEx
	}
	explicitStep := false
	for _, p := range parts {
		lo, loEx = tighten(lo, loEx, p.Minimum, false, true)
		lo, loEx = tighten(lo, loEx, p.ExclusiveMinimum, true, true)
		hi, hiEx = tighten(hi, hiEx, p.Maximum, false, false)
		hi, hiEx = tighten(hi, hiEx, p.ExclusiveMaximum, true, false)
		if p.MultipleOf != nil && p.MultipleOf.Sign() > 0 {
			step = ratLCM(step, p.MultipleOf)
			explicitStep = true
		}
	}
	if integer {
		step = ratLCM(step, big.NewRat(1, 1))
		explicitStep = true
	}
	if step == nil {
		step = big.NewRat(1, 100)
	}
	span := new(big.Rat).Mul(step, big.NewRat(10, 1))
	if span.Cmp(big.NewRat(1000, 1)) < 0 {
		span.SetInt64(1000)
	}
	switch {
	case lo == nil && hi == nil:
		lo, hi = new(big.Rat), new(big.Rat).Set(span)
	case lo == nil:
		// span below the bound, or below 0 when the bound is far above.
		lo = new(big.Rat).Sub(minRat(hi, new(big.Rat)), span)
	case hi == nil:
		hi = new(big.Rat).Add(maxRat(lo, new(big.Rat)), span)
	}
	for range 16 {
		kLo, kHi := stepIndex(lo, step, loEx, true), stepIndex(hi, step, hiEx, false)
		if kLo.Cmp(kHi) <= 0 {
			return numFrom(kLo, kHi, step)
		}
		if explicitStep {
			return nil, nil
		}
		step.Quo(step, big.NewRat(10, 1)) // a finer grid for a narrow range
	}
	return nil, nil
}

func minRat(a, b *big.Rat) *big.Rat {
	if a.Cmp(b) < 0 {
		return a
	}
	return b
}

func maxRat(a, b *big.Rat) *big.Rat {
	if a.Cmp(b) > 0 {
		return a
	}
	return b
}

// stepIndex is the first (lower) or last (upper) k with k*step inside the
// bound.
func stepIndex(bound, step *big.Rat, exclusive, lower bool) *big.Int {
	q := new(big.Rat).Quo(bound, step)
	num, den := q.Num(), q.Denom()
	k := new(big.Int)
	m := new(big.Int)
	k.DivMod(num, den, m) // floor division (Euclidean with positive den)
	exact := m.Sign() == 0
	if lower {
		if !exact || exclusive {
			k.Add(k, big.NewInt(1))
		}
		return k
	}
	if exact && exclusive {
		k.Sub(k, big.NewInt(1))
	}
	return k
}

func numFrom(kLo, kHi *big.Int, step *big.Rat) (*jsonNum, error) {
	dec := 0
	den := new(big.Int).Set(step.Denom())
	ten := big.NewInt(10)
	pow := big.NewInt(1)
	for new(big.Int).Mod(pow, den).Sign() != 0 {
		dec++
		pow.Mul(pow, ten)
		if dec > 18 {
			return nil, fmt.Errorf("multipleOf %s needs more than 18 decimals", step.RatString())
		}
	}
	mult := new(big.Int).Mul(step.Num(), pow)
	mult.Quo(mult, den)
	if !mult.IsInt64() || mult.Int64() > maxJSONUnits {
		return nil, fmt.Errorf("multipleOf %s is too large for kbench's generator", step.RatString())
	}
	// Wide bounds are narrowed to |k*step| <= 2^53 units, where numbers
	// stay exact in every JSON reader.
	limit := big.NewInt(maxJSONUnits / mult.Int64())
	lo := new(big.Int).Set(kLo)
	if lo.Cmp(new(big.Int).Neg(limit)) < 0 {
		lo.Neg(limit)
	}
	hi := new(big.Int).Set(kHi)
	if hi.Cmp(limit) > 0 {
		hi.Set(limit)
	}
	if lo.Cmp(hi) > 0 {
		return nil, fmt.Errorf("the bounds lie beyond 2^53 (in units of the step), outside what kbench generates; narrow them or add a hint")
	}
	return &jsonNum{kLo: lo.Int64(), kHi: hi.Int64(), mult: mult.Int64(), dec: dec}, nil
}

// maxJSONUnits bounds generated numbers: |value| * 10^decimals <= 2^53.
const maxJSONUnits = 1 << 53

// ratLCM is the least common multiple of two positive rationals (a nil a
// is taken as absent): lcm(a/b, c/d) = lcm(a, c) / gcd(b, d).
func ratLCM(x, y *big.Rat) *big.Rat {
	if x == nil {
		return new(big.Rat).Set(y)
	}
	g := new(big.Int).GCD(nil, nil, x.Num(), y.Num())
	l := new(big.Int).Mul(x.Num(), y.Num())
	l.Quo(l, g)
	d := new(big.Int).GCD(nil, nil, x.Denom(), y.Denom())
	return new(big.Rat).SetFrac(l, d)
}

func (c *jsonCompiler) compileObject(n *jsonNode, parts []*jsonschema.Schema) (bool, error) {
	required := map[string]bool{}
	closed := false
	var extra []*jsonschema.Schema
	var names []string
	schemasOf := map[string][]*jsonschema.Schema{}
	for _, p := range parts {
		for _, r := range p.Required {
			required[r] = true
		}
		switch ap := p.AdditionalProperties.(type) {
		case bool:
			closed = closed || !ap
		case *jsonschema.Schema:
			extra = c.flatten(ap, extra)
		}
		keys := c.order[schemaPointer(p)+"/properties"]
		if len(keys) != len(p.Properties) {
			keys = keys[:0:0]
			for k := range p.Properties {
				keys = append(keys, k)
			}
			sort.Strings(keys)
		}
		for _, k := range keys {
			ps, ok := p.Properties[k]
			if !ok {
				continue
			}
			if _, seen := schemasOf[k]; !seen {
				names = append(names, k)
			}
			schemasOf[k] = c.flatten(ps, schemasOf[k])
		}
	}
	var reqNames []string
	for r := range required {
		if _, ok := schemasOf[r]; !ok {
			reqNames = append(reqNames, r)
		}
	}
	sort.Strings(reqNames)
	for _, r := range reqNames {
		// A required property no "properties" declares takes the
		// additionalProperties schema.
		if closed {
			return false, nil
		}
		names = append(names, r)
		schemasOf[r] = extra
	}
	for _, name := range names {
		sch := schemasOf[name]
		if len(sch) == 0 {
			sch = []*jsonschema.Schema{trueSchema}
		}
		pn, err := c.compile(sch, joinPath(n.path, name), nil)
		if err != nil {
			return false, err
		}
		if pn.never {
			if required[name] {
				return false, nil
			}
			continue
		}
		key := appendJSONString(nil, []byte(name))
		n.props = append(n.props, &jsonProp{name: name, key: append(key, ':'), node: pn, required: required[name]})
	}
	if len(n.props) == 0 && len(extra) > 0 && !closed {
		en, err := c.compile(extra, n.path, nil)
		if err != nil {
			return false, err
		}
		if !en.never {
			n.extra = en
		}
	}
	return true, nil
}

// trueSchema accepts every value.
var trueSchema = func() *jsonschema.Schema {
	t := true
	return &jsonschema.Schema{Bool: &t}
}()

func (c *jsonCompiler) compileArray(n *jsonNode, parts []*jsonschema.Schema) (bool, error) {
	var prefix []*jsonschema.Schema
	var items []*jsonschema.Schema
	haveItems := 0
	for _, p := range parts {
		if p.MinItems != nil {
			n.minItems = max(n.minItems, *p.MinItems)
		}
		if p.MaxItems != nil && (n.maxItems < 0 || *p.MaxItems < n.maxItems) {
			n.maxItems = *p.MaxItems
		}
		var pre []*jsonschema.Schema
		var rest any
		switch it := p.Items.(type) {
		case *jsonschema.Schema:
			rest = it
		case []*jsonschema.Schema:
			pre, rest = it, p.AdditionalItems
		}
		if len(p.PrefixItems) > 0 {
			pre = p.PrefixItems
		}
		if p.Items2020 != nil {
			rest = p.Items2020
		}
		if pre == nil && rest == nil {
			continue
		}
		haveItems++
		if haveItems > 1 {
			c.why["items in several combined schemas"] = true
			continue
		}
		prefix = pre
		switch r := rest.(type) {
		case bool:
			n.noItems = !r
		case *jsonschema.Schema:
			items = []*jsonschema.Schema{r}
		}
	}
	if n.maxItems >= 0 && n.minItems > n.maxItems {
		return false, nil
	}
	if n.minItems > maxItemsLimit {
		return false, fmt.Errorf("json schema at %q: minItems %d is more than kbench generates (%d)", orRoot(n.path), n.minItems, maxItemsLimit)
	}
	for _, p := range prefix {
		pn, err := c.compile(c.flatten(p, nil), n.path, nil)
		if err != nil {
			return false, err
		}
		n.prefix = append(n.prefix, pn)
	}
	if items != nil {
		in, err := c.compile(c.flatten(items[0], nil), n.path, nil)
		if err != nil {
			return false, err
		}
		if in.never {
			n.noItems = true
		} else {
			n.items = in
		}
	}
	// The usable length: prefix items that can be made, then more only if
	// items allow them.
	usable := len(n.prefix)
	for i, pn := range n.prefix {
		if pn.never {
			usable = i
			break
		}
	}
	if usable < len(n.prefix) || n.noItems {
		if n.maxItems < 0 || n.maxItems > usable {
			n.maxItems = usable
		}
		if n.minItems > n.maxItems {
			return false, nil
		}
	}
	return true, nil
}

// rank computes each node's rank (the depth of its smallest value) by
// fixpoint.
func (c *jsonCompiler) rank() {
	for _, n := range c.nodes {
		n.rank = rankInf
	}
	for changed := true; changed; {
		changed = false
		for _, n := range c.nodes {
			r := n.computeRank()
			if r != n.rank {
				n.rank, changed = r, true
			}
		}
	}
}

func (n *jsonNode) computeRank() int {
	switch {
	case n.never:
		return rankInf
	case n.consts != nil || n.hint != nil || n.nullable:
		return 0
	case len(n.branches) > 0:
		r := rankInf
		for _, b := range n.branches {
			r = min(r, b.rank)
		}
		return r
	}
	r := rankInf
	for _, t := range n.types {
		r = min(r, n.typeRank(t))
	}
	return r
}

func (n *jsonNode) typeRank(t jType) int {
	switch t {
	case jObj:
		r := 1
		for _, p := range n.props {
			if p.required {
				if p.node.rank == rankInf {
					return rankInf
				}
				r = max(r, p.node.rank+1)
			}
		}
		return r
	case jArr:
		r := 1
		for i := range n.minItems {
			item := n.items
			if i < len(n.prefix) {
				item = n.prefix[i]
			}
			if item == nil {
				continue
			}
			if item.rank == rankInf {
				return rankInf
			}
			r = max(r, item.rank+1)
		}
		return r
	}
	return 0
}

// appendChecked appends one value; in check mode it validates the value
// and makes another until one passes.
func (g *jsonGen) appendChecked(dst []byte, c *genCtx) ([]byte, error) {
	start := len(dst)
	var last error
	for range maxJSONTries {
		g.level = 0
		dst = g.value(dst[:start], g.root, c)
		if g.check == nil || c.err != nil {
			return dst, nil
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(dst[start:]))
		if err != nil {
			return dst, fmt.Errorf("kbench made invalid JSON (a bug): %v", err)
		}
		if last = g.check.Validate(v); last == nil {
			return dst, nil
		}
	}
	return dst, fmt.Errorf("no valid value in %d tries: kbench does not build values for %s and only retries until the schema accepts one; last failure: %s; add hints for the properties involved or simplify the schema",
		maxJSONTries, strings.Join(g.why, ", "), strings.ReplaceAll(last.Error(), jsonSchemaURL, "schema"))
}

func (g *jsonGen) shrinking(c *genCtx) bool { return g.level > c.maxRec }

func (g *jsonGen) value(dst []byte, n *jsonNode, c *genCtx) []byte {
	if n.recursive {
		g.level++
		dst = g.nodeValue(dst, n, c)
		g.level--
		return dst
	}
	return g.nodeValue(dst, n, c)
}

func (g *jsonGen) nodeValue(dst []byte, n *jsonNode, c *genCtx) []byte {
	r := &c.r
	switch {
	case n.consts != nil:
		return append(dst, n.consts[r.IntN(len(n.consts))]...)
	case len(n.branches) > 0:
		return g.value(dst, g.pickMin(n.branches, c), c)
	case n.hint != nil:
		if n.nullable && c.null() {
			return append(dst, "null"...)
		}
		return g.hintValue(dst, n, c)
	}
	if n.nullable && (len(n.types) == 0 || c.null() || g.shrinking(c)) {
		return append(dst, "null"...)
	}
	t := n.types[0]
	if len(n.types) > 1 {
		if g.shrinking(c) {
			for _, u := range n.types {
				if n.typeRank(u) < n.typeRank(t) {
					t = u
				}
			}
		} else {
			t = n.types[r.IntN(len(n.types))]
		}
	}
	switch t {
	case jBool:
		return strconv.AppendBool(dst, r.Uint64()&1 == 1)
	case jInt:
		return n.intNum.append(dst, r)
	case jNum:
		return n.num.append(dst, r)
	case jStr:
		return g.str(dst, n, c)
	case jObj:
		return g.object(dst, n, c)
	case jArr:
		return g.array(dst, n, c)
	}
	return append(dst, "null"...)
}

// pickMin picks a branch at random, or past the recursion bound the one
// with the smallest values.
func (g *jsonGen) pickMin(bs []*jsonNode, c *genCtx) *jsonNode {
	if !g.shrinking(c) {
		return bs[c.r.IntN(len(bs))]
	}
	best := bs[0]
	for _, b := range bs[1:] {
		if b.rank < best.rank {
			best = b
		}
	}
	return best
}

// hintValue appends the hint's next value; when the property has
// constraints of its own, the next value that passes them.
func (g *jsonGen) hintValue(dst []byte, n *jsonNode, c *genCtx) []byte {
	h := n.hint
	for try := 0; ; try++ {
		tmp := g.tmp[:0]
		switch n.hintType {
		case vInt:
			tmp = strconv.AppendInt(tmp, h.intVal(c, -1<<53, 1<<53), 10)
		case vFloat:
			tmp = strconv.AppendFloat(tmp, h.floatVal(c), 'g', -1, 64)
		case vBool:
			tmp = strconv.AppendBool(tmp, h.boolVal(c))
		default:
			tmp = h.text(tmp, c)
		}
		g.tmp = tmp
		err := n.checkHinted(tmp)
		if err == nil {
			break
		}
		if try == maxJSONTries {
			if c.err == nil {
				c.err = fmt.Errorf("hint %q for %q: no value in %d tries meets the property's schema (last: %s); choose a hint that fits it",
					h.spec, n.path, maxJSONTries, strings.ReplaceAll(err.Error(), jsonSchemaURL, "schema"))
			}
			break
		}
	}
	if n.hintType == vText {
		return appendJSONString(dst, g.tmp)
	}
	return append(dst, g.tmp...)
}

// checkHinted validates a hinted value (text, or a JSON literal for the
// other types) against the property's constraints.
func (n *jsonNode) checkHinted(v []byte) error {
	if len(n.hintCheck) == 0 {
		return nil
	}
	var val any
	switch n.hintType {
	case vText:
		val = string(v)
	case vBool:
		val = string(v) == "true"
	default:
		val = json.Number(v)
	}
	for _, p := range n.hintCheck {
		if err := p.Validate(val); err != nil {
			return err
		}
	}
	return nil
}

func (m *jsonNum) append(dst []byte, r *source) []byte {
	v := r.Between(m.kLo, m.kHi) * m.mult
	if m.dec == 0 {
		return strconv.AppendInt(dst, v, 10)
	}
	if v < 0 {
		dst = append(dst, '-')
	}
	u := uint64(v)
	if v < 0 {
		u = uint64(-v)
	}
	p := pow10u[m.dec]
	dst = strconv.AppendUint(dst, u/p, 10)
	dst = append(dst, '.')
	frac := u % p
	for d := p / 10; d > 1 && frac < d; d /= 10 {
		dst = append(dst, '0')
	}
	return strconv.AppendUint(dst, frac, 10)
}

var pow10u = func() (p [20]uint64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

func (g *jsonGen) str(dst []byte, n *jsonNode, c *genCtx) []byte {
	r := &c.r
	tmp := g.tmp[:0]
	switch {
	case n.pattern != nil:
		tmp = n.pattern.append(tmp, r)
	case n.format != "":
		tmp = appendFormat(tmp, n.format, r)
	default:
		tmp = appendWords(tmp, r, c.count(1, 3))
		for len(tmp) < n.minLen {
			tmp = append(tmp, ' ')
			tmp = appendWord(tmp, r)
		}
		if n.maxLen >= 0 && len(tmp) > n.maxLen {
			tmp = tmp[:n.maxLen]
		}
	}
	g.tmp = tmp
	return appendJSONString(dst, tmp)
}

// appendFormat appends a string of a JSON Schema format.
func appendFormat(dst []byte, format string, r *source) []byte {
	ms := randomMillis(r)
	switch format {
	case "date-time":
		return appendDateTime(dst, ms)
	case "date":
		return appendDate(dst, ms)
	case "time":
		return appendTime(dst, ms)
	case "email":
		return appendEmail(dst, r)
	case "hostname":
		return appendHostname(dst, r)
	case "ipv4":
		return appendIPv4(dst, r)
	case "ipv6":
		return appendIPv6(dst, r)
	case "uri", "iri", "uri-reference", "iri-reference":
		return appendURL(dst, r)
	case "uri-template":
		dst = appendURL(dst, r)
		dst = append(dst, "/{"...)
		dst = appendWord(dst, r)
		return append(dst, '}')
	case "uuid":
		return appendUUID(dst, r)
	case "duration":
		return appendISODuration(dst, r)
	case "period":
		dst = appendDateTime(dst, ms)
		dst = append(dst, '/')
		return appendISODuration(dst, r)
	case "json-pointer":
		dst = append(dst, '/')
		dst = appendWord(dst, r)
		dst = append(dst, '/')
		return appendWord(dst, r)
	case "relative-json-pointer":
		dst = strconv.AppendUint(dst, r.UintN(4), 10)
		dst = append(dst, '/')
		return appendWord(dst, r)
	case "regex":
		dst = append(dst, '^')
		dst = appendWord(dst, r)
		return append(dst, "[0-9]*$"...)
	case "semver":
		dst = strconv.AppendUint(dst, r.UintN(10), 10)
		dst = append(dst, '.')
		dst = strconv.AppendUint(dst, r.UintN(20), 10)
		dst = append(dst, '.')
		return strconv.AppendUint(dst, r.UintN(50), 10)
	}
	return appendWord(dst, r)
}

func (g *jsonGen) object(dst []byte, n *jsonNode, c *genCtx) []byte {
	dst = append(dst, '{')
	first := true
	for _, p := range n.props {
		if !p.required && (g.shrinking(c) || c.null()) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, p.key...)
		dst = g.value(dst, p.node, c)
	}
	if n.extra != nil && !g.shrinking(c) {
		for i := range c.count(0, min(c.maxItems, 3)) {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, '"')
			dst = appendWord(dst, &c.r)
			dst = append(dst, '_')
			dst = strconv.AppendInt(dst, int64(i), 10)
			dst = append(dst, '"', ':')
			dst = g.value(dst, n.extra, c)
		}
	}
	return append(dst, '}')
}

func (g *jsonGen) array(dst []byte, n *jsonNode, c *genCtx) []byte {
	lo := n.minItems
	hi := max(lo, c.maxItems)
	if n.maxItems >= 0 {
		hi = min(hi, n.maxItems)
	}
	k := c.count(lo, hi)
	if g.shrinking(c) {
		k = lo
	}
	dst = append(dst, '[')
	for i := range k {
		if i > 0 {
			dst = append(dst, ',')
		}
		switch {
		case i < len(n.prefix):
			dst = g.value(dst, n.prefix[i], c)
		case n.items != nil:
			dst = g.value(dst, n.items, c)
		default:
			dst = appendJSONString(dst, appendWord(g.tmp[:0], &c.r))
		}
	}
	return append(dst, ']')
}
