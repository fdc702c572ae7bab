package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/generators"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/schemadata"
)

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:      "generate",
		Usage:     "print sample records of a scenario's data sets, one JSON line each",
		ArgsUsage: "FILE",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "count", Aliases: []string{"n"}, Value: 5, Usage: "records per data set"},
			&cli.StringFlag{Name: "data", Usage: "only this data set"},
			&cli.Uint64Flag{Name: "seed", Usage: "override the seed (default: the scenario's)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return exitWith(exitInvalid, fmt.Errorf("generate needs exactly one scenario file"),
					"kbench generate examples/quickstart.yaml --count 5")
			}
			sc, err := scenarios.Load(c.Args().First())
			if err != nil {
				return exitWith(exitInvalid, err, "")
			}
			if c.Int("count") < 0 {
				return exitWith(exitInvalid, fmt.Errorf("--count must be >= 0"), "")
			}
			sets := sc.Data
			if name := c.String("data"); name != "" {
				d := sc.DataByName(name)
				if d == nil {
					return exitWith(exitInvalid, fmt.Errorf("no data set %q in %s", name, sc.File), "")
				}
				sets = []*scenarios.Data{d}
			}
			enc := json.NewEncoder(c.App.Writer)
			for _, d := range sets {
				seed := d.Seed
				if seed == 0 {
					seed = sc.Seed
				}
				if c.IsSet("seed") {
					seed = c.Uint64("seed")
				}
				g, err := generators.New(d.KeysOnly(), seed, 0)
				if err != nil {
					return exitWith(exitInvalid, fmt.Errorf("data %s: %w", d.Name, err), "")
				}
				var sg *schemadata.Generator
				if d.Schema != nil {
					if sg, err = schemaGenerator(d, d.Schema, seed); err != nil {
						return exitWith(exitInvalid, fmt.Errorf("data %s: %w", d.Name, err), "")
					}
				}
				for range c.Int("count") {
					key, val := g.Next(nil, nil)
					if sg != nil {
						// The value without the registry's header: no
						// registry is involved in a preview.
						if val, err = sg.AppendValue(nil); err != nil {
							return exitWith(exitRunError, fmt.Errorf("data %s: %w", d.Name, err), "")
						}
					}
					line := sample{Data: d.Name, Size: len(val)}
					if key != nil {
						k := string(key)
						line.Key = &k
					}
					if d.Format == scenarios.FormatJSON {
						line.Value = json.RawMessage(val)
					} else {
						n := min(len(val), 32)
						line.ValueHex = hex.EncodeToString(val[:n])
					}
					if err := enc.Encode(line); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}
}

// sample is one line of `kbench generate` output.
type sample struct {
	Data  string          `json:"data"`
	Key   *string         `json:"key"`
	Size  int             `json:"size"`
	Value json.RawMessage `json:"value,omitempty"`
	// ValueHex is the start of a bytes value (at most 32 bytes).
	ValueHex string `json:"value_hex,omitempty"`
}
