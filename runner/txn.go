package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/verify"
)

// txnEndTimeout bounds ending a transaction (flush, then commit or abort).
// Kafka's own default request timeout is 30s; a commit that takes longer
// is reported in doubt.
const txnEndTimeout = 30 * time.Second

// txnState is a transactional producer instance's open transaction. It is
// used by the sending goroutine; acked and failed also by promises, which
// all finish before the transaction ends (it flushes first).
type txnState struct {
	per        int
	abortRatio float64
	rnd        *rand.Rand

	open       bool
	abort      bool // chosen at begin
	first      uint64
	n          int
	acked      atomic.Int64 // records of the open transaction acknowledged
	failed     atomic.Bool  // some record of the open transaction failed
	fatal      error        // the client can no longer run transactions
	fatalCount int64
}

func newTxnState(t *scenarios.Transactions, seed uint64, stream uint32) *txnState {
	return &txnState{per: t.RecordsPerTxn, abortRatio: t.AbortRatio,
		rnd: rand.New(rand.NewPCG(seed, uint64(stream)^0x7478))}
}

// txnOpts are a transactional producer instance's client options.
func txnOpts(t *scenarios.Transactions, instance int) []kgo.Opt {
	opts := []kgo.Opt{kgo.TransactionalID(fmt.Sprintf("%s-%d", t.ID, instance))}
	if t.Timeout > 0 {
		opts = append(opts, kgo.TransactionTimeout(t.Timeout))
	}
	return opts
}

// beginTxn opens a transaction whose first record is seq. It returns false
// when the client cannot run transactions any more.
func (p *producerInstance) beginTxn(seq uint64) bool {
	t := p.txn
	if err := p.cl.BeginTransaction(); err != nil {
		t.fatal = err
		return false
	}
	for _, v := range p.recorders() {
		v.TxnBegin(p.stream, seq)
	}
	t.open, t.first, t.n = true, seq, 0
	t.abort = t.abortRatio > 0 && t.rnd.Float64() < t.abortRatio
	t.acked.Store(0)
	t.failed.Store(false)
	return true
}

// endTxn flushes the open transaction's records and commits it (or aborts
// it, when chosen to or when a record failed), then tells the verifiers
// and the collector how it ended. Each step (flush, end, abort retry) may
// take up to limit.
func (p *producerInstance) endTxn(limit time.Duration) {
	t := p.txn
	if !t.open {
		return
	}
	t.open = false
	last := t.first + uint64(t.n) - 1
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	err := p.cl.Flush(ctx)
	// Records that failed before franz-go buffered them are not flushed:
	// wait for their promises too, so that every outcome is known.
	for err == nil && p.inflight.Load() > 0 && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
	cancel()
	flushed := err == nil && p.inflight.Load() == 0
	abort := t.abort || t.failed.Load() || !flushed
	outcome := measure.TxnCommitted
	if abort {
		outcome = measure.TxnAborted
	}
	if flushed {
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		how := kgo.TryCommit
		if abort {
			how = kgo.TryAbort
		}
		err = p.cl.EndTransaction(ctx, how)
		cancel()
	} else if err == nil {
		err = errors.New("records of the transaction were still in flight")
	}
	if err != nil {
		// Retry as an abort, as franz-go documents. The transaction did
		// not commit if the commit was not attempted (a flush that did
		// not finish, a producer id error) or the broker made it
		// abortable; otherwise its outcome is unknown.
		notAttempted := !flushed || errors.Is(err, kerr.OperationNotAttempted) || errors.Is(err, kerr.TransactionAbortable)
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		defer cancel()
		_ = p.cl.AbortBufferedRecords(ctx)
		aerr := p.cl.EndTransaction(ctx, kgo.TryAbort)
		switch {
		case abort && aerr == nil, notAttempted && aerr == nil:
			outcome = measure.TxnAborted
		default:
			outcome = measure.TxnInDoubt
		}
		p.txnErrs++
		p.lastTxnErr = err
	}
	for _, v := range p.recorders() {
		switch outcome {
		case measure.TxnCommitted:
			v.TxnCommitted(p.stream, t.first, last)
		case measure.TxnAborted:
			v.TxnAborted(p.stream, t.first, last)
		default:
			v.TxnInDoubt(p.stream, t.first, last)
		}
	}
	p.shard.TxnEnded(outcome, t.acked.Load())
}

// recorders are every verification recorder the producer feeds.
func (p *producerInstance) recorders() []*verify.Recorder {
	if len(p.pvrecs) == 0 {
		return p.vrecs
	}
	return append(append([]*verify.Recorder(nil), p.vrecs...), p.pvrecs...)
}
