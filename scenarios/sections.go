package scenarios

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml/ast"
)

// section describes a kind of mapping in a scenario file: its keys, and
// how messages name it.
type section struct {
	id   string
	what string // "expected a mapping for <what>"
	in   string // "unknown key "x" <in>"
	home string // "<key> belongs in <home>"
	item bool   // a list item: an empty one is an error
	keys []string
	// reserved are keys of later versions, with what to do instead.
	reserved map[string]string
}

var (
	secTop = section{id: "top", what: "the scenario", in: "at the top level", home: "the top level",
		keys: []string{"name", "seed", "cluster", "topics", "data", "producers", "consumers", "pipeline", "schema_registry",
			"duration", "warmup", "drain", "gates", "report"},
		reserved: map[string]string{
			"verify": "every consumer is verified already; choosing checks with verify: is planned for a later version, so remove the key",
			"schema": "a schema belongs to a data set: data: { user: { format: avro, schema: user.avsc } }; the registry goes under schema_registry:",
		}}
	secCluster = section{id: "cluster", what: "cluster", in: "in cluster", home: "cluster",
		keys: []string{"kind", "brokers", "nodes", "runtime", "version", "tls", "sasl", "client_id", "dial_timeout",
			"request_timeout_overhead", "metadata_max_age"}}
	secTLS = section{id: "tls", what: "tls", in: "in cluster.tls", home: "cluster.tls",
		keys: []string{"ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"}}
	secSASL = section{id: "sasl", what: "sasl", in: "in cluster.sasl", home: "cluster.sasl",
		keys: []string{"mechanism", "username", "password"}}
	secTopic = section{id: "topic", item: true, what: "a topic", in: "in topic", home: "a topic (under topics:)",
		keys: []string{"name", "partitions", "replication_factor", "configs", "create"}}
	secData = section{id: "data", what: "a data set", home: "a data set (under data:)",
		keys: []string{"format", "fields", "size", "key", "seed", "schema", "message", "hints"}}
	secField = section{id: "field", what: "a field", home: "a field (under fields:)",
		keys: fieldOptions}
	secSize = section{id: "size", what: "size", in: "in size", home: "a data set's size",
		keys: []string{"distribution", "size", "min", "max", "mean", "stddev"}}
	secKey = section{id: "key", what: "key", in: "in key", home: "a data set's key",
		keys: []string{"field", "distribution", "cardinality", "zipf_s", "hot_keys", "hot_traffic"}}
	secProducer = section{id: "producer", item: true, what: "a producer", in: "in producer", home: "a producer (under producers:)",
		keys: []string{"name", "topic", "data", "instances", "rate", "acks", "compression", "linger", "batch_size",
			"idempotent", "max_in_flight", "max_buffered", "transactions", "subject", "schema_change"}}
	secSchemaChange = section{id: "schema_change", what: "schema_change", in: "in schema_change", home: "a producer's schema_change",
		keys: []string{"at", "to"}}
	secRegistry = section{id: "schema_registry", what: "schema_registry", in: "in schema_registry", home: "schema_registry",
		keys: []string{"url", "username", "password", "compatibility"}}
	secTxn = section{id: "transactions", what: "transactions", in: "in transactions", home: "a producer's transactions",
		keys: []string{"records_per_txn", "abort_ratio", "transactional_id", "timeout"}}
	secPipeline = section{id: "pipeline", what: "pipeline", in: "in pipeline", home: "pipeline",
		keys: []string{"input", "output", "match", "expect", "same_key", "same_value", "ordered", "drain"}}
	secRate = section{id: "rate", what: "a rate profile", in: "in rate", home: "a producer's rate",
		keys: []string{"profile", "rate", "from", "to", "over", "steps", "amplitude", "period", "peak", "at", "for"}}
	secStep = section{id: "step", item: true, what: "a step", in: "in step", home: "a step of a steps rate profile",
		keys: []string{"rate", "for"}}
	secConsumer = section{id: "consumer", item: true, what: "a consumer", in: "in consumer", home: "a consumer (under consumers:)",
		keys: []string{"name", "topic", "group", "instances", "isolation", "fetch_max_wait", "reader_schema"}}
	secReport = section{id: "report", what: "report", in: "in report", home: "report",
		keys: []string{"out", "formats", "interval"}}

	allSections = []section{secTop, secCluster, secTLS, secSASL, secTopic, secData, secField, secSize, secKey,
		secProducer, secTxn, secSchemaChange, secRate, secStep, secConsumer, secPipeline, secRegistry, secReport}
)

// fieldOptions are the keys of a field mapping, in the order problems
// about them are reported.
var fieldOptions = []string{"fake", "min", "max", "values", "weights", "value", "format", "decimals",
	"words", "null_ratio", "fields", "items", "min_items", "max_items"}

// keyHomes returns where else key is valid, for hints.
func keyHomes(key string, sec section) []string {
	var homes []string
	for _, s := range allSections {
		if s.id != sec.id && slices.Contains(s.keys, key) {
			homes = append(homes, s.home)
		}
	}
	if len(homes) > 3 {
		return nil // a common key: no useful hint
	}
	return homes
}

// debugSections makes fields check its handlers against the section's
// keys, and record the keys it decodes in seenKeys (set by the tests).
var (
	debugSections bool
	seenMu        sync.Mutex
	seenKeys      = map[string]bool{} // "section.key"
)

func sawKey(sec section, key string) {
	if debugSections {
		seenMu.Lock()
		seenKeys[sec.id+"."+key] = true
		seenMu.Unlock()
	}
}

func checkSection(sec section, hs map[string]handler) {
	if !debugSections {
		return
	}
	want := slices.Clone(sec.keys)
	got := mapKeys(hs)
	sort.Strings(want)
	if !slices.Equal(want, got) {
		panic(fmt.Sprintf("section %s: handlers %v, keys %v", sec.id, got, want))
	}
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// scenario decodes the top-level mapping.
func (d *decoder) scenario(s *Scenario, n ast.Node) {
	d.fields(n, secTop, "", map[string]handler{
		"name": func(v ast.Node, p string) { s.Name = d.str(v, p) },
		"seed": func(v ast.Node, p string) { s.Seed = d.seed(v, p) },
		"cluster": func(v ast.Node, p string) {
			s.Cluster.Pos = d.pos(v)
			d.cluster(&s.Cluster, v, p)
		},
		"topics":    func(v ast.Node, p string) { d.topics(s, v, p) },
		"data":      func(v ast.Node, p string) { d.data(s, v, p) },
		"producers": func(v ast.Node, p string) { d.producers(s, v, p) },
		"consumers": func(v ast.Node, p string) { d.consumers(s, v, p) },
		"duration":  func(v ast.Node, p string) { s.Duration, _ = d.duration(v, p, time.Millisecond) },
		"warmup":    func(v ast.Node, p string) { s.Warmup, _ = d.duration(v, p, 0) },
		"drain":     func(v ast.Node, p string) { s.Drain, _ = d.duration(v, p, time.Millisecond) },
		"gates":     func(v ast.Node, p string) { d.gates(s, v, p) },
		"report":    func(v ast.Node, p string) { d.report(&s.Report, v, p) },
		"pipeline": func(v ast.Node, p string) {
			s.Pipeline = &Pipeline{Pos: d.pos(v)}
			d.pipeline(s.Pipeline, v, p)
		},
		"schema_registry": func(v ast.Node, p string) {
			s.SchemaRegistry = &SchemaRegistry{Pos: d.pos(v)}
			d.registry(s.SchemaRegistry, v, p)
		},
	})
}

func (d *decoder) cluster(c *Cluster, n ast.Node, path string) {
	d.fields(n, secCluster, path, map[string]handler{
		"brokers": func(v ast.Node, p string) {
			for _, s := range d.strList(v, p, true) {
				for b := range strings.SplitSeq(s, ",") {
					if b = strings.TrimSpace(b); b != "" {
						c.Brokers = append(c.Brokers, b)
					}
				}
			}
		},
		"kind": func(v ast.Node, p string) { c.Kind = ClusterKind(d.str(v, p)) },
		"nodes": func(v ast.Node, p string) {
			x, _ := d.integer(v, p, 1, MaxLocalNodes)
			c.Nodes = int(x)
		},
		"runtime": func(v ast.Node, p string) { c.Runtime = d.str(v, p) },
		"version": func(v ast.Node, p string) { c.KafkaVersion = d.str(v, p) },
		"tls": func(v ast.Node, p string) {
			if isMapping(d.resolve(v)) {
				c.TLS = &TLS{Pos: d.pos(v)}
				d.tls(c.TLS, v, p)
				return
			}
			const expect = "true, false or a mapping of ca_file, cert_file, key_file, server_name, insecure_skip_verify"
			on, ok := convert(d, v, p, expect, func(s string) (bool, error) {
				switch strings.ToLower(strings.TrimSpace(s)) {
				case "true":
					return true, nil
				case "false":
					return false, nil
				}
				return false, &Error{Msg: fmt.Sprintf("expected %s, got %q", expect, s),
					Hint: "tls: true uses the system's CA certificates; tls: { ca_file: ca.pem } a CA of your own"}
			})
			if ok && on {
				c.TLS = &TLS{Pos: d.pos(v)}
			}
		},
		"sasl": func(v ast.Node, p string) {
			if r := d.resolve(v); r != nil && !isMapping(r) && !isNull(r) {
				// Not describe(r): the text may hold the password.
				d.errAt(v, p, "write sasl: { mechanism: SCRAM-SHA-512, username: bench, password: \"${KAFKA_PASSWORD}\" }",
					"expected a mapping (key: value lines) for sasl, got %s", kind(r))
				return
			}
			c.SASL = &SASL{Pos: d.pos(v)}
			d.sasl(c.SASL, v, p)
		},
		"client_id":                func(v ast.Node, p string) { c.ClientID = d.str(v, p) },
		"dial_timeout":             func(v ast.Node, p string) { c.DialTimeout, _ = d.duration(v, p, time.Millisecond) },
		"request_timeout_overhead": func(v ast.Node, p string) { c.RequestTimeoutOverhead, _ = d.duration(v, p, time.Millisecond) },
		"metadata_max_age":         func(v ast.Node, p string) { c.MetadataMaxAge, _ = d.duration(v, p, time.Second) },
	})
}

func (d *decoder) tls(t *TLS, n ast.Node, path string) {
	d.fields(n, secTLS, path, map[string]handler{
		"ca_file":     func(v ast.Node, p string) { t.CAFile = d.filePath(v, p) },
		"cert_file":   func(v ast.Node, p string) { t.CertFile = d.filePath(v, p) },
		"key_file":    func(v ast.Node, p string) { t.KeyFile = d.filePath(v, p) },
		"server_name": func(v ast.Node, p string) { t.ServerName = d.str(v, p) },
		"insecure_skip_verify": func(v ast.Node, p string) {
			t.InsecureSkipVerify, _ = d.boolean(v, p)
		},
	})
}

// schemaRef decodes a schema: a file name (relative to the scenario
// file's folder), read now, or the schema itself when the value spans
// lines or starts with "{".
func (d *decoder) schemaRef(n ast.Node, path string) *Schema {
	s := d.str(n, path)
	ref := &Schema{Pos: d.pos(n)}
	t := strings.TrimSpace(s)
	if t == "" {
		return ref
	}
	if strings.Contains(t, "\n") || strings.HasPrefix(t, "{") {
		ref.Text = s
		return ref
	}
	ref.File = d.filePath(n, path)
	b, err := os.ReadFile(ref.File)
	if err != nil {
		hint := "paths in a scenario file are relative to its folder; an inline schema starts with { or spans lines"
		d.errAt(n, path, hint, "cannot read schema file %q: %s", ref.File, fileProblem(err))
		return ref
	}
	ref.Text = string(b)
	return ref
}

func (d *decoder) registry(r *SchemaRegistry, n ast.Node, path string) {
	d.fields(n, secRegistry, path, map[string]handler{
		"url":           func(v ast.Node, p string) { r.URL = d.str(v, p) },
		"username":      func(v ast.Node, p string) { r.Username = d.str(v, p) },
		"compatibility": func(v ast.Node, p string) { r.Compatibility = d.str(v, p) },
		"password": func(v ast.Node, p string) {
			d.secret = true
			r.Password = d.str(v, p)
			d.secret = false
			if r.Password == "" {
				return
			}
			d.secrets[r.Password] = passwordMark
			if _, fromEnv := d.expanded[d.pos(v)]; !fromEnv {
				d.warn(&Error{Pos: d.pos(v), Path: p,
					Msg:  "the registry password is written in the scenario file, not taken from an environment variable",
					Hint: `write password: "${REGISTRY_PASSWORD}" and set REGISTRY_PASSWORD: scenario files end up in repositories`})
			}
		},
	})
}

func (d *decoder) sasl(s *SASL, n ast.Node, path string) {
	d.fields(n, secSASL, path, map[string]handler{
		"mechanism": func(v ast.Node, p string) { s.Mechanism = d.str(v, p) },
		"username":  func(v ast.Node, p string) { s.Username = d.str(v, p) },
		"password": func(v ast.Node, p string) {
			n := len(d.errs)
			d.secret = true
			s.Password = d.str(v, p)
			d.secret = false
			for _, e := range d.errs[n:] {
				// An alias problem has no path yet: it is this one's, and
				// "sasl needs a password" would only repeat it.
				if e.Path == "" {
					e.Path = p
				}
				d.bad[p] = true
			}
			if s.Password == "" {
				return
			}
			// Never shown, whether written in the file or substituted.
			d.secrets[s.Password] = passwordMark
			if _, fromEnv := d.expanded[d.pos(v)]; !fromEnv {
				d.warn(&Error{Pos: d.pos(v), Path: p,
					Msg:  "the password is written in the scenario file, not taken from an environment variable",
					Hint: `write password: "${KAFKA_PASSWORD}" and set KAFKA_PASSWORD: scenario files end up in repositories`})
			}
		},
	})
}

// passwordMark stands for the SASL password in messages.
const passwordMark = "[password]"

// filePath decodes a file name, relative to the scenario file's folder.
func (d *decoder) filePath(n ast.Node, path string) string {
	f := d.str(n, path)
	if f == "" || filepath.IsAbs(f) || d.file == "" {
		return f
	}
	return filepath.Join(filepath.Dir(d.file), f)
}

func (d *decoder) topics(s *Scenario, n ast.Node, path string) {
	items, _ := d.list(n, path, false)
	for i, item := range items {
		ip := indexPath(path, i)
		t := Topic{Pos: d.pos(item)}
		d.fields(item, secTopic, ip, map[string]handler{
			"name": func(v ast.Node, p string) { t.Name = d.str(v, p) },
			"partitions": func(v ast.Node, p string) {
				x, _ := d.integer(v, p, 1, 100_000)
				t.Partitions = int32(x)
			},
			"replication_factor": func(v ast.Node, p string) {
				if x, ok := d.integer(v, p, -1, 32_767); ok && x == 0 {
					d.errAt(v, p, "use -1 for the broker's default", "replication_factor 0 is not valid: expected -1 or at least 1")
				} else {
					t.ReplicationFactor = int16(x)
				}
			},
			"configs": func(v ast.Node, p string) {
				entries, _ := d.mapping(v, p, "a mapping of topic config names to values")
				t.Configs = make(map[string]string, len(entries))
				for _, e := range entries {
					cp := joinPath(p, e.key)
					d.keyPos[cp] = d.pos(e.valOrKey)
					if val, ok := d.scalar(e.val, cp, "a config value"); ok {
						t.Configs[e.key] = val
					}
				}
			},
			"create": func(v ast.Node, p string) { t.Create = CreateMode(d.str(v, p)) },
		})
		s.Topics = append(s.Topics, t)
	}
}

func (d *decoder) data(s *Scenario, n ast.Node, path string) {
	entries, _ := d.mapping(n, path, "a mapping of data set names to data sets")
	for _, e := range entries {
		dp := joinPath(path, e.key)
		d.keyPos[dp] = d.pos(e.keyNode)
		ds := &Data{Name: e.key, Pos: d.pos(e.keyNode)}
		sec := secData
		sec.in = fmt.Sprintf("in data set %q", e.key)
		d.fields(e.val, sec, dp, map[string]handler{
			"format":  func(v ast.Node, p string) { ds.Format = Format(d.str(v, p)) },
			"fields":  func(v ast.Node, p string) { ds.Fields = d.fieldList(v, p) },
			"size":    func(v ast.Node, p string) { d.sizeDist(&ds.Size, v, p) },
			"key":     func(v ast.Node, p string) { d.key(&ds.Key, v, p) },
			"seed":    func(v ast.Node, p string) { ds.Seed = d.seed(v, p) },
			"schema":  func(v ast.Node, p string) { ds.Schema = d.schemaRef(v, p) },
			"message": func(v ast.Node, p string) { ds.Message = d.str(v, p) },
			"hints": func(v ast.Node, p string) {
				entries, _ := d.mapping(v, p, "a mapping of field paths to generators, e.g. { email: email, age: int:18..99 }")
				ds.Hints = make(map[string]string, len(entries))
				for _, e := range entries {
					ds.Hints[e.key] = d.str(e.val, joinPath(p, e.key))
				}
			},
		})
		s.Data = append(s.Data, ds)
	}
}

// fieldList decodes a mapping of field names to field specs, in order.
func (d *decoder) fieldList(n ast.Node, path string) []*Field {
	entries, _ := d.mapping(n, path, "a mapping of field names to fields")
	out := make([]*Field, 0, len(entries))
	for _, e := range entries {
		fp := joinPath(path, e.key)
		d.keyPos[fp] = d.pos(e.keyNode)
		if f := d.field(e.key, e.val, fp, e.keyNode); f != nil {
			out = append(out, f)
		}
	}
	return out
}

// field decodes one field spec: a generator name (`id: uuid`), or a
// mapping of options. at is the node the field is reported at.
func (d *decoder) field(name string, n ast.Node, path string, at ast.Node) *Field {
	if d.nfields++; d.nfields > maxFields {
		if !d.tooMany {
			d.tooMany = true
			d.errAt(at, path, "", "more than %d fields (do aliases expand recursively?)", maxFields)
		}
		return nil
	}
	if d.depth >= maxFieldDepth {
		d.errAt(at, path, "", "fields are nested more than %d levels deep", maxFieldDepth)
		return nil
	}
	f := &Field{Name: name, Pos: d.pos(at), Decimals: -1}
	r := d.resolve(n)
	switch r.(type) {
	case nil:
		if n == nil {
			d.errAt(at, path, `e.g. "id: uuid" or "qty: { fake: int, min: 1, max: 9 }"`, "field %q has no generator", name)
		}
		return f
	case *ast.NullNode:
		d.errAt(at, path, `e.g. "id: uuid" or "qty: { fake: int, min: 1, max: 9 }"`, "field %q has no generator", name)
		return f
	case *ast.MappingNode, *ast.MappingValueNode:
	case ast.ScalarNode:
		f.Fake = d.str(n, path)
		return f
	default:
		d.errAt(n, path, `e.g. "id: uuid" or "qty: { fake: int, min: 1, max: 9 }"`,
			"expected a generator name or a mapping of options, got %s", kind(r))
		return f
	}
	if d.active[r] {
		d.errAt(at, path, "an alias cannot stand for a field that contains it", "field %q refers to itself through an alias", name)
		return f
	}
	d.active[r] = true
	d.depth++
	defer func() { d.depth--; delete(d.active, r) }()
	sec := secField
	sec.in = fmt.Sprintf("in field %q", name)
	present := d.fields(r, sec, path, map[string]handler{
		"fake": func(v ast.Node, p string) { f.Fake = d.str(v, p) },
		"min":  func(v ast.Node, p string) { f.Min, f.HasMin = d.number(v, p, nil, "") },
		"max":  func(v ast.Node, p string) { f.Max, f.HasMax = d.number(v, p, nil, "") },
		"values": func(v ast.Node, p string) {
			f.Values = d.strList(v, p, false)
		},
		"weights": func(v ast.Node, p string) {
			items, _ := d.list(v, p, false)
			f.Weights = make([]float64, len(items))
			for i, item := range items {
				f.Weights[i], _ = d.number(item, indexPath(p, i), func(w float64) bool { return w >= 0 }, "of at least 0")
			}
		},
		"value":  func(v ast.Node, p string) { f.Value = d.jsonLiteral(v, p) },
		"format": func(v ast.Node, p string) { f.Format = d.str(v, p) },
		"decimals": func(v ast.Node, p string) {
			x, _ := d.integer(v, p, 0, 15)
			f.Decimals = int(x)
		},
		"words": func(v ast.Node, p string) {
			x, _ := d.integer(v, p, 1, 1000)
			f.Words = int(x)
		},
		"null_ratio": func(v ast.Node, p string) {
			f.NullRatio, _ = d.number(v, p, func(x float64) bool { return x >= 0 && x <= 1 }, "from 0 to 1")
		},
		"fields": func(v ast.Node, p string) { f.Fields = d.fieldList(v, p) },
		"items":  func(v ast.Node, p string) { f.Items = d.field(name+"[]", v, p, v) },
		"min_items": func(v ast.Node, p string) {
			x, _ := d.integer(v, p, 0, maxArrayItems)
			f.MinItems = int(x)
		},
		"max_items": func(v ast.Node, p string) {
			x, _ := d.integer(v, p, 1, maxArrayItems)
			f.MaxItems = int(x)
		},
	})
	if present == nil {
		return f
	}
	if f.Fake == "" && present["fields"] != nil {
		f.Fake = "object"
	}
	// Options the generator does not take. Unknown generators are
	// reported by validate.
	opts, builtin := FieldKinds[f.Fake]
	if !builtin && !isFakeFunc(f.Fake) {
		return f
	}
	for _, o := range fieldOptions {
		if present[o] == nil || o == "fake" || o == "null_ratio" || slices.Contains(opts, o) {
			continue
		}
		hint := fmt.Sprintf("%s takes only null_ratio", f.Fake)
		switch {
		case !builtin:
			hint = "gofakeit functions take no options here besides null_ratio; use a built-in kind for options"
		case len(opts) > 0:
			hint = fmt.Sprintf("%s takes %s and null_ratio", f.Fake, strings.Join(opts, ", "))
		}
		d.errAt(present[o], path, hint, "option %s does not apply to fake: %s", o, f.Fake)
	}
	return f
}

// sizeKeys are the keys each size distribution takes besides
// distribution; the first ones are required.
var sizeKeys = map[SizeKind]struct{ required, optional []string }{
	SizeFixed:       {[]string{"size"}, nil},
	SizeUniform:     {[]string{"max"}, []string{"min"}},
	SizeNormal:      {[]string{"mean", "stddev"}, []string{"min", "max"}},
	SizeExponential: {[]string{"mean"}, []string{"min", "max"}},
}

func (d *decoder) sizeDist(sd *SizeDist, n ast.Node, path string) {
	r := d.resolve(n)
	if !isMapping(r) {
		sd.Kind = SizeFixed
		sd.Fixed, _ = d.size(n, path)
		return
	}
	var kind string
	present := d.fields(r, secSize, path, map[string]handler{
		"distribution": func(v ast.Node, p string) { kind = d.str(v, p) },
		"size":         func(v ast.Node, p string) { sd.Fixed, _ = d.size(v, p) },
		"min":          func(v ast.Node, p string) { sd.Min, _ = d.size(v, p) },
		"max":          func(v ast.Node, p string) { sd.Max, _ = d.size(v, p) },
		"mean":         func(v ast.Node, p string) { sd.Mean, _ = d.size(v, p) },
		"stddev":       func(v ast.Node, p string) { sd.Stddev, _ = d.size(v, p) },
	})
	if present == nil {
		return
	}
	sd.Kind = SizeKind(kind)
	if kind == "" {
		switch {
		case present["size"] != nil:
			sd.Kind = SizeFixed
		case present["mean"] == nil && (present["min"] != nil || present["max"] != nil):
			sd.Kind = SizeUniform
		default:
			d.errAt(r, path, "add distribution: fixed, uniform, normal or exponential", "size has no distribution")
			return
		}
	}
	keys, ok := sizeKeys[sd.Kind]
	if !ok {
		return // validate reports the unknown distribution
	}
	takes := fmt.Sprintf("distribution %s takes %s", sd.Kind, strings.Join(append(slices.Clone(keys.required), keys.optional...), ", "))
	var missing []string
	for _, k := range keys.required {
		if present[k] == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		d.errAt(r, path, takes, "size distribution %s needs %s", sd.Kind, strings.Join(missing, " and "))
	}
	for _, k := range secSize.keys[1:] {
		if present[k] != nil && !slices.Contains(keys.required, k) && !slices.Contains(keys.optional, k) {
			d.errAt(present[k], path, takes, "%s does not apply to size distribution %s", k, sd.Kind)
		}
	}
}

// keyOptions are the key settings each distribution takes besides
// distribution.
var keyOptions = map[KeyDistribution][]string{
	KeyNone:       nil,
	KeyUniform:    {"field", "cardinality"},
	KeySequential: {"field", "cardinality"},
	KeyZipf:       {"field", "cardinality", "zipf_s"},
	KeyHotSet:     {"field", "cardinality", "hot_keys", "hot_traffic"},
}

func (d *decoder) key(k *Key, n ast.Node, path string) {
	k.Pos = d.pos(n)
	r := d.resolve(n)
	if !isMapping(r) {
		const hint = "write `key: none`, or a mapping like { field: id, distribution: uniform, cardinality: 1000 }"
		s, ok := d.scalar(n, path, `"none" or a mapping`)
		if !ok {
			return
		}
		k.Distribution = KeyNone
		if strings.TrimSpace(s) != string(KeyNone) {
			d.errAt(n, path, hint, `expected "none" or a mapping, got %q`, d.shown(n, s))
		}
		return
	}
	var dist string
	present := d.fields(r, secKey, path, map[string]handler{
		"field":        func(v ast.Node, p string) { k.Field = d.str(v, p) },
		"distribution": func(v ast.Node, p string) { dist = d.str(v, p) },
		"cardinality": func(v ast.Node, p string) {
			k.Cardinality, _ = d.integer(v, p, 1, maxCardinality)
		},
		"zipf_s": func(v ast.Node, p string) {
			k.ZipfS, _ = d.number(v, p, func(x float64) bool { return x > 1 }, "greater than 1")
		},
		"hot_keys": func(v ast.Node, p string) {
			k.HotKeys, _ = d.number(v, p, func(x float64) bool { return x > 0 && x < 1 }, "between 0 and 1")
		},
		"hot_traffic": func(v ast.Node, p string) {
			k.HotTraffic, _ = d.number(v, p, func(x float64) bool { return x > 0 && x < 1 }, "between 0 and 1")
		},
	})
	if present == nil {
		return
	}
	k.Distribution = KeyDistribution(dist)
	if dist == "" {
		k.Distribution = KeyUniform
	}
	opts, ok := keyOptions[k.Distribution]
	if !ok {
		return // validate reports the unknown distribution
	}
	for _, o := range secKey.keys {
		if present[o] != nil && o != "distribution" && !slices.Contains(opts, o) {
			hint := fmt.Sprintf("distribution %s takes %s", k.Distribution, strings.Join(opts, ", "))
			if k.Distribution == KeyNone {
				hint = "remove it, or pick a distribution: uniform, zipf, sequential or hot-set"
			}
			d.errAt(present[o], path, hint, "%s does not apply to key distribution %s", o, k.Distribution)
		}
	}
}

// shown is how a problem may show the value s of the scalar n: as written
// in the file when an environment variable was substituted into it.
func (d *decoder) shown(n ast.Node, s string) string {
	if x, ok := d.expanded[d.pos(n)]; ok {
		return x.raw
	}
	return s
}

func (d *decoder) producers(s *Scenario, n ast.Node, path string) {
	items, _ := d.list(n, path, false)
	for i, item := range items {
		ip := indexPath(path, i)
		pr := Producer{Pos: d.pos(item)}
		d.fields(item, secProducer, ip, map[string]handler{
			"name":  func(v ast.Node, p string) { pr.Name = d.str(v, p) },
			"topic": func(v ast.Node, p string) { pr.Topic = d.str(v, p) },
			"data":  func(v ast.Node, p string) { pr.Data = d.str(v, p) },
			"instances": func(v ast.Node, p string) {
				x, _ := d.integer(v, p, 1, maxInstances)
				pr.Instances = int(x)
			},
			"rate":        func(v ast.Node, p string) { d.rate(&pr.Rate, v, p) },
			"acks":        func(v ast.Node, p string) { pr.Acks = Acks(d.str(v, p)) },
			"compression": func(v ast.Node, p string) { pr.Compression = d.str(v, p) },
			"linger":      func(v ast.Node, p string) { pr.Linger, _ = d.duration(v, p, 0) },
			"batch_size":  func(v ast.Node, p string) { pr.BatchSize, _ = d.size(v, p) },
			"idempotent":  func(v ast.Node, p string) { pr.Idempotent, _ = d.boolean(v, p) },
			"max_in_flight": func(v ast.Node, p string) {
				x, _ := d.integer(v, p, 1, 1000)
				pr.MaxInFlight = int(x)
			},
			"max_buffered": func(v ast.Node, p string) {
				x, _ := d.integer(v, p, 1, 100_000_000)
				pr.MaxBuffered = int(x)
			},
			"transactions": func(v ast.Node, p string) {
				pr.Transactions = &Transactions{Pos: d.pos(v)}
				d.transactions(pr.Transactions, v, p)
			},
			"subject": func(v ast.Node, p string) { pr.Subject = d.str(v, p) },
			"schema_change": func(v ast.Node, p string) {
				sc := &SchemaChange{Pos: d.pos(v)}
				pr.SchemaChange = sc
				d.fields(v, secSchemaChange, p, map[string]handler{
					"at": func(v ast.Node, p string) { sc.At, _ = d.duration(v, p, 0) },
					"to": func(v ast.Node, p string) { sc.To = d.schemaRef(v, p) },
				})
			},
		})
		s.Producers = append(s.Producers, pr)
	}
}

// rateKeys are the keys each rate profile takes besides profile (all
// required).
var rateKeys = map[RateProfile][]string{
	RateConstant:  {"rate"},
	RatePoisson:   {"rate"},
	RateRamp:      {"from", "to", "over"},
	RateSteps:     {"steps"},
	RateSine:      {"rate", "amplitude", "period"},
	RateSpike:     {"rate", "peak", "at", "for"},
	RateUnlimited: nil,
}

const rateHint = "write e.g. `rate: 5000/s`, `rate: unlimited`, or a profile like { profile: ramp, from: 0/s, to: 5000/s, over: 30s }"

func (d *decoder) rate(r *Rate, n ast.Node, path string) {
	r.Pos = d.pos(n)
	res := d.resolve(n)
	if !isMapping(res) {
		v, ok := convert(d, n, path, "a rate like 5000/s, unlimited, or a profile mapping", func(s string) (Rate, error) {
			if strings.TrimSpace(s) == string(RateUnlimited) {
				return Rate{Profile: RateUnlimited}, nil
			}
			v, err := ParseRate(s)
			if e, ok := err.(*Error); ok && (e.Hint == "" || strings.HasPrefix(e.Hint, "write records")) {
				e.Hint = rateHint
			}
			return Rate{Profile: RateConstant, Rate: v}, err
		})
		if ok {
			r.Profile, r.Rate = v.Profile, v.Rate
		}
		return
	}
	var profile string
	rate := func(dst *float64) handler {
		return func(v ast.Node, p string) { *dst, _ = d.rateValue(v, p) }
	}
	dur := func(dst *time.Duration) handler {
		return func(v ast.Node, p string) { *dst, _ = d.duration(v, p, 0) }
	}
	present := d.fields(res, secRate, path, map[string]handler{
		"profile":   func(v ast.Node, p string) { profile = d.str(v, p) },
		"rate":      rate(&r.Rate),
		"from":      rate(&r.From),
		"to":        rate(&r.To),
		"over":      dur(&r.Over),
		"amplitude": rate(&r.Amplitude),
		"period":    dur(&r.Period),
		"peak":      rate(&r.Peak),
		"at":        dur(&r.At),
		"for":       dur(&r.For),
		"steps": func(v ast.Node, p string) {
			items, _ := d.list(v, p, false)
			r.Steps = make([]Step, len(items))
			for i, item := range items {
				st := &r.Steps[i]
				sp := indexPath(p, i)
				got := d.fields(item, secStep, sp, map[string]handler{
					"rate": rate(&st.Rate),
					"for":  dur(&st.For),
				})
				if got != nil && (got["rate"] == nil || got["for"] == nil) {
					d.errAt(item, sp, "e.g. { rate: 1000/s, for: 10s }", "a step needs rate and for")
				}
			}
		},
	})
	if present == nil {
		return
	}
	r.Profile = RateProfile(profile)
	if profile == "" {
		switch {
		case present["steps"] != nil:
			r.Profile = RateSteps
		case present["from"] != nil || present["to"] != nil || present["over"] != nil:
			r.Profile = RateRamp
		case present["peak"] != nil || present["at"] != nil || present["for"] != nil:
			r.Profile = RateSpike
		case present["amplitude"] != nil || present["period"] != nil:
			r.Profile = RateSine
		case present["rate"] != nil:
			r.Profile = RateConstant
		default:
			d.errAt(res, path, "add profile: constant, ramp, steps, sine, spike, poisson or unlimited", "the rate has no profile")
			return
		}
	}
	keys, known := rateKeys[r.Profile]
	if !known {
		return // validate reports the unknown profile
	}
	takes := fmt.Sprintf("profile %s takes %s", r.Profile, strings.Join(keys, ", "))
	if len(keys) == 0 {
		takes = "profile unlimited takes no settings"
	}
	var missing []string
	for _, k := range keys {
		if present[k] == nil {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		d.errAt(res, path, takes, "profile %s needs %s", r.Profile, strings.Join(missing, " and "))
	}
	for _, k := range secRate.keys[1:] {
		if present[k] != nil && !slices.Contains(keys, k) {
			d.errAt(present[k], path, takes, "%s does not apply to profile %s", k, r.Profile)
		}
	}
}

func (d *decoder) consumers(s *Scenario, n ast.Node, path string) {
	items, _ := d.list(n, path, false)
	for i, item := range items {
		ip := indexPath(path, i)
		c := Consumer{Pos: d.pos(item)}
		d.fields(item, secConsumer, ip, map[string]handler{
			"name":  func(v ast.Node, p string) { c.Name = d.str(v, p) },
			"topic": func(v ast.Node, p string) { c.Topic = d.str(v, p) },
			"group": func(v ast.Node, p string) { c.Group = d.str(v, p) },
			"instances": func(v ast.Node, p string) {
				x, _ := d.integer(v, p, 1, maxInstances)
				c.Instances = int(x)
			},
			"isolation":      func(v ast.Node, p string) { c.Isolation = Isolation(d.str(v, p)) },
			"fetch_max_wait": func(v ast.Node, p string) { c.FetchMaxWait, _ = d.duration(v, p, time.Millisecond) },
			"reader_schema":  func(v ast.Node, p string) { c.ReaderSchema = d.schemaRef(v, p) },
		})
		s.Consumers = append(s.Consumers, c)
	}
}

func (d *decoder) transactions(t *Transactions, n ast.Node, path string) {
	d.fields(n, secTxn, path, map[string]handler{
		"records_per_txn": func(v ast.Node, p string) {
			x, _ := d.integer(v, p, 1, maxRecordsPerTxn)
			t.RecordsPerTxn = int(x)
		},
		"abort_ratio": func(v ast.Node, p string) {
			t.AbortRatio, _ = d.number(v, p, func(f float64) bool { return f >= 0 && f <= 1 }, "from 0 to 1")
		},
		"transactional_id": func(v ast.Node, p string) { t.ID = d.str(v, p) },
		"timeout":          func(v ast.Node, p string) { t.Timeout, _ = d.duration(v, p, time.Second) },
	})
}

func (d *decoder) pipeline(pl *Pipeline, n ast.Node, path string) {
	d.fields(n, secPipeline, path, map[string]handler{
		"input":  func(v ast.Node, p string) { pl.Input = d.str(v, p) },
		"output": func(v ast.Node, p string) { pl.Output = d.str(v, p) },
		"match": func(v ast.Node, p string) {
			pl.Match, _ = convert(d, v, p, "header or json:$.path", ParseMatch)
		},
		"expect":     func(v ast.Node, p string) { pl.Expect = Guarantee(d.str(v, p)) },
		"same_key":   func(v ast.Node, p string) { pl.SameKey, _ = d.boolean(v, p) },
		"same_value": func(v ast.Node, p string) { pl.SameValue, _ = d.boolean(v, p) },
		"ordered":    func(v ast.Node, p string) { pl.Ordered, _ = d.boolean(v, p) },
		"drain":      func(v ast.Node, p string) { pl.Drain, _ = d.duration(v, p, 0) },
	})
}

func (d *decoder) gates(s *Scenario, n ast.Node, path string) {
	items, _ := d.list(n, path, false)
	for i, item := range items {
		ip := indexPath(path, i)
		g, _ := convert(d, item, ip, `a gate like "e2e.p99 < 50ms"`, ParseGate)
		g.Pos = d.pos(item)
		s.Gates = append(s.Gates, g)
	}
}

func (d *decoder) report(r *Report, n ast.Node, path string) {
	d.fields(n, secReport, path, map[string]handler{
		"out":      func(v ast.Node, p string) { r.Out = d.str(v, p) },
		"formats":  func(v ast.Node, p string) { r.Formats = d.strList(v, p, true) },
		"interval": func(v ast.Node, p string) { r.Interval, _ = d.duration(v, p, minInterval) },
	})
}
