package report

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/HdrHistogram/hdrhistogram-go"

	"github.com/kbench/kbench/measure"
)

// overTimePercentiles are the percentiles drawn over time, with the
// interval's maximum after them.
var overTimePercentiles = []struct {
	name string
	p    float64
}{{"p50", 50}, {"p90", 90}, {"p99", 99}, {"p99.9", 99.9}}

// intervalLatency is one latency's percentiles over a run's timeline, read
// from the interval log: values[k][i] is statistic k (the
// overTimePercentiles, then the maximum) of timeline interval i in
// milliseconds, missing where the interval had no samples.
type intervalLatency struct {
	values [][]num
}

// intervalLatencies is what the interval log says about each latency of a
// run, by tag (produce, e2e).
type intervalLatencies struct {
	byTag map[string]*intervalLatency
	// unmatched counts logged histograms that fall in no interval of the
	// timeline.
	unmatched int
}

// readIntervalLatencies reads an HdrHistogram interval log as kbench
// writes it (intervals.hlog) with hdrhistogram-go's log reader and places
// each produce and e2e histogram in the interval of r's timeline that
// starts when it does. Histograms of other tags are skipped; two of one
// tag in one interval are merged.
func readIntervalLatencies(in io.Reader, r *measure.Result) (*intervalLatencies, error) {
	br := bufio.NewReader(in)
	head, hdr, err := readLogHeader(br)
	if err != nil {
		return nil, err
	}
	lr := hdrhistogram.NewHistogramLogReader(io.MultiReader(bytes.NewReader(head), br))
	merged := map[string][]*hdrhistogram.Histogram{}
	out := &intervalLatencies{byTag: map[string]*intervalLatency{}}
	for n := 1; ; n++ {
		h, err := lr.NextIntervalHistogram()
		if err != nil {
			return nil, fmt.Errorf("histogram %d: %w", n, err)
		}
		if h == nil {
			break
		}
		tag := h.Tag()
		if tag != "produce" && tag != "e2e" {
			continue
		}
		i, ok := intervalAt(r.Timeline, hdr.sinceStart(h.StartTimeMs(), r))
		if !ok {
			out.unmatched++
			continue
		}
		hs := merged[tag]
		if hs == nil {
			hs = make([]*hdrhistogram.Histogram, len(r.Timeline))
			merged[tag] = hs
		}
		if hs[i] == nil {
			hs[i] = h
		} else {
			hs[i].Merge(h)
		}
	}
	for tag, hs := range merged {
		il := &intervalLatency{values: make([][]num, len(overTimePercentiles)+1)}
		for k := range il.values {
			il.values[k] = make([]num, len(hs))
		}
		for i, h := range hs {
			if h == nil || h.TotalCount() == 0 {
				continue
			}
			for k, p := range overTimePercentiles {
				il.values[k][i] = some(float64(h.ValueAtPercentile(p.p)) / 1e6)
			}
			il.values[len(overTimePercentiles)][i] = some(float64(h.Max()) / 1e6)
		}
		out.byTag[tag] = il
	}
	return out, nil
}

// logHeader is what an interval log's header says about its time stamps:
// its BaseTime and StartTime lines, in seconds since the epoch, each
// missing if absent, and whether the first histogram's time stamp is
// absolute (seconds since the epoch) rather than relative.
type logHeader struct {
	base, start num
	absolute    bool
}

// oneYear is where time stamps turn absolute: a log's first time stamp
// above this many seconds is taken as seconds since the epoch, as the log
// reader does.
const oneYear = 365 * 24 * 3600.0

// sinceStart turns a histogram's start time as the log reader gives it
// (base time + logged time stamp, in ms) back into seconds since the run
// start. kbench logs time stamps relative to the run start and writes a
// BaseTime line, which the reader adds. Without one, the reader adds the
// StartTime to relative stamps (or nothing, without a StartTime either),
// and absolute stamps are measured from the result's start.
func (h logHeader) sinceStart(readerMs int64, r *measure.Result) float64 {
	t := float64(readerMs) / 1e3
	switch {
	case h.base.ok:
		return t - h.base.v
	case h.absolute:
		return t - float64(r.Start.UnixNano())/1e9
	case h.start.ok:
		return t - h.start.v
	}
	return t
}

// readLogHeader reads the comment and legend lines that open an interval
// log, returning them (and the first line after them) to be read again,
// and the times they declare.
func readLogHeader(br *bufio.Reader) ([]byte, logHeader, error) {
	var head []byte
	var hdr logHeader
	for {
		line, err := br.ReadBytes('\n')
		head = append(head, line...)
		for _, f := range []struct {
			prefix string
			to     *num
		}{{"#[BaseTime: ", &hdr.base}, {"#[StartTime: ", &hdr.start}} {
			if !bytes.HasPrefix(line, []byte(f.prefix)) {
				continue
			}
			fields := bytes.Fields(line[len(f.prefix):])
			if len(fields) == 0 {
				continue
			}
			v, perr := strconv.ParseFloat(string(bytes.TrimSuffix(fields[0], []byte("]"))), 64)
			if perr != nil {
				return nil, logHeader{}, fmt.Errorf("%s line %q: %w", strings.Trim(f.prefix, "#[: "),
					bytes.TrimSpace(line), perr)
			}
			*f.to = some(v)
		}
		if errors.Is(err, io.EOF) {
			return head, hdr, nil
		}
		if err != nil {
			return nil, logHeader{}, err
		}
		if len(line) > 0 && line[0] != '#' && line[0] != '"' {
			// The first histogram: "[Tag=name,]start,length,max,payload".
			if bytes.HasPrefix(line, []byte("Tag=")) {
				_, line, _ = bytes.Cut(line, []byte(","))
			}
			stamp, _, _ := bytes.Cut(line, []byte(","))
			if v, perr := strconv.ParseFloat(string(stamp), 64); perr == nil {
				hdr.absolute = v > oneYear
			}
			return head, hdr, nil
		}
	}
}

// matchTolerance is how far, in seconds, a logged interval's start may be
// from the timeline's: log time stamps are whole milliseconds, and report
// intervals are at least 100ms apart.
const matchTolerance = 0.010

// intervalAt finds the timeline interval starting nearest t seconds from
// the run start, if one starts within matchTolerance of it.
func intervalAt(tl []measure.Interval, t float64) (int, bool) {
	i := sort.Search(len(tl), func(i int) bool { return tl[i].StartS >= t })
	best, dist := -1, math.Inf(1)
	for _, j := range []int{i - 1, i} {
		if j >= 0 && j < len(tl) && math.Abs(tl[j].StartS-t) < dist {
			best, dist = j, math.Abs(tl[j].StartS-t)
		}
	}
	if best < 0 || dist > matchTolerance {
		return 0, false
	}
	return best, true
}
