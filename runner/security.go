package runner

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"

	"github.com/kbench/kbench/scenarios"
)

// SecurityOpts returns the franz-go options of a scenario cluster's TLS and
// SASL settings, for clients kbench makes outside a run (such as `kbench
// verify`). Errors name the file and setting at fault, never the password.
func SecurityOpts(c scenarios.Cluster) ([]kgo.Opt, error) { return securityOpts(c) }

// securityOpts turns cluster.tls and cluster.sasl into franz-go options,
// loading the certificate files. Errors are *Error values that name the
// file and setting at fault, never the files' contents, and never the
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
		switch strings.ToUpper(s.Mechanism) {
		case scenarios.SASLPlain:
			opts = append(opts, kgo.SASL(plain.Auth{User: s.Username, Pass: s.Password}.AsMechanism()))
		case scenarios.SASLScramSHA256:
			opts = append(opts, kgo.SASL(scram.Auth{User: s.Username, Pass: s.Password}.AsSha256Mechanism()))
		case scenarios.SASLScramSHA512:
			opts = append(opts, kgo.SASL(scram.Auth{User: s.Username, Pass: s.Password}.AsSha512Mechanism()))
		default:
			return nil, setupErr("mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512", "cluster.sasl: unknown SASL mechanism %q", s.Mechanism)
		}
	}
	return opts, nil
}

// tlsConfig builds the client TLS configuration: TLS 1.2 or later, the
// CA pool of ca_file (else the system's), the client certificate of
// cert_file and key_file. franz-go sets ServerName to each broker's host
// when it is empty.
func tlsConfig(t *scenarios.TLS) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // the user asked for it, for tests
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fileErr("ca_file", t.CAFile, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, setupErr("ca_file must hold PEM certificates (-----BEGIN CERTIFICATE-----)",
				"cluster.tls.ca_file %s: no certificate found", t.CAFile)
		}
		cfg.RootCAs = pool
	}
	if t.CertFile != "" || t.KeyFile != "" {
		for _, f := range []struct{ key, path string }{{"cert_file", t.CertFile}, {"key_file", t.KeyFile}} {
			if _, err := os.Stat(f.path); err != nil {
				return nil, fileErr(f.key, f.path, err)
			}
		}
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			// crypto/tls names the PEM problem (a missing block, a key
			// that does not match), never key material.
			return nil, setupErr("cert_file must be a PEM client certificate, and key_file its PEM private key",
				"cluster.tls: loading the client certificate %s with the key %s: %v", t.CertFile, t.KeyFile, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// fileErr is the *Error for a certificate file that cannot be read.
func fileErr(key, path string, err error) *Error {
	why := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		why = pe.Err.Error()
	}
	hint := "check cluster.tls." + key + " (paths in a scenario file are relative to its folder)"
	if errors.Is(err, fs.ErrPermission) {
		hint = "make the file readable by the user running kbench"
	}
	return setupErr(hint, "cluster.tls.%s %s: %s", key, path, why)
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

// connectErr explains why the first request to the cluster failed, with a
// hint at the setting to fix: the TLS and SASL failures get their own.
func connectErr(brokers []string, c scenarios.Cluster, err error) *Error {
	at := joinComma(brokers)
	var (
		firstEOF   *kgo.ErrFirstReadEOF
		unknownCA  x509.UnknownAuthorityError
		badHost    x509.HostnameError
		badCert    x509.CertificateInvalidError
		verify     *tls.CertificateVerificationError
		notTLS     tls.RecordHeaderError
		saslFailed = errors.Is(err, kerr.SaslAuthenticationFailed) || errors.Is(err, kerr.IllegalSaslState) ||
			errors.Is(err, kerr.UnsupportedSaslMechanism)
	)
	switch {
	case errors.As(err, &firstEOF):
		// franz-go tells these apart only in the message.
		msg := firstEOF.Error()
		switch {
		case strings.Contains(msg, "is TLS missing"):
			return setupErr("the brokers seem to require TLS: add cluster.tls (tls: true, or tls: { ca_file: ca.pem })",
				"cannot reach the Kafka cluster at %s: %v", at, err)
		case strings.Contains(msg, "is SASL missing") && c.SASL == nil:
			return setupErr("the brokers seem to require SASL: add cluster.sasl { mechanism, username, password }",
				"cannot reach the Kafka cluster at %s: %v", at, err)
		case strings.Contains(msg, "TLS misconfigured") && c.TLS != nil:
			return setupErr("the brokers do not seem to expect TLS on this port: remove cluster.tls, or use their TLS listener's port",
				"cannot reach the Kafka cluster at %s: %v", at, err)
		}
	case errors.As(err, &unknownCA), errors.As(err, &badHost), errors.As(err, &badCert), errors.As(err, &verify):
		hint := "check the TLS settings (cluster.tls)"
		if c.TLS != nil {
			hint = "set cluster.tls.ca_file to the CA that signed the brokers' certificates, " +
				"and cluster.tls.server_name to a name they hold if the broker address is not one"
		}
		return setupErr(hint, "TLS with the Kafka cluster at %s failed: the brokers' certificate is not trusted: %v", at, err)
	case errors.As(err, &notTLS):
		return setupErr("the brokers do not speak TLS on this port: remove cluster.tls, or use their TLS listener's port",
			"TLS with the Kafka cluster at %s failed: %v", at, err)
	case strings.Contains(err.Error(), "remote error: tls: "):
		// The brokers' TLS alert; crypto/tls exports no type for it.
		hint := "the brokers refused the TLS handshake: check cluster.tls against their TLS settings"
		if strings.Contains(err.Error(), "certificate required") || strings.Contains(err.Error(), "bad certificate") ||
			strings.Contains(err.Error(), "unknown certificate authority") {
			hint = "the brokers require a client certificate they trust: set cluster.tls.cert_file and key_file"
		}
		return setupErr(hint, "TLS with the Kafka cluster at %s failed: %v", at, err)
	}
	if s := c.SASL; s != nil && (saslFailed || errors.Is(err, io.EOF)) {
		why := err.Error()
		if errors.Is(err, io.EOF) && !saslFailed {
			why = "the broker closed the connection (EOF)"
		}
		hint := "check cluster.sasl: the brokers must know the username with this password, and enable the mechanism " + s.Mechanism
		if errors.Is(err, kerr.UnsupportedSaslMechanism) {
			hint = "the brokers do not enable " + s.Mechanism + ": set cluster.sasl.mechanism to one they do"
		}
		return setupErr(hint, "SASL %s authentication as %s with the Kafka cluster at %s failed: %s",
			s.Mechanism, s.Username, at, why)
	}
	hint := "check the addresses in --brokers, KBENCH_BROKERS or cluster.brokers, " +
		"or leave them out to run on the embedded cluster"
	if c.TLS != nil {
		hint += "; with cluster.tls, the port must be the brokers' TLS listener"
	}
	return setupErr(hint, "cannot reach the Kafka cluster at %s: %v", at, err)
}

// redactor keeps the SASL and Schema Registry passwords out of everything a
// run shows: errors, log lines, result notes. Nothing kbench writes holds
// them; this is the last line of defence against a library message that
// would.
type redactor struct{ passwords []string }

// newRedactor returns the redactor of cluster c's SASL password and the
// extra secrets given (empty ones are ignored).
func newRedactor(c scenarios.Cluster, extra ...string) redactor {
	var r redactor
	if c.SASL != nil && c.SASL.Password != "" {
		r.passwords = append(r.passwords, c.SASL.Password)
	}
	for _, s := range extra {
		if s != "" {
			r.passwords = append(r.passwords, s)
		}
	}
	return r
}

// scenarioRedactor is newRedactor with every secret of the scenario.
func scenarioRedactor(sc *scenarios.Scenario) redactor {
	var extra []string
	if reg := sc.SchemaRegistry; reg != nil {
		extra = append(extra, reg.Password)
	}
	return newRedactor(sc.Cluster, extra...)
}

// minSecret: shorter passwords are replaced only where quoted, since
// replacing every "x" would mangle messages (scenarios does the same).
const minSecret = 3

func (r redactor) string(s string) string {
	for _, p := range r.passwords {
		if len(p) < minSecret {
			s = strings.ReplaceAll(s, strconv.Quote(p), `"[password]"`)
		} else {
			s = strings.ReplaceAll(s, p, "[password]")
		}
	}
	return s
}

// error returns err, or an error of the same text without the password
// (an *Error keeps its hint) if err shows it.
func (r redactor) error(err error) error {
	if err == nil || len(r.passwords) == 0 || r.string(err.Error()) == err.Error() {
		return err
	}
	var re *Error
	if errors.As(err, &re) {
		return &Error{Err: errors.New(r.string(err.Error())), Hint: r.string(re.Hint)}
	}
	return errors.New(r.string(err.Error()))
}

// logf wraps a Logf so that its lines do not show the password.
func (r redactor) logf(logf func(string, ...any)) func(string, ...any) {
	if len(r.passwords) == 0 {
		return logf
	}
	return func(format string, args ...any) {
		logf("%s", r.string(fmt.Sprintf(format, args...)))
	}
}
