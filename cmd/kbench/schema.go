package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/schema"
)

// exitIncompatible is the exit code of `kbench schema check` when the new
// schema is incompatible: a failed check, like a failed gate.
const exitIncompatible = exitGateFailed

func schemaCommand() *cli.Command {
	return &cli.Command{
		Name:        "schema",
		Usage:       "check schema evolution (Avro, JSON Schema, Protobuf) the way Schema Registry does",
		Subcommands: []*cli.Command{schemaCheckCommand()},
	}
}

func schemaCheckCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check that NEW may follow the OLD versions (oldest first) under a compatibility mode",
		ArgsUsage: "OLD... NEW",
		Description: "Prints each incompatibility (kind, location, reader and writer versions, message), or\n" +
			"\"compatible\". Exit status: 0 compatible, 1 incompatible, 3 invalid input. See docs/schemas.md.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "type", Aliases: []string{"t"},
				Usage: "schema type: avro, json or protobuf (default: from NEW's extension: .avsc, .json, .proto)"},
			&cli.StringFlag{Name: "mode", Aliases: []string{"m"}, Value: string(schema.Backward),
				Usage: "compatibility mode: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE"},
		},
		Action: func(c *cli.Context) error {
			files := c.Args().Slice()
			if len(files) == 0 {
				return exitWith(exitInvalid, errors.New("schema check needs the schema files, oldest first, the new one last"),
					"kbench schema check --type avro --mode BACKWARD v1.avsc v2.avsc new.avsc")
			}
			newFile := files[len(files)-1]
			format, err := schemaFormat(c.String("type"), newFile)
			if err != nil {
				return exitWith(exitInvalid, err, "give --type avro, --type json or --type protobuf")
			}
			mode, err := schema.ParseMode(c.String("mode"))
			if err != nil {
				return exitWith(exitInvalid, err, "")
			}
			texts := make([]string, len(files))
			for i, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					return exitWith(exitInvalid, err, "")
				}
				texts[i] = string(b)
			}
			res, err := schema.Check(format, mode, texts[:len(texts)-1], texts[len(texts)-1])
			if err != nil {
				var pe *schema.ParseError
				if errors.As(err, &pe) && pe.Version > 0 {
					return exitWith(exitInvalid, errors.New(describeParseError(files[pe.Version-1], pe)), "")
				}
				return exitWith(exitInvalid, fmt.Errorf("%s: %w", newFile, err), "")
			}
			name := func(v int) string { return fmt.Sprintf("v%d %s", v, files[v-1]) }
			for _, inc := range res.Incompatibilities {
				fmt.Fprintf(c.App.Writer, "%s at %s: reader %s, writer %s: %s\n",
					inc.Kind, inc.Location, name(inc.Reader), name(inc.Writer), inc.Message)
			}
			previous := fmt.Sprintf("%d previous version", len(files)-1)
			if len(files) != 2 {
				previous += "s"
			}
			if !res.Compatible() {
				n := len(res.Incompatibilities)
				fmt.Fprintf(c.App.Writer, "incompatible: %d problem%s with %s under %s (%s, %s)\n",
					n, plural(n), newFile, mode, format, previous)
				return exitWith(exitIncompatible, nil, "")
			}
			fmt.Fprintf(c.App.Writer, "compatible: %s under %s (%s, %s, %d pair%s checked)\n",
				newFile, mode, format, previous, res.Pairs, plural(res.Pairs))
			return nil
		},
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// schemaFormat returns the format named by --type, else the one the file's
// extension implies.
func schemaFormat(flag, file string) (schema.Format, error) {
	if flag != "" {
		return schema.ParseFormat(flag)
	}
	switch strings.ToLower(filepath.Ext(file)) {
	case ".avsc", ".avro":
		return schema.Avro, nil
	case ".json":
		return schema.JSON, nil
	case ".proto":
		return schema.Protobuf, nil
	}
	return "", fmt.Errorf("cannot tell the schema type of %s from its extension", file)
}

// describeParseError returns "file:line:column: invalid FORMAT schema: msg",
// leaving out the position when the parser gave none.
func describeParseError(file string, pe *schema.ParseError) string {
	if pe.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: invalid %s schema: %s", file, pe.Line, pe.Column, pe.Format, pe.Msg)
	}
	return fmt.Sprintf("%s: invalid %s schema: %s", file, pe.Format, pe.Msg)
}
