package measure

// SchemaReport is what a run with schema data sets learned about its
// schemas: what producers registered and when, how a mid-run schema change
// went, and how consumers decoded the records.
type SchemaReport struct {
	// Registry describes the registry used: "embedded registry (BACKWARD)"
	// or its URL (never its credentials).
	Registry string `json:"registry"`
	// Subjects is one entry per scenario producer with a schema.
	Subjects []SubjectUse `json:"subjects"`
	// Decoding is one entry per consumer group reading schema data.
	Decoding []SchemaDecoding `json:"decoding,omitempty"`
	// Incompatible counts schema changes the registry refused, or that
	// kbench's own check finds incompatible under the subject's level.
	Incompatible int64 `json:"incompatible"`
	// DecodeErrors and Lossy sum the groups' counts.
	DecodeErrors int64 `json:"decode_errors"`
	Lossy        int64 `json:"lossy"`
}

// SubjectUse is one producer's schema under its subject.
type SubjectUse struct {
	Producer string `json:"producer"`
	Subject  string `json:"subject"`
	// Format is avro, protobuf or json.
	Format string `json:"format"`
	// Versions are the schemas the producer wrote with, in order.
	Versions []RegisteredSchema `json:"versions"`
	// Change is the outcome of the producer's schema_change, if any.
	Change *SchemaChangeOutcome `json:"change,omitempty"`
}

// RegisteredSchema is a registered schema a producer wrote with.
type RegisteredSchema struct {
	// ID is the registry's global id (in every record's header); Version
	// the subject's version number.
	ID      int    `json:"id"`
	Version int    `json:"version"`
	Source  string `json:"source"`
	// FromS is when the producer started writing with it, in seconds
	// from the run start.
	FromS float64 `json:"from_s"`
}

// SchemaChangeOutcome is how a mid-run schema change went.
type SchemaChangeOutcome struct {
	AtS float64 `json:"at_s"`
	To  string  `json:"to"`
	// Mode is the subject's compatibility level the change was judged
	// under.
	Mode string `json:"mode"`
	// Accepted says the registry registered the new schema (the producer
	// switched to it); RegistryError is its refusal otherwise.
	Accepted      bool   `json:"accepted"`
	RegistryError string `json:"registry_error,omitempty"`
	// Compatible is kbench's own verdict under Mode (kbench schema
	// check), with its incompatibilities.
	Compatible        bool     `json:"compatible"`
	Incompatibilities []string `json:"incompatibilities,omitempty"`
}

// SchemaDecoding is what one consumer group got from schema data.
type SchemaDecoding struct {
	Group string `json:"group"`
	Topic string `json:"topic"`
	// Reader is the schema the group decoded with.
	Reader string `json:"reader"`
	// Decoded counts records read in full or in part; Errors those that
	// could not be read (no wire-format header, unknown schema id, bytes
	// the reader schema cannot decode); Lossy those the reader got only in
	// part (writer fields it drops, fields it does not know, values its
	// schema rejects); Defaulted those where the reader filled fields the
	// writer lacked with defaults (no data lost).
	Decoded   int64 `json:"decoded"`
	Errors    int64 `json:"errors"`
	Lossy     int64 `json:"lossy"`
	Defaulted int64 `json:"defaulted"`
	// ByWriter counts records per writer schema id.
	ByWriter map[string]int64 `json:"by_writer,omitempty"`
	// FirstErrors and FirstLosses are examples (a few each).
	FirstErrors []string `json:"first_errors,omitempty"`
	FirstLosses []string `json:"first_losses,omitempty"`
}
