package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary act as kbench for subprocess tests.
func TestMain(m *testing.M) {
	if os.Getenv("KBENCH_TEST_MAIN") == "1" {
		os.Exit(realMain(os.Args, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestCtrlCWritesPartialResult interrupts a one-minute run with SIGINT: kbench
// must stop promptly, exit 130, and still write the partial result.
func TestCtrlCWritesPartialResult(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	cmd := exec.Command(os.Args[0], "run", "testdata/long.yaml", "--out", out, "--quiet")
	cmd.Env = append(os.Environ(), "KBENCH_TEST_MAIN=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once producing has been going for a while.
	deadline := time.Now().Add(30 * time.Second)
	for {
		logs, _ := filepath.Glob(filepath.Join(out, "cli-long-*", "intervals.hlog"))
		var b []byte
		if len(logs) == 1 {
			b, _ = os.ReadFile(logs[0])
		}
		if len(b) > 2000 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	start := time.Now()
	// Twice at once, as a terminal or `timeout` delivers it to the process
	// and its group: still one graceful stop.
	for range 2 {
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
	}
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitInterrupted {
		t.Fatalf("exit: %v, want %d", err, exitInterrupted)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Fatalf("stopping took %v", took)
	}
	b, err := os.ReadFile(filepath.Join(out, "latest", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Status  string
		Produce struct{ Acked int64 }
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != "interrupted" || res.Produce.Acked == 0 {
		t.Fatalf("partial result: %+v", res)
	}
}
