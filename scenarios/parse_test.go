package scenarios

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the expected errors of testdata/invalid and warnings of testdata/valid (review the diff!)")

func init() { debugSections = true }

// secret is the value of KB_TEST_SECRET; no error may ever show it.
const secret = "hunter2-very-secret"

func testEnv(name string) (string, bool) {
	switch name {
	case "KB_TEST_SET":
		return "from-env", true
	case "KB_TEST_SECRET":
		return secret, true
	case "KB_TEST_PARTS":
		return "12", true
	}
	return "", false
}

func parseFile(t *testing.T, path string) (*Scenario, error) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(path, src, testEnv)
}

func glob(t testing.TB, pattern string, least int) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) < least {
		t.Fatalf("%s: %d files (%v), want at least %d", pattern, len(files), err, least)
	}
	return files
}

// TestValidFiles parses every valid file and checks that Validate agrees
// and changes nothing (the defaults are idempotent), and that its warnings
// are those of the .warn file next to it, if any (refresh them with
// `go test ./scenarios -run TestValidFiles -update`).
func TestValidFiles(t *testing.T) {
	for _, f := range glob(t, "testdata/valid/*.yaml", 5) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			sc, err := parseFile(t, f)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := parseFile(t, f)
			if err := again.Validate(); err != nil {
				t.Fatalf("Validate after Parse: %v", err)
			}
			if !reflect.DeepEqual(sc, again) {
				t.Errorf("Validate changed the parsed scenario:\n%+v\n%+v", sc, again)
			}
			// Warnings: none, or those of the .warn file next to it.
			got := ""
			if len(sc.Warnings) > 0 {
				got = filepath.ToSlash(ErrorList(sc.Warnings).Error()) + "\n"
			}
			if strings.Contains(got, secret) {
				t.Errorf("a warning shows the value of KB_TEST_SECRET:\n%s", got)
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".warn"
			if *update && got != "" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, _ := os.ReadFile(golden)
			if got != string(want) {
				t.Errorf("warnings:\n%swant:\n%s", got, want)
			}
		})
	}
}

// TestInvalidFiles compares each invalid file's errors with the .err file
// next to it. After a deliberate change of messages, run
// `go test ./scenarios -run TestInvalidFiles -update` and review the diff.
func TestInvalidFiles(t *testing.T) {
	for _, f := range glob(t, "testdata/invalid/*.yaml", 30) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := parseFile(t, f)
			if err == nil {
				t.Fatal("parsed without error")
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			for _, e := range list {
				if e.Pos.File != f {
					t.Errorf("error without the file name: %v", e)
				}
			}
			got := filepath.ToSlash(err.Error()) + "\n"
			if strings.Contains(got, secret) {
				t.Errorf("an error shows the value of KB_TEST_SECRET:\n%s", got)
			}
			golden := strings.TrimSuffix(f, ".yaml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, rerr := os.ReadFile(golden)
			if rerr != nil {
				t.Fatal(rerr)
			}
			if got != string(want) {
				t.Errorf("got:\n%swant:\n%s", got, want)
			}
		})
	}
}

// TestErrorPositions spells out the positions of the main kinds of
// problems (the golden files hold the rest).
func TestErrorPositions(t *testing.T) {
	cases := []struct{ file, want string }{
		{"unknown-key", "unknown-key.yaml:2:1: unknown key \"duraton\" at the top level\n\thint: did you mean \"duration\"?"},
		{"nested-unknown-key", "nested-unknown-key.yaml:4:5: topics[0]: unknown key \"partitons\" in topic\n\thint: did you mean \"partitions\"?"},
		{"wrong-type-list", "wrong-type-list.yaml:2:10: cluster: expected a mapping (key: value lines) for cluster, got a list"},
		{"wrong-type-number", "wrong-type-number.yaml:3:28: consumers[0].instances: expected a whole number from 1 to 1024, got \"three\""},
		{"bad-duration", "bad-duration.yaml:2:11: duration: duration \"10\" has no unit\n\thint: write 10s"},
		{"bad-rate", "bad-rate.yaml:5:32: producers[0].rate: rate \"2000\" has no time unit\n\thint: write 2000/s"},
		{"bad-size", "bad-size.yaml:3:29: data.d.size: \"1QB\" is not a size: unknown suffix \"QB\""},
		{"unknown-metric", "unknown-metric.yaml:7:5: gates[0]: unknown metric \"e2e.p99x\"\n\thint: did you mean \"e2e.p99\"?"},
		{"unit-mismatch", "unit-mismatch.yaml:7:5: gates[0]: produce.rate takes a rate like 45000/s, not \"5ms\""},
		{"unknown-data", "unknown-data.yaml:5:23: producers[0].data: unknown data set \"oder\"\n\thint: did you mean \"order\"?"},
		{"unset-env", "unset-env.yaml:3:14: cluster.brokers[0]: environment variable KB_TEST_UNSET is not set"},
		{"syntax", "syntax.yaml:3:11: invalid YAML:"},
		{"duplicate-key", "duplicate-key.yaml:3:1: duplicate key \"name\" (first written at line 1, column 1)"},
		{"option-not-applicable", "option-not-applicable.yaml:5:25: data.d.fields.id: option min does not apply to fake: uuid"},
		{"warmup-too-long", "warmup-too-long.yaml:3:9: warmup: warmup \"10s\" must be shorter than duration \"10s\""},
		{"env-default-invalid", "env-default-invalid.yaml:4:17: topics[0].partitions: expected a whole number from 1 to 100000, got \"many\""},
	}
	for _, c := range cases {
		_, err := parseFile(t, "testdata/invalid/"+c.file+".yaml")
		if err == nil {
			t.Errorf("%s: no error", c.file)
			continue
		}
		if !strings.Contains(filepath.ToSlash(err.Error()), "testdata/invalid/"+c.want) {
			t.Errorf("%s: want\n%s\nin\n%v", c.file, c.want, err)
		}
	}
}

func TestErrorList(t *testing.T) {
	_, err := parseFile(t, "testdata/invalid/too-many-errors.yaml")
	var list ErrorList
	if !errors.As(err, &list) || len(list) != MaxErrors+1 {
		t.Fatalf("got %d errors, want %d and a last line: %v", len(list), MaxErrors+1, err)
	}
	if last := list[MaxErrors].Msg; last != "... and 5 more problems" {
		t.Errorf("last line %q", last)
	}
	for i := 1; i < MaxErrors; i++ {
		if a, b := list[i-1].Pos, list[i].Pos; b.Line < a.Line {
			t.Errorf("not sorted: %v before %v", a, b)
		}
	}
	var e *Error
	if !errors.As(err, &e) || e.Path != "data.d.fields.f00.fake" {
		t.Errorf("errors.As found %+v", e)
	}
}

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		e    Error
		want string
	}{
		{Error{Pos: Pos{File: "a.yaml", Line: 3, Column: 5}, Path: "p", Msg: "bad", Hint: "fix"}, "a.yaml:3:5: p: bad\n\thint: fix"},
		{Error{Pos: Pos{Line: 3, Column: 5}, Msg: "bad"}, "3:5: bad"},
		{Error{Pos: Pos{File: "a.yaml"}, Msg: "bad"}, "a.yaml: bad"},
		{Error{Path: "producers[0].rate", Msg: "bad"}, "producers[0].rate: bad"},
	}
	for _, c := range cases {
		if got := c.e.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
	if got := (ErrorList{&cases[0].e, &cases[1].e}).Error(); got != cases[0].want+"\n"+cases[1].want {
		t.Errorf("list: %q", got)
	}
}

func TestLoad(t *testing.T) {
	sc, err := Load("testdata/valid/minimal.yaml")
	if err != nil || sc.Name != "minimal" || sc.File != "testdata/valid/minimal.yaml" {
		t.Fatalf("%+v, %v", sc, err)
	}
	_, err = Load("testdata/no-such-file.yaml")
	if err == nil || err.Error() != "testdata/no-such-file.yaml: cannot read the scenario: no such file or directory" {
		t.Errorf("missing file: %v", err)
	}
}

func TestEveryKey(t *testing.T) {
	sc, err := parseFile(t, "testdata/valid/every-key.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "every-key" || sc.Seed != 7 || sc.Duration != time.Minute || sc.Warmup != 10*time.Second || sc.Drain != 20*time.Second {
		t.Errorf("top level: %+v", sc)
	}
	cl := sc.Cluster
	if want := []string{"localhost:9092", "localhost:9093", "localhost:9094"}; !reflect.DeepEqual(cl.Brokers, want) {
		t.Errorf("brokers %q, want %q", cl.Brokers, want)
	}
	if cl.ClientID != "bench" || cl.DialTimeout != 5*time.Second || cl.RequestTimeoutOverhead != 15*time.Second ||
		cl.MetadataMaxAge != time.Minute || cl.Pos.Line != 8 {
		t.Errorf("cluster %+v", cl)
	}
	if len(sc.Topics) != 2 {
		t.Errorf("topics %+v (an external cluster gets no implicit topics)", sc.Topics)
	}
	orders := sc.TopicByName("orders")
	if orders == nil || orders.Partitions != 12 || orders.ReplicationFactor != 3 || orders.Create != CreateIfMissing ||
		!reflect.DeepEqual(orders.Configs, map[string]string{"min.insync.replicas": "2", "retention.ms": "3600000", "compression.type": "lz4"}) {
		t.Fatalf("topic %+v", orders)
	}
	if e := sc.TopicByName("existing"); e.Create != CreateNever || e.Partitions != DefaultPartitions || e.ReplicationFactor != -1 {
		t.Errorf("existing %+v", e)
	}

	d := sc.DataByName("order")
	if d == nil || d.Format != FormatJSON || d.Seed != 99 || len(d.Fields) != 15 || d.Pos.Line != 21 {
		t.Fatalf("data order: %+v", d)
	}
	f := map[string]*Field{}
	for _, x := range d.Fields {
		f[x.Name] = x
	}
	if names := fieldNames(d.Fields); names != "id qty price total status note at day version label color seq customer tags scores" {
		t.Errorf("field order %s", names)
	}
	if x := f["id"]; x.Fake != "uuid" || x.Pos.Line != 25 || x.Pos.Column != 7 {
		t.Errorf("id %+v", x)
	}
	if x := f["qty"]; x.Min != 1 || x.Max != 10 || !x.HasMin || !x.HasMax || x.Decimals != -1 {
		t.Errorf("qty %+v", x)
	}
	if x := f["price"]; x.Min != 0.5 || x.Max != 99.5 || x.Decimals != 2 || x.NullRatio != 0.1 {
		t.Errorf("price %+v", x)
	}
	if x := f["total"]; x.Fake != "price" || x.Min != 0 || x.Max != 5000 {
		t.Errorf("total %+v", x)
	}
	if x := f["status"]; !reflect.DeepEqual(x.Values, []string{"new", "paid", "shipped"}) || !reflect.DeepEqual(x.Weights, []float64{1, 2, 3}) {
		t.Errorf("status %+v", x)
	}
	if f["note"].Words != 4 || f["at"].Format != "unix_ms" || f["day"].Format != "rfc3339" {
		t.Errorf("note/at/day %+v %+v %+v", f["note"], f["at"], f["day"])
	}
	if f["version"].Value != "2" || f["label"].Value != `"v2"` {
		t.Errorf("const %q %q", f["version"].Value, f["label"].Value)
	}
	if f["color"].Fake != "hexcolor" || f["seq"].Fake != "sequence" {
		t.Errorf("color/seq %+v %+v", f["color"], f["seq"])
	}
	if x := f["customer"]; x.Fake != "object" || fieldNames(x.Fields) != "name address" ||
		x.Fields[1].Fake != "object" || fieldNames(x.Fields[1].Fields) != "city zip" {
		t.Errorf("customer %+v", x)
	}
	if x := f["tags"]; x.Items == nil || x.Items.Fake != "word" || x.MinItems != 1 || x.MaxItems != 3 {
		t.Errorf("tags %+v", x)
	}
	if x := f["scores"]; x.Items == nil || x.Items.Max != 5 || x.MinItems != 0 || x.MaxItems != 5 {
		t.Errorf("scores %+v", x)
	}
	if k := d.Key; k.Field != "customer.name" || k.Distribution != KeyZipf || k.Cardinality != 5000 || k.ZipfS != 1.3 {
		t.Errorf("key %+v", k)
	}
	if b := sc.DataByName("blob"); b.Format != FormatBytes || b.Size != (SizeDist{Kind: SizeUniform, Min: 100, Max: 4096}) ||
		b.Key.Distribution != KeyHotSet || b.Key.HotKeys != 0.1 || b.Key.HotTraffic != 0.8 || b.Key.Cardinality != 100 {
		t.Errorf("blob %+v", b)
	}
	if p := sc.DataByName("plain"); p.Format != FormatBytes || p.Size != (SizeDist{Kind: SizeFixed, Fixed: 1024}) || p.Key.Distribution != KeyNone {
		t.Errorf("plain %+v", p)
	}

	if len(sc.Producers) != 7 {
		t.Fatalf("%d producers", len(sc.Producers))
	}
	shop := sc.Producers[0]
	if shop.Name != "shop" || shop.Topic != "orders" || shop.Data != "order" || shop.Instances != 2 || shop.Acks != AcksAll ||
		shop.Compression != "zstd" || shop.Linger != 5*time.Millisecond || shop.BatchSize != 512<<10 || !shop.Idempotent ||
		shop.MaxInFlight != 0 || shop.MaxBuffered != 20000 {
		t.Errorf("shop %+v", shop)
	}
	if r := shop.Rate; r.Profile != RateSteps || !reflect.DeepEqual(r.Steps, []Step{{1000, 10 * time.Second}, {2000, 10 * time.Second}}) {
		t.Errorf("steps %+v", r)
	}
	if p := sc.Producers[1]; p.Acks != AcksLeader || p.Idempotent || p.MaxInFlight != 3 || p.Linger != DefaultLinger ||
		!reflect.DeepEqual(p.Rate, Rate{Profile: RateSine, Rate: 500, Amplitude: 200, Period: 20 * time.Second, Pos: p.Rate.Pos}) {
		t.Errorf("blobs %+v", p)
	}
	if r := sc.Producers[2].Rate; r.Profile != RateSpike || r.Rate != 100 || r.Peak != 1000 || r.At != 20*time.Second || r.For != 5*time.Second {
		t.Errorf("spike %+v", r)
	}
	if r := sc.Producers[3].Rate; r.Profile != RateRamp || r.From != 0 || r.To != 50 || r.Over != 30*time.Second {
		t.Errorf("ramp (profile inferred, 3k/m = 50/s) %+v", r)
	}
	if p := sc.Producers[4]; p.Rate.Profile != RatePoisson || p.Rate.Rate != 50 || p.Acks != AcksNone || p.Idempotent {
		t.Errorf("poisson %+v", p)
	}
	if p := sc.Producers[5]; p.Rate.Profile != RateUnlimited || p.Idempotent || p.Acks != AcksLeader {
		t.Errorf("unlimited %+v", p)
	}
	if p := sc.Producers[6]; p.Name != "orders" || p.Rate.Profile != RateConstant || p.Rate.Rate != 1.5e6/3600 {
		t.Errorf("unnamed second producer of orders %+v", p)
	}

	if c := sc.Consumers[0]; c.Name != "readers" || c.Group != "g1" || c.Instances != 3 || c.Isolation != ReadCommitted || c.FetchMaxWait != 50*time.Millisecond {
		t.Errorf("consumer %+v", c)
	}
	if c := sc.Consumers[1]; c.Name != "existing-readers" || c.Group != "kbench-every-key-existing-readers" ||
		c.Isolation != ReadUncommitted || c.FetchMaxWait != DefaultFetchMaxWait || c.Instances != 1 {
		t.Errorf("consumer defaults %+v", c)
	}

	wantGates := []Gate{
		{Expr: "e2e.p99 < 50ms", Metric: "e2e.p99", Op: OpLT, Threshold: 50e6},
		{Expr: "e2e.raw.p999 <= 1.5s", Metric: "e2e.raw.p999", Op: OpLE, Threshold: 1.5e9},
		{Expr: "produce.rate >= 1.5k/s", Metric: "produce.rate", Op: OpGE, Threshold: 1500},
		{Expr: "produce.throughput > 1MB/s", Metric: "produce.throughput", Op: OpGT, Threshold: 1e6},
		{Expr: "produce.error_rate <= 0.1%", Metric: "produce.error_rate", Op: OpLE, Threshold: 0.001},
		{Expr: "produce.errors == 0", Metric: "produce.errors", Op: OpEQ, Threshold: 0},
		{Expr: "consume.missing == 0", Metric: "consume.missing", Op: OpEQ, Threshold: 0},
		{Expr: "produce.p50 != 800µs", Metric: "produce.p50", Op: OpNE, Threshold: 800e3},
	}
	if len(sc.Gates) != len(wantGates) {
		t.Fatalf("gates %+v", sc.Gates)
	}
	for i, g := range sc.Gates {
		if g.Pos.Line != 82+i || g.Pos.Column != 5 {
			t.Errorf("gate %d at %+v", i, g.Pos)
		}
		g.Pos = Pos{}
		if g != wantGates[i] {
			t.Errorf("gate %d: got %+v, want %+v", i, g, wantGates[i])
		}
	}
	if r := sc.Report; r.Out != "out/" || r.Interval != 500*time.Millisecond || !reflect.DeepEqual(r.Formats, []string{"text", "json"}) {
		t.Errorf("report %+v", r)
	}
}

func fieldNames(fs []*Field) string {
	var names []string
	for _, f := range fs {
		names = append(names, f.Name)
	}
	return strings.Join(names, " ")
}

func TestDefaults(t *testing.T) {
	sc, err := parseFile(t, "testdata/valid/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "minimal" || sc.Seed != 1 || sc.Duration != 10*time.Second || sc.Warmup != 0 || sc.Drain != 30*time.Second {
		t.Errorf("%+v", sc)
	}
	want := Cluster{ClientID: "kbench", DialTimeout: 10 * time.Second, RequestTimeoutOverhead: 10 * time.Second, MetadataMaxAge: 5 * time.Minute}
	if !reflect.DeepEqual(sc.Cluster, want) || !sc.Cluster.Embedded() {
		t.Errorf("cluster %+v", sc.Cluster)
	}
	// Undeclared topics are the runner's to create (on the embedded
	// cluster only), not the parser's.
	if len(sc.Topics) != 0 {
		t.Errorf("topics %+v", sc.Topics)
	}
	p := sc.Producers[0]
	if p.Name != "t" || p.Instances != 1 || p.Acks != AcksAll || !p.Idempotent || p.Linger != 10*time.Millisecond ||
		p.Compression != "none" || p.BatchSize != 0 || p.MaxInFlight != 0 || p.MaxBuffered != DefaultMaxBuffered {
		t.Errorf("producer %+v", p)
	}
	d := sc.Data[0]
	if d.Format != FormatJSON || d.Seed != 0 || d.Key.Distribution != KeyNone || d.Size != (SizeDist{}) {
		t.Errorf("data %+v", d)
	}
	if r := sc.Report; r.Out != "results" || !reflect.DeepEqual(r.Formats, []string{"text"}) || r.Interval != time.Second {
		t.Errorf("report %+v", r)
	}

	b, err := parseFile(t, "testdata/valid/bytes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]SizeDist{
		"fixed":       {Kind: SizeFixed, Fixed: 512},
		"sized":       {Kind: SizeFixed, Fixed: 2048},
		"uniform":     {Kind: SizeUniform, Min: 1024, Max: 2048},
		"normal":      {Kind: SizeNormal, Mean: 4000, Stddev: 1000, Max: 16384},
		"exponential": {Kind: SizeExponential, Mean: 1024, Max: 1 << 20},
		"default":     {Kind: SizeFixed, Fixed: 100},
	}
	for name, want := range sizes {
		if d := b.DataByName(name); d.Format != FormatBytes || d.Size != want {
			t.Errorf("%s: %+v, want %+v", name, d.Size, want)
		}
	}
	if k := b.DataByName("default").Key; k.Distribution != KeySequential || k.Cardinality != 10 || k.ZipfS != 1.1 || k.HotKeys != 0.01 || k.HotTraffic != 0.9 {
		t.Errorf("key %+v", k)
	}
	if len(b.Topics) != 0 {
		t.Errorf("undeclared topics were added: %+v", b.Topics)
	}
	var names []string
	for _, p := range b.Producers {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, " "); got != "a sized producer-3 b producer-5 producer-6" {
		t.Errorf("producer names %s", got)
	}

	ext, err := parseFile(t, "testdata/valid/external.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(ext.Topics) != 0 || !reflect.DeepEqual(ext.Cluster.Brokers, []string{"kafka-1:9092", "kafka-2:9092"}) {
		t.Errorf("external: topics %+v, brokers %q", ext.Topics, ext.Cluster.Brokers)
	}
	if c := ext.Consumers[0]; c.Name != "somewhere-readers" || c.Group != "kbench-external-somewhere-readers" {
		t.Errorf("consumer %+v", c)
	}
}

func TestEnv(t *testing.T) {
	sc, err := parseFile(t, "testdata/valid/env.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "env-from-env" || !sc.Cluster.Embedded() || sc.Cluster.ClientID != "pre-from-env-post" || sc.Duration != 2*time.Second {
		t.Errorf("%+v", sc)
	}
	if tp := sc.Topics[0]; tp.Partitions != 12 || tp.ReplicationFactor != 1 {
		t.Errorf("topic %+v", tp)
	}
	fs := sc.Data[0].Fields
	if fs[0].Value != `"${NOT_EXPANDED}"` || fs[1].Max != 50 {
		t.Errorf("fields %+v %+v", fs[0], fs[1])
	}
	if sc.Producers[0].Rate.Rate != 10 {
		t.Errorf("rate %+v", sc.Producers[0].Rate)
	}

	cases := []struct{ in, want, err string }{
		{"plain", "plain", ""},
		{"${KB_TEST_SET}", "from-env", ""},
		{"a-${KB_TEST_SET}-b-${KB_TEST_PARTS}", "a-from-env-b-12", ""},
		{"${KB_TEST_UNSET:-fallback}", "fallback", ""},
		{"${KB_TEST_SET:-fallback}", "from-env", ""},
		{"${KB_TEST_UNSET:-a:-b}", "a:-b", ""},
		{"x${KB_TEST_UNSET:-}y", "xy", ""},
		{"$${KB_TEST_SET}", "${KB_TEST_SET}", ""},
		{"$$${KB_TEST_SET}", "$${KB_TEST_SET}", ""},
		{"$KB_TEST_SET {}", "$KB_TEST_SET {}", ""},
		{"${KB_TEST_UNSET}", "", "environment variable KB_TEST_UNSET is not set"},
		{"${KB TEST}", "", "bad variable reference ${KB TEST}"},
		{"${}", "", "bad variable reference ${}"},
		{"${1X}", "", "bad variable reference ${1X}"},
		{"${A:-${B}}", "", "bad variable reference"},
		{"${KB_TEST_SET", "", "unterminated ${"},
	}
	for _, c := range cases {
		src := "cluster: { client_id: '" + c.in + "' }\ndata: { d: { fields: { id: uuid } } }\nproducers: [{ topic: t, data: d, rate: 1/s }]\n"
		sc, err := Parse("f.yaml", []byte(src), testEnv)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), "f.yaml:1:23: cluster.client_id: "+c.err) {
				t.Errorf("%q: err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if sc.Cluster.ClientID != c.want && !(c.want == "" && sc.Cluster.ClientID == DefaultClientID) {
			t.Errorf("%q: got %q, want %q", c.in, sc.Cluster.ClientID, c.want)
		}
	}
}

// TestSecrets: a bad value that came from the environment is shown as
// written in the file, never as the variable's value.
func TestSecrets(t *testing.T) {
	srcs := []string{
		`duration: "${KB_TEST_SECRET}"`,
		`topics: [{ name: t, partitions: "${KB_TEST_SECRET}" }]`,
		`cluster: { client_id: "", brokers: ["https://${KB_TEST_SECRET}"] }`,
		`producers: [{ topic: t, data: "x${KB_TEST_SECRET}", rate: "${KB_TEST_SECRET}", acks: "${KB_TEST_SECRET}" }]`,
		`data: { d: { format: "${KB_TEST_SECRET}", key: "${KB_TEST_SECRET}" } }`,
		`gates: ["${KB_TEST_SECRET}", "e2e.p99 < ${KB_TEST_SECRET}"]`,
		`report: { formats: ["${KB_TEST_SECRET}"] }`,
		`data: { d: { fields: { x: "${KB_TEST_SECRET}" }, key: { field: "${KB_TEST_SECRET}" } } }`,
	}
	for _, src := range srcs {
		_, err := Parse("f.yaml", []byte(src), testEnv)
		if err == nil {
			t.Errorf("%s: no error", src)
			continue
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error shows the secret:\n%v", src, err)
		}
		if !strings.Contains(err.Error(), "${KB_TEST_SECRET}") {
			t.Errorf("%s: the error does not name the reference:\n%v", src, err)
		}
	}
}

func TestValidateGoBuilt(t *testing.T) {
	sc := &Scenario{
		Data: []*Data{
			{Name: "d", Fields: []*Field{
				{Name: "n", Fake: "int", Min: 5, Max: 1, HasMin: true, HasMax: true},
				{Name: "id", Fake: "uuid", Words: 3},
			}},
			{Name: "b", Format: FormatBytes},
		},
		Producers: []Producer{
			{Topic: "t", Data: "x", Rate: Rate{Profile: RateConstant, Rate: 1}},
			{Topic: "t", Data: "b", Rate: Rate{Profile: RateRamp, From: 1, To: 2}},
			{Topic: "t", Data: "b", Rate: Rate{Rate: 100}, Acks: "1", Idempotent: true},
		},
		Warmup: time.Minute,
	}
	err := sc.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	want := strings.Join([]string{
		`data.d.fields.id.words: option words does not apply to fake: uuid`,
		`data.d.fields.n.min: min (5) is larger than max (1)`,
		`producers[0].data: unknown data set "x"`,
		"\thint: data sets: b, d",
		`producers[1].rate.over: ramp over must be positive`,
		"\thint: e.g. over: 30s",
		`producers[2].idempotent: an idempotent producer needs acks: all, not "leader"`,
		"\thint: set acks: all, or idempotent: false",
		`warmup: warmup "1m0s" must be shorter than duration "10s"`,
		"\thint: the warmup is the first part of the duration: make it shorter, or the duration longer",
	}, "\n")
	if err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
	// The defaults were applied all the same.
	if sc.Name != DefaultName || sc.Producers[2].Rate.Profile != RateConstant || sc.Producers[0].Linger != 0 ||
		sc.Producers[0].Idempotent || sc.Data[1].Size != (SizeDist{Kind: SizeFixed, Fixed: 100}) || len(sc.Topics) != 0 {
		t.Errorf("defaults: %+v", sc)
	}

	ok := &Scenario{
		File:      "dir/ok.yaml",
		Data:      []*Data{{Name: "d", Fields: []*Field{{Name: "n", Fake: "int", Max: 7}}, Key: Key{Field: "n"}}},
		Producers: []Producer{{Topic: "t", Data: "d", Rate: Rate{Profile: RateUnlimited}}},
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if f := ok.Data[0].Fields[0]; ok.Name != "ok" || f.Min != 0 || f.Max != 7 || !f.HasMin || !f.HasMax || ok.Data[0].Key.Distribution != KeyUniform {
		t.Errorf("%+v %+v", ok, f)
	}
}

// TestSectionKeys checks that the hint tables list the keys each section
// decodes (checkSection panics otherwise while debugSections is set).
func TestSectionKeys(t *testing.T) {
	for _, f := range glob(t, "testdata/*/*.yaml", 10) {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: %v", f, p)
				}
			}()
			_, _ = parseFile(t, f)
		}()
	}
	if h := keyHomes("partitions", secProducer); len(h) != 1 || h[0] != secTopic.home {
		t.Errorf("homes of partitions: %q", h)
	}
}

// TestEveryKeyCovered: the valid test files use every key of every
// section, and docs/scenarios.md documents each one.
func TestEveryKeyCovered(t *testing.T) {
	for _, f := range glob(t, "testdata/valid/*.yaml", 5) {
		if _, err := parseFile(t, f); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := os.ReadFile("../docs/scenarios.md")
	if err != nil {
		t.Fatal(err)
	}
	seenMu.Lock()
	defer seenMu.Unlock()
	for _, sec := range allSections {
		for _, k := range sec.keys {
			if !seenKeys[sec.id+"."+k] {
				t.Errorf("no valid test file uses %s key %q", sec.id, k)
			}
			if !strings.Contains(string(doc), "`"+k+"`") {
				t.Errorf("docs/scenarios.md does not mention %s key `%s`", sec.id, k)
			}
		}
		for k := range sec.reserved {
			if !strings.Contains(string(doc), "`"+k+"`") {
				t.Errorf("docs/scenarios.md does not mention reserved key `%s`", k)
			}
		}
	}
	for kind := range FieldKinds {
		if !strings.Contains(string(doc), "`"+kind+"`") {
			t.Errorf("docs/scenarios.md does not mention field kind `%s`", kind)
		}
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"partitions", "replication_factor", "configs", "name", "create"}
	for in, want := range map[string]string{
		"partitons": "partitions", "partiitons": "partitions", "nmae": "name", "config": "configs",
		"Name": "name", "craete": "create", "zzz": "", "replication": "", "nam": "name", "na": "",
	} {
		if got := suggest(in, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPasswordNeverShown: a SASL password, written in the file or taken
// from the environment, appears in no message and in no printed form of
// the scenario.
func TestPasswordNeverShown(t *testing.T) {
	const pw = "s3cr3t-Pa55"
	env := func(name string) (string, bool) {
		if name == "PW" {
			return pw, true
		}
		return "", false
	}
	for _, src := range []string{
		`{name: x, cluster: {brokers: ["a:1"], sasl: {mechanism: "` + pw + `", username: u, password: ` + pw + `}}, data: {d: {size: 1}}, producers: [{topic: t, data: d, rate: 1/s}]}`,
		`{name: x, cluster: {brokers: ["a:1"], sasl: {mechanism: PLAIN, username: "` + pw + `", password: "${PW}"}}, data: {d: {size: 1}}, producers: [{topic: "` + pw + `x", data: "` + pw + `", rate: 1/s}]}`,
		`{name: x, cluster: {brokers: ["a:1"], client_id: "", sasl: {mechanism: PLAIN, username: u, password: "${PW}"}}, data: {d: {size: 1}}, producers: [{topic: t, data: d, rate: "` + pw + `"}]}`,
	} {
		_, err := Parse("p.yaml", []byte(src), env)
		if err == nil {
			t.Fatalf("%s: parsed", src)
		}
		if strings.Contains(err.Error(), pw) {
			t.Errorf("password in the message:\n%v", err)
		}
	}
	sc, err := Parse("p.yaml", []byte(`{name: x, cluster: {brokers: ["a:1"], sasl: {mechanism: plain, username: u, password: "${PW}"}}, data: {d: {size: 1}}, producers: [{topic: t, data: d, rate: 1/s}]}`), env)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Cluster.SASL == nil || sc.Cluster.SASL.Password != pw || sc.Cluster.SASL.Mechanism != SASLPlain {
		t.Fatalf("sasl not decoded: %v", sc.Cluster.SASL)
	}
	b, _ := json.Marshal(sc)
	for _, s := range []string{fmt.Sprintf("%v", *sc.Cluster.SASL), fmt.Sprintf("%+v", sc.Cluster.SASL),
		fmt.Sprintf("%#v", *sc.Cluster.SASL), fmt.Sprintf("%s", sc.Cluster.SASL), string(b)} {
		if strings.Contains(s, pw) {
			t.Errorf("password printed: %s", s)
		}
	}
}
