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
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kbench/kbench/scenarios"
)

// testCA makes a CA and a server certificate for 127.0.0.1, writes the
// CA's PEM to dir/ca.pem and returns the server's TLS configuration.
func testCA(t *testing.T, dir string) *tls.Config {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "broker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}

const testPassword = "pa55-w0rd-XYZ"

// secureCluster starts kfake with TLS and SCRAM-SHA-512 (user bench).
func secureCluster(t *testing.T) (brokers []string, caFile string) {
	t.Helper()
	dir := t.TempDir()
	srv := testCA(t, dir)
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.TLS(srv), kfake.EnableSASL(),
		kfake.Superuser("SCRAM-SHA-512", "bench", testPassword))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c.ListenAddrs(), filepath.Join(dir, "ca.pem")
}

func TestRunOverTLSWithSCRAM(t *testing.T) {
	t.Parallel()
	brokers, ca := secureCluster(t)
	sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 500}, time.Second)
	sc.Cluster.Brokers = brokers
	sc.Cluster.TLS = &scenarios.TLS{CAFile: ca}
	sc.Cluster.SASL = &scenarios.SASL{Mechanism: "scram-sha-512", Username: "bench", Password: testPassword}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var logs strings.Builder
	res, err := Run(context.Background(), sc, Options{Logf: func(f string, a ...any) {
		mu.Lock()
		fmt.Fprintf(&logs, f+"\n", a...)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Produce.Acked < 400 || res.Consume.Records != res.Produce.Acked || res.Produce.Errors != 0 {
		t.Fatalf("acked %d, consumed %d, errors %d", res.Produce.Acked, res.Consume.Records, res.Produce.Errors)
	}
	if !strings.Contains(res.Cluster.Description, "TLS, SASL SCRAM-SHA-512 as bench") {
		t.Errorf("cluster description %q does not name the security", res.Cluster.Description)
	}
	b, _ := json.Marshal(res)
	mu.Lock()
	defer mu.Unlock()
	for what, s := range map[string]string{"result": string(b), "logs": logs.String()} {
		if strings.Contains(s, testPassword) {
			t.Errorf("the password appears in the %s", what)
		}
	}
}

func TestRunSecurityFailures(t *testing.T) {
	t.Parallel()
	brokers, ca := secureCluster(t)
	badPEM := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(badPEM, []byte("not a certificate"), 0o644)
	tests := []struct {
		name string
		tls  *scenarios.TLS
		sasl *scenarios.SASL
		want string
	}{
		{"wrong password", &scenarios.TLS{CAFile: ca},
			&scenarios.SASL{Mechanism: scenarios.SASLScramSHA512, Username: "bench", Password: "wrong-" + testPassword}, "cannot reach"},
		{"untrusted CA", &scenarios.TLS{},
			&scenarios.SASL{Mechanism: scenarios.SASLScramSHA512, Username: "bench", Password: testPassword}, "cannot reach"},
		{"no TLS", nil,
			&scenarios.SASL{Mechanism: scenarios.SASLScramSHA512, Username: "bench", Password: testPassword}, "cannot reach"},
		{"CA file without certificates", &scenarios.TLS{CAFile: badPEM}, nil, "no certificate found in the CA file " + badPEM},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc := scenario(t, scenarios.Rate{Profile: scenarios.RateConstant, Rate: 10}, time.Second)
			sc.Cluster.Brokers = brokers
			sc.Cluster.TLS, sc.Cluster.SASL = tt.tls, tt.sasl
			sc.Cluster.DialTimeout = 2 * time.Second
			if err := sc.Validate(); err != nil {
				t.Fatal(err)
			}
			_, err := Run(context.Background(), sc, Options{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), testPassword) {
				t.Fatalf("the password appears in the error: %v", err)
			}
		})
	}
}
