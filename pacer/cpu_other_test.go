//go:build !unix

package pacer

import (
	"testing"
	"time"
)

// cpuTime is not measured on this platform.
func cpuTime() (time.Duration, bool) { return 0, false }

func TestCPUTimeUnavailable(t *testing.T) {
	if _, ok := cpuTime(); ok {
		t.Fatal("cpuTime claims a measurement on a platform without one")
	}
}
