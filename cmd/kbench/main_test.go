package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kbench runs the CLI in-process and returns its exit code and output.
// Tests calling it do not run in parallel: urfave/cli v2 shares
// package-level flag values between apps.
func kbench(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = realMain(append([]string{"kbench"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunPassWritesResults(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := kbench(t, "run", "testdata/pass.yaml", "--out", dir, "--quiet")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"kbench cli-pass: completed", "embedded in-process cluster", "PASS  consume.missing == 0", "results: "} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "latest", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		SchemaVersion int `json:"schema_version"`
		Cluster       struct{ Kind string }
		Produce       struct{ Acked int64 }
		Gates         []struct{ Passed bool }
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if res.SchemaVersion != 1 || res.Cluster.Kind != "embedded" || res.Produce.Acked < 600 || len(res.Gates) != 2 {
		t.Fatalf("result.json: %+v", res)
	}
	for _, f := range []string{"summary.txt", "intervals.hlog", "e2e.hgrm", "produce.hgrm"} {
		if _, err := os.Stat(filepath.Join(dir, "latest", f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestRunGateFails(t *testing.T) {
	code, out, _ := kbench(t, "run", "--quiet", "--out", t.TempDir(), "testdata/fail.yaml")
	if code != exitGateFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitGateFailed, out)
	}
	if !strings.Contains(out, "FAIL  produce.rate >= 1M/s") {
		t.Errorf("summary lacks the failed gate:\n%s", out)
	}
}

func TestInvalidInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: x\nduraton: 5s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(huge, []byte("data: { d: { fields: { n: { fake: int, min: 1e300, max: 1e301 } } } }\nproducers: [{ topic: t, data: d, rate: 1/s }]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := [][]string{
		{"validate", huge},
		{"run", huge},
		{"run", bad},
		{"validate", bad},
		{"run", "testdata/pass.yaml", "--duration", "soon"},
		{"run", "testdata/pass.yaml", "--rate", "fast"},
		{"run"},
		{"generate", "testdata/pass.yaml", "--data", "nope"},
		{"run", "testdata/pass.yaml", "--no-such-flag"},
	}
	for _, args := range cases {
		code, _, errOut := kbench(t, args...)
		if code != exitInvalid {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitInvalid, errOut)
		}
		if errOut == "" {
			t.Errorf("%v: no message", args)
		}
	}
	_, _, errOut := kbench(t, "validate", bad)
	if !strings.Contains(errOut, "bad.yaml:2:1: unknown key \"duraton\"") || !strings.Contains(errOut, `did you mean "duration"?`) {
		t.Errorf("validate message:\n%s", errOut)
	}
}

func TestRunUnreachableBrokers(t *testing.T) {
	out := t.TempDir()
	code, _, errOut := kbench(t, "run", "testdata/pass.yaml", "--quiet", "--out", out, "--brokers", "127.0.0.1:1")
	if code != exitRunError || !strings.Contains(errOut, "cannot reach the Kafka cluster at 127.0.0.1:1") || !strings.Contains(errOut, "hint:") {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	// A run that never started leaves no result directory behind.
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("left %d entries in the result folder", len(entries))
	}
}

func TestGenerate(t *testing.T) {
	code, out, errOut := kbench(t, "generate", "testdata/pass.yaml", "--count", "3")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	var rec struct {
		Key   string
		Value struct{ ID string }
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil || rec.Key == "" || rec.Key != rec.Value.ID {
		t.Fatalf("line %q: %+v %v", lines[0], rec, err)
	}
	// Deterministic under the seed.
	_, again, _ := kbench(t, "generate", "testdata/pass.yaml", "--count", "3")
	if again != out {
		t.Errorf("generate is not deterministic:\n%s\n%s", out, again)
	}
}

func TestVersionAndValidate(t *testing.T) {
	if code, out, _ := kbench(t, "version"); code != 0 || !strings.HasPrefix(out, "kbench ") {
		t.Fatalf("version: %d %q", code, out)
	}
	code, out, errOut := kbench(t, "validate", "testdata/pass.yaml", "testdata/fail.yaml")
	if code != 0 || strings.Count(out, ": ok") != 2 {
		t.Fatalf("validate: %d %s %s", code, out, errOut)
	}
}

func TestInterspersed(t *testing.T) {
	app := newApp(nil, nil)
	for _, tt := range []struct{ in, want string }{
		{"kbench run f.yaml --duration 5s -q --out=x", "kbench run --duration 5s -q --out=x -- f.yaml"},
		{"kbench cluster up --nodes 3 --tls", "kbench cluster up --nodes 3 --tls"},
		{"kbench cluster down --name a", "kbench cluster down --name a"},
		{"kbench cluster", "kbench cluster"},
	} {
		got := strings.Join(interspersed(app, strings.Fields(tt.in)), " ")
		if got != tt.want {
			t.Errorf("interspersed(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestBaselineGate runs a scenario, then again against the first run as
// baseline: at the same rate the gate passes; at a quarter of it the
// baseline gate fails the run; without --baseline it says what is missing.
func TestBaselineGate(t *testing.T) {
	out := t.TempDir()
	if code, stdout, stderr := kbench(t, "run", "testdata/baseline.yaml", "--out", out, "-q",
		"--baseline", "testdata/missing.json"); code != exitInvalid {
		t.Fatalf("missing baseline file: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ := kbench(t, "run", "testdata/baseline.yaml", "--out", out, "-q")
	if code != exitGateFailed || !strings.Contains(stdout, "pass --baseline") {
		t.Fatalf("without a baseline: exit %d, want %d and a hint\n%s", code, exitGateFailed, stdout)
	}
	base := filepath.Join(out, "latest", "result.json")
	baseCopy := filepath.Join(t.TempDir(), "base.json")
	b, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(baseCopy, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := kbench(t, "run", "testdata/baseline.yaml", "--out", out, "-q", "--baseline", baseCopy); code != exitOK {
		t.Fatalf("same rate as the baseline: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = kbench(t, "run", "testdata/baseline.yaml", "--out", out, "-q", "--baseline", baseCopy, "--rate", "500/s")
	if code != exitGateFailed || !strings.Contains(stdout, "FAIL  produce.rate >= baseline * 0.9") {
		t.Fatalf("a quarter of the baseline's rate: exit %d, want %d\n%s", code, exitGateFailed, stdout)
	}
}
