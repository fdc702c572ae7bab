package measure

import (
	"fmt"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Histogram bounds. Latencies are recorded in nanoseconds, the unit the
// HdrHistogram tools assume for interval logs, with 3 significant digits
// from 1µs to 1h. Larger values are clamped to the highest trackable value
// (and counted), smaller ones to the lowest.
const (
	histLowest  = int64(1_000)
	histHighest = int64(3_600_000_000_000)
	histDigits  = 3
)

// NewHistogram returns an empty latency histogram with kbench's bounds.
func NewHistogram() *hdrhistogram.Histogram {
	return hdrhistogram.New(histLowest, histHighest, histDigits)
}

// record adds one latency in nanoseconds, clamped to the histogram range.
func record(h *hdrhistogram.Histogram, ns int64) {
	if ns < 0 {
		ns = 0
	}
	if ns > histHighest {
		ns = histHighest
	}
	_ = h.RecordValue(ns) // cannot fail: the value is in range
}

// EncodeHistogram returns the histogram in the compressed, base64 V2 form
// used by HdrHistogram interval logs; DecodeHistogram reads it back.
func EncodeHistogram(h *hdrhistogram.Histogram) (string, error) {
	b, err := h.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// DecodeHistogram parses a histogram written by EncodeHistogram.
func DecodeHistogram(s string) (*hdrhistogram.Histogram, error) {
	h, err := hdrhistogram.Decode([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("histogram: %w", err)
	}
	return h, nil
}

// Latency summarises one latency distribution. Times are microseconds. The
// full distribution travels in Histogram so results merge exactly.
type Latency struct {
	Count  int64   `json:"count"`
	MinUS  int64   `json:"min_us"`
	MeanUS float64 `json:"mean_us"`
	P50US  int64   `json:"p50_us"`
	P75US  int64   `json:"p75_us"`
	P90US  int64   `json:"p90_us"`
	P95US  int64   `json:"p95_us"`
	P99US  int64   `json:"p99_us"`
	P999US int64   `json:"p999_us"`
	// P9999US is the 99.99th percentile.
	P9999US int64 `json:"p9999_us"`
	MaxUS   int64 `json:"max_us"`
	// Histogram is the compressed base64 HdrHistogram (V2 encoding) of the
	// latencies in nanoseconds.
	Histogram string `json:"histogram,omitempty"`
}

// Summarize computes the summary of h, including its encoded form.
func Summarize(h *hdrhistogram.Histogram) (Latency, error) {
	if h.TotalCount() == 0 {
		return Latency{}, nil
	}
	q := h.ValueAtPercentilesSlice([]float64{50, 75, 90, 95, 99, 99.9, 99.99})
	enc, err := EncodeHistogram(h)
	if err != nil {
		return Latency{}, err
	}
	us := func(ns int64) int64 { return ns / 1000 }
	return Latency{
		Count:     h.TotalCount(),
		MinUS:     us(h.Min()),
		MeanUS:    h.Mean() / 1000,
		P50US:     us(q[0]),
		P75US:     us(q[1]),
		P90US:     us(q[2]),
		P95US:     us(q[3]),
		P99US:     us(q[4]),
		P999US:    us(q[5]),
		P9999US:   us(q[6]),
		MaxUS:     us(h.Max()),
		Histogram: enc,
	}, nil
}

// Stat returns the named statistic (p50, p75, p90, p95, p99, p999, p9999,
// min, max, mean) in nanoseconds, and false for an unknown name.
func (l Latency) Stat(name string) (float64, bool) {
	var us float64
	switch name {
	case "p50":
		us = float64(l.P50US)
	case "p75":
		us = float64(l.P75US)
	case "p90":
		us = float64(l.P90US)
	case "p95":
		us = float64(l.P95US)
	case "p99":
		us = float64(l.P99US)
	case "p999":
		us = float64(l.P999US)
	case "p9999":
		us = float64(l.P9999US)
	case "min":
		us = float64(l.MinUS)
	case "max":
		us = float64(l.MaxUS)
	case "mean":
		us = l.MeanUS
	default:
		return 0, false
	}
	return us * 1000, true
}
