package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/urfave/cli/v2"

	"github.com/kbench/kbench/containers"
)

// clusterState is what `kbench cluster up` leaves in the cluster's state
// directory for `kbench cluster down` and for users.
type clusterState struct {
	// PID is the process that holds the cluster (`kbench cluster serve`).
	PID         int      `json:"pid"`
	Brokers     []string `json:"brokers"`
	Description string   `json:"description"`
	Version     string   `json:"version"`
	Nodes       int      `json:"nodes"`
	Runtime     string   `json:"runtime"`
	// CAFile is the PEM CA certificate to trust (TLS only).
	CAFile string `json:"ca_file,omitempty"`
	// SASL mechanism and username; the password is in PasswordFile.
	SASLMechanism string `json:"sasl_mechanism,omitempty"`
	Username      string `json:"username,omitempty"`
	PasswordFile  string `json:"password_file,omitempty"`
	// Error is set instead when the cluster failed to start.
	Error string `json:"error,omitempty"`
}

const (
	stateFile    = "cluster.json"
	passwordFile = "password"
	caFile       = "ca.pem"
	clusterLog   = "cluster.log"
)

func clusterCommand() *cli.Command {
	nameFlag := &cli.StringFlag{Name: "name", Value: "default", Usage: "cluster name, to run several at once"}
	return &cli.Command{
		Name:  "cluster",
		Usage: "start and stop a real Apache Kafka cluster on this machine",
		Subcommands: []*cli.Command{
			{
				Name:  "up",
				Usage: "start a Kafka cluster in the background and print how to use it",
				Flags: []cli.Flag{
					nameFlag,
					&cli.IntFlag{Name: "nodes", Value: 1, Usage: "number of brokers (each also a KRaft controller)"},
					&cli.BoolFlag{Name: "tls", Usage: "serve clients over TLS with a generated CA"},
					&cli.StringFlag{Name: "sasl", Usage: "require SASL: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"},
					&cli.StringFlag{Name: "runtime", EnvVars: []string{containers.RuntimeEnv}, Value: string(containers.RuntimeProcess),
						Usage: "process (Java + Maven jars) or docker"},
					&cli.StringFlag{Name: "kafka-version", Value: containers.DefaultKafkaVersion, Usage: "Apache Kafka version"},
					&cli.StringFlag{Name: "image", EnvVars: []string{containers.ImageEnv}, Usage: "Docker image (docker runtime); default apache/kafka:<version>"},
					&cli.DurationFlag{Name: "timeout", Value: 3 * time.Minute, Usage: "how long to wait for the cluster (including a first download of the jars)"},
				},
				Action: clusterUp,
			},
			{
				Name:   "down",
				Usage:  "stop a cluster started by `kbench cluster up` and delete its data",
				Flags:  []cli.Flag{nameFlag},
				Action: clusterDown,
			},
			{
				Name:   "status",
				Usage:  "print the brokers of a running cluster (exit 4 if none)",
				Flags:  []cli.Flag{nameFlag},
				Action: clusterStatus,
			},
			{
				Name:  "classpath",
				Usage: "print the Java class path of the pinned Kafka jars (fetching them if needed), for Kafka's own tools",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "kafka-version", Value: containers.DefaultKafkaVersion, Usage: "Apache Kafka version"},
				},
				Action: func(c *cli.Context) error {
					libs, err := containers.KafkaLibs(c.Context, c.String("kafka-version"), os.Getenv(containers.LibsEnv),
						func(f string, a ...any) { fmt.Fprintf(c.App.ErrWriter, f+"\n", a...) })
					if err != nil {
						return exitWith(exitRunError, err, "")
					}
					_, err = fmt.Fprintln(c.App.Writer, containers.Classpath(libs))
					return err
				},
			},
			{
				Name:   "serve",
				Hidden: true,
				Usage:  "run a cluster in the foreground until SIGTERM (used by `cluster up`)",
				Flags: []cli.Flag{
					nameFlag,
					&cli.IntFlag{Name: "nodes", Value: 1},
					&cli.BoolFlag{Name: "tls"},
					&cli.StringFlag{Name: "sasl"},
					&cli.StringFlag{Name: "runtime"},
					&cli.StringFlag{Name: "kafka-version"},
					&cli.StringFlag{Name: "image"},
					&cli.DurationFlag{Name: "timeout", Value: 3 * time.Minute},
				},
				Action: clusterServe,
			},
		},
	}
}

// clusterDir is the state directory of the named cluster.
func clusterDir(name string) (string, error) {
	if name == "" || strings.ContainsAny(name, `/\`) || name == "." || name == ".." {
		return "", exitWith(exitInvalid, fmt.Errorf("invalid cluster name %q", name), "use letters, digits, - and _")
	}
	base, err := containers.CacheDir()
	if err != nil {
		return "", exitWith(exitRunError, err, "")
	}
	return filepath.Join(base, "clusters", name), nil
}

func readState(dir string) (*clusterState, error) {
	b, err := os.ReadFile(filepath.Join(dir, stateFile))
	if err != nil {
		return nil, err
	}
	var st clusterState
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, stateFile), err)
	}
	return &st, nil
}

// alive reports whether the cluster's holding process still runs.
func (st *clusterState) alive() bool {
	return st.PID > 0 && syscall.Kill(st.PID, 0) == nil
}

func clusterUp(c *cli.Context) error {
	name := c.String("name")
	dir, err := clusterDir(name)
	if err != nil {
		return err
	}
	if st, err := readState(dir); err == nil && st.alive() {
		return exitWith(exitRunError, fmt.Errorf("cluster %q is already running: %s", name, strings.Join(st.Brokers, ",")),
			fmt.Sprintf("stop it with `kbench cluster down --name %s`, or start another with --name", name))
	}
	if err := os.RemoveAll(dir); err != nil {
		return exitWith(exitRunError, err, "")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return exitWith(exitRunError, err, "")
	}
	self, err := os.Executable()
	if err != nil {
		return exitWith(exitRunError, err, "")
	}
	args := []string{"cluster", "serve", "--name", name,
		"--nodes", strconv.Itoa(c.Int("nodes")), "--runtime", c.String("runtime"),
		"--kafka-version", c.String("kafka-version"), "--image", c.String("image"),
		"--timeout", c.Duration("timeout").String()}
	if c.Bool("tls") {
		args = append(args, "--tls")
	}
	if s := c.String("sasl"); s != "" {
		args = append(args, "--sasl", strings.ToUpper(s))
	}
	logPath := filepath.Join(dir, clusterLog)
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return exitWith(exitRunError, err, "")
	}
	defer logf.Close()
	cmd := exec.Command(self, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // survives this terminal
	if err := cmd.Start(); err != nil {
		return exitWith(exitRunError, err, "")
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	// Ctrl-C while waiting stops the starting cluster too.
	interrupted, stopSignals := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	fmt.Fprintf(c.App.ErrWriter, "starting Apache Kafka %s (%d node(s), %s runtime); log: %s\n",
		c.String("kafka-version"), c.Int("nodes"), c.String("runtime"), logPath)
	deadline := time.After(c.Duration("timeout") + 30*time.Second)
	for {
		if st, err := readState(dir); err == nil {
			if st.Error != "" {
				return exitWith(exitRunError, errors.New(st.Error), "see "+logPath)
			}
			printUsage(c.App.Writer, name, st)
			return nil
		}
		select {
		case <-exited:
			if st, err := readState(dir); err == nil && st.Error != "" {
				return exitWith(exitRunError, errors.New(st.Error), "see "+logPath)
			}
			b, _ := os.ReadFile(logPath)
			return exitWith(exitRunError, fmt.Errorf("the cluster process exited: %s", lastLines(string(b), 20)), "")
		case <-deadline:
			syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
			return exitWith(exitRunError, errors.New("timed out waiting for the cluster"), "see "+logPath)
		case <-interrupted.Done():
			syscall.Kill(cmd.Process.Pid, syscall.SIGTERM)
			<-exited
			os.RemoveAll(dir)
			return exitWith(exitInterrupted, errors.New("interrupted: the cluster was stopped"), "")
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func printUsage(w io.Writer, name string, st *clusterState) {
	brokers := strings.Join(st.Brokers, ",")
	nameFlag := ""
	if name != "default" {
		nameFlag = " --name " + name
	}
	fmt.Fprintf(w, "%s is up.\n\n", st.Description)
	fmt.Fprintf(w, "  brokers: %s\n\n", brokers)
	fmt.Fprintf(w, "Run a scenario on it:\n  export KBENCH_BROKERS=%s\n", brokers)
	if st.SASLMechanism != "" {
		fmt.Fprintf(w, "  export KAFKA_PASSWORD=\"$(cat %s)\"\n", st.PasswordFile)
	}
	fmt.Fprintf(w, "  kbench run examples/quickstart.yaml\n")
	if st.CAFile != "" || st.SASLMechanism != "" {
		fmt.Fprintf(w, "\nand give the scenario the cluster's security settings:\n  cluster:\n")
		if st.CAFile != "" {
			fmt.Fprintf(w, "    tls: { ca_file: %s }\n", st.CAFile)
		}
		if st.SASLMechanism != "" {
			fmt.Fprintf(w, "    sasl: { mechanism: %s, username: %s, password: \"${KAFKA_PASSWORD}\" }\n",
				st.SASLMechanism, st.Username)
		}
	}
	fmt.Fprintf(w, "\nStop it and delete its data:\n  kbench cluster down%s\n", nameFlag)
}

func clusterServe(c *cli.Context) error {
	dir, err := clusterDir(c.String("name"))
	if err != nil {
		return err
	}
	writeState := func(st *clusterState) error {
		b, _ := json.MarshalIndent(st, "", "  ")
		tmp := filepath.Join(dir, stateFile+".tmp")
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			return err
		}
		return os.Rename(tmp, filepath.Join(dir, stateFile))
	}
	// testcontainers' connection banner is noise in the cluster log.
	tclog.SetDefault(tclog.NewNoopLogger())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, c.Duration("timeout"))
	defer cancel()
	k, err := containers.StartKafka(startCtx, containers.Options{
		Nodes:        c.Int("nodes"),
		Version:      c.String("kafka-version"),
		Runtime:      containers.Runtime(c.String("runtime")),
		Image:        c.String("image"),
		TLS:          c.Bool("tls"),
		SASL:         c.String("sasl"),
		Dir:          filepath.Join(dir, "data"),
		StartTimeout: c.Duration("timeout"),
		Logf:         func(f string, a ...any) { fmt.Fprintf(c.App.ErrWriter, f+"\n", a...) },
	})
	if err != nil {
		writeState(&clusterState{PID: os.Getpid(), Error: err.Error()})
		return exitWith(exitRunError, err, "")
	}
	st := &clusterState{
		PID: os.Getpid(), Brokers: k.Brokers(), Description: k.Description(),
		Version: k.Version(), Nodes: k.Nodes(), Runtime: c.String("runtime"),
	}
	if ca := k.CACertPEM(); ca != nil {
		st.CAFile = filepath.Join(dir, caFile)
		if err := os.WriteFile(st.CAFile, ca, 0o644); err != nil {
			k.Close()
			return exitWith(exitRunError, err, "")
		}
	}
	if mech, user, pass := k.Credentials(); mech != "" {
		st.SASLMechanism, st.Username = mech, user
		st.PasswordFile = filepath.Join(dir, passwordFile)
		if err := os.WriteFile(st.PasswordFile, []byte(pass), 0o600); err != nil {
			k.Close()
			return exitWith(exitRunError, err, "")
		}
	}
	if err := writeState(st); err != nil {
		k.Close()
		return exitWith(exitRunError, err, "")
	}
	fmt.Fprintf(c.App.ErrWriter, "%s serving on %s\n", k.Description(), strings.Join(k.Brokers(), ","))
	<-ctx.Done()
	fmt.Fprintf(c.App.ErrWriter, "stopping the cluster\n")
	err = k.Close()
	os.Remove(filepath.Join(dir, stateFile))
	if err != nil {
		return exitWith(exitRunError, err, "")
	}
	return nil
}

func clusterDown(c *cli.Context) error {
	name := c.String("name")
	dir, err := clusterDir(name)
	if err != nil {
		return err
	}
	st, err := readState(dir)
	if err != nil || !st.alive() {
		os.RemoveAll(dir)
		fmt.Fprintf(c.App.ErrWriter, "no cluster %q is running\n", name)
		return nil
	}
	syscall.Kill(st.PID, syscall.SIGTERM)
	deadline := time.Now().Add(containers.StopGrace + 15*time.Second)
	for st.alive() {
		if time.Now().After(deadline) {
			syscall.Kill(st.PID, syscall.SIGKILL)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Brokers of the process runtime die with their holder even if it was
	// killed; wait for the holder to be gone before deleting data.
	for i := 0; i < 100 && st.alive(); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if err := os.RemoveAll(dir); err != nil {
		return exitWith(exitRunError, err, "")
	}
	fmt.Fprintf(c.App.Writer, "cluster %q stopped\n", name)
	return nil
}

func clusterStatus(c *cli.Context) error {
	name := c.String("name")
	dir, err := clusterDir(name)
	if err != nil {
		return err
	}
	st, err := readState(dir)
	if err != nil || !st.alive() || st.Error != "" {
		return exitWith(exitRunError, fmt.Errorf("no cluster %q is running", name), "start one with `kbench cluster up`")
	}
	_, err = fmt.Fprintf(c.App.Writer, "%s\nbrokers: %s\n", st.Description, strings.Join(st.Brokers, ","))
	return err
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
