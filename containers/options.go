package containers

import (
	"os"
	"time"
)

// DefaultKafkaVersion is the Apache Kafka release kbench pins: the jars
// fetched from Maven Central and the Docker image tag both use it.
const DefaultKafkaVersion = "4.4.0"

// DefaultImageRepo is the Docker image repository used when Options.Image
// is empty: the official Apache Kafka image.
const DefaultImageRepo = "apache/kafka"

// Environment variables that change defaults, so that `go test` and the CLI
// can be pointed at another Kafka without code changes.
const (
	// RuntimeEnv selects the runtime ("process" or "docker") when
	// Options.Runtime is empty.
	RuntimeEnv = "KBENCH_KAFKA_RUNTIME"
	// ImageEnv names the Docker image when Options.Image is empty.
	ImageEnv = "KBENCH_KAFKA_IMAGE"
	// LibsEnv names a directory of Kafka jars (such as the libs/ folder of
	// an Apache Kafka download) to use instead of fetching them.
	LibsEnv = "KBENCH_KAFKA_LIBS"
	// CacheEnv overrides where fetched jars are cached (default: the user
	// cache directory's kbench folder).
	CacheEnv = "KBENCH_CACHE"
)

// Runtime is how brokers run.
type Runtime string

// Runtimes.
const (
	// RuntimeProcess runs each broker as a JVM process on this machine from
	// jars fetched with Maven (needs Java 17+ and Maven, or LibsEnv).
	RuntimeProcess Runtime = "process"
	// RuntimeDocker runs each broker in its own Docker container.
	RuntimeDocker Runtime = "docker"
)

// SASL mechanisms a cluster can offer on its client listener.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// Options configure StartKafka. The zero value is a single plaintext node of
// DefaultKafkaVersion run as a local process.
type Options struct {
	// Nodes is the number of brokers, each also a KRaft controller
	// (combined mode). Default 1.
	Nodes int
	// Version is the Apache Kafka version. Default DefaultKafkaVersion.
	Version string
	// Runtime selects processes or Docker containers. Default: the value of
	// RuntimeEnv, else RuntimeProcess.
	Runtime Runtime
	// Image is the Docker image (RuntimeDocker only). Default: the value of
	// ImageEnv, else DefaultImageRepo:Version.
	Image string
	// LibsDir is a directory of Kafka jars (RuntimeProcess only). Default:
	// the value of LibsEnv, else jars fetched with Maven into the cache.
	LibsDir string
	// TLS serves the client listener over TLS with certificates generated
	// at start-up (see Kafka.CACertPEM and Kafka.TLSConfig).
	TLS bool
	// SASL, if set, requires SASL authentication on the client listener
	// with this mechanism (SASLPlain, SASLScramSHA256 or SASLScramSHA512).
	SASL string
	// Username and Password are the SASL client credentials. Defaults:
	// "kbench" and a random password (see Kafka.Credentials).
	Username, Password string
	// BrokerConfig adds or overrides server.properties entries on every
	// broker (for example "min.insync.replicas": "2").
	BrokerConfig map[string]string
	// HeapMB is each broker's JVM heap. Default 512.
	HeapMB int
	// Dir holds the cluster's configuration, data and logs. Default: a new
	// temporary directory, removed by Close. A given Dir is kept.
	Dir string
	// StartTimeout bounds the wait for the cluster to serve requests.
	// Default 60s plus 30s per node.
	StartTimeout time.Duration
	// Detached leaves broker processes running after this process exits
	// (RuntimeProcess only); Close still stops them. Docker containers
	// outlive their starter anyway, unless testcontainers' reaper (Ryuk)
	// is enabled, which removes them when this process exits.
	Detached bool
	// Logf, if set, receives progress messages (one line each).
	Logf func(format string, args ...any)
}

func (o *Options) setDefaults() {
	if o.Nodes < 1 {
		o.Nodes = 1
	}
	if o.Version == "" {
		o.Version = DefaultKafkaVersion
	}
	if o.Runtime == "" {
		o.Runtime = Runtime(os.Getenv(RuntimeEnv))
		if o.Runtime == "" {
			o.Runtime = RuntimeProcess
		}
	}
	if o.Image == "" {
		o.Image = os.Getenv(ImageEnv)
		if o.Image == "" {
			o.Image = DefaultImageRepo + ":" + o.Version
		}
	}
	if o.LibsDir == "" {
		o.LibsDir = os.Getenv(LibsEnv)
	}
	if o.SASL != "" && o.Username == "" {
		o.Username = "kbench"
	}
	if o.HeapMB <= 0 {
		o.HeapMB = 512
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 60*time.Second + time.Duration(o.Nodes)*30*time.Second
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}
