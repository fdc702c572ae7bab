package report

import (
	"fmt"
	"math"

	"github.com/kbench/kbench/measure"
)

// Chart ids: the DOM ids of the report's charts.
const (
	chartThroughput   = "chart-throughput"
	chartErrors       = "chart-errors"
	chartProduceLat   = "chart-latency-produce"
	chartE2ELat       = "chart-latency-e2e"
	chartTimelineP99  = "chart-latency-p99"
	chartDistribution = "chart-distribution"
	chartLag          = "chart-lag"
	chartProducers    = "chart-producers"
)

// percentileTicks is the resolution of the percentile plot: points per
// halving of the distance to 100%, as in .hgrm files.
const percentileTicks = 5

// palette are the series colours, in order; colour-blind safe (Okabe-Ito).
var palette = []string{"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#444444", "#F0E442"}

// buildCharts makes the report's charts from r and, when there is one,
// the interval log's latencies (nil: latency over time falls back to the
// timeline's interval p99s).
func buildCharts(r *measure.Result, il *intervalLatencies) ([]chart, error) {
	charts := []chart{throughputChart(r), errorsChart(r)}
	if il != nil && len(il.byTag) > 0 {
		for _, l := range []struct{ tag, id, title string }{
			{"produce", chartProduceLat, "Produce latency over time"},
			{"e2e", chartE2ELat, "End-to-end latency over time"},
		} {
			if v := il.byTag[l.tag]; v != nil {
				charts = append(charts, intervalLatencyChart(r, l.id, l.title, v))
			}
		}
	} else {
		charts = append(charts, timelineP99Chart(r))
	}
	dist, err := distributionChart(r)
	if err != nil {
		return nil, err
	}
	if dist != nil {
		charts = append(charts, *dist)
	}
	if lag := lagChart(r); lag != nil {
		charts = append(charts, *lag)
	}
	if len(r.Producers) > 0 {
		charts = append(charts, producersChart(r))
	}
	return charts, nil
}

// timeOption is the frame of a chart over the run's time: one grid, x in
// seconds since the run start, y as given, the warmup and disruptions
// shaded.
func timeOption(r *measure.Result, yName, yFormat string, yLog bool) ecOption {
	y := ecAxis{Type: "value", Name: yName, Format: yFormat}
	if yLog {
		y.Type = "log"
	}
	if yFormat == fmtCount {
		y.MinInterval = 1
	}
	return ecOption{
		Color:   palette,
		Legend:  &ecLegend{Top: "0"},
		Tooltip: ecTooltip{Trigger: "axis", Format: yFormat, XFormat: fmtSeconds},
		Grid:    []ecGrid{{Left: "10", Right: "24", Top: "36", Bottom: "10", ContainLabel: true}},
		XAxis: []ecAxis{{Type: "value", Name: "s", Format: fmtSeconds, Min: 0,
			Max: roundUp(runSeconds(r))}},
		YAxis: []ecAxis{y},
	}
}

// runSeconds is how long the timeline lasts.
func runSeconds(r *measure.Result) float64 {
	if n := len(r.Timeline); n > 0 {
		return r.Timeline[n-1].StartS + r.Timeline[n-1].LengthS
	}
	return r.DurationS
}

// roundUp rounds a time axis' end up to a whole second.
func roundUp(s float64) float64 { return math.Max(1, math.Ceil(s-1e-9)) }

// shade marks the warmup and the disruptions on the first series.
func shade(r *measure.Result, s *ecSeries) {
	ma := &ecMarkArea{Silent: true, Label: map[string]any{"color": "#555", "fontSize": 11}}
	if r.WarmupS > 0 {
		ma.Data = append(ma.Data, [2]ecMarkAreaEnd{{Name: "warmup", XAxis: 0,
			ItemStyle: map[string]any{"color": "rgba(120,120,120,0.10)"}}, {XAxis: r.WarmupS}})
	}
	for _, d := range r.Disruptions {
		ma.Data = append(ma.Data, [2]ecMarkAreaEnd{{Name: "disruption", XAxis: d.StartS,
			ItemStyle: map[string]any{"color": "rgba(213,94,0,0.14)"}}, {XAxis: d.EndS}})
	}
	if len(ma.Data) > 0 {
		s.MarkArea = ma
	}
}

// perInterval makes one point per timeline interval, at the interval's
// end, with the value f returns.
func perInterval(r *measure.Result, f func(iv measure.Interval) num) []point {
	pts := make([]point, len(r.Timeline))
	for i, iv := range r.Timeline {
		pts[i] = xy(some(iv.StartS+iv.LengthS), f(iv))
	}
	return pts
}

// perSecond divides a count by the interval's length.
func perSecond(n int64, iv measure.Interval) num {
	if iv.LengthS <= 0 {
		return none
	}
	return some(float64(n) / iv.LengthS)
}

func line(name string, data []point) *ecSeries {
	return &ecSeries{Name: name, Type: "line", Data: data, SymbolSize: 4, ShowSymbol: len(data) <= 60}
}

// throughputChart: acknowledged and consumed records per second of each
// interval, and the target rate.
func throughputChart(r *measure.Result) chart {
	o := timeOption(r, "records/s", fmtRate, false)
	acked := line("acked/s", perInterval(r, func(iv measure.Interval) num { return perSecond(iv.Acked, iv) }))
	shade(r, acked)
	o.Series = append(o.Series, acked)
	if r.Consume.Records > 0 {
		o.Series = append(o.Series, line("consumed/s",
			perInterval(r, func(iv measure.Interval) num { return perSecond(iv.Consumed, iv) })))
	}
	hasTarget := false
	for _, iv := range r.Timeline {
		hasTarget = hasTarget || iv.TargetRate > 0
	}
	if hasTarget {
		t := line("target/s", perInterval(r, func(iv measure.Interval) num {
			if iv.TargetRate <= 0 {
				return none
			}
			return some(iv.TargetRate)
		}))
		t.LineStyle, t.ShowSymbol = &ecLineStyle{Type: "dashed", Width: 1.5}, false
		o.Series = append(o.Series, t)
	}
	return chart{ID: chartThroughput, Title: "Throughput over time", Option: o,
		Note: "Records acknowledged and consumed per second of each report interval, against the target rate. " +
			"Shaded: the warmup (not measured) and disruptions."}
}

// errorsChart: failed records per second of each interval.
func errorsChart(r *measure.Result) chart {
	o := timeOption(r, "errors/s", fmtRate, false)
	s := &ecSeries{Name: "errors/s", Type: "bar", BarMaxW: 16,
		Data: perInterval(r, func(iv measure.Interval) num { return perSecond(iv.Errors, iv) })}
	shade(r, s)
	o.Color = []string{"#D55E00"}
	o.Series = []*ecSeries{s}
	return chart{ID: chartErrors, Title: "Produce errors over time", Option: o,
		Note: fmt.Sprintf("Records whose produce failed, per second of each interval (%d in all).", r.Produce.Errors)}
}

// intervalLatencyChart: one latency's percentiles and maximum per
// interval, from the interval log.
func intervalLatencyChart(r *measure.Result, id, title string, v *intervalLatency) chart {
	o := timeOption(r, "ms", fmtMillis, true)
	for k, vals := range v.values {
		name := "max"
		if k < len(overTimePercentiles) {
			name = overTimePercentiles[k].name
		}
		pts := make([]point, len(vals))
		for i, iv := range r.Timeline {
			pts[i] = xy(some(iv.StartS+iv.LengthS), vals[i])
		}
		s := line(name, pts)
		if k == 0 {
			shade(r, s)
		}
		o.Series = append(o.Series, s)
	}
	return chart{ID: id, Title: title, Option: o,
		Note: "Percentiles of each report interval (log scale), from the interval log " + IntervalLogFile +
			"; measured from each record's intended send time. Gaps: intervals without samples (the warmup)."}
}

// timelineP99Chart: the timeline's interval p99s, for a result without
// its interval log.
func timelineP99Chart(r *measure.Result) chart {
	o := timeOption(r, "ms", fmtMillis, true)
	p99 := func(us int64) num {
		if us <= 0 {
			return none
		}
		return some(float64(us) / 1e3)
	}
	prod := line("produce p99", perInterval(r, func(iv measure.Interval) num { return p99(iv.ProduceP99US) }))
	shade(r, prod)
	o.Series = []*ecSeries{prod,
		line("end-to-end p99", perInterval(r, func(iv measure.Interval) num { return p99(iv.E2EP99US) }))}
	return chart{ID: chartTimelineP99, Title: "p99 latency over time", Option: o,
		Note: "Each interval's 99th percentile from the result's timeline (log scale). The interval log " +
			IntervalLogFile + " was not available, so other percentiles over time are not shown."}
}

// distributionChart: the percentile plot of each latency with samples,
// value against percentile on the 1/(1-p) axis HdrHistogram's plotter
// uses; nil when no latency has samples.
func distributionChart(r *measure.Result) (*chart, error) {
	o := ecOption{
		Color:   []string{palette[0], palette[0], palette[1], palette[1]},
		Legend:  &ecLegend{Top: "0"},
		Tooltip: ecTooltip{Trigger: "axis", Format: fmtMillis, XFormat: fmtPercentile},
		Grid:    []ecGrid{{Left: "10", Right: "30", Top: "36", Bottom: "26", ContainLabel: true}},
		XAxis: []ecAxis{{Type: "log", Name: "percentile", NameLocation: "middle", NameGap: 26,
			Format: fmtPercentile, Min: 1}},
		YAxis: []ecAxis{{Type: "value", Name: "ms", Format: fmtMillis}},
	}
	for _, l := range []struct {
		name string
		l    measure.Latency
		raw  bool
	}{
		{"produce", r.Produce.Latency, false}, {"produce raw", r.Produce.LatencyRaw, true},
		{"end-to-end", r.Consume.E2E, false}, {"end-to-end raw", r.Consume.E2ERaw, true},
	} {
		if l.l.Count == 0 || l.l.Histogram == "" {
			continue
		}
		pts, err := percentilePoints(l.l)
		if err != nil {
			return nil, fmt.Errorf("%s latency: %w", l.name, err)
		}
		s := line(l.name, pts)
		s.ShowSymbol = false
		if l.raw {
			s.LineStyle = &ecLineStyle{Type: "dashed", Width: 1.5}
		}
		o.Series = append(o.Series, s)
	}
	if len(o.Series) == 0 {
		return nil, nil
	}
	return &chart{ID: chartDistribution, Title: "Latency distribution", Option: o,
		Note: "Latency at each percentile of the measured window, as HdrHistogram's plotter draws .hgrm files: " +
			"the percentile axis stretches the tail (90%, 99%, 99.9%, …). Dashed: raw latency, from the actual " +
			"send time instead of the intended one."}, nil
}

// percentilePoints is a latency's percentile distribution as plot points:
// x = 1/(1-p), y = the value at p in ms, for every percentile below 100%
// that the .hgrm file lists.
func percentilePoints(l measure.Latency) ([]point, error) {
	h, err := measure.DecodeHistogram(l.Histogram)
	if err != nil {
		return nil, err
	}
	var pts []point
	for _, b := range h.CumulativeDistributionWithTicks(percentileTicks) {
		if b.Quantile >= 100 {
			continue
		}
		pts = append(pts, xy(some(1/(1-b.Quantile/100)), some(float64(b.ValueAt)/1e6)))
	}
	return pts, nil
}

// lagChart: the consumer groups' summed lag at the end of each interval,
// with each group's largest lag marked; nil for a run without consumer
// groups.
func lagChart(r *measure.Result) *chart {
	known := false
	for _, iv := range r.Timeline {
		known = known || iv.ConsumerLag >= 0
	}
	if !known && len(r.Lag) == 0 {
		return nil
	}
	o := timeOption(r, "records", fmtCount, false)
	s := line("lag (all groups)", perInterval(r, func(iv measure.Interval) num {
		if iv.ConsumerLag < 0 {
			return none
		}
		return some(float64(iv.ConsumerLag))
	}))
	s.Step = "end"
	shade(r, s)
	if len(r.Lag) > 0 {
		ml := &ecMarkLine{Silent: true, Symbol: "none", Label: map[string]any{"formatter": "{b}", "position": "insideEndTop"}}
		for _, g := range r.Lag {
			ml.Data = append(ml.Data, ecMarkLineAt{Name: fmt.Sprintf("max %s on %s: %d", g.Group, g.Topic, g.Max),
				YAxis: float64(g.Max)})
		}
		s.MarkLine = ml
	}
	o.Series = []*ecSeries{s}
	return &chart{ID: chartLag, Title: "Consumer lag over time", Option: o,
		Note: "Records on the log not yet committed by the consumer groups, summed over groups and sampled " +
			"at the end of each interval; dashed lines mark each group's largest lag."}
}

// producersChart: per producer, the acknowledged and target rates, the
// produce p50 and p99, and the errors, as three bar charts side by side.
func producersChart(r *measure.Result) chart {
	names := make([]string, len(r.Producers))
	for i, p := range r.Producers {
		names[i] = p.Name
	}
	o := ecOption{
		Color:   palette,
		Legend:  &ecLegend{Top: "0"},
		Tooltip: ecTooltip{Trigger: "axis"},
	}
	panels := []struct {
		title, format string
		series        []string
	}{
		{"rate (records/s)", fmtRate, []string{"rate", "target"}},
		{"produce latency (ms)", fmtMillis, []string{"p50", "p99"}},
		{"errors", fmtCount, []string{"errors"}},
	}
	for g, pn := range panels {
		left := fmt.Sprintf("%d%%", 1+g*33)
		o.Title = append(o.Title, ecTitle{Text: pn.title, Left: left, Top: "28",
			TextStyle: map[string]any{"fontSize": 12, "fontWeight": "normal"}})
		o.Grid = append(o.Grid, ecGrid{Left: left, Width: "30%", Top: "56", Bottom: "10", ContainLabel: true})
		o.XAxis = append(o.XAxis, ecAxis{Type: "category", Data: names, GridIndex: g})
		y := ecAxis{Type: "value", GridIndex: g, Format: pn.format}
		if pn.format == fmtCount {
			y.MinInterval = 1
		}
		o.YAxis = append(o.YAxis, y)
		for _, name := range pn.series {
			pts := make([]point, len(r.Producers))
			for i, p := range r.Producers {
				pts[i] = cat(producerValue(p, name))
			}
			o.Series = append(o.Series, &ecSeries{Name: name, Type: "bar", XAxisIndex: g, YAxisIndex: g,
				BarMaxW: 40, Data: pts})
		}
	}
	return chart{ID: chartProducers, Title: "Producers", Option: o,
		Note: "Per producer: acknowledged rate against the target over the measured window, produce latency " +
			"percentiles, and failed records."}
}

// producerValue is the named figure of a producer for producersChart.
func producerValue(p measure.Produce, name string) num {
	switch name {
	case "rate":
		return some(p.Rate)
	case "target":
		if p.TargetRate <= 0 {
			return none
		}
		return some(p.TargetRate)
	case "p50":
		if p.Latency.Count == 0 {
			return none
		}
		return some(float64(p.Latency.P50US) / 1e3)
	case "p99":
		if p.Latency.Count == 0 {
			return none
		}
		return some(float64(p.Latency.P99US) / 1e3)
	case "errors":
		return some(float64(p.Errors))
	}
	return none
}
