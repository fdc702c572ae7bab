package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/recordid"
)

// TestVerifyCommand audits a topic holding one run's records with one
// missing: `kbench verify` names the loss and exits 2; restricted to
// another run it passes.
func TestVerifyCommand(t *testing.T) {
	emb, err := cluster.StartEmbedded(1)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	brokers := strings.Join(emb.Brokers(), ",")
	cl, err := kgo.NewClient(kgo.SeedBrokers(emb.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopics(context.Background(), 1, 1, nil, "events"); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for q := range uint64(20) {
		if q == 12 {
			continue
		}
		v := []byte("value")
		id := recordid.ID{RunID: 0xF00D, Seq: q, Checksum: recordid.Checksum(v)}
		recs = append(recs, &kgo.Record{Topic: "events", Value: v,
			Headers: []kgo.RecordHeader{{Key: recordid.HeaderKey, Value: id.Append(nil)}}})
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}

	findings := filepath.Join(t.TempDir(), "findings.jsonl")
	code, out, errOut := kbench(t, "verify", "--brokers", brokers, "--topic", "events", "--idle", "1s", "--findings", findings)
	if code != exitVerifyFailed {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitVerifyFailed, out, errOut)
	}
	for _, want := range []string{"VERIFY topic events: 19 records read", "run f00d:", "FAIL", "lost 1", "(seq 12)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(findings); err != nil || !strings.Contains(string(b), `"kind":"lost"`) {
		t.Errorf("findings file: %s, %v", b, err)
	}

	code, out, _ = kbench(t, "verify", "--brokers", brokers, "--topic", "events", "--idle", "1s", "--expect", "at-most-once", "--json")
	if code != exitOK {
		t.Fatalf("at-most-once: exit %d\n%s", code, out)
	}
	var res struct {
		Records int64
		Runs    []struct {
			RunID        string `json:"run_id"`
			Verification struct{ Counts struct{ Lost int64 } }
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Records != 19 || len(res.Runs) != 1 || res.Runs[0].Verification.Counts.Lost != 1 {
		t.Errorf("json %+v, %v:\n%s", res, err, out)
	}

	code, out, _ = kbench(t, "verify", "--brokers", brokers, "--topic", "events", "--idle", "1s", "--run-id", "1")
	if code != exitOK || !strings.Contains(out, "0 runs") {
		t.Errorf("--run-id 1: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"verify", "--topic", "events", "--brokers", ""},
		{"verify", "--brokers", brokers},
		{"verify", "--brokers", brokers, "--input", "a"},
		{"verify", "--brokers", brokers, "--topic", "events", "--output", "b"},
		{"verify", "--brokers", brokers, "--topic", "events", "--run-id", "xyz"},
		{"verify", "--brokers", brokers, "--input", "a", "--output", "b", "--match", "$.id"},
		{"verify", "--brokers", brokers, "--topic", "events", "--ordered"},
	} {
		if code, _, errOut := kbench(t, args...); code != exitInvalid || errOut == "" {
			t.Errorf("%q: exit %d, want %d with a message (%s)", args, code, exitInvalid, errOut)
		}
	}
}
