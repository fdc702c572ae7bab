package pacer

import (
	"runtime"
	"syscall"
	"time"
)

// prSetTimerSlack is prctl's PR_SET_TIMERSLACK.
const prSetTimerSlack = 29

// sleep blocks the calling goroutine's thread for about d with nanosleep,
// which, unlike runtime timers (they round waits under a millisecond up to
// a whole one when the process is idle), is as precise as the thread's
// timer slack. The slack (default 50µs: the kernel may wake the thread
// that much late to merge wake-ups) is set to 1ns first, which brings the
// overshoot down to the scheduler's latency; the setting stays with the
// thread, which is harmless for the runtime's other uses of it. A signal
// may cut the sleep short; Wait then looks at the clock again.
func sleep(d time.Duration) {
	runtime.LockOSThread()
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1, 0)
	ts := syscall.NsecToTimespec(int64(d))
	_ = syscall.Nanosleep(&ts, nil)
	runtime.UnlockOSThread()
}
