// Package scenarios turns a kbench scenario file (YAML) into typed, validated
// configuration. It is the only place where scenario input is parsed and
// checked: every later stage (generators, pacer, runner, report, gates)
// trusts what it returns.
//
// Errors name the file, line and column, say what was expected, and suggest
// the closest known key when a key is misspelled.
package scenarios

import (
	"fmt"
	"io"
	"time"
)

// Pos is a position in a scenario file. Line and Column start at 1; a zero
// Pos means the value did not come from a file (a default, or a flag).
type Pos struct {
	File   string
	Line   int
	Column int
}

// Scenario is one parsed and validated scenario file.
type Scenario struct {
	// Name identifies the scenario in reports and result directories.
	Name string
	// File is the path the scenario was loaded from ("" when built in Go).
	File string
	// Seed makes generated data deterministic. Default 1. A data set's own
	// seed overrides it.
	Seed uint64
	// Cluster says where to run. No brokers means the embedded cluster.
	Cluster Cluster
	// Topics are created (or checked) before the run starts.
	Topics []Topic
	// Data holds the named data sets, in file order.
	Data []*Data
	// Producers write generated records at a paced rate.
	Producers []Producer
	// Consumers read records back and measure end-to-end latency.
	Consumers []Consumer
	// Duration is how long producers run, warmup included. Default 10s.
	Duration time.Duration
	// Warmup is the first part of Duration whose records are produced and
	// consumed but left out of latency histograms and rates. Default 0.
	Warmup time.Duration
	// Drain is how long consumers may keep reading after producers stop,
	// waiting for every acknowledged record to arrive. Default 30s.
	Drain time.Duration
	// SchemaRegistry configures the registry of schema data sets. Default
	// nil: an embedded registry when a data set has a schema.
	SchemaRegistry *SchemaRegistry
	// Pipeline, when not nil, puts a system under test between two
	// topics (see Pipeline).
	Pipeline *Pipeline
	// Gates are pass/fail conditions on the result.
	Gates []Gate
	// Report says where and how results are written.
	Report Report
	// Warnings are problems Parse found that do not stop the scenario
	// from running, such as a SASL password written in the file rather
	// than taken from an environment variable. Callers should show them;
	// the runner logs them when a run starts. Validate leaves them alone.
	Warnings []*Error
}

// DataByName returns the data set with the given name, or nil.
func (s *Scenario) DataByName(name string) *Data {
	for _, d := range s.Data {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// TopicByName returns the topic with the given name, or nil.
func (s *Scenario) TopicByName(name string) *Topic {
	for i := range s.Topics {
		if s.Topics[i].Name == name {
			return &s.Topics[i]
		}
	}
	return nil
}

// ClusterKind says which cluster a scenario runs on.
type ClusterKind string

// Cluster kinds.
const (
	// ClusterAuto (empty) means ClusterExternal when brokers are given and
	// ClusterEmbedded otherwise. The default.
	ClusterAuto ClusterKind = ""
	// ClusterEmbedded is the in-process cluster (franz-go's kfake).
	ClusterEmbedded ClusterKind = "embedded"
	// ClusterExternal is a cluster at Brokers.
	ClusterExternal ClusterKind = "external"
	// ClusterLocalKafka is a real Apache Kafka cluster kbench starts on
	// this machine for the run (package containers) and stops after it.
	ClusterLocalKafka ClusterKind = "local-kafka"
)

// Runtimes of a local-kafka cluster (Cluster.Runtime).
const (
	// RuntimeProcess runs each broker as a JVM process on this machine,
	// from jars Maven fetches (Java 17+ and Maven needed). The default.
	RuntimeProcess = "process"
	// RuntimeDocker runs each broker in a Docker container.
	RuntimeDocker = "docker"
)

// SASL mechanisms (SASL.Mechanism).
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// TLS is `cluster.tls`: how clients connect over TLS (at least TLS 1.2).
// `tls: true` is a TLS with every field empty: the system's CA
// certificates, no client certificate. Parse resolves file paths against
// the scenario file's folder; in a TLS built in Go they are used as they
// are (relative to the working directory). Parse and Validate check that
// the files can be read; the runner loads them, before it connects.
type TLS struct {
	// CAFile is a PEM file of CA certificates to trust instead of the
	// system's. Default "": the system's.
	CAFile string
	// CertFile and KeyFile are a PEM client certificate and its private
	// key, for brokers that require client authentication. Both or
	// neither. Default "": no client certificate.
	CertFile, KeyFile string
	// ServerName overrides the name checked in the brokers' certificates.
	// Default "": the host name of the broker address.
	ServerName string
	// InsecureSkipVerify accepts any broker certificate. Default false.
	// For tests only: it defeats TLS.
	InsecureSkipVerify bool
	// Pos is where `tls:` is written.
	Pos Pos
}

// SASL is `cluster.sasl`: how clients authenticate. It applies with TLS or
// without (then credentials cross the network in the clear with PLAIN).
type SASL struct {
	// Mechanism is SASLPlain, SASLScramSHA256 or SASLScramSHA512; Parse
	// and Validate accept any case and store the upper-case name.
	// Required.
	Mechanism string
	// Username is the SASL user name. Required.
	Username string
	// Password is a secret: kbench never prints it, in messages, logs or
	// results, and it is left out of JSON and of every fmt verb. Write it
	// as ${VAR} rather than in the file (Parse warns otherwise). Required.
	Password string `json:"-"`
	// Pos is where `sasl:` is written.
	Pos Pos
}

// String describes the settings without the password.
func (s SASL) String() string { return s.Mechanism + " as " + s.Username }

// GoString keeps the password out of %#v.
func (s SASL) GoString() string {
	return fmt.Sprintf("scenarios.SASL{Mechanism: %q, Username: %q, Password: \"[redacted]\"}", s.Mechanism, s.Username)
}

// Format keeps the password out of every fmt verb (%v, %+v, %s, ...).
func (s SASL) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, s.GoString())
		return
	}
	io.WriteString(f, "{"+s.String()+" password [redacted]}")
}

// Cluster is the scenario's `cluster:` section.
type Cluster struct {
	// Kind selects the cluster. Default ClusterAuto: external when brokers
	// are given, else embedded. ClusterExternal without brokers is an
	// error when the run starts, unless the caller gives brokers (the
	// --brokers flag, runner.Options.Brokers): it is not one of Validate's,
	// since brokers may come from there. ClusterEmbedded and
	// ClusterLocalKafka take no brokers.
	Kind ClusterKind
	// Brokers are seed addresses (host:port). Empty means the embedded
	// in-process cluster.
	Brokers []string
	// Nodes is the number of brokers of a local-kafka cluster, from 1 to
	// MaxLocalNodes. Default 1 with ClusterLocalKafka; must be 0 with the
	// other kinds.
	Nodes int
	// Runtime runs a local-kafka cluster's brokers as local processes
	// (RuntimeProcess, the default with ClusterLocalKafka) or Docker
	// containers (RuntimeDocker). Must be "" with the other kinds.
	Runtime string
	// KafkaVersion is a local-kafka cluster's Apache Kafka version, such
	// as "4.4.0". Default "": the version kbench pins. Must be "" with
	// the other kinds.
	KafkaVersion string
	// TLS, if set, makes clients connect over TLS. External clusters only:
	// clusters kbench starts for a scenario are plaintext.
	TLS *TLS
	// SASL, if set, makes clients authenticate. External clusters only.
	SASL *SASL
	// ClientID is sent to the brokers. Default "kbench".
	ClientID string
	// DialTimeout bounds each connection attempt. Default 10s.
	DialTimeout time.Duration
	// RequestTimeoutOverhead is added to request timeouts. Default 10s
	// (franz-go's default).
	RequestTimeoutOverhead time.Duration
	// MetadataMaxAge is how often metadata is refreshed. Default 5m
	// (franz-go's default).
	MetadataMaxAge time.Duration
	Pos            Pos
}

// Embedded reports whether the scenario runs on the in-process cluster.
func (c Cluster) Embedded() bool {
	return c.Kind == ClusterEmbedded || c.Kind == ClusterAuto && len(c.Brokers) == 0
}

// CreateMode says what to do with a topic before the run.
type CreateMode string

const (
	// CreateIfMissing creates the topic when it does not exist and uses it
	// as it is otherwise. The default.
	CreateIfMissing CreateMode = "if-missing"
	// CreateNever requires the topic to exist already.
	CreateNever CreateMode = "never"
)

// Topic is one entry of `topics:`.
type Topic struct {
	Name string
	// Partitions for a created topic. Default 6.
	Partitions int32
	// ReplicationFactor for a created topic. Default -1 (the broker's
	// default; 1 on the embedded cluster).
	ReplicationFactor int16
	// Configs are topic configs, e.g. min.insync.replicas.
	Configs map[string]string
	// Create is the creation mode. Default CreateIfMissing.
	Create CreateMode
	Pos    Pos
}

// Format is a data set's value encoding.
type Format string

const (
	// FormatJSON writes one JSON object per record built from Fields.
	FormatJSON Format = "json"
	// FormatBytes writes random bytes whose length follows Size.
	FormatBytes Format = "bytes"
	// FormatAvro writes Avro values of Data.Schema in the Schema
	// Registry's wire format.
	FormatAvro Format = "avro"
	// FormatProtobuf writes Protobuf messages of Data.Schema in the
	// Schema Registry's wire format.
	FormatProtobuf Format = "protobuf"
)

// Schema is a schema values conform to, with where it came from.
type Schema struct {
	// Text is the schema itself.
	Text string
	// File is the file it was read from ("" when written inline).
	File string
	Pos  Pos
}

// Source names the schema for messages: its file, or "inline schema".
func (s *Schema) Source() string {
	if s == nil {
		return ""
	}
	if s.File != "" {
		return s.File
	}
	return "inline schema"
}

// SchemaRegistry is where producers register schemas and consumers look
// writer schemas up.
type SchemaRegistry struct {
	// URL is a Confluent-compatible Schema Registry. Default "": kbench
	// starts an embedded registry for the run.
	URL string
	// Username and Password are HTTP basic-auth credentials. The password
	// never appears in messages, logs or results.
	Username, Password string
	// Compatibility is the embedded registry's default compatibility level
	// (a schema.Mode name). Default BACKWARD, the registry's own default.
	Compatibility string
	Pos           Pos
}

// Data is one named entry of `data:`: how record keys and values are made.
type Data struct {
	Name   string
	Format Format
	// Fields are the JSON object's fields, in file order (json only).
	Fields []*Field
	// Size is the value size distribution (bytes only). Default fixed 100B.
	Size SizeDist
	// Schema, for avro and protobuf (required) and json (optional: then
	// values follow this JSON Schema instead of Fields), is the schema
	// generated values conform to; values go out in the Schema Registry's
	// wire format.
	Schema *Schema
	// Message is the Protobuf message to generate (default: the file's
	// first message).
	Message string
	// Hints choose the generator of schema fields: field path ("user.email")
	// to a field kind or gofakeit function, e.g. "email" or "int:1..100".
	Hints map[string]string
	// Key says how record keys are chosen.
	Key Key
	// Seed overrides the scenario seed for this data set; 0 means unset.
	Seed uint64
	Pos  Pos
}

// Field is one field of a JSON data set. Which options apply depends on
// Fake; the parser rejects options a generator does not take.
type Field struct {
	Name string
	// Fake names the generator: one of FieldKinds, or any gofakeit
	// function name (see gofakeit's function catalog).
	Fake string
	// Min and Max bound numbers (int, float) and lengths. Set only when
	// HasMin / HasMax.
	Min, Max       float64
	HasMin, HasMax bool
	// Values are the choices of enum; Weights, if set, has one weight each.
	Values  []string
	Weights []float64
	// Value is the constant of const (already a JSON literal: a quoted
	// string, a number, true/false/null).
	Value string
	// Format is the timestamp format: rfc3339 (default), rfc3339nano,
	// unix, unix_ms.
	Format string
	// Decimals rounds floats to this many decimals; -1 means no rounding.
	// Default -1.
	Decimals int
	// Words is the sentence length in words. Default 8.
	Words int
	// NullRatio is the probability in [0,1] that the field is null.
	NullRatio float64
	// Fields are the fields of a nested object (Fake == "object").
	Fields []*Field
	// Items is the element of an array (Fake == "array"); MinItems and
	// MaxItems bound its length (defaults 0 and 5).
	Items              *Field
	MinItems, MaxItems int
	Pos                Pos
}

// FieldKinds lists the field generators kbench implements directly (no
// reflection per record), with the options each accepts. Any other Fake
// name must be a gofakeit function; it takes no options and is slower.
var FieldKinds = map[string][]string{
	"uuid":      nil,
	"name":      nil,
	"firstname": nil,
	"lastname":  nil,
	"email":     nil,
	"username":  nil,
	"phone":     nil,
	"company":   nil,
	"city":      nil,
	"country":   nil,
	"street":    nil,
	"zip":       nil,
	"latitude":  nil,
	"longitude": nil,
	"ipv4":      nil,
	"ipv6":      nil,
	"url":       nil,
	"useragent": nil,
	"word":      nil,
	"sentence":  {"words"},
	"int":       {"min", "max"},
	"float":     {"min", "max", "decimals"},
	"price":     {"min", "max"},
	"bool":      nil,
	"enum":      {"values", "weights"},
	"timestamp": {"format"},
	"date":      {"format"},
	"sequence":  nil,
	"const":     {"value"},
	"object":    {"fields"},
	"array":     {"items", "min_items", "max_items"},
}

// SizeKind is a value size distribution.
type SizeKind string

// Size distributions.
const (
	SizeFixed       SizeKind = "fixed"
	SizeUniform     SizeKind = "uniform"
	SizeNormal      SizeKind = "normal"
	SizeExponential SizeKind = "exponential"
)

// SizeDist is a distribution of value sizes in bytes. Sizes are clamped to
// [Min, Max] when those are set (Max defaults to 1 MiB for unbounded kinds).
type SizeDist struct {
	Kind SizeKind
	// Fixed is the size of SizeFixed.
	Fixed int
	// Min and Max bound SizeUniform, and clamp the others.
	Min, Max int
	// Mean is the mean of SizeNormal and SizeExponential.
	Mean int
	// Stddev is the standard deviation of SizeNormal.
	Stddev int
}

// KeyDistribution chooses which of Cardinality keys a record gets.
type KeyDistribution string

// Key distributions.
const (
	// KeyNone sends records without a key.
	KeyNone KeyDistribution = "none"
	// KeyUniform picks keys uniformly.
	KeyUniform KeyDistribution = "uniform"
	// KeyZipf picks key k with probability proportional to 1/(k+1)^ZipfS.
	KeyZipf KeyDistribution = "zipf"
	// KeySequential cycles through the keys in order.
	KeySequential KeyDistribution = "sequential"
	// KeyHotSet sends HotTraffic of the records to HotKeys of the keys.
	KeyHotSet KeyDistribution = "hot-set"
)

// Key is a data set's `key:` section.
type Key struct {
	// Field is the JSON field whose value is also the record key. Empty
	// means synthetic keys "key-<n>".
	Field        string
	Distribution KeyDistribution
	// Cardinality is the number of distinct keys. Default 1000.
	Cardinality int64
	// ZipfS is the Zipf exponent (> 1). Default 1.1.
	ZipfS float64
	// HotKeys is the fraction of keys that are hot (hot-set). Default 0.01.
	HotKeys float64
	// HotTraffic is the fraction of records sent to hot keys (hot-set).
	// Default 0.9.
	HotTraffic float64
	Pos        Pos
}

// Acks is the producer acknowledgement level.
type Acks string

// Acknowledgement levels.
const (
	AcksAll    Acks = "all"
	AcksLeader Acks = "leader"
	AcksNone   Acks = "none"
)

// Producer is one entry of `producers:`.
type Producer struct {
	Name  string
	Topic string
	Data  string
	// Instances is the number of producer clients; the rate is split
	// evenly between them. Default 1.
	Instances int
	// Rate is the total rate profile of all instances.
	Rate Rate
	// Acks default AcksAll.
	Acks Acks
	// Compression is none, gzip, snappy, lz4 or zstd. Default none.
	Compression string
	// Linger is how long a partition's batch may wait to fill; 0 sends at
	// once. Scenario files default to DefaultLinger (franz-go's default)
	// when the key is absent; Go-built scenarios set it explicitly.
	Linger time.Duration
	// BatchSize is the maximum batch size in bytes; 0 keeps franz-go's
	// default (1,000,012 bytes).
	BatchSize int
	// Idempotent enables the idempotent producer; it requires AcksAll.
	// Scenario files default to true when acks is all; Go-built scenarios
	// set it explicitly.
	Idempotent bool
	// MaxInFlight is the maximum produce requests in flight per broker for
	// a non-idempotent producer; 0 keeps franz-go's default (1). An
	// idempotent producer always allows 5.
	MaxInFlight int
	// MaxBuffered is the maximum number of records buffered in the client
	// before sends block. Default DefaultMaxBuffered (franz-go's).
	MaxBuffered int
	// Subject is the Schema Registry subject the producer registers its
	// data set's schema under. Default "<topic>-value" (the registry's
	// TopicNameStrategy). Only for data sets with a schema.
	Subject string
	// SchemaChange, when not nil, switches the producer to another schema
	// during the run.
	SchemaChange *SchemaChange
	// Transactions, when not nil, makes the producer transactional: it
	// writes its records in transactions and tells the verifiers which
	// committed and which aborted. It requires acks: all and an
	// idempotent producer.
	Transactions *Transactions
	Pos          Pos
}

// SchemaChange switches a producer to a new version of its schema.
type SchemaChange struct {
	// At is when, from the run start.
	At time.Duration
	// To is the new schema, registered under the producer's subject at At
	// (the registry checks it under the subject's compatibility level).
	To  *Schema
	Pos Pos
}

// Transactions configures a transactional producer.
type Transactions struct {
	// RecordsPerTxn is how many records each transaction holds (the last
	// one may hold fewer). Default DefaultRecordsPerTxn.
	RecordsPerTxn int
	// AbortRatio is the fraction of transactions aborted on purpose, from
	// 0 (default) to 1, chosen at random with the scenario's seed.
	AbortRatio float64
	// ID is the transactional id prefix; instance i uses "<ID>-<i>".
	// Default "kbench-<scenario>-<producer>". Two producers with the same
	// transactional id fence each other: give concurrent runs their own.
	ID string
	// Timeout is the transaction timeout the broker enforces (Kafka's
	// transaction.timeout.ms). Default franz-go's (40s).
	Timeout time.Duration
	Pos     Pos
}

// DefaultRecordsPerTxn is Transactions.RecordsPerTxn's default.
const DefaultRecordsPerTxn = 100

// RateProfile names a shape of rate over time.
type RateProfile string

// Rate profiles.
const (
	// RateConstant sends Rate records/s.
	RateConstant RateProfile = "constant"
	// RateRamp goes linearly from From to To over Over, then stays at To.
	RateRamp RateProfile = "ramp"
	// RateSteps runs each step's rate for its duration; the last step's
	// rate continues to the end.
	RateSteps RateProfile = "steps"
	// RateSine oscillates: Rate + Amplitude*sin(2πt/Period).
	RateSine RateProfile = "sine"
	// RateSpike runs at Rate, and at Peak from At for For.
	RateSpike RateProfile = "spike"
	// RatePoisson sends at mean Rate with exponential gaps between records.
	RatePoisson RateProfile = "poisson"
	// RateUnlimited sends as fast as the client accepts records.
	RateUnlimited RateProfile = "unlimited"
)

// Rate is a producer's rate profile. Rates are records per second.
type Rate struct {
	Profile RateProfile
	// Rate is the rate of constant and poisson, the mean of sine and the
	// base of spike.
	Rate float64
	// From, To and Over describe a ramp.
	From, To float64
	Over     time.Duration
	// Steps describe a steps profile.
	Steps []Step
	// Amplitude and Period describe a sine.
	Amplitude float64
	Period    time.Duration
	// Peak, At and For describe a spike.
	Peak    float64
	At, For time.Duration
	Pos     Pos
}

// Step is one step of a steps profile.
type Step struct {
	Rate float64
	For  time.Duration
}

// Pipeline describes a system under test between two topics: kbench
// produces to Input, the pipeline writes what it makes of each record to
// Output, and kbench's consumers of Output check it against what Input
// acknowledged.
type Pipeline struct {
	// Input is the topic kbench's producers write; Output the topic the
	// pipeline writes and kbench's consumers read.
	Input, Output string
	// Match says how an output record is tied to the input record it came
	// from. Default MatchHeader.
	Match Match
	// Expect is the delivery guarantee the pipeline promises; it decides
	// which findings fail the run. Default ExactlyOnce.
	Expect Guarantee
	// SameKey says the pipeline keeps each record's key: an output record
	// with another key counts as corrupted. Default false.
	SameKey bool
	// SameValue says the pipeline passes values through unchanged: an
	// output value that differs counts as corrupted. Default false.
	SameValue bool
	// Ordered says the pipeline keeps the order of each producer's
	// records of one key, whatever the output partition, so that
	// key_reordered findings fail the run. Default false (counted, not
	// failed).
	Ordered bool
	// Drain is how long to wait, after producing stops, for the output to
	// catch up with every acknowledged input record before the missing
	// ones count as lost. Default the scenario's drain.
	Drain time.Duration
	Pos   Pos
}

// Match is how a pipeline's output records are tied to input records.
type Match struct {
	// Header is true for `match: header`: the pipeline passes kbench's
	// identity header (recordid.HeaderKey) through.
	Header bool
	// JSONPath is set for `match: json:$.a.b`: kbench writes the record's
	// identity as a string at this path of each JSON value, and finds it
	// at the same path of the output value. Its segments, without "$".
	JSONPath []string
	// Text is the setting as written.
	Text string
}

// Guarantee is a delivery guarantee.
type Guarantee string

// Delivery guarantees.
const (
	// ExactlyOnce: every acknowledged input record appears in the output
	// once; nothing is lost or duplicated.
	ExactlyOnce Guarantee = "exactly-once"
	// AtLeastOnce: nothing is lost; duplicates are counted but allowed.
	AtLeastOnce Guarantee = "at-least-once"
	// AtMostOnce: nothing is duplicated; losses are counted but allowed.
	AtMostOnce Guarantee = "at-most-once"
)

// Isolation is a consumer's isolation level.
type Isolation string

// Isolation levels.
const (
	ReadUncommitted Isolation = "read_uncommitted"
	ReadCommitted   Isolation = "read_committed"
)

// Consumer is one entry of `consumers:`.
type Consumer struct {
	Name  string
	Topic string
	// Group is the consumer group. Default "kbench-<scenario>-<name>".
	Group string
	// Instances is the number of group members. Default 1.
	Instances int
	// Isolation default ReadUncommitted.
	Isolation Isolation
	// FetchMaxWait is how long a fetch may wait for data. Default 100ms.
	FetchMaxWait time.Duration
	// ReaderSchema is the schema the consumer decodes values of schema data
	// sets with, as a consumer deployed with that schema would. Default:
	// the producers' data set schema (the first version).
	ReaderSchema *Schema
	Pos          Pos
}

// Op is a gate comparison.
type Op string

// Gate comparisons.
const (
	OpLT Op = "<"
	OpLE Op = "<="
	OpGT Op = ">"
	OpGE Op = ">="
	OpEQ Op = "=="
	OpNE Op = "!="
)

// Gate is one parsed `gates:` expression: Metric Op Threshold.
type Gate struct {
	// Expr is the expression as written.
	Expr   string
	Metric string
	Op     Op
	// Threshold is in the metric's base unit (see MetricUnit). Unused when
	// Baseline is set.
	Threshold float64
	// Baseline means the gate compares with a baseline run's value times
	// Factor ("e2e.p99 <= baseline * 1.10"), through a noise-aware
	// comparison: `kbench run --baseline FILE` supplies the baseline.
	Baseline bool
	// Factor multiplies the baseline's value (1 for a bare "baseline").
	Factor float64
	Pos    Pos
}

// Report is the scenario's `report:` section.
type Report struct {
	// Out is the folder under which each run writes its own result
	// directory. Default "results".
	Out string
	// Formats written at the end of a run besides the always-written
	// result.json, .hgrm files and interval log: "text". Default [text].
	Formats []string
	// Interval is the progress and interval-log period. Default 1s.
	Interval time.Duration
}
