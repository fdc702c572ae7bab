package kbenchtest_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/containers"
	"github.com/kbench/kbench/kbenchtest"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/scenarios"
)

func needKafka(t *testing.T) {
	t.Helper()
	if os.Getenv("KBENCH_KAFKA_TESTS") == "" {
		t.Skip("real Kafka tests are off: set KBENCH_KAFKA_TESTS=1 (needs Java 17+ and Maven)")
	}
}

func parse(t *testing.T, name, src string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Parse(name+".yaml", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// assertReal fails unless an Apache Kafka 4.x broker answers at brokers.
func assertReal(t *testing.T, c *kbenchtest.Cluster) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	v, err := containers.BrokerVersion(ctx, kgo.SeedBrokers(c.Brokers...))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "v4.") {
		t.Fatalf("cluster answers like %s, not Apache Kafka 4.x", v)
	}
}

func TestScenarioOnRealKafka(t *testing.T) {
	needKafka(t)
	c := kbenchtest.NewCluster(t, kbenchtest.RealKafka(containers.Options{}))
	assertReal(t, c)
	sc := parse(t, "real-single", `
name: real-single
topics: [{ name: events, partitions: 3 }]
data: { d: { size: 256 } }
producers: [{ name: p, topic: events, data: d, rate: 2000/s, acks: all, compression: lz4 }]
consumers: [{ name: c, topic: events }]
duration: 4s
warmup: 1s
gates: ["produce.errors == 0", "consume.missing == 0", "produce.rate >= 1800/s"]
`)
	res := kbenchtest.Run(t, c, sc)
	if res.Cluster.Kind != measure.ClusterExternal || !strings.HasPrefix(res.Cluster.KafkaVersion, "v4.") ||
		!strings.Contains(res.Cluster.Description, "Apache Kafka 4.4.0, 1 broker(s)") {
		t.Fatalf("cluster in the result: %+v", res.Cluster)
	}
	if res.Consume.Records != res.Produce.Acked || res.Produce.Acked < 7000 {
		t.Fatalf("acked %d, consumed %d", res.Produce.Acked, res.Consume.Records)
	}
}

// TestBrokerKilledMidRun kills one of three brokers with SIGKILL while
// producers write with acks=all to topics with RF 3 and
// min.insync.replicas 2, restarts it, and checks that the run completes,
// that the disruption is reported, and — reading the topic back
// independently — that every acknowledged sequence number of every
// producer instance is on the log.
func TestBrokerKilledMidRun(t *testing.T) {
	needKafka(t)
	c := kbenchtest.NewCluster(t, kbenchtest.RealKafka(containers.Options{Nodes: 3}))
	assertReal(t, c)
	sc := parse(t, "kill-mid-run", `
name: kill-mid-run
topics: [{ name: durable, partitions: 6, replication_factor: 3, configs: { min.insync.replicas: 2 } }]
data: { d: { size: 200 } }
producers: [{ name: p, topic: durable, data: d, instances: 2, rate: 2000/s, acks: all, idempotent: true }]
consumers: [{ name: c, topic: durable, instances: 2 }]
duration: 16s
drain: 60s
`)
	k := c.Kafka
	killed := time.Time{}
	res := kbenchtest.Run(t, c, sc,
		kbenchtest.At(4*time.Second, func() {
			// Kill the broker leading partition 0 of the topic's first
			// replica set: index 1 is as good as any; all lead some.
			if err := k.KillBroker(1); err != nil {
				t.Errorf("kill: %v", err)
			}
			killed = time.Now()
		}),
		kbenchtest.At(9*time.Second, func() {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if err := k.StartBroker(ctx, 1); err != nil {
				t.Errorf("restart: %v", err)
			}
		}),
	)
	if killed.IsZero() {
		t.Fatal("broker never killed")
	}
	if res.Status != measure.StatusCompleted {
		t.Fatalf("status %s: %s", res.Status, res.Error)
	}
	if res.Produce.Errors != 0 {
		t.Fatalf("%d records failed: with acks=all and an idempotent producer one dead broker of three must cost none (%v)",
			res.Produce.Errors, res.Produce.ErrorKinds)
	}
	t.Logf("sent %d, acked %d, behind %d, unsent %d (pacing, not loss)", res.Produce.Sent, res.Produce.Acked,
		res.Produce.Behind, res.Produce.Unsent)
	if res.Consume.Missing != 0 {
		t.Fatalf("%d acknowledged records never consumed", res.Consume.Missing)
	}
	t.Logf("disruptions: %v", res.Disruptions)
	if len(res.Disruptions) == 0 {
		t.Errorf("no disruption reported although a broker was killed at 4s")
	}

	// Read everything back with a fresh client and count sequence numbers
	// per producer instance: every sent (= acked) record must be there.
	seen := readBack(t, c.Brokers, "durable", res.RunID)
	var total int64
	for stream, seqs := range seen {
		n := uint64(len(seqs))
		for seq := range n {
			if !seqs[seq] {
				t.Errorf("stream %d: sequence %d missing from the log", stream, seq)
			}
		}
		total += int64(n)
	}
	if total != res.Produce.Acked {
		t.Fatalf("the log holds %d distinct records of this run, %d were acknowledged", total, res.Produce.Acked)
	}
}

// readBack consumes a topic from the start and returns, per stream, which
// sequence numbers of the run it holds (indexed by seq; a gap reads false).
func readBack(t *testing.T, brokers []string, topic, runIDHex string) map[uint32][]bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) { want[o.Partition] = o.Offset })
	seen := map[uint32][]bool{}
	done := map[int32]bool{}
	for len(done) < len(want) {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("reading back: %v", err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			for _, h := range r.Headers {
				if h.Key != recordid.HeaderKey {
					continue
				}
				id, err := recordid.Decode(h.Value)
				if err != nil || strconv.FormatUint(id.RunID, 16) != runIDHex {
					continue
				}
				s := seen[id.Stream]
				for uint64(len(s)) <= id.Seq {
					s = append(s, false)
				}
				s[id.Seq] = true
				seen[id.Stream] = s
			}
			if r.Offset+1 >= want[r.Partition] {
				done[r.Partition] = true
			}
		})
		for p, end := range want {
			if end == 0 {
				done[p] = true
			}
		}
	}
	return seen
}

// TestScenarioOverTLSAndSCRAM runs a scenario on a real broker whose only
// client listener is SASL_SSL with SCRAM-SHA-512.
func TestScenarioOverTLSAndSCRAM(t *testing.T) {
	needKafka(t)
	c := kbenchtest.NewCluster(t, kbenchtest.RealKafka(containers.Options{TLS: true, SASL: containers.SASLScramSHA512}))
	sc := parse(t, "real-secure", `
name: real-secure
topics: [{ name: secure-events, partitions: 2 }]
data: { d: { size: 128 } }
producers: [{ name: p, topic: secure-events, data: d, rate: 1000/s, acks: all }]
consumers: [{ name: c, topic: secure-events }]
duration: 3s
gates: ["produce.errors == 0", "consume.missing == 0"]
`)
	res := kbenchtest.Run(t, c, sc)
	if res.Produce.Acked < 2500 || res.Consume.Records != res.Produce.Acked {
		t.Fatalf("acked %d, consumed %d", res.Produce.Acked, res.Consume.Records)
	}
	if !strings.Contains(res.Cluster.Description, "SASL_SSL SCRAM-SHA-512") {
		t.Fatalf("cluster description %q", res.Cluster.Description)
	}
}
