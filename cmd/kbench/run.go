package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/gates"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/report"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run a scenario and report latency, throughput and gates",
		ArgsUsage: "FILE",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "brokers", EnvVars: []string{"KBENCH_BROKERS"},
				Usage: "comma-separated seed brokers; overrides cluster.brokers (empty: embedded cluster)"},
			&cli.BoolFlag{Name: "embedded", Usage: "run on the embedded cluster whatever the scenario or KBENCH_BROKERS say"},
			&cli.StringFlag{Name: "duration", Usage: "override the scenario's duration, e.g. 30s"},
			&cli.StringFlag{Name: "warmup", Usage: "override the scenario's warmup, e.g. 5s"},
			&cli.StringFlag{Name: "rate", Usage: "replace each producer's rate profile by this constant rate (split over its instances), e.g. 5000/s, or unlimited"},
			&cli.StringFlag{Name: "out", Usage: "folder for result directories; overrides report.out"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no live progress"},
			&cli.StringSliceFlag{Name: "baseline", Usage: "result.json (or result directory) of an earlier run, for gates written against a baseline (e2e.p99 <= baseline * 1.10); repeat for several"},
		}, metricsFlags()...),
		Action: runAction,
	}
}

// applyFlags applies command-line overrides to a loaded scenario and
// re-validates it.
func applyFlags(c *cli.Context, sc *scenarios.Scenario) error {
	if s := c.String("duration"); s != "" {
		d, err := scenarios.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("--duration: %w", err)
		}
		sc.Duration = d
	}
	if s := c.String("warmup"); c.IsSet("warmup") {
		d, err := scenarios.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("--warmup: %w", err)
		}
		sc.Warmup = d
	}
	if s := c.String("rate"); s != "" {
		rate := scenarios.Rate{Profile: scenarios.RateUnlimited}
		if s != "unlimited" {
			v, err := scenarios.ParseRate(s)
			if err != nil {
				return fmt.Errorf("--rate: %w", err)
			}
			rate = scenarios.Rate{Profile: scenarios.RateConstant, Rate: v}
		}
		for i := range sc.Producers {
			sc.Producers[i].Rate = rate
		}
	}
	if s := c.String("out"); s != "" {
		sc.Report.Out = s
	}
	return sc.Validate()
}

// brokersOverride returns the brokers the flags ask for: nil to keep the
// scenario's, empty to force the embedded cluster.
func brokersOverride(c *cli.Context) []string {
	if c.Bool("embedded") {
		return []string{}
	}
	if !c.IsSet("brokers") {
		return nil
	}
	var out []string
	for _, b := range strings.Split(c.String("brokers"), ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	if out == nil {
		return []string{}
	}
	return out
}

func runAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return exitWith(exitInvalid, fmt.Errorf("run needs exactly one scenario file"), "kbench run examples/quickstart.yaml")
	}
	sc, err := scenarios.Load(c.Args().First())
	if err != nil {
		return exitWith(exitInvalid, err, "")
	}
	if err := applyFlags(c, sc); err != nil {
		return exitWith(exitInvalid, err, "")
	}
	if err := checkData(sc); err != nil {
		return exitWith(exitInvalid, err, "")
	}
	stdout, stderr := c.App.Writer, c.App.ErrWriter
	var baselines []*measure.Result
	for _, path := range c.StringSlice("baseline") {
		b, err := report.ReadResult(path)
		if err != nil {
			return exitWith(exitInvalid, fmt.Errorf("--baseline: %w", err), "give the result.json (or result directory) of an earlier run")
		}
		baselines = append(baselines, b)
	}

	// The result directory is made when the run starts producing (the
	// interval log's first write), so a run that cannot start leaves none;
	// the folder must be writable before anything starts.
	if err := report.CheckWritable(sc.Report.Out); err != nil {
		return exitWith(exitInvalid, err, "pass --out with a writable folder")
	}
	live, err := startMetrics(c, sc, stderr)
	if err != nil {
		return err
	}
	defer live.close()
	hlog := &resultDir{out: sc.Report.Out, name: sc.Name}
	defer hlog.Close()
	findings := &lazyFile{dir: hlog.dir, name: report.FindingsFile}
	defer findings.Close()

	// The first Ctrl-C stops the run and still writes its partial result;
	// a second one exits at once.
	ctx, cancel := context.WithCancel(c.Context)
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; !ok {
			return
		}
		first := time.Now()
		fmt.Fprintln(stderr, "\nkbench: interrupted: stopping producers and writing the partial result (Ctrl-C again to quit at once)")
		cancel()
		for range sigs {
			// A terminal or `timeout` may deliver one interrupt twice (to
			// the process and to its group): only a later one quits.
			if time.Since(first) > time.Second {
				os.Exit(exitInterrupted)
			}
		}
	}()

	prog := newProgress(stderr, c.Bool("quiet"))
	opts := runner.Options{
		Brokers:     brokersOverride(c),
		Progress:    prog.update,
		IntervalLog: hlog,
		Findings:    findings,
		Logf:        prog.logf,
		Version:     version(),
	}
	live.options(&opts)
	res, err := runner.Run(ctx, sc, opts)
	runEnd := time.Now()
	prog.done()
	if err != nil {
		hint := ""
		var re *runner.Error
		if errors.As(err, &re) {
			hint = re.Hint
		}
		if ctx.Err() != nil {
			return exitWith(exitInterrupted, fmt.Errorf("interrupted before the run started"), "")
		}
		return exitWith(exitRunError, err, hint)
	}
	gates.EvaluateAgainst(res, sc.Gates, baselines)
	dir, err := hlog.dir()
	if err != nil {
		return exitWith(exitRunError, err, "check that the report folder is writable, or pass --out")
	}
	if err := hlog.Close(); err != nil {
		return exitWith(exitRunError, fmt.Errorf("interval log: %w", err), "")
	}
	if err := findings.Close(); err != nil {
		return exitWith(exitRunError, fmt.Errorf("findings: %w", err), "")
	}
	// The summary goes out even if the files cannot be written.
	if err := report.Text(stdout, res); err != nil {
		return exitWith(exitRunError, err, "")
	}
	if err := report.WriteDir(dir, res, sc.Report.Formats); err != nil {
		return exitWith(exitRunError, fmt.Errorf("writing results to %s: %w", dir, err), "")
	}
	report.LinkLatest(sc.Report.Out, dir)
	fmt.Fprintf(stdout, "\nresults: %s\n", dir)
	live.finish(ctx, runEnd, stderr)
	return outcome(res)
}

// resultDir creates the run's result directory and its interval log on
// first use.
type resultDir struct {
	out, name string
	path      string
	f         *os.File
	err       error
}

// dir returns the directory, creating it if needed.
func (r *resultDir) dir() (string, error) {
	if r.path == "" && r.err == nil {
		r.path, r.err = report.NewDir(r.out, r.name, time.Now())
	}
	return r.path, r.err
}

// Write appends to the interval log, creating the directory and the file
// on the first call.
func (r *resultDir) Write(p []byte) (int, error) {
	if r.f == nil {
		dir, err := r.dir()
		if err != nil {
			return 0, err
		}
		if r.f, err = os.Create(filepath.Join(dir, report.IntervalLogFile)); err != nil {
			r.err = err
			return 0, err
		}
	}
	return r.f.Write(p)
}

// Close closes the interval log, if it was opened. It is safe to call twice.
func (r *resultDir) Close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// lazyFile is a file of the result directory created on first write.
type lazyFile struct {
	dir  func() (string, error)
	name string
	f    *os.File
}

func (l *lazyFile) Write(p []byte) (int, error) {
	if l.f == nil {
		dir, err := l.dir()
		if err != nil {
			return 0, err
		}
		if l.f, err = os.Create(filepath.Join(dir, l.name)); err != nil {
			return 0, err
		}
	}
	return l.f.Write(p)
}

// Close closes the file, if it was opened. It is safe to call twice.
func (l *lazyFile) Close() error {
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// outcome maps a finished run onto its exit code.
func outcome(res *measure.Result) error {
	switch {
	case res.Status == measure.StatusInterrupted:
		return exitWith(exitInterrupted, nil, "")
	case res.Status == measure.StatusFailed:
		return exitWith(exitRunError, errors.New(res.Error), "")
	case res.VerificationFailures() > 0:
		return exitWith(exitVerifyFailed, fmt.Errorf("verification failed: %d records delivered wrongly or not at all (see VERIFICATION and %s)",
			res.VerificationFailures(), report.FindingsFile), "")
	case !res.Passed():
		failed := 0
		for _, g := range res.Gates {
			if !g.Passed {
				failed++
			}
		}
		return exitWith(exitGateFailed, fmt.Errorf("%d of %d gates failed", failed, len(res.Gates)), "")
	}
	return nil
}

// progress prints live progress lines: rewritten in place on a terminal,
// one per interval otherwise (CI logs).
type progress struct {
	w     io.Writer
	quiet bool
	tty   bool
	last  bool // a line is waiting to be ended
}

func newProgress(w io.Writer, quiet bool) *progress {
	p := &progress{w: w, quiet: quiet}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(pr measure.Progress) {
	if p.quiet {
		return
	}
	line := report.ProgressLine(pr)
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.last = true
		return
	}
	fmt.Fprintln(p.w, line)
}

func (p *progress) logf(format string, args ...any) {
	if p.quiet {
		return
	}
	p.done()
	fmt.Fprintf(p.w, "kbench: "+format+"\n", args...)
}

func (p *progress) done() {
	if p.last {
		fmt.Fprintln(p.w)
		p.last = false
	}
}
