// Package audit verifies records already on Kafka topics, without
// producing: every kbench run's records on one topic, or a pipeline's
// output against its input. It is what `kbench verify` runs.
//
// A topic audit has no producer to say what was acknowledged. It takes, for
// each producer instance (stream) of each run, every sequence number below
// the highest one on the topic as written: a gap is a lost record; a seq
// at two offsets a duplicate write; a value that does not match its
// identity's checksum a corrupted one. Records lost after the last one a
// stream wrote cannot be seen this way.
//
// A pipeline audit reads the input topic first: its records are the ones
// to expect. Then it reads the output and checks it like a run's pipeline
// verification, under the guarantee the pipeline promises.
package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/internal/recordmatch"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/verify"
)

// Defaults for Options.
const (
	// DefaultIdle is how long a read waits for more records before it
	// takes a topic as read to its end (Options.Idle).
	DefaultIdle = 5 * time.Second
	// MaxRuns is how many runs one audit verifies; records of further
	// runs are counted in Result.SkippedRuns.
	MaxRuns = 64
	// listTimeout bounds asking the brokers where a topic ends.
	listTimeout = 30 * time.Second
)

// Options configures an audit.
type Options struct {
	// Brokers are the seed brokers. Required.
	Brokers []string
	// ClientOpts are added to the audit's franz-go clients (TLS, SASL).
	ClientOpts []kgo.Opt
	// Topic is the topic to audit; leave it empty with Pipeline.
	Topic string
	// Pipeline, when set, audits Pipeline.Output against Pipeline.Input,
	// matched and judged as the pipeline's settings say.
	Pipeline *scenarios.Pipeline
	// Guarantee decides which findings fail a topic audit (a pipeline's
	// own Expect decides for a pipeline audit). Default exactly-once.
	Guarantee scenarios.Guarantee
	// ReadUncommitted reads records of aborted and open transactions too.
	// Default false: read_committed, which a pipeline's consumers use.
	ReadUncommitted bool
	// RunID, when not 0, audits only that run's records.
	RunID uint64
	// Findings, if set, receives every finding as one JSON line, tagged
	// with its run id.
	Findings io.Writer
	// Idle is how long a read may see no new record before the topic
	// counts as read to its end (needed where transaction markers end a
	// partition). Default DefaultIdle.
	Idle time.Duration
}

// Result is an audit's outcome.
type Result struct {
	// Topic is the audited topic; Input and Output those of a pipeline.
	Topic, Input, Output string
	// Records counts the records read (of the output, for a pipeline);
	// InputRecords those of a pipeline's input.
	Records, InputRecords int64
	// Unidentified counts records with no kbench identity.
	Unidentified int64
	// SkippedRuns counts runs beyond MaxRuns left out.
	SkippedRuns int
	// Runs are the verdicts, one per run id found, oldest run id first.
	Runs []Run
	// Partial is true when a read was cut short (context done), so that
	// missing records may just be unread.
	Partial bool
}

// Run is the verdict on one kbench run's records.
type Run struct {
	RunID        string               `json:"run_id"`
	Verification measure.Verification `json:"verification"`
}

// Failures sums the failures of every run.
func (r *Result) Failures() int64 {
	var n int64
	for _, run := range r.Runs {
		n += run.Verification.Failures
	}
	return n
}

// auditor holds one verifier per run found.
type auditor struct {
	opts    Options
	policy  measure.FailurePolicy
	runs    map[uint64]*runState
	skipped map[uint64]bool
	ref     verify.ConsumerRef
}

type runState struct {
	v      *verify.Verifier
	maxSeq map[uint32]uint64 // highest seq seen +1, per stream (topic audit)
}

// Audit runs the audit opts describe.
func Audit(ctx context.Context, opts Options) (*Result, error) {
	if len(opts.Brokers) == 0 {
		return nil, errors.New("no brokers: give --brokers or KBENCH_BROKERS")
	}
	if (opts.Topic == "") == (opts.Pipeline == nil) {
		return nil, errors.New("audit one topic or one pipeline")
	}
	if opts.Idle <= 0 {
		opts.Idle = DefaultIdle
	}
	guarantee := opts.Guarantee
	if opts.Pipeline != nil {
		guarantee = opts.Pipeline.Expect
	}
	if guarantee == "" {
		guarantee = scenarios.ExactlyOnce
	}
	a := &auditor{opts: opts, runs: map[uint64]*runState{}, skipped: map[uint64]bool{},
		ref:    verify.ConsumerRef{Member: "kbench-verify"},
		policy: measure.FailurePolicy{Guarantee: string(guarantee)}}
	if opts.Pipeline != nil {
		a.policy.Ordered = opts.Pipeline.Ordered
	}
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(opts.Brokers...)}, opts.ClientOpts...)...)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)

	res := &Result{Topic: opts.Topic}
	if pl := opts.Pipeline; pl != nil {
		res.Input, res.Output = pl.Input, pl.Output
		// The input is what to expect: a record of an aborted input
		// transaction in the output is unexpected.
		n, partial, err := a.read(ctx, adm, pl.Input, !opts.ReadUncommitted, func(rec *kgo.Record) {
			id, ok := headerID(rec)
			if !ok {
				return
			}
			if st := a.run(id.RunID); st != nil {
				st.v.Acked(id.Stream, id.Seq, -1, -1)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("reading input %s: %w", pl.Input, err)
		}
		res.InputRecords, res.Partial = n, partial
		match := recordmatch.NewReader(pl)
		n, partial, err = a.read(ctx, adm, pl.Output, !opts.ReadUncommitted, func(rec *kgo.Record) {
			id, sum, ok := match.Identify(rec)
			if ok {
				if st := a.run(id.RunID); st != nil && rec.Key != nil {
					st.v.ConsumedKey(a.ref, rec.Partition, rec.Offset, id, sum, recordmatch.KeyHash(rec.Key), rec.Timestamp.UnixNano())
				} else if st != nil {
					st.v.Consumed(a.ref, rec.Partition, rec.Offset, id, sum, rec.Timestamp.UnixNano())
				}
				return
			}
			res.Unidentified++
		})
		if err != nil {
			return nil, fmt.Errorf("reading output %s: %w", pl.Output, err)
		}
		res.Records, res.Partial = n, res.Partial || partial
	} else {
		n, partial, err := a.read(ctx, adm, opts.Topic, !opts.ReadUncommitted, func(rec *kgo.Record) {
			id, ok := headerID(rec)
			if ok {
				if st := a.run(id.RunID); st != nil {
					// Every seq up to this one counts as written.
					if next := st.maxSeq[id.Stream]; id.Seq >= next {
						st.v.AckedRange(id.Stream, next, id.Seq)
						st.maxSeq[id.Stream] = id.Seq + 1
					}
				}
			}
			a.consumed(res, rec, id, recordid.Checksum(rec.Value), ok)
		})
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", opts.Topic, err)
		}
		res.Records, res.Partial = n, partial
	}
	res.SkippedRuns = len(a.skipped)
	return res, a.finish(res)
}

// headerID decodes a record's identity header.
func headerID(rec *kgo.Record) (recordid.ID, bool) {
	for _, h := range rec.Headers {
		if h.Key == recordid.HeaderKey {
			id, err := recordid.Decode(h.Value)
			return id, err == nil
		}
	}
	return recordid.ID{}, false
}

// run returns the state of run id, or nil when it is not audited.
func (a *auditor) run(id uint64) *runState {
	if a.opts.RunID != 0 && id != a.opts.RunID {
		return nil
	}
	if st := a.runs[id]; st != nil {
		return st
	}
	if len(a.runs) >= MaxRuns {
		a.skipped[id] = true
		return nil
	}
	cfg := verify.Config{RunID: id, ReadCommitted: !a.opts.ReadUncommitted, KeyOrder: a.opts.Pipeline != nil}
	if a.opts.Findings != nil {
		cfg.Findings = &taggedWriter{w: a.opts.Findings, prefix: `{"run_id":"` + strconv.FormatUint(id, 16) + `",`}
	}
	st := &runState{v: verify.New(cfg), maxSeq: map[uint32]uint64{}}
	a.runs[id] = st
	return st
}

// consumed feeds a record read from the audited topic (or output).
func (a *auditor) consumed(res *Result, rec *kgo.Record, id recordid.ID, sum uint32, ok bool) {
	if !ok {
		res.Unidentified++
		return
	}
	if st := a.run(id.RunID); st != nil {
		st.v.Consumed(a.ref, rec.Partition, rec.Offset, id, sum, rec.Timestamp.UnixNano())
	}
}

func (a *auditor) finish(res *Result) error {
	ids := make([]uint64, 0, len(a.runs))
	for id := range a.runs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	topic := res.Topic
	if topic == "" {
		topic = res.Output
	}
	var firstErr error
	for _, id := range ids {
		sum, err := a.runs[id].v.Finish()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		mv := measure.Verification{Topic: topic, Group: "kbench-verify", Counts: sum.Counts, Partial: res.Partial,
			FindingsOmitted: sum.FindingsDropped}
		for _, f := range sum.Findings {
			if len(mv.Findings) < 10 {
				mv.Findings = append(mv.Findings, f)
			} else {
				mv.FindingsOmitted++
			}
		}
		a.policy.Apply(&mv)
		res.Runs = append(res.Runs, Run{RunID: strconv.FormatUint(id, 16), Verification: mv})
	}
	return firstErr
}

// read reads topic from its start to the end offsets it had when the read
// began, calling fn for each record in partition order. It returns how many
// records it read and whether the read was cut short.
func (a *auditor) read(ctx context.Context, adm *kadm.Client, topic string, readCommitted bool,
	fn func(*kgo.Record)) (int64, bool, error) {
	var ends kadm.ListedOffsets
	var err error
	lctx, cancel := context.WithTimeout(ctx, listTimeout)
	if readCommitted {
		ends, err = adm.ListCommittedOffsets(lctx, topic)
	} else {
		ends, err = adm.ListEndOffsets(lctx, topic)
	}
	cancel()
	if err == nil {
		err = ends.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return 0, false, fmt.Errorf("no answer from the brokers within %v: %w", listTimeout, err)
	}
	if err != nil {
		return 0, false, err
	}
	if len(ends[topic]) == 0 {
		return 0, false, fmt.Errorf("topic %q does not exist", topic)
	}
	want := map[int32]int64{}
	start := map[string]map[int32]kgo.Offset{topic: {}}
	for p, o := range ends[topic] {
		if o.Offset > 0 {
			want[p] = o.Offset
			start[topic][p] = kgo.NewOffset().AtStart()
		}
	}
	if len(want) == 0 {
		return 0, false, nil
	}
	opts := []kgo.Opt{kgo.SeedBrokers(a.opts.Brokers...), kgo.ConsumePartitions(start),
		kgo.FetchMaxWait(500 * time.Millisecond)}
	if readCommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	cl, err := kgo.NewClient(append(opts, a.opts.ClientOpts...)...)
	if err != nil {
		return 0, false, err
	}
	defer cl.Close()
	var n int64
	lastNew := time.Now()
	for len(want) > 0 {
		pctx, cancel := context.WithTimeout(ctx, a.opts.Idle)
		fs := cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return n, true, nil
		}
		var ferr error
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && ferr == nil {
				ferr = err
			}
		})
		if ferr != nil {
			return n, false, ferr
		}
		got := false
		fs.EachRecord(func(rec *kgo.Record) {
			end, ok := want[rec.Partition]
			if !ok || rec.Offset >= end {
				return
			}
			got = true
			n++
			fn(rec)
			if rec.Offset >= end-1 {
				delete(want, rec.Partition)
			}
		})
		if got {
			lastNew = time.Now()
		} else if time.Since(lastNew) >= a.opts.Idle {
			// The rest are transaction markers or aborted records.
			break
		}
	}
	return n, false, nil
}

// taggedWriter adds a prefix member to each JSON line written to w.
type taggedWriter struct {
	w      io.Writer
	prefix string
}

func (t *taggedWriter) Write(p []byte) (int, error) {
	if len(p) > 0 && p[0] == '{' {
		if _, err := io.WriteString(t.w, t.prefix); err != nil {
			return 0, err
		}
		if _, err := t.w.Write(p[1:]); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return t.w.Write(p)
}
