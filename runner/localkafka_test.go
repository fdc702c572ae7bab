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
