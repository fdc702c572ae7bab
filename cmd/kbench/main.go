// Command kbench load-tests Kafka: it runs scenario files that generate
// synthetic records at paced rates, measures produce and end-to-end latency
// with HDR histograms, and fails CI builds through gates.
//
// Usage:
//
//	kbench run FILE          run a scenario (embedded cluster unless brokers are given)
//	kbench validate FILE...  check scenario files without running them
//	kbench generate FILE     print sample records of a scenario's data sets
//	kbench compare BASE... CURRENT  compare results within tolerances, beyond the noise
//	kbench report DIR        render a result as text, JSON, Markdown or JUnit XML
//	kbench schema check OLD... NEW  check schema compatibility as Schema Registry does
//	kbench version           print the version
//
// Exit codes: 0 success, 1 a gate failed, 2 verification failed (records
// lost, corrupted, ...), 3 invalid input, 4 the run could not start or
// failed, 130 interrupted. See docs/cli.md.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
)

// Exit codes, documented in docs/cli.md.
const (
	exitOK           = 0
	exitGateFailed   = 1
	exitVerifyFailed = 2
	exitInvalid      = 3
	exitRunError     = 4
	exitInterrupted  = 130
)

// exitError carries an exit code and an optional hint up to main.
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func exitWith(code int, err error, hint string) error {
	return &exitError{code: code, err: err, hint: hint}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:      "kbench",
		Usage:     "load-test Kafka and verify the pipelines built on it",
		Version:   version(),
		Writer:    stdout,
		ErrWriter: stderr,
		Commands: []*cli.Command{
			runCommand(),
			validateCommand(),
			generateCommand(),
			verifyCommand(),
			compareCommand(),
			reportCommand(),
			schemaCommand(),
			clusterCommand(),
			versionCommand(),
		},
		// Errors are printed by main with their hint and exit code.
		ExitErrHandler: func(*cli.Context, error) {},
	}
}

func main() {
	os.Exit(realMain(os.Args, os.Stdout, os.Stderr))
}

// realMain runs the CLI and returns the process exit code.
func realMain(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.Run(interspersed(app, args))
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "kbench: %v\n", ee.err)
		}
		if ee.hint != "" {
			fmt.Fprintf(stderr, "  hint: %s\n", ee.hint)
		}
		return ee.code
	}
	// Flag and usage errors from urfave/cli.
	fmt.Fprintf(stderr, "kbench: %v\n", err)
	return exitInvalid
}
