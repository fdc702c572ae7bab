package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/scenarios"
)

func validateCommand() *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check scenario files without running them",
		ArgsUsage: "FILE...",
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return exitWith(exitInvalid, fmt.Errorf("validate needs at least one scenario file"),
					"kbench validate examples/quickstart.yaml")
			}
			bad := 0
			for _, path := range c.Args().Slice() {
				sc, err := scenarios.Load(path)
				if err == nil {
					err = checkData(sc)
				}
				if err != nil {
					bad++
					fmt.Fprintln(c.App.ErrWriter, err)
					continue
				}
				for _, w := range sc.Warnings {
					fmt.Fprintf(c.App.ErrWriter, "warning: %v\n", w)
				}
				fmt.Fprintf(c.App.Writer, "%s: ok (%d topics, %d data sets, %d producers, %d consumers, %d gates; %s)\n",
					path, len(sc.Topics), len(sc.Data), len(sc.Producers), len(sc.Consumers), len(sc.Gates), where(sc))
			}
			if bad > 0 {
				return exitWith(exitInvalid, fmt.Errorf("%d of %d scenario files are invalid", bad, c.NArg()), "")
			}
			return nil
		},
	}
}

func where(sc *scenarios.Scenario) string {
	if sc.Cluster.Embedded() {
		return "embedded cluster"
	}
	if c := sc.Cluster; c.Kind == scenarios.ClusterLocalKafka {
		return fmt.Sprintf("a local Apache Kafka cluster kbench starts (%d node(s), %s runtime)", c.Nodes, c.Runtime)
	}
	return fmt.Sprintf("brokers %v", sc.Cluster.Brokers)
}
