//go:build !unix

package containers

import (
	"context"
	"errors"
	"time"
)

// processRuntime is not available on this platform.
type processRuntime struct{}

var errNoProcessRuntime = errors.New("the process runtime needs a Unix system: use the docker runtime")

func (r *processRuntime) prepare(context.Context, *Kafka) ([]nodeAddrs, error) {
	return nil, errNoProcessRuntime
}
func (r *processRuntime) paths(*Kafka, int) nodePaths { return nodePaths{} }
func (r *processRuntime) start(context.Context, *Kafka, int, string, bool) error {
	return errNoProcessRuntime
}
func (r *processRuntime) stop(context.Context, int, bool, time.Duration) error { return nil }
func (r *processRuntime) running(int) bool                                     { return false }
func (r *processRuntime) logTail(int) string                                   { return "" }
func (r *processRuntime) close(context.Context) error                          { return nil }
func (r *processRuntime) describe() string                                     { return "local processes" }

func lockFile(string) (func(), error) { return func() {}, nil }
