package metrics

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Redacted replaces a secret in label values.
const Redacted = "[redacted]"

// minSecret: shorter secrets hide only label values equal to them.
const minSecret = 3

// redactingGatherer gathers from g and replaces every secret in label
// values. kbench puts no secret in a label; this is the last line of
// defence against a name (a topic, a group, a scenario) that holds one,
// since franz-go's client metrics label topics as they are.
func redactingGatherer(g prometheus.Gatherer, secrets []string) prometheus.Gatherer {
	var keep []string
	for _, s := range secrets {
		if s != "" {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		return g
	}
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		mfs, err := g.Gather()
		for _, mf := range mfs {
			for _, m := range mf.GetMetric() {
				for _, lp := range m.GetLabel() {
					if v := redact(lp.GetValue(), keep); v != lp.GetValue() {
						lp.Value = &v
					}
				}
			}
		}
		return mfs, err
	})
}

// redact returns v with every secret replaced.
func redact(v string, secrets []string) string {
	for _, s := range secrets {
		switch {
		case len(s) < minSecret:
			if v == s {
				v = Redacted
			}
		default:
			v = strings.ReplaceAll(v, s, Redacted)
		}
	}
	return v
}
