package runner

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/generators"
	"github.com/kbench/kbench/internal/recordmatch"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/pacer"
	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/schemadata"
	"github.com/kbench/kbench/verify"
)

// producerInstance is one producer client with its own generator and pacer.
type producerInstance struct {
	name      string
	spec      *scenarios.Producer
	runID     uint64
	stream    uint32
	cl        *kgo.Client
	gen       *generators.Generator
	pace      pacer.Pacer
	unlimited bool
	shard     *measure.ProducerShard
	pool      sync.Pool // of *outRecord
	clk       clock
	// acks is used only by the client's promise calls, which franz-go
	// serializes, and by flushAcks once the client has flushed.
	acks measure.AckTally
	// vrecs feed the verifications of this producer's topic (one per
	// consumer group reading it); used by promises, like acks.
	vrecs []*verify.Recorder
	// txn is the open transaction of a transactional producer; nil for
	// others. txnErrs and lastTxnErr count transactions that failed to
	// end (the sending goroutine's, read after it stops).
	txn        *txnState
	txnErrs    int64
	lastTxnErr error
	// pvrecs feed the verifications of a pipeline's output when this
	// producer writes the pipeline's input: acknowledged offsets are the
	// input's, so they are not passed on. pipe is what the records carry
	// for the pipeline (nil when the producer does not feed one).
	pvrecs []*verify.Recorder
	pipe   *recordmatch.Writer
	// schema writes values of a data set with a schema (nil for others).
	schema  *producerSchema
	schemas *schemaRun
	// fatal is why the producer stopped early (a value it could not make).
	fatal error
	// inflight counts records handed to the client whose promise has not
	// returned: franz-go's BufferedProduceRecords leaves out records that
	// fail before they are buffered, whose promises may still run.
	inflight atomic.Int64
}

// outRecord is a record in flight. Records are pooled: after the promise
// the client no longer touches them, so their buffers are reused and the
// steady state allocates nothing per record.
type outRecord struct {
	rec            kgo.Record
	headers        [2]kgo.RecordHeader
	id             [recordid.Size]byte
	keySum         [4]byte
	keyBuf, valBuf []byte
	pipeBuf        []byte // the value with the identity, for match: json
	intended, sent int64
	seq            uint64
	p              *producerInstance
	promise        func(*kgo.Record, error)
}

func (o *outRecord) done(_ *kgo.Record, err error) {
	p := o.p
	if err != nil {
		p.shard.Failed(err)
		for _, v := range p.vrecs {
			v.Failed(p.stream, o.seq)
		}
		for _, v := range p.pvrecs {
			v.Failed(p.stream, o.seq)
		}
		if p.txn != nil {
			p.txn.failed.Store(true)
		}
	} else {
		p.acks.Acked(p.shard, o.intended, o.sent, p.clk.now(), len(o.rec.Key)+len(o.rec.Value))
		for _, v := range p.vrecs {
			v.Acked(p.stream, o.seq, o.rec.Partition, o.rec.Offset)
		}
		for _, v := range p.pvrecs {
			v.Acked(p.stream, o.seq, -1, -1)
		}
		if p.txn != nil {
			p.txn.acked.Add(1)
		}
	}
	p.pool.Put(o)
	p.inflight.Add(-1)
}

// waitInflight waits, at most max, until every produced record's promise
// has run.
func (p *producerInstance) waitInflight(max time.Duration) {
	deadline := time.Now().Add(max)
	for (p.inflight.Load() > 0 || p.cl.BufferedProduceRecords() > 0) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
}

func newProducerInstance(r *run, p *scenarios.Producer, i int, stream uint32) (*producerInstance, error) {
	data := r.sc.DataByName(p.Data)
	if data == nil {
		return nil, fmt.Errorf("unknown data %q", p.Data)
	}
	seed := data.Seed
	if seed == 0 {
		seed = r.sc.Seed
	}
	var ps *producerSchema
	if data.Schema != nil {
		var err error
		ps, err = r.schemas.newProducerSchema(p, data, seed, stream, i == 0)
		if err != nil {
			return nil, err
		}
		// Keys come from the data set's key settings; values from the
		// schema generator.
		data = data.KeysOnly()
	}
	gen, err := generators.New(data, seed, uint64(stream))
	if err != nil {
		return nil, err
	}
	pace, err := pacer.New(p.Rate, 1/float64(p.Instances), r.sc.Duration, seed^uint64(stream+1)*0x9e3779b97f4a7c15)
	if err != nil {
		return nil, err
	}
	popts, err := producerOpts(p, max(r.sc.Drain, 5*time.Second))
	if err != nil {
		return nil, err
	}
	if p.Transactions != nil {
		popts = append(popts, txnOpts(p.Transactions, i)...)
	}
	opts := r.clientOpts(clientID(r.sc, "producer-"+p.Name), popts...)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	inst := &producerInstance{
		name:      fmt.Sprintf("%s#%d", p.Name, i),
		spec:      p,
		runID:     r.runID,
		stream:    stream,
		cl:        cl,
		gen:       gen,
		pace:      pace,
		unlimited: p.Rate.Profile == scenarios.RateUnlimited,
		schema:    ps,
		schemas:   r.schemas,
	}
	if p.Transactions != nil {
		inst.txn = newTxnState(p.Transactions, seed, stream)
	}
	if pl := r.sc.Pipeline; pl != nil && p.Topic == pl.Input {
		inst.pipe = recordmatch.NewWriter(pl)
	}
	inst.pool.New = func() any {
		o := &outRecord{p: inst}
		o.promise = o.done
		return o
	}
	return inst, nil
}

// attachProducers registers every producer with the collector and hands
// each instance its shard.
func attachProducers(col *measure.Collector, sc *scenarios.Scenario, producers []*producerInstance) error {
	at := 0
	for pi := range sc.Producers {
		p := &sc.Producers[pi]
		info := measure.ProducerInfo{Name: p.Name, Topic: p.Topic, Instances: p.Instances}
		if !pacer.Unlimited(p.Rate) {
			rate, end := p.Rate, sc.Duration
			// Nothing is intended after the duration.
			info.Expected = func(d time.Duration) float64 { return pacer.Expected(rate, 1, min(d, end)) }
		}
		shards := col.AddProducer(info)
		for i := range p.Instances {
			producers[at+i].shard = shards[i]
		}
		at += p.Instances
	}
	return nil
}

// run sends records at their intended times until the profile ends, the
// deadline passes or ctx is cancelled. It never waits for acknowledgements
// to decide when to send: a slow cluster makes sends late (counted), not
// fewer.
func (p *producerInstance) run(ctx context.Context, start, deadline time.Time) {
	clk := p.clk
	var tally measure.SendTally
	defer tally.Flush(p.shard)
	topic := p.spec.Topic
	var seq uint64
	deadlineNs := clk.at(deadline)
	if p.txn != nil {
		// The last transaction ends with the run; when interrupted, within
		// the few seconds an interrupted run allows.
		defer func() {
			limit := txnEndTimeout
			if ctx.Err() != nil {
				limit = flushOnInterrupt
			}
			p.endTxn(limit)
		}()
	}
	for {
		// Checking every record would cost more than the check is worth;
		// paced sends also notice cancellation in Wait.
		if seq&63 == 0 && ctx.Err() != nil {
			return
		}
		var intended int64
		if !p.unlimited {
			off, ok := p.pace.Next()
			if !ok {
				return
			}
			at := start.Add(off)
			if _, err := pacer.Wait(ctx, at); err != nil {
				return
			}
			if clk.now() >= deadlineNs {
				p.shard.Unsent(1 + p.remaining())
				return
			}
			intended = clk.at(at)
		}

		o := p.pool.Get().(*outRecord)
		// A bytes value may be a read-only slice of the generator's pool:
		// no copy, and the bytes franz-go reads later are warm.
		var val []byte
		var shared bool
		o.keyBuf, val, shared = p.gen.NextShared(o.keyBuf[:0], o.valBuf[:0])
		if !shared {
			o.valBuf = val
		}
		if ps := p.schema; ps != nil {
			if !p.schemaValue(o, ps, start) {
				p.pool.Put(o)
				return
			}
			val = o.valBuf
		}
		now := clk.now()
		if p.unlimited {
			if now >= deadlineNs {
				p.pool.Put(o)
				return
			}
			intended = now
		}
		if p.txn != nil && !p.txn.open && !p.beginTxn(seq) {
			p.pool.Put(o)
			if !p.unlimited {
				p.shard.Unsent(1 + p.remaining())
			}
			return
		}
		o.intended, o.sent, o.seq = intended, now, seq
		id := recordid.ID{
			RunID:    p.runID,
			Stream:   p.stream,
			Seq:      seq,
			Intended: intended,
			Sent:     now,
			Checksum: recordid.Checksum(val),
		}
		seq++
		value, headers := val, o.headers[:1]
		if pp := p.pipe; pp != nil {
			var keyHeader []byte
			value, keyHeader = pp.Record(o.keyBuf, val, &id, &o.pipeBuf, &o.keySum)
			if keyHeader != nil {
				o.headers[1] = kgo.RecordHeader{Key: recordmatch.KeyChecksumHeader, Value: keyHeader}
				headers = o.headers[:2]
			}
		}
		o.headers[0] = kgo.RecordHeader{Key: recordid.HeaderKey, Value: id.Append(o.id[:0])}
		// Stamping the record ourselves spares franz-go a time.Now (two
		// clock reads) per record.
		o.rec = kgo.Record{Topic: topic, Key: o.keyBuf, Value: value, Headers: headers,
			Timestamp: time.Unix(0, now)}
		tally.Sent(p.shard, intended, now)
		p.inflight.Add(1)
		p.cl.Produce(ctx, &o.rec, o.promise)
		if t := p.txn; t != nil {
			t.n++
			if t.n >= t.per {
				p.endTxn(txnEndTimeout)
			}
		}
	}
}

// schemaValue makes o's value from the schema generator, in the wire
// format, switching schema first when the producer's schema_change is due.
// It returns false, with p.fatal set, when no value can be made.
func (p *producerInstance) schemaValue(o *outRecord, ps *producerSchema, start time.Time) bool {
	if ch := ps.change; ch != nil && time.Since(start) >= ch.at {
		p.schemas.switchSchema(ps)
	}
	o.valBuf = schemadata.AppendHeader(o.valBuf[:0], ps.id, ps.idx)
	v, err := ps.gen.AppendValue(o.valBuf)
	if err != nil {
		p.fatal = fmt.Errorf("generating a value: %w", err)
		return false
	}
	o.valBuf = v
	return true
}

// flushAcks publishes the last acknowledgements; call it after the client
// has flushed (no promise runs any more).
func (p *producerInstance) flushAcks() { p.acks.Flush(p.shard) }

// remaining counts the records the pacer still intends to send.
func (p *producerInstance) remaining() int64 {
	var n int64
	for {
		if _, ok := p.pace.Next(); !ok {
			return n
		}
		n++
		if n == math.MaxInt64 {
			return n
		}
	}
}
