package metrics

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kbench/kbench/measure"
)

func TestCheckAddress(t *testing.T) {
	for _, tt := range []struct {
		addr string
		ok   bool
		msg  string // part of the error
	}{
		{"127.0.0.1:9100", true, ""},
		{"localhost:0", true, ""},
		{":9100", true, ""},
		{"[::1]:9100", true, ""},
		{"127.0.0.1", false, "missing port"},
		{"9100", false, "missing port"},
		{"", false, "missing port"},
		{"127.0.0.1:http", false, `port "http" is not a number`},
		{"127.0.0.1:65536", false, "from 0 to 65535"},
		{"127.0.0.1:-1", false, "from 0 to 65535"},
		{"127.0.0.1:", false, `port ""`},
		{"http://127.0.0.1:9100", false, "without a scheme"},
		{"::1:9100", false, "too many colons"},
		{"a b:9100", false, "neither an IP address nor a host name"},
	} {
		err := CheckAddress(tt.addr)
		if tt.ok {
			if err != nil {
				t.Errorf("CheckAddress(%q): %v", tt.addr, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrBadAddress) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("CheckAddress(%q) = %v, want ErrBadAddress saying %q", tt.addr, err, tt.msg)
		}
	}
}

// FuzzCheckAddress: an accepted address always has a host part and a
// port from 0 to 65535.
func FuzzCheckAddress(f *testing.F) {
	for _, s := range []string{"127.0.0.1:9100", ":0", "[::1]:80", "host", "a:b:c", "x:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		if CheckAddress(addr) != nil {
			return
		}
		_, port, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatalf("accepted %q: %v", addr, err)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
			t.Fatalf("accepted %q with port %q", addr, port)
		}
	})
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestServer(t *testing.T) {
	e := NewExporter(Options{NoRuntimeMetrics: true})
	e.Observe(doneSnapshot())
	s, err := Listen("127.0.0.1:0", e.Handler())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || strings.HasSuffix(s.Addr(), ":0") {
		t.Fatalf("URL %s, address %s: want the port chosen", s.URL(), s.Addr())
	}
	base := "http://" + s.Addr()

	code, body := get(t, base+"/")
	if code != http.StatusOK || !strings.Contains(body, `<a href="/metrics">`) {
		t.Errorf("GET /: %d\n%s", code, body)
	}
	if code, _ := get(t, base+"/nothing"); code != http.StatusNotFound {
		t.Errorf("GET /nothing: %d, want 404", code)
	}

	// Nothing scraped yet: the wait ends with its context.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	if err := s.WaitScrape(ctx, time.Now()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitScrape without a scrape: %v", err)
	}
	cancel()
	before := time.Now()
	code, body = get(t, s.URL())
	if code != http.StatusOK || !strings.Contains(body, `kbench_run_phase{phase="done"} 1`) {
		t.Errorf("GET /metrics: %d\n%s", code, body)
	}
	// A scrape that started after before has completed: no wait.
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.WaitScrape(ctx, before); err != nil {
		t.Errorf("WaitScrape after a scrape: %v", err)
	}
	// The next one is waited for.
	after := time.Now()
	got := make(chan error, 1)
	go func() { got <- s.WaitScrape(ctx, after) }()
	select {
	case err := <-got:
		t.Fatalf("WaitScrape returned %v before a new scrape", err)
	case <-time.After(20 * time.Millisecond):
	}
	get(t, s.URL())
	if err := <-got; err != nil {
		t.Errorf("WaitScrape: %v", err)
	}

	// The address is busy while the server listens.
	if _, err := Listen(s.Addr(), e.Handler()); !errors.Is(err, ErrAddressInUse) || !strings.Contains(err.Error(), s.Addr()) {
		t.Errorf("second Listen on %s: %v, want ErrAddressInUse naming the address", s.Addr(), err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := http.Get(s.URL()); err == nil {
		t.Errorf("still serving after Close")
	}
	// The address is free again.
	s2, err := Listen(s.Addr(), e.Handler())
	if err != nil {
		t.Fatalf("Listen after Close: %v", err)
	}
	s2.Close()
}

func TestListenErrors(t *testing.T) {
	h := http.NotFoundHandler()
	for _, tt := range []struct {
		addr string
		is   error
		msg  string
	}{
		{"nonsense", ErrBadAddress, "missing port"},
		{"192.0.2.1:0", ErrBadAddress, "not an address of this machine"}, // TEST-NET-1
	} {
		s, err := Listen(tt.addr, h)
		if err == nil {
			s.Close()
			t.Errorf("Listen(%q) succeeded", tt.addr)
			continue
		}
		if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Listen(%q) = %v, want %v saying %q", tt.addr, err, tt.is, tt.msg)
		}
	}
}

// TestServeWhileObserving scrapes while snapshots arrive (run with -race).
func TestServeWhileObserving(t *testing.T) {
	e := NewExporter(Options{NoRuntimeMetrics: true})
	s, err := Listen("127.0.0.1:0", e.Handler())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		snap := doneSnapshot()
		snap.Phase = measure.PhaseMeasuring
		for i := range 200 {
			snap.Progress.Producers = []measure.ProducerProgress{{Name: "shop", Topic: "orders", Sent: int64(i)}}
			e.Observe(snap)
		}
	}()
	for range 5 {
		if code, _ := get(t, s.URL()); code != http.StatusOK {
			t.Fatalf("scrape: %d", code)
		}
	}
	<-done
}
