package metrics_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kbench/kbench/cluster"
	"github.com/kbench/kbench/metrics"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

var _ runner.Observer = (*metrics.Exporter)(nil)

// secret is the scenario's SASL password. The embedded cluster does not
// use SASL; the test checks that the password, also part of the topic's
// name, reaches no label.
const secret = "kb-metrics-s3cret"

// scrape is one parsed scrape of /metrics.
type scrape map[string]*dto.MetricFamily

func scrapeOnce(url string) (scrape, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(resp.Body)
}

// series returns name's series, keyed by their labels.
func (s scrape) series(name string) map[string]*dto.Metric {
	out := map[string]*dto.Metric{}
	for _, m := range s[name].GetMetric() {
		var ls []string
		for _, lp := range m.GetLabel() {
			ls = append(ls, lp.GetName()+"="+lp.GetValue())
		}
		sort.Strings(ls)
		out[strings.Join(ls, ",")] = m
	}
	return out
}

// value is the value of name's series with exactly labels (k=v, sorted),
// and whether it exists.
func (s scrape) value(name, labels string) (float64, bool) {
	m, ok := s.series(name)[labels]
	if !ok {
		return 0, false
	}
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue(), true
	case m.Gauge != nil:
		return m.GetGauge().GetValue(), true
	case m.Untyped != nil:
		return m.GetUntyped().GetValue(), true
	}
	return 0, false
}

// sum adds the values of name's series whose labels contain every one of
// want (k=v).
func (s scrape) sum(name string, want ...string) float64 {
	var n float64
	for key, m := range s.series(name) {
		ok := true
		for _, w := range want {
			ok = ok && slices.Contains(strings.Split(key, ","), w)
		}
		if ok {
			n += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return n
}

// documented reads the metric tables of docs/metrics.md: name → type.
func documented(t *testing.T) map[string]dto.MetricType {
	t.Helper()
	b, err := os.ReadFile("../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]dto.MetricType{"counter": dto.MetricType_COUNTER, "gauge": dto.MetricType_GAUGE,
		"histogram": dto.MetricType_HISTOGRAM}
	out := map[string]dto.MetricType{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 6 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`kbench_") {
			continue
		}
		name := strings.Trim(strings.TrimSpace(cells[1]), "`")
		typ, ok := types[strings.TrimSpace(cells[2])]
		if !ok {
			t.Fatalf("docs/metrics.md: %s has unknown type %q", name, cells[2])
		}
		out[name] = typ
	}
	if len(out) < 30 {
		t.Fatalf("docs/metrics.md: only %d metrics found in the tables", len(out))
	}
	return out
}

func testScenario(t *testing.T, brokers []string) *scenarios.Scenario {
	t.Helper()
	topic := "orders-" + secret
	sc := &scenarios.Scenario{
		Name:     "metrics-test",
		Duration: 2 * time.Second,
		Warmup:   500 * time.Millisecond,
		Drain:    10 * time.Second,
		Cluster: scenarios.Cluster{Brokers: brokers,
			SASL: &scenarios.SASL{Mechanism: scenarios.SASLScramSHA512, Username: "bench", Password: secret}},
		Topics: []scenarios.Topic{{Name: topic, Partitions: 3}},
		Data: []*scenarios.Data{{
			Name:   "order",
			Format: scenarios.FormatJSON,
			Fields: []*scenarios.Field{{Name: "id", Fake: "uuid"}},
			Key:    scenarios.Key{Field: "id", Distribution: scenarios.KeyUniform, Cardinality: 100},
		}},
		Producers: []scenarios.Producer{{Name: "shop", Topic: topic, Data: "order", Instances: 2,
			Rate: scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1000}, Acks: scenarios.AcksAll, Idempotent: true}},
		Consumers: []scenarios.Consumer{{Name: "billing", Topic: topic, Group: "billing-g", Instances: 2}},
		Report:    scenarios.Report{Interval: 200 * time.Millisecond},
	}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	return sc
}

// TestRunMetrics runs a short scenario on the embedded cluster with
// metrics served on a free port, scrapes them while it runs and at the
// end, and checks them against the documentation and the run's result.
func TestRunMetrics(t *testing.T) {
	t.Parallel()
	emb, err := cluster.StartEmbedded(0)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Close()
	sc := testScenario(t, emb.Brokers())

	exp := metrics.NewExporter(metrics.Options{Secrets: []string{secret}})
	srv, err := metrics.Listen("127.0.0.1:0", exp.Handler())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	var (
		mu      sync.Mutex
		scrapes []scrape
		errs    []error
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(150 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			s, err := scrapeOnce(srv.URL())
			mu.Lock()
			if err != nil {
				errs = append(errs, err)
			} else {
				scrapes = append(scrapes, s)
			}
			mu.Unlock()
		}
	}()

	res, err := runner.Run(context.Background(), sc, runner.Options{
		Brokers: emb.Brokers(), Embedded: true,
		Observer: exp, ClientHooks: exp.ClientHooks,
		Version: "v0.0.0-test",
	})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Fatalf("scrapes failed: %v", errs)
	}
	final, err := scrapeOnce(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	scrapes = append(scrapes, final)

	// Scraped during the run, with live counts.
	live := 0
	for _, s := range scrapes[:len(scrapes)-1] {
		warm, _ := s.value("kbench_run_phase", "phase=warmup")
		meas, _ := s.value("kbench_run_phase", "phase=measuring")
		if warm+meas == 1 && s.sum("kbench_producer_records_acked_total") > 0 {
			live++
		}
	}
	if live < 2 {
		t.Errorf("%d of %d scrapes saw the run producing, want at least 2", live, len(scrapes))
	}

	// Every documented metric of the run is there with its type, and
	// every metric exported is documented.
	docs := documented(t)
	for name, typ := range docs {
		if strings.HasPrefix(name, "kbench_client_") {
			continue // some appear only once they count something
		}
		mf := final[name]
		if mf == nil {
			t.Errorf("%s: documented, not exported", name)
		} else if mf.GetType() != typ {
			t.Errorf("%s: exported as %s, documented as %s", name, mf.GetType(), typ)
		}
	}
	for name, mf := range final {
		if !strings.HasPrefix(name, "kbench_") {
			continue
		}
		if typ, ok := docs[name]; !ok {
			t.Errorf("%s: exported, not documented in docs/metrics.md", name)
		} else if mf.GetType() != typ {
			t.Errorf("%s: exported as %s, documented as %s", name, mf.GetType(), typ)
		}
	}

	// Counters never go down from one scrape to the next.
	for i := 1; i < len(scrapes); i++ {
		for name, mf := range scrapes[i-1] {
			if mf.GetType() != dto.MetricType_COUNTER {
				continue
			}
			next := scrapes[i].series(name)
			for key, m := range scrapes[i-1].series(name) {
				n, ok := next[key]
				if !ok {
					t.Errorf("scrape %d: %s{%s} disappeared", i, name, key)
					continue
				}
				if n.GetCounter().GetValue() < m.GetCounter().GetValue() {
					t.Errorf("scrape %d: %s{%s} went down from %v to %v", i, name, key,
						m.GetCounter().GetValue(), n.GetCounter().GetValue())
				}
			}
		}
	}

	// The final values are the result's.
	if v, _ := final.value("kbench_run_phase", "phase=done"); v != 1 {
		t.Errorf("final phase: done=%v", v)
	}
	info := fmt.Sprintf("cluster_kind=embedded,kbench_version=v0.0.0-test,run_id=%s,scenario=metrics-test", res.RunID)
	if v, ok := final.value("kbench_run_info", info); !ok || v != 1 {
		t.Errorf("kbench_run_info{%s} missing: %v", info, final.series("kbench_run_info"))
	}
	for _, c := range []struct {
		name string
		want int64
	}{
		{"kbench_producer_records_sent_total", res.Produce.Sent},
		{"kbench_producer_records_acked_total", res.Produce.Acked},
		{"kbench_producer_records_failed_total", res.Produce.Errors},
		{"kbench_producer_bytes_acked_total", res.Produce.Bytes},
		{"kbench_consumer_records_consumed_total", res.Consume.Records},
		{"kbench_verify_records_total", res.Verification[0].Counts.Consumed},
	} {
		if got := final.sum(c.name); got != float64(c.want) {
			t.Errorf("%s = %v at the end, the result says %d", c.name, got, c.want)
		}
	}
	if res.Produce.Acked < 1000 {
		t.Fatalf("only %d records acknowledged", res.Produce.Acked)
	}
	if n := final.sum("kbench_producer_records_acked_total", "producer=shop", "topic=orders-[password]"); n != float64(res.Produce.Acked) {
		t.Errorf("acked by producer shop on its (redacted) topic: %v, labels %v", n,
			keysOf(final.series("kbench_producer_records_acked_total")))
	}
	if n := final.sum("kbench_verify_findings_total", "kind=lost"); n != float64(res.Verification[0].Counts.Lost) {
		t.Errorf("lost: %v, the result says %d", n, res.Verification[0].Counts.Lost)
	}
	if v := final.sum("kbench_verify_final", "group=billing-g"); v != 1 {
		t.Errorf("verification not final at the end")
	}
	if len(final.series("kbench_verify_findings_total")) != 13 {
		t.Errorf("finding kinds: %v", keysOf(final.series("kbench_verify_findings_total")))
	}
	// The run window's quantiles are the summary's, from the same histogram.
	if q, ok := final.value("kbench_e2e_latency_seconds", "quantile=0.99,window=run"); !ok ||
		int64(math.Round(q*1e9))/1000 != res.Consume.E2E.P99US {
		t.Errorf("final e2e p99 %vs, the result says %dµs", q, res.Consume.E2E.P99US)
	}
	if q, ok := final.value("kbench_produce_latency_seconds", "quantile=1,window=run"); !ok ||
		int64(math.Round(q*1e9))/1000 != res.Produce.Latency.MaxUS {
		t.Errorf("final produce max %vs, the result says %dµs", q, res.Produce.Latency.MaxUS)
	}

	// Lag of the group's partitions, from the last sample.
	lag := final.series("kbench_consumer_lag_records")
	if len(lag) == 0 || len(lag) > 3 {
		t.Errorf("lag series: %v", keysOf(lag))
	}
	for key := range lag {
		if !strings.Contains(key, "group=billing-g") || !strings.Contains(key, "partition=") {
			t.Errorf("lag series %s", key)
		}
	}

	// franz-go's metrics, one set per client.
	for _, client := range []string{"admin#0", "producer-shop#0", "producer-shop#1", "consumer-billing#0", "consumer-billing#1"} {
		if final.sum("kbench_client_connects_total", "client="+client) == 0 {
			t.Errorf("no kbench_client_connects_total for client %s: %v", client, keysOf(final.series("kbench_client_connects_total")))
		}
	}
	produced := final.sum("kbench_client_produce_records_total", "client=producer-shop#0") +
		final.sum("kbench_client_produce_records_total", "client=producer-shop#1")
	if produced < float64(res.Produce.Acked) {
		t.Errorf("kprom counted %v records produced, %d were acknowledged", produced, res.Produce.Acked)
	}
	if final.sum("kbench_client_fetch_records_total") < float64(res.Consume.Records) {
		t.Errorf("kprom counted %v records fetched, %d were consumed", final.sum("kbench_client_fetch_records_total"), res.Consume.Records)
	}

	// The password reaches no label, in any scrape.
	for i, s := range scrapes {
		for name, mf := range s {
			for _, m := range mf.GetMetric() {
				for _, lp := range m.GetLabel() {
					if strings.Contains(lp.GetValue(), secret) || strings.Contains(lp.GetName(), secret) {
						t.Fatalf("scrape %d: %s has the password in label %s=%q", i, name, lp.GetName(), lp.GetValue())
					}
				}
			}
		}
	}
	if final.sum("kbench_client_produce_records_total", "topic=orders-"+metrics.Redacted) == 0 {
		t.Errorf("kprom's topic label not redacted: %v", keysOf(final.series("kbench_client_produce_records_total")))
	}
}

func keysOf(m map[string]*dto.Metric) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
