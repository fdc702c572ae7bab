package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/scenarios"
)

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// TestVerificationCatchesInjectedRecords writes, mid-run, records that no
// kbench producer sent — one claiming a sequence number never produced,
// one repeating a produced one with a tampered value — and checks that the
// run's verification reports them, fails, and writes the findings.
func TestVerificationCatchesInjectedRecords(t *testing.T) {
	t.Parallel()
	emb, err := cluster.StartEmbedded(1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emb.Close)
	brokers := emb.Brokers()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1000}, 2*time.Second)
	const runID = 0xC0FFEE
	var once sync.Once
	injected := make(chan error, 1)
	var findings syncBuffer
	res, err := Run(context.Background(), sc, Options{Brokers: brokers, Embedded: true, RunID: runID, Findings: &findings,
		Progress: func(measure.Progress) {
			once.Do(func() {
				cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
				if err != nil {
					injected <- err
					return
				}
				defer cl.Close()
				forge := func(stream uint32, seq uint64, value string, sum uint32) *kgo.Record {
					id := recordid.ID{RunID: runID, Stream: stream, Seq: seq, Intended: time.Now().UnixNano(),
						Sent: time.Now().UnixNano(), Checksum: sum}
					return &kgo.Record{Topic: "events", Partition: 0, Value: []byte(value),
						Headers: []kgo.RecordHeader{{Key: recordid.HeaderKey, Value: id.Append(nil)}}}
				}
				v := "forged"
				injected <- cl.ProduceSync(context.Background(),
					forge(999, 0, v, recordid.Checksum([]byte(v))), // a stream no producer has
					forge(0, 3, v, 12345),                          // a copy of seq 3, value tampered
				).FirstErr()
			})
		}})
	if err != nil {
		t.Fatal(err)
	}
	if err := <-injected; err != nil {
		t.Fatal(err)
	}
	if len(res.Verification) != 1 {
		t.Fatalf("verification: %+v", res.Verification)
	}
	v := res.Verification[0]
	c := v.Counts
	// The tampered copy also arrives after higher seqs of its stream in
	// its partition, unless seq 3 was the partition's last: reordered 0 or 1.
	if c.Unexpected != 1 || c.Corrupted != 1 || c.DuplicateWrites != 1 || c.Lost != 0 || c.Reordered > 1 ||
		v.Failures != 3+c.Reordered {
		t.Fatalf("counts %+v, failures %d (want 1 unexpected, 1 corrupted, 1 duplicate write)", c, v.Failures)
	}
	if res.VerificationFailures() != v.Failures {
		t.Fatalf("VerificationFailures = %d", res.VerificationFailures())
	}
	kinds := map[string]bool{}
	sc2 := bufio.NewScanner(strings.NewReader(findings.b.String()))
	for sc2.Scan() {
		var f struct {
			Topic, Group, Kind string
		}
		if err := json.Unmarshal(sc2.Bytes(), &f); err != nil {
			t.Fatalf("findings line %q: %v", sc2.Text(), err)
		}
		if f.Topic != "events" || f.Group != "g" {
			t.Fatalf("finding not tagged: %s", sc2.Text())
		}
		kinds[f.Kind] = true
	}
	for _, k := range []string{"unexpected", "corrupted", "duplicate_write"} {
		if !kinds[k] {
			t.Errorf("findings.jsonl has no %s finding:\n%s", k, findings.b.String())
		}
	}
}
