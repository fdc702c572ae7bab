package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMetricsFlagErrors: a bad --metrics-addr, a busy port or a bad
// --metrics-linger stop kbench run before it starts, with exit code 3, a
// clear message and a hint.
func TestMetricsFlagErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--metrics-addr", "nonsense"},
			[]string{`--metrics-addr: invalid metrics address "nonsense": missing port in address`, "hint: give --metrics-addr as host:port"}},
		{[]string{"--metrics-addr", "127.0.0.1:99999"},
			[]string{`port "99999" is not a number from 0 to 65535`, "hint:"}},
		{[]string{"--metrics-addr", "http://127.0.0.1:9100"},
			[]string{"without a scheme", "hint:"}},
		{[]string{"--metrics-addr", busy.Addr().String()},
			[]string{"--metrics-addr: metrics address already in use: " + busy.Addr().String(), "hint: another process"}},
		{[]string{"--metrics-linger", "30s"},
			[]string{"--metrics-linger needs --metrics-addr"}},
		{[]string{"--metrics-addr", "127.0.0.1:0", "--metrics-linger", "soon"},
			[]string{"--metrics-linger:", "hint: give a duration"}},
	} {
		out := t.TempDir()
		args := append([]string{"run", "testdata/pass.yaml", "--quiet", "--out", out}, tt.args...)
		code, stdout, stderr := kbench(t, args...)
		if code != exitInvalid {
			t.Errorf("%v: exit %d, want %d\n%s%s", tt.args, code, exitInvalid, stdout, stderr)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", tt.args, w, stderr)
			}
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Errorf("%v: the run started (%d entries in the result folder)", tt.args, len(entries))
		}
	}
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestMetricsServed runs a scenario with --metrics-addr and a long
// --metrics-linger while scraping: the metrics are served during the run,
// the final values once it is over, and the linger ends with that scrape.
func TestMetricsServed(t *testing.T) {
	addr := freeAddr(t)
	url := "http://" + addr + "/metrics"
	const linger = 60 * time.Second
	var (
		mu     sync.Mutex
		bodies []string
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			resp, err := http.Get(url)
			if err != nil {
				continue // not serving yet, or any more
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			bodies = append(bodies, string(b))
			mu.Unlock()
		}
	}()
	out := t.TempDir()
	start := time.Now()
	code, stdout, stderr := kbench(t, "run", "testdata/pass.yaml", "--quiet", "--out", out,
		"--metrics-addr", addr, "--metrics-linger", linger.String())
	took := time.Since(start)
	close(stop)
	wg.Wait()
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	for _, w := range []string{"serving live metrics at " + url, "serving the final metrics at " + url} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
	if took >= linger {
		t.Errorf("the linger did not end with the scrape of the final values (%v)", took)
	}
	if _, err := http.Get(url); err == nil {
		t.Errorf("still serving after kbench run returned")
	}

	var live, final string
	for _, b := range bodies {
		switch {
		case strings.Contains(b, `kbench_run_phase{phase="measuring"} 1`):
			live = b
		case strings.Contains(b, `kbench_run_phase{phase="done"} 1`):
			final = b
		}
	}
	if live == "" || final == "" {
		t.Fatalf("%d scrapes, none while measuring (%v) or none when done (%v)", len(bodies), live != "", final != "")
	}
	b, err := os.ReadFile(filepath.Join(out, "latest", "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		RunID   string `json:"run_id"`
		Produce struct{ Acked int64 }
	}
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		`kbench_run_info{cluster_kind="embedded",kbench_version="` + version() + `",run_id="` + res.RunID + `",scenario="cli-pass"} 1`,
		`kbench_producer_records_acked_total{producer="t",topic="t"} ` + strconv.FormatInt(res.Produce.Acked, 10),
		`kbench_client_connects_total{client="producer-t#0"`,
	} {
		if !strings.Contains(final, w) {
			t.Errorf("final scrape lacks %s", w)
		}
	}
}
