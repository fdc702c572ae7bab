package main

import (
	"fmt"

	"github.com/kbench/kbench/generators"
	"github.com/kbench/kbench/scenarios"
)

// checkData builds a generator for every data set, so that `validate`
// rejects what `run` would, before anything connects to a cluster.
func checkData(sc *scenarios.Scenario) error {
	for _, d := range sc.Data {
		seed := d.Seed
		if seed == 0 {
			seed = sc.Seed
		}
		if _, err := generators.New(d, seed, 0); err != nil {
			return fmt.Errorf("%s: data %s: %w", sc.File, d.Name, err)
		}
	}
	return nil
}
