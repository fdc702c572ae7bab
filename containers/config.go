package containers

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	goruntime "runtime"
	"sort"
	"strconv"
	"strings"
)

// nodeAddrs says where one broker listens and how others reach it. The
// process runtime puts everything on 127.0.0.1 with distinct ports; the
// Docker runtime binds 0.0.0.0 inside the container and advertises the
// client listener on a published loopback port.
type nodeAddrs struct {
	// Client is the listener clients use: bind address and advertised
	// address (the one in Kafka.Brokers).
	ClientBind, ClientAdvertised string
	// Internal carries replication between brokers (always plaintext).
	InternalBind, InternalAdvertised string
	// Controller carries KRaft traffic.
	ControllerBind, ControllerAdvertised string
}

// nodePaths are file locations as the broker sees them.
type nodePaths struct {
	DataDir  string
	CertDir  string // holds ca.pem and server.pem when TLS is on
	ScramDir string
}

// Listener names in server.properties.
const (
	listenerClient     = "CLIENT"
	listenerInternal   = "INTERNAL"
	listenerController = "CONTROLLER"
)

// clientProtocol is the security protocol of the client listener.
func clientProtocol(tls bool, sasl string) string {
	switch {
	case tls && sasl != "":
		return "SASL_SSL"
	case tls:
		return "SSL"
	case sasl != "":
		return "SASL_PLAINTEXT"
	}
	return "PLAINTEXT"
}

// serverProperties renders node id's server.properties (ids start at 1).
func serverProperties(o *Options, id int, all []nodeAddrs, p nodePaths) string {
	self := all[id-1]
	voters := make([]string, len(all))
	for i, a := range all {
		voters[i] = fmt.Sprintf("%d@%s", i+1, a.ControllerAdvertised)
	}
	rf := 3
	if len(all) < 3 {
		rf = len(all)
	}
	minISR := 2
	if rf < 2 {
		minISR = 1
	}
	props := map[string]string{
		"process.roles":                                    "broker,controller",
		"node.id":                                          strconv.Itoa(id),
		"controller.quorum.voters":                         strings.Join(voters, ","),
		"controller.listener.names":                        listenerController,
		"inter.broker.listener.name":                       listenerInternal,
		"listeners":                                        fmt.Sprintf("%s://%s,%s://%s,%s://%s", listenerClient, self.ClientBind, listenerInternal, self.InternalBind, listenerController, self.ControllerBind),
		"advertised.listeners":                             fmt.Sprintf("%s://%s,%s://%s", listenerClient, self.ClientAdvertised, listenerInternal, self.InternalAdvertised),
		"listener.security.protocol.map":                   fmt.Sprintf("%s:%s,%s:PLAINTEXT,%s:PLAINTEXT", listenerClient, clientProtocol(o.TLS, o.SASL), listenerInternal, listenerController),
		"log.dirs":                                         p.DataDir,
		"num.partitions":                                   "1",
		"default.replication.factor":                       strconv.Itoa(rf),
		"offsets.topic.replication.factor":                 strconv.Itoa(rf),
		"offsets.topic.num.partitions":                     "10",
		"transaction.state.log.replication.factor":         strconv.Itoa(rf),
		"transaction.state.log.min.isr":                    strconv.Itoa(minISR),
		"transaction.state.log.num.partitions":             "10",
		"share.coordinator.state.topic.replication.factor": strconv.Itoa(rf),
		"share.coordinator.state.topic.min.isr":            strconv.Itoa(minISR),
		"group.initial.rebalance.delay.ms":                 "0",
		"auto.create.topics.enable":                        "true",
		// Small segments and indexes keep a test cluster's disk use low.
		"log.segment.bytes":              strconv.Itoa(256 << 20),
		"log.retention.hours":            "24",
		"num.network.threads":            threads(o, "3", "2"),
		"num.io.threads":                 threads(o, "4", "2"),
		"background.threads":             threads(o, "10", "4"),
		"unclean.leader.election.enable": "false",
	}
	if o.TLS {
		l := "listener.name." + strings.ToLower(listenerClient) + "."
		props[l+"ssl.keystore.type"] = "PEM"
		props[l+"ssl.keystore.location"] = p.CertDir + "/server.pem"
		props[l+"ssl.truststore.type"] = "PEM"
		props[l+"ssl.truststore.location"] = p.CertDir + "/ca.pem"
		props[l+"ssl.client.auth"] = "none"
		props[l+"ssl.endpoint.identification.algorithm"] = ""
	}
	if o.SASL != "" {
		l := "listener.name." + strings.ToLower(listenerClient) + "."
		mech := strings.ToLower(o.SASL)
		props["sasl.enabled.mechanisms"] = o.SASL
		switch o.SASL {
		case SASLPlain:
			props[l+mech+".sasl.jaas.config"] = fmt.Sprintf(
				`org.apache.kafka.common.security.plain.PlainLoginModule required user_%s=%s;`,
				o.Username, jaasQuote(o.Password))
		default:
			props[l+mech+".sasl.jaas.config"] = `org.apache.kafka.common.security.scram.ScramLoginModule required;`
		}
	}
	for k, v := range o.BrokerConfig {
		props[k] = v
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("# Written by kbench.\n")
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(propEscape(props[k]))
		b.WriteByte('\n')
	}
	return b.String()
}

// jaasQuote quotes a JAAS option value.
func jaasQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// propEscape escapes a value for a Java properties file.
func propEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`).Replace(s)
}

// newClusterID returns a KRaft cluster id: 16 random bytes in unpadded
// base64url, as kafka-storage random-uuid prints. Like Kafka's own
// Uuid.randomUuid it never starts with "-", which command lines would take
// for an option.
func newClusterID() string {
	for {
		var b [16]byte
		rand.Read(b[:])
		if id := base64.RawURLEncoding.EncodeToString(b[:]); id[0] != '-' {
			return id
		}
	}
}

// newPassword returns a random password of 24 hex characters.
func newPassword() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// log4j2Properties keeps broker logs to warnings and errors (and the
// "started" line), on stderr: the node's log file for the process
// runtime, the container's log for Docker.
const log4j2Properties = `# Written by kbench.
rootLogger.level=WARN
rootLogger.appenderRef.stderr.ref=STDERR
appender.stderr.type=Console
appender.stderr.name=STDERR
appender.stderr.target=SYSTEM_ERR
appender.stderr.layout.type=PatternLayout
appender.stderr.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.state.name=state.change.logger
logger.state.level=WARN
logger.started.name=kafka.server.KafkaRaftServer
logger.started.level=INFO
`

// lean reports whether the cluster has more brokers than this machine has
// cores: its JVMs then start with a lean profile (C1 JIT only, serial GC,
// fewer threads) so that they do not starve each other — and the KRaft
// quorum — while they start. Throughput measurements want one broker per
// core or fewer, which keeps the full profile.
func lean(o *Options) bool { return o.Nodes > goruntime.NumCPU() }

func threads(o *Options, normal, small string) string {
	if lean(o) {
		return small
	}
	return normal
}

// jvmFlags are a broker JVM's tuning flags.
func jvmFlags(o *Options) []string {
	if lean(o) {
		return []string{"-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xss512k"}
	}
	return []string{"-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20"}
}
