//go:build unix && !linux

package containers

import "syscall"

// procAttr puts a broker in its own process group. Outside Linux there is
// no parent-death signal: Close must run to stop the brokers.
func procAttr(bool) *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
