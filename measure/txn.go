package measure

import "sync/atomic"

// Transactions counts a transactional producer's transactions by outcome.
type Transactions struct {
	// Committed, Aborted and InDoubt count transactions: aborted on
	// purpose (the scenario's abort_ratio) or because a record failed;
	// in doubt when ending the transaction failed, so that its outcome is
	// unknown.
	Committed int64 `json:"committed"`
	Aborted   int64 `json:"aborted"`
	InDoubt   int64 `json:"in_doubt"`
	// AbortedRecords and InDoubtRecords count the acknowledged records of
	// aborted and in-doubt transactions: on the log, but not to be
	// delivered to read_committed consumers (in doubt: maybe).
	AbortedRecords int64 `json:"aborted_records"`
	InDoubtRecords int64 `json:"in_doubt_records"`
}

func (t *Transactions) add(o *Transactions) {
	t.Committed += o.Committed
	t.Aborted += o.Aborted
	t.InDoubt += o.InDoubt
	t.AbortedRecords += o.AbortedRecords
	t.InDoubtRecords += o.InDoubtRecords
}

// TxnOutcome is how a transaction ended.
type TxnOutcome int

// Transaction outcomes.
const (
	TxnCommitted TxnOutcome = iota + 1
	TxnAborted
	TxnInDoubt
)

// txnShard holds a producer shard's transaction counts.
type txnShard struct {
	used                           atomic.Bool
	committed, aborted, inDoubt    atomic.Int64
	abortedRecords, inDoubtRecords atomic.Int64
}

// TxnEnded records the end of a transaction of the shard's producer that
// held acked acknowledged records.
func (s *ProducerShard) TxnEnded(outcome TxnOutcome, acked int64) {
	t := &s.txn
	t.used.Store(true)
	switch outcome {
	case TxnCommitted:
		t.committed.Add(1)
	case TxnAborted:
		t.aborted.Add(1)
		t.abortedRecords.Add(acked)
	case TxnInDoubt:
		t.inDoubt.Add(1)
		t.inDoubtRecords.Add(acked)
	}
}

// transactions returns the shard's counts, or nil when it never ended a
// transaction.
func (s *ProducerShard) transactions() *Transactions {
	t := &s.txn
	if !t.used.Load() {
		return nil
	}
	return &Transactions{Committed: t.committed.Load(), Aborted: t.aborted.Load(), InDoubt: t.inDoubt.Load(),
		AbortedRecords: t.abortedRecords.Load(), InDoubtRecords: t.inDoubtRecords.Load()}
}

// addTxn adds o (may be nil) into *t, allocating it on first use.
func addTxn(t **Transactions, o *Transactions) {
	if o == nil {
		return
	}
	if *t == nil {
		*t = &Transactions{}
	}
	(*t).add(o)
}
