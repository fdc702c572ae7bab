package registry

import (
	"net"
	"net/http"
	"strings"
	"testing"
)

func TestStart(t *testing.T) {
	// An empty host means loopback, never every interface.
	srv, err := Start(":0")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("URL %q, want http://127.0.0.1:PORT", srv.URL)
	}
	resp, err := http.Get(srv.URL + "/schemas/types")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ContentType {
		t.Errorf("GET /schemas/types: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	// The port is released.
	host := strings.TrimPrefix(srv.URL, "http://")
	ln, err := net.Listen("tcp", host)
	if err != nil {
		t.Fatalf("port still held after Close: %v", err)
	}
	ln.Close()
}

func TestStartErrors(t *testing.T) {
	if _, err := Start("8081"); err == nil || !strings.Contains(err.Error(), "want host:port") {
		t.Errorf("address without a port: %v", err)
	}
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "example.com:0", "10.1.2.3:0"} {
		if _, err := Start(addr); err == nil || !strings.Contains(err.Error(), "loopback only") {
			t.Errorf("Start(%q): %v, want a loopback-only error", addr, err)
		}
	}
	for _, addr := range []string{"localhost:0", "[::1]:0"} {
		srv, err := Start(addr)
		if err != nil {
			if strings.Contains(addr, "::1") && strings.Contains(err.Error(), "cannot assign") {
				continue // no IPv6 loopback on this machine
			}
			t.Errorf("Start(%q): %v", addr, err)
			continue
		}
		srv.Close()
	}
	srv, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if _, err := Start(strings.TrimPrefix(srv.URL, "http://")); err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("port in use: %v", err)
	}
}
