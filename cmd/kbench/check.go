package main

import (
	"fmt"

	"github.com/kbench/kbench/generators"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/schemadata"
)

// checkData builds a generator for every data set (and every producer's
// schema change), so that `validate` rejects what `run` would, before
// anything connects to a cluster.
func checkData(sc *scenarios.Scenario) error {
	for _, d := range sc.Data {
		seed := d.Seed
		if seed == 0 {
			seed = sc.Seed
		}
		if _, err := generators.New(d.KeysOnly(), seed, 0); err != nil {
			return fmt.Errorf("%s: data %s: %w", sc.File, d.Name, err)
		}
		if d.Schema != nil {
			if _, err := schemaGenerator(d, d.Schema, seed); err != nil {
				return fmt.Errorf("%s: data %s (%s): %w", sc.File, d.Name, d.Schema.Source(), err)
			}
		}
	}
	for _, p := range sc.Producers {
		d := sc.DataByName(p.Data)
		if d == nil || d.Schema == nil || p.SchemaChange == nil || p.SchemaChange.To == nil {
			continue
		}
		if _, err := schemaGenerator(d, p.SchemaChange.To, sc.Seed); err != nil {
			return fmt.Errorf("%s: producer %s: schema_change.to (%s): %w", sc.File, p.Name, p.SchemaChange.To.Source(), err)
		}
	}
	return nil
}

// schemaGenerator builds the value generator of data set d for schema s.
func schemaGenerator(d *scenarios.Data, s *scenarios.Schema, seed uint64) (*schemadata.Generator, error) {
	return schemadata.NewGenerator(d.SchemaFormat(), s.Text, schemadata.Options{Seed: seed, Message: d.Message, Hints: d.Hints})
}
