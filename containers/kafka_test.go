//go:build unix

package containers

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestsEnv switches on the tests that start real Kafka brokers: they need
// Java 17+ and Maven (or KBENCH_KAFKA_LIBS), take tens of seconds, and are
// run by the project's CI.
const TestsEnv = "KBENCH_KAFKA_TESTS"

func needKafka(t *testing.T) {
	t.Helper()
	if os.Getenv(TestsEnv) == "" {
		t.Skipf("real Kafka tests are off: set %s=1 (needs Java 17+ and Maven)", TestsEnv)
	}
}

func startKafka(t *testing.T, o Options) *Kafka {
	t.Helper()
	o.Logf = t.Logf
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	k, err := StartKafka(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := k.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return k
}

// produceConsume writes n records to a new topic and reads them back.
func produceConsume(t *testing.T, k *Kafka, topic string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(append(k.ClientOpts(), kgo.DefaultProduceTopic(topic),
		kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 3, int16(min(3, k.Nodes())), nil, topic); err != nil {
		t.Fatalf("create topic: %v", err)
	}
	for i := range n {
		if err := cl.ProduceSync(ctx, kgo.StringRecord("r"+string(rune('a'+i%26)))).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}
	got := 0
	for got < n {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("consume after %d records: %v", got, err)
		}
		got += fs.NumRecords()
	}
	if got != n {
		t.Fatalf("consumed %d records, want %d", got, n)
	}
}

// assertRealKafka fails unless the cluster answers like Apache Kafka 4.x
// (franz-go's kfake guesses differently) and describes its broker config.
func assertRealKafka(t *testing.T, k *Kafka) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := BrokerVersion(ctx, k.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v, "v4.") {
		t.Fatalf("broker version guess %q, want an Apache Kafka 4.x release", v)
	}
	cl, err := kgo.NewClient(k.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	rcs, err := kadm.NewClient(cl).DescribeBrokerConfigs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := rcs.On("1", nil)
	if err != nil || rc.Err != nil {
		t.Fatalf("describe broker 1: %v %v", err, rc.Err)
	}
	found := false
	for _, c := range rc.Configs {
		if c.Key == "process.roles" && c.MaybeValue() == "broker,controller" {
			found = true
		}
	}
	if !found {
		t.Fatalf("broker 1 does not report process.roles=broker,controller")
	}
	t.Logf("broker version guess %s", v)
}

func TestSingleNode(t *testing.T) {
	needKafka(t)
	k := startKafka(t, Options{})
	if n := len(k.Brokers()); n != 1 {
		t.Fatalf("%d brokers, want 1", n)
	}
	if !strings.HasPrefix(k.Brokers()[0], "127.0.0.1:") {
		t.Fatalf("broker %s not on loopback", k.Brokers()[0])
	}
	assertRealKafka(t, k)
	produceConsume(t, k, "single", 100)
}

func TestTLSAndSCRAM(t *testing.T) {
	needKafka(t)
	k := startKafka(t, Options{TLS: true, SASL: SASLScramSHA512, Password: "s3cret-pass"})
	assertRealKafka(t, k)
	produceConsume(t, k, "secure", 50)

	// Wrong password: authentication fails.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	bad := &Kafka{opts: k.opts, addrs: k.addrs, certs: k.certs}
	bad.opts.Password = "wrong-pass"
	cl, err := kgo.NewClient(bad.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Ping(ctx); err == nil {
		t.Fatal("ping with a wrong password succeeded")
	} else if !strings.Contains(strings.ToLower(err.Error()), "sasl") {
		t.Fatalf("wrong password: got %v, want a SASL authentication error", err)
	}
	// No TLS: the TLS listener does not answer plaintext Kafka.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel2()
	plain, err := kgo.NewClient(kgo.SeedBrokers(k.Brokers()...))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.Ping(ctx2); err == nil {
		t.Fatal("plaintext ping of the TLS listener succeeded")
	}
}

func TestPlainSASL(t *testing.T) {
	needKafka(t)
	k := startKafka(t, Options{SASL: SASLPlain})
	produceConsume(t, k, "plain", 10)
}

func TestThreeNodesKillAndRestart(t *testing.T) {
	needKafka(t)
	k := startKafka(t, Options{Nodes: 3})
	assertRealKafka(t, k)
	produceConsume(t, k, "before", 20)
	if err := k.KillBroker(1); err != nil {
		t.Fatal(err)
	}
	if k.Running(1) {
		t.Fatal("broker 1 still running after KillBroker")
	}
	produceConsume(t, k, "during", 20) // RF 2 topics work with one broker down
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := k.StartBroker(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := k.StopBroker(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if err := k.StartBroker(ctx, 2); err != nil {
		t.Fatal(err)
	}
	produceConsume(t, k, "after", 20)
}

// TestBrokersDieWithTheirParent starts a cluster in a child process, kills
// the child with SIGKILL (no cleanup can run), and checks that the broker
// process is gone too.
func TestBrokersDieWithTheirParent(t *testing.T) {
	if os.Getenv("KBENCH_CONTAINERS_CHILD") == "1" {
		k, err := StartKafka(context.Background(), Options{})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Printf("broker-pid %d\n", k.rt.(*processRuntime).proc(0).cmd.Process.Pid)
		select {}
	}
	needKafka(t)
	if rt := os.Getenv(RuntimeEnv); rt != "" && rt != string(RuntimeProcess) {
		t.Skipf("%s=%s: this test is about broker processes", RuntimeEnv, rt)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBrokersDieWithTheirParent$", "-test.timeout=5m")
	cmd.Env = append(os.Environ(), "KBENCH_CONTAINERS_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sc := bufio.NewScanner(out)
	pid := 0
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), "broker-pid %d", &pid); err == nil {
			break
		}
		t.Log(sc.Text())
	}
	if pid == 0 {
		t.Fatal("child printed no broker pid")
	}
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("broker %d not running while its parent lives: %v", pid, err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(15 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("broker %d outlived its killed parent", pid)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestClusterIDNeverLooksLikeAnOption(t *testing.T) {
	for range 20000 {
		id := newClusterID()
		if len(id) != 22 || id[0] == '-' {
			t.Fatalf("cluster id %q", id)
		}
	}
}
