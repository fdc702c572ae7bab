package scenarios

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the expected errors of testdata/invalid")

func testEnv(name string) (string, bool) {
	switch name {
	case "KB_TEST_SET":
		return "from-env", true
	case "KB_TEST_SECRET":
		return "hunter2", true
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

func TestValidFiles(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/valid/*.yaml")
	if len(files) < 3 {
		t.Fatalf("found %d valid files", len(files))
	}
	for _, f := range files {
		sc, err := parseFile(t, f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if err := sc.Validate(); err != nil {
			t.Errorf("%s: Validate after Parse: %v", f, err)
		}
	}
}

// TestInvalidFiles compares each invalid file's errors with the .err file
// beside it (go test ./scenarios -update rewrites them after review).
func TestInvalidFiles(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) < 15 {
		t.Fatalf("found %d invalid files", len(files))
	}
	for _, f := range files {
		_, err := parseFile(t, f)
		if err == nil {
			t.Errorf("%s: parsed without error", f)
			continue
		}
		if _, ok := err.(ErrorList); !ok {
			t.Errorf("%s: error is %T, want ErrorList", f, err)
		}
		golden := strings.TrimSuffix(f, ".yaml") + ".err"
		got := strings.ReplaceAll(err.Error(), "testdata/", "") + "\n"
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, rerr := os.ReadFile(golden)
		if rerr != nil {
			t.Fatalf("%s: %v", f, rerr)
		}
		if got != string(want) {
			t.Errorf("%s:\n got: %s\nwant: %s", f, got, want)
		}
	}
}

func TestEveryKeyValues(t *testing.T) {
	t.Parallel()
	sc, err := parseFile(t, "testdata/valid/every-key.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "every-key" || sc.Seed != 7 || sc.Duration != time.Minute || sc.Warmup != 10*time.Second || sc.Drain != 20*time.Second {
		t.Errorf("top level: %+v", sc)
	}
	if got := sc.Cluster.Brokers; len(got) != 2 || got[0] != "localhost:9092" {
		t.Errorf("brokers %v (the env default applies)", got)
	}
	if sc.Cluster.ClientID != "bench" || sc.Cluster.DialTimeout != 5*time.Second {
		t.Errorf("cluster %+v", sc.Cluster)
	}
	orders := sc.TopicByName("orders")
	if orders == nil || orders.Partitions != 12 || orders.ReplicationFactor != 3 || orders.Configs["min.insync.replicas"] != "2" {
		t.Fatalf("topic %+v", orders)
	}
	if sc.TopicByName("existing").Create != CreateNever {
		t.Error("create: never lost")
	}
	d := sc.DataByName("order")
	if d == nil || d.Seed != 99 || len(d.Fields) != 11 || d.Fields[0].Name != "id" || d.Fields[0].Fake != "uuid" {
		t.Fatalf("data order: %+v", d)
	}
	byName := map[string]*Field{}
	for _, f := range d.Fields {
		byName[f.Name] = f
	}
	if f := byName["price"]; f.Min != 0.5 || f.Max != 99.5 || f.Decimals != 2 || f.NullRatio != 0.1 {
		t.Errorf("price %+v", f)
	}
	if f := byName["version"]; f.Value != "2" {
		t.Errorf("const number %q", f.Value)
	}
	if f := byName["label"]; f.Value != `"v2"` {
		t.Errorf("const string %q", f.Value)
	}
	if f := byName["customer"]; f.Fake != "object" || len(f.Fields) != 2 {
		t.Errorf("object %+v", f)
	}
	if f := byName["tags"]; f.Items == nil || f.Items.Fake != "word" || f.MinItems != 1 || f.MaxItems != 3 {
		t.Errorf("array %+v", f)
	}
	if k := d.Key; k.Field != "id" || k.Distribution != KeyZipf || k.Cardinality != 5000 || k.ZipfS != 1.3 {
		t.Errorf("key %+v", k)
	}
	blob := sc.DataByName("blob")
	if blob.Format != FormatBytes || blob.Size != (SizeDist{Kind: SizeUniform, Min: 100, Max: 4096}) {
		t.Errorf("blob %+v", blob.Size)
	}
	if len(sc.Producers) != 6 {
		t.Fatalf("%d producers", len(sc.Producers))
	}
	shop := sc.Producers[0]
	if shop.Instances != 2 || shop.Compression != "zstd" || shop.Linger != 5*time.Millisecond || shop.BatchSize != 512*1024 ||
		!shop.Idempotent || shop.MaxInFlight != 3 || shop.MaxBuffered != 20000 {
		t.Errorf("shop %+v", shop)
	}
	if r := shop.Rate; r.Profile != RateSteps || len(r.Steps) != 2 || r.Steps[1] != (Step{Rate: 2000, For: 10 * time.Second}) {
		t.Errorf("steps %+v", r)
	}
	if p := sc.Producers[1]; p.Acks != AcksLeader || p.Idempotent || p.Linger != DefaultLinger || p.Rate.Amplitude != 200 {
		t.Errorf("blobs %+v", p)
	}
	if r := sc.Producers[3].Rate; r.Profile != RateRamp || r.To != 50 || r.Over != 30*time.Second {
		t.Errorf("ramp (profile inferred, 3k/m = 50/s) %+v", r)
	}
	if sc.Producers[5].Rate.Profile != RateUnlimited {
		t.Error("unlimited lost")
	}
	c := sc.Consumers[0]
	if c.Group != "g1" || c.Instances != 3 || c.Isolation != ReadCommitted || c.FetchMaxWait != 50*time.Millisecond {
		t.Errorf("consumer %+v", c)
	}
	if c := sc.Consumers[1]; c.Name != "existing-readers" || c.Group != "kbench-every-key-existing-readers" {
		t.Errorf("consumer defaults %+v", c)
	}
	if len(sc.Gates) != 7 || sc.Gates[0].Threshold != 50e6 || sc.Gates[1].Threshold != 1.5e9 ||
		sc.Gates[2].Threshold != 1500 || sc.Gates[3].Threshold != 1e6 || sc.Gates[4].Threshold != 0.001 {
		t.Errorf("gates %+v", sc.Gates)
	}
	if sc.Report.Out != "out/" || sc.Report.Interval != 500*time.Millisecond || len(sc.Report.Formats) != 2 {
		t.Errorf("report %+v", sc.Report)
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	sc, err := parseFile(t, "testdata/valid/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "minimal" || sc.Duration != DefaultDuration || sc.Seed != 1 || sc.Drain != DefaultDrain {
		t.Errorf("%+v", sc)
	}
	if !sc.Cluster.Embedded() || sc.Cluster.ClientID != "kbench" {
		t.Errorf("cluster %+v", sc.Cluster)
	}
	// The undeclared topic is added for the embedded cluster.
	if tp := sc.TopicByName("t"); tp == nil || tp.Partitions != DefaultPartitions || tp.Create != CreateIfMissing {
		t.Errorf("topic %+v", tp)
	}
	p := sc.Producers[0]
	if p.Name != "t" || p.Instances != 1 || p.Acks != AcksAll || !p.Idempotent || p.Linger != DefaultLinger || p.Compression != "none" {
		t.Errorf("producer %+v", p)
	}
	if d := sc.Data[0]; d.Format != FormatJSON || d.Key.Distribution != KeyNone {
		t.Errorf("data %+v", d)
	}
	if sc.Report.Out != "results" || sc.Report.Formats[0] != "text" || sc.Report.Interval != time.Second {
		t.Errorf("report %+v", sc.Report)
	}
}

func TestAnchors(t *testing.T) {
	t.Parallel()
	sc, err := parseFile(t, "testdata/valid/anchors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Producers[1].Rate.Rate != 2000 {
		t.Fatalf("alias not resolved: %+v", sc.Producers[1].Rate)
	}
}

func TestInterpolation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want, err string
	}{
		{"plain", "plain", ""},
		{"${KB_TEST_SET}", "from-env", ""},
		{"a-${KB_TEST_SET}-b", "a-from-env-b", ""},
		{"${KB_TEST_UNSET:-fallback}", "fallback", ""},
		{"${KB_TEST_SET:-fallback}", "from-env", ""},
		{"${KB_TEST_UNSET:-}", "", ""},
		{"$${KB_TEST_SET}", "${KB_TEST_SET}", ""},
		{"${KB_TEST_UNSET}", "", "KB_TEST_UNSET is not set"},
		{"${KB TEST}", "", "bad variable reference"},
		{"${KB_TEST_SET", "", "unterminated"},
	}
	for _, c := range cases {
		src := "name: x\ncluster: { client_id: \"" + c.in + "\" }\ndata: { d: { fields: { id: uuid } } }\nproducers: [{ topic: t, data: d, rate: 1/s }]\n"
		sc, err := Parse("f.yaml", []byte(src), testEnv)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		want := c.want
		if want == "" {
			want = "kbench" // empty means the default
		}
		if sc.Cluster.ClientID != want {
			t.Errorf("%q: got %q, want %q", c.in, sc.Cluster.ClientID, want)
		}
	}
}

// TestErrorsNeverShowSecrets: a bad value that came from the environment is
// reported as written in the file, not as the variable's value.
func TestErrorsNeverShowSecrets(t *testing.T) {
	t.Parallel()
	src := "name: x\nduration: \"${KB_TEST_SECRET}\"\n"
	_, err := Parse("f.yaml", []byte(src), testEnv)
	if err == nil {
		t.Fatal("a duration of hunter2 must fail")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("the error shows the secret: %v", err)
	}
}

func TestValidateGoBuilt(t *testing.T) {
	t.Parallel()
	sc := &Scenario{
		Data:      []*Data{{Name: "d", Fields: []*Field{{Name: "n", Fake: "int", Min: 5, Max: 1, HasMin: true, HasMax: true}}}},
		Producers: []Producer{{Topic: "t", Data: "x", Rate: Rate{Profile: RateConstant, Rate: 1}}},
	}
	err := sc.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{`producers[0].data: unknown data set "x"`, "data.d.fields.n: min 5 is larger than max 1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestParseRate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want float64
		err  string
	}{
		{"5000/s", 5000, ""}, {"300k/m", 5000, ""}, {"1.5M/h", 1.5e6 / 3600, ""}, {"2G/s", 2e9, ""},
		{"10/sec", 10, ""}, {"60/min", 1, ""}, {" 7/s ", 7, ""}, {"0/s", 0, ""},
		{"2000", 0, "no unit: write 2000/s"}, {"5000/d", 0, "unknown unit"}, {"-1/s", 0, "negative"},
		{"x/s", 0, "bad rate"}, {"5q/s", 0, "unknown suffix"}, {"", 0, "bad rate"}, {"NaN/s", 0, "bad rate"},
	}
	for _, c := range cases {
		got, err := ParseRate(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseRate(%q) err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want int
		ok   bool
	}{
		{"100", 100, true}, {"100B", 100, true}, {"1KB", 1000, true}, {"1kB", 1000, true}, {"1KiB", 1024, true},
		{"4MiB", 4 << 20, true}, {"1MB", 1e6, true}, {"1GiB", 1 << 30, true}, {"0", 0, true},
		{"1.5KiB", 1536, true}, {"1.5B", 0, false}, {"-1B", 0, false}, {"2GiB", 0, false}, {"1XB", 0, false}, {"KiB", 0, false},
	}
	for _, c := range cases {
		got, err := ParseSize(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	if d, err := ParseDuration("1m30s"); err != nil || d != 90*time.Second {
		t.Errorf("1m30s: %v %v", d, err)
	}
	for _, bad := range []string{"10", "-1s", "soon", ""} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) accepted", bad)
		}
	}
}

func TestParseGate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in        string
		metric    string
		op        Op
		threshold float64
		err       string
	}{
		{"e2e.p99 < 50ms", "e2e.p99", OpLT, 50e6, ""},
		{"e2e.p99<50ms", "e2e.p99", OpLT, 50e6, ""},
		{"produce.raw.max <= 800µs", "produce.raw.max", OpLE, 800e3, ""},
		{"produce.rate >= 45000/s", "produce.rate", OpGE, 45000, ""},
		{"consume.throughput > 10MB/s", "consume.throughput", OpGT, 10e6, ""},
		{"consume.throughput > 1KiB/s", "consume.throughput", OpGT, 1024, ""},
		{"produce.errors == 0", "produce.errors", OpEQ, 0, ""},
		{"consume.records != 10k", "consume.records", OpNE, 1e4, ""},
		{"produce.error_rate < 1%", "produce.error_rate", OpLT, 0.01, ""},
		{"produce.error_rate < 0.02", "produce.error_rate", OpLT, 0.02, ""},
		{"e2e.p99", "", "", 0, "no comparison"},
		{"e2e.p99 =< 5ms", "", "", 0, "unknown comparison"},
		{"e2e.p99 <", "", "", 0, "no value"},
		{"bogus.metric < 5", "", "", 0, `unknown metric "bogus.metric"`},
		{"produce.errors == 5ms", "", "", 0, "needs a count"},
		{"produce.throughput > 5/s", "", "", 0, "needs a byte rate"},
	}
	for _, c := range cases {
		g, err := ParseGate(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseGate(%q) err = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || g.Metric != c.metric || g.Op != c.op || g.Threshold != c.threshold {
			t.Errorf("ParseGate(%q) = %+v, %v", c.in, g, err)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	keys := []string{"partitions", "replication_factor", "configs", "name"}
	for in, want := range map[string]string{"partitons": "partitions", "nmae": "name", "config": "configs", "zzz": ""} {
		if got := suggest(in, keys); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, _ := filepath.Glob(dir + "/*.yaml")
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		sc, err := Parse("fuzz.yaml", src, testEnv)
		if err != nil {
			if _, ok := err.(ErrorList); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if err := sc.Validate(); err != nil {
			t.Fatalf("Parse accepted a scenario Validate rejects: %v", err)
		}
	})
}

func FuzzParseGate(f *testing.F) {
	for _, s := range []string{"e2e.p99 < 50ms", "produce.rate >= 1k/s", "produce.error_rate < 1%", "consume.throughput > 1MB/s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGate(s)
		if err != nil {
			return
		}
		if _, ok := Metrics[g.Metric]; !ok {
			t.Fatalf("accepted unknown metric %q", g.Metric)
		}
	})
}
