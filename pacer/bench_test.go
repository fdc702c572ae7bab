package pacer

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kbench/kbench/scenarios"
)

var accuracyWindow = flag.Duration("pacer.window", 2*time.Second,
	"wall time of each BenchmarkPacerAccuracy sub-benchmark")

// BenchmarkNext measures the cost of one Next per profile at high rates.
func BenchmarkNext(b *testing.B) {
	for _, tc := range []struct {
		name string
		rate scenarios.Rate
	}{
		{"constant", scenarios.Rate{Profile: scenarios.RateConstant, Rate: 1e6}},
		{"ramp", scenarios.Rate{Profile: scenarios.RateRamp, From: 1e5, To: 1e7, Over: time.Hour}},
		{"steps", scenarios.Rate{Profile: scenarios.RateSteps, Steps: steps(1e6, time.Second, 0, time.Second, 2e6, time.Second, 5e5, time.Second)}},
		{"sine", scenarios.Rate{Profile: scenarios.RateSine, Rate: 1e6, Amplitude: 5e5, Period: time.Second}},
		{"spike", scenarios.Rate{Profile: scenarios.RateSpike, Rate: 1e6, Peak: 1e7, At: 10 * time.Millisecond, For: time.Hour}},
		{"poisson", scenarios.Rate{Profile: scenarios.RatePoisson, Rate: 1e6}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			const dur = 1000 * time.Hour
			p, err := New(tc.rate, 1, dur, 1)
			if err != nil {
				b.Fatal(err)
			}
			var sink time.Duration
			for b.Loop() {
				off, ok := p.Next()
				if !ok {
					b.Fatal("pacer ended")
				}
				sink += off
			}
			_ = sink
		})
	}
}

// BenchmarkPacerAccuracy drives the real wait loop (Next, Wait, a no-op
// send) from one goroutine at a constant rate for a fixed wall time
// (-pacer.window, default 2s) whatever b.N is; run it with -benchtime 1x.
// It reports
//
//	achieved/target  records sent within the window / Expected(window)
//	late-mean-µs, late-p99-µs, late-max-µs  lateness of sends (Wait's result)
//	behind-%         sends more than 5ms late (the runner's threshold)
//	cpu-s/s          process CPU (user+sys) per wall second, where measurable
func BenchmarkPacerAccuracy(b *testing.B) {
	for _, rate := range []float64{1e3, 1e4, 1e5} {
		b.Run(fmt.Sprintf("%gk/s", rate/1e3), func(b *testing.B) {
			window := *accuracyWindow
			r := scenarios.Rate{Profile: scenarios.RateConstant, Rate: rate}
			p, err := New(r, 1, window, 1)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			lates := make([]time.Duration, 0, int(Expected(r, 1, window))+1)
			var inWindow, behind int
			cpu0, cpuOK := cpuTime()
			start := time.Now()
			for {
				off, ok := p.Next()
				if !ok {
					break
				}
				late, err := Wait(ctx, start.Add(off))
				if err != nil {
					b.Fatal(err)
				}
				if off+late < window { // the no-op send happens now
					inWindow++
				}
				if late > 5*time.Millisecond {
					behind++
				}
				lates = append(lates, late)
			}
			wall := time.Since(start)
			cpu1, _ := cpuTime()

			slices.Sort(lates)
			var sum time.Duration
			for _, l := range lates {
				sum += l
			}
			us := func(d time.Duration) float64 { return float64(d) / 1e3 }
			n := len(lates)
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(inWindow)/Expected(r, 1, window), "achieved/target")
			b.ReportMetric(us(sum)/float64(n), "late-mean-µs")
			b.ReportMetric(us(lates[n*99/100]), "late-p99-µs")
			b.ReportMetric(us(lates[n-1]), "late-max-µs")
			b.ReportMetric(100*float64(behind)/float64(n), "behind-%")
			if cpuOK {
				b.ReportMetric((cpu1-cpu0).Seconds()/wall.Seconds(), "cpu-s/s")
			}
		})
	}
}
