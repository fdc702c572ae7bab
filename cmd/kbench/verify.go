package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/audit"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/report"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:  "verify",
		Usage: "verify records already on a topic, or a pipeline's output against its input, without producing",
		Description: "Reads a topic (or a pipeline's input, then its output) from the start, ties every record to the kbench run\n" +
			"and producer that wrote it, and reports lost, duplicated, corrupted, reordered and unexpected records per run.\n" +
			"With FILE, the scenario gives the cluster (brokers, TLS, SASL) and its pipeline settings; flags override them.\n" +
			"In a topic audit, every sequence number below a producer's highest one counts as written: a gap is a lost record.",
		ArgsUsage: "[FILE]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "brokers", EnvVars: []string{"KBENCH_BROKERS"}, Usage: "comma-separated seed brokers"},
			&cli.StringFlag{Name: "topic", Usage: "the topic to audit"},
			&cli.StringFlag{Name: "input", Usage: "a pipeline's input topic (with --output)"},
			&cli.StringFlag{Name: "output", Usage: "a pipeline's output topic (with --input)"},
			&cli.StringFlag{Name: "match", Usage: "how output records are tied to input records: header or json:$.path (default header)"},
			&cli.StringFlag{Name: "expect", Usage: "the promised guarantee: exactly-once, at-least-once or at-most-once (default exactly-once)"},
			&cli.BoolFlag{Name: "same-key", Usage: "the pipeline keeps keys: a changed key counts as corrupted"},
			&cli.BoolFlag{Name: "same-value", Usage: "the pipeline keeps values: a changed value counts as corrupted"},
			&cli.BoolFlag{Name: "ordered", Usage: "a pipeline keeps the order of each key's records: key_reordered fails the verification"},
			&cli.BoolFlag{Name: "read-uncommitted", Usage: "also read records of aborted and open transactions"},
			&cli.StringFlag{Name: "run-id", Usage: "verify only this run's records (hex, as in result.json)"},
			&cli.DurationFlag{Name: "idle", Value: audit.DefaultIdle, Usage: "how long to wait for more records before a topic counts as read"},
			&cli.StringFlag{Name: "findings", Usage: "write every finding, one JSON object per line, to this file"},
			&cli.BoolFlag{Name: "json", Usage: "print the result as JSON instead of text"},
		},
		Action: verifyAction,
	}
}

func verifyAction(c *cli.Context) error {
	if c.NArg() > 1 {
		return exitWith(exitInvalid, fmt.Errorf("verify takes at most one scenario file, got %d arguments", c.NArg()),
			"kbench verify [FILE] --topic T, or --input IN --output OUT")
	}
	opts, err := verifyOptions(c)
	if err != nil {
		return err
	}
	if path := c.String("findings"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return exitWith(exitInvalid, err, "")
		}
		defer f.Close()
		opts.Findings = f
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := audit.Audit(ctx, opts)
	if err != nil && res == nil {
		return exitWith(exitRunError, err, "check --brokers and the topic names")
	}
	if err != nil {
		// The verdicts are complete; writing the findings file failed.
		fmt.Fprintf(c.App.ErrWriter, "kbench: writing findings: %v\n", err)
	}
	out := c.App.Writer
	if c.Bool("json") {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		what := "topic " + res.Topic
		if res.Topic == "" {
			what = fmt.Sprintf("pipeline %s → %s (%d input records)", res.Input, res.Output, res.InputRecords)
		}
		fmt.Fprintf(out, "VERIFY %s: %d records read, %d without a kbench identity, %d runs\n",
			what, res.Records, res.Unidentified, len(res.Runs))
		if res.SkippedRuns > 0 {
			fmt.Fprintf(out, "  %d more runs left out (at most %d per verify; pick one with --run-id)\n", res.SkippedRuns, audit.MaxRuns)
		}
		for _, run := range res.Runs {
			fmt.Fprintf(out, "run %s:\n", run.RunID)
			more := "(write them all with --findings FILE)"
			if c.String("findings") != "" {
				more = "in " + c.String("findings")
			}
			if err := report.VerificationText(out, []measure.Verification{run.Verification}, more); err != nil {
				return err
			}
		}
	}
	switch {
	case res.Partial:
		return exitWith(exitInterrupted, nil, "")
	case res.Failures() > 0:
		return exitWith(exitVerifyFailed, fmt.Errorf("verification failed: %d records delivered wrongly or not at all", res.Failures()), "")
	}
	return nil
}

// verifyOptions builds the audit from the scenario file (if any) and flags.
func verifyOptions(c *cli.Context) (audit.Options, error) {
	var opts audit.Options
	var sc *scenarios.Scenario
	if c.NArg() == 1 {
		var err error
		if sc, err = scenarios.Load(c.Args().First()); err != nil {
			return opts, exitWith(exitInvalid, err, "")
		}
		opts.Brokers = sc.Cluster.Brokers
		sec, err := runner.SecurityOpts(sc.Cluster)
		if err != nil {
			return opts, exitWith(exitInvalid, err, "")
		}
		opts.ClientOpts = append(opts.ClientOpts, sec...)
	}
	if b := brokersOverride(c); b != nil {
		opts.Brokers = b
	}
	if len(opts.Brokers) == 0 {
		return opts, exitWith(exitInvalid, errors.New("verify needs a running cluster: no brokers given"),
			"give --brokers host:port (or KBENCH_BROKERS), or a scenario with cluster.brokers")
	}
	topic, in, outTopic := c.String("topic"), c.String("input"), c.String("output")
	var pl *scenarios.Pipeline
	switch {
	case topic != "" && (in != "" || outTopic != ""):
		return opts, exitWith(exitInvalid, errors.New("give --topic, or --input and --output, not both"), "")
	case in != "" || outTopic != "":
		if in == "" || outTopic == "" {
			return opts, exitWith(exitInvalid, errors.New("a pipeline needs both --input and --output"), "")
		}
		pl = &scenarios.Pipeline{Input: in, Output: outTopic}
		if sc != nil && sc.Pipeline != nil {
			p := *sc.Pipeline
			p.Input, p.Output = in, outTopic
			pl = &p
		}
	case topic == "" && sc != nil && sc.Pipeline != nil:
		p := *sc.Pipeline
		pl = &p
	case topic == "":
		return opts, exitWith(exitInvalid, errors.New("nothing to verify"),
			"give --topic T, or --input IN --output OUT, or a scenario with a pipeline")
	}
	if pl != nil {
		if err := pipelineFlags(c, pl); err != nil {
			return opts, err
		}
		opts.Pipeline = pl
	} else {
		for _, f := range []string{"match", "same-key", "same-value", "ordered"} {
			if c.IsSet(f) {
				return opts, exitWith(exitInvalid, fmt.Errorf("--%s applies to a pipeline (--input and --output), not to --topic", f), "")
			}
		}
		opts.Topic = topic
		if s := c.String("expect"); s != "" {
			g, err := parseGuarantee(s)
			if err != nil {
				return opts, err
			}
			opts.Guarantee = g
		}
	}
	opts.ReadUncommitted = c.Bool("read-uncommitted")
	opts.Idle = c.Duration("idle")
	if s := c.String("run-id"); s != "" {
		id, err := strconv.ParseUint(s, 16, 64)
		if err != nil || id == 0 {
			return opts, exitWith(exitInvalid, fmt.Errorf("--run-id %q is not a run id", s), "write the run_id of a result.json, e.g. 3f2a9c01d4e5b677")
		}
		opts.RunID = id
	}
	return opts, nil
}

func pipelineFlags(c *cli.Context, pl *scenarios.Pipeline) error {
	if s := c.String("match"); s != "" {
		m, err := scenarios.ParseMatch(s)
		if err != nil {
			return exitWith(exitInvalid, fmt.Errorf("--match: %w", err), "")
		}
		pl.Match = m
	}
	if !pl.Match.Header && len(pl.Match.JSONPath) == 0 {
		pl.Match = scenarios.Match{Header: true, Text: "header"}
	}
	if s := c.String("expect"); s != "" {
		g, err := parseGuarantee(s)
		if err != nil {
			return err
		}
		pl.Expect = g
	}
	if pl.Expect == "" {
		pl.Expect = scenarios.ExactlyOnce
	}
	pl.SameKey = pl.SameKey || c.Bool("same-key")
	pl.SameValue = pl.SameValue || c.Bool("same-value")
	pl.Ordered = pl.Ordered || c.Bool("ordered")
	return nil
}

func parseGuarantee(s string) (scenarios.Guarantee, error) {
	for _, g := range scenarios.Guarantees {
		if string(g) == s {
			return g, nil
		}
	}
	return "", exitWith(exitInvalid, fmt.Errorf("--expect %q: want exactly-once, at-least-once or at-most-once", s), "")
}
