// Package containers starts real Apache Kafka clusters for kbench runs and
// tests: single-node or N-node KRaft clusters on 127.0.0.1, each broker its
// own process (from pinned Apache Kafka jars fetched with Maven) or its own
// Docker container (testcontainers-go), with broker stop, kill and restart
// for fault injection, and optional TLS and SASL listeners.
//
// The embedded in-process cluster (package cluster) needs no setup but has no
// replication and says nothing about Kafka's speed; a cluster from this
// package is the real thing:
//
//	k, err := containers.StartKafka(ctx, containers.Options{Nodes: 3})
//	if err != nil { ... }
//	defer k.Close()
//	brokers := k.Brokers()     // seed addresses on 127.0.0.1
//	k.KillBroker(1)            // SIGKILL broker index 1
//	k.StartBroker(ctx, 1)      // and bring it back
//
// The caller must call Close, which stops every broker (SIGTERM, then
// SIGKILL after a grace period) and removes the cluster's directory unless
// it was given in Options.Dir. Broker processes are also killed when the
// process that started them dies, so a test that panics or times out
// leaves no broker behind (Linux).
package containers
