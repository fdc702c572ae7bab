package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/compare"
	"github.com/kbench/kbench/report"
)

func compareCommand() *cli.Command {
	return &cli.Command{
		Name:      "compare",
		Usage:     "compare a result with one or more baselines, within tolerances, beyond the noise",
		ArgsUsage: "BASELINE... CURRENT",
		Description: "Each argument is a result directory or a result.json file; the last one is the current run.\n" +
			"With one baseline a regression needs the whole confidence interval of the change beyond the\n" +
			"tolerance; with several, the current value beyond the baselines' noise band by more than it.\n" +
			"Exit 1 when a metric regressed, 3 on invalid input. See docs/compare.md.",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "max-regression", Aliases: []string{"t"},
				Usage: "tolerances, metric=10% or metric=2ms, comma-separated (default " + compare.DefaultTolerances + ")"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: " + strings.Join(compare.FormatNames(), ", ")},
			&cli.StringFlag{Name: "out", Usage: "write the report to this file instead of standard output"},
			&cli.Float64Flag{Name: "confidence", Value: compare.DefaultConfidence,
				Usage: "two-sided confidence level of the intervals and bands"},
			&cli.BoolFlag{Name: "force", Usage: "compare results of different scenarios (a warning instead of an error)"},
		},
		Action: compareAction,
	}
}

func compareAction(c *cli.Context) error {
	if c.NArg() < 2 {
		return exitWith(exitInvalid, fmt.Errorf("compare needs a baseline and a current result"),
			"kbench compare baseline/result.json results/latest")
	}
	write, ok := compare.Formats[c.String("format")]
	if !ok {
		return exitWith(exitInvalid, fmt.Errorf("unknown format %q", c.String("format")),
			"formats: "+strings.Join(compare.FormatNames(), ", "))
	}
	var tols []compare.Tolerance
	if spec := c.StringSlice("max-regression"); len(spec) > 0 {
		var err error
		if tols, err = compare.ParseTolerances(strings.Join(spec, ",")); err != nil {
			hint := ""
			var se *compare.SyntaxError
			if errors.As(err, &se) {
				hint = se.Hint
			}
			return exitWith(exitInvalid, fmt.Errorf("--max-regression: %w", err), hint)
		}
	}
	paths := c.Args().Slice()
	var runs []compare.Run
	for _, p := range paths {
		run, warn, err := loadRun(p)
		if err != nil {
			return exitWith(exitInvalid, err, "")
		}
		if warn != "" {
			fmt.Fprintf(c.App.ErrWriter, "kbench: %s\n", warn)
		}
		runs = append(runs, run)
	}
	rep, err := compare.CompareRuns(runs[:len(runs)-1], runs[len(runs)-1], tols, compare.Options{
		Confidence:    c.Float64("confidence"),
		AllowMismatch: c.Bool("force"),
	})
	if err != nil {
		hint := ""
		if errors.Is(err, compare.ErrMismatch) {
			hint = "compare runs of the same scenario, or pass --force"
		}
		return exitWith(exitInvalid, err, hint)
	}
	var out bytes.Buffer
	if err := write(rep, &out); err != nil {
		return exitWith(exitRunError, err, "")
	}
	toStdout := c.String("out") == ""
	if toStdout {
		if _, err := c.App.Writer.Write(out.Bytes()); err != nil {
			return err
		}
	} else if err := os.WriteFile(c.String("out"), out.Bytes(), 0o644); err != nil {
		return exitWith(exitRunError, fmt.Errorf("writing the report: %w", err), "")
	}
	regs := rep.Regressions()
	if len(regs) == 0 {
		return nil
	}
	// The text report lists the regressions; other formats and files get
	// them on standard error, for the CI log.
	if !toStdout || c.String("format") != "text" {
		for _, r := range regs {
			fmt.Fprintf(c.App.ErrWriter, "kbench: %s\n", r.Reason)
		}
	}
	return exitWith(exitGateFailed, fmt.Errorf("%d of %d metrics regressed", len(regs), len(rep.Comparisons)), "")
}

// loadRun reads a result directory or result.json, with the interval log
// beside it when there is one (a standalone copy such as baseline.json has
// none). warn says why an interval log was not used.
func loadRun(path string) (run compare.Run, warn string, err error) {
	res, err := report.ReadResult(path)
	if err != nil {
		return run, "", fmt.Errorf("reading a result: %w", err)
	}
	run = compare.Run{Name: path, Result: res}
	dir := path
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		if filepath.Base(path) != report.ResultFile {
			return run, "", nil
		}
		dir = filepath.Dir(path)
	}
	f, err := os.Open(filepath.Join(dir, report.IntervalLogFile))
	if err != nil {
		return run, "", nil
	}
	defer f.Close()
	log, err := compare.ReadIntervalLog(io.Reader(f))
	if err != nil {
		return run, fmt.Sprintf("%s: %v: estimating noise from the timeline instead", path, err), nil
	}
	run.Intervals = log
	return run, "", nil
}
