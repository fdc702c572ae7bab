package schemadata

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hamba/avro/v2"
)

// avroReader decodes Avro payloads with a reader schema.
type avroReader struct {
	reader avro.Schema
}

// avroWriter is a writer schema prepared against the reader: the schema
// hamba/avro resolved, the plan that walks the writer's encoding to find
// dropped and defaulted fields, and a hamba/avro configuration of its
// own: the codec caches are keyed by fingerprints, a resolved schema
// carries its writer's, and schemas that share type names must not share
// codecs.
type avroWriter struct {
	resolved avro.Schema
	plan     *avroPlan
	api      avro.API
}

func newAvroReader(text string) (*avroReader, error) {
	s, err := parseAvroSchema(text)
	if err != nil {
		return nil, err
	}
	return &avroReader{reader: s}, nil
}

func (a *avroReader) prepare(text string) (any, error) {
	if strings.TrimSpace(text) == "" {
		return nil, errors.New("avro needs the writer's schema to read a record")
	}
	w, err := parseAvroSchema(text)
	if err != nil {
		return nil, err
	}
	if w.Fingerprint() == a.reader.Fingerprint() {
		// The same schema: no resolution needed (and hamba/avro's resolver
		// trips over unions holding both bytes and string).
		return &avroWriter{resolved: a.reader, plan: newPlanner().plan(w, a.reader), api: avro.Config{}.Freeze()}, nil
	}
	resolved, err := avro.NewSchemaCompatibility().Resolve(a.reader, w)
	if err != nil {
		return nil, fmt.Errorf("the reader schema cannot read records written with this schema: %s", strings.TrimPrefix(err.Error(), "avro: "))
	}
	p := newPlanner()
	return &avroWriter{resolved: resolved, plan: p.plan(w, a.reader), api: avro.Config{}.Freeze()}, nil
}

func (a *avroReader) decode(payload []byte, w *avroWriter) (*Decoded, error) {
	var v any
	if err := w.api.Unmarshal(w.resolved, payload, &v); err != nil {
		return nil, fmt.Errorf("cannot read the record with the reader schema: %s", strings.TrimPrefix(err.Error(), "avro: "))
	}
	res := &Decoded{Value: v}
	wk := avroWalker{b: payload}
	var dropped, defaulted pathList
	wk.dropped, wk.defaulted = &dropped, &defaulted
	if err := wk.walk(w.plan, ""); err != nil {
		// hamba/avro may accept a record cut short; the walk does not.
		return nil, fmt.Errorf("cannot read the record with the writer schema: %w", err)
	}
	if wk.pos != len(payload) {
		return nil, fmt.Errorf("%d bytes follow the record: the payload was probably not written with this writer schema", len(payload)-wk.pos)
	}
	res.Dropped, res.Defaulted = dropped, defaulted
	return res, nil
}

// avroPlan is a writer type paired with the reader type that reads it
// (nil when the reader drops it): enough to walk the writer's encoding
// and name the fields the reader drops or defaults.
type avroPlan struct {
	typ  avro.Type
	size int // fixed

	fields    []avroPlanField // record, in writer order
	defaulted []string        // record: reader fields the writer lacks
	branches  []*avroPlan     // union
	items     *avroPlan       // array items, map values

	// lossy: a dropped or defaulted field lies in this type (or below).
	lossy bool
}

type avroPlanField struct {
	name    string
	dropped bool
	plan    *avroPlan
}

type planKey struct{ w, r avro.Schema }

type planner struct {
	done map[planKey]*avroPlan
	all  []*avroPlan
	deps map[*avroPlan][]*avroPlan
}

func newPlanner() *planner {
	return &planner{done: map[planKey]*avroPlan{}, deps: map[*avroPlan][]*avroPlan{}}
}

func derefAvro(s avro.Schema) avro.Schema {
	if ref, ok := s.(*avro.RefSchema); ok {
		return ref.Schema()
	}
	return s
}

// plan pairs writer type w with reader type r the way hamba/avro's
// resolution does (fields by name or reader alias; a writer branch read by
// the first compatible reader branch), then marks lossy plans.
func (p *planner) plan(w, r avro.Schema) *avroPlan {
	root := p.pair(w, r)
	for changed := true; changed; {
		changed = false
		for _, n := range p.all {
			if n.lossy {
				continue
			}
			for _, child := range p.deps[n] {
				if child.lossy {
					n.lossy, changed = true, true
					break
				}
			}
		}
	}
	return root
}

func (p *planner) pair(w, r avro.Schema) *avroPlan {
	w = derefAvro(w)
	if r != nil {
		r = derefAvro(r)
	}
	key := planKey{w, r}
	if n, ok := p.done[key]; ok {
		return n
	}
	n := &avroPlan{typ: w.Type()}
	p.done[key] = n
	p.all = append(p.all, n)
	// A reader union reads a writer non-union with its first compatible
	// branch.
	if ru, ok := r.(*avro.UnionSchema); ok && w.Type() != avro.Union {
		r = nil
		for _, b := range ru.Types() {
			if avro.NewSchemaCompatibility().Compatible(b, w) == nil {
				r = derefAvro(b)
				break
			}
		}
	}
	switch t := w.(type) {
	case *avro.RecordSchema:
		rr, _ := r.(*avro.RecordSchema)
		seen := map[string]bool{}
		for _, wf := range t.Fields() {
			f := avroPlanField{name: wf.Name()}
			var rt avro.Schema
			if rr != nil {
				for _, rf := range rr.Fields() {
					if rf.Name() == wf.Name() || slices.Contains(rf.Aliases(), wf.Name()) {
						rt, seen[rf.Name()] = rf.Type(), true
						break
					}
				}
				f.dropped = rt == nil
			}
			if f.dropped {
				n.lossy = true
			}
			f.plan = p.pair(wf.Type(), rt)
			p.deps[n] = append(p.deps[n], f.plan)
			n.fields = append(n.fields, f)
		}
		if rr != nil {
			for _, rf := range rr.Fields() {
				if !seen[rf.Name()] {
					n.defaulted = append(n.defaulted, rf.Name())
					n.lossy = true
				}
			}
		}
	case *avro.UnionSchema:
		for _, b := range t.Types() {
			bp := p.pair(b, r)
			n.branches = append(n.branches, bp)
			p.deps[n] = append(p.deps[n], bp)
		}
	case *avro.ArraySchema:
		var ri avro.Schema
		if ra, ok := r.(*avro.ArraySchema); ok {
			ri = ra.Items()
		}
		n.items = p.pair(t.Items(), ri)
		p.deps[n] = append(p.deps[n], n.items)
	case *avro.MapSchema:
		var rv avro.Schema
		if rm, ok := r.(*avro.MapSchema); ok {
			rv = rm.Values()
		}
		n.items = p.pair(t.Values(), rv)
		p.deps[n] = append(p.deps[n], n.items)
	case *avro.FixedSchema:
		n.size = t.Size()
	}
	return n
}

// avroWalker reads an Avro binary encoding with a plan, recording dropped
// and defaulted fields, and checks that the encoding ends where the
// record does.
type avroWalker struct {
	b                  []byte
	pos                int
	depth              int
	steps              int
	dropped, defaulted *pathList
}

var errAvroTruncated = errors.New("it ends early: the payload is cut short or was not written with this writer schema")

func (w *avroWalker) long() (int64, error) {
	u, n := binary.Uvarint(w.b[w.pos:])
	if n <= 0 {
		return 0, errAvroTruncated
	}
	w.pos += n
	return int64(u>>1) ^ -int64(u&1), nil
}

func (w *avroWalker) skip(n int64) error {
	if n < 0 || n > int64(len(w.b)-w.pos) {
		return errAvroTruncated
	}
	w.pos += int(n)
	return nil
}

func (w *avroWalker) walk(p *avroPlan, path string) error {
	w.depth++
	defer func() { w.depth-- }()
	if w.depth > 10000 {
		return errors.New("the record nests too deeply")
	}
	// Values of null or empty records take no bytes: bound the work on
	// hostile item counts.
	if w.steps++; w.steps > 8*len(w.b)+1<<20 {
		return errors.New("the record holds too many values for its size")
	}
	switch p.typ {
	case avro.Null:
		return nil
	case avro.Boolean:
		return w.skip(1)
	case avro.Int, avro.Long, avro.Enum:
		_, err := w.long()
		return err
	case avro.Float:
		return w.skip(4)
	case avro.Double:
		return w.skip(8)
	case avro.Bytes, avro.String:
		n, err := w.long()
		if err != nil {
			return err
		}
		return w.skip(n)
	case avro.Fixed:
		return w.skip(int64(p.size))
	case avro.Record:
		for _, f := range p.fields {
			fp := ""
			if p.lossy {
				fp = joinPath(path, f.name)
				if f.dropped {
					w.dropped.add(fp)
				}
			}
			if err := w.walk(f.plan, fp); err != nil {
				return err
			}
		}
		for _, d := range p.defaulted {
			w.defaulted.add(joinPath(path, d))
		}
		return nil
	case avro.Union:
		i, err := w.long()
		if err != nil {
			return err
		}
		if i < 0 || i >= int64(len(p.branches)) {
			return fmt.Errorf("union branch %d does not exist in the writer schema", i)
		}
		return w.walk(p.branches[i], path)
	case avro.Array, avro.Map:
		for {
			n, err := w.long()
			if err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			if n < 0 {
				if n == math.MinInt64 {
					return errAvroTruncated
				}
				n = -n
				if _, err := w.long(); err != nil { // the block's size in bytes
					return err
				}
			}
			for range n {
				if p.typ == avro.Map {
					k, err := w.long()
					if err != nil {
						return err
					}
					if err := w.skip(k); err != nil {
						return err
					}
				}
				if err := w.walk(p.items, path); err != nil {
					return err
				}
			}
		}
	}
	return fmt.Errorf("unexpected avro type %s", p.typ)
}
