// Package cluster provides the Kafka clusters kbench runs against when the
// user brings none: the embedded in-process cluster (franz-go's kfake).
//
// The embedded cluster needs no setup and no network beyond loopback, which
// makes it the default for `kbench run`, for tests and for demos. It has no
// replication, no disk and no quotas, so its speed says nothing about a real
// Kafka cluster's; reports name it plainly.
package cluster

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Embedded is a running in-process cluster listening on 127.0.0.1. The
// caller must call Close.
type Embedded struct {
	c *kfake.Cluster
}

// DefaultEmbeddedBrokers is the number of brokers of an embedded cluster.
const DefaultEmbeddedBrokers = 1

// StartEmbedded starts an embedded cluster with the given number of brokers
// (DefaultEmbeddedBrokers when n < 1) on free loopback ports.
func StartEmbedded(n int) (*Embedded, error) {
	if n < 1 {
		n = DefaultEmbeddedBrokers
	}
	c, err := kfake.NewCluster(kfake.NumBrokers(n))
	if err != nil {
		return nil, fmt.Errorf("starting embedded cluster: %w", err)
	}
	return &Embedded{c: c}, nil
}

// Brokers returns the seed addresses (host:port) of the cluster.
func (e *Embedded) Brokers() []string { return e.c.ListenAddrs() }

// Description is a one-line description for reports.
func (e *Embedded) Description() string {
	return fmt.Sprintf("embedded in-process cluster (franz-go kfake, %d broker(s), no replication): "+
		"figures show kbench's own overhead, not Kafka's performance", len(e.c.ListenAddrs()))
}

// Close stops the cluster and releases its ports. It is safe to call more
// than once.
func (e *Embedded) Close() {
	if e.c != nil {
		e.c.Close()
		e.c = nil
	}
}
