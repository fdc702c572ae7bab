package runner

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// txnScenario is a transactional producer read by a read_committed and a
// read_uncommitted group.
func txnScenario(t *testing.T, perTxn int, abortRatio float64) *scenarios.Scenario {
	t.Helper()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1000}, 2*time.Second)
	sc.Producers[0].Transactions = &scenarios.Transactions{RecordsPerTxn: perTxn, AbortRatio: abortRatio,
		ID: "kbench-txn-test"}
	sc.Consumers = []scenarios.Consumer{
		{Name: "committed", Topic: "events", Group: "rc", Instances: 1, Isolation: scenarios.ReadCommitted},
		{Name: "all", Topic: "events", Group: "ru", Instances: 1, Isolation: scenarios.ReadUncommitted},
	}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestTransactions runs a transactional producer that aborts some of its
// transactions on purpose: the read_committed group must get exactly the
// committed records, the read_uncommitted group every acknowledged one, and
// neither verification may report a failure.
func TestTransactions(t *testing.T) {
	sc := txnScenario(t, 20, 0.3)
	res, err := Run(context.Background(), sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tx := res.Produce.Transactions
	if tx == nil || tx.Committed == 0 || tx.Aborted == 0 || tx.InDoubt != 0 {
		t.Fatalf("transactions %+v", tx)
	}
	// Transactions of 20 records; each of the 2 instances ends with one
	// that may hold fewer.
	if n, sent := tx.Committed+tx.Aborted, res.Produce.Sent; n < sent/20 || n > sent/20+2 {
		t.Errorf("%d transactions for %d records sent in transactions of 20", n, sent)
	}
	if tx.AbortedRecords == 0 || tx.AbortedRecords >= res.Produce.Acked {
		t.Errorf("aborted records %d of %d acked", tx.AbortedRecords, res.Produce.Acked)
	}
	if len(res.Verification) != 2 {
		t.Fatalf("verification %+v", res.Verification)
	}
	for _, v := range res.Verification {
		if v.Failures != 0 || v.Counts.Lost != 0 {
			t.Errorf("group %s: %d failures (%s): %+v", v.Group, v.Failures, v.Policy, v.Findings)
		}
		if v.Counts.TxnsCommitted != tx.Committed || v.Counts.TxnsAborted != tx.Aborted {
			t.Errorf("group %s: verifier saw %d committed, %d aborted; producers %d, %d",
				v.Group, v.Counts.TxnsCommitted, v.Counts.TxnsAborted, tx.Committed, tx.Aborted)
		}
		want := res.Produce.Acked
		if v.Group == "rc" {
			want -= tx.AbortedRecords
		}
		if v.Counts.Consumed != want {
			t.Errorf("group %s consumed %d records, want %d", v.Group, v.Counts.Consumed, want)
		}
	}
	if res.Consume.Missing != 0 {
		t.Errorf("missing %d", res.Consume.Missing)
	}
}

// TestTransactionsCatchAbortedReads makes the read_committed group's
// clients read uncommitted records, as a broken broker or client would: the
// verification must report the aborted records it delivers and fail.
func TestTransactionsCatchAbortedReads(t *testing.T) {
	sc := txnScenario(t, 10, 0.5)
	sc.Consumers = sc.Consumers[:1]
	res, err := Run(context.Background(), sc, Options{
		ClientOpts: []kgo.Opt{kgo.FetchIsolationLevel(kgo.ReadUncommitted())}})
	if err != nil {
		t.Fatal(err)
	}
	v := res.Verification[0]
	tx := res.Produce.Transactions
	if tx == nil || tx.AbortedRecords == 0 {
		t.Fatalf("no aborted records: %+v", tx)
	}
	if v.Counts.AbortedReads != tx.AbortedRecords {
		t.Errorf("aborted reads %d, want %d (every acknowledged record of an aborted transaction)",
			v.Counts.AbortedReads, tx.AbortedRecords)
	}
	if v.Failures == 0 {
		t.Errorf("the verification passed: %+v", v.Counts)
	}
	found := false
	for _, f := range v.Findings {
		found = found || f.Kind.String() == "aborted_read"
	}
	if !found {
		t.Errorf("no aborted_read finding among %+v", v.Findings)
	}
	if res.VerificationFailures() == 0 {
		t.Error("result reports no verification failure")
	}
	_ = measure.TxnAborted
}
