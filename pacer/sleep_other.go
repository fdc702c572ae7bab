//go:build !linux

package pacer

import "time"

// sleep sleeps for about d on a runtime timer; its precision is the
// platform's.
func sleep(d time.Duration) { time.Sleep(d) }
