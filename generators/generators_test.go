package generators

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/scenarios"
)

// f is a short field constructor for tests.
func f(name, fake string) *scenarios.Field {
	return &scenarios.Field{Name: name, Fake: fake, Decimals: -1, Words: 8, MaxItems: 5}
}

func jsonData(fields ...*scenarios.Field) *scenarios.Data {
	return &scenarios.Data{Name: "t", Format: scenarios.FormatJSON, Fields: fields,
		Key: scenarios.Key{Distribution: scenarios.KeyNone}}
}

func mustNew(t testing.TB, d *scenarios.Data, seed, stream uint64) *Generator {
	t.Helper()
	g, err := New(d, seed, stream)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

// records generates n values and decodes each as a JSON object.
func records(t testing.TB, g *Generator, n int) []map[string]any {
	t.Helper()
	out := make([]map[string]any, n)
	var vb []byte
	for i := range out {
		_, vb = g.Next(nil, vb[:0])
		if !json.Valid(vb) {
			t.Fatalf("record %d is not valid JSON: %s", i, vb)
		}
		dec := json.NewDecoder(bytes.NewReader(vb))
		dec.UseNumber()
		if err := dec.Decode(&out[i]); err != nil {
			t.Fatalf("record %d: %v: %s", i, err, vb)
		}
	}
	return out
}

// kindField returns a field of the given kind with the options it needs.
func kindField(kind string) *scenarios.Field {
	fl := f(kind, kind)
	switch kind {
	case "enum":
		fl.Values = []string{"a", "b", "c"}
	case "const":
		fl.Value = `{"v":1}`
	case "object":
		fl.Fields = []*scenarios.Field{f("inner", "int"), f("deep", "word")}
	case "array":
		fl.Items = f("", "uuid")
	}
	return fl
}

func sortedKinds() []string {
	var ks []string
	for k := range scenarios.FieldKinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TestFieldKinds checks every kind of scenarios.FieldKinds is implemented
// directly (not through gofakeit's lookup) and gives valid JSON, alone and
// all together.
func TestFieldKinds(t *testing.T) {
	for k := range builtinKinds {
		if _, ok := scenarios.FieldKinds[k]; !ok {
			t.Errorf("generator kind %q is not in scenarios.FieldKinds", k)
		}
	}
	var all []*scenarios.Field
	for _, kind := range sortedKinds() {
		t.Run(kind, func(t *testing.T) {
			if _, ok := builtinKinds[kind]; !ok {
				t.Fatalf("field kind %q is not implemented", kind)
			}
			g := mustNew(t, jsonData(kindField(kind)), 7, 0)
			if g.root.children[0].kind == kFake {
				t.Fatalf("field kind %q falls back to gofakeit's lookup", kind)
			}
			for i, rec := range records(t, g, 200) {
				if _, ok := rec[kind]; !ok || len(rec) != 1 {
					t.Fatalf("record %d: want exactly field %q, got %v", i, kind, rec)
				}
			}
		})
		all = append(all, kindField(kind))
	}
	g := mustNew(t, jsonData(all...), 7, 0)
	for i, rec := range records(t, g, 500) {
		if len(rec) != len(scenarios.FieldKinds) {
			t.Fatalf("record %d has %d fields, want %d", i, len(rec), len(scenarios.FieldKinds))
		}
	}
}

// TestFieldShapes checks each kind's values look like the real thing.
func TestFieldShapes(t *testing.T) {
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	now := time.Now()
	minDate := now.AddDate(-dateYears-1, 0, 0)
	str := func(check func(s string) bool) func(v any) bool {
		return func(v any) bool {
			s, ok := v.(string)
			return ok && s != "" && check(s)
		}
	}
	num := func(check func(x float64) bool) func(v any) bool {
		return func(v any) bool {
			n, ok := v.(json.Number)
			if !ok {
				return false
			}
			x, err := n.Float64()
			return err == nil && check(x)
		}
	}
	anyStr := func(string) bool { return true }
	digits := func(n int) func(string) bool {
		return func(s string) bool {
			_, err := strconv.ParseUint(s, 10, 64)
			return len(s) == n && err == nil && s[0] != '0'
		}
	}
	rfc := func(layout string) func(string) bool {
		return func(s string) bool {
			ts, err := time.Parse(layout, s)
			return err == nil && ts.After(minDate) && !ts.After(now.Add(time.Minute))
		}
	}
	tests := []struct {
		name  string
		field *scenarios.Field
		ok    func(v any) bool
	}{
		{"uuid", f("x", "uuid"), str(uuidRE.MatchString)},
		{"name", f("x", "name"), str(func(s string) bool { return strings.Count(s, " ") >= 1 })},
		{"firstname", f("x", "firstname"), str(anyStr)},
		{"lastname", f("x", "lastname"), str(anyStr)},
		{"email", f("x", "email"), str(func(s string) bool {
			at := strings.IndexByte(s, '@')
			return at > 0 && strings.Contains(s[at:], ".")
		})},
		{"username", f("x", "username"), str(func(s string) bool { return !strings.Contains(s, " ") })},
		{"phone", f("x", "phone"), str(digits(10))},
		{"company", f("x", "company"), str(anyStr)},
		{"city", f("x", "city"), str(anyStr)},
		{"country", f("x", "country"), str(anyStr)},
		{"street", f("x", "street"), str(func(s string) bool { return s[0] >= '1' && s[0] <= '9' && strings.Contains(s, " ") })},
		{"zip", f("x", "zip"), str(digits(5))},
		{"latitude", f("x", "latitude"), num(func(x float64) bool { return x >= -90 && x <= 90 })},
		{"longitude", f("x", "longitude"), num(func(x float64) bool { return x >= -180 && x <= 180 })},
		{"ipv4", f("x", "ipv4"), str(func(s string) bool { a, err := netip.ParseAddr(s); return err == nil && a.Is4() })},
		{"ipv6", f("x", "ipv6"), str(func(s string) bool { a, err := netip.ParseAddr(s); return err == nil && a.Is6() })},
		{"url", f("x", "url"), str(func(s string) bool {
			u, err := url.Parse(s)
			return err == nil && (u.Scheme == "http" || u.Scheme == "https") && strings.HasPrefix(u.Host, "www.")
		})},
		{"useragent", f("x", "useragent"), str(func(s string) bool { return strings.HasPrefix(s, "Mozilla/5.0 (") })},
		{"word", f("x", "word"), str(func(s string) bool { return !strings.Contains(s, " ") })},
		{"sentence", &scenarios.Field{Name: "x", Fake: "sentence", Words: 5}, str(func(s string) bool {
			return strings.Count(s, " ") == 4 && strings.HasSuffix(s, ".") && s[0] >= 'A' && s[0] <= 'Z'
		})},
		{"sentence default words", &scenarios.Field{Name: "x", Fake: "sentence"}, str(func(s string) bool { return strings.Count(s, " ") == defaultWords-1 })},
		{"bool", f("x", "bool"), func(v any) bool { _, ok := v.(bool); return ok }},
		{"timestamp", f("x", "timestamp"), str(rfc(time.RFC3339))},
		{"timestamp rfc3339nano", &scenarios.Field{Name: "x", Fake: "timestamp", Format: "rfc3339nano"}, str(rfc(time.RFC3339Nano))},
		{"timestamp unix", &scenarios.Field{Name: "x", Fake: "timestamp", Format: "unix"}, num(func(x float64) bool { return math.Abs(x-float64(now.Unix())) < 60 })},
		{"timestamp unix_ms", &scenarios.Field{Name: "x", Fake: "timestamp", Format: "unix_ms"}, num(func(x float64) bool { return math.Abs(x-float64(now.UnixMilli())) < 60e3 })},
		{"date", f("x", "date"), str(rfc(time.RFC3339))},
		{"date unix_ms", &scenarios.Field{Name: "x", Fake: "date", Format: "unix_ms"}, num(func(x float64) bool {
			return x > float64(minDate.UnixMilli()) && x <= float64(now.UnixMilli())
		})},
		{"const string", &scenarios.Field{Name: "x", Fake: "const", Value: `"hello"`}, func(v any) bool { return v == "hello" }},
		{"const number", &scenarios.Field{Name: "x", Fake: "const", Value: `42`}, func(v any) bool { return v == json.Number("42") }},
		{"gofakeit function", f("x", "beername"), str(anyStr)},
		{"gofakeit function number", f("x", "httpstatuscode"), num(func(x float64) bool { return x >= 100 && x < 600 })},
		{"gofakeit function mixed case", f("x", "BeerStyle"), str(anyStr)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustNew(t, jsonData(tt.field), 3, 0)
			for i, rec := range records(t, g, 1000) {
				if !tt.ok(rec["x"]) {
					t.Fatalf("record %d: bad value %#v", i, rec["x"])
				}
			}
		})
	}
}

// countDecimals returns the digits after the decimal point of a number.
func countDecimals(n json.Number) int {
	s := string(n)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

func TestNumberRanges(t *testing.T) {
	rng := func(fake string, lo, hi float64, dec int) *scenarios.Field {
		return &scenarios.Field{Name: "x", Fake: fake, Min: lo, Max: hi, HasMin: true, HasMax: true, Decimals: dec}
	}
	tests := []struct {
		name     string
		field    *scenarios.Field
		lo, hi   float64
		decimals int // exact decimals, or -1 for any
		integer  bool
		distinct int // at least this many distinct values in 5000
	}{
		{"int", rng("int", 1, 6, 0), 1, 6, 0, true, 6},
		{"int negative", rng("int", -1000, -990, 0), -1000, -990, 0, true, 11},
		{"int single", rng("int", 7, 7, 0), 7, 7, 0, true, 1},
		{"int fractional bounds", rng("int", 0.5, 3.5, 0), 1, 3, 0, true, 3},
		{"int wide", rng("int", -9e18, 9e18, 0), -9e18, 9e18, 0, true, 4900},
		{"int default", f("x", "int"), defaultIntMin, defaultIntMax, 0, true, 900},
		{"int min only", &scenarios.Field{Name: "x", Fake: "int", Min: 5000, HasMin: true}, 5000, 6000, 0, true, 900},
		{"float", rng("float", -20, 40, -1), -20, 40, -1, false, 4900},
		{"float default", f("x", "float"), defaultFloatMin, defaultFloatMax, -1, false, 4900},
		{"float decimals 1", rng("float", -20, 40, 1), -20, 40, 1, false, 550},
		{"float decimals 0", rng("float", 0.2, 3.7, 0), 1, 3, 0, true, 3},
		{"float decimals 3", rng("float", 0.0004, 0.0104, 3), 0.001, 0.010, 3, false, 10},
		{"price", rng("price", 1, 500, 0), 1, 500, 2, false, 4000},
		{"price default", f("x", "price"), defaultPriceMin, defaultPriceMax, 2, false, 4000},
		{"latitude", f("x", "latitude"), -90, 90, 6, false, 4900},
		{"longitude", f("x", "longitude"), -180, 180, 6, false, 4900},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustNew(t, jsonData(tt.field), 11, 0)
			seen := map[string]bool{}
			var lo, hi = math.Inf(1), math.Inf(-1)
			for i, rec := range records(t, g, 5000) {
				n, ok := rec["x"].(json.Number)
				if !ok {
					t.Fatalf("record %d: %#v is not a number", i, rec["x"])
				}
				x, err := n.Float64()
				if err != nil {
					t.Fatal(err)
				}
				if x < tt.lo || x > tt.hi {
					t.Fatalf("record %d: %v outside [%v, %v]", i, n, tt.lo, tt.hi)
				}
				if tt.integer && strings.ContainsAny(string(n), ".eE") {
					t.Fatalf("record %d: %v is not an integer", i, n)
				}
				if tt.decimals >= 0 && countDecimals(n) != tt.decimals {
					t.Fatalf("record %d: %v does not have %d decimals", i, n, tt.decimals)
				}
				lo, hi = min(lo, x), max(hi, x)
				seen[string(n)] = true
			}
			if len(seen) < tt.distinct {
				t.Errorf("%d distinct values, want at least %d", len(seen), tt.distinct)
			}
			if tt.distinct > 1 && tt.distinct < 20 && (lo != tt.lo || hi != tt.hi) {
				t.Errorf("small range not covered: saw [%v, %v], want [%v, %v]", lo, hi, tt.lo, tt.hi)
			}
		})
	}
}

// chiSquare compares observed counts with expected probabilities.
func chiSquare(counts map[string]int, probs map[string]float64, n int) float64 {
	var x2 float64
	for k, p := range probs {
		e := p * float64(n)
		d := float64(counts[k]) - e
		x2 += d * d / e
	}
	return x2
}

func TestEnumWeights(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		weights []float64
	}{
		{"uniform", []string{"a", "b", "c", "d"}, nil},
		{"weighted", []string{"new", "paid", "shipped"}, []float64{5, 3, 2}},
		{"skewed", []string{"x", "y", "z", "w"}, []float64{0.97, 0.01, 0.01, 0.01}},
		{"zero weight", []string{"on", "off", "never"}, []float64{1, 1, 0}},
		{"single", []string{"only"}, []float64{3}},
	}
	const n = 200000
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fl := &scenarios.Field{Name: "x", Fake: "enum", Values: tt.values, Weights: tt.weights}
			g := mustNew(t, jsonData(fl), 5, 0)
			probs := map[string]float64{}
			var sum float64
			for i, v := range tt.values {
				w := 1.0
				if tt.weights != nil {
					w = tt.weights[i]
				}
				sum += w
				probs[v] = w
			}
			counts := map[string]int{}
			for _, rec := range records(t, g, n) {
				s, ok := rec["x"].(string)
				if !ok {
					t.Fatalf("enum value %#v is not a string", rec["x"])
				}
				counts[s]++
			}
			for v := range probs {
				probs[v] /= sum
				if probs[v] == 0 {
					if counts[v] != 0 {
						t.Errorf("value %q with weight 0 appeared %d times", v, counts[v])
					}
					delete(probs, v)
				}
			}
			for v := range counts {
				if _, ok := probs[v]; !ok && counts[v] > 0 && !contains(tt.values, v) {
					t.Errorf("unexpected value %q", v)
				}
			}
			// 99.9th percentile of chi-square with up to 3 degrees of
			// freedom is 16.27.
			if x2 := chiSquare(counts, probs, n); x2 > 16.27 {
				t.Errorf("chi-square %.2f too large: counts %v, probabilities %v", x2, counts, probs)
			}
		})
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestNullRatio(t *testing.T) {
	for _, ratio := range []float64{0, 0.1, 0.5, 1} {
		t.Run(fmt.Sprint(ratio), func(t *testing.T) {
			fl := f("x", "city")
			fl.NullRatio = ratio
			inner := f("y", "int")
			inner.NullRatio = ratio
			obj := f("o", "object")
			obj.Fields = []*scenarios.Field{inner}
			g := mustNew(t, jsonData(fl, obj), 9, 0)
			const n = 20000
			nulls, innerNulls := 0, 0
			for _, rec := range records(t, g, n) {
				if rec["x"] == nil {
					nulls++
				}
				if o, ok := rec["o"].(map[string]any); ok && o["y"] == nil {
					innerNulls++
				}
			}
			for _, got := range []int{nulls, innerNulls} {
				if share := float64(got) / n; math.Abs(share-ratio) > 0.015 {
					t.Errorf("null share %.4f, want %.2f", share, ratio)
				}
			}
		})
	}
}

func TestArraysObjectsSequence(t *testing.T) {
	arr := &scenarios.Field{Name: "tags", Fake: "array", MinItems: 2, MaxItems: 4, Items: f("", "word")}
	empty := &scenarios.Field{Name: "none", Fake: "array", Items: f("", "int")}
	nested := &scenarios.Field{Name: "lines", Fake: "array", MinItems: 1, MaxItems: 1, Items: &scenarios.Field{
		Fake: "object", Fields: []*scenarios.Field{f("sku", "uuid"), f("n", "sequence")}}}
	seq := f("seq", "sequence")
	g := mustNew(t, jsonData(seq, arr, empty, nested), 1, 0)
	lengths := map[int]int{}
	for i, rec := range records(t, g, 3000) {
		if rec["seq"] != json.Number(strconv.Itoa(i)) {
			t.Fatalf("record %d: sequence %v", i, rec["seq"])
		}
		tags := rec["tags"].([]any)
		lengths[len(tags)]++
		if n := len(rec["none"].([]any)); n != 0 {
			t.Fatalf("empty array has %d items", n)
		}
		lines := rec["lines"].([]any)
		line := lines[0].(map[string]any)
		if line["n"] != json.Number(strconv.Itoa(i)) {
			t.Fatalf("record %d: nested sequence %v", i, line["n"])
		}
	}
	for n := 2; n <= 4; n++ {
		if lengths[n] < 800 {
			t.Errorf("array length %d seen %d times of 3000: %v", n, lengths[n], lengths)
		}
	}
	if len(lengths) != 3 {
		t.Errorf("array lengths outside 2..4: %v", lengths)
	}
}

// nonTimeFields is a data set with every kind except timestamp.
func nonTimeFields() []*scenarios.Field {
	var fs []*scenarios.Field
	for _, k := range sortedKinds() {
		if k != "timestamp" {
			fs = append(fs, kindField(k))
		}
	}
	return append(fs, f("beer", "beername"))
}

func sequence(t testing.TB, d *scenarios.Data, seed, stream uint64, n int) (keys, vals []string) {
	g := mustNew(t, d, seed, stream)
	for range n {
		k, v := g.Next(nil, nil)
		keys = append(keys, string(k))
		vals = append(vals, string(v))
	}
	return keys, vals
}

func TestDeterminism(t *testing.T) {
	dists := []scenarios.Key{
		{Distribution: scenarios.KeyNone},
		{Distribution: scenarios.KeyUniform, Cardinality: 50},
		{Distribution: scenarios.KeyZipf, Cardinality: 50, ZipfS: 1.1},
		{Distribution: scenarios.KeySequential, Cardinality: 50},
		{Distribution: scenarios.KeyHotSet, Cardinality: 50, HotKeys: 0.1, HotTraffic: 0.9},
		{Field: "uuid", Distribution: scenarios.KeyUniform, Cardinality: 50},
	}
	for _, k := range dists {
		for _, format := range []scenarios.Format{scenarios.FormatJSON, scenarios.FormatBytes} {
			if format == scenarios.FormatBytes && k.Field != "" {
				continue
			}
			t.Run(string(format)+"/"+string(k.Distribution)+"/"+k.Field, func(t *testing.T) {
				d := &scenarios.Data{Format: format, Fields: nonTimeFields(), Key: k,
					Size: scenarios.SizeDist{Kind: scenarios.SizeUniform, Min: 10, Max: 100}}
				k1, v1 := sequence(t, d, 42, 0, 300)
				k2, v2 := sequence(t, d, 42, 0, 300)
				if strings.Join(k1, "\n") != strings.Join(k2, "\n") || strings.Join(v1, "\n") != strings.Join(v2, "\n") {
					t.Fatal("same seed and stream gave different records")
				}
				_, v3 := sequence(t, d, 42, 1, 300)
				_, v4 := sequence(t, d, 43, 0, 300)
				same3, same4 := 0, 0
				for i := range v1 {
					if v1[i] == v3[i] {
						same3++
					}
					if v1[i] == v4[i] {
						same4++
					}
				}
				if same3 > 0 || same4 > 0 {
					t.Errorf("%d values equal across streams, %d across seeds", same3, same4)
				}
			})
		}
	}
}

// TestKeysShared checks key number i is the same in every stream, and that
// the record's key field holds the key.
func TestKeysShared(t *testing.T) {
	tests := []keyCase{
		{"synthetic", nil, nil},
		{"uuid", f("id", "uuid"), func(v any) string { return v.(string) }},
		{"email", f("id", "email"), func(v any) string { return v.(string) }},
		{"int", &scenarios.Field{Name: "id", Fake: "int", Min: 0, Max: 1e12, HasMin: true, HasMax: true}, func(v any) string { return string(v.(json.Number)) }},
		{"sequence", f("id", "sequence"), func(v any) string { return string(v.(json.Number)) }},
		{"escaped enum", &scenarios.Field{Name: "id", Fake: "enum", Values: []string{`a"b`, `c\d`, "é\n"}}, func(v any) string { return v.(string) }},
		{"gofakeit function", f("id", "ssn"), func(v any) string { return v.(string) }},
		{"nested", &scenarios.Field{Name: "o", Fake: "object", Fields: []*scenarios.Field{f("id", "uuid")}}, func(v any) string {
			return v.(map[string]any)["id"].(string)
		}},
	}
	for _, card := range []int{40, keyMemoMax + 60} { // memoised, remade
		for _, tt := range tests {
			testKeysShared(t, card, tt)
		}
	}
}

type keyCase struct {
	name  string
	field *scenarios.Field // nil: synthetic keys
	plain func(any) string // the key text of the field's JSON value
}

func testKeysShared(t *testing.T, card int, tt keyCase) {
	t.Run(fmt.Sprint(tt.name, "/", card), func(t *testing.T) {
		key := scenarios.Key{Distribution: scenarios.KeySequential, Cardinality: int64(card)}
		fields := []*scenarios.Field{f("city", "city"), f("n", "int")}
		if tt.field != nil {
			fields = append(fields, tt.field)
			key.Field = tt.field.Name
			if tt.name == "nested" {
				key.Field = "o.id"
			}
		}
		d := jsonData(fields...)
		d.Key = key
		var first []string
		for stream := range uint64(3) {
			g := mustNew(t, d, 77, stream)
			var keys []string
			for i := range 2 * card { // two cycles
				k, v := g.Next(nil, nil)
				keys = append(keys, string(k))
				var rec map[string]any
				dec := json.NewDecoder(bytes.NewReader(v))
				dec.UseNumber()
				if err := dec.Decode(&rec); err != nil {
					t.Fatal(err)
				}
				if tt.field == nil {
					if want := "key-" + strconv.Itoa(i%card); string(k) != want {
						t.Fatalf("key %q, want %q", k, want)
					}
					continue
				}
				if got := tt.plain(rec[tt.field.Name]); got != string(k) {
					t.Fatalf("stream %d record %d: key %q but field holds %q", stream, i, k, got)
				}
				if tt.name == "sequence" && string(k) != strconv.Itoa(i%card) {
					t.Fatalf("sequence key %q for key index %d", k, i%card)
				}
			}
			for i := range card {
				if keys[i] != keys[i+card] {
					t.Fatalf("key index %d gave %q then %q", i, keys[i], keys[i+card])
				}
			}
			if first == nil {
				first = keys
			} else if strings.Join(first, "\n") != strings.Join(keys, "\n") {
				t.Fatalf("stream %d has different keys than stream 0", stream)
			}
		}
		distinct := map[string]bool{}
		for _, k := range first {
			distinct[k] = true
		}
		if tt.name != "escaped enum" && len(distinct) != card {
			t.Errorf("%d distinct keys, want %d", len(distinct), card)
		}
	})
}

// keyCounts draws n key indexes.
func keyCounts(t *testing.T, k scenarios.Key, n int) []int {
	d := &scenarios.Data{Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeFixed}, Key: k}
	g := mustNew(t, d, 3, 0)
	counts := make([]int, k.Cardinality)
	var kb []byte
	for range n {
		kb, _ = g.Next(kb[:0], nil)
		i, err := strconv.Atoi(strings.TrimPrefix(string(kb), "key-"))
		if err != nil || i < 0 || int64(i) >= k.Cardinality {
			t.Fatalf("bad key %q", kb)
		}
		counts[i]++
	}
	return counts
}

func TestKeyDistributions(t *testing.T) {
	const n = 200000
	t.Run("none", func(t *testing.T) {
		g := mustNew(t, jsonData(f("x", "int")), 1, 0)
		if k, _ := g.Next(make([]byte, 0, 8), nil); k != nil {
			t.Fatalf("key %q, want nil", k)
		}
		d := jsonData(f("x", "int"))
		d.Key = scenarios.Key{} // unset distribution means none
		if k, _ := mustNew(t, d, 1, 0).Next(nil, nil); k != nil {
			t.Fatalf("key %q, want nil", k)
		}
	})
	t.Run("uniform", func(t *testing.T) {
		counts := keyCounts(t, scenarios.Key{Distribution: scenarios.KeyUniform, Cardinality: 10}, n)
		probs, got := map[string]float64{}, map[string]int{}
		for i, c := range counts {
			probs[strconv.Itoa(i)], got[strconv.Itoa(i)] = 0.1, c
		}
		// 99.9th percentile, 9 degrees of freedom: 27.88.
		if x2 := chiSquare(got, probs, n); x2 > 27.88 {
			t.Errorf("chi-square %.1f: %v", x2, counts)
		}
	})
	t.Run("sequential", func(t *testing.T) {
		d := &scenarios.Data{Format: scenarios.FormatBytes, Key: scenarios.Key{Distribution: scenarios.KeySequential, Cardinality: 7}}
		g := mustNew(t, d, 3, 5)
		for i := range 30 {
			k, _ := g.Next(nil, nil)
			if want := fmt.Sprintf("key-%d", i%7); string(k) != want {
				t.Fatalf("record %d: key %q, want %q", i, k, want)
			}
		}
	})
	t.Run("zipf", func(t *testing.T) {
		const s = 1.2
		counts := keyCounts(t, scenarios.Key{Distribution: scenarios.KeyZipf, Cardinality: 1000, ZipfS: s}, n)
		for i := 1; i < len(counts); i++ {
			if counts[i] > counts[0] {
				t.Fatalf("key %d (%d) more frequent than key 0 (%d)", i, counts[i], counts[0])
			}
		}
		// P(k) ∝ (1+k)^-s: key 0 versus key 1 is 2^s.
		if r := float64(counts[0]) / float64(counts[1]); math.Abs(r-math.Pow(2, s)) > 0.15 {
			t.Errorf("count(0)/count(1) = %.2f, want about %.2f", r, math.Pow(2, s))
		}
		top := 0
		for _, c := range counts[:10] {
			top += c
		}
		if share := float64(top) / n; share < 0.5 {
			t.Errorf("top 1%% of keys got %.2f of records; zipf should be skewed", share)
		}
	})
	t.Run("zipf one key", func(t *testing.T) {
		counts := keyCounts(t, scenarios.Key{Distribution: scenarios.KeyZipf, Cardinality: 1, ZipfS: 1.1}, 100)
		if counts[0] != 100 {
			t.Fatal(counts)
		}
	})
	hot := []struct {
		card             int64
		hotKeys, traffic float64
		wantHot          int64
	}{
		{10000, 0.01, 0.9, 100},
		{1000, 0.001, 0.3, 1},
		{999, 0.01, 0.5, 10}, // ceil(9.99)
		{100, 0, 0.9, 0},     // no hot keys
		{100, 1, 0.2, 100},   // all keys hot
		{100, 0.1, 1, 10},    // all traffic hot
		{100, 0.1, 0, 10},    // no hot traffic
	}
	for _, h := range hot {
		t.Run(fmt.Sprintf("hot-set %d %v %v", h.card, h.hotKeys, h.traffic), func(t *testing.T) {
			counts := keyCounts(t, scenarios.Key{Distribution: scenarios.KeyHotSet, Cardinality: h.card, HotKeys: h.hotKeys, HotTraffic: h.traffic}, n)
			hotRecords := 0
			for _, c := range counts[:h.wantHot] {
				hotRecords += c
			}
			want := h.traffic
			switch h.wantHot {
			case 0:
				want = 0
			case h.card:
				want = 1
			}
			if share := float64(hotRecords) / n; math.Abs(share-want) > 0.01 {
				t.Errorf("hot share %.4f, want %.2f", share, want)
			}
			if h.wantHot > 0 && h.wantHot < h.card && h.traffic > 0 && h.traffic < 1 {
				// Uniform inside each set: compare the means.
				hotMean := float64(hotRecords) / float64(h.wantHot)
				coldMean := float64(n-hotRecords) / float64(h.card-h.wantHot)
				for i, c := range counts {
					mean := coldMean
					if int64(i) < h.wantHot {
						mean = hotMean
					}
					if mean > 200 && math.Abs(float64(c)-mean) > 6*math.Sqrt(mean) {
						t.Fatalf("key %d: %d records, mean of its set %.0f", i, c, mean)
					}
				}
			}
		})
	}
}

func TestBytesSizes(t *testing.T) {
	tests := []struct {
		name     string
		size     scenarios.SizeDist
		min, max int
		mean     float64 // expected mean, 0 to skip
	}{
		{"unset", scenarios.SizeDist{}, defaultSize, defaultSize, defaultSize},
		{"fixed", scenarios.SizeDist{Kind: scenarios.SizeFixed, Fixed: 1024}, 1024, 1024, 1024},
		{"fixed zero", scenarios.SizeDist{Kind: scenarios.SizeFixed}, 0, 0, 0},
		{"fixed larger than pool", scenarios.SizeDist{Kind: scenarios.SizeFixed, Fixed: 3*poolSize + 5}, 3*poolSize + 5, 3*poolSize + 5, 0},
		{"uniform", scenarios.SizeDist{Kind: scenarios.SizeUniform, Min: 10, Max: 20}, 10, 20, 15},
		{"normal", scenarios.SizeDist{Kind: scenarios.SizeNormal, Mean: 512, Stddev: 128, Min: 64, Max: 2048}, 64, 2048, 512},
		{"normal clamped", scenarios.SizeDist{Kind: scenarios.SizeNormal, Mean: 100, Stddev: 200, Min: 0, Max: 300}, 0, 300, 0},
		{"normal default max", scenarios.SizeDist{Kind: scenarios.SizeNormal, Mean: 100, Stddev: 10}, 0, defaultMaxSize, 100},
		{"exponential", scenarios.SizeDist{Kind: scenarios.SizeExponential, Mean: 300}, 0, defaultMaxSize, 300},
		{"exponential clamped", scenarios.SizeDist{Kind: scenarios.SizeExponential, Mean: 300, Min: 50, Max: 400}, 50, 400, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &scenarios.Data{Format: scenarios.FormatBytes, Size: tt.size}
			g := mustNew(t, d, 1, 0)
			n := 20000
			if tt.min > poolSize {
				n = 3
			}
			var sum float64
			lo, hi := math.MaxInt, 0
			distinct := map[string]bool{}
			var vb []byte
			for range n {
				_, vb = g.Next(nil, vb[:0])
				lo, hi = min(lo, len(vb)), max(hi, len(vb))
				sum += float64(len(vb))
				distinct[string(vb[:min(len(vb), 16)])] = true
			}
			if lo < tt.min || hi > tt.max {
				t.Errorf("sizes in [%d, %d], want within [%d, %d]", lo, hi, tt.min, tt.max)
			}
			if tt.mean > 0 {
				if mean := sum / float64(n); math.Abs(mean-tt.mean) > 0.03*tt.mean {
					t.Errorf("mean size %.1f, want about %.1f", mean, tt.mean)
				}
			}
			if hi > 0 && len(distinct) < min(n, 1000)*9/10 {
				t.Errorf("only %d distinct value prefixes in %d", len(distinct), n)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	rng := func(fake string, lo, hi float64) *scenarios.Field {
		return &scenarios.Field{Name: "x", Fake: fake, Min: lo, Max: hi, HasMin: true, HasMax: true, Decimals: -1}
	}
	withKey := func(d *scenarios.Data, k scenarios.Key) *scenarios.Data { d.Key = k; return d }
	self := &scenarios.Field{Name: "x", Fake: "array", MaxItems: 1}
	self.Items = self
	tests := []struct {
		name string
		data *scenarios.Data
		want string // part of the error
	}{
		{"nil data", nil, "no data set"},
		{"unknown format", &scenarios.Data{Format: "avro"}, "unknown format"},
		{"unknown fake", jsonData(f("x", "nosuchthing")), `"x"`},
		{"empty fake", jsonData(f("x", "")), `"x"`},
		{"gofakeit needs params", jsonData(f("x", "regex")), "needs parameter"},
		{"nil field", jsonData(nil), "missing"},
		{"no name", jsonData(f("", "int")), "no name"},
		{"duplicate", jsonData(f("x", "int"), f("x", "city")), "twice"},
		{"min > max", jsonData(rng("int", 5, 1)), "greater"},
		{"no integer in range", jsonData(rng("int", 1.2, 1.8)), "no integer"},
		{"infinite", jsonData(rng("float", math.Inf(-1), 1)), "finite"},
		{"nan", jsonData(rng("price", math.NaN(), 1)), "finite"},
		{"int too wide", jsonData(rng("int", -1e19, 1e19)), "64 bits"},
		{"enum no values", jsonData(f("x", "enum")), "no values"},
		{"enum weights count", jsonData(&scenarios.Field{Name: "x", Fake: "enum", Values: []string{"a"}, Weights: []float64{1, 2}}), "weights"},
		{"enum negative weight", jsonData(&scenarios.Field{Name: "x", Fake: "enum", Values: []string{"a", "b"}, Weights: []float64{1, -1}}), "weight"},
		{"enum zero weights", jsonData(&scenarios.Field{Name: "x", Fake: "enum", Values: []string{"a", "b"}, Weights: []float64{0, 0}}), "positive"},
		{"bad time format", jsonData(&scenarios.Field{Name: "x", Fake: "timestamp", Format: "iso"}), "format"},
		{"bad const", jsonData(&scenarios.Field{Name: "x", Fake: "const", Value: "hello"}), "JSON literal"},
		{"empty const", jsonData(&scenarios.Field{Name: "x", Fake: "const"}), "JSON literal"},
		{"array without items", jsonData(f("x", "array")), "no items"},
		{"array bad range", jsonData(&scenarios.Field{Name: "x", Fake: "array", Items: f("", "int"), MinItems: 3, MaxItems: 1}), "range"},
		{"array cycle", jsonData(self), "deep"},
		{"null ratio", jsonData(&scenarios.Field{Name: "x", Fake: "int", NullRatio: 1.5}), "null_ratio"},
		{"missing key field", withKey(jsonData(f("x", "int")), scenarios.Key{Field: "y", Distribution: scenarios.KeyUniform, Cardinality: 5}), `"y"`},
		{"timestamp key field", withKey(jsonData(f("x", "timestamp")), scenarios.Key{Field: "x", Distribution: scenarios.KeyUniform, Cardinality: 5}), "timestamp"},
		{"object key field", withKey(jsonData(kindField("object")), scenarios.Key{Field: "object", Distribution: scenarios.KeyUniform, Cardinality: 5}), "scalar"},
		{"key field in array", withKey(jsonData(&scenarios.Field{Name: "a", Fake: "array", Items: &scenarios.Field{Fake: "object", Fields: []*scenarios.Field{f("id", "int")}}}),
			scenarios.Key{Field: "a[].id", Distribution: scenarios.KeyUniform, Cardinality: 5}), "array"},
		{"bytes key field", &scenarios.Data{Format: scenarios.FormatBytes, Key: scenarios.Key{Field: "x"}}, "bytes"},
		{"zero cardinality", withKey(jsonData(), scenarios.Key{Distribution: scenarios.KeyUniform}), "cardinality"},
		{"unknown distribution", withKey(jsonData(), scenarios.Key{Distribution: "pareto", Cardinality: 5}), "unknown key distribution"},
		{"zipf s", withKey(jsonData(), scenarios.Key{Distribution: scenarios.KeyZipf, Cardinality: 5, ZipfS: 1}), "zipf_s"},
		{"hot keys", withKey(jsonData(), scenarios.Key{Distribution: scenarios.KeyHotSet, Cardinality: 5, HotKeys: 2, HotTraffic: 0.5}), "hot_keys"},
		{"hot traffic", withKey(jsonData(), scenarios.Key{Distribution: scenarios.KeyHotSet, Cardinality: 5, HotKeys: 0.5, HotTraffic: math.NaN()}), "hot_traffic"},
		{"negative size", &scenarios.Data{Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeFixed, Fixed: -1}}, "negative"},
		{"uniform size", &scenarios.Data{Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeUniform, Min: 5, Max: 1}}, "less than"},
		{"normal size", &scenarios.Data{Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeNormal, Mean: 5, Min: 10, Max: 8}}, "less than"},
		{"size kind", &scenarios.Data{Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: "pareto"}}, "unknown size"},
		{"huge size", &scenarios.Data{Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeFixed, Fixed: 1 << 40}}, "larger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(tt.data, 1, 0)
			if err == nil {
				t.Fatalf("New succeeded (%v), want an error containing %q", g != nil, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestJSONStringEscaping(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quo"te`, `back\slash`, "new\nline", "tab\tcr\r", "\x00\x01\x1f\x7f",
		"üñíçødé", "emoji 🎉", "bad \xff utf8", "\xc3", "mixed \"é\\\n",
	} {
		got := appendJSONString(nil, s)
		if !json.Valid(got) {
			t.Errorf("%q: invalid JSON %s", s, got)
			continue
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(s) // encoding/json replaces invalid UTF-8 the same way
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Errorf("%q: round trip %q, want %q", s, back, wantBack)
		}
	}
	// Field names and enum values are escaped too.
	fl := &scenarios.Field{Name: "we\"ird\nname", Fake: "enum", Values: []string{"\\", "\"", "\x01"}}
	records(t, mustNew(t, jsonData(fl), 1, 0), 100)
}

// TestNoAllocs checks the steady state of every built-in kind allocates
// nothing per record, keys included.
func TestNoAllocs(t *testing.T) {
	var fs []*scenarios.Field
	for _, k := range sortedKinds() {
		fs = append(fs, kindField(k))
	}
	cases := map[string]*scenarios.Data{
		"json": jsonData(fs...),
		"json keyed": func() *scenarios.Data {
			d := jsonData(fs...)
			d.Key = scenarios.Key{Field: "email", Distribution: scenarios.KeyZipf, Cardinality: 100, ZipfS: 1.1}
			return d
		}(),
		"json keyed many": func() *scenarios.Data {
			d := jsonData(fs...)
			d.Key = scenarios.Key{Field: "uuid", Distribution: scenarios.KeyUniform, Cardinality: 1e9}
			return d
		}(),
		"bytes": {Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeNormal, Mean: 1000, Stddev: 100, Max: 2000},
			Key: scenarios.Key{Distribution: scenarios.KeyHotSet, Cardinality: 1000, HotKeys: 0.1, HotTraffic: 0.5}},
	}
	for name, d := range cases {
		t.Run(name, func(t *testing.T) {
			g := mustNew(t, d, 1, 0)
			kb, vb := make([]byte, 0, 1<<10), make([]byte, 0, 1<<16)
			for range 10000 {
				kb, vb = g.Next(kb[:0], vb[:0])
			}
			if a := testing.AllocsPerRun(2000, func() { kb, vb = g.Next(kb[:0], vb[:0]) }); a != 0 {
				t.Errorf("%.2f allocations per record", a)
			}
		})
	}
}

func TestAppendFixed(t *testing.T) {
	for _, tt := range []struct {
		v    int64
		dec  int
		want string
	}{
		{0, 0, "0"}, {0, 2, "0.00"}, {5, 2, "0.05"}, {-5, 2, "-0.05"}, {12345, 2, "123.45"},
		{-90000000, 6, "-90.000000"}, {math.MinInt64, 0, "-9223372036854775808"}, {math.MinInt64, 3, "-9223372036854775.808"},
	} {
		if got := string(appendFixed(nil, tt.v, tt.dec)); got != tt.want {
			t.Errorf("appendFixed(%d, %d) = %s, want %s", tt.v, tt.dec, got, tt.want)
		}
	}
}

// TestConcurrentGenerators runs one generator per goroutine, as producer
// instances do; with -race it shows they share no mutable state.
func TestConcurrentGenerators(t *testing.T) {
	d := jsonData(nonTimeFields()...)
	d.Fields = append(d.Fields, f("ts", "timestamp"))
	d.Key = scenarios.Key{Field: "email", Distribution: scenarios.KeyZipf, Cardinality: 100, ZipfS: 1.3}
	done := make(chan error)
	for stream := range uint64(4) {
		go func() {
			g, err := New(d, 9, stream)
			if err == nil {
				var kb, vb []byte
				for range 2000 {
					kb, vb = g.Next(kb[:0], vb[:0])
					if !json.Valid(vb) {
						err = fmt.Errorf("invalid JSON %s", vb)
						break
					}
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestFormatInference(t *testing.T) {
	g := mustNew(t, &scenarios.Data{Size: scenarios.SizeDist{Kind: scenarios.SizeFixed, Fixed: 7}}, 1, 0)
	if _, v := g.Next(nil, nil); len(v) != 7 {
		t.Errorf("unset format with a size: %d bytes, want 7 random bytes", len(v))
	}
	g = mustNew(t, &scenarios.Data{Fields: []*scenarios.Field{f("a", "bool")}}, 1, 0)
	if _, v := g.Next(nil, nil); !json.Valid(v) {
		t.Errorf("unset format with fields: %s is not JSON", v)
	}
}

func TestErrorPosition(t *testing.T) {
	bad := &scenarios.Field{Name: "x", Fake: "enum", Pos: scenarios.Pos{File: "s.yaml", Line: 12, Column: 7}}
	obj := &scenarios.Field{Name: "o", Fake: "object", Fields: []*scenarios.Field{bad}, Pos: scenarios.Pos{File: "s.yaml", Line: 10, Column: 5}}
	_, err := New(jsonData(obj), 1, 0)
	if err == nil || !strings.HasPrefix(err.Error(), `s.yaml:12:7: field "o.x"`) {
		t.Fatalf("error %v, want it to start with the inner field's position and path", err)
	}
}

// TestNextShared: NextShared gives the same keys and values as Next, for
// fixed and random sizes, also across the pool's end (then copied).
func TestNextShared(t *testing.T) {
	for _, sd := range []scenarios.SizeDist{
		{Kind: scenarios.SizeFixed, Fixed: 100},
		{Kind: scenarios.SizeUniform, Min: 1, Max: 600 << 10},
		{Kind: scenarios.SizeNormal, Mean: 2000, Stddev: 500, Min: 1, Max: 10000},
	} {
		d := &scenarios.Data{Name: "b", Format: scenarios.FormatBytes, Size: sd,
			Key: scenarios.Key{Distribution: scenarios.KeyUniform, Cardinality: 50}}
		a, err := New(d, 7, 1)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := New(d, 7, 1)
		sharedSeen, copied := 0, 0
		for i := range 2000 {
			k1, v1 := a.Next(nil, nil)
			k2, v2, shared := b.NextShared(nil, nil)
			if !bytes.Equal(k1, k2) || !bytes.Equal(v1, v2) {
				t.Fatalf("%+v: record %d differs", sd, i)
			}
			if shared {
				sharedSeen++
				if cap(v2) != len(v2) {
					t.Fatalf("a shared value can be appended to in place: len %d cap %d", len(v2), cap(v2))
				}
			} else {
				copied++
			}
		}
		if sharedSeen == 0 {
			t.Errorf("%+v: no value was shared", sd)
		}
		if sd.Kind == scenarios.SizeUniform && copied == 0 {
			t.Errorf("%+v: no value wrapped around the pool", sd)
		}
	}
}
