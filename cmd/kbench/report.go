package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/report"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "render a run's result as text, JSON, Markdown, JUnit XML or an HTML page with charts",
		ArgsUsage: "RESULT_DIR|result.json",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output format: " + strings.Join(report.FormatNames(), ", ")},
			&cli.StringFlag{Name: "out", Usage: "write to this file instead of standard output (html: instead of report.html in the result directory; - for standard output)"},
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
	// The result's directory holds what some formats show besides it
	// (the interval log, the findings).
	dir := c.Args().First()
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	var b bytes.Buffer
	if err := f.Render(&b, dir, res); err != nil {
		return exitWith(exitRunError, err, "")
	}
	// A page goes next to the result unless --out says otherwise ("-":
	// standard output).
	out := c.String("out")
	toDir := out == "" && f.Document
	if toDir {
		out = filepath.Join(dir, f.File)
	}
	if out != "" && out != "-" {
		if err := os.WriteFile(out, b.Bytes(), 0o644); err != nil {
			return exitWith(exitRunError, fmt.Errorf("writing the report: %w", err), "pass --out with a writable file")
		}
		if toDir {
			fmt.Fprintf(c.App.Writer, "report: %s\n", out)
		}
		return nil
	}
	_, err = c.App.Writer.Write(b.Bytes())
	return err
}
