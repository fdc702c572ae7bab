//go:build unix

package containers

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	"github.com/twmb/franz-go/pkg/kgo"
)

// DockerTestsEnv switches on the tests of the Docker runtime. They need a
// running Docker daemon and a Kafka image: ImageEnv, else
// apache/kafka:<DefaultKafkaVersion>. Without a registry build one with
// containers/image/build.sh and set ImageEnv to its tag, and set
// TESTCONTAINERS_RYUK_DISABLED=true when the reaper image cannot be pulled:
//
//	containers/image/docker-setup.sh && containers/image/build.sh
//	KBENCH_DOCKER_TESTS=1 TESTCONTAINERS_RYUK_DISABLED=true \
//	  KBENCH_KAFKA_IMAGE=kbench/kafka:4.4.0-local go test ./containers -run Docker
const DockerTestsEnv = "KBENCH_DOCKER_TESTS"

func needDocker(t *testing.T) {
	t.Helper()
	if os.Getenv(DockerTestsEnv) == "" {
		t.Skipf("Docker runtime tests are off: set %s=1 (needs a running Docker and the image %s, "+
			"default %s:%s; offline: containers/image/build.sh and %s=%s, TESTCONTAINERS_RYUK_DISABLED=true)",
			DockerTestsEnv, ImageEnv, DefaultImageRepo, DefaultKafkaVersion, ImageEnv, LocalImage(DefaultKafkaVersion))
	}
	staleOnce.Do(func() { removeStale(t) })
}

func startDocker(t *testing.T, o Options) *Kafka {
	t.Helper()
	o.Runtime = RuntimeDocker
	return startKafka(t, o)
}

func dockerClient(t *testing.T) *testcontainers.DockerClient {
	t.Helper()
	cli, err := testcontainers.NewDockerClientWithOpts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Close() })
	return cli
}

var staleOnce sync.Once

// removeStale removes kbench containers and networks that an earlier test
// process on this machine left behind when it was killed (its pid is gone).
// Clusters of live processes, such as a parallel test binary, are kept.
func removeStale(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cli := dockerClient(t)
	host, _ := os.Hostname()
	stale := func(labels map[string]string) bool {
		h, pid, ok := strings.Cut(labels[DockerLabelOwner], ":")
		n, err := strconv.Atoi(pid)
		return ok && err == nil && h == host && errors.Is(syscall.Kill(n, 0), syscall.ESRCH)
	}
	f := client.Filters{}.Add("label", DockerLabelCluster)
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Logf("listing stale containers: %v", err)
		return
	}
	for _, c := range cs.Items {
		if stale(c.Labels) {
			t.Logf("removing stale container %s (%s)", c.ID[:12], c.Labels[DockerLabelOwner])
			cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
		}
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return
	}
	for _, n := range ns.Items {
		if stale(n.Labels) {
			t.Logf("removing stale network %s", n.Name)
			cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{})
		}
	}
}

// consume reads n records of topic from the start.
func consume(t *testing.T, k *Kafka, topic string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cl, err := kgo.NewClient(append(k.ClientOpts(), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	got := 0
	for got < n {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("consume %s after %d records: %v", topic, got, err)
		}
		got += fs.NumRecords()
	}
}

func TestDockerSingleNode(t *testing.T) {
	needDocker(t)
	k := startDocker(t, Options{})
	if n := len(k.Brokers()); n != 1 || !strings.HasPrefix(k.Brokers()[0], "127.0.0.1:") {
		t.Fatalf("brokers %v, want one on 127.0.0.1", k.Brokers())
	}
	if !strings.Contains(k.Description(), "Docker") {
		t.Errorf("description %q does not say Docker", k.Description())
	}
	assertRealKafka(t, k)
	produceConsume(t, k, "single", 100)

	// A stopped broker keeps its data and its address.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	before := k.Brokers()[0]
	if err := k.StopBroker(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if k.Running(0) {
		t.Fatal("broker 0 running after StopBroker")
	}
	if err := k.StartBroker(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if k.Brokers()[0] != before {
		t.Fatalf("broker moved from %s to %s", before, k.Brokers()[0])
	}
	consume(t, k, "single", 100)
}

func TestDockerTLSAndSCRAM(t *testing.T) {
	needDocker(t)
	k := startDocker(t, Options{TLS: true, SASL: SASLScramSHA512, Password: "s3cret-pass"})
	assertRealKafka(t, k)
	produceConsume(t, k, "secure", 50)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	bad := &Kafka{opts: k.opts, addrs: k.addrs, certs: k.certs}
	bad.opts.Password = "wrong-pass"
	cl, err := kgo.NewClient(bad.ClientOpts()...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Ping(ctx); err == nil || !strings.Contains(strings.ToLower(err.Error()), "sasl") {
		t.Fatalf("wrong password: got %v, want a SASL authentication error", err)
	}
}

func TestDockerThreeNodesKillAndRestart(t *testing.T) {
	needDocker(t)
	k := startDocker(t, Options{Nodes: 3})
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
	if k.Running(2) {
		t.Fatal("broker 2 still running after StopBroker")
	}
	if err := k.StartBroker(ctx, 2); err != nil {
		t.Fatal(err)
	}
	produceConsume(t, k, "after", 20)
	consume(t, k, "during", 20)
}

// TestDockerCloseLeavesNothing checks that Close removes the cluster's
// containers, their volumes and the network.
func TestDockerCloseLeavesNothing(t *testing.T) {
	needDocker(t)
	k := startDocker(t, Options{})
	cli := dockerClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f := client.Filters{}.Add("label", DockerLabelCluster+"="+k.ClusterID())
	cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Items) != 1 {
		t.Fatalf("%d containers labelled with the cluster, want 1", len(cs.Items))
	}
	var volumes []string
	for _, m := range cs.Items[0].Mounts {
		if m.Type == "volume" {
			volumes = append(volumes, m.Name)
		}
	}
	ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		t.Fatal(err)
	}
	if len(ns.Items) != 1 {
		t.Fatalf("%d networks labelled with the cluster, want 1", len(ns.Items))
	}
	dir := k.Dir()
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if cs, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f}); err != nil || len(cs.Items) != 0 {
		t.Errorf("after Close: %d containers left (%v)", len(cs.Items), err)
	}
	if ns, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f}); err != nil || len(ns.Items) != 0 {
		t.Errorf("after Close: %d networks left (%v)", len(ns.Items), err)
	}
	for _, v := range volumes {
		if _, err := cli.VolumeInspect(ctx, v, client.VolumeInspectOptions{}); err == nil {
			t.Errorf("after Close: volume %s left", v)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("after Close: cluster directory %s still there (%v)", dir, err)
	}
}

// TestDockerMissingImage checks that a missing image that cannot be pulled
// fails fast and says how to build the local one.
func TestDockerMissingImage(t *testing.T) {
	needDocker(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k, err := StartKafka(ctx, Options{Runtime: RuntimeDocker, Image: "kbench/kafka:0.0.0-missing-local"})
	if err == nil {
		k.Close()
		t.Fatal("StartKafka with a missing image succeeded")
	}
	if !strings.Contains(err.Error(), "containers/image/build.sh") {
		t.Fatalf("error does not say how to build the image: %v", err)
	}
}

// TestBuildScriptVersion keeps build.sh's default version equal to
// DefaultKafkaVersion.
func TestBuildScriptVersion(t *testing.T) {
	b, err := os.ReadFile("image/build.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^DEFAULT_VERSION=(\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("image/build.sh sets no DEFAULT_VERSION")
	}
	if string(m[1]) != DefaultKafkaVersion {
		t.Fatalf("image/build.sh builds %s by default, DefaultKafkaVersion is %s", m[1], DefaultKafkaVersion)
	}
}
