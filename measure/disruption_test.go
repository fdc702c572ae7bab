package measure

import (
	"reflect"
	"testing"
)

func TestFindDisruptions(t *testing.T) {
	iv := func(start float64, target float64, acked, errors, p99 int64) Interval {
		return Interval{StartS: start, LengthS: 1, TargetRate: target, Acked: acked, Errors: errors, ProduceP99US: p99}
	}
	tests := []struct {
		name string
		tl   []Interval
		want []Disruption
	}{
		{"steady", []Interval{iv(0, 1000, 1000, 0, 2000), iv(1, 1000, 990, 0, 2500), iv(2, 1000, 1010, 0, 2100)}, nil},
		{"errors", []Interval{iv(0, 1000, 1000, 0, 2000), iv(1, 1000, 900, 3, 2000), iv(2, 1000, 1000, 0, 2000)},
			[]Disruption{{StartS: 1, EndS: 2, Errors: 3, MinAckRate: 900, MaxProduceP99US: 2000, Reasons: []string{"errors"}}}},
		{"broker down: throughput then latency, merged", []Interval{
			iv(0, 1000, 1000, 0, 2000), iv(1, 1000, 100, 0, 900_000), iv(2, 1000, 2500, 0, 400_000),
			iv(3, 1000, 1000, 0, 2000), iv(4, 1000, 1000, 0, 2000)},
			[]Disruption{{StartS: 1, EndS: 3, MinAckRate: 100, MaxProduceP99US: 900_000, Reasons: []string{"throughput", "latency"}}}},
		{"latency under the floor is not a disruption", []Interval{iv(0, 0, 1000, 0, 1000), iv(1, 0, 1000, 0, 40_000), iv(2, 0, 1000, 0, 1000)}, nil},
		{"unlimited rate judges no throughput", []Interval{iv(0, 0, 10, 0, 1000), iv(1, 0, 5, 0, 1000)}, nil},
		{"drain intervals with no target are fine", []Interval{iv(0, 1000, 1000, 0, 1000), {StartS: 1, LengthS: 1}}, nil},
		{"two separate windows", []Interval{iv(0, 1000, 0, 5, 0), iv(1, 1000, 1000, 0, 1000), iv(2, 1000, 1000, 2, 1000)},
			[]Disruption{
				{StartS: 0, EndS: 1, Errors: 5, MinAckRate: 0, Reasons: []string{"errors", "throughput"}},
				{StartS: 2, EndS: 3, Errors: 2, MinAckRate: 1000, MaxProduceP99US: 1000, Reasons: []string{"errors"}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findDisruptions(tt.tl)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
