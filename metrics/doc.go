// Package metrics exposes a kbench run's live state in the Prometheus text
// format, so a long run can be watched in Prometheus and Grafana while it
// goes.
//
// An Exporter receives the runner's snapshots (it is a runner.Observer:
// pass it as runner.Options.Observer) and the franz-go client metrics of
// every client of the run (pass its ClientHooks method as
// runner.Options.ClientHooks); Listen serves its Handler over HTTP:
//
//	exp := metrics.NewExporter(metrics.Options{Secrets: []string{password}})
//	srv, err := metrics.Listen("127.0.0.1:9100", exp.Handler())
//	if err != nil { ... } // a bad or busy address, before the run starts
//	defer srv.Close()
//	res, err := runner.Run(ctx, sc, runner.Options{Observer: exp, ClientHooks: exp.ClientHooks})
//
// The metrics are named kbench_* (the run) and kbench_client_* (franz-go's
// kprom plugin, one set per client, told apart by the "client" label);
// docs/metrics.md lists them. Counters are the run's totals at the latest
// report interval; latency quantiles come from kbench's own HDR
// histograms, over the last report interval and over the whole measured
// run. No label carries a broker address, a user name or a password.
//
// The package reads the runner's snapshots and imports no package later
// in kbench's flow.
package metrics
