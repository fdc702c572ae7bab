package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/metrics"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

// metricsFlags are kbench run's flags for live Prometheus metrics.
func metricsFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "metrics-addr", Usage: "serve live Prometheus metrics at http://HOST:PORT/metrics while the run goes, " +
			"e.g. 127.0.0.1:9100 (port 0 picks a free port; see docs/metrics.md)"},
		&cli.StringFlag{Name: "metrics-linger", Usage: "after the run, keep serving metrics until a scrape has read " +
			"the final values, for at most this long, e.g. 30s (default: stop at once)"},
	}
}

// liveMetrics serves a run's metrics (--metrics-addr); nil without it.
type liveMetrics struct {
	exp    *metrics.Exporter
	srv    *metrics.Server
	linger time.Duration
}

// startMetrics checks the metrics flags and, with --metrics-addr, starts
// serving: a bad or busy address fails here, before the run starts. The
// caller closes the result.
func startMetrics(c *cli.Context, sc *scenarios.Scenario, stderr io.Writer) (*liveMetrics, error) {
	addr := c.String("metrics-addr")
	var linger time.Duration
	var err error
	if s := c.String("metrics-linger"); s != "" {
		linger, err = scenarios.ParseDuration(s)
	}
	if err != nil || linger < 0 {
		if err == nil {
			err = errors.New("negative duration")
		}
		return nil, exitWith(exitInvalid, fmt.Errorf("--metrics-linger: %w", err), "give a duration such as 30s")
	}
	if addr == "" {
		if linger > 0 {
			return nil, exitWith(exitInvalid, errors.New("--metrics-linger needs --metrics-addr"),
				"add --metrics-addr 127.0.0.1:9100")
		}
		return nil, nil
	}
	var secrets []string
	if sc.Cluster.SASL != nil {
		secrets = append(secrets, sc.Cluster.SASL.Password)
	}
	exp := metrics.NewExporter(metrics.Options{Secrets: secrets})
	srv, err := metrics.Listen(addr, exp.Handler())
	if err != nil {
		hint := ""
		switch {
		case errors.Is(err, metrics.ErrBadAddress):
			hint = "give --metrics-addr as host:port, e.g. 127.0.0.1:9100 (port 0 picks a free port)"
		case errors.Is(err, metrics.ErrAddressInUse):
			hint = "another process (another kbench run, an exporter) listens there: choose another port, or port 0 for a free one"
		}
		return nil, exitWith(exitInvalid, fmt.Errorf("--metrics-addr: %w", err), hint)
	}
	fmt.Fprintf(stderr, "kbench: serving live metrics at %s\n", srv.URL())
	return &liveMetrics{exp: exp, srv: srv, linger: linger}, nil
}

// options wires the exporter into the run.
func (m *liveMetrics) options(o *runner.Options) {
	if m == nil {
		return
	}
	o.Observer = m.exp
	o.ClientHooks = m.exp.ClientHooks
}

// finish keeps serving, after a run that ended at end, until a scrape has
// read its final values or --metrics-linger passes, then stops serving.
// ctx ends the wait early, unless it was already over (an interrupted
// run): then a second Ctrl-C quits.
func (m *liveMetrics) finish(ctx context.Context, end time.Time, stderr io.Writer) {
	if m == nil {
		return
	}
	if m.linger > 0 {
		if ctx.Err() != nil {
			ctx = context.Background()
		}
		fmt.Fprintf(stderr, "kbench: serving the final metrics at %s until they are scraped, at most %v\n", m.srv.URL(), m.linger)
		lctx, cancel := context.WithTimeout(ctx, m.linger)
		_ = m.srv.WaitScrape(lctx, end)
		cancel()
	}
	m.close()
}

// close stops serving. It is safe to call twice and on nil.
func (m *liveMetrics) close() {
	if m != nil {
		_ = m.srv.Close()
	}
}
