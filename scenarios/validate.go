package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
)

// Defaults applied to settings left out.
const (
	DefaultDuration    = 10 * time.Second
	DefaultDrain       = 30 * time.Second
	DefaultPartitions  = 6
	DefaultCardinality = 1000
	DefaultOut         = "results"
	DefaultInterval    = time.Second
)

// applyDefaults fills settings left at their zero value. It is shared by
// Parse and Validate, so scenarios built in Go get the same defaults.
func applyDefaults(s *Scenario) {
	if s.Seed == 0 {
		s.Seed = 1
	}
	if s.Duration == 0 {
		s.Duration = DefaultDuration
	}
	if s.Drain == 0 {
		s.Drain = DefaultDrain
	}
	c := &s.Cluster
	if c.ClientID == "" {
		c.ClientID = "kbench"
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = 10 * time.Second
	}
	if c.RequestTimeoutOverhead == 0 {
		c.RequestTimeoutOverhead = 10 * time.Second
	}
	if c.MetadataMaxAge == 0 {
		c.MetadataMaxAge = 5 * time.Minute
	}
	for i := range s.Topics {
		t := &s.Topics[i]
		if t.Partitions == 0 {
			t.Partitions = DefaultPartitions
		}
		if t.ReplicationFactor == 0 {
			t.ReplicationFactor = -1
		}
		if t.Create == "" {
			t.Create = CreateIfMissing
		}
	}
	for _, d := range s.Data {
		if d.Format == "" {
			d.Format = FormatJSON
			if len(d.Fields) == 0 && d.Size != (SizeDist{}) {
				d.Format = FormatBytes
			}
		}
		if d.Format == FormatBytes && d.Size == (SizeDist{}) {
			d.Size = SizeDist{Kind: SizeFixed, Fixed: 100}
		}
		if d.Size.Kind == "" && d.Size != (SizeDist{}) {
			d.Size.Kind = SizeFixed
		}
		fieldDefaults(d.Fields)
		k := &d.Key
		if k.Distribution == "" {
			k.Distribution = KeyNone
		}
		if k.Cardinality == 0 {
			k.Cardinality = DefaultCardinality
		}
		if k.ZipfS == 0 {
			k.ZipfS = 1.1
		}
		if k.HotKeys == 0 {
			k.HotKeys = 0.01
		}
		if k.HotTraffic == 0 {
			k.HotTraffic = 0.9
		}
	}
	for i := range s.Producers {
		p := &s.Producers[i]
		if p.Name == "" {
			p.Name = p.Topic
			if p.Name == "" || s.producerNamed(p.Name, i) {
				p.Name = fmt.Sprintf("producer-%d", i+1)
			}
		}
		if p.Instances == 0 {
			p.Instances = 1
		}
		if p.Acks == "" {
			p.Acks = AcksAll
		}
		if p.Compression == "" {
			p.Compression = "none"
		}
	}
	for i := range s.Consumers {
		c := &s.Consumers[i]
		if c.Name == "" {
			c.Name = c.Topic + "-readers"
			if c.Topic == "" || s.consumerNamed(c.Name, i) {
				c.Name = fmt.Sprintf("consumer-%d", i+1)
			}
		}
		if c.Group == "" {
			c.Group = "kbench-" + s.Name + "-" + c.Name
		}
		if c.Instances == 0 {
			c.Instances = 1
		}
		if c.Isolation == "" {
			c.Isolation = ReadUncommitted
		}
		if c.FetchMaxWait == 0 {
			c.FetchMaxWait = 100 * time.Millisecond
		}
	}
	// Topics used but not declared: the embedded cluster starts empty, so
	// kbench creates them with the defaults.
	if s.Cluster.Embedded() {
		for _, name := range s.usedTopics() {
			if name != "" && s.TopicByName(name) == nil {
				s.Topics = append(s.Topics, Topic{Name: name, Partitions: DefaultPartitions,
					ReplicationFactor: -1, Create: CreateIfMissing})
			}
		}
	}
	r := &s.Report
	if r.Out == "" {
		r.Out = DefaultOut
	}
	if r.Formats == nil {
		r.Formats = []string{"text"}
	}
	if r.Interval == 0 {
		r.Interval = DefaultInterval
	}
}

func (s *Scenario) producerNamed(name string, before int) bool {
	for i := range before {
		if s.Producers[i].Name == name {
			return true
		}
	}
	return false
}

func (s *Scenario) consumerNamed(name string, before int) bool {
	for i := range before {
		if s.Consumers[i].Name == name {
			return true
		}
	}
	return false
}

func (s *Scenario) usedTopics() []string {
	var out []string
	for _, p := range s.Producers {
		out = append(out, p.Topic)
	}
	for _, c := range s.Consumers {
		out = append(out, c.Topic)
	}
	return out
}

func fieldDefaults(fs []*Field) {
	for _, f := range fs {
		if f == nil {
			continue
		}
		if f.Fake == "" && len(f.Fields) > 0 {
			f.Fake = "object"
		}
		switch f.Fake {
		case "int", "price":
			if !f.HasMin {
				f.Min = 0
			}
			if !f.HasMax {
				f.Max = 1000
			}
		case "float":
			if !f.HasMax {
				f.Max = 1
			}
		case "sentence":
			if f.Words == 0 {
				f.Words = 8
			}
		case "timestamp", "date":
			if f.Format == "" {
				f.Format = "rfc3339"
			}
		}
		if f.Decimals == 0 && f.Fake != "float" {
			f.Decimals = -1
		}
		fieldDefaults(f.Fields)
		if f.Items != nil {
			fieldDefaults([]*Field{f.Items})
		}
	}
}

// checker collects problems found by validate.
type checker struct{ errs []*Error }

func (c *checker) add(pos Pos, path, hint, format string, args ...any) {
	c.errs = append(c.errs, &Error{Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// validate checks a scenario whose defaults are applied. Each problem
// carries the setting's path; Parse maps paths to file positions.
func validate(s *Scenario) []*Error {
	var c checker
	if s.Duration <= 0 {
		c.add(Pos{}, "duration", "", "duration must be positive")
	}
	if s.Warmup < 0 || s.Warmup >= s.Duration {
		c.add(Pos{}, "warmup", "a warmup is part of the duration: make it shorter than the duration ("+s.Duration.String()+")",
			"warmup %v must be shorter than duration %v", s.Warmup, s.Duration)
	}
	if s.Drain < 0 {
		c.add(Pos{}, "drain", "", "drain must not be negative")
	}
	for _, b := range s.Cluster.Brokers {
		if !strings.Contains(b, ":") {
			c.add(s.Cluster.Pos, "cluster.brokers", "write host:port, e.g. localhost:9092", "broker %q has no port", b)
		}
	}
	seen := map[string]bool{}
	for i, t := range s.Topics {
		p := fmt.Sprintf("topics[%d]", i)
		if t.Name == "" {
			c.add(t.Pos, p, "", "a topic needs a name")
		} else if seen[t.Name] {
			c.add(t.Pos, p+".name", "", "topic %q is declared twice", t.Name)
		}
		seen[t.Name] = true
		if t.Partitions < 1 {
			c.add(t.Pos, p+".partitions", "", "partitions must be at least 1")
		}
		if t.ReplicationFactor < -1 || t.ReplicationFactor == 0 {
			c.add(t.Pos, p+".replication_factor", "use -1 for the broker's default", "replication_factor must be -1 or at least 1")
		}
		if t.Create != CreateIfMissing && t.Create != CreateNever {
			c.add(t.Pos, p+".create", "", "create must be if-missing or never, not %q", t.Create)
		}
	}
	dataNames := map[string]bool{}
	var names []string
	for _, d := range s.Data {
		p := "data." + d.Name
		if dataNames[d.Name] {
			c.add(d.Pos, p, "", "data set %q is declared twice", d.Name)
		}
		dataNames[d.Name] = true
		names = append(names, d.Name)
		c.data(d, p)
	}
	sort.Strings(names)
	prodNames := map[string]bool{}
	for i := range s.Producers {
		pr := &s.Producers[i]
		p := fmt.Sprintf("producers[%d]", i)
		if prodNames[pr.Name] {
			c.add(pr.Pos, p+".name", "give each producer its own name", "producer name %q is used twice", pr.Name)
		}
		prodNames[pr.Name] = true
		if pr.Topic == "" {
			c.add(pr.Pos, p, "add `topic: <name>`", "a producer needs a topic")
		}
		if pr.Data == "" {
			c.add(pr.Pos, p, "add `data: <data set name>`", "a producer needs data")
		} else if !dataNames[pr.Data] {
			hint := "data sets: " + strings.Join(names, ", ")
			if len(names) == 0 {
				hint = "declare it under data:"
			}
			if sg := suggest(pr.Data, names); sg != "" {
				hint = fmt.Sprintf("did you mean %q?", sg)
			}
			c.add(pr.Pos, p+".data", hint, "unknown data set %q", pr.Data)
		}
		if pr.Instances < 1 || pr.Instances > 1024 {
			c.add(pr.Pos, p+".instances", "", "instances must be 1 to 1024")
		}
		c.rate(pr.Rate, p+".rate")
		switch pr.Acks {
		case AcksAll, AcksLeader, AcksNone:
		default:
			c.add(pr.Pos, p+".acks", "acks: all, leader (or 1) or none (or 0)", "unknown acks %q", pr.Acks)
		}
		switch pr.Compression {
		case "none", "gzip", "snappy", "lz4", "zstd":
		default:
			c.add(pr.Pos, p+".compression", "compression: none, gzip, snappy, lz4 or zstd", "unknown compression %q", pr.Compression)
		}
		if pr.Idempotent && pr.Acks != AcksAll {
			c.add(pr.Pos, p+".idempotent", "set acks: all, or idempotent: false",
				"an idempotent producer needs acks: all (acks is %s)", pr.Acks)
		}
		if pr.Linger < 0 || pr.BatchSize < 0 || pr.MaxInFlight < 0 || pr.MaxBuffered < 0 {
			c.add(pr.Pos, p, "", "linger, batch_size, max_in_flight and max_buffered must not be negative")
		}
	}
	consNames := map[string]bool{}
	for i, cs := range s.Consumers {
		p := fmt.Sprintf("consumers[%d]", i)
		if consNames[cs.Name] {
			c.add(cs.Pos, p+".name", "give each consumer its own name", "consumer name %q is used twice", cs.Name)
		}
		consNames[cs.Name] = true
		if cs.Topic == "" {
			c.add(cs.Pos, p, "add `topic: <name>`", "a consumer needs a topic")
		}
		if cs.Instances < 1 || cs.Instances > 1024 {
			c.add(cs.Pos, p+".instances", "", "instances must be 1 to 1024")
		}
		if cs.Isolation != ReadUncommitted && cs.Isolation != ReadCommitted {
			c.add(cs.Pos, p+".isolation", "isolation: read_uncommitted or read_committed", "unknown isolation %q", cs.Isolation)
		}
	}
	if len(s.Producers) == 0 && len(s.Consumers) == 0 {
		c.add(Pos{}, "producers", "add a producer (see examples/quickstart.yaml)", "the scenario has no producers and no consumers: nothing to run")
	}
	for i, g := range s.Gates {
		unit, ok := Metrics[g.Metric]
		p := fmt.Sprintf("gates[%d]", i)
		if !ok {
			c.add(g.Pos, p, "", "unknown metric %q", g.Metric)
			continue
		}
		switch g.Op {
		case OpLT, OpLE, OpGT, OpGE, OpEQ, OpNE:
		default:
			c.add(g.Pos, p, "", "unknown comparison %q", g.Op)
		}
		if unit == UnitRatio && (g.Threshold < 0 || g.Threshold > 1) {
			c.add(g.Pos, p, "ratios are 0 to 1, or 0% to 100%", "%s compares a ratio with %g", g.Metric, g.Threshold)
		}
	}
	for i, f := range s.Report.Formats {
		switch f {
		case "text", "json":
		case "markdown", "html", "junit":
			c.add(Pos{}, fmt.Sprintf("report.formats[%d]", i), "available now: text, json",
				"report format %q is not supported yet", f)
		default:
			c.add(Pos{}, fmt.Sprintf("report.formats[%d]", i), "available: text, json", "unknown report format %q", f)
		}
	}
	if s.Report.Interval < 100*time.Millisecond {
		c.add(Pos{}, "report.interval", "", "report.interval must be at least 100ms")
	}
	return c.errs
}

func (c *checker) data(d *Data, p string) {
	switch d.Format {
	case FormatJSON:
		if len(d.Fields) == 0 {
			c.add(d.Pos, p, "add fields:, e.g. `fields: { id: { fake: uuid } }`, or use format: bytes with a size", "a json data set needs fields")
		}
		if d.Size != (SizeDist{}) {
			c.add(d.Pos, p+".size", "size applies to format: bytes", "a json data set takes no size")
		}
		c.fields(d.Fields, p+".fields", 0)
	case FormatBytes:
		if len(d.Fields) > 0 {
			c.add(d.Pos, p+".fields", "use format: json for fields", "a bytes data set has no fields")
		}
		c.size(d.Size, p+".size", d.Pos)
	default:
		c.add(d.Pos, p+".format", "format: json or bytes (avro and protobuf are planned)", "unknown format %q", d.Format)
	}
	k := d.Key
	kp := p + ".key"
	switch k.Distribution {
	case KeyNone, KeyUniform, KeyZipf, KeySequential, KeyHotSet:
	default:
		c.add(k.Pos, kp+".distribution", "distribution: none, uniform, zipf, sequential or hot-set", "unknown key distribution %q", k.Distribution)
	}
	if k.Cardinality < 1 || k.Cardinality > 100_000_000 {
		c.add(k.Pos, kp+".cardinality", "", "cardinality must be 1 to 100,000,000")
	}
	if k.ZipfS <= 1 {
		c.add(k.Pos, kp+".zipf_s", "", "zipf_s must be greater than 1")
	}
	if k.HotKeys <= 0 || k.HotKeys >= 1 || k.HotTraffic <= 0 || k.HotTraffic >= 1 {
		c.add(k.Pos, kp, "", "hot_keys and hot_traffic must be between 0 and 1")
	}
	if k.Field != "" {
		if d.Format != FormatJSON {
			c.add(k.Pos, kp+".field", "", "key.field needs a json data set")
		} else if !hasFieldPath(d.Fields, k.Field) {
			var names []string
			for _, f := range d.Fields {
				names = append(names, f.Name)
			}
			hint := "fields: " + strings.Join(names, ", ")
			if sg := suggest(k.Field, names); sg != "" {
				hint = fmt.Sprintf("did you mean %q?", sg)
			}
			c.add(k.Pos, kp+".field", hint, "key field %q is not a field of data set %s", k.Field, d.Name)
		}
		if k.Distribution == KeyNone {
			c.add(k.Pos, kp+".distribution", "pick uniform, zipf, sequential or hot-set", "key.field is set but the distribution is none")
		}
	}
}

func hasFieldPath(fs []*Field, path string) bool {
	head, rest, nested := strings.Cut(path, ".")
	for _, f := range fs {
		if f == nil || f.Name != head {
			continue
		}
		if !nested {
			return true
		}
		return hasFieldPath(f.Fields, rest)
	}
	return false
}

func (c *checker) size(sd SizeDist, p string, pos Pos) {
	bad := func(format string, args ...any) { c.add(pos, p, "", format, args...) }
	if sd.Min < 0 || sd.Max < 0 || sd.Fixed < 0 || sd.Mean < 0 || sd.Stddev < 0 {
		bad("sizes must not be negative")
	}
	if sd.Max > 0 && sd.Min > sd.Max {
		bad("size min %d is larger than max %d", sd.Min, sd.Max)
	}
	switch sd.Kind {
	case SizeFixed:
	case SizeUniform:
		if sd.Max == 0 {
			bad("a uniform size needs max")
		}
	case SizeNormal:
		if sd.Mean == 0 {
			bad("a normal size needs mean (and stddev)")
		}
	case SizeExponential:
		if sd.Mean == 0 {
			bad("an exponential size needs mean")
		}
	default:
		c.add(pos, p+".distribution", "distribution: fixed, uniform, normal or exponential", "unknown size distribution %q", sd.Kind)
	}
}

func (c *checker) fields(fs []*Field, p string, depth int) {
	if depth > 16 {
		c.add(Pos{}, p, "", "fields are nested more than 16 levels deep")
		return
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if f == nil {
			continue
		}
		fp := p + "." + f.Name
		if seen[f.Name] {
			c.add(f.Pos, fp, "", "field %q is declared twice", f.Name)
		}
		seen[f.Name] = true
		c.field(f, fp, depth)
	}
}

func (c *checker) field(f *Field, fp string, depth int) {
	add := func(hint, format string, args ...any) { c.add(f.Pos, fp, hint, format, args...) }
	if _, ok := FieldKinds[f.Fake]; !ok {
		if f.Fake == "" {
			add("e.g. { fake: uuid }", "field %q has no generator (fake:)", f.Name)
			return
		}
		if gofakeit.GetFuncLookup(f.Fake) == nil {
			kinds := make([]string, 0, len(FieldKinds))
			for k := range FieldKinds {
				kinds = append(kinds, k)
			}
			sort.Strings(kinds)
			hint := "built-in generators: " + strings.Join(kinds, ", ") + "; or any gofakeit function name"
			if sg := suggest(f.Fake, kinds); sg != "" {
				hint = fmt.Sprintf("did you mean %q?", sg)
			}
			c.add(f.Pos, fp+".fake", hint, "unknown generator fake: %s", f.Fake)
		}
	}
	if f.NullRatio < 0 || f.NullRatio > 1 || math.IsNaN(f.NullRatio) {
		add("", "null_ratio must be between 0 and 1")
	}
	switch f.Fake {
	case "int", "float", "price":
		if f.Min > f.Max {
			add("", "min %g is larger than max %g", f.Min, f.Max)
		}
	case "enum":
		if len(f.Values) == 0 {
			add("e.g. values: [new, paid, shipped]", "enum needs values")
		}
		if len(f.Weights) > 0 {
			if len(f.Weights) != len(f.Values) {
				add("give one weight per value", "enum has %d values but %d weights", len(f.Values), len(f.Weights))
			}
			sum := 0.0
			for _, w := range f.Weights {
				if w < 0 {
					add("", "enum weights must not be negative")
				}
				sum += w
			}
			if sum <= 0 {
				add("", "enum weights must add up to more than 0")
			}
		}
	case "const":
		if f.Value == "" {
			add("e.g. value: 42", "const needs a value")
		}
	case "timestamp", "date":
		switch f.Format {
		case "rfc3339", "rfc3339nano", "unix", "unix_ms":
		default:
			add("format: rfc3339, rfc3339nano, unix or unix_ms", "unknown time format %q", f.Format)
		}
	case "object":
		if len(f.Fields) == 0 {
			add("", "an object needs fields")
		}
		c.fields(f.Fields, fp, depth+1)
	case "array":
		if f.Items == nil {
			add("e.g. items: { fake: int }", "an array needs items")
		} else {
			c.field(f.Items, fp+".items", depth+1)
		}
		if f.MinItems < 0 || f.MinItems > f.MaxItems {
			add("", "min_items %d must be between 0 and max_items %d", f.MinItems, f.MaxItems)
		}
	}
}

func (c *checker) rate(r Rate, p string) {
	bad := func(format string, args ...any) {
		c.add(r.Pos, p, "", format, args...)
	}
	neg := func(vs ...float64) bool {
		for _, v := range vs {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return true
			}
		}
		return false
	}
	switch r.Profile {
	case RateConstant, RatePoisson:
		if r.Rate <= 0 || neg(r.Rate) {
			bad("rate must be positive")
		}
	case RateRamp:
		if neg(r.From, r.To) || r.Over <= 0 {
			bad("a ramp needs from and to (not negative) and over (positive)")
		}
	case RateSteps:
		if len(r.Steps) == 0 {
			bad("steps needs at least one step")
		}
		for _, st := range r.Steps {
			if neg(st.Rate) || st.For <= 0 {
				bad("each step needs a rate (not negative) and a positive for")
				break
			}
		}
	case RateSine:
		if r.Rate <= 0 || neg(r.Amplitude) || r.Amplitude > r.Rate || r.Period <= 0 {
			bad("a sine needs rate > 0, 0 <= amplitude <= rate, and a positive period")
		}
	case RateSpike:
		if neg(r.Rate, r.Peak) || r.At < 0 || r.For <= 0 {
			bad("a spike needs rate and peak (not negative), at (not negative) and for (positive)")
		}
	case RateUnlimited:
	case "":
		c.add(r.Pos, p, "add `rate: 1000/s`, or `rate: unlimited`", "a producer needs a rate")
	default:
		bad("unknown rate profile %q", r.Profile)
	}
}
