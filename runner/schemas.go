package runner

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/registry"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/schema"
	"github.com/kbench/kbench/schemadata"
)

// schemaTimeout bounds one registry request of the run.
const schemaTimeout = 30 * time.Second

// examples is how many decode errors and losses a group's report quotes.
const examples = 3

// schemaRun is a run's schema registry, and what producers and consumers
// did with schemas.
type schemaRun struct {
	cl   *sr.Client
	srv  *registry.Server // the embedded registry; nil for an external one
	desc string
	mode schema.Mode // the embedded registry's level

	mu    sync.Mutex
	texts map[int]string // writer schemas by id

	subjects     []*measure.SubjectUse // one per scenario producer with a schema
	groups       []*groupDecoder
	incompatible atomic.Int64
}

// startSchemas connects to the scenario's registry, or starts the embedded
// one; nil when no data set has a schema.
func startSchemas(sc *scenarios.Scenario) (*schemaRun, error) {
	if !sc.HasSchemas() {
		return nil, nil
	}
	s := &schemaRun{texts: map[int]string{}, mode: schema.Backward}
	reg := sc.SchemaRegistry
	if reg != nil && reg.URL != "" {
		opts := []sr.ClientOpt{sr.URLs(reg.URL)}
		if reg.Username != "" {
			opts = append(opts, sr.BasicAuth(reg.Username, reg.Password))
		}
		cl, err := sr.NewClient(opts...)
		if err != nil {
			return nil, fmt.Errorf("schema registry %s: %w", reg.URL, err)
		}
		s.cl, s.desc = cl, "registry at "+redactURL(reg.URL)
		return s, nil
	}
	if reg != nil && reg.Compatibility != "" {
		m, err := schema.ParseMode(reg.Compatibility)
		if err != nil {
			return nil, err
		}
		s.mode = m
	}
	srv, err := registry.NewServer(registry.WithCompatibility(s.mode))
	if err != nil {
		return nil, fmt.Errorf("starting the embedded schema registry: %w", err)
	}
	cl, err := srv.Client()
	if err != nil {
		srv.Close()
		return nil, err
	}
	s.cl, s.srv = cl, srv
	s.desc = fmt.Sprintf("embedded registry at %s (%s)", srv.URL, s.mode)
	return s, nil
}

func (s *schemaRun) close() {
	if s != nil && s.srv != nil {
		s.srv.Close()
	}
}

// redactURL drops credentials written into a registry URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	return u.String()
}

// ensure registers text under subject (or finds it there).
func (s *schemaRun) ensure(subject string, f schema.Format, text string) (id, version int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), schemaTimeout)
	defer cancel()
	id, version, err = registry.EnsureSchema(ctx, s.cl, subject, f, text)
	if err == nil {
		s.mu.Lock()
		s.texts[id] = text
		s.mu.Unlock()
	}
	return id, version, err
}

// text returns the schema with the given id, asking the registry once.
func (s *schemaRun) text(id uint32) (string, error) {
	s.mu.Lock()
	t, ok := s.texts[int(id)]
	s.mu.Unlock()
	if ok {
		return t, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), schemaTimeout)
	defer cancel()
	t, err := s.cl.SchemaTextByID(ctx, int(id))
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.texts[int(id)] = t
	s.mu.Unlock()
	return t, nil
}

// level returns the compatibility level a change under subject is judged
// by: the subject's, else the registry's global one, else BACKWARD.
func (s *schemaRun) level(subject string) schema.Mode {
	if s.srv != nil {
		return s.mode
	}
	ctx, cancel := context.WithTimeout(context.Background(), schemaTimeout)
	defer cancel()
	for _, res := range [][]sr.CompatibilityResult{s.cl.Compatibility(ctx, subject), s.cl.Compatibility(ctx)} {
		if len(res) == 1 && res[0].Err == nil {
			if m, err := schema.ParseMode(res[0].Level.String()); err == nil {
				return m
			}
		}
	}
	return schema.Backward
}

// report returns the run's schema report.
func (s *schemaRun) report() *measure.SchemaReport {
	if s == nil {
		return nil
	}
	r := &measure.SchemaReport{Registry: s.desc, Incompatible: s.incompatible.Load()}
	for _, u := range s.subjects {
		r.Subjects = append(r.Subjects, *u)
	}
	for _, g := range s.groups {
		d := g.result()
		r.DecodeErrors += d.Errors
		r.Lossy += d.Lossy
		r.Decoding = append(r.Decoding, d)
	}
	return r
}

// producerSchema is what a producer instance with a schema data set needs
// to write values.
type producerSchema struct {
	gen    *schemadata.Generator
	id     uint32
	idx    []int
	format schema.Format
	text   string
	subj   string
	change *schemaSwitch
	// use is the scenario producer's report, written by its instance 0.
	use *measure.SubjectUse
}

// schemaSwitch is a pending schema_change.
type schemaSwitch struct {
	at     time.Duration
	atNs   int64
	gen    *schemadata.Generator
	text   string
	source string
}

// newProducerSchema builds the generators of a producer instance's data
// set (and of its schema_change) and registers the schema.
func (s *schemaRun) newProducerSchema(p *scenarios.Producer, d *scenarios.Data, seed uint64, stream uint32, first bool) (*producerSchema, error) {
	f := d.SchemaFormat()
	opts := schemadata.Options{Seed: seed, Stream: uint64(stream), Message: d.Message, Hints: d.Hints}
	gen, err := schemadata.NewGenerator(f, d.Schema.Text, opts)
	if err != nil {
		return nil, fmt.Errorf("data set %s (%s): %w", d.Name, d.Schema.Source(), err)
	}
	ps := &producerSchema{gen: gen, idx: gen.MessageIndexes(), format: f, text: d.Schema.Text, subj: p.Subject}
	if ch := p.SchemaChange; ch != nil {
		g2, err := schemadata.NewGenerator(f, ch.To.Text, opts)
		if err != nil {
			return nil, fmt.Errorf("producer %s: schema_change.to (%s): %w", p.Name, ch.To.Source(), err)
		}
		ps.change = &schemaSwitch{at: ch.At, gen: g2, text: ch.To.Text, source: ch.To.Source()}
	}
	id, version, err := s.ensure(p.Subject, f, d.Schema.Text)
	if err != nil {
		return nil, fmt.Errorf("registering %s under subject %s: %w", d.Schema.Source(), p.Subject, err)
	}
	ps.id = uint32(id)
	if first {
		ps.use = &measure.SubjectUse{Producer: p.Name, Subject: p.Subject, Format: string(f),
			Versions: []measure.RegisteredSchema{{ID: id, Version: version, Source: d.Schema.Source()}}}
		s.mu.Lock()
		s.subjects = append(s.subjects, ps.use)
		s.mu.Unlock()
	}
	return ps, nil
}

// switchSchema performs the pending schema_change: registers the new
// schema and, if the registry accepts it, writes with it from now on.
// Instance 0 of the producer reports the outcome, with kbench's own
// verdict under the subject's level.
func (s *schemaRun) switchSchema(ps *producerSchema) {
	ch := ps.change
	ps.change = nil
	id, version, err := s.ensure(ps.subj, ps.format, ch.text)
	if err == nil {
		ps.gen, ps.id, ps.idx = ch.gen, uint32(id), ch.gen.MessageIndexes()
	}
	if ps.use == nil {
		return
	}
	mode := s.level(ps.subj)
	out := &measure.SchemaChangeOutcome{AtS: ch.at.Seconds(), To: ch.source, Mode: string(mode), Accepted: err == nil}
	if err != nil {
		out.RegistryError = err.Error()
	} else {
		ps.use.Versions = append(ps.use.Versions, measure.RegisteredSchema{ID: id, Version: version, Source: ch.source,
			FromS: ch.at.Seconds()})
	}
	res, cerr := schema.Check(ps.format, mode, []string{ps.text}, ch.text)
	switch {
	case cerr != nil:
		out.Incompatibilities = []string{cerr.Error()}
	case res.Compatible():
		out.Compatible = true
	default:
		for _, inc := range res.Incompatibilities {
			out.Incompatibilities = append(out.Incompatibilities, inc.String())
		}
	}
	if !out.Accepted || !out.Compatible {
		s.incompatible.Add(1)
	}
	ps.use.Change = out
}

// groupDecoder decodes one consumer group's schema records.
type groupDecoder struct {
	s   *schemaRun
	dec *schemadata.Decoder

	decoded, errors, lossy, defaulted atomic.Int64

	mu       sync.Mutex
	byWriter map[uint32]int64
	res      measure.SchemaDecoding
}

// newGroupDecoder returns the decoder of consumer c, or nil when its
// topic carries no schema data.
func (s *schemaRun) newGroupDecoder(sc *scenarios.Scenario, c *scenarios.Consumer) (*groupDecoder, error) {
	var d *scenarios.Data
	for _, p := range sc.Producers {
		if p.Topic == c.Topic {
			if pd := sc.DataByName(p.Data); pd != nil && pd.Schema != nil {
				d = pd
				break
			}
		}
	}
	if s == nil || d == nil {
		return nil, nil
	}
	reader := d.Schema
	if c.ReaderSchema != nil {
		reader = c.ReaderSchema
	}
	dec, err := schemadata.NewDecoder(d.SchemaFormat(), reader.Text, schemadata.DecodeOptions{})
	if err != nil {
		return nil, fmt.Errorf("consumer %s: reader schema %s: %w", c.Name, reader.Source(), err)
	}
	g := &groupDecoder{s: s, dec: dec, byWriter: map[uint32]int64{},
		res: measure.SchemaDecoding{Group: c.Group, Topic: c.Topic, Reader: reader.Source()}}
	s.groups = append(s.groups, g)
	return g, nil
}

// decode reads one record value with the group's reader schema.
func (g *groupDecoder) decode(value []byte) {
	res, id, err := g.dec.DecodeRecord(value, g.s.text)
	g.mu.Lock()
	defer g.mu.Unlock()
	if id != 0 || err == nil {
		g.byWriter[id]++
	}
	if err != nil {
		g.errors.Add(1)
		g.res.FirstErrors = addExample(g.res.FirstErrors, err.Error())
		return
	}
	g.decoded.Add(1)
	if len(res.Defaulted) > 0 {
		g.defaulted.Add(1)
	}
	if !res.Lossless() {
		g.lossy.Add(1)
		if len(g.res.FirstLosses) < examples {
			g.res.FirstLosses = addExample(g.res.FirstLosses, fmt.Sprintf("writer schema %d: dropped %v, unknown %v, invalid %v",
				id, res.Dropped, res.Unknown, res.Invalid))
		}
	}
}

// addExample adds e to a short list of distinct examples.
func addExample(list []string, e string) []string {
	if len(list) >= examples || slices.Contains(list, e) {
		return list
	}
	return append(list, e)
}

func (g *groupDecoder) result() measure.SchemaDecoding {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.res
	r.Decoded, r.Errors, r.Lossy, r.Defaulted = g.decoded.Load(), g.errors.Load(), g.lossy.Load(), g.defaulted.Load()
	r.ByWriter = map[string]int64{}
	for id, n := range g.byWriter {
		r.ByWriter[strconv.FormatUint(uint64(id), 10)] = n
	}
	return r
}
