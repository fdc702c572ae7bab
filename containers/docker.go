package containers

import "errors"

// newDockerRuntime is replaced by the Docker runtime.
func newDockerRuntime() (nodeRunner, error) {
	return nil, errors.New("the docker runtime is not available yet")
}
