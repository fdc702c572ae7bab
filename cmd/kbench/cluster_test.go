package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kbench/kbench/measure"
)

// TestClusterUpRunDown is the two-command path for a user without Kafka:
// `kbench cluster up`, a run against it, `kbench cluster down`.
func TestClusterUpRunDown(t *testing.T) {
	if os.Getenv("KBENCH_KAFKA_TESTS") == "" {
		t.Skip("real Kafka tests are off: set KBENCH_KAFKA_TESTS=1 (needs Java 17+ and Maven)")
	}
	// `cluster up` re-executes this binary as `kbench cluster serve`.
	t.Setenv("KBENCH_TEST_MAIN", "1")
	name := fmt.Sprintf("test-%d", os.Getpid())
	code, stdout, stderr := kbench(t, "cluster", "up", "--name", name)
	if code != 0 {
		t.Fatalf("cluster up: exit %d\n%s\n%s", code, stdout, stderr)
	}
	t.Cleanup(func() { kbench(t, "cluster", "down", "--name", name) })
	m := regexp.MustCompile(`export KBENCH_BROKERS=(\S+)`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("cluster up printed no KBENCH_BROKERS line:\n%s", stdout)
	}
	brokers := m[1]
	if !strings.Contains(stdout, "kbench cluster down --name "+name) {
		t.Fatalf("cluster up does not say how to stop it:\n%s", stdout)
	}
	if code, _, _ := kbench(t, "cluster", "status", "--name", name); code != 0 {
		t.Fatalf("cluster status: exit %d", code)
	}

	out := t.TempDir()
	code, stdout, stderr = kbench(t, "run", "testdata/real-kafka.yaml", "--brokers", brokers,
		"--duration", "3s", "--warmup", "1s", "--out", out, "-q")
	if code != 0 {
		t.Fatalf("run: exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "latest", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res measure.Result
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Cluster.Kind != measure.ClusterExternal || res.Produce.Acked == 0 || res.Consume.Missing != 0 {
		t.Fatalf("run on the cluster: kind %s, acked %d, missing %d", res.Cluster.Kind, res.Produce.Acked, res.Consume.Missing)
	}

	dir, err := clusterDir(name)
	if err != nil {
		t.Fatal(err)
	}
	st, err := readState(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = kbench(t, "cluster", "down", "--name", name)
	if code != 0 {
		t.Fatalf("cluster down: exit %d\n%s\n%s", code, stdout, stderr)
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(st.PID, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("cluster process %d still running after cluster down", st.PID)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("cluster directory left behind: %v", err)
	}
	if code, _, _ := kbench(t, "cluster", "status", "--name", name); code != exitRunError {
		t.Fatalf("cluster status after down: exit %d, want %d", code, exitRunError)
	}
}
