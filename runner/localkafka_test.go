package runner

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// TestLocalKafkaKind runs a scenario of kind local-kafka: kbench starts a
// real broker for the run and stops it after.
func TestLocalKafkaKind(t *testing.T) {
	if os.Getenv("KBENCH_KAFKA_TESTS") == "" {
		t.Skip("real Kafka tests are off: set KBENCH_KAFKA_TESTS=1 (needs Java 17+ and Maven)")
	}
	sc, err := scenarios.Parse("local.yaml", []byte(`
name: local
cluster: { kind: local-kafka }
data: { d: { size: 100 } }
producers: [{ topic: undeclared, data: d, rate: 500/s }]
consumers: [{ topic: undeclared }]
duration: 2s
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), sc, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cluster.Kind != measure.ClusterExternal || !strings.HasPrefix(res.Cluster.KafkaVersion, "v4.") ||
		!strings.Contains(res.Cluster.Description, "started for this run") {
		t.Fatalf("cluster: %+v", res.Cluster)
	}
	if res.Produce.Acked < 500 || res.Produce.Errors != 0 || res.Consume.Missing != 0 {
		t.Fatalf("acked %d, errors %d, missing %d", res.Produce.Acked, res.Produce.Errors, res.Consume.Missing)
	}
	// The brokers are gone once Run returns.
	for _, b := range res.Cluster.Brokers {
		if c, err := (&netDialer{}).dial(b, time.Second); err == nil {
			c.Close()
			t.Fatalf("broker %s still listening after the run", b)
		}
	}
}

type netDialer struct{}

func (netDialer) dial(addr string, timeout time.Duration) (interface{ Close() error }, error) {
	return net.DialTimeout("tcp", addr, timeout)
}

// TestLocalKafkaTransactions runs a transactional producer that aborts a
// third of its transactions on a real broker: the read_committed group gets
// exactly the committed records, the read_uncommitted group every
// acknowledged one, and neither verification fails.
func TestLocalKafkaTransactions(t *testing.T) {
	if os.Getenv("KBENCH_KAFKA_TESTS") == "" {
		t.Skip("real Kafka tests are off: set KBENCH_KAFKA_TESTS=1 (needs Java 17+ and Maven)")
	}
	sc, err := scenarios.Parse("txn.yaml", []byte(`
name: txn
cluster: { kind: local-kafka }
topics: [{ name: orders, partitions: 3 }]
data: { d: { size: 100 } }
producers:
  - { topic: orders, data: d, rate: 1000/s, instances: 2, transactions: { records_per_txn: 25, abort_ratio: 0.3 } }
consumers:
  - { name: committed, topic: orders, isolation: read_committed }
  - { name: all, topic: orders, isolation: read_uncommitted }
duration: 4s
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), sc, Options{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	tx := res.Produce.Transactions
	if tx == nil || tx.Committed == 0 || tx.Aborted == 0 || tx.InDoubt != 0 || res.Produce.Errors != 0 {
		t.Fatalf("transactions %+v, errors %d, notes %q", tx, res.Produce.Errors, res.Notes)
	}
	for _, v := range res.Verification {
		want := res.Produce.Acked
		if v.Group == "kbench-txn-committed" {
			want -= tx.AbortedRecords
		}
		if v.Failures != 0 || v.Counts.ConsumedUnique != want || v.Counts.TxnsAborted != tx.Aborted {
			t.Errorf("group %s: failures %d, delivered %d distinct (want %d): %+v", v.Group, v.Failures,
				v.Counts.ConsumedUnique, want, v.Counts)
		}
	}
}
