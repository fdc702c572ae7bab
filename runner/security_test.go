package runner

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
)

// testPassword is the password of user bench on the test clusters;
// wrongPassword shares no part of it, so a test can look for each.
const (
	testPassword  = "pa55-w0rd-XYZ"
	wrongPassword = "qq-N0t-1t-qq"
)

// testCerts is a CA, a broker certificate for 127.0.0.1 and a client
// certificate, made for one test. The CA and client files are PEM files in
// dir.
type testCerts struct {
	dir                                   string
	caFile, clientCertFile, clientKeyFile string
	pool                                  *x509.CertPool
	server                                tls.Certificate
}

func newTestCerts(t *testing.T) *testCerts {
	t.Helper()
	dir := t.TempDir()
	now := time.Now()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "kbench test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(serial int64, tmpl *x509.Certificate) ([]byte, *ecdsa.PrivateKey) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = big.NewInt(serial), now.Add(-time.Hour), now.Add(time.Hour)
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		return der, key
	}
	srvDER, srvKey := issue(2, &x509.Certificate{Subject: pkix.Name{CommonName: "broker"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	cliDER, cliKey := issue(3, &x509.Certificate{Subject: pkix.Name{CommonName: "bench"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	cliKeyDER, err := x509.MarshalECPrivateKey(cliKey)
	if err != nil {
		t.Fatal(err)
	}
	c := &testCerts{dir: dir, caFile: filepath.Join(dir, "ca.pem"), clientCertFile: filepath.Join(dir, "client.pem"),
		clientKeyFile: filepath.Join(dir, "client-key.pem"), pool: x509.NewCertPool(),
		server: tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: srvKey}}
	c.pool.AddCert(ca)
	for file, block := range map[string]*pem.Block{
		c.caFile:         {Type: "CERTIFICATE", Bytes: caDER},
		c.clientCertFile: {Type: "CERTIFICATE", Bytes: cliDER},
		c.clientKeyFile:  {Type: "EC PRIVATE KEY", Bytes: cliKeyDER},
	} {
		if err := os.WriteFile(file, pem.EncodeToMemory(block), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// secureCluster starts kfake over TLS with SASL: user bench with
// testPassword for PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512. With mtls the
// brokers also require a client certificate signed by the test CA.
func secureCluster(t *testing.T, mtls bool) (brokers []string, certs *testCerts) {
	t.Helper()
	certs = newTestCerts(t)
	srv := &tls.Config{Certificates: []tls.Certificate{certs.server}, MinVersion: tls.VersionTLS12}
	if mtls {
		srv.ClientAuth, srv.ClientCAs = tls.RequireAndVerifyClientCert, certs.pool
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.TLS(srv), kfake.EnableSASL(),
		kfake.Superuser(scenarios.SASLPlain, "bench", testPassword),
		kfake.Superuser(scenarios.SASLScramSHA256, "bench", testPassword),
		kfake.Superuser(scenarios.SASLScramSHA512, "bench", testPassword))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs(), certs
}

// logBuffer collects Logf lines.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(&l.b, format+"\n", args...)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRunSecure runs a short scenario over TLS with each SASL mechanism
// (and once with a client certificate): every record is produced and
// consumed, the result names the security, and the password appears
// nowhere: not in the result JSON, the notes or the log.
func TestRunSecure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		mtls      bool
		mechanism string
	}{
		{"SCRAM-SHA-512", false, "scram-sha-512"},
		{"SCRAM-SHA-256", false, scenarios.SASLScramSHA256},
		{"PLAIN with a client certificate", true, scenarios.SASLPlain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			brokers, certs := secureCluster(t, tt.mtls)
			sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 500}, time.Second)
			sc.Cluster.Brokers = brokers
			sc.Cluster.TLS = &scenarios.TLS{CAFile: certs.caFile}
			if tt.mtls {
				sc.Cluster.TLS.CertFile, sc.Cluster.TLS.KeyFile = certs.clientCertFile, certs.clientKeyFile
			}
			sc.Cluster.SASL = &scenarios.SASL{Mechanism: tt.mechanism, Username: "bench", Password: testPassword}
			if err := sc.Validate(); err != nil {
				t.Fatal(err)
			}
			var logs logBuffer
			res, err := Run(context.Background(), sc, Options{Logf: logs.logf})
			if err != nil {
				t.Fatal(err)
			}
			if res.Produce.Acked < 400 || res.Consume.Records != res.Produce.Acked || res.Produce.Errors != 0 || res.Consume.Missing != 0 {
				t.Fatalf("acked %d, consumed %d, errors %d, missing %d",
					res.Produce.Acked, res.Consume.Records, res.Produce.Errors, res.Consume.Missing)
			}
			want := "over TLS, SASL " + strings.ToUpper(tt.mechanism) + " as bench"
			if res.Cluster.Kind != measure.ClusterExternal || !strings.Contains(res.Cluster.Description, want) {
				t.Errorf("cluster %+v, want the description to say %q", res.Cluster, want)
			}
			b, err := json.Marshal(res)
			if err != nil {
				t.Fatal(err)
			}
			for what, s := range map[string]string{"result JSON": string(b), "logs": logs.String(),
				"notes": strings.Join(res.Notes, "\n")} {
				if strings.Contains(s, testPassword) {
					t.Errorf("the password appears in the %s", what)
				}
			}
		})
	}
}

// TestRunSecurityFailures: wrong credentials and TLS or SASL settings that
// do not fit the cluster stop the run before it starts, with a message and
// a hint that name the cause and the setting, and never a password or a
// key.
func TestRunSecurityFailures(t *testing.T) {
	t.Parallel()
	brokers, certs := secureCluster(t, false)
	mtlsBrokers, mtlsCerts := secureCluster(t, true)
	dir := t.TempDir()
	noCerts := filepath.Join(dir, "no-certs.pem")
	badKey := filepath.Join(dir, "bad-key.pem")
	const keyMaterial = "S3CRETKEYMATERIALdoNotPrint"
	for file, data := range map[string]string{
		noCerts: "not a certificate",
		badKey:  "-----BEGIN EC PRIVATE KEY-----\n" + keyMaterial + "\n-----END EC PRIVATE KEY-----\n",
	} {
		if err := os.WriteFile(file, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ca := &scenarios.TLS{CAFile: certs.caFile}
	bench := func(mech, pw string) *scenarios.SASL {
		return &scenarios.SASL{Mechanism: mech, Username: "bench", Password: pw}
	}
	const (
		secure = iota
		mtls
	)
	tests := []struct {
		name      string
		cluster   int
		tls       *scenarios.TLS
		sasl      *scenarios.SASL
		msg, hint string // substrings of the message and the hint
	}{
		{"wrong password SCRAM", secure, ca, bench(scenarios.SASLScramSHA512, wrongPassword),
			"SASL SCRAM-SHA-512 authentication as bench with the Kafka cluster at %s failed: the broker closed the connection (EOF)",
			"check cluster.sasl"},
		{"wrong password PLAIN", secure, ca, bench(scenarios.SASLPlain, wrongPassword),
			"SASL PLAIN authentication as bench with the Kafka cluster at %s failed", "check cluster.sasl"},
		{"unknown user", secure, ca, &scenarios.SASL{Mechanism: scenarios.SASLScramSHA256, Username: "nobody", Password: testPassword},
			"SASL SCRAM-SHA-256 authentication as nobody", "the brokers must know the username"},
		{"untrusted CA", secure, &scenarios.TLS{}, bench(scenarios.SASLScramSHA512, testPassword),
			"TLS with the Kafka cluster at %s failed: the brokers' certificate is not trusted", "cluster.tls.ca_file"},
		{"wrong server name", secure, &scenarios.TLS{CAFile: certs.caFile, ServerName: "kafka.example"}, bench(scenarios.SASLPlain, testPassword),
			"certificate is not trusted", "server_name"},
		{"no TLS", secure, nil, bench(scenarios.SASLScramSHA512, testPassword),
			"cannot reach the Kafka cluster at %s", "add cluster.tls"},
		{"no SASL", secure, ca, nil,
			"cannot reach the Kafka cluster at %s", "add cluster.sasl"},
		{"no client certificate", mtls, &scenarios.TLS{CAFile: mtlsCerts.caFile}, bench(scenarios.SASLPlain, testPassword),
			"TLS with the Kafka cluster at %s failed: remote error: tls: certificate required", "set cluster.tls.cert_file and key_file"},
		{"CA file without certificates", secure, &scenarios.TLS{CAFile: noCerts}, nil,
			"cluster.tls.ca_file " + noCerts + ": no certificate found", "PEM certificates"},
		{"bad key file", secure, &scenarios.TLS{CAFile: certs.caFile, CertFile: certs.clientCertFile, KeyFile: badKey}, nil,
			"loading the client certificate " + certs.clientCertFile + " with the key " + badKey, "PEM private key"},
		{"key of another certificate", secure, &scenarios.TLS{CAFile: certs.caFile, CertFile: certs.caFile, KeyFile: certs.clientKeyFile}, nil,
			"private key does not match public key", "cert_file must be a PEM client certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bs := map[int][]string{secure: brokers, mtls: mtlsBrokers}[tt.cluster]
			sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 10}, time.Second)
			sc.Cluster.Brokers = bs
			sc.Cluster.TLS, sc.Cluster.SASL = tt.tls, tt.sasl
			sc.Cluster.DialTimeout = 2 * time.Second
			if err := sc.Validate(); err != nil {
				t.Fatal(err)
			}
			var logs logBuffer
			res, err := Run(context.Background(), sc, Options{Logf: logs.logf})
			var re *Error
			if !errors.As(err, &re) || res != nil {
				t.Fatalf("got %v (%T), want an *Error and no result", err, err)
			}
			msg := tt.msg
			if strings.Contains(msg, "%s") {
				msg = fmt.Sprintf(msg, bs[0])
			}
			if !strings.Contains(err.Error(), msg) || !strings.Contains(re.Hint, tt.hint) {
				t.Errorf("got:\n%v\n\thint: %s\nwant the message to hold %q and the hint %q", err, re.Hint, msg, tt.hint)
			}
			for _, s := range []string{testPassword, wrongPassword, keyMaterial} {
				if strings.Contains(err.Error()+re.Hint+logs.String(), s) {
					t.Errorf("%q appears in the error, its hint or the log:\n%v\n\thint: %s\n%s", s, err, re.Hint, logs.String())
				}
			}
		})
	}
}

// TestRunPasswordInFile runs a scenario file whose password is written in
// it, on a plaintext cluster with SASL: the run works, and logs a warning
// that names the setting but not the password.
func TestRunPasswordInFile(t *testing.T) {
	t.Parallel()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser(scenarios.SASLPlain, "bench", testPassword))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	env := func(name string) (string, bool) {
		if name == "BROKERS" {
			return strings.Join(c.ListenAddrs(), ","), true
		}
		return "", false
	}
	sc, err := scenarios.Parse("literal.yaml", []byte(`
name: literal
duration: 1s
cluster:
  brokers: ["${BROKERS}"]
  sasl: { mechanism: plain, username: bench, password: "`+testPassword+`" }
data: { d: { size: 100 } }
producers: [{ topic: t, data: d, rate: 200/s }]
consumers: [{ topic: t }]
topics: [{ name: t, partitions: 2 }]
`), env)
	if err != nil {
		t.Fatal(err)
	}
	var logs logBuffer
	res, err := Run(context.Background(), sc, Options{Logf: logs.logf})
	if err != nil {
		t.Fatal(err)
	}
	if res.Produce.Acked < 150 || res.Consume.Records != res.Produce.Acked {
		t.Errorf("acked %d, consumed %d", res.Produce.Acked, res.Consume.Records)
	}
	log := logs.String()
	if !strings.Contains(log, "warning: literal.yaml:6:56: cluster.sasl.password: the password is written in the scenario file") ||
		!strings.Contains(log, `(write password: "${KAFKA_PASSWORD}"`) {
		t.Errorf("no warning in the log:\n%s", log)
	}
	b, _ := json.Marshal(res)
	if strings.Contains(log, testPassword) || strings.Contains(string(b), testPassword) {
		t.Errorf("the password appears in the log or the result")
	}
}

// TestConnectErr covers the broker answers kfake does not give: the
// error codes of a real Kafka refusing authentication.
func TestConnectErr(t *testing.T) {
	c := scenarios.Cluster{SASL: &scenarios.SASL{Mechanism: scenarios.SASLScramSHA512, Username: "bench", Password: testPassword}}
	brokers := []string{"k:9093"}
	for _, tt := range []struct {
		err       error
		c         scenarios.Cluster
		msg, hint string
	}{
		{fmt.Errorf("%w: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512",
			kerr.SaslAuthenticationFailed), c,
			"SASL SCRAM-SHA-512 authentication as bench with the Kafka cluster at k:9093 failed: SASL_AUTHENTICATION_FAILED",
			"check cluster.sasl"},
		{kerr.UnsupportedSaslMechanism, c, "as bench with the Kafka cluster at k:9093 failed: UNSUPPORTED_SASL_MECHANISM",
			"the brokers do not enable SCRAM-SHA-512"},
		{x509.UnknownAuthorityError{}, scenarios.Cluster{}, "TLS with the Kafka cluster at k:9093 failed", "check the TLS settings"},
		{io.EOF, scenarios.Cluster{}, "cannot reach the Kafka cluster at k:9093: EOF", "check the addresses"},
		{tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, scenarios.Cluster{TLS: &scenarios.TLS{}},
			"TLS with the Kafka cluster at k:9093 failed: tls: first record", "do not speak TLS on this port"},
		{context.DeadlineExceeded, scenarios.Cluster{TLS: &scenarios.TLS{}},
			"cannot reach the Kafka cluster at k:9093: context deadline exceeded", "the port must be the brokers' TLS listener"},
		{errors.New("dial tcp: connection refused"), c, "cannot reach the Kafka cluster at k:9093: dial tcp", "check the addresses"},
	} {
		e := connectErr(brokers, tt.c, tt.err)
		if !strings.Contains(e.Error(), tt.msg) || !strings.Contains(e.Hint, tt.hint) {
			t.Errorf("%v:\ngot  %v (hint: %s)\nwant %s... (hint: ...%s...)", tt.err, e, e.Hint, tt.msg, tt.hint)
		}
	}
}

// TestRedactor: errors, hints, log lines and notes that would show the
// password show [password] instead; short passwords only where quoted.
func TestRedactor(t *testing.T) {
	r := newRedactor(scenarios.Cluster{SASL: &scenarios.SASL{Password: testPassword}})
	err := r.error(fmt.Errorf("wrapped: %w", &Error{Err: errors.New("bad " + testPassword), Hint: "not " + testPassword}))
	var re *Error
	if !errors.As(err, &re) || err.Error() != "wrapped: bad [password]" || re.Hint != "not [password]" {
		t.Errorf("got %v (hint %q)", err, re.Hint)
	}
	plain := errors.New("nothing secret")
	if r.error(plain) != plain || r.error(nil) != nil {
		t.Error("an error without the password was replaced")
	}
	var lines []string
	r.logf(func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) })("user %s pass %s", "bench", testPassword)
	if len(lines) != 1 || lines[0] != "user bench pass [password]" {
		t.Errorf("log lines %q", lines)
	}
	short := newRedactor(scenarios.Cluster{SASL: &scenarios.SASL{Password: "ab"}})
	if got := short.string(`about "ab"`); got != `about "[password]"` {
		t.Errorf("short password: %q", got)
	}
	if none := newRedactor(scenarios.Cluster{}); none.string(testPassword) != testPassword {
		t.Error("no SASL: the text changed")
	}
}

// TestExternalWithoutBrokers: kind external needs brokers, from the
// scenario or the caller; explicitly empty Options.Brokers select the
// embedded cluster.
func TestExternalWithoutBrokers(t *testing.T) {
	t.Parallel()
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 100}, 500*time.Millisecond)
	sc.Cluster.Kind = scenarios.ClusterExternal
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), sc, Options{})
	var re *Error
	if !errors.As(err, &re) || err.Error() != "cluster.kind is external but no brokers were given" || !strings.Contains(re.Hint, "--brokers") {
		t.Fatalf("got %v", err)
	}
	res, err := Run(context.Background(), sc, Options{Brokers: []string{}})
	if err != nil || res.Cluster.Kind != measure.ClusterEmbedded || res.Produce.Acked == 0 {
		t.Fatalf("with Brokers: []string{}: %v", err)
	}
}
