package registry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/sr"
)

// DefaultAddr is where NewServer listens: a free port on the IPv4 loopback
// address.
const DefaultAddr = "127.0.0.1:0"

// Server is a Registry served over HTTP on a loopback address, in the
// manner of httptest.Server. The caller must call Close.
type Server struct {
	// URL is the base URL of the registry, "http://127.0.0.1:PORT", to give
	// to registry clients (sr.URLs, schema.registry.url).
	URL string
	// Registry is the registry being served.
	Registry *Registry

	srv       *http.Server
	served    chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// NewServer starts a new, empty registry on a free loopback port
// (DefaultAddr). The caller must call Close.
func NewServer(opts ...Option) (*Server, error) {
	return Start(DefaultAddr, opts...)
}

// Start starts a new, empty registry listening on addr ("host:port"). The
// host must be a loopback address or "localhost"; an empty one means
// 127.0.0.1, so ":8081" does not expose the registry beyond this machine.
// Port 0 picks a free port. The caller must call Close.
func Start(addr string, opts ...Option) (*Server, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("registry: listen address %q: %v (want host:port, such as 127.0.0.1:8081)", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("registry: listen address %q: the embedded registry listens on loopback only (use 127.0.0.1, ::1 or localhost)", addr)
	}
	reg, err := newRegistry(opts)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	s := &Server{
		URL:      "http://" + ln.Addr().String(),
		Registry: reg,
		srv:      &http.Server{Handler: reg, ReadHeaderTimeout: 10 * time.Second},
		served:   make(chan struct{}),
	}
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			reg.logf("registry: serving %s stopped: %v", s.URL, err)
		}
	}()
	return s, nil
}

// Client returns a franz-go schema registry client for the server, with
// the server's basic-auth credentials when it has some; opts are applied
// after those.
func (s *Server) Client(opts ...sr.ClientOpt) (*sr.Client, error) {
	base := []sr.ClientOpt{sr.URLs(s.URL)}
	if cfg := s.Registry.cfg; cfg.auth {
		base = append(base, sr.BasicAuth(cfg.user, cfg.password))
	}
	return sr.NewClient(append(base, opts...)...)
}

// Close stops the server, waiting up to 5 seconds for requests under way,
// and releases its port. The registry's contents are lost. It is safe to
// call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.srv.Shutdown(ctx); err != nil {
			s.closeErr = errors.Join(err, s.srv.Close())
		}
		<-s.served
	})
	return s.closeErr
}
