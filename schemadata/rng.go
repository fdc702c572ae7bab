package schemadata

import "github.com/kbench/kbench/internal/wyrand"

// source is the generator's pseudo-random generator (package wyrand). It
// implements math/rand/v2's Source, so the same state also drives the
// gofakeit Faker used for hints: one seed and stream give one sequence of
// values.
type source = wyrand.Source

// seedSalt keeps schema-driven values apart from the other generators'
// streams.
const seedSalt = 0x736368656d610005

// seedOf derives the state of stream number stream of seed.
func seedOf(seed, stream uint64) uint64 { return wyrand.Seed(seed, seedSalt, stream) }

// probCut is wyrand.ProbCut.
func probCut(p float64) uint64 { return wyrand.ProbCut(p) }
