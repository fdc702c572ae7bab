package scenarios

import (
	"fmt"
	"strings"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// scenario decodes the top-level mapping.
func (d *decoder) scenario(s *Scenario, n ast.Node) {
	d.fields(n, "scenario", "", map[string]handler{
		"name": func(v ast.Node, p string) { d.str(v, p, &s.Name) },
		"seed": func(v ast.Node, p string) {
			if x, ok := d.integer(v, p, 0, math63); ok {
				s.Seed = uint64(x)
			}
		},
		"cluster":   func(v ast.Node, p string) { d.cluster(&s.Cluster, v, p) },
		"topics":    func(v ast.Node, p string) { d.topics(s, v, p) },
		"data":      func(v ast.Node, p string) { d.data(s, v, p) },
		"producers": func(v ast.Node, p string) { d.producers(s, v, p) },
		"consumers": func(v ast.Node, p string) { d.consumers(s, v, p) },
		"duration":  func(v ast.Node, p string) { d.duration(v, p, &s.Duration) },
		"warmup":    func(v ast.Node, p string) { d.duration(v, p, &s.Warmup) },
		"drain":     func(v ast.Node, p string) { d.duration(v, p, &s.Drain) },
		"gates":     func(v ast.Node, p string) { d.gates(s, v, p) },
		"report":    func(v ast.Node, p string) { d.report(&s.Report, v, p) },
	})
}

const math63 = 1<<63 - 1

func (d *decoder) cluster(c *Cluster, n ast.Node, path string) {
	c.Pos = d.pos(n)
	d.fields(n, "cluster", path, map[string]handler{
		"brokers": func(v ast.Node, p string) {
			for _, s := range d.strList(v, p) {
				for _, b := range strings.Split(s, ",") {
					if b = strings.TrimSpace(b); b != "" {
						c.Brokers = append(c.Brokers, b)
					}
				}
			}
		},
		"client_id":                func(v ast.Node, p string) { d.str(v, p, &c.ClientID) },
		"dial_timeout":             func(v ast.Node, p string) { d.duration(v, p, &c.DialTimeout) },
		"request_timeout_overhead": func(v ast.Node, p string) { d.duration(v, p, &c.RequestTimeoutOverhead) },
		"metadata_max_age":         func(v ast.Node, p string) { d.duration(v, p, &c.MetadataMaxAge) },
		"tls": func(v ast.Node, p string) {
			d.fail(v, "TLS client settings are planned; use a plaintext listener for now", "cluster.tls is not supported yet")
		},
		"sasl": func(v ast.Node, p string) {
			d.fail(v, "SASL client settings are planned; use a listener without authentication for now", "cluster.sasl is not supported yet")
		},
	})
}

func (d *decoder) topics(s *Scenario, n ast.Node, path string) {
	for i, item := range d.list(n, path, false) {
		p := fmt.Sprintf("%s[%d]", path, i)
		t := Topic{Pos: d.pos(item)}
		present := d.fields(item, "topic", p, map[string]handler{
			"name": func(v ast.Node, p string) { d.str(v, p, &t.Name) },
			"partitions": func(v ast.Node, p string) {
				if x, ok := d.integer(v, p, 1, 100_000); ok {
					t.Partitions = int32(x)
				}
			},
			"replication_factor": func(v ast.Node, p string) {
				if x, ok := d.integer(v, p, -1, 32_767); ok {
					t.ReplicationFactor = int16(x)
				}
			},
			"configs": func(v ast.Node, p string) {
				entries, _ := d.mapping(v, p)
				t.Configs = map[string]string{}
				for _, e := range entries {
					if val, ok := d.scalar(e.val, p+"."+e.key); ok {
						t.Configs[e.key] = val
					}
				}
			},
			"create": func(v ast.Node, p string) {
				var c string
				d.str(v, p, &c)
				t.Create = CreateMode(c)
			},
		})
		if present != nil && !present["name"] {
			d.fail(item, "add `name: <topic>`", "%s: a topic needs a name", p)
		}
		s.Topics = append(s.Topics, t)
	}
}

func (d *decoder) data(s *Scenario, n ast.Node, path string) {
	entries, _ := d.mapping(n, path)
	for _, e := range entries {
		p := joinPath(path, e.key)
		d.keyPos[p] = d.pos(e.keyNode)
		ds := &Data{Name: e.key, Pos: d.pos(e.keyNode)}
		d.fields(e.val, "data set "+e.key, p, map[string]handler{
			"format": func(v ast.Node, p string) {
				var f string
				d.str(v, p, &f)
				ds.Format = Format(f)
			},
			"fields": func(v ast.Node, p string) { ds.Fields = d.fieldList(v, p) },
			"size":   func(v ast.Node, p string) { d.size(&ds.Size, v, p) },
			"key":    func(v ast.Node, p string) { d.key(&ds.Key, v, p) },
			"seed": func(v ast.Node, p string) {
				if x, ok := d.integer(v, p, 0, math63); ok {
					ds.Seed = uint64(x)
				}
			},
		})
		s.Data = append(s.Data, ds)
	}
}

// fieldList decodes a mapping of field name → field spec, in order.
func (d *decoder) fieldList(n ast.Node, path string) []*Field {
	entries, _ := d.mapping(n, path)
	out := make([]*Field, 0, len(entries))
	for _, e := range entries {
		p := joinPath(path, e.key)
		d.keyPos[p] = d.pos(e.keyNode)
		if f := d.field(e.key, e.val, p, e.keyNode); f != nil {
			out = append(out, f)
		}
	}
	return out
}

// fieldOptions lists every option key a field mapping may have.
var fieldOptions = []string{"fake", "min", "max", "values", "weights", "value", "format", "decimals",
	"words", "null_ratio", "fields", "items", "min_items", "max_items"}

// field decodes one field spec: a generator name, or a mapping of options.
func (d *decoder) field(name string, n ast.Node, path string, at ast.Node) *Field {
	f := &Field{Name: name, Pos: d.pos(valueOr(n, at)), Decimals: -1}
	r := d.resolve(n)
	if _, ok := r.(ast.ScalarNode); ok {
		if _, null := r.(*ast.NullNode); !null {
			d.str(r, path, &f.Fake)
			return f
		}
	}
	if isNull(r) {
		d.fail(at, "e.g. `"+name+": { fake: uuid }`", "%s: field %q needs a generator", path, name)
		return nil
	}
	hs := map[string]handler{
		"fake": func(v ast.Node, p string) { d.str(v, p, &f.Fake) },
		"min": func(v ast.Node, p string) {
			f.Min, f.HasMin = d.number(v, p)
		},
		"max": func(v ast.Node, p string) {
			f.Max, f.HasMax = d.number(v, p)
		},
		"values": func(v ast.Node, p string) { f.Values = d.strList(v, p) },
		"weights": func(v ast.Node, p string) {
			for _, item := range d.list(v, p, false) {
				if w, ok := d.number(item, p); ok {
					f.Weights = append(f.Weights, w)
				}
			}
		},
		"value":  func(v ast.Node, p string) { f.Value = d.jsonLiteral(v, p) },
		"format": func(v ast.Node, p string) { d.str(v, p, &f.Format) },
		"decimals": func(v ast.Node, p string) {
			if x, ok := d.integer(v, p, 0, 15); ok {
				f.Decimals = int(x)
			}
		},
		"words": func(v ast.Node, p string) {
			if x, ok := d.integer(v, p, 1, 1000); ok {
				f.Words = int(x)
			}
		},
		"null_ratio": func(v ast.Node, p string) { f.NullRatio, _ = d.number(v, p) },
		"fields":     func(v ast.Node, p string) { f.Fields = d.fieldList(v, p) },
		"items": func(v ast.Node, p string) {
			f.Items = d.field(name+"[]", v, p, v)
		},
		"min_items": func(v ast.Node, p string) {
			if x, ok := d.integer(v, p, 0, 65_536); ok {
				f.MinItems = int(x)
			}
		},
		"max_items": func(v ast.Node, p string) {
			if x, ok := d.integer(v, p, 0, 65_536); ok {
				f.MaxItems = int(x)
			}
		},
	}
	present := d.fields(r, "field "+name, path, hs)
	if present == nil {
		return nil
	}
	if f.Fake == "" && present["fields"] {
		f.Fake = "object"
	}
	if f.Fake == "array" && !present["max_items"] {
		f.MaxItems = 5
	}
	// Options the generator does not take.
	allowed := map[string]bool{"fake": true, "null_ratio": true}
	opts, builtin := FieldKinds[f.Fake]
	for _, o := range opts {
		allowed[o] = true
	}
	for _, o := range fieldOptions {
		if present[o] && !allowed[o] {
			hint := "it takes no options besides null_ratio"
			if len(opts) > 0 {
				hint = "it takes: " + strings.Join(opts, ", ") + ", null_ratio"
			}
			if !builtin && f.Fake != "" {
				hint = "gofakeit functions take no options here"
			}
			d.failAt(joinPath(path, o), r, hint, "%s: option %s does not apply to fake: %s", path, o, f.Fake)
		}
	}
	return f
}

func (d *decoder) size(sd *SizeDist, n ast.Node, path string) {
	r := d.resolve(n)
	if _, ok := r.(*ast.MappingNode); !ok {
		sd.Kind = SizeFixed
		parsed(d, n, path, ParseSize, &sd.Fixed)
		return
	}
	var kind string
	d.fields(r, "size", path, map[string]handler{
		"distribution": func(v ast.Node, p string) { d.str(v, p, &kind) },
		"size":         func(v ast.Node, p string) { parsed(d, v, p, ParseSize, &sd.Fixed) },
		"min":          func(v ast.Node, p string) { parsed(d, v, p, ParseSize, &sd.Min) },
		"max":          func(v ast.Node, p string) { parsed(d, v, p, ParseSize, &sd.Max) },
		"mean":         func(v ast.Node, p string) { parsed(d, v, p, ParseSize, &sd.Mean) },
		"stddev":       func(v ast.Node, p string) { parsed(d, v, p, ParseSize, &sd.Stddev) },
	})
	sd.Kind = SizeKind(kind)
	if sd.Kind == "" {
		sd.Kind = SizeFixed
	}
}

func (d *decoder) key(k *Key, n ast.Node, path string) {
	k.Pos = d.pos(n)
	r := d.resolve(n)
	if _, ok := r.(ast.ScalarNode); ok {
		var s string
		d.str(r, path, &s)
		if s != string(KeyNone) {
			d.fail(r, "write `key: none`, or a mapping like { field: id, distribution: uniform, cardinality: 1000 }",
				"%s: expected none or a mapping, got %q", path, s)
		}
		k.Distribution = KeyNone
		return
	}
	var dist string
	d.fields(r, "key", path, map[string]handler{
		"field":        func(v ast.Node, p string) { d.str(v, p, &k.Field) },
		"distribution": func(v ast.Node, p string) { d.str(v, p, &dist) },
		"cardinality": func(v ast.Node, p string) {
			k.Cardinality, _ = d.integer(v, p, 1, 100_000_000)
		},
		"zipf_s":      func(v ast.Node, p string) { k.ZipfS, _ = d.number(v, p) },
		"hot_keys":    func(v ast.Node, p string) { k.HotKeys, _ = d.number(v, p) },
		"hot_traffic": func(v ast.Node, p string) { k.HotTraffic, _ = d.number(v, p) },
	})
	k.Distribution = KeyDistribution(dist)
	if k.Distribution == "" {
		k.Distribution = KeyUniform
	}
}

func (d *decoder) producers(s *Scenario, n ast.Node, path string) {
	for i, item := range d.list(n, path, false) {
		p := fmt.Sprintf("%s[%d]", path, i)
		pr := Producer{Pos: d.pos(item)}
		var acks string
		present := d.fields(item, "producer", p, map[string]handler{
			"name":  func(v ast.Node, p string) { d.str(v, p, &pr.Name) },
			"topic": func(v ast.Node, p string) { d.str(v, p, &pr.Topic) },
			"data":  func(v ast.Node, p string) { d.str(v, p, &pr.Data) },
			"instances": func(v ast.Node, p string) {
				if x, ok := d.integer(v, p, 1, 1024); ok {
					pr.Instances = int(x)
				}
			},
			"rate":        func(v ast.Node, p string) { d.rate(&pr.Rate, v, p) },
			"acks":        func(v ast.Node, p string) { d.str(v, p, &acks) },
			"compression": func(v ast.Node, p string) { d.str(v, p, &pr.Compression) },
			"linger":      func(v ast.Node, p string) { d.duration(v, p, &pr.Linger) },
			"batch_size":  func(v ast.Node, p string) { parsed(d, v, p, ParseSize, &pr.BatchSize) },
			"idempotent":  func(v ast.Node, p string) { d.boolean(v, p, &pr.Idempotent) },
			"max_in_flight": func(v ast.Node, p string) {
				if x, ok := d.integer(v, p, 1, 1000); ok {
					pr.MaxInFlight = int(x)
				}
			},
			"max_buffered": func(v ast.Node, p string) {
				if x, ok := d.integer(v, p, 1, 100_000_000); ok {
					pr.MaxBuffered = int(x)
				}
			},
		})
		if present == nil {
			continue
		}
		switch acks {
		case "1":
			acks = string(AcksLeader)
		case "0":
			acks = string(AcksNone)
		case "-1":
			acks = string(AcksAll)
		}
		pr.Acks = Acks(acks)
		if pr.Acks == "" {
			pr.Acks = AcksAll
		}
		// File defaults that depend on whether a key was written.
		if !present["idempotent"] {
			pr.Idempotent = pr.Acks == AcksAll
		}
		if !present["linger"] {
			pr.Linger = DefaultLinger
		}
		for _, k := range []string{"topic", "data", "rate"} {
			if !present[k] {
				hint := map[string]string{
					"topic": "add `topic: <name>`",
					"data":  "add `data: <data set name>` naming an entry of data:",
					"rate":  "add `rate: 1000/s`, or `rate: unlimited`",
				}[k]
				d.fail(item, hint, "%s: a producer needs %s", p, k)
			}
		}
		s.Producers = append(s.Producers, pr)
	}
}

// DefaultLinger is the producer linger when a scenario file does not set
// one: franz-go's default.
const DefaultLinger = 10 * time.Millisecond

// rateKeys lists the keys each rate profile takes besides profile.
var rateKeys = map[RateProfile][]string{
	RateConstant:  {"rate"},
	RatePoisson:   {"rate"},
	RateRamp:      {"from", "to", "over"},
	RateSteps:     {"steps"},
	RateSine:      {"rate", "amplitude", "period"},
	RateSpike:     {"rate", "peak", "at", "for"},
	RateUnlimited: nil,
}

func (d *decoder) rate(r *Rate, n ast.Node, path string) {
	r.Pos = d.pos(n)
	res := d.resolve(n)
	if _, ok := res.(ast.ScalarNode); ok && !isNull(res) {
		s, ok := d.scalar(res, path)
		if !ok {
			return
		}
		if strings.TrimSpace(s) == string(RateUnlimited) {
			r.Profile = RateUnlimited
			return
		}
		v, err := ParseRate(s)
		if err != nil {
			d.failValue(res, s, "e.g. `rate: 5000/s`, `rate: unlimited`, or a profile mapping", "%s: %v", path, err)
			return
		}
		r.Profile, r.Rate = RateConstant, v
		return
	}
	var profile string
	rate := func(dst *float64) handler {
		return func(v ast.Node, p string) { parsed(d, v, p, ParseRate, dst) }
	}
	present := d.fields(res, "rate", path, map[string]handler{
		"profile":   func(v ast.Node, p string) { d.str(v, p, &profile) },
		"rate":      rate(&r.Rate),
		"from":      rate(&r.From),
		"to":        rate(&r.To),
		"over":      func(v ast.Node, p string) { d.duration(v, p, &r.Over) },
		"amplitude": rate(&r.Amplitude),
		"period":    func(v ast.Node, p string) { d.duration(v, p, &r.Period) },
		"peak":      rate(&r.Peak),
		"at":        func(v ast.Node, p string) { d.duration(v, p, &r.At) },
		"for":       func(v ast.Node, p string) { d.duration(v, p, &r.For) },
		"steps": func(v ast.Node, p string) {
			for i, item := range d.list(v, p, false) {
				var st Step
				sp := fmt.Sprintf("%s[%d]", p, i)
				got := d.fields(item, "step", sp, map[string]handler{
					"rate": rate(&st.Rate),
					"for":  func(v ast.Node, p string) { d.duration(v, p, &st.For) },
				})
				if got != nil && (!got["rate"] || !got["for"]) {
					d.fail(item, "e.g. { rate: 1000/s, for: 10s }", "%s: a step needs rate and for", sp)
				}
				r.Steps = append(r.Steps, st)
			}
		},
	})
	if present == nil {
		return
	}
	r.Profile = RateProfile(profile)
	if r.Profile == "" {
		switch {
		case present["steps"]:
			r.Profile = RateSteps
		case present["from"] || present["to"]:
			r.Profile = RateRamp
		case present["peak"]:
			r.Profile = RateSpike
		case present["amplitude"]:
			r.Profile = RateSine
		case present["rate"]:
			r.Profile = RateConstant
		default:
			d.fail(res, "add `profile: constant` (or ramp, steps, sine, spike, poisson, unlimited)", "%s: no rate profile", path)
			return
		}
	}
	keys, known := rateKeys[r.Profile]
	if !known {
		d.fail(res, "profiles: constant, ramp, steps, sine, spike, poisson, unlimited", "%s: unknown profile %q", path, profile)
		return
	}
	allowed := map[string]bool{"profile": true}
	for _, k := range keys {
		allowed[k] = true
		if !present[k] {
			d.fail(res, fmt.Sprintf("profile %s takes: %s", r.Profile, strings.Join(keys, ", ")),
				"%s: profile %s needs %s", path, r.Profile, k)
		}
	}
	for k := range present {
		if !allowed[k] {
			d.failAt(joinPath(path, k), res, fmt.Sprintf("profile %s takes: %s", r.Profile, strings.Join(keys, ", ")),
				"%s: %s does not apply to profile %s", path, k, r.Profile)
		}
	}
}

func (d *decoder) consumers(s *Scenario, n ast.Node, path string) {
	for i, item := range d.list(n, path, false) {
		p := fmt.Sprintf("%s[%d]", path, i)
		c := Consumer{Pos: d.pos(item)}
		var iso string
		present := d.fields(item, "consumer", p, map[string]handler{
			"name":  func(v ast.Node, p string) { d.str(v, p, &c.Name) },
			"topic": func(v ast.Node, p string) { d.str(v, p, &c.Topic) },
			"group": func(v ast.Node, p string) { d.str(v, p, &c.Group) },
			"instances": func(v ast.Node, p string) {
				if x, ok := d.integer(v, p, 1, 1024); ok {
					c.Instances = int(x)
				}
			},
			"isolation":      func(v ast.Node, p string) { d.str(v, p, &iso) },
			"fetch_max_wait": func(v ast.Node, p string) { d.duration(v, p, &c.FetchMaxWait) },
		})
		if present == nil {
			continue
		}
		c.Isolation = Isolation(iso)
		if !present["topic"] {
			d.fail(item, "add `topic: <name>`", "%s: a consumer needs a topic", p)
		}
		s.Consumers = append(s.Consumers, c)
	}
}

func (d *decoder) gates(s *Scenario, n ast.Node, path string) {
	for i, item := range d.list(n, path, false) {
		p := fmt.Sprintf("%s[%d]", path, i)
		expr, ok := d.scalar(item, p)
		if !ok {
			continue
		}
		d.keyPos[p] = d.pos(item)
		g, err := ParseGate(expr)
		if err != nil {
			d.failValue(item, expr, `e.g. "e2e.p99 < 50ms", "produce.rate >= 45000/s", "produce.errors == 0"`, "%v", err)
			continue
		}
		g.Pos = d.pos(item)
		s.Gates = append(s.Gates, g)
	}
}

func (d *decoder) report(r *Report, n ast.Node, path string) {
	d.fields(n, "report", path, map[string]handler{
		"out":      func(v ast.Node, p string) { d.str(v, p, &r.Out) },
		"formats":  func(v ast.Node, p string) { r.Formats = d.strList(v, p) },
		"interval": func(v ast.Node, p string) { d.duration(v, p, &r.Interval) },
	})
}
