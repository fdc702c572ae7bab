package audit

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

const testRun = 0xAB

// record makes a record of stream 0 with seq q, as a kbench producer
// writes it; tamper changes the value after the checksum was taken.
func record(topic string, q uint64, tamper bool) *kgo.Record {
	value := []byte(fmt.Sprintf(`{"n":%d}`, q))
	id := recordid.ID{RunID: testRun, Stream: 0, Seq: q, Intended: 1, Sent: 1, Checksum: recordid.Checksum(value)}
	if tamper {
		value = []byte(`{"n":-1}`)
	}
	return &kgo.Record{Topic: topic, Partition: int32(q % 2), Value: value,
		Headers: []kgo.RecordHeader{{Key: recordid.HeaderKey, Value: id.Append(nil)}}}
}

func produce(t *testing.T, brokers []string, recs ...*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

func embedded(t *testing.T, topics ...string) []string {
	t.Helper()
	emb, err := cluster.StartEmbedded(1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	if len(topics) > 0 {
		cl, err := kgo.NewClient(kgo.SeedBrokers(emb.Brokers()...))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		if _, err := kadm.NewClient(cl).CreateTopics(context.Background(), 2, 1, nil, topics...); err != nil {
			t.Fatal(err)
		}
	}
	return emb.Brokers()
}

// TestTopicAuditFindsFaults writes a run's records with one missing, one
// written twice and one tampered with, plus a record of no run, and checks
// the audit names each.
func TestTopicAuditFindsFaults(t *testing.T) {
	t.Parallel()
	brokers := embedded(t, "events")
	var recs []*kgo.Record
	for q := range uint64(100) {
		switch q {
		case 50: // lost
		case 70:
			recs = append(recs, record("events", q, false), record("events", q, false))
		default:
			recs = append(recs, record("events", q, q == 80))
		}
	}
	recs = append(recs, &kgo.Record{Topic: "events", Value: []byte("no identity")})
	produce(t, brokers, recs...)

	for _, tc := range []struct {
		guarantee scenarios.Guarantee
		failures  int64
	}{
		{scenarios.ExactlyOnce, 3}, // lost, duplicate, corrupted
		{scenarios.AtLeastOnce, 2}, // lost, corrupted
		{scenarios.AtMostOnce, 2},  // duplicate, corrupted
	} {
		var findings bytes.Buffer
		res, err := Audit(context.Background(), Options{Brokers: brokers, Topic: "events", Guarantee: tc.guarantee,
			Findings: &findings, Idle: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if res.Records != 101 || res.Unidentified != 1 || len(res.Runs) != 1 || res.Partial {
			t.Fatalf("%s: %+v", tc.guarantee, res)
		}
		run := res.Runs[0]
		c := run.Verification.Counts
		if run.RunID != "ab" || c.Lost != 1 || c.DuplicateWrites != 1 || c.Corrupted != 1 || c.Acked != 100 {
			t.Errorf("%s: counts %+v", tc.guarantee, c)
		}
		if res.Failures() != tc.failures {
			t.Errorf("%s: %d failures, want %d (%s)", tc.guarantee, res.Failures(), tc.failures, run.Verification.Policy)
		}
		for _, k := range []string{`"kind":"lost"`, `"kind":"duplicate_write"`, `"kind":"corrupted"`} {
			if !strings.Contains(findings.String(), k) {
				t.Errorf("findings lack %s:\n%s", k, findings.String())
			}
		}
		if !strings.HasPrefix(findings.String(), `{"run_id":"ab",`) {
			t.Errorf("findings not tagged with the run: %.80s", findings.String())
		}
	}
}

// TestPipelineAudit checks a pipeline's output against its input: a
// faithful copy passes, a copy that lost a record and duplicated another
// fails under exactly-once.
func TestPipelineAudit(t *testing.T) {
	t.Parallel()
	brokers := embedded(t, "in", "good", "bad")
	var in, good, bad []*kgo.Record
	for q := range uint64(40) {
		in = append(in, record("in", q, false))
		good = append(good, record("good", q, false))
		if q != 7 {
			bad = append(bad, record("bad", q, false))
		}
		if q == 9 {
			bad = append(bad, record("bad", q, false))
		}
	}
	produce(t, brokers, append(append(in, good...), bad...)...)
	for _, tc := range []struct {
		out       string
		lost, dup int64
	}{{"good", 0, 0}, {"bad", 1, 1}} {
		pl := &scenarios.Pipeline{Input: "in", Output: tc.out, Match: scenarios.Match{Header: true},
			Expect: scenarios.ExactlyOnce, SameValue: true}
		res, err := Audit(context.Background(), Options{Brokers: brokers, Pipeline: pl, Idle: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if res.InputRecords != 40 || len(res.Runs) != 1 {
			t.Fatalf("%s: %+v", tc.out, res)
		}
		c := res.Runs[0].Verification.Counts
		if c.Lost != tc.lost || c.DuplicateWrites != tc.dup || c.Corrupted != 0 || c.Unexpected != 0 {
			t.Errorf("%s: counts %+v", tc.out, c)
		}
		if want := tc.lost + tc.dup; res.Failures() != want {
			t.Errorf("%s: %d failures, want %d", tc.out, res.Failures(), want)
		}
	}
}

// TestAuditAfterRun audits the topic a real run wrote: every record the
// run acknowledged is there once, intact.
func TestAuditAfterRun(t *testing.T) {
	t.Parallel()
	brokers := embedded(t)
	sc := &scenarios.Scenario{Name: "audit", Duration: time.Second, Drain: 5 * time.Second,
		Topics: []scenarios.Topic{{Name: "orders", Partitions: 3}},
		Data:   []*scenarios.Data{{Name: "d", Format: scenarios.FormatBytes, Size: scenarios.SizeDist{Kind: scenarios.SizeFixed, Fixed: 64}}},
		Producers: []scenarios.Producer{{Name: "p", Topic: "orders", Data: "d", Instances: 2,
			Rate: scenarios.Rate{Profile: scenarios.RateConstant, Rate: 2000}, Acks: scenarios.AcksAll, Idempotent: true}}}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := runner.Run(context.Background(), sc, runner.Options{Brokers: brokers, Embedded: true, RunID: 0x5EED})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Audit(context.Background(), Options{Brokers: brokers, Topic: "orders", Idle: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Runs) != 1 || a.Runs[0].RunID != "5eed" {
		t.Fatalf("runs %+v", a.Runs)
	}
	c := a.Runs[0].Verification.Counts
	if c.Acked != res.Produce.Acked || c.ConsumedUnique != res.Produce.Acked || a.Failures() != 0 {
		t.Errorf("audit %+v, run acked %d", c, res.Produce.Acked)
	}
	// Only that run, by id: none.
	a, err = Audit(context.Background(), Options{Brokers: brokers, Topic: "orders", RunID: 1, Idle: time.Second})
	if err != nil || len(a.Runs) != 0 {
		t.Errorf("run 1: %+v, %v", a, err)
	}
	if _, err := Audit(context.Background(), Options{Brokers: brokers, Topic: "nope", Idle: time.Second}); err == nil {
		t.Error("no error for a missing topic")
	}
}

// TestPipelineAuditAbortedInput: records of an aborted input transaction
// are not expected in the output (the input is read committed), and
// keyless records are not checked for key order.
func TestPipelineAuditAbortedInput(t *testing.T) {
	t.Parallel()
	brokers := embedded(t, "in", "out")
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.TransactionalID("audit-test"),
		kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	for txn, commit := range []kgo.TransactionEndTry{kgo.TryCommit, kgo.TryAbort} {
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for q := range uint64(10) {
			if err := cl.ProduceSync(ctx, record("in", uint64(txn)*10+q, false)).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := cl.EndTransaction(ctx, commit); err != nil {
			t.Fatal(err)
		}
	}
	var out []*kgo.Record
	for q := range uint64(10) {
		out = append(out, record("out", q, false))
	}
	produce(t, brokers, out...)
	pl := &scenarios.Pipeline{Input: "in", Output: "out", Match: scenarios.Match{Header: true}, Expect: scenarios.ExactlyOnce}
	res, err := Audit(ctx, Options{Brokers: brokers, Pipeline: pl, Idle: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Runs[0].Verification.Counts
	if res.InputRecords != 10 || c.Acked != 10 || c.Lost != 0 || c.KeyReordered != 0 || res.Failures() != 0 {
		t.Fatalf("input %d records; counts %+v; failures %d", res.InputRecords, c, res.Failures())
	}
}
