package generators

import (
	"encoding/json"
	"testing"

	"github.com/brianvoe/gofakeit/v7"

	"github.com/kbench/kbench/scenarios"
)

// fiveFields is the reference record: uuid, int, float, enum, city.
func fiveFields() *scenarios.Data {
	return &scenarios.Data{
		Name:   "bench",
		Format: scenarios.FormatJSON,
		Fields: []*scenarios.Field{
			{Name: "id", Fake: "uuid"},
			{Name: "qty", Fake: "int", Min: 1, Max: 100, HasMin: true, HasMax: true},
			{Name: "temp", Fake: "float", Min: -20, Max: 40, HasMin: true, HasMax: true, Decimals: -1},
			{Name: "status", Fake: "enum", Values: []string{"new", "paid", "shipped"}, Weights: []float64{5, 3, 2}},
			{Name: "city", Fake: "city"},
		},
		Key: scenarios.Key{Distribution: scenarios.KeyNone},
	}
}

func benchData(b *testing.B, d *scenarios.Data) {
	b.Helper()
	g, err := New(d, 1, 0)
	if err != nil {
		b.Fatal(err)
	}
	var kb, vb []byte
	var total int64
	// Warm up buffers and memoised keys so the loop shows the steady state.
	for range 1000 {
		kb, vb = g.Next(kb[:0], vb[:0])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		kb, vb = g.Next(kb[:0], vb[:0])
		total += int64(len(kb) + len(vb))
	}
	b.SetBytes(total / int64(max(b.N, 1)))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkJSON5Fields is the reference JSON record (uuid, int, float with
// full precision, weighted enum, city), no key.
func BenchmarkJSON5Fields(b *testing.B) { benchData(b, fiveFields()) }

// BenchmarkJSON5FieldsKeyed is the reference record keyed by its uuid
// field, uniform over 100k keys (key values memoised as they appear).
func BenchmarkJSON5FieldsKeyed(b *testing.B) {
	d := fiveFields()
	d.Key = scenarios.Key{Field: "id", Distribution: scenarios.KeyUniform, Cardinality: 100000}
	benchData(b, d)
}

// BenchmarkJSONText has the text-heavy kinds.
func BenchmarkJSONText(b *testing.B) {
	benchData(b, &scenarios.Data{Format: scenarios.FormatJSON, Fields: []*scenarios.Field{
		{Name: "name", Fake: "name"},
		{Name: "email", Fake: "email"},
		{Name: "street", Fake: "street"},
		{Name: "ua", Fake: "useragent"},
		{Name: "comment", Fake: "sentence", Words: 8},
	}})
}

// BenchmarkJSONAllKinds has one field of every built-in kind.
func BenchmarkJSONAllKinds(b *testing.B) {
	var fs []*scenarios.Field
	for _, k := range sortedKinds() {
		fs = append(fs, kindField(k))
	}
	benchData(b, jsonData(fs...))
}

// BenchmarkJSONGofakeitLookup has five fields generated through gofakeit's
// function lookup (the slow path for names outside FieldKinds).
func BenchmarkJSONGofakeitLookup(b *testing.B) {
	benchData(b, jsonData(f("a", "beername"), f("b", "carmaker"), f("c", "hackerphrase"), f("d", "httpstatuscode"), f("e", "jobtitle")))
}

// BenchmarkBytes1KiB is fixed 1 KiB random values.
func BenchmarkBytes1KiB(b *testing.B) {
	benchData(b, &scenarios.Data{Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeFixed, Fixed: 1024}})
}

// BenchmarkBytesNormal is normal 512±128 B values clamped to [64, 2048].
func BenchmarkBytesNormal(b *testing.B) {
	benchData(b, &scenarios.Data{Format: scenarios.FormatBytes,
		Size: scenarios.SizeDist{Kind: scenarios.SizeNormal, Mean: 512, Stddev: 128, Min: 64, Max: 2048}})
}

// benchKeys measures key choice and formatting alone (empty values).
func benchKeys(b *testing.B, k scenarios.Key) {
	benchData(b, &scenarios.Data{Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeFixed}, Key: k})
}

// BenchmarkKeysUniform is synthetic keys, uniform over 1M.
func BenchmarkKeysUniform(b *testing.B) {
	benchKeys(b, scenarios.Key{Distribution: scenarios.KeyUniform, Cardinality: 1 << 20})
}

// BenchmarkKeysZipf is synthetic keys, zipf s=1.1 over 1M.
func BenchmarkKeysZipf(b *testing.B) {
	benchKeys(b, scenarios.Key{Distribution: scenarios.KeyZipf, Cardinality: 1 << 20, ZipfS: 1.1})
}

// BenchmarkKeysSequential is synthetic keys cycling over 1M.
func BenchmarkKeysSequential(b *testing.B) {
	benchKeys(b, scenarios.Key{Distribution: scenarios.KeySequential, Cardinality: 1 << 20})
}

// BenchmarkKeysHotSet is synthetic keys, 90% of records on 1% of 1M keys.
func BenchmarkKeysHotSet(b *testing.B) {
	benchKeys(b, scenarios.Key{Distribution: scenarios.KeyHotSet, Cardinality: 1 << 20, HotKeys: 0.01, HotTraffic: 0.9})
}

// BenchmarkKeysFieldZipf is email key-field values, zipf over 10k keys
// (memoised), with a one-field record.
func BenchmarkKeysFieldZipf(b *testing.B) {
	d := jsonData(f("email", "email"))
	d.Key = scenarios.Key{Field: "email", Distribution: scenarios.KeyZipf, Cardinality: 10000, ZipfS: 1.1}
	benchData(b, d)
}

// BenchmarkBaselineGofakeitEncodingJSON is the naive way to build the
// reference record (gofakeit calls into a map, encoding/json), for
// comparison only.
func BenchmarkBaselineGofakeitEncodingJSON(b *testing.B) {
	fk := gofakeit.New(1)
	statuses := []string{"new", "paid", "shipped"}
	var total int64
	b.ReportAllocs()
	for b.Loop() {
		rec := map[string]any{
			"id":     fk.UUID(),
			"qty":    fk.IntRange(1, 100),
			"temp":   fk.Float64Range(-20, 40),
			"status": fk.RandomString(statuses),
			"city":   fk.City(),
		}
		v, _ := json.Marshal(rec)
		total += int64(len(v))
	}
	b.SetBytes(total / int64(max(b.N, 1)))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
