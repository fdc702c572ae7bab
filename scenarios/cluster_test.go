package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestClusterFiles checks the decoded cluster settings of the valid files
// that use kind, tls and sasl.
func TestClusterFiles(t *testing.T) {
	sc, err := parseFile(t, "testdata/valid/secure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := sc.Cluster
	certs := filepath.Join("testdata", "valid", "certs")
	wantTLS := TLS{CAFile: filepath.Join(certs, "ca.pem"), CertFile: filepath.Join(certs, "client.pem"),
		KeyFile: filepath.Join(certs, "client-key.pem"), ServerName: "kafka.internal", Pos: c.TLS.Pos}
	if c.Kind != ClusterExternal || c.Embedded() || c.TLS == nil || *c.TLS != wantTLS || c.TLS.Pos.Line != 9 {
		t.Errorf("secure.yaml: kind %q, tls %+v", c.Kind, c.TLS)
	}
	if s := c.SASL; s == nil || s.Mechanism != SASLScramSHA512 || s.Username != "bench" || s.Password != secret || s.Pos.Line != 14 {
		t.Errorf("secure.yaml: sasl %v", s)
	}
	if len(sc.Warnings) != 0 {
		t.Errorf("secure.yaml: warnings %v", ErrorList(sc.Warnings))
	}

	sc, err = parseFile(t, "testdata/valid/tls-true.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c := sc.Cluster; c.Kind != ClusterAuto || c.Embedded() || c.TLS == nil || *c.TLS != (TLS{Pos: c.TLS.Pos}) ||
		c.SASL.Mechanism != SASLPlain {
		t.Errorf("tls-true.yaml: %+v", c)
	}

	sc, err = parseFile(t, "testdata/valid/local-kafka.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c := sc.Cluster; c.Kind != ClusterLocalKafka || c.Embedded() || c.Nodes != 3 || c.Runtime != RuntimeProcess ||
		c.KafkaVersion != "4.4.0" || len(c.Brokers) != 0 {
		t.Errorf("local-kafka.yaml: %+v", c)
	}

	// Defaults of kind local-kafka; tls: false is no TLS.
	for src, want := range map[string]Cluster{
		`{ kind: local-kafka }`:                  {Kind: ClusterLocalKafka, Nodes: 1, Runtime: RuntimeProcess},
		`{ kind: local-kafka, runtime: docker }`: {Kind: ClusterLocalKafka, Nodes: 1, Runtime: RuntimeDocker},
		`{ kind: embedded, tls: false }`:         {Kind: ClusterEmbedded},
		`{ kind: external }`:                     {Kind: ClusterExternal},
	} {
		sc, err := Parse("k.yaml", []byte("cluster: "+src+"\ndata: { d: { size: 1 } }\nproducers: [{ topic: t, data: d, rate: 1/s }]\n"), testEnv)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		got := sc.Cluster
		if got.Kind != want.Kind || got.Nodes != want.Nodes || got.Runtime != want.Runtime || got.TLS != nil || got.SASL != nil {
			t.Errorf("%s: %+v", src, got)
		}
	}
}

// TestClusterValidateGoBuilt: Validate checks kind, nodes, runtime, tls
// and sasl of a scenario built in Go as Parse checks a file.
func TestClusterValidateGoBuilt(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, []byte("-----BEGIN CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	ext := []string{"kafka:9093"}
	sasl := func(mech, user, pw string) *SASL { return &SASL{Mechanism: mech, Username: user, Password: pw} }
	cases := []struct {
		name string
		c    Cluster
		want string // "" for valid
	}{
		{"auto external with tls and sasl", Cluster{Brokers: ext, TLS: &TLS{CAFile: ca}, SASL: sasl("scram-sha-256", "u", "p")}, ""},
		{"local-kafka defaults", Cluster{Kind: ClusterLocalKafka}, ""},
		{"external without brokers", Cluster{Kind: ClusterExternal, TLS: &TLS{}}, ""}, // brokers may come from the caller
		{"unknown kind", Cluster{Kind: "extrenal"},
			"cluster.kind: unknown cluster kind \"extrenal\" (did you mean \"external\"?)\n\thint: kinds: embedded (in-process), external (your brokers), local-kafka (kbench starts Apache Kafka)"},
		{"local-kafka with brokers", Cluster{Kind: ClusterLocalKafka, Brokers: ext},
			"cluster.brokers: cluster.kind local-kafka starts its own cluster: brokers must not be given\n\thint: leave out brokers, or use kind: external"},
		{"nodes out of range", Cluster{Kind: ClusterLocalKafka, Nodes: MaxLocalNodes + 1},
			"cluster.nodes: nodes must be from 1 to 9"},
		{"nodes on external", Cluster{Brokers: ext, Nodes: 3},
			"cluster.nodes: nodes applies only to kind: local-kafka\n\thint: add kind: local-kafka to have kbench start a real Kafka cluster"},
		{"runtime on embedded", Cluster{Runtime: RuntimeDocker},
			"cluster.runtime: runtime applies only to kind: local-kafka\n\thint: add kind: local-kafka to have kbench start a real Kafka cluster"},
		{"unknown runtime", Cluster{Kind: ClusterLocalKafka, Runtime: "dokcer"},
			"cluster.runtime: unknown runtime \"dokcer\" (did you mean \"docker\"?)\n\thint: runtimes: process (Java and Maven), docker"},
		{"version on external", Cluster{Brokers: ext, KafkaVersion: "4.4.0"},
			"cluster.version: version applies only to kind: local-kafka\n\thint: add kind: local-kafka to have kbench start a real Kafka cluster"},
		{"tls on local-kafka", Cluster{Kind: ClusterLocalKafka, TLS: &TLS{}},
			"cluster.tls: tls and sasl do not apply to kind: local-kafka: the cluster kbench starts for a scenario is plaintext\n" +
				"\thint: for a TLS/SASL cluster on this machine, start one with `kbench cluster up --tls --sasl SCRAM-SHA-512` (or containers.StartKafka in Go) and use kind: external with its brokers"},
		{"sasl without brokers", Cluster{SASL: sasl(SASLPlain, "u", "p")},
			"cluster.sasl: tls and sasl apply to external clusters, and without brokers the scenario runs on the embedded cluster\n" +
				"\thint: add brokers, or write kind: external to give them with --brokers or KBENCH_BROKERS"},
		{"cert without key", Cluster{Brokers: ext, TLS: &TLS{CertFile: ca}},
			"cluster.tls.cert_file: cert_file needs key_file\n\thint: add key_file: the PEM file of the client certificate's private key"},
		{"missing CA file", Cluster{Brokers: ext, TLS: &TLS{CAFile: missing}},
			fmt.Sprintf("cluster.tls.ca_file: cannot read ca_file %q: no such file\n\thint: paths in a scenario file are relative to its folder", missing)},
		{"folder as key file", Cluster{Brokers: ext, TLS: &TLS{CertFile: ca, KeyFile: dir}},
			fmt.Sprintf("cluster.tls.key_file: key_file %q is a folder, not a file\n\thint: give the path of a PEM file", dir)},
		{"unknown mechanism", Cluster{Brokers: ext, SASL: sasl("scram_sha256", "u", "p")},
			"cluster.sasl.mechanism: unknown SASL mechanism \"scram_sha256\" (did you mean \"SCRAM-SHA-256\"?)\n\thint: mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"},
		{"incomplete sasl", Cluster{Brokers: ext, SASL: &SASL{}},
			"cluster.sasl.mechanism: sasl needs a mechanism\n\thint: mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512\n" +
				"cluster.sasl.password: sasl needs a password\n\thint: write password: \"${KAFKA_PASSWORD}\" and set the variable\n" +
				"cluster.sasl.username: sasl needs a username"},
		{"password shown nowhere", Cluster{Brokers: ext, SASL: sasl("hunter2-pw", "u", "hunter2-pw")},
			"cluster.sasl.mechanism: unknown SASL mechanism \"[password]\"\n\thint: mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"},
		{"short password shown nowhere", Cluster{Brokers: ext, SASL: sasl("pw", "u", "pw")},
			"cluster.sasl.mechanism: unknown SASL mechanism \"[password]\"\n\thint: mechanisms: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := &Scenario{
				Cluster:   tc.c,
				Data:      []*Data{{Name: "d", Format: FormatBytes}},
				Producers: []Producer{{Topic: "t", Data: "d", Rate: Rate{Profile: RateConstant, Rate: 1}}},
			}
			err := sc.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}

	// Defaults and the mechanism's spelling are settled by Validate.
	sc := &Scenario{
		Cluster:   Cluster{Brokers: ext, SASL: sasl("scram-sha-512", "u", "p")},
		Data:      []*Data{{Name: "d", Format: FormatBytes}},
		Producers: []Producer{{Topic: "t", Data: "d", Rate: Rate{Profile: RateConstant, Rate: 1}}},
	}
	if err := sc.Validate(); err != nil || sc.Cluster.SASL.Mechanism != SASLScramSHA512 || sc.Cluster.DialTimeout != DefaultDialTimeout {
		t.Errorf("%v: %+v", err, sc.Cluster)
	}
	sc.Cluster = Cluster{Kind: ClusterLocalKafka}
	if err := sc.Validate(); err != nil || sc.Cluster.Nodes != 1 || sc.Cluster.Runtime != RuntimeProcess || sc.Cluster.KafkaVersion != "" {
		t.Errorf("%v: %+v", err, sc.Cluster)
	}
}

// TestPasswordWarning: a password written in the file is accepted with a
// warning that names its position, never its value; one taken from the
// environment is not.
func TestPasswordWarning(t *testing.T) {
	const pw = "lit3ral-pw"
	env := func(name string) (string, bool) {
		if name == "PW" {
			return pw, true
		}
		return "", false
	}
	for _, tc := range []struct {
		password string
		warn     bool
	}{
		{pw, true},
		{`"${PW}"`, false},
		{`"${PW:-other}"`, false},
		{`"${UNSET:-` + pw + `}"`, true}, // the default in the file is used
		{`"prefix-${PW}"`, false},
		{`'` + pw + `'`, true},
	} {
		src := "cluster:\n  brokers: [a:1]\n  sasl: { mechanism: PLAIN, username: u, password: " + tc.password + " }\n" +
			"data: { d: { size: 1 } }\nproducers: [{ topic: t, data: d, rate: 1/s }]\n"
		sc, err := Parse("w.yaml", []byte(src), env)
		if err != nil {
			t.Fatalf("%s: %v", tc.password, err)
		}
		if !tc.warn {
			if len(sc.Warnings) != 0 {
				t.Errorf("%s: warnings %v", tc.password, ErrorList(sc.Warnings))
			}
			continue
		}
		if len(sc.Warnings) != 1 {
			t.Fatalf("%s: %d warnings, want 1", tc.password, len(sc.Warnings))
		}
		w := sc.Warnings[0]
		if w.Pos != (Pos{File: "w.yaml", Line: 3, Column: 52}) || w.Path != "cluster.sasl.password" ||
			!strings.Contains(w.Msg, "written in the scenario file") || !strings.Contains(w.Hint, "${KAFKA_PASSWORD}") {
			t.Errorf("%s: warning %#v", tc.password, w)
		}
		if strings.Contains(w.Error(), pw) {
			t.Errorf("%s: the warning shows the password: %v", tc.password, w)
		}
		if err := sc.Validate(); err != nil || len(sc.Warnings) != 1 {
			t.Errorf("Validate: %v, %d warnings", err, len(sc.Warnings))
		}
	}
}

// TestPasswordNeverShownInProblems: no problem quotes the password,
// however it is written and whatever else is wrong.
func TestPasswordNeverShownInProblems(t *testing.T) {
	const pw = "hunter2-Sekret"
	env := func(name string) (string, bool) {
		if name == "PW" {
			return pw, true
		}
		return "", false
	}
	rest := "\ndata: { d: { size: 1 } }\nproducers: [{ topic: t, data: d, rate: 1/s }]\n"
	for _, src := range []string{
		`cluster: { brokers: ["a:1"], sasl: { mechanism: PLAIN, username: u, password: "` + pw + `${X" } }`,
		`cluster: { brokers: ["a:1"], sasl: { mechanism: PLAIN, username: u, password: "` + pw + `${a b}" } }`,
		`cluster: { brokers: ["a:1"], sasl: { mechanism: PLAIN, username: u, password: "${X:-` + pw + `}${Y" } }`,
		`cluster: { brokers: ["a:1"], sasl: "PLAIN:u:` + pw + `" }`,
		"cluster:\n  brokers: [a:1]\n  sasl:\n    mechanism: PLAIN\n    password: *" + pw,
		`cluster: { brokers: ["a:1"], sasl: { mechanism: "` + pw + `", username: "` + pw + `", password: "` + pw + `" } }`,
		`cluster: { brokers: ["a:1"], client_id: "` + pw + `x", sasl: { mechanism: PLAIN, username: u, password: "${PW}" } }` +
			"\ntopics: [{ name: t, partitions: \"" + pw + "\" }]",
		`cluster: { sasl: { mechanism: PLAIN, username: u, password: "` + pw + `" } }`,
		`cluster: { brokers: ["a:1"], sasl: { mechanism: PLAIN, username: u, password: [` + pw + `] } }`,
	} {
		_, err := Parse("p.yaml", []byte(src+rest), env)
		if err == nil {
			t.Errorf("%s: parsed", src)
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the password is in a message:\n%v", src, err)
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Errorf("%s: %T", src, err)
		}
	}

	// Validate, on a scenario built in Go: the password in other
	// settings' messages too.
	sc := &Scenario{
		Cluster:   Cluster{Brokers: []string{"a:1"}, SASL: &SASL{Mechanism: "PLAIN", Username: "u", Password: pw}},
		Data:      []*Data{{Name: "d", Format: FormatBytes}},
		Producers: []Producer{{Topic: "t", Data: pw, Rate: Rate{Profile: RateConstant, Rate: 1}}},
		Warmup:    time.Hour,
	}
	err := sc.Validate()
	if err == nil || strings.Contains(err.Error(), pw) || !strings.Contains(err.Error(), `unknown data set "[password]"`) {
		t.Errorf("Validate: %v", err)
	}
	if !reflect.DeepEqual(sc.Producers[0].Data, pw) {
		t.Errorf("Validate changed the setting holding the password: %q", sc.Producers[0].Data)
	}
}
