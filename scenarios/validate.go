package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
)

// Limits of settings.
const (
	maxPartitions  = 100_000
	maxInstances   = 1024
	maxCardinality = 100_000_000
	maxArrayItems  = 1 << 16 // the generators' limit
	maxValueSize   = 1 << 30 // the generators' limit
	minInterval    = 100 * time.Millisecond
)

// compressions are the producer compression codecs.
var compressions = []string{"none", "gzip", "snappy", "lz4", "zstd"}

// reportFormats are the report formats of this version; plannedFormats
// are rejected as not supported yet (none at present).
var (
	reportFormats  = []string{"text", "json", "markdown", "junit", "html"}
	plannedFormats []string
)

// timeFormats are the formats of timestamp and date fields.
var timeFormats = []string{"rfc3339", "rfc3339nano", "unix", "unix_ms"}

// choose is the hint for a value that is not one of options: the closest
// option, or the list of them.
func choose(key, value string, options ...string) string {
	if s := suggest(value, options); s != "" {
		return fmt.Sprintf("did you mean %q?", s)
	}
	return key + ": " + strings.Join(options, ", ")
}

// checker collects the problems found by validate. deps are stamped on
// each problem (see Error).
type checker struct {
	errs []*Error
	deps []string
}

func (c *checker) add(path, hint, format string, args ...any) {
	c.errs = append(c.errs, &Error{Path: path, Msg: fmt.Sprintf(format, args...), Hint: hint, deps: c.deps})
}

// needs sets the dependencies of the problems that follow.
func (c *checker) needs(deps ...string) {
	c.deps = deps
}

// validate checks a scenario whose defaults are applied. Every problem
// names its setting by path; values shown in messages are quoted (%q), so
// Parse can replace values that came from the environment.
func validate(s *Scenario) []*Error {
	var c checker
	c.needs()
	if s.Duration <= 0 {
		c.add("duration", "", "duration must be positive")
	}
	c.needs("duration")
	if s.Warmup < 0 {
		c.add("warmup", "", "warmup must not be negative")
	} else if s.Warmup >= s.Duration && s.Duration > 0 {
		c.add("warmup", "the warmup is the first part of the duration: make it shorter, or the duration longer",
			"warmup %q must be shorter than duration %q", s.Warmup.String(), s.Duration.String())
	}
	c.needs()
	if s.Drain < 0 {
		c.add("drain", "", "drain must not be negative")
	}
	c.cluster(&s.Cluster)
	c.topics(s.Topics)

	dataNames := make([]string, 0, len(s.Data))
	for i, d := range s.Data {
		if d == nil {
			c.needs()
			c.add(indexPath("data", i), "", "data set %d is nil", i)
			continue
		}
		p := joinPath("data", d.Name)
		c.needs()
		if d.Name == "" {
			c.add(p, "", "a data set needs a name")
		} else if slices.Contains(dataNames, d.Name) {
			c.add(p, "give each data set its own name", "data set %q is declared twice", d.Name)
		}
		dataNames = append(dataNames, d.Name)
		c.data(d, p)
	}
	sort.Strings(dataNames)

	c.producers(s, dataNames)
	c.consumers(s.Consumers)
	c.pipeline(s)
	c.schemaUse(s)
	c.needs("producers", "consumers")
	if len(s.Producers) == 0 && len(s.Consumers) == 0 {
		c.add("", "add a producer, e.g. { topic: orders, data: order, rate: 1000/s } (see examples/quickstart.yaml)",
			"the scenario has no producers and no consumers: there is nothing to run")
	}
	c.gates(s.Gates)
	c.report(&s.Report)
	return c.errs
}

func (c *checker) cluster(cl *Cluster) {
	c.needs()
	for i, b := range cl.Brokers {
		p := indexPath("cluster.brokers", i)
		switch {
		case strings.Contains(b, "://"):
			c.add(p, "write host:port, e.g. localhost:9092", "broker %q has a URL scheme", b)
		case strings.ContainsAny(b, " \t\n"):
			c.add(p, "write host:port, e.g. localhost:9092", "broker %q contains a space", b)
		}
	}
	if cl.ClientID == "" {
		c.add("cluster.client_id", "", "client_id must not be empty")
	}
	for _, t := range []struct {
		key string
		d   time.Duration
	}{{"dial_timeout", cl.DialTimeout}, {"request_timeout_overhead", cl.RequestTimeoutOverhead}, {"metadata_max_age", cl.MetadataMaxAge}} {
		if t.d <= 0 {
			c.add("cluster."+t.key, "", "%s must be positive", t.key)
		}
	}
	c.needs()
	switch cl.Kind {
	case ClusterAuto, ClusterEmbedded, ClusterExternal, ClusterLocalKafka:
	default:
		c.add("cluster.kind", "kinds: embedded (in-process), external (your brokers), local-kafka (kbench starts Apache Kafka)",
			"unknown cluster kind %q%s", string(cl.Kind), didYouMean(string(cl.Kind), []string{"embedded", "external", "local-kafka"}))
		return
	}
	c.needs("cluster.kind")
	local := cl.Kind == ClusterLocalKafka
	if len(cl.Brokers) > 0 && (local || cl.Kind == ClusterEmbedded) {
		c.add("cluster.brokers", "leave out brokers, or use kind: external",
			"cluster.kind %s starts its own cluster: brokers must not be given", cl.Kind)
	}
	if !local {
		for _, k := range []struct {
			key string
			set bool
		}{{"nodes", cl.Nodes != 0}, {"runtime", cl.Runtime != ""}, {"version", cl.KafkaVersion != ""}} {
			if k.set {
				c.add("cluster."+k.key, "add kind: local-kafka to have kbench start a real Kafka cluster",
					"%s applies only to kind: local-kafka", k.key)
			}
		}
	} else {
		if cl.Nodes < 1 || cl.Nodes > MaxLocalNodes {
			c.add("cluster.nodes", "", "nodes must be from 1 to %d", MaxLocalNodes)
		}
		if cl.Runtime != RuntimeProcess && cl.Runtime != RuntimeDocker {
			c.add("cluster.runtime", "runtimes: process (Java and Maven), docker",
				"unknown runtime %q%s", cl.Runtime, didYouMean(cl.Runtime, []string{RuntimeProcess, RuntimeDocker}))
		}
		if strings.ContainsAny(cl.KafkaVersion, " /\\\"'<>&") {
			c.add("cluster.version", "e.g. 4.4.0", "version %q is not a Kafka version", cl.KafkaVersion)
		}
	}
	c.needs("cluster.kind", "cluster.brokers", "cluster.brokers[]")
	if (cl.TLS != nil || cl.SASL != nil) && (local || cl.Embedded()) {
		const started = "for a TLS/SASL cluster on this machine, start one with `kbench cluster up --tls --sasl SCRAM-SHA-512` " +
			"(or containers.StartKafka in Go) and use kind: external with its brokers"
		switch {
		case local:
			c.add(clusterSecurityPath(cl), started,
				"tls and sasl do not apply to kind: local-kafka: the cluster kbench starts for a scenario is plaintext")
		case cl.Kind == ClusterEmbedded:
			c.add(clusterSecurityPath(cl), started,
				"tls and sasl do not apply to kind: embedded: the in-process cluster is plaintext")
		default:
			c.add(clusterSecurityPath(cl), "add brokers, or write kind: external to give them with --brokers or KBENCH_BROKERS",
				"tls and sasl apply to external clusters, and without brokers the scenario runs on the embedded cluster")
		}
	} else {
		c.tls(cl.TLS)
		c.sasl(cl.SASL)
	}
}

func clusterSecurityPath(cl *Cluster) string {
	if cl.TLS != nil {
		return "cluster.tls"
	}
	return "cluster.sasl"
}

// didYouMean is ` (did you mean "x"?)` for the closest of known, or "".
func didYouMean(s string, known []string) string {
	if m := suggest(s, known); m != "" {
		return fmt.Sprintf(" (did you mean %q?)", m)
	}
	return ""
}

func (c *checker) tls(t *TLS) {
	if t == nil {
		return
	}
	c.needs()
	switch {
	case t.CertFile != "" && t.KeyFile == "":
		c.add("cluster.tls.cert_file", "add key_file: the PEM file of the client certificate's private key",
			"cert_file needs key_file")
	case t.KeyFile != "" && t.CertFile == "":
		c.add("cluster.tls.key_file", "add cert_file: the PEM file of the client certificate",
			"key_file needs cert_file")
	}
	for _, f := range []struct{ key, path string }{{"ca_file", t.CAFile}, {"cert_file", t.CertFile}, {"key_file", t.KeyFile}} {
		if f.path != "" {
			c.readable("cluster.tls."+f.key, f.key, f.path)
		}
	}
}

// readable checks that file, the value of the setting at path (whose key
// is key), can be opened for reading. Its contents are checked when a run
// loads it.
func (c *checker) readable(path, key, file string) {
	f, err := os.Open(file)
	if err != nil {
		hint := "paths in a scenario file are relative to its folder"
		if errors.Is(err, fs.ErrPermission) {
			hint = "make the file readable by the user running kbench"
		}
		c.add(path, hint, "cannot read %s %q: %s", key, file, fileProblem(err))
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		c.add(path, "give the path of a PEM file", "%s %q is a folder, not a file", key, file)
	}
}

func fileProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	}
	return err.Error()
}

func (c *checker) sasl(s *SASL) {
	if s == nil {
		return
	}
	c.needs()
	mechs := []string{SASLPlain, SASLScramSHA256, SASLScramSHA512}
	if m := strings.ToUpper(s.Mechanism); slices.Contains(mechs, m) {
		s.Mechanism = m
	} else if s.Mechanism == "" {
		c.add("cluster.sasl.mechanism", "mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", "sasl needs a mechanism")
	} else {
		c.add("cluster.sasl.mechanism", "mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512",
			"unknown SASL mechanism %q%s", s.Mechanism, didYouMean(strings.ToUpper(s.Mechanism), mechs))
	}
	if s.Username == "" {
		c.add("cluster.sasl.username", "", "sasl needs a username")
	}
	if s.Password == "" {
		c.add("cluster.sasl.password", `write password: "${KAFKA_PASSWORD}" and set the variable`, "sasl needs a password")
	}
}

func (c *checker) topics(ts []Topic) {
	var names []string
	for i, t := range ts {
		p := indexPath("topics", i)
		c.needs()
		switch {
		case t.Name == "":
			c.add(p+".name", "add `name: <topic>`", "a topic needs a name")
		case slices.Contains(names, t.Name):
			c.add(p+".name", "list each topic once", "topic %q is declared twice", t.Name)
		}
		names = append(names, t.Name)
		if t.Partitions < 1 || t.Partitions > maxPartitions {
			c.add(p+".partitions", "", "partitions must be from 1 to %d", maxPartitions)
		}
		if t.ReplicationFactor < -1 || t.ReplicationFactor == 0 {
			c.add(p+".replication_factor", "use -1 for the broker's default", "replication_factor must be -1 or at least 1")
		}
		if t.Create != CreateIfMissing && t.Create != CreateNever {
			c.add(p+".create", choose("create", string(t.Create), "if-missing", "never"), "unknown create mode %q", string(t.Create))
		}
		for k := range t.Configs {
			if strings.TrimSpace(k) == "" {
				c.add(p+".configs", "", "a topic config has an empty name")
			}
		}
	}
}

func (c *checker) data(d *Data, p string) {
	if d.Schema != nil || d.Format == FormatAvro || d.Format == FormatProtobuf {
		c.schemaData(d, p)
		c.key(d, p+".key")
		return
	}
	if d.Message != "" {
		c.add(p+".message", "message names the Protobuf message of a schema: use format: protobuf with schema:",
			"message applies only to format: protobuf")
	}
	if d.Hints != nil {
		c.add(p+".hints", "hints choose generators for a schema's fields; a json data set's fields take fake: instead",
			"hints apply only to a data set with a schema")
	}
	switch d.Format {
	case FormatJSON:
		if len(d.Fields) == 0 {
			c.add(p+".fields", "add fields, e.g. `fields: { id: uuid }`, or use format: bytes with a size",
				"a json data set needs fields")
		}
		if d.Size != (SizeDist{}) {
			c.add(p+".size", "size applies to format: bytes; a json value's size follows from its fields",
				"size does not apply to format json")
		}
		c.fields(d.Fields, p+".fields", 0)
	case FormatBytes:
		if len(d.Fields) > 0 {
			c.add(p+".fields", "use format: json for fields", "fields do not apply to format bytes")
		}
		c.size(d.Size, p+".size")
	default:
		c.add(p+".format", choose("format", string(d.Format), "json", "bytes", "avro", "protobuf"), "unknown format %q (want json, bytes, avro or protobuf)", string(d.Format))
	}
	c.key(d, p+".key")
}

func (c *checker) size(sd SizeDist, p string) {
	if sd.Min < 0 || sd.Max < 0 || sd.Fixed < 0 || sd.Mean < 0 || sd.Stddev < 0 {
		c.add(p, "", "sizes must not be negative")
		return
	}
	need := func(key string, ok bool) {
		if !ok {
			c.add(p+"."+key, "", "size distribution %s needs %s", sd.Kind, key)
		}
	}
	notFor := func(key string, v int) {
		if v != 0 {
			c.add(p+"."+key, "", "%s does not apply to size distribution %s", key, sd.Kind)
		}
	}
	switch sd.Kind {
	case SizeFixed:
		notFor("min", sd.Min)
		notFor("max", sd.Max)
		notFor("mean", sd.Mean)
		notFor("stddev", sd.Stddev)
	case SizeUniform:
		need("max", sd.Max > 0)
		notFor("size", sd.Fixed)
		notFor("mean", sd.Mean)
		notFor("stddev", sd.Stddev)
	case SizeNormal:
		need("mean", sd.Mean > 0)
		need("stddev", sd.Stddev > 0)
		notFor("size", sd.Fixed)
	case SizeExponential:
		need("mean", sd.Mean > 0)
		notFor("size", sd.Fixed)
		notFor("stddev", sd.Stddev)
	default:
		c.add(p+".distribution", choose("distribution", string(sd.Kind), "fixed", "uniform", "normal", "exponential"),
			"unknown size distribution %q", string(sd.Kind))
		return
	}
	if sd.Max > 0 && sd.Min > sd.Max {
		c.add(p+".min", "", "size min (%d bytes) is larger than max (%d bytes)", sd.Min, sd.Max)
	}
	if (sd.Kind == SizeNormal || sd.Kind == SizeExponential) && sd.Mean > sd.Max && sd.Max > 0 {
		c.add(p+".mean", "raise max (the default is 1MiB)",
			"size mean (%d bytes) is larger than max (%d bytes)", sd.Mean, sd.Max)
	}
	if max(sd.Fixed, sd.Max) > maxValueSize {
		c.add(p, "", "values are at most 1GiB")
	}
}

func (c *checker) key(d *Data, p string) {
	k := d.Key
	switch k.Distribution {
	case KeyNone, KeyUniform, KeyZipf, KeySequential, KeyHotSet:
	default:
		c.add(p+".distribution", choose("distribution", string(k.Distribution), "none", "uniform", "zipf", "sequential", "hot-set"),
			"unknown key distribution %q", string(k.Distribution))
	}
	if k.Cardinality < 1 || k.Cardinality > maxCardinality {
		c.add(p+".cardinality", "", "cardinality must be from 1 to %d", maxCardinality)
	}
	if !(k.ZipfS > 1) || math.IsInf(k.ZipfS, 0) {
		c.add(p+".zipf_s", "", "zipf_s must be a number greater than 1")
	}
	if !(k.HotKeys > 0 && k.HotKeys < 1) {
		c.add(p+".hot_keys", "", "hot_keys must be between 0 and 1")
	}
	if !(k.HotTraffic > 0 && k.HotTraffic < 1) {
		c.add(p+".hot_traffic", "", "hot_traffic must be between 0 and 1")
	}
	if k.Field == "" {
		return
	}
	if k.Distribution == KeyNone {
		c.add(p+".field", "pick a distribution: uniform, zipf, sequential or hot-set",
			"key field %q is set but the key distribution is none", k.Field)
		return
	}
	if d.Format != FormatJSON {
		c.add(p+".field", "only json data sets have fields", "key field %q: format %s has no fields", k.Field, string(d.Format))
		return
	}
	f, why := findField(d.Fields, k.Field)
	if f == nil {
		var names []string
		for _, f := range d.Fields {
			if f != nil {
				names = append(names, f.Name)
			}
		}
		hint := "fields: " + strings.Join(names, ", ")
		if s := suggest(k.Field, names); s != "" {
			hint = fmt.Sprintf("did you mean %q?", s)
		}
		if why != "" {
			hint = why
		}
		c.add(p+".field", hint, "key field %q is not a field of data set %q", k.Field, d.Name)
		return
	}
	switch f.Fake {
	case "object", "array":
		c.add(p+".field", "pick a field holding a single value", "key field %q is an %s", k.Field, f.Fake)
	case "timestamp":
		c.add(p+".field", "use a date, sequence or other field: keys must repeat", "key field %q is a timestamp (the current time)", k.Field)
	}
}

// findField finds the field at path (a name, or names of nested objects
// joined by dots).
func findField(fs []*Field, path string) (*Field, string) {
	head, rest, nested := strings.Cut(path, ".")
	for _, f := range fs {
		if f == nil || f.Name != head {
			continue
		}
		if !nested {
			return f, ""
		}
		if f.Fake == "array" {
			return nil, fmt.Sprintf("%q is an array: a key field cannot be inside one", head)
		}
		return findField(f.Fields, rest)
	}
	return nil, ""
}

func (c *checker) fields(fs []*Field, p string, depth int) {
	if depth > maxFieldDepth {
		c.add(p, "", "fields are nested more than %d levels deep", maxFieldDepth)
		return
	}
	var names []string
	for i, f := range fs {
		if f == nil {
			c.add(p, "", "field %d is nil", i)
			continue
		}
		fp := joinPath(p, f.Name)
		switch {
		case f.Name == "":
			c.add(fp, "", "field %d has no name", i)
		case slices.Contains(names, f.Name):
			c.add(fp, "", "field %q is declared twice", f.Name)
		}
		names = append(names, f.Name)
		c.field(f, fp, depth)
	}
}

// fieldKindNames are the built-in field kinds, sorted.
var fieldKindNames = mapKeys(FieldKinds)

// fakeFuncProblem says why name cannot be used as a gofakeit function
// ("" when it can); known is false when gofakeit has no such function.
func fakeFuncProblem(name string) (problem string, known bool) {
	info := gofakeit.GetFuncLookup(name)
	if info == nil || info.Generate == nil {
		return "", false
	}
	for _, p := range info.Params {
		if p.Default == "" && !p.Optional {
			return fmt.Sprintf("gofakeit function %q needs parameter %q, which kbench cannot pass", name, p.Field), true
		}
	}
	return "", true
}

func isFakeFunc(name string) bool {
	if name == "" {
		return false
	}
	_, known := fakeFuncProblem(name)
	return known
}

func (c *checker) field(f *Field, fp string, depth int) {
	opts, builtin := FieldKinds[f.Fake]
	switch {
	case builtin:
	case f.Fake == "":
		c.add(fp, `e.g. "id: uuid" or "qty: { fake: int, min: 1, max: 9 }"`, "field %q has no generator (fake:)", f.Name)
		return
	default:
		problem, known := fakeFuncProblem(f.Fake)
		if !known {
			hint := "see the field kinds in docs/scenarios.md; gofakeit function names (e.g. hexcolor) work too"
			if s := suggest(f.Fake, fieldKindNames); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			c.add(fp+".fake", hint, "unknown generator fake: %q", f.Fake)
			return
		}
		if problem != "" {
			c.add(fp+".fake", "use a built-in kind or another gofakeit function", "%s", problem)
			return
		}
	}
	if !(f.NullRatio >= 0 && f.NullRatio <= 1) {
		c.add(fp+".null_ratio", "", "null_ratio must be from 0 to 1")
	}
	// Options set that the generator does not take (scenarios built in
	// Go; Parse reports them where they are written).
	set := map[string]bool{
		"min": f.HasMin || f.Min != 0, "max": f.HasMax || f.Max != 0,
		"values": len(f.Values) > 0, "weights": len(f.Weights) > 0, "value": f.Value != "",
		"format": f.Format != "", "decimals": f.Decimals != -1, "words": f.Words != 0,
		"fields": len(f.Fields) > 0, "items": f.Items != nil,
		"min_items": f.MinItems != 0, "max_items": f.MaxItems != 0,
	}
	for _, o := range fieldOptions {
		if set[o] && !slices.Contains(opts, o) {
			c.add(fp+"."+o, "", "option %s does not apply to fake: %s", o, f.Fake)
		}
	}
	switch f.Fake {
	case "int", "float", "price":
		switch {
		case math.IsNaN(f.Min) || math.IsNaN(f.Max) || math.IsInf(f.Min, 0) || math.IsInf(f.Max, 0):
			c.add(fp, "", "min and max must be finite numbers")
		case f.Min > f.Max:
			c.add(fp+".min", "", "min (%g) is larger than max (%g)", f.Min, f.Max)
		case f.Fake == "int" && math.Ceil(f.Min) > math.Floor(f.Max):
			c.add(fp+".min", "", "no whole number lies between min (%g) and max (%g)", f.Min, f.Max)
		case f.Fake == "int" && (f.Min < -(1<<63) || f.Max >= 1<<63):
			c.add(fp, "", "min and max of an int must fit in 64 bits")
		}
		if f.Fake == "float" && (f.Decimals < -1 || f.Decimals > 15) {
			c.add(fp+".decimals", "", "decimals must be from 0 to 15")
		}
	case "sentence":
		if f.Words < 1 || f.Words > 1000 {
			c.add(fp+".words", "", "words must be from 1 to 1000")
		}
	case "enum":
		if len(f.Values) == 0 {
			c.add(fp+".values", "e.g. values: [new, paid, shipped]", "enum needs values")
		}
		if len(f.Weights) > 0 {
			if len(f.Weights) != len(f.Values) {
				c.add(fp+".weights", "give one weight per value", "enum has %d values but %d weights", len(f.Values), len(f.Weights))
			}
			sum := 0.0
			for _, w := range f.Weights {
				if !(w >= 0) || math.IsInf(w, 0) {
					c.add(fp+".weights", "", "enum weights must be finite numbers of at least 0")
					break
				}
				sum += w
			}
			if !(sum > 0) {
				c.add(fp+".weights", "", "enum weights must add up to more than 0")
			}
		}
	case "const":
		if f.Value == "" {
			c.add(fp+".value", "e.g. value: 42", "const needs a value")
		} else if !json.Valid([]byte(f.Value)) {
			c.add(fp+".value", `strings are quoted JSON: "\"text\""`, "const value %q is not a JSON literal", f.Value)
		}
	case "timestamp", "date":
		if !slices.Contains(timeFormats, f.Format) {
			c.add(fp+".format", choose("format", f.Format, timeFormats...), "unknown time format %q", f.Format)
		}
	case "object":
		if len(f.Fields) == 0 {
			c.add(fp+".fields", "", "an object needs fields")
		}
		c.fields(f.Fields, fp+".fields", depth+1)
	case "array":
		if f.Items == nil {
			c.add(fp+".items", "e.g. items: { fake: int }", "an array needs items")
		} else if depth+1 > maxFieldDepth {
			c.add(fp, "", "fields are nested more than %d levels deep", maxFieldDepth)
		} else {
			c.field(f.Items, fp+".items", depth+1)
		}
		if f.MinItems < 0 || f.MaxItems > maxArrayItems || f.MinItems > f.MaxItems {
			c.add(fp+".min_items", "", "min_items (%d) and max_items (%d) must satisfy 0 <= min_items <= max_items <= %d",
				f.MinItems, f.MaxItems, maxArrayItems)
		}
	}
}

func (c *checker) producers(s *Scenario, dataNames []string) {
	var names []string
	for i := range s.Producers {
		pr := &s.Producers[i]
		p := indexPath("producers", i)
		c.needs()
		if slices.Contains(names, pr.Name) {
			c.add(p+".name", "give each producer its own name", "producer name %q is used twice", pr.Name)
		}
		names = append(names, pr.Name)
		if pr.Topic == "" {
			c.add(p+".topic", "add `topic: <name>`", "a producer needs a topic")
		}
		c.needs("data")
		if pr.Data == "" {
			c.add(p+".data", "add `data: <name>` naming an entry of data:", "a producer needs data")
		} else if !slices.Contains(dataNames, pr.Data) {
			hint := "data sets: " + strings.Join(dataNames, ", ")
			if len(dataNames) == 0 {
				hint = "declare it under data:"
			}
			if s := suggest(pr.Data, dataNames); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			c.add(p+".data", hint, "unknown data set %q", pr.Data)
		}
		c.needs()
		if pr.Instances < 1 || pr.Instances > maxInstances {
			c.add(p+".instances", "", "instances must be from 1 to %d", maxInstances)
		}
		c.needs("duration")
		c.rate(pr.Rate, p+".rate", s.Duration)
		c.needs()
		switch pr.Acks {
		case AcksAll, AcksLeader, AcksNone:
		default:
			hint := "acks: all (or -1), leader (or 1), none (or 0)"
			if s := suggest(string(pr.Acks), []string{"all", "leader", "none"}); s != "" {
				hint = fmt.Sprintf("did you mean %q?", s)
			}
			c.add(p+".acks", hint, "unknown acks %q", string(pr.Acks))
		}
		if !slices.Contains(compressions, pr.Compression) {
			c.add(p+".compression", choose("compression", pr.Compression, compressions...), "unknown compression %q", pr.Compression)
		}
		if pr.Idempotent && (pr.Acks == AcksLeader || pr.Acks == AcksNone) {
			c.add(p+".idempotent", "set acks: all, or idempotent: false",
				"an idempotent producer needs acks: all, not %q", string(pr.Acks))
		}
		if pr.Linger < 0 {
			c.add(p+".linger", "", "linger must not be negative")
		}
		if pr.BatchSize < 0 || pr.BatchSize > maxSize {
			c.add(p+".batch_size", "", "batch_size must be from 0 (franz-go's default) to 2GiB-1")
		}
		if pr.MaxInFlight < 0 {
			c.add(p+".max_in_flight", "", "max_in_flight must not be negative")
		} else if pr.MaxInFlight > 0 && pr.Idempotent {
			c.add(p+".max_in_flight", "an idempotent producer always allows 5 requests in flight; set idempotent: false to choose",
				"max_in_flight applies only to a producer with idempotent: false")
		}
		if pr.MaxBuffered < 0 {
			c.add(p+".max_buffered", "", "max_buffered must not be negative")
		}
		if t := pr.Transactions; t != nil {
			c.transactions(pr, t, p+".transactions")
			for j := range i {
				if o := s.Producers[j].Transactions; o != nil && o.ID == t.ID {
					c.add(p+".transactions.transactional_id", "give each transactional producer its own transactional_id",
						"producers %q and %q share transactional_id %q: they would fence each other", s.Producers[j].Name, pr.Name, t.ID)
				}
			}
		}
	}
}

func (c *checker) transactions(pr *Producer, t *Transactions, p string) {
	c.needs()
	if pr.Acks != AcksAll {
		c.add(p, "set acks: all", "a transactional producer needs acks: all, not %q", string(pr.Acks))
	} else if !pr.Idempotent {
		c.add(p, "remove idempotent: false (transactions are built on the idempotent producer)",
			"a transactional producer is idempotent")
	}
	if pr.MaxInFlight > 0 {
		c.add(p, "remove max_in_flight", "max_in_flight does not apply to a transactional producer")
	}
	if t.RecordsPerTxn < 1 || t.RecordsPerTxn > maxRecordsPerTxn {
		c.add(p+".records_per_txn", "", "records_per_txn must be from 1 to %d", maxRecordsPerTxn)
	}
	if t.AbortRatio < 0 || t.AbortRatio > 1 || t.AbortRatio != t.AbortRatio {
		c.add(p+".abort_ratio", "e.g. abort_ratio: 0.05 aborts one transaction in twenty", "abort_ratio must be from 0 to 1")
	}
	if strings.TrimSpace(t.ID) == "" {
		c.add(p+".transactional_id", "", "transactional_id must not be empty")
	}
	if t.Timeout != 0 && t.Timeout < time.Second {
		c.add(p+".timeout", "", "timeout must be at least 1s")
	}
}

func (c *checker) pipeline(s *Scenario) {
	pl := s.Pipeline
	if pl == nil {
		return
	}
	c.needs()
	if pl.Input == "" {
		c.add("pipeline.input", "add `input: <topic>`: the topic kbench's producers write and the pipeline reads",
			"a pipeline needs an input topic")
	}
	if pl.Output == "" {
		c.add("pipeline.output", "add `output: <topic>`: the topic the pipeline writes and kbench reads",
			"a pipeline needs an output topic")
	}
	if pl.Input != "" && pl.Input == pl.Output {
		c.add("pipeline.output", "a pipeline reads one topic and writes another", "the pipeline's output is its input (%q)", pl.Input)
	}
	known := make([]string, len(Guarantees))
	for i, g := range Guarantees {
		known[i] = string(g)
	}
	if !slices.Contains(Guarantees, pl.Expect) {
		c.add("pipeline.expect", choose("expect", string(pl.Expect), known...), "unknown guarantee %q (want %s)",
			string(pl.Expect), strings.Join(known, ", "))
	}
	if pl.Drain < 0 {
		c.add("pipeline.drain", "", "drain must not be negative")
	}
	if pl.Input == "" {
		return
	}
	c.needs("producers")
	writers := 0
	for i := range s.Producers {
		pr := &s.Producers[i]
		if pr.Topic != pl.Input {
			continue
		}
		writers++
		if len(pl.Match.JSONPath) == 0 {
			continue
		}
		d := s.DataByName(pr.Data)
		if d == nil {
			continue
		}
		pp := indexPath("producers", i)
		if d.Format != FormatJSON || d.Schema != nil {
			what := string(d.Format)
			if d.Schema != nil {
				what += " (wire-format, with a schema)"
			}
			c.add("pipeline.match", "use match: header, or JSON data built from fields",
				"match %s needs plain JSON values, but producer %q writes %s data %q", pl.Match, pr.Name, what, d.Name)
			continue
		}
		for _, f := range d.Fields {
			if f.Name == pl.Match.JSONPath[0] {
				c.add("pipeline.match", fmt.Sprintf("kbench writes the record identity at $.%s; rename the field or choose another path", f.Name),
					"data set %q (of %s) already has a field %q", d.Name, pp, f.Name)
			}
		}
	}
	if writers == 0 {
		c.add("pipeline.input", "add a producer with topic: "+pl.Input, "no producer writes the pipeline's input topic %q", pl.Input)
	}
	if pl.Ordered {
		for _, pr := range s.Producers {
			if d := s.DataByName(pr.Data); pr.Topic == pl.Input && d != nil && d.Key.Distribution == KeyNone {
				c.add("pipeline.ordered", "give data set "+strconv.Quote(d.Name)+" keys (key: { distribution: uniform, cardinality: 1000 })",
					"ordered checks the order of each key's records, but producer %q writes records without keys", pr.Name)
			}
		}
	}
	if pl.SameValue && len(pl.Match.JSONPath) > 0 {
		c.add("pipeline.same_value", "use match: header to check values, or leave same_value out",
			"same_value needs match: header: with match %s kbench writes the identity into the value", pl.Match)
	}
	for i := range s.Consumers {
		if s.Consumers[i].Topic == pl.Input && pl.Output != "" {
			// Allowed: it checks the input side directly.
			continue
		}
	}
}

// rateProfiles are the rate profile names.
var rateProfiles = []string{"constant", "ramp", "steps", "sine", "spike", "poisson", "unlimited"}

func (c *checker) rate(r Rate, p string, duration time.Duration) {
	bad := func(key, hint, format string, args ...any) {
		c.add(joinPath(p, key), hint, format, args...)
	}
	nonNeg := func(v float64) bool { return v >= 0 && !math.IsInf(v, 0) }
	pos := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch r.Profile {
	case RateConstant, RatePoisson:
		if !pos(r.Rate) {
			bad("rate", "for no limit write `rate: unlimited`", "the rate must be positive")
		}
	case RateRamp:
		if !nonNeg(r.From) {
			bad("from", "", "ramp from must not be negative")
		}
		if !nonNeg(r.To) {
			bad("to", "", "ramp to must not be negative")
		}
		if r.From == 0 && r.To == 0 {
			bad("to", "", "a ramp from 0/s to 0/s sends nothing")
		}
		if r.Over <= 0 {
			bad("over", "e.g. over: 30s", "ramp over must be positive")
		}
	case RateSteps:
		if len(r.Steps) == 0 {
			bad("steps", "e.g. steps: [{ rate: 1000/s, for: 10s }, { rate: 2000/s, for: 10s }]", "a steps profile needs steps")
		}
		some := false
		for i, st := range r.Steps {
			sp := indexPath("steps", i)
			if !nonNeg(st.Rate) {
				bad(sp+".rate", "", "a step's rate must not be negative")
			}
			if st.For <= 0 {
				bad(sp+".for", "", "a step's for must be positive")
			}
			some = some || st.Rate > 0
		}
		if len(r.Steps) > 0 && !some {
			bad("steps", "", "every step has rate 0/s: nothing is sent")
		}
	case RateSine:
		if !pos(r.Rate) {
			bad("rate", "", "the sine's mean rate must be positive")
		}
		if !nonNeg(r.Amplitude) || r.Amplitude > r.Rate {
			bad("amplitude", "the rate would go negative", "the sine's amplitude must be from 0/s to its rate")
		}
		if r.Period <= 0 {
			bad("period", "e.g. period: 1m", "the sine's period must be positive")
		}
	case RateSpike:
		if !nonNeg(r.Rate) {
			bad("rate", "", "the spike's base rate must not be negative")
		}
		if !pos(r.Peak) {
			bad("peak", "", "the spike's peak must be positive")
		}
		if r.At < 0 {
			bad("at", "", "the spike's at must not be negative")
		} else if duration > 0 && r.At >= duration {
			bad("at", "make it earlier than the duration", "the spike at %q starts after the run ends (duration %q)",
				r.At.String(), duration.String())
		}
		if r.For <= 0 {
			bad("for", "", "the spike's for must be positive")
		}
	case RateUnlimited:
	case "":
		c.add(p, "add `rate: 1000/s`, or `rate: unlimited`", "a producer needs a rate")
		return
	default:
		bad("profile", choose("profile", string(r.Profile), rateProfiles...), "unknown rate profile %q", string(r.Profile))
		return
	}
	// Settings of other profiles (scenarios built in Go; Parse reports
	// them where they are written).
	set := map[string]bool{
		"rate": r.Rate != 0, "from": r.From != 0, "to": r.To != 0, "over": r.Over != 0,
		"steps": len(r.Steps) > 0, "amplitude": r.Amplitude != 0, "period": r.Period != 0,
		"peak": r.Peak != 0, "at": r.At != 0, "for": r.For != 0,
	}
	for _, k := range secRate.keys[1:] {
		if set[k] && !slices.Contains(rateKeys[r.Profile], k) {
			bad(k, "", "%s does not apply to profile %s", k, r.Profile)
		}
	}
}

func (c *checker) consumers(cs []Consumer) {
	var names []string
	groups := map[string]string{} // group → consumer name
	for i, cs := range cs {
		p := indexPath("consumers", i)
		c.needs()
		if slices.Contains(names, cs.Name) {
			c.add(p+".name", "give each consumer its own name", "consumer name %q is used twice", cs.Name)
		}
		names = append(names, cs.Name)
		if cs.Topic == "" {
			c.add(p+".topic", "add `topic: <name>`", "a consumer needs a topic")
		}
		if cs.Group == "" {
			c.add(p+".group", "", "group must not be empty")
		} else if other, ok := groups[cs.Group]; ok {
			c.add(p+".group", "one consumer with more instances is one group: raise instances on "+other,
				"consumer group %q is also used by consumer %s", cs.Group, other)
		} else {
			groups[cs.Group] = cs.Name
		}
		if cs.Instances < 1 || cs.Instances > maxInstances {
			c.add(p+".instances", "", "instances must be from 1 to %d", maxInstances)
		}
		if cs.Isolation != ReadUncommitted && cs.Isolation != ReadCommitted {
			c.add(p+".isolation", choose("isolation", string(cs.Isolation), string(ReadUncommitted), string(ReadCommitted)),
				"unknown isolation %q", string(cs.Isolation))
		}
		if cs.FetchMaxWait < time.Millisecond {
			c.add(p+".fetch_max_wait", "", "fetch_max_wait must be at least 1ms")
		}
	}
}

func (c *checker) gates(gs []Gate) {
	for i, g := range gs {
		p := indexPath("gates", i)
		c.needs()
		unit, ok := Metrics[g.Metric]
		if !ok {
			c.add(p, metricHint(g.Metric), "unknown metric %q", g.Metric)
			continue
		}
		if !slices.Contains(gateOps, g.Op) {
			c.add(p, "comparisons: < <= > >= == !=", "unknown comparison %q", string(g.Op))
		}
		switch {
		case !(g.Threshold >= 0) || math.IsInf(g.Threshold, 0):
			c.add(p, "", "the threshold must be a finite number of at least 0")
		case unit == UnitRatio && g.Threshold > 1:
			c.add(p, "ratios are from 0 to 1 (0% to 100%)", "%s is a ratio, but the threshold is above 1", g.Metric)
		}
	}
}

func (c *checker) report(r *Report) {
	c.needs()
	if r.Out == "" {
		c.add("report.out", "", "out must not be empty")
	}
	for i, f := range r.Formats {
		p := indexPath("report.formats", i)
		switch {
		case slices.Contains(plannedFormats, f):
			c.add(p, "available now: "+strings.Join(reportFormats, ", "), "report format %q is not supported yet", f)
		case !slices.Contains(reportFormats, f):
			c.add(p, choose("formats", f, reportFormats...), "unknown report format %q", f)
		case slices.Contains(r.Formats[:i], f):
			c.add(p, "", "report format %q is listed twice", f)
		}
	}
	if r.Interval < minInterval {
		c.add("report.interval", "", "interval must be at least %v", minInterval)
	}
}
