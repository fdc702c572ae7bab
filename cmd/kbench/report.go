package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/report"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "render a run's result as text, JSON, Markdown or JUnit XML",
		ArgsUsage: "RESULT_DIR|result.json",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: " + strings.Join(report.FormatNames(), ", ")},
			&cli.StringFlag{Name: "out", Usage: "write to this file instead of standard output"},
		},
		Action: reportAction,
	}
}

func reportAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return exitWith(exitInvalid, fmt.Errorf("report needs one result directory or result.json"), "kbench report results/latest --format markdown")
	}
	f, err := report.LookupFormat(c.String("format"))
	if err != nil {
		return exitWith(exitInvalid, err, "")
	}
	res, err := report.ReadResult(c.Args().First())
	if err != nil {
		return exitWith(exitInvalid, fmt.Errorf("reading a result: %w", err), "")
	}
	var b bytes.Buffer
	if err := f.Write(&b, res); err != nil {
		return exitWith(exitRunError, err, "")
	}
	if out := c.String("out"); out != "" {
		if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
			return exitWith(exitRunError, fmt.Errorf("writing the report: %w", err), "")
		}
		return nil
	}
	_, err = c.App.Writer.Write(b.Bytes())
	return err
}
