// Command kbprof runs one kbench scenario against real brokers, as
// `kbench run` does, under Go's CPU profiler (and optionally the block and
// mutex profilers), to see where kbench's own CPU goes. Used by
// bench/peer-producer.sh's profiling notes in docs/BENCHMARKS.md:
//
//	go build -o /tmp/kbprof ./bench/kbprof
//	PEER_TOPIC=t /tmp/kbprof -brokers 127.0.0.1:9092 -cpuprofile cpu.pprof scenario.yaml
//	go tool pprof -top -nodecount 40 /tmp/kbprof cpu.pprof
//
// It writes no result directory; it prints the figures a comparison needs.
//
// With -bare plain (or -bare header) it runs, instead of kbench, a bare
// franz-go loop with the scenario's first producer's client settings,
// handing the client records of the data set's fixed size (distinct random
// values cut in turn from a 16 MiB pool; with "header", plus a header of the
// size of kbench's identity header) as fast as it takes them, for the scenario's duration,
// counting acks of records sent after the warmup. It tells what franz-go
// itself costs on the same broker, apart from kbench's per-record work.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/runner"
	"github.com/kbench/kbench/scenarios"
)

func main() {
	brokers := flag.String("brokers", os.Getenv("KBENCH_BROKERS"), "comma-separated seed brokers (empty: the embedded cluster)")
	cpuProfile := flag.String("cpuprofile", "cpu.pprof", "CPU profile output")
	blockProfile := flag.String("blockprofile", "", "block profile output (off when empty)")
	mutexProfile := flag.String("mutexprofile", "", "mutex profile output (off when empty)")
	bare := flag.String("bare", "", "plain or header: run a bare franz-go loop instead of kbench")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: kbprof [flags] SCENARIO")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *brokers, *cpuProfile, *blockProfile, *mutexProfile, *bare); err != nil {
		fmt.Fprintln(os.Stderr, "kbprof:", err)
		os.Exit(1)
	}
}

func run(file, brokers, cpuProfile, blockProfile, mutexProfile, bare string) error {
	sc, err := scenarios.Load(file)
	if err != nil {
		return err
	}
	var opts runner.Options
	if brokers != "" {
		opts.Brokers = strings.Split(brokers, ",")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if blockProfile != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	}
	if mutexProfile != "" {
		runtime.SetMutexProfileFraction(10)
	}
	f, err := os.Create(cpuProfile)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	var ru0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	if bare != "" {
		acked, rate, err := bareLoop(ctx, sc, opts.Brokers, bare == "header")
		pprof.StopCPUProfile()
		if err != nil {
			return err
		}
		var ru1 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
		fmt.Printf("bare franz-go (%s): acked %d, rate %.0f records/s\n", bare, acked, rate)
		fmt.Printf("CPU %.2f s (user+sys, whole run), %.3f CPU-s per million records\n", cpu.Seconds(), cpu.Seconds()/float64(acked)*1e6)
		return nil
	}
	res, err := runner.Run(ctx, sc, opts)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	var ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	for _, p := range []struct{ name, file string }{{"block", blockProfile}, {"mutex", mutexProfile}} {
		if p.file == "" {
			continue
		}
		pf, err := os.Create(p.file)
		if err != nil {
			return err
		}
		if err := pprof.Lookup(p.name).WriteTo(pf, 0); err != nil {
			pf.Close()
			return err
		}
		pf.Close()
	}
	pr := res.Produce
	fmt.Printf("status %s: acked %d, rate %.0f records/s, %.2f MB/s, raw ack latency p50 %.1f ms p99 %.1f ms, errors %d\n",
		res.Status, pr.Acked, pr.Rate, pr.Throughput/(1<<20),
		float64(pr.LatencyRaw.P50US)/1000, float64(pr.LatencyRaw.P99US)/1000, pr.Errors)
	if pr.Acked > 0 {
		fmt.Printf("CPU %.2f s (user+sys, whole run), %.3f CPU-s per million records\n", cpu.Seconds(), cpu.Seconds()/float64(pr.Acked)*1e6)
	}
	return nil
}

// bareLoop produces pre-built records with the first producer's client
// settings for the scenario's duration and returns the records acknowledged
// and the rate of those sent after the warmup.
func bareLoop(ctx context.Context, sc *scenarios.Scenario, brokers []string, header bool) (int64, float64, error) {
	if len(sc.Producers) == 0 || len(brokers) == 0 {
		return 0, 0, fmt.Errorf("-bare needs a producer and -brokers")
	}
	p := sc.Producers[0]
	data := sc.DataByName(p.Data)
	if data == nil || data.Format != scenarios.FormatBytes || data.Size.Fixed <= 0 {
		return 0, 0, fmt.Errorf("-bare needs a bytes data set of fixed size")
	}
	opts := []kgo.Opt{kgo.SeedBrokers(brokers...), kgo.ProducerLinger(p.Linger),
		kgo.RecordDeliveryTimeout(30 * time.Second)}
	switch p.Acks {
	case scenarios.AcksLeader:
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()))
	case scenarios.AcksNone:
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()))
	default:
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	}
	if !p.Idempotent {
		opts = append(opts, kgo.DisableIdempotentWrite())
		if p.MaxInFlight > 0 {
			opts = append(opts, kgo.MaxProduceRequestsInflightPerBroker(p.MaxInFlight))
		}
	}
	switch p.Compression {
	case "lz4":
		opts = append(opts, kgo.ProducerBatchCompression(kgo.Lz4Compression()))
	case "", "none":
		opts = append(opts, kgo.ProducerBatchCompression(kgo.NoCompression()))
	default:
		return 0, 0, fmt.Errorf("-bare supports lz4 or no compression")
	}
	if p.BatchSize > 0 {
		opts = append(opts, kgo.ProducerBatchMaxBytes(int32(p.BatchSize)))
	}
	if p.MaxBuffered > 0 {
		opts = append(opts, kgo.MaxBufferedRecords(p.MaxBuffered))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return 0, 0, err
	}
	defer cl.Close()

	// Distinct random values, cut one after the other from a 16 MiB pool,
	// so that lz4 finds as little to compress as in kbench's values.
	size := data.Size.Fixed
	pool := make([]byte, 16<<20)
	for i := range pool {
		pool[i] = byte(rand.Uint32())
	}
	off := 0
	tmpl := kgo.Record{Topic: p.Topic}
	var acked, measured atomic.Int64
	warm := func(_ *kgo.Record, err error) {
		if err == nil {
			acked.Add(1)
		}
	}
	meas := func(_ *kgo.Record, err error) {
		if err == nil {
			acked.Add(1)
			measured.Add(1)
		}
	}
	start := time.Now()
	from, end := start.Add(sc.Warmup), start.Add(sc.Duration)
	for i := 0; ctx.Err() == nil; i++ {
		now := time.Now()
		if !now.Before(end) {
			break
		}
		if off+size+recordid.Size > len(pool) {
			off = 0
		}
		r := tmpl // records cannot be reused while in flight
		r.Value = pool[off : off+size]
		off += size
		if header { // random bytes: a little less compressible than kbench's
			r.Headers = []kgo.RecordHeader{{Key: recordid.HeaderKey, Value: pool[off : off+recordid.Size]}}
			off += recordid.Size
		}
		if now.Before(from) {
			cl.Produce(ctx, &r, warm)
		} else {
			cl.Produce(ctx, &r, meas)
		}
	}
	if err := cl.Flush(context.Background()); err != nil {
		return 0, 0, err
	}
	return acked.Load(), float64(measured.Load()) / (sc.Duration - sc.Warmup).Seconds(), nil
}
