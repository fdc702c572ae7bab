//go:build unix

package pacer

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user+sys CPU time so far.
func cpuTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)), true
}

func TestCPUTime(t *testing.T) {
	a, ok := cpuTime()
	if !ok {
		t.Fatal("getrusage failed")
	}
	for deadline := time.Now().Add(20 * time.Millisecond); time.Now().Before(deadline); {
	}
	if b, _ := cpuTime(); b < a {
		t.Fatalf("CPU time went backwards: %v then %v", a, b)
	}
}
