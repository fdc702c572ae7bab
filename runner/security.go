package runner

import (
	"crypto/tls"
	"crypto/x509"
	"os"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kbench/kbench/scenarios"
)

// securityOpts turns cluster.tls and cluster.sasl into franz-go options.
// Errors name the file at fault, never its contents, and never the
// password.
func securityOpts(c scenarios.Cluster) ([]kgo.Opt, error) {
	var opts []kgo.Opt
	if c.TLS != nil {
		cfg, err := tlsConfig(c.TLS)
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	if s := c.SASL; s != nil {
		switch s.Mechanism {
		case scenarios.SASLPlain:
			opts = append(opts, kgo.SASL(plain.Auth{User: s.Username, Pass: s.Password}.AsMechanism()))
		case scenarios.SASLScramSHA256:
			opts = append(opts, kgo.SASL(scram.Auth{User: s.Username, Pass: s.Password}.AsSha256Mechanism()))
		case scenarios.SASLScramSHA512:
			opts = append(opts, kgo.SASL(scram.Auth{User: s.Username, Pass: s.Password}.AsSha512Mechanism()))
		default:
			return nil, setupErr("mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", "unknown SASL mechanism %q", s.Mechanism)
		}
	}
	return opts, nil
}

func tlsConfig(t *scenarios.TLS) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // the user asked for it, for tests
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, setupErr("check cluster.tls.ca_file", "reading the CA file: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, setupErr("ca_file must hold PEM certificates (-----BEGIN CERTIFICATE-----)",
				"no certificate found in the CA file %s", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			// err names the files or the PEM problem, never key material.
			return nil, setupErr("cert_file and key_file must be a PEM certificate and its private key",
				"loading the client certificate %s with key %s: %v", t.CertFile, t.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// describeSecurity is how the result names a cluster's security, e.g.
// "TLS, SASL SCRAM-SHA-512 as bench" (never the password).
func describeSecurity(c scenarios.Cluster) string {
	switch {
	case c.TLS != nil && c.SASL != nil:
		return "TLS, SASL " + c.SASL.String()
	case c.TLS != nil:
		return "TLS"
	case c.SASL != nil:
		return "SASL " + c.SASL.String()
	}
	return ""
}
