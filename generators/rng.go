package generators

import "github.com/kbench/kbench/internal/wyrand"

// source is the generators' pseudo-random generator (package wyrand).
type source = wyrand.Source

// mix64 is wyrand.Mix64.
func mix64(x uint64) uint64 { return wyrand.Mix64(x) }

// Salts keep the generator's independent random streams apart.
const (
	saltValues uint64 = 0x76616c7565730001 // record values of one stream
	saltKeys   uint64 = 0x6b6579730000002  // key choice of one stream
	saltKeyVal uint64 = 0x6b657976616c0003 // key-field value of one key index
	saltBytes  uint64 = 0x6279746573000004 // the random byte pool
)

// seedOf derives a well-mixed state from a seed, a salt and an index
// (stream number or key index).
func seedOf(seed, salt, i uint64) uint64 { return wyrand.Seed(seed, salt, i) }

// probCut is wyrand.ProbCut.
func probCut(p float64) uint64 { return wyrand.ProbCut(p) }
