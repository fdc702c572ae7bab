package containers

import "syscall"

// procAttr puts a broker in its own process group (so signals reach the
// JVM and anything it forks) and, unless detached, has the kernel kill it
// when this process dies, even when a test binary is killed by its timeout
// and no cleanup runs.
func procAttr(detached bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if !detached {
		a.Pdeathsig = syscall.SIGKILL
	}
	return a
}
