package scenarios

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of settings left out (or left zero in a scenario built in Go).
const (
	// DefaultName names a scenario built in Go without a name; a file's
	// scenario defaults to the file's base name without extension.
	DefaultName = "scenario"
	// DefaultSeed is the scenario seed.
	DefaultSeed = 1
	// DefaultDuration is how long producers run.
	DefaultDuration = 10 * time.Second
	// DefaultDrain is how long consumers may keep reading after producers
	// stop.
	DefaultDrain = 30 * time.Second
	// MaxLocalNodes is the most brokers a local-kafka cluster may have.
	MaxLocalNodes = 9
	// DefaultClientID is the cluster's client id.
	DefaultClientID = "kbench"
	// DefaultDialTimeout bounds each connection attempt.
	DefaultDialTimeout = 10 * time.Second
	// DefaultRequestTimeoutOverhead is franz-go's default.
	DefaultRequestTimeoutOverhead = 10 * time.Second
	// DefaultMetadataMaxAge is franz-go's default.
	DefaultMetadataMaxAge = 5 * time.Minute
	// DefaultPartitions is the partition count of created topics.
	DefaultPartitions = 6
	// DefaultReplicationFactor (-1) means the broker's default.
	DefaultReplicationFactor = -1
	// DefaultValueSize is the value size of a bytes data set without size.
	DefaultValueSize = 100
	// DefaultMaxValueSize bounds normal and exponential value sizes when
	// max is not set: 1 MiB.
	DefaultMaxValueSize = 1 << 20
	// DefaultCardinality is the number of distinct keys.
	DefaultCardinality = 1000
	// DefaultZipfS is the Zipf exponent.
	DefaultZipfS = 1.1
	// DefaultHotKeys is the fraction of hot keys of the hot-set
	// distribution.
	DefaultHotKeys = 0.01
	// DefaultHotTraffic is the fraction of records sent to hot keys.
	DefaultHotTraffic = 0.9
	// DefaultLinger is the producer linger when a scenario file does not
	// set one: franz-go's default. (A Producer built in Go keeps its
	// Linger, as 0 is meaningful: send at once.)
	DefaultLinger = 10 * time.Millisecond
	// DefaultMaxBuffered is the number of records a producer client
	// buffers before sends block.
	DefaultMaxBuffered = 50_000
	// DefaultFetchMaxWait is how long a consumer fetch may wait for data.
	DefaultFetchMaxWait = 100 * time.Millisecond
	// DefaultOut is the folder result directories are written under.
	DefaultOut = "results"
	// DefaultInterval is the progress and interval-log period.
	DefaultInterval = time.Second
)

// Field generator defaults (the generators use the same).
const (
	defaultIntMin, defaultIntMax     = 0, 1000
	defaultFloatMin, defaultFloatMax = 0, 1
	defaultWords                     = 8
	defaultMaxItems                  = 5
	defaultTimeFormat                = "rfc3339"
)

// applyDefaults fills in every setting left at its zero value. It is the
// one place defaults live, shared by Parse and Validate, and it is
// idempotent. explicit holds the paths of the settings a scenario file
// wrote (nil for a scenario built in Go); it matters only for settings
// whose zero value is meaningful (a producer's linger and idempotent).
func applyDefaults(s *Scenario, explicit map[string]bool) {
	if s.Name == "" && s.File != "" {
		s.Name = strings.TrimSuffix(filepath.Base(s.File), filepath.Ext(s.File))
	}
	if s.Name == "" || s.Name == "." || s.Name == string(filepath.Separator) {
		s.Name = DefaultName
	}
	if s.Seed == 0 {
		s.Seed = DefaultSeed
	}
	if s.Duration == 0 {
		s.Duration = DefaultDuration
	}
	if s.Drain == 0 {
		s.Drain = DefaultDrain
	}

	c := &s.Cluster
	// Empty broker entries (an unset ${KAFKA_BROKERS:-}) mean "none":
	// without any broker the scenario runs on the embedded cluster.
	var brokers []string
	for _, b := range c.Brokers {
		if b = strings.TrimSpace(b); b != "" {
			brokers = append(brokers, b)
		}
	}
	c.Brokers = brokers
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if c.Kind == ClusterLocalKafka {
		if c.Nodes == 0 {
			c.Nodes = 1
		}
		if c.Runtime == "" {
			c.Runtime = RuntimeProcess
		}
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.RequestTimeoutOverhead == 0 {
		c.RequestTimeoutOverhead = DefaultRequestTimeoutOverhead
	}
	if c.MetadataMaxAge == 0 {
		c.MetadataMaxAge = DefaultMetadataMaxAge
	}

	for i := range s.Topics {
		topicDefaults(&s.Topics[i])
	}

	for _, d := range s.Data {
		if d != nil {
			dataDefaults(d)
		}
	}

	for i := range s.Producers {
		p := &s.Producers[i]
		path := indexPath("producers", i)
		if p.Name == "" {
			p.Name = p.Topic
			if p.Name == "" || s.producerNamed(p.Name, i) {
				p.Name = fmt.Sprintf("producer-%d", i+1)
			}
		}
		if p.Instances == 0 {
			p.Instances = 1
		}
		switch p.Acks {
		case "":
			p.Acks = AcksAll
		case "-1":
			p.Acks = AcksAll
		case "1":
			p.Acks = AcksLeader
		case "0":
			p.Acks = AcksNone
		}
		if p.Compression == "" {
			p.Compression = "none"
		}
		if p.MaxBuffered == 0 {
			p.MaxBuffered = DefaultMaxBuffered
		}
		if p.Rate.Profile == "" && p.Rate.Rate > 0 && len(p.Rate.Steps) == 0 {
			p.Rate.Profile = RateConstant // Rate{Rate: 1000} built in Go
		}
		if explicit != nil {
			if !explicit[path+".linger"] {
				p.Linger = DefaultLinger
			}
			if !explicit[path+".idempotent"] {
				p.Idempotent = p.Acks == AcksAll
			}
		}
		if d := s.DataByName(p.Data); d != nil && d.Schema != nil && p.Subject == "" {
			p.Subject = p.Topic + "-value"
		}
		if t := p.Transactions; t != nil {
			if t.RecordsPerTxn == 0 {
				t.RecordsPerTxn = DefaultRecordsPerTxn
			}
			if t.ID == "" {
				t.ID = "kbench-" + s.Name + "-" + p.Name
			}
		}
	}

	if pl := s.Pipeline; pl != nil {
		if !pl.Match.Header && len(pl.Match.JSONPath) == 0 {
			pl.Match = Match{Header: true, Text: "header"}
		}
		if pl.Expect == "" {
			pl.Expect = ExactlyOnce
		}
		if pl.Drain == 0 {
			pl.Drain = s.Drain
		}
		read := false
		for _, c := range s.Consumers {
			read = read || c.Topic == pl.Output
		}
		if !read && pl.Output != "" {
			// read_committed: a transactional pipeline's aborted output
			// is not output; a non-transactional one reads the same.
			s.Consumers = append(s.Consumers, Consumer{Name: PipelineConsumerName, Topic: pl.Output,
				Isolation: ReadCommitted, Pos: pl.Pos})
		}
	}

	for i := range s.Consumers {
		c := &s.Consumers[i]
		if c.Name == "" {
			c.Name = c.Topic + "-readers"
			if c.Topic == "" || s.consumerNamed(c.Name, i) {
				c.Name = fmt.Sprintf("consumer-%d", i+1)
			}
		}
		if c.Group == "" {
			c.Group = "kbench-" + s.Name + "-" + c.Name
		}
		if c.Instances == 0 {
			c.Instances = 1
		}
		if c.Isolation == "" {
			c.Isolation = ReadUncommitted
		}
		if c.FetchMaxWait == 0 {
			c.FetchMaxWait = DefaultFetchMaxWait
		}
	}

	// Topics used but not declared are left out here: whether kbench may
	// create them depends on the cluster the run really uses (flags can
	// change it), so the runner decides.

	r := &s.Report
	if r.Out == "" {
		r.Out = DefaultOut
	}
	if r.Formats == nil {
		r.Formats = []string{"text"}
	}
	if r.Interval == 0 {
		r.Interval = DefaultInterval
	}
}

func topicDefaults(t *Topic) {
	if t.Partitions == 0 {
		t.Partitions = DefaultPartitions
	}
	if t.ReplicationFactor == 0 {
		t.ReplicationFactor = DefaultReplicationFactor
	}
	if t.Create == "" {
		t.Create = CreateIfMissing
	}
}

func dataDefaults(d *Data) {
	if d.Format == "" {
		d.Format = FormatJSON
		if len(d.Fields) == 0 && d.Size != (SizeDist{}) {
			d.Format = FormatBytes
		}
	}
	if d.Format == FormatBytes {
		sd := &d.Size
		if *sd == (SizeDist{}) {
			*sd = SizeDist{Kind: SizeFixed, Fixed: DefaultValueSize}
		}
		if sd.Kind == "" {
			sd.Kind = SizeFixed
		}
		if (sd.Kind == SizeNormal || sd.Kind == SizeExponential) && sd.Max == 0 {
			sd.Max = max(DefaultMaxValueSize, sd.Min)
		}
	}
	fieldDefaults(d.Fields, 0)
	k := &d.Key
	if k.Distribution == "" {
		k.Distribution = KeyNone
		if k.Field != "" {
			k.Distribution = KeyUniform
		}
	}
	if k.Cardinality == 0 {
		k.Cardinality = DefaultCardinality
	}
	if k.ZipfS == 0 {
		k.ZipfS = DefaultZipfS
	}
	if k.HotKeys == 0 {
		k.HotKeys = DefaultHotKeys
	}
	if k.HotTraffic == 0 {
		k.HotTraffic = DefaultHotTraffic
	}
}

// fieldDefaults fills in field options; depth stops at cycles of fields
// built in Go (validate reports them).
func fieldDefaults(fs []*Field, depth int) {
	if depth > maxFieldDepth {
		return
	}
	for _, f := range fs {
		if f == nil {
			continue
		}
		if f.Fake == "" && len(f.Fields) > 0 {
			f.Fake = "object"
		}
		switch f.Fake {
		case "int", "price":
			defaultRange(f, defaultIntMin, defaultIntMax)
		case "float":
			defaultRange(f, defaultFloatMin, defaultFloatMax)
		case "sentence":
			if f.Words == 0 {
				f.Words = defaultWords
			}
		case "timestamp", "date":
			if f.Format == "" {
				f.Format = defaultTimeFormat
			}
		case "array":
			if f.MaxItems == 0 {
				f.MaxItems = max(defaultMaxItems, f.MinItems)
			}
		}
		if f.Fake != "float" && f.Decimals == 0 {
			f.Decimals = -1 // a Field built in Go; only float rounds
		}
		fieldDefaults(f.Fields, depth+1)
		if f.Items != nil {
			fieldDefaults([]*Field{f.Items}, depth+1)
		}
	}
}

// defaultRange sets the unset ends of a number field's range: lo and hi,
// unless that leaves no range (min: 2000 for an int); then the range is as
// wide as the default one, starting (or ending) at the end that is set.
// Afterwards HasMin and HasMax are both true.
func defaultRange(f *Field, lo, hi float64) {
	// A Field built in Go may set Min or Max without HasMin or HasMax.
	f.HasMin = f.HasMin || f.Min != 0
	f.HasMax = f.HasMax || f.Max != 0
	switch {
	case f.HasMin && f.HasMax:
		return
	case f.HasMin && f.Min < hi:
		f.Max = hi
	case f.HasMin:
		f.Max = f.Min + (hi - lo)
	case f.HasMax && f.Max > lo:
		f.Min = lo
	case f.HasMax:
		f.Min = f.Max - (hi - lo)
	default:
		f.Min, f.Max = lo, hi
	}
	f.HasMin, f.HasMax = true, true
}

func (s *Scenario) producerNamed(name string, before int) bool {
	for i := range before {
		if s.Producers[i].Name == name {
			return true
		}
	}
	return false
}

func (s *Scenario) consumerNamed(name string, before int) bool {
	for i := range before {
		if s.Consumers[i].Name == name {
			return true
		}
	}
	return false
}

// usedTopics lists the topics of producers and consumers, in order.
func (s *Scenario) usedTopics() []string {
	var out []string
	for _, p := range s.Producers {
		out = append(out, p.Topic)
	}
	for _, c := range s.Consumers {
		out = append(out, c.Topic)
	}
	return out
}
