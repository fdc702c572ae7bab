//go:build unix

package containers

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// processRuntime runs each broker as a java process on 127.0.0.1.
type processRuntime struct {
	libs string
	java string

	mu    sync.Mutex
	procs []*brokerProc
}

type brokerProc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
}

func (r *processRuntime) describe() string { return "local processes" }

func (r *processRuntime) prepare(ctx context.Context, k *Kafka) ([]nodeAddrs, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, ErrNoJava
	}
	r.java = java
	if r.libs, err = KafkaLibs(ctx, k.opts.Version, k.opts.LibsDir, k.opts.Logf); err != nil {
		return nil, err
	}
	r.procs = make([]*brokerProc, k.opts.Nodes)
	ports, err := freePorts(3 * k.opts.Nodes)
	if err != nil {
		return nil, err
	}
	addrs := make([]nodeAddrs, k.opts.Nodes)
	for i := range addrs {
		c := "127.0.0.1:" + strconv.Itoa(ports[3*i])
		in := "127.0.0.1:" + strconv.Itoa(ports[3*i+1])
		ct := "127.0.0.1:" + strconv.Itoa(ports[3*i+2])
		addrs[i] = nodeAddrs{c, c, in, in, ct, ct}
	}
	if err := os.WriteFile(filepath.Join(k.dir, "log4j2.properties"), []byte(log4j2Properties), 0o644); err != nil {
		return nil, err
	}
	return addrs, nil
}

func (r *processRuntime) nodeDir(k *Kafka, i int) string {
	return filepath.Join(k.dir, "broker-"+strconv.Itoa(i))
}

func (r *processRuntime) logPath(k *Kafka, i int) string {
	return filepath.Join(k.dir, "broker-"+strconv.Itoa(i)+".log")
}

func (r *processRuntime) paths(k *Kafka, i int) nodePaths {
	d := r.nodeDir(k, i)
	return nodePaths{DataDir: filepath.Join(d, "data"), CertDir: filepath.Join(d, "certs")}
}

func (r *processRuntime) start(ctx context.Context, k *Kafka, i int, config string, first bool) error {
	dir := r.nodeDir(k, i)
	p := r.paths(k, i)
	props := filepath.Join(dir, "server.properties")
	if first {
		if err := os.MkdirAll(p.DataDir, 0o755); err != nil {
			return err
		}
		if k.certs != nil {
			if err := os.MkdirAll(p.CertDir, 0o700); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(p.CertDir, "ca.pem"), k.certs.CAPEM, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(p.CertDir, "server.pem"), k.certs.ServerPEM, 0o600); err != nil {
				return err
			}
		}
		// server.properties may hold a PLAIN password: owner-only.
		if err := os.WriteFile(props, []byte(config), 0o600); err != nil {
			return err
		}
		args := r.javaArgs(k, 256, "kafka.tools.StorageTool", "format", "--ignore-formatted",
			"-t", k.clusterID, "-c", props)
		if strings.HasPrefix(k.opts.SASL, "SCRAM-") {
			args = append(args, "--add-scram",
				fmt.Sprintf("%s=[name=%s,password=%s]", k.opts.SASL, k.opts.Username, k.opts.Password))
		}
		cmd := exec.CommandContext(ctx, r.java, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("formatting broker %d storage: %v\n%s", i, err, redact(tail(out, 2000), k.opts.Password))
		}
	}
	logf, err := os.OpenFile(r.logPath(k, i), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(r.java, r.javaArgs(k, k.opts.HeapMB, "kafka.Kafka", props)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Dir = dir
	cmd.SysProcAttr = procAttr(k.opts.Detached)
	if err := startLocked(cmd); err != nil {
		return fmt.Errorf("starting broker %d: %w", i, err)
	}
	bp := &brokerProc{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(bp.done)
	}()
	r.mu.Lock()
	r.procs[i] = bp
	r.mu.Unlock()
	if k.opts.Detached {
		return os.WriteFile(filepath.Join(dir, "pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o644)
	}
	return nil
}

// startLocked starts cmd from one goroutine locked to an OS thread that
// never exits, because Linux delivers Pdeathsig when the thread that
// started the child exits, not the process.
func startLocked(cmd *exec.Cmd) error {
	lockedThreadOnce.Do(func() {
		lockedStarts = make(chan func())
		go func() {
			goruntime.LockOSThread()
			for fn := range lockedStarts {
				fn()
			}
		}()
	})
	errc := make(chan error, 1)
	lockedStarts <- func() { errc <- cmd.Start() }
	return <-errc
}

var (
	lockedThreadOnce sync.Once
	lockedStarts     chan func()
)

func (r *processRuntime) javaArgs(k *Kafka, heapMB int, main string, args ...string) []string {
	out := []string{
		"-Xms" + strconv.Itoa(heapMB/2) + "m", "-Xmx" + strconv.Itoa(heapMB) + "m",
		"-Djava.awt.headless=true",
		"-Dlog4j2.configurationFile=" + filepath.Join(k.dir, "log4j2.properties"),
	}
	out = append(out, jvmFlags(&k.opts)...)
	out = append(out, "-cp", Classpath(r.libs), main)
	return append(out, args...)
}

func (r *processRuntime) proc(i int) *brokerProc {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i >= len(r.procs) {
		return nil
	}
	return r.procs[i]
}

func (r *processRuntime) running(i int) bool {
	p := r.proc(i)
	if p == nil {
		return false
	}
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (r *processRuntime) stop(ctx context.Context, i int, graceful bool, grace time.Duration) error {
	p := r.proc(i)
	if p == nil {
		return nil
	}
	pgid := -p.cmd.Process.Pid
	if graceful {
		syscall.Kill(pgid, syscall.SIGTERM)
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-p.done:
			return nil
		case <-t.C:
		case <-ctx.Done():
		}
	}
	syscall.Kill(pgid, syscall.SIGKILL)
	select {
	case <-p.done:
		return nil
	case <-time.After(10 * time.Second):
		return fmt.Errorf("broker %d (pid %d) did not exit after SIGKILL", i, p.cmd.Process.Pid)
	}
}

func (r *processRuntime) logTail(i int) string {
	p := r.proc(i)
	if p == nil {
		return ""
	}
	f, ok := p.cmd.Stdout.(*os.File)
	if !ok {
		return ""
	}
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return ""
	}
	return tail(b, 3000)
}

func (r *processRuntime) close(context.Context) error { return nil }

// freePorts asks the OS for n distinct free TCP ports on 127.0.0.1.
func freePorts(n int) ([]int, error) {
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("finding a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// redact replaces every occurrence of secret in s.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[redacted]")
}
