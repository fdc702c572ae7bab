package metrics

import (
	"net/http"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kbench/kbench/measure"
)

// Namespace prefixes every metric of a run; ClientNamespace prefixes the
// franz-go client metrics.
const (
	Namespace       = "kbench"
	ClientNamespace = "kbench_client"
)

// Options configure an Exporter. The zero value is ready to use.
type Options struct {
	// Secrets are strings that must never appear in a label value, such
	// as the cluster's SASL password: every occurrence in a label value is
	// replaced by "[redacted]" when metrics are gathered. Secrets shorter
	// than 3 characters only hide label values equal to them (replacing
	// every "x" would mangle names). Empty strings are ignored.
	Secrets []string
	// NoRuntimeMetrics leaves out the Go runtime and process metrics
	// (go_*, process_*: kbench's own CPU, memory and goroutines), which
	// are exported by default.
	NoRuntimeMetrics bool
}

// Exporter holds a run's latest snapshot and its clients' metrics, and
// serves them as Prometheus metrics. It implements runner.Observer. Its
// methods are safe for concurrent use. Use one Exporter per run: a second
// run's snapshots would replace the first's, and its clients' names would
// collide with the first run's, whose metrics stay.
type Exporter struct {
	reg      *prometheus.Registry
	gatherer prometheus.Gatherer
	clients  *clientMetrics

	mu   sync.Mutex
	snap measure.Snapshot
	have bool
}

// NewExporter returns an Exporter with its own Prometheus registry.
func NewExporter(o Options) *Exporter {
	e := &Exporter{reg: prometheus.NewRegistry(), clients: &clientMetrics{}}
	e.reg.MustRegister(runCollector{e})
	e.reg.MustRegister(e.clients)
	if !o.NoRuntimeMetrics {
		e.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	e.gatherer = redactingGatherer(e.reg, o.Secrets)
	return e
}

// Observe records the run's latest state; the next scrape shows it.
func (e *Exporter) Observe(s measure.Snapshot) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.snap, e.have = s, true
}

// snapshot returns the latest snapshot, and false before the first.
func (e *Exporter) snapshot() (measure.Snapshot, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.snap, e.have
}

// Registry is the Exporter's registry, for callers that add collectors
// of their own. Gather from Gatherer, which hides the secrets.
func (e *Exporter) Registry() *prometheus.Registry { return e.reg }

// Gatherer gathers every metric, secrets replaced (Options.Secrets).
func (e *Exporter) Gatherer() prometheus.Gatherer { return e.gatherer }

// Handler serves the metrics in the Prometheus exposition formats. A
// collector's error leaves its metrics out rather than failing the scrape.
func (e *Exporter) Handler() http.Handler {
	return promhttp.HandlerFor(e.gatherer, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}
