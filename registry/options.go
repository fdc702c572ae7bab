package registry

import (
	"errors"
	"fmt"
	"slices"

	"github.com/kbench/kbench/schema"
)

// DefaultCompatibility is the compatibility level of a new registry, as in
// Confluent Schema Registry.
const DefaultCompatibility = schema.Backward

// Option configures a Registry (New) or a Server (NewServer, Start).
type Option func(*config)

type config struct {
	mode     schema.Mode
	user     string
	password string
	auth     bool
	logf     func(format string, args ...any)
	errs     []error
}

// WithCompatibility sets the registry-wide compatibility level a new
// registry starts with (DefaultCompatibility, BACKWARD, if not given); PUT
// /config changes it later and DELETE /config restores it. Parse user input
// with schema.ParseMode first.
func WithCompatibility(mode schema.Mode) Option {
	return func(c *config) {
		if !slices.Contains(schema.Modes, mode) {
			c.errs = append(c.errs, fmt.Errorf("registry: unknown compatibility level %q (want one of %v)", mode, schema.Modes))
			return
		}
		c.mode = mode
	}
}

// WithBasicAuth makes the registry require HTTP basic authentication with
// this user and password on every request; a request without them, or
// with others, is answered 401 with the registry's error body. The
// password never appears in a response or a log line. Off by default.
func WithBasicAuth(user, password string) Option {
	return func(c *config) {
		if user == "" || password == "" {
			c.errs = append(c.errs, errors.New("registry: basic auth needs a non-empty user and password"))
			return
		}
		c.user, c.password, c.auth = user, password, true
	}
}

// WithLogf makes the registry log one line per request (method, path,
// status, and the error message for failures) and per rejected
// authentication through logf. Credentials are never logged. Nothing is
// logged by default.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(c *config) { c.logf = logf }
}

// buildConfig applies the options and returns their first error.
func buildConfig(opts []Option) (config, error) {
	c := config{mode: DefaultCompatibility}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	return c, errors.Join(c.errs...)
}
