package metrics

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Errors of Listen, for errors.Is.
var (
	// ErrBadAddress: the address is not host:port with a port from 0 to
	// 65535.
	ErrBadAddress = errors.New("invalid metrics address")
	// ErrAddressInUse: something already listens on the address.
	ErrAddressInUse = errors.New("metrics address already in use")
)

// MetricsPath is where a Server serves the metrics.
const MetricsPath = "/metrics"

// shutdownTimeout bounds how long Close waits for scrapes in progress.
const shutdownTimeout = 2 * time.Second

// Server serves metrics over HTTP: the metrics at /metrics, and a page at /
// that links to them. Make one with Listen; the caller must Close it.
type Server struct {
	ln   net.Listener
	srv  *http.Server
	done chan struct{} // closed when Serve returns

	mu sync.Mutex
	// lastScrape is the start time of the latest completed scrape;
	// scraped is closed (and replaced) when a scrape completes.
	lastScrape time.Time
	scraped    chan struct{}
}

// CheckAddress reports whether addr is a host:port a Server can listen
// on: a port from 0 (any free port) to 65535, and a host that is empty
// (every interface), an IP address or a name. Errors wrap ErrBadAddress.
func CheckAddress(addr string) error {
	if strings.Contains(addr, "://") {
		return fmt.Errorf("%w %q: write host:port, without a scheme or path", ErrBadAddress, addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if errors.As(err, &ae) {
			return fmt.Errorf("%w %q: %s", ErrBadAddress, addr, ae.Err)
		}
		return fmt.Errorf("%w %q: %v", ErrBadAddress, addr, err)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%w %q: port %q is not a number from 0 to 65535", ErrBadAddress, addr, port)
	}
	if strings.ContainsAny(host, " /?#@[]") {
		return fmt.Errorf("%w %q: host %q is neither an IP address nor a host name", ErrBadAddress, addr, host)
	}
	return nil
}

// Listen checks addr (see CheckAddress), listens on it and serves h at
// /metrics in the background. It returns once the address is bound, so a
// busy port (ErrAddressInUse) or an address of another machine fails here,
// before anything else starts.
func Listen(addr string, h http.Handler) (*Server, error) {
	if err := CheckAddress(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		switch {
		case errors.Is(err, syscall.EADDRINUSE):
			return nil, fmt.Errorf("%w: %s", ErrAddressInUse, addr)
		case errors.Is(err, syscall.EADDRNOTAVAIL):
			return nil, fmt.Errorf("%w %q: it is not an address of this machine", ErrBadAddress, addr)
		}
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			return nil, fmt.Errorf("%w %q: cannot resolve host %q", ErrBadAddress, addr, dnsErr.Name)
		}
		return nil, fmt.Errorf("listening for metrics on %s: %w", addr, err)
	}
	s := &Server{ln: ln, done: make(chan struct{}), scraped: make(chan struct{})}
	mux := http.NewServeMux()
	mux.Handle(MetricsPath, s.counting(h))
	mux.HandleFunc("/{$}", s.index)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s, nil
}

// Addr is the address the Server listens on, with the port chosen when
// the address asked for port 0.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is the address of the metrics, e.g. http://127.0.0.1:9100/metrics.
func (s *Server) URL() string { return "http://" + s.Addr() + MetricsPath }

// counting wraps the metrics handler to note each completed scrape.
func (s *Server) counting(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h.ServeHTTP(w, r)
		s.mu.Lock()
		if start.After(s.lastScrape) {
			s.lastScrape = start
		}
		close(s.scraped)
		s.scraped = make(chan struct{})
		s.mu.Unlock()
	})
}

func (s *Server) index(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html>\n<title>kbench metrics</title>\n<h1>kbench</h1>\n<p><a href=\"%s\">%s</a>: the run's metrics in the Prometheus text format.</p>\n",
		html.EscapeString(MetricsPath), html.EscapeString(MetricsPath))
}

// WaitScrape waits until a scrape of /metrics that started after after
// has completed (it read what was there at after), or ctx ends; it
// returns ctx's error then. Use it to keep serving until Prometheus has
// scraped a run's final values.
func (s *Server) WaitScrape(ctx context.Context, after time.Time) error {
	for {
		s.mu.Lock()
		last, ch := s.lastScrape, s.scraped
		s.mu.Unlock()
		if last.After(after) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// Close stops the Server: it stops listening, lets scrapes in progress
// finish (for up to 2s), and returns when the server has stopped. It is
// safe to call more than once.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	<-s.done
	return err
}
