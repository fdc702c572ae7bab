package cluster

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestEmbeddedServesMetadata(t *testing.T) {
	t.Parallel()
	e, err := StartEmbedded(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	brokers := e.Brokers()
	if len(brokers) != DefaultEmbeddedBrokers {
		t.Fatalf("brokers = %v, want %d", brokers, DefaultEmbeddedBrokers)
	}
	for _, b := range brokers {
		if !strings.HasPrefix(b, "127.0.0.1:") {
			t.Fatalf("broker %q is not on loopback", b)
		}
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := kadm.NewClient(cl).BrokerMetadata(ctx)
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	if len(m.Brokers) != DefaultEmbeddedBrokers {
		t.Fatalf("metadata lists %d brokers", len(m.Brokers))
	}
	e.Close()
	e.Close() // idempotent
}
