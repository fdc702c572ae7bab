package report

import (
	"bytes"
	"fmt"

	"github.com/kbench/kbench/measure"
)

// Hgrm renders a latency distribution as an HdrHistogram percentile
// distribution (.hgrm) in milliseconds, the format the HdrHistogram plotter
// reads.
func Hgrm(l measure.Latency) ([]byte, error) {
	if l.Histogram == "" {
		return nil, fmt.Errorf("no histogram")
	}
	h, err := measure.DecodeHistogram(l.Histogram)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := h.PercentilesPrint(&b, 5, 1e6); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
