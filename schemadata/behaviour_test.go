package schemadata

import (
	"bytes"
	"encoding/json"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/kbench/kbench/schema"
)

// decodeAvroValues makes n values and decodes them with hamba/avro.
func decodeAvroValues(t *testing.T, file string, n int, opts Options) []map[string]any {
	t.Helper()
	s := avro.MustParse(readTestdata(t, file))
	var out []map[string]any
	for _, b := range values(t, schema.Avro, file, n, opts) {
		var v map[string]any
		if err := avro.Unmarshal(s, b, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestNullRatio(t *testing.T) {
	for _, tc := range []struct {
		ratio  float64
		lo, hi float64
	}{
		{0, 0.06, 0.14}, // DefaultNullRatio 0.1
		{0.5, 0.44, 0.56},
		{1, 1, 1},
		{-1, 0, 0},
	} {
		nulls := 0
		const n = 2000
		for _, v := range decodeAvroValues(t, "avro/orders.avsc", n, Options{NullRatio: tc.ratio}) {
			if v["email"] == nil {
				nulls++
			}
		}
		if got := float64(nulls) / n; got < tc.lo || got > tc.hi {
			t.Errorf("NullRatio %v: %v of the emails are null, want %v..%v", tc.ratio, got, tc.lo, tc.hi)
		}
	}
}

func TestAvroUnionBranchesAllAppear(t *testing.T) {
	mixed, payload := map[string]int{}, map[string]int{}
	for _, v := range decodeAvroValues(t, "avro/unions.avsc", 1000, Options{Seed: 11}) {
		// hamba/avro gives primitive branches as Go values, named ones as
		// a map from the type name.
		switch m := v["mixed"].(type) {
		case nil:
			mixed["null"]++
		case int:
			mixed["int"]++
		case string:
			mixed["string"]++
		case bool:
			mixed["boolean"]++
		case []byte:
			mixed["bytes"]++
		case float64:
			mixed["double"]++
		default:
			t.Fatalf("mixed is a %T", m)
		}
		switch p := v["payload"].(type) {
		case map[string]any:
			for k := range p {
				payload[k]++
			}
		case string:
			payload["test.unions.Ping"]++
		default:
			t.Fatalf("payload is a %T", p)
		}
	}
	for _, k := range []string{"null", "int", "string", "boolean", "bytes", "double"} {
		if mixed[k] == 0 {
			t.Errorf("union branch %s of mixed never generated: %v", k, mixed)
		}
	}
	for _, k := range []string{"test.unions.Click", "test.other.View", "test.unions.Ping"} {
		if payload[k] == 0 {
			t.Errorf("union branch %s of payload never generated: %v", k, payload)
		}
	}
}

func TestAvroLogicalRanges(t *testing.T) {
	lo, hi := timeLo, timeHi
	maxPrice := big.NewRat(10_000_000, 1) // precision 9, scale 2: |v| < 10^7
	for i, v := range decodeAvroValues(t, "avro/logical.avsc", 500, Options{Seed: 2}) {
		for _, f := range []string{"day", "ts_ms", "ts_us", "local_ms", "local_us"} {
			ts := v[f].(time.Time)
			if ts.Before(lo) || !ts.Before(hi) {
				t.Fatalf("value %d: %s = %v outside [%v, %v)", i, f, ts, lo, hi)
			}
		}
		if d := v["time_ms"].(time.Duration); d < 0 || d >= 24*time.Hour {
			t.Fatalf("value %d: time_ms = %v", i, d)
		}
		price := v["price"].(*big.Rat)
		if new(big.Rat).Abs(price).Cmp(maxPrice) >= 0 {
			t.Fatalf("value %d: price %v exceeds precision 9 scale 2", i, price.FloatString(2))
		}
		if dur := v["span"].(avro.LogicalDuration); dur.Months >= 12 || dur.Days >= 31 || dur.Milliseconds >= dayMillis {
			t.Fatalf("value %d: duration %+v", i, dur)
		}
		if id := v["id"].(string); len(id) != 36 || id[14] != '4' {
			t.Fatalf("value %d: uuid %q", i, id)
		}
	}
}

// nodeDepth is the nesting depth of Node records through children and
// next.
func nodeDepth(v any) int {
	m, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	if inner, ok := m["test.tree.Node"]; ok {
		return nodeDepth(inner)
	}
	d := 0
	for _, c := range m["children"].([]any) {
		d = max(d, nodeDepth(c))
	}
	d = max(d, nodeDepth(m["next"]))
	return d + 1
}

func TestRecursionBound(t *testing.T) {
	for _, rec := range []int{1, 2, 4} {
		deepest := 0
		for _, v := range decodeAvroValues(t, "avro/recursive.avsc", 300, Options{MaxRecursion: rec, NullRatio: -1}) {
			deepest = max(deepest, nodeDepth(v))
		}
		if deepest != rec+1 {
			t.Errorf("MaxRecursion %d: deepest Node nesting %d, want %d", rec, deepest, rec+1)
		}
	}
}

func TestAvroHints(t *testing.T) {
	opts := Options{Hints: map[string]string{
		"quantity": "int:1..5", "email": "email", "created_at": "sequence", "amount": "price:1..500", "customer": "firstname",
	}, NullRatio: -1}
	for i, v := range decodeAvroValues(t, "avro/orders.avsc", 300, opts) {
		if q := v["quantity"].(int); q < 1 || q > 5 {
			t.Fatalf("value %d: quantity %d outside 1..5", i, q)
		}
		if e := v["email"].(string); !strings.Contains(e, "@") {
			t.Fatalf("value %d: email %q", i, e)
		}
		if ts := v["created_at"].(time.Time); ts.UnixMilli() != int64(i+1) {
			t.Fatalf("value %d: sequence gave %d", i, ts.UnixMilli())
		}
		a := v["amount"].(float64)
		if a < 1 || a > 500 || math.Abs(a*100-math.Round(a*100)) > 1e-6 {
			t.Fatalf("value %d: price %v", i, a)
		}
		if c := v["customer"].(string); c == "" || strings.Contains(c, " ") {
			t.Fatalf("value %d: first name %q", i, c)
		}
	}
}

func TestJSONChoicesAllAppear(t *testing.T) {
	shapes, versions, tuples := map[string]int{}, map[string]int{}, map[int]int{}
	for _, b := range values(t, schema.JSON, "json/types.json", 1000, Options{Seed: 6}) {
		var v struct {
			Shape   struct{ Type string }
			Version json.RawMessage
			Tuple   []any
			Short   string
			Ratio   float64
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		shapes[v.Shape.Type]++
		versions[string(v.Version)]++
		tuples[len(v.Tuple)]++
		if len(v.Short) < 2 || len(v.Short) > 5 || v.Ratio <= 0 || v.Ratio >= 0.001 {
			t.Fatalf("constraints broken in %s", b)
		}
	}
	if shapes["circle"] == 0 || shapes["rect"] == 0 {
		t.Errorf("oneOf branches: %v", shapes)
	}
	for _, want := range []string{"1", "2", `"three"`, "null", "true", `{"a":1}`} {
		if versions[want] == 0 {
			t.Errorf("enum value %s never generated: %v", want, versions)
		}
	}
	if tuples[2] == 0 || tuples[3] == 0 || len(tuples) != 2 {
		t.Errorf("tuple lengths: %v", tuples)
	}
}

func TestJSONHintMeetsConstraints(t *testing.T) {
	opts := Options{Hints: map[string]string{"customer": "sentence:5..30", "quantity": "int:0..1000"}}
	for _, b := range values(t, schema.JSON, "json/orders.json", 300, opts) {
		var v struct {
			Customer string
			Quantity int
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		// The schema says maxLength 60 and 1..100: hinted values beyond are
		// made again.
		if len(v.Customer) > 60 || v.Quantity < 1 || v.Quantity > 100 {
			t.Fatalf("hinted value breaks the schema: %s", b)
		}
	}
}

func TestProtoOneofMembersAllAppear(t *testing.T) {
	text := readTestdata(t, "proto/scalars.proto")
	fd, err := compileProto(text)
	if err != nil {
		t.Fatal(err)
	}
	md := fd.Messages().ByName("Scalars")
	oneof := md.Oneofs().ByName("choice")
	seen := map[string]int{}
	for _, b := range values(t, schema.Protobuf, "proto/scalars.proto", 500, Options{Message: "Scalars", Seed: 8}) {
		m := dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(b, m); err != nil {
			t.Fatal(err)
		}
		name := "none"
		if f := m.WhichOneof(oneof); f != nil {
			name = string(f.Name())
		}
		seen[name]++
	}
	for _, want := range []string{"none", "c_text", "c_number", "c_header", "c_color"} {
		if seen[want] == 0 {
			t.Errorf("oneof member %s never generated: %v", want, seen)
		}
	}
}

func TestMessageIndexes(t *testing.T) {
	text := readTestdata(t, "proto/scalars.proto")
	for _, tc := range []struct {
		msg  string
		want []int
	}{
		{"", []int{0}},
		{"Header", []int{0}},
		{"Scalars", []int{1}},
		{"test.scalars.Scalars.Inner", []int{1, 0}}, // map entry types do not count
		{"Scalars.Inner", []int{1, 0}},
	} {
		g, err := NewGenerator(schema.Protobuf, text, Options{Message: tc.msg})
		if err != nil {
			t.Fatal(err)
		}
		if got := g.MessageIndexes(); !bytes.Equal(intsBytes(got), intsBytes(tc.want)) {
			t.Errorf("%q: indexes %v, want %v", tc.msg, got, tc.want)
		}
	}
	g, _ := NewGenerator(schema.Avro, readTestdata(t, "avro/orders.avsc"), Options{})
	if g.MessageIndexes() != nil {
		t.Errorf("avro generator has message indexes %v", g.MessageIndexes())
	}
}

func intsBytes(v []int) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

// TestJSONBuiltDirectly: the testdata schemas that use only keywords the
// generator builds values for need no validation with retries.
func TestJSONBuiltDirectly(t *testing.T) {
	for _, file := range []string{"json/orders.json", "json/types.json", "json/recursive.json", "json/draft4.json", "json/user_v1.json", "json/user_v2.json"} {
		g, err := NewGenerator(schema.JSON, readTestdata(t, file), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if g.json.check != nil {
			t.Errorf("%s: validation with retries is on, for %v", file, g.json.why)
		}
	}
	g, err := NewGenerator(schema.JSON, readTestdata(t, "json/checked.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"if/then/else", "minProperties/maxProperties", "not", "uniqueItems"}
	if strings.Join(g.json.why, ",") != strings.Join(want, ",") {
		t.Errorf("checked.json: retries for %v, want %v", g.json.why, want)
	}
}

func TestJSONWideBounds(t *testing.T) {
	text := `{"type": "object", "required": ["a", "b"], "properties": {
	  "a": {"type": "number", "minimum": -1e300, "maximum": 1e300},
	  "b": {"type": "integer", "exclusiveMinimum": -1e30, "multipleOf": 3}}}`
	g, err := NewGenerator(schema.JSON, text, Options{})
	if err != nil {
		t.Fatal(err)
	}
	check := newChecker(t, schema.JSON, text, "")
	for range 200 {
		v, err := g.AppendValue(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := check(v); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
	}
}
