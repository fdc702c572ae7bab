package containers

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/types/container"
	dnetwork "github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Labels on the containers and the network of a Docker cluster, so that
// leftovers can be found: `docker ps -a --filter label=io.kbench.cluster`.
const (
	// DockerLabelCluster holds the cluster id (Kafka.ClusterID).
	DockerLabelCluster = "io.kbench.cluster"
	// DockerLabelNode holds the broker index on a container.
	DockerLabelNode = "io.kbench.node"
	// DockerLabelOwner holds "<hostname>:<pid>" of the process that
	// started the cluster.
	DockerLabelOwner = "io.kbench.owner"
)

// LocalImage is the tag containers/image/build.sh gives the image it builds
// offline for version: kbench/kafka:<version>-local.
func LocalImage(version string) string { return "kbench/kafka:" + version + "-local" }

// Where the broker's files are inside a container. The image layout is the
// official apache/kafka one (which kbench's local image mirrors): Kafka in
// /opt/kafka, data in /var/lib/kafka/data owned by the image's user.
const (
	dockerKafkaBin = "/opt/kafka/bin"
	dockerDataDir  = "/var/lib/kafka/data"
	dockerConfDir  = "/etc/kafka/kbench"
	// Inside its container every broker uses the same ports for broker and
	// controller traffic on the cluster network; the client port differs
	// per broker because it is published on the same host port.
	dockerControllerPort = 9093
	dockerInternalPort   = 9094
)

// dockerRuntime runs each broker in its own container (testcontainers-go),
// all on one Docker network per cluster. A broker reaches the others by
// network alias (broker-<i>) for replication and KRaft traffic; its client
// listener binds a port P inside the container that is published on
// 127.0.0.1:P and advertised as 127.0.0.1:P, so the metadata clients
// receive is reachable from this machine.
type dockerRuntime struct {
	k     *Kafka
	cli   *testcontainers.DockerClient
	net   *testcontainers.DockerNetwork
	ports []int // published client port of each broker

	mu       sync.Mutex
	nodes    []*testcontainers.DockerContainer
	closed   bool
	starting sync.WaitGroup // starts in flight, which close waits for
}

func newDockerRuntime() (nodeRunner, error) { return &dockerRuntime{}, nil }

func (r *dockerRuntime) describe() string {
	if r.k == nil {
		return "Docker containers"
	}
	return "Docker containers of " + r.k.opts.Image
}

func (r *dockerRuntime) alias(i int) string { return "broker-" + strconv.Itoa(i) }

func (r *dockerRuntime) prepare(ctx context.Context, k *Kafka) ([]nodeAddrs, error) {
	r.k = k
	r.nodes = make([]*testcontainers.DockerContainer, k.opts.Nodes)
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err == nil {
		_, err = cli.Ping(ctx, client.PingOptions{})
	}
	if err != nil {
		if cli != nil {
			cli.Close()
		}
		return nil, fmt.Errorf("the docker runtime cannot reach Docker: %v (start Docker; on Debian as root "+
			"containers/image/docker-setup.sh installs and starts it), or use the process runtime (%s=%s)",
			err, RuntimeEnv, RuntimeProcess)
	}
	r.cli = cli
	if err := r.ensureImage(ctx, k.opts.Image); err != nil {
		return nil, err
	}
	if err := r.checkReaper(ctx); err != nil {
		return nil, err
	}
	r.net, err = network.New(ctx, network.WithLabels(r.labels(-1)))
	if err != nil {
		return nil, fmt.Errorf("creating the cluster's Docker network: %w", reaperHint(err))
	}
	if r.ports, err = hostPorts(k.opts.Nodes); err != nil {
		return nil, err
	}
	addrs := make([]nodeAddrs, k.opts.Nodes)
	for i := range addrs {
		p := strconv.Itoa(r.ports[i])
		addrs[i] = nodeAddrs{
			ClientBind:           "0.0.0.0:" + p,
			ClientAdvertised:     "127.0.0.1:" + p,
			InternalBind:         "0.0.0.0:" + strconv.Itoa(dockerInternalPort),
			InternalAdvertised:   r.alias(i) + ":" + strconv.Itoa(dockerInternalPort),
			ControllerBind:       "0.0.0.0:" + strconv.Itoa(dockerControllerPort),
			ControllerAdvertised: r.alias(i) + ":" + strconv.Itoa(dockerControllerPort),
		}
	}
	k.opts.Logf("Docker image %s, network %s", k.opts.Image, r.net.Name)
	return addrs, nil
}

// ensureImage pulls image once if it is not present locally, and explains
// how to build kbench's local image when that fails (testcontainers would
// retry a failing pull until the start timeout).
func (r *dockerRuntime) ensureImage(ctx context.Context, image string) error {
	img, err := r.cli.ImageInspect(ctx, image)
	if err == nil {
		if v := img.Config.Labels["io.kbench.kafka.version"]; v != "" && v != r.k.opts.Version {
			r.k.opts.Logf("warning: image %s holds Apache Kafka %s, not %s", image, v, r.k.opts.Version)
		}
		return nil
	}
	r.k.opts.Logf("pulling Docker image %s", image)
	if perr := r.pull(ctx, image); perr != nil {
		return fmt.Errorf("Docker image %s is not present and could not be pulled: %v\n"+
			"Without a registry, build kbench's local image from the jars of the process runtime "+
			"(needs Java 17+ and Maven or cached jars): containers/image/build.sh %s\n"+
			"then select it with %s=%s (or Options.Image), or use the process runtime (%s=%s)",
			image, perr, r.k.opts.Version, ImageEnv, LocalImage(r.k.opts.Version), RuntimeEnv, RuntimeProcess)
	}
	return nil
}

func (r *dockerRuntime) pull(ctx context.Context, image string) error {
	resp, err := r.cli.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return err
	}
	defer resp.Close()
	return resp.Wait(ctx)
}

// checkReaper fails fast, with advice, when testcontainers' reaper (Ryuk)
// is enabled but its image can be neither found nor pulled.
func (r *dockerRuntime) checkReaper(ctx context.Context) error {
	cfg := testcontainers.ReadConfig()
	if cfg.RyukDisabled || cfg.Config.HubImageNamePrefix != "" {
		return nil
	}
	//lint:ignore SA1019 the image of the pinned testcontainers-go release
	image := testcontainers.ReaperDefaultImage
	if _, err := r.cli.ImageInspect(ctx, image); err == nil {
		return nil
	}
	if err := r.pull(ctx, image); err != nil {
		return fmt.Errorf("testcontainers' reaper image %s is not present and could not be pulled (%v): "+
			"set TESTCONTAINERS_RYUK_DISABLED=true to run without the reaper (Close still removes "+
			"the cluster's containers; after a crash, containers/image/cleanup.sh does)", image, err)
	}
	return nil
}

func reaperHint(err error) error {
	if strings.Contains(strings.ToLower(err.Error()), "reaper") {
		return fmt.Errorf("%w (TESTCONTAINERS_RYUK_DISABLED=true runs without the reaper)", err)
	}
	return err
}

// labels are the labels of node i's container, or of the network for i < 0.
func (r *dockerRuntime) labels(i int) map[string]string {
	host, _ := os.Hostname()
	l := map[string]string{
		DockerLabelCluster: r.k.clusterID,
		DockerLabelOwner:   host + ":" + strconv.Itoa(os.Getpid()),
	}
	if i >= 0 {
		l[DockerLabelNode] = strconv.Itoa(i)
	}
	return l
}

func (r *dockerRuntime) paths(*Kafka, int) nodePaths {
	return nodePaths{DataDir: dockerDataDir, CertDir: dockerConfDir + "/certs"}
}

func (r *dockerRuntime) node(i int) *testcontainers.DockerContainer {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i < 0 || i >= len(r.nodes) {
		return nil
	}
	return r.nodes[i]
}

func (r *dockerRuntime) start(ctx context.Context, k *Kafka, i int, config string, first bool) error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return errors.New("cluster closed")
	}
	r.starting.Add(1)
	r.mu.Unlock()
	defer r.starting.Done()
	if !first {
		c := r.node(i)
		if c == nil {
			return fmt.Errorf("broker %d has no container", i)
		}
		if err := c.Start(ctx); err != nil {
			return fmt.Errorf("restarting broker %d: %w%s", i, err, r.logSection(i))
		}
		return nil
	}
	files := func(uid, gid int) ([]byte, error) { return r.files(k, i, config, uid, gid) }
	// A copy of the configuration for people looking at Kafka.Dir.
	nodeDir := filepath.Join(k.dir, "broker-"+strconv.Itoa(i))
	if err := os.MkdirAll(nodeDir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(nodeDir, "server.properties"), []byte(config), 0o600); err != nil {
		return err
	}
	port := dnetwork.MustParsePort(strconv.Itoa(r.ports[i]) + "/tcp")
	netName := r.net.Name
	req := testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{
			Image: k.opts.Image,
			Name:  "kbench-" + strings.ToLower(k.clusterID[:8]) + "-" + r.alias(i),
			// Run start.sh with the image's shell, whatever its entrypoint.
			Entrypoint: []string{"/bin/sh"},
			Cmd:        []string{dockerConfDir + "/start.sh"},
			Env: map[string]string{
				"KAFKA_HEAP_OPTS":            fmt.Sprintf("-Xms%dm -Xmx%dm", k.opts.HeapMB/2, k.opts.HeapMB),
				"KAFKA_JVM_PERFORMANCE_OPTS": strings.Join(jvmFlags(&k.opts), " ") + " -Djava.awt.headless=true",
				"KAFKA_LOG4J_OPTS":           "-Dlog4j2.configurationFile=" + dockerConfDir + "/log4j2.properties",
				// A restarted broker may get a new address on the network:
				// re-resolve broker names after seconds, not Java's 30s.
				"KAFKA_OPTS": "-Dsun.net.inetaddr.ttl=5",
				// No GC log files (kafka-server-start.sh's default -loggc).
				"EXTRA_ARGS": "-name kafkaServer",
			},
			ExposedPorts:   []string{port.String()},
			Labels:         r.labels(i),
			Networks:       []string{netName},
			NetworkAliases: map[string][]string{netName: {r.alias(i)}},
			HostConfigModifier: func(hc *container.HostConfig) {
				hc.NetworkMode = container.NetworkMode(netName)
				hc.PortBindings = dnetwork.PortMap{port: {{
					HostIP: netip.MustParseAddr("127.0.0.1"), HostPort: strconv.Itoa(r.ports[i]),
				}}}
			},
			WaitingFor: &brokerAnswers{k: k, i: i},
			LifecycleHooks: []testcontainers.ContainerLifecycleHooks{{
				PostCreates: []testcontainers.ContainerHook{
					func(ctx context.Context, c testcontainers.Container) error {
						// Owned by the image's user, so that files holding
						// secrets can be private to it.
						uid, gid, err := containerUser(ctx, c)
						if err != nil {
							return fmt.Errorf("broker %d: %w", i, err)
						}
						tarball, err := files(uid, gid)
						if err != nil {
							return err
						}
						_, err = r.cli.CopyToContainer(ctx, c.GetContainerID(), client.CopyToContainerOptions{
							DestinationPath: "/", Content: bytes.NewReader(tarball),
						})
						if err != nil {
							return fmt.Errorf("copying broker %d's configuration into its container: %w", i, err)
						}
						return nil
					},
				},
			}},
		},
		Started: true,
		Logger:  tclog.NewNoopLogger(),
	}
	c, err := testcontainers.GenericContainer(ctx, req)
	if dc, ok := c.(*testcontainers.DockerContainer); ok && dc != nil {
		r.mu.Lock()
		r.nodes[i] = dc
		r.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("starting broker %d (image %s): %w%s", i, k.opts.Image, reaperHint(err), r.logSection(i))
	}
	return nil
}

// files is the tar archive copied into node i's container: its
// server.properties, log4j2 configuration, certificates and start script,
// owned by uid and gid.
func (r *dockerRuntime) files(k *Kafka, i int, config string, uid, gid int) ([]byte, error) {
	p := r.paths(k, i)
	format := []string{dockerKafkaBin + "/kafka-storage.sh", "format", "--ignore-formatted",
		"-t", k.clusterID, "-c", dockerConfDir + "/server.properties"}
	if strings.HasPrefix(k.opts.SASL, "SCRAM-") {
		format = append(format, "--add-scram",
			fmt.Sprintf("%s=[name=%s,password=%s]", k.opts.SASL, k.opts.Username, k.opts.Password))
	}
	for j, a := range format {
		format[j] = shellQuote(a)
	}
	start := "#!/bin/sh\n" +
		"# Written by kbench: format the data directory once, then run the broker.\n" +
		"set -e\n" +
		"if [ ! -f " + p.DataDir + "/meta.properties ]; then\n" +
		"  KAFKA_HEAP_OPTS=-Xmx256m " + strings.Join(format, " ") + "\n" +
		"fi\n" +
		"exec " + dockerKafkaBin + "/kafka-server-start.sh " + dockerConfDir + "/server.properties\n"

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	now := time.Now()
	add := func(name string, mode int64, body string) error {
		h := &tar.Header{Name: strings.TrimPrefix(name, "/"), Mode: mode, ModTime: now, Uid: uid, Gid: gid,
			Typeflag: tar.TypeReg, Size: int64(len(body))}
		if body == "" && strings.HasSuffix(name, "/") {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err := io.WriteString(tw, body)
		return err
	}
	errs := []error{
		add(dockerConfDir+"/", 0o755, ""),
		add(dockerConfDir+"/server.properties", 0o600, config), // may hold a PLAIN password
		add(dockerConfDir+"/log4j2.properties", 0o644, log4j2Properties),
		add(dockerConfDir+"/start.sh", 0o700, start), // may hold a SCRAM password
	}
	if k.certs != nil {
		errs = append(errs,
			add(p.CertDir+"/", 0o700, ""),
			add(p.CertDir+"/ca.pem", 0o644, string(k.certs.CAPEM)),
			add(p.CertDir+"/server.pem", 0o600, string(k.certs.ServerPEM)))
	}
	errs = append(errs, tw.Close())
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// containerUser returns the numeric user and group the container runs as:
// its configured user, looked up in the container's /etc/passwd and
// /etc/group when given by name (Docker's own copyUIDGID looks names up on
// the host in some releases).
func containerUser(ctx context.Context, c testcontainers.Container) (uid, gid int, err error) {
	insp, err := c.Inspect(ctx)
	if err != nil {
		return 0, 0, err
	}
	user, group, _ := strings.Cut(insp.Config.User, ":")
	if user == "" {
		return 0, 0, nil
	}
	// lookup returns the numeric fields 3 and 4 of name's entry in file
	// (user id and group for passwd, group id for group).
	lookup := func(file, name string) (id, group int, err error) {
		rc, err := c.CopyFileFromContainer(ctx, file)
		if err != nil {
			return 0, 0, fmt.Errorf("reading %s of the image: %w", file, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		if err != nil {
			return 0, 0, err
		}
		for line := range strings.Lines(string(b)) {
			f := strings.Split(strings.TrimSpace(line), ":")
			if len(f) < 3 || f[0] != name {
				continue
			}
			if id, err = strconv.Atoi(f[2]); err == nil && file == "/etc/passwd" && len(f) > 3 {
				group, err = strconv.Atoi(f[3])
			}
			if err != nil {
				return 0, 0, fmt.Errorf("the image's %s entry %q: %w", file, name, err)
			}
			return id, group, nil
		}
		return 0, 0, fmt.Errorf("the image's %s has no entry %q", file, name)
	}
	// A numeric user's group is 0 unless given, a named one's its primary
	// group.
	if uid, err = strconv.Atoi(user); err != nil {
		if uid, gid, err = lookup("/etc/passwd", user); err != nil {
			return 0, 0, err
		}
	}
	if group != "" {
		if gid, err = strconv.Atoi(group); err != nil {
			if gid, _, err = lookup("/etc/group", group); err != nil {
				return 0, 0, err
			}
		}
	}
	return uid, gid, nil
}

// shellQuote quotes s for sh when it holds anything but safe characters.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:@,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// brokerAnswers is the containers' wait strategy: the container runs and
// its broker answers a Kafka request on the published client port, with the
// cluster's TLS and SASL settings. A container that exits fails at once.
type brokerAnswers struct {
	k *Kafka
	i int
}

func (w *brokerAnswers) WaitUntilReady(ctx context.Context, t wait.StrategyTarget) error {
	opts := w.k.ClientOpts()
	opts[0] = kgo.SeedBrokers(w.k.addrs[w.i].ClientAdvertised)
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return err
	}
	defer cl.Close()
	var last error
	for {
		st, err := t.State(ctx)
		if err == nil && !st.Running {
			return fmt.Errorf("broker %d's container exited with code %d", w.i, st.ExitCode)
		}
		pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		last = cl.Ping(pctx)
		cancel()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			// Docker's port proxy accepts connections before the broker
			// listens, so the last error may blame the protocol.
			return fmt.Errorf("broker %d not ready on %s in time (last try: %v)", w.i, w.k.addrs[w.i].ClientAdvertised, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (r *dockerRuntime) stop(ctx context.Context, i int, graceful bool, grace time.Duration) error {
	c := r.node(i)
	if c == nil {
		return nil
	}
	if graceful {
		// docker stop: SIGTERM, SIGKILL after grace (whole seconds).
		g := max(grace, time.Second)
		errc := make(chan error, 1)
		go func() { errc <- c.Stop(context.WithoutCancel(ctx), &g) }()
		select {
		case err := <-errc:
			if err == nil {
				return nil
			}
		case <-ctx.Done():
		}
	}
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	_, kerr := r.cli.ContainerKill(kctx, c.GetContainerID(), client.ContainerKillOptions{Signal: "KILL"})
	for {
		st, err := c.State(kctx)
		if err == nil && !st.Running {
			return nil
		}
		select {
		case <-kctx.Done():
			return fmt.Errorf("broker %d's container %s did not stop: %v", i, c.GetContainerID()[:12], errors.Join(kerr, err))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (r *dockerRuntime) running(i int) bool {
	c := r.node(i)
	if c == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := c.State(ctx)
	return err == nil && st.Running
}

func (r *dockerRuntime) logs(ctx context.Context, i int) ([]byte, error) {
	c := r.node(i)
	if c == nil {
		return nil, nil
	}
	rc, err := c.Logs(ctx)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func (r *dockerRuntime) logTail(i int) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, _ := r.logs(ctx, i)
	s := tail(b, 3000)
	if p := r.k.opts.Password; p != "" {
		s = strings.ReplaceAll(s, p, "[redacted]")
	}
	return s
}

func (r *dockerRuntime) logSection(i int) string {
	if t := r.logTail(i); t != "" {
		return fmt.Sprintf("\n--- broker %d log (end) ---\n%s", i, t)
	}
	return ""
}

// close saves each broker's log as broker-<i>.log in a kept cluster
// directory, then removes the containers (with their volumes) and the
// network.
func (r *dockerRuntime) close(ctx context.Context) error {
	var errs []error
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.starting.Wait() // a failed StartKafka may still be creating containers
	r.mu.Lock()
	nodes := append([]*testcontainers.DockerContainer(nil), r.nodes...)
	r.mu.Unlock()
	for i, c := range nodes {
		if c == nil {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if !r.k.removeDir {
			if b, err := r.logs(cctx, i); err == nil && len(b) > 0 {
				os.WriteFile(filepath.Join(r.k.dir, "broker-"+strconv.Itoa(i)+".log"), b, 0o644)
			}
		}
		if err := c.Terminate(cctx, testcontainers.StopTimeout(0)); err != nil {
			errs = append(errs, fmt.Errorf("removing broker %d's container: %w", i, err))
		}
		cancel()
	}
	if r.cli != nil && r.k.clusterID != "" {
		// Containers whose creation was cut short never reached r.nodes.
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		f := client.Filters{}.Add("label", DockerLabelCluster+"="+r.k.clusterID)
		if cs, err := r.cli.ContainerList(cctx, client.ContainerListOptions{All: true, Filters: f}); err == nil {
			for _, c := range cs.Items {
				if _, err := r.cli.ContainerRemove(cctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
					errs = append(errs, fmt.Errorf("removing container %s: %w", c.ID[:12], err))
				}
			}
		}
		cancel()
	}
	if r.net != nil {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := r.net.Remove(cctx); err != nil {
			errs = append(errs, fmt.Errorf("removing network %s: %w", r.net.Name, err))
		}
		cancel()
	}
	if r.cli != nil {
		r.cli.Close()
	}
	return errors.Join(errs...)
}

// hostPorts asks the OS for n distinct free TCP ports on 127.0.0.1 other
// than the ports brokers use inside their containers.
func hostPorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		ls = append(ls, l)
		if p := l.Addr().(*net.TCPAddr).Port; p != dockerControllerPort && p != dockerInternalPort {
			ports = append(ports, p)
		}
	}
	return ports, nil
}
