package report

import (
	"encoding/json"
	"math"
	"strconv"
)

// The types below are the subset of Apache ECharts' option object
// (https://echarts.apache.org/en/option.html) that report.html uses,
// marshalled to JSON and handed to echarts.setOption by the page's script.
// Keys named kbench… are not ECharts': the script reads them (axis and
// tooltip formats) and removes them before setOption.

// chart is one chart of the HTML report: a DOM id, a heading, a sentence
// saying what it shows, and its ECharts option.
type chart struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Note   string   `json:"note,omitempty"`
	Option ecOption `json:"option"`
}

type ecOption struct {
	Animation bool        `json:"animation"`
	Color     []string    `json:"color,omitempty"`
	Title     []ecTitle   `json:"title,omitempty"`
	Legend    *ecLegend   `json:"legend,omitempty"`
	Tooltip   ecTooltip   `json:"tooltip"`
	Grid      []ecGrid    `json:"grid"`
	XAxis     []ecAxis    `json:"xAxis"`
	YAxis     []ecAxis    `json:"yAxis"`
	Series    []*ecSeries `json:"series"`
}

type ecTitle struct {
	Text      string         `json:"text"`
	Left      string         `json:"left,omitempty"`
	Top       string         `json:"top,omitempty"`
	TextStyle map[string]any `json:"textStyle,omitempty"`
}

type ecLegend struct {
	Top  string `json:"top,omitempty"`
	Type string `json:"type,omitempty"`
}

type ecTooltip struct {
	Trigger string `json:"trigger"`
	// Format is how the script writes values: see ecAxis.Format.
	Format string `json:"kbenchFormat,omitempty"`
	// XFormat is how the script writes the x value heading the tooltip.
	XFormat string `json:"kbenchXFormat,omitempty"`
}

type ecGrid struct {
	Left         string `json:"left,omitempty"`
	Right        string `json:"right,omitempty"`
	Top          string `json:"top,omitempty"`
	Bottom       string `json:"bottom,omitempty"`
	Width        string `json:"width,omitempty"`
	ContainLabel bool   `json:"containLabel"`
}

// Axis formats the page's script knows (ecAxis.Format, ecTooltip.Format).
const (
	fmtSeconds    = "s"          // seconds since the run start
	fmtMillis     = "ms"         // a latency in milliseconds
	fmtRate       = "rate"       // records per second
	fmtCount      = "count"      // a plain count
	fmtPercentile = "percentile" // 1/(1-p) shown as the percentile p
)

type ecAxis struct {
	Type         string   `json:"type"`
	Name         string   `json:"name,omitempty"`
	NameLocation string   `json:"nameLocation,omitempty"`
	NameGap      int      `json:"nameGap,omitempty"`
	GridIndex    int      `json:"gridIndex"`
	Data         []string `json:"data,omitempty"`
	Min          any      `json:"min,omitempty"`
	Max          any      `json:"max,omitempty"`
	Scale        bool     `json:"scale,omitempty"`
	MinInterval  float64  `json:"minInterval,omitempty"`
	// Format says how the script labels the axis (fmtSeconds, …).
	Format string `json:"kbenchFormat,omitempty"`
}

type ecSeries struct {
	Name       string       `json:"name"`
	Type       string       `json:"type"`
	XAxisIndex int          `json:"xAxisIndex,omitempty"`
	YAxisIndex int          `json:"yAxisIndex,omitempty"`
	ShowSymbol bool         `json:"showSymbol"`
	SymbolSize int          `json:"symbolSize,omitempty"`
	Step       string       `json:"step,omitempty"`
	LineStyle  *ecLineStyle `json:"lineStyle,omitempty"`
	BarGap     string       `json:"barGap,omitempty"`
	BarMaxW    int          `json:"barMaxWidth,omitempty"`
	MarkArea   *ecMarkArea  `json:"markArea,omitempty"`
	MarkLine   *ecMarkLine  `json:"markLine,omitempty"`
	Data       []point      `json:"data"`
}

type ecLineStyle struct {
	Type  string  `json:"type,omitempty"`
	Width float64 `json:"width,omitempty"`
}

// ecMarkArea shades x ranges (the warmup, disruptions).
type ecMarkArea struct {
	Silent    bool               `json:"silent"`
	ItemStyle map[string]any     `json:"itemStyle,omitempty"`
	Label     map[string]any     `json:"label,omitempty"`
	Data      [][2]ecMarkAreaEnd `json:"data"`
}

type ecMarkAreaEnd struct {
	Name      string         `json:"name,omitempty"`
	XAxis     float64        `json:"xAxis"`
	ItemStyle map[string]any `json:"itemStyle,omitempty"`
}

// ecMarkLine draws horizontal lines (a group's maximum lag).
type ecMarkLine struct {
	Silent bool           `json:"silent"`
	Symbol string         `json:"symbol"`
	Label  map[string]any `json:"label,omitempty"`
	Data   []ecMarkLineAt `json:"data"`
}

type ecMarkLineAt struct {
	Name  string  `json:"name"`
	YAxis float64 `json:"yAxis"`
}

// num is a chart value that may be missing (JSON null: ECharts leaves a
// gap). Values are written with six significant digits.
type num struct {
	v  float64
	ok bool
}

func some(v float64) num { return num{v: v, ok: !math.IsNaN(v) && !math.IsInf(v, 0)} }

var none = num{}

// MarshalJSON writes the value, or null when missing.
func (n num) MarshalJSON() ([]byte, error) {
	if !n.ok {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, n.v, 'g', 6, 64), nil
}

// point is one datum of a series: [x, y] on a value or log x axis, or y
// alone on a category axis.
type point struct {
	x, y     num
	category bool
}

func xy(x, y num) point { return point{x: x, y: y} }
func cat(y num) point   { return point{y: y, category: true} }

// MarshalJSON writes [x, y], or y alone for a category axis.
func (p point) MarshalJSON() ([]byte, error) {
	if p.category {
		return json.Marshal(p.y)
	}
	return json.Marshal([2]num{p.x, p.y})
}
