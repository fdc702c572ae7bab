package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/plugin/kprom"
)

// ClientHooks returns the hooks that collect one franz-go client's metrics
// (franz-go's kprom plugin) under ClientNamespace, labelled client=name;
// its signature is that of runner.Options.ClientHooks. Install them on
// exactly one client (kgo.WithHooks); name must be unique among the
// Exporter's clients.
//
// A kprom.Metrics keeps the collectors of one client only (a second
// client would replace them and collide with the first's names), so each
// client gets its own, and the Exporter collects them all. Its metrics
// stay after the client closes, so the last scrape still sees the
// client's totals.
func (e *Exporter) ClientHooks(name string) []kgo.Hook {
	m := kprom.NewMetrics(ClientNamespace,
		// No registry of its own: the Exporter collects it, and closing
		// the client does not unregister it.
		kprom.Registry(nil),
		kprom.WithStaticLabel(prometheus.Labels{"client": name}),
		kprom.FetchAndProduceDetail(kprom.ByNode, kprom.ByTopic, kprom.Batches, kprom.Records,
			kprom.UncompressedBytes, kprom.CompressedBytes, kprom.ConsistentNaming),
		kprom.Histograms(kprom.RequestDurationE2E),
	)
	return []kgo.Hook{m, clientReady{e.clients, m}}
}

// clientMetrics collects the kprom metrics of every client.
type clientMetrics struct {
	mu sync.Mutex
	ms []*kprom.Metrics
}

// clientReady adds a client's kprom metrics to the collected ones once
// kprom has set them up: its OnNewClient runs after kprom's (hooks run in
// order), so a scrape never reads them half-made.
type clientReady struct {
	c *clientMetrics
	m *kprom.Metrics
}

// OnNewClient implements kgo.HookNewClient.
func (r clientReady) OnNewClient(*kgo.Client) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.ms = append(r.c.ms, r.m)
}

// Describe sends nothing: the clients, and so the metrics, come and go
// with runs (an unchecked collector).
func (c *clientMetrics) Describe(chan<- *prometheus.Desc) {}

// Collect sends every ready client's metrics.
func (c *clientMetrics) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	ms := append([]*kprom.Metrics(nil), c.ms...)
	c.mu.Unlock()
	for _, m := range ms {
		m.Collect(ch)
	}
}

var _ kgo.HookNewClient = clientReady{}
