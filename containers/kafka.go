package containers

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Kafka is a running Apache Kafka cluster started by StartKafka. Brokers are
// indexed from 0 in the methods below (their KRaft node ids are index+1).
// The caller must call Close.
type Kafka struct {
	opts      Options
	dir       string
	removeDir bool
	clusterID string
	addrs     []nodeAddrs
	certs     *certSet
	rt        nodeRunner

	mu     sync.Mutex
	closed bool
}

// nodeRunner runs broker nodes: one implementation per Runtime.
type nodeRunner interface {
	// prepare readies the runtime for the cluster (jars, image, network)
	// and returns each node's addresses and paths.
	prepare(ctx context.Context, k *Kafka) ([]nodeAddrs, error)
	// paths are node i's file locations as its broker sees them.
	paths(k *Kafka, i int) nodePaths
	// start formats node i's storage on first start and starts it;
	// config holds its server.properties.
	start(ctx context.Context, k *Kafka, i int, config string, first bool) error
	// stop stops node i: gracefully (SIGTERM, SIGKILL after grace) or at
	// once (SIGKILL). It returns when the node has exited.
	stop(ctx context.Context, i int, graceful bool, grace time.Duration) error
	// running reports whether node i's broker is up.
	running(i int) bool
	// logTail returns the end of node i's broker log, for errors.
	logTail(i int) string
	// close releases what prepare made, after every node stopped.
	close(ctx context.Context) error
	// describe names the runtime for reports, e.g. "local processes".
	describe() string
}

// StopGrace is how long StopBroker and Close wait after SIGTERM before
// sending SIGKILL.
const StopGrace = 30 * time.Second

var credentialRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]+$`)

// StartKafka starts a Kafka cluster and returns once every broker serves
// requests and the cluster reports them all. On error nothing is left
// running.
func StartKafka(ctx context.Context, opts Options) (*Kafka, error) {
	opts.setDefaults()
	switch opts.SASL {
	case "", SASLPlain, SASLScramSHA256, SASLScramSHA512:
	default:
		return nil, fmt.Errorf("unknown SASL mechanism %q (want %s, %s or %s)", opts.SASL,
			SASLPlain, SASLScramSHA256, SASLScramSHA512)
	}
	if opts.SASL != "" {
		if opts.Password == "" {
			opts.Password = newPassword()
		}
		if !credentialRE.MatchString(opts.Username) {
			return nil, fmt.Errorf("SASL username %q: use letters, digits and _ . @ - only", opts.Username)
		}
		if !credentialRE.MatchString(opts.Password) {
			return nil, errors.New("SASL password: use letters, digits and _ . @ - only")
		}
	}
	k := &Kafka{opts: opts, clusterID: newClusterID()}
	switch opts.Runtime {
	case RuntimeProcess:
		k.rt = &processRuntime{}
	case RuntimeDocker:
		rt, err := newDockerRuntime()
		if err != nil {
			return nil, err
		}
		k.rt = rt
	default:
		return nil, fmt.Errorf("unknown runtime %q (want %q or %q)", opts.Runtime, RuntimeProcess, RuntimeDocker)
	}
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
			return nil, err
		}
		k.dir = opts.Dir
	} else {
		d, err := os.MkdirTemp("", "kbench-kafka-")
		if err != nil {
			return nil, err
		}
		k.dir, k.removeDir = d, true
	}
	if err := k.start(ctx); err != nil {
		k.Close()
		return nil, err
	}
	return k, nil
}

func (k *Kafka) start(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, k.opts.StartTimeout)
	defer cancel()
	addrs, err := k.rt.prepare(ctx, k)
	if err != nil {
		return err
	}
	k.addrs = addrs
	if k.opts.TLS {
		var hosts []string
		for _, a := range addrs {
			hosts = append(hosts, hostOf(a.ClientAdvertised), hostOf(a.InternalAdvertised))
		}
		if k.certs, err = newCertSet(hosts); err != nil {
			return err
		}
	}
	k.opts.Logf("starting Apache Kafka %s: %d node(s) as %s", k.opts.Version, k.opts.Nodes, k.rt.describe())
	errs := make(chan error, k.opts.Nodes)
	for i := range k.opts.Nodes {
		go func() { errs <- k.rt.start(ctx, k, i, k.config(i), true) }()
	}
	for range k.opts.Nodes {
		if err := <-errs; err != nil {
			return err
		}
	}
	return k.waitReady(ctx, k.opts.Nodes)
}

// config is node i's server.properties.
func (k *Kafka) config(i int) string {
	return serverProperties(&k.opts, i+1, k.addrs, k.rt.paths(k, i))
}

// Brokers returns the seed addresses of the client listener, one per
// broker, on 127.0.0.1.
func (k *Kafka) Brokers() []string {
	out := make([]string, len(k.addrs))
	for i, a := range k.addrs {
		out[i] = a.ClientAdvertised
	}
	return out
}

// Nodes returns the number of brokers.
func (k *Kafka) Nodes() int { return k.opts.Nodes }

// Version returns the Apache Kafka version the cluster runs.
func (k *Kafka) Version() string { return k.opts.Version }

// ClusterID returns the cluster's KRaft cluster id.
func (k *Kafka) ClusterID() string { return k.clusterID }

// Dir returns the directory holding the cluster's configuration, data and
// broker logs (broker-<i>.log).
func (k *Kafka) Dir() string { return k.dir }

// Description is a one-line description for reports.
func (k *Kafka) Description() string {
	sec := clientProtocol(k.opts.TLS, k.opts.SASL)
	if k.opts.SASL != "" {
		sec += " " + k.opts.SASL
	}
	return fmt.Sprintf("Apache Kafka %s, %d broker(s) (KRaft, %s), %s listener", k.opts.Version,
		k.opts.Nodes, k.rt.describe(), sec)
}

// CACertPEM returns the PEM certificate of the CA that signed the brokers'
// certificates, or nil without TLS.
func (k *Kafka) CACertPEM() []byte {
	if k.certs == nil {
		return nil
	}
	return k.certs.CAPEM
}

// TLSConfig returns a client TLS configuration trusting the cluster's CA,
// or nil without TLS.
func (k *Kafka) TLSConfig() *tls.Config {
	if k.certs == nil {
		return nil
	}
	c, _ := clientTLS(k.certs.CAPEM)
	return c
}

// Credentials returns the SASL mechanism, username and password clients
// must use ("" mechanism without SASL).
func (k *Kafka) Credentials() (mechanism, username, password string) {
	return k.opts.SASL, k.opts.Username, k.opts.Password
}

// ClientOpts returns franz-go options that connect to the cluster: seed
// brokers, TLS and SASL as configured.
func (k *Kafka) ClientOpts() []kgo.Opt {
	return append([]kgo.Opt{kgo.SeedBrokers(k.Brokers()...)}, k.SecurityOpts()...)
}

// SecurityOpts returns the franz-go TLS and SASL options the cluster
// requires (none for a plaintext cluster).
func (k *Kafka) SecurityOpts() []kgo.Opt {
	var opts []kgo.Opt
	if c := k.TLSConfig(); c != nil {
		opts = append(opts, kgo.DialTLSConfig(c))
	}
	if m := k.saslMechanism(); m != nil {
		opts = append(opts, kgo.SASL(m))
	}
	return opts
}

func (k *Kafka) saslMechanism() sasl.Mechanism {
	u, p := k.opts.Username, k.opts.Password
	switch k.opts.SASL {
	case SASLPlain:
		return plain.Auth{User: u, Pass: p}.AsMechanism()
	case SASLScramSHA256:
		return scram.Auth{User: u, Pass: p}.AsSha256Mechanism()
	case SASLScramSHA512:
		return scram.Auth{User: u, Pass: p}.AsSha512Mechanism()
	}
	return nil
}

func (k *Kafka) checkIndex(i int) error {
	if i < 0 || i >= k.opts.Nodes {
		return fmt.Errorf("broker index %d out of range [0, %d)", i, k.opts.Nodes)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return errors.New("cluster closed")
	}
	return nil
}

// StopBroker stops broker i gracefully: SIGTERM (a controlled shutdown
// that moves leadership away), then SIGKILL if it has not exited within
// StopGrace or when ctx ends.
func (k *Kafka) StopBroker(ctx context.Context, i int) error {
	if err := k.checkIndex(i); err != nil {
		return err
	}
	return k.rt.stop(ctx, i, true, StopGrace)
}

// KillBroker kills broker i at once (SIGKILL): no controlled shutdown, no
// flush of the page cache's view beyond what the OS keeps.
func (k *Kafka) KillBroker(i int) error {
	if err := k.checkIndex(i); err != nil {
		return err
	}
	return k.rt.stop(context.Background(), i, false, 0)
}

// StartBroker starts a stopped or killed broker i again with its data and
// returns once it serves requests.
func (k *Kafka) StartBroker(ctx context.Context, i int) error {
	if err := k.checkIndex(i); err != nil {
		return err
	}
	if k.rt.running(i) {
		return fmt.Errorf("broker %d is running", i)
	}
	ctx, cancel := context.WithTimeout(ctx, k.opts.StartTimeout)
	defer cancel()
	if err := k.rt.start(ctx, k, i, k.config(i), false); err != nil {
		return err
	}
	return k.waitBroker(ctx, i)
}

// Running reports whether broker i is up (started and not stopped).
func (k *Kafka) Running(i int) bool {
	if i < 0 || i >= k.opts.Nodes {
		return false
	}
	return k.rt.running(i)
}

// Close stops every broker (gracefully, in parallel, SIGKILL after
// StopGrace) and removes the cluster directory if StartKafka created it. It
// is safe to call more than once.
func (k *Kafka) Close() error {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return nil
	}
	k.closed = true
	k.mu.Unlock()
	var wg sync.WaitGroup
	errs := make([]error, k.opts.Nodes)
	for i := range k.opts.Nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), StopGrace+10*time.Second)
			defer cancel()
			errs[i] = k.rt.stop(ctx, i, true, StopGrace)
		}()
	}
	wg.Wait()
	errs = append(errs, k.rt.close(context.Background()))
	if k.removeDir {
		errs = append(errs, os.RemoveAll(k.dir))
	}
	return errors.Join(errs...)
}

// waitReady waits until the cluster's metadata lists n brokers and a
// controller.
func (k *Kafka) waitReady(ctx context.Context, n int) error {
	cl, err := kgo.NewClient(append(k.ClientOpts(), kgo.RetryTimeout(2*time.Second))...)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	var last error
	began := time.Now()
	kicked := map[int32]bool{}
	for {
		m, err := adm.BrokerMetadata(ctx)
		switch {
		case err != nil:
			last = err
		case len(m.Brokers) < n:
			last = fmt.Errorf("%d of %d brokers registered", len(m.Brokers), n)
			// On a starved machine a KRaft quorum can come up with a
			// broker stuck unregistered while leadership flaps; restarting
			// that broker (keeping its data) settles it.
			if n > 1 && time.Since(began) > kickAfter {
				k.kickUnregistered(ctx, m.Brokers, kicked)
			}
		case m.Controller < 0:
			last = errors.New("no active controller")
		default:
			return nil
		}
		if err := k.checkExited(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return k.startErr(fmt.Errorf("cluster not ready: %v", last))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// kickAfter is how long a multi-node start waits for every broker to
// register before restarting the ones that have not.
const kickAfter = 30 * time.Second

// kickUnregistered restarts, once each, the brokers missing from
// registered.
func (k *Kafka) kickUnregistered(ctx context.Context, registered kadm.BrokerDetails, kicked map[int32]bool) {
	for i := range k.opts.Nodes {
		id := int32(i + 1)
		found := false
		for _, b := range registered {
			found = found || b.NodeID == id
		}
		if found || kicked[id] {
			continue
		}
		kicked[id] = true
		k.opts.Logf("broker %d has not registered after %v: restarting it", i, kickAfter)
		if err := k.rt.stop(ctx, i, false, 0); err != nil {
			k.opts.Logf("stopping broker %d: %v", i, err)
			continue
		}
		if err := k.rt.start(ctx, k, i, k.config(i), false); err != nil {
			k.opts.Logf("restarting broker %d: %v", i, err)
		}
	}
}

// waitBroker waits until broker i answers a metadata request itself and is
// registered with the cluster.
func (k *Kafka) waitBroker(ctx context.Context, i int) error {
	opts := k.ClientOpts()
	opts[0] = kgo.SeedBrokers(k.addrs[i].ClientAdvertised)
	cl, err := kgo.NewClient(append(opts, kgo.RetryTimeout(2*time.Second))...)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	var last error
	for {
		m, err := adm.BrokerMetadata(ctx)
		if err == nil {
			for _, b := range m.Brokers {
				if b.NodeID == int32(i+1) {
					return nil
				}
			}
			last = fmt.Errorf("broker %d not registered yet", i)
		} else {
			last = err
		}
		if !k.rt.running(i) {
			return k.startErr(fmt.Errorf("broker %d exited", i))
		}
		select {
		case <-ctx.Done():
			return k.startErr(fmt.Errorf("broker %d not ready: %v", i, last))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (k *Kafka) checkExited() error {
	for i := range k.opts.Nodes {
		if !k.rt.running(i) {
			return k.startErr(fmt.Errorf("broker %d exited during start-up", i))
		}
	}
	return nil
}

// startErr adds the end of the broker logs to a start-up error.
func (k *Kafka) startErr(err error) error {
	var b strings.Builder
	b.WriteString(err.Error())
	for i := range k.opts.Nodes {
		if t := k.rt.logTail(i); t != "" {
			fmt.Fprintf(&b, "\n--- broker %d log (end) ---\n%s", i, t)
		}
	}
	return errors.New(b.String())
}

// BrokerVersion asks the cluster which Kafka release its API versions
// match (franz-go's guess, e.g. "v4.0"), proving that a real broker
// answers.
func BrokerVersion(ctx context.Context, opts ...kgo.Opt) (string, error) {
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return "", err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	vs, err := adm.ApiVersions(ctx)
	if err != nil {
		return "", err
	}
	for _, v := range vs.Sorted() {
		if v.Err != nil {
			continue
		}
		return v.VersionGuess(kversion.TryRaftBroker()), nil
	}
	return "", errors.New("no broker answered ApiVersions")
}

func hostOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[:i]
	}
	return addr
}
