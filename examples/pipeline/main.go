// Command pipeline is a reference consume-transform-produce service: it
// reads records from an input topic, copies each one (key, value and
// headers, including kbench's identity header) to an output topic, and
// commits its progress — either at least once or exactly once.
//
// It exists to show what kbench's pipeline verification catches. Kill it
// mid-run (SIGKILL, or SIGTERM with -abandon) and start it again:
//
//   - at-least-once commits consumer offsets after the copies are
//     acknowledged, so records copied since the last commit are copied again:
//     kbench reports duplicates, and no loss.
//   - exactly-once copies inside Kafka transactions that also commit the
//     consumer offsets (franz-go's GroupTransactSession); a read_committed
//     reader of the output sees every record once: kbench reports neither
//     duplicates nor losses.
//
// Usage:
//
//	go run ./examples/pipeline -brokers 127.0.0.1:9092 -in orders -out orders-copy -mode exactly-once
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Processing modes.
const (
	AtLeastOnce = "at-least-once"
	ExactlyOnce = "exactly-once"
)

type config struct {
	brokers         []string
	in, out, group  string
	mode            string
	txnID           string
	commitEvery     time.Duration
	abandonOnSignal bool
	maxPollRecords  int
	sessionTimeout  time.Duration
	txnTimeout      time.Duration
}

func main() {
	var cfg config
	brokers := flag.String("brokers", os.Getenv("KBENCH_BROKERS"), "comma-separated seed brokers (default $KBENCH_BROKERS)")
	flag.StringVar(&cfg.in, "in", "", "input topic")
	flag.StringVar(&cfg.out, "out", "", "output topic")
	flag.StringVar(&cfg.group, "group", "", "consumer group (default pipeline-<in>-<out>)")
	flag.StringVar(&cfg.mode, "mode", AtLeastOnce, "at-least-once or exactly-once")
	flag.StringVar(&cfg.txnID, "transactional-id", "", "transactional id for exactly-once (default pipeline-<in>-<out>)")
	flag.DurationVar(&cfg.commitEvery, "commit-every", 100*time.Millisecond, "how often progress is committed")
	flag.IntVar(&cfg.maxPollRecords, "max-poll-records", 2000, "records handled per poll")
	flag.DurationVar(&cfg.txnTimeout, "transaction-timeout", 10*time.Second, "exactly-once: how long the broker keeps a crashed instance's open transaction before aborting it")
	flag.DurationVar(&cfg.sessionTimeout, "session-timeout", 10*time.Second, "group session timeout: how soon a crashed instance's partitions move")
	flag.BoolVar(&cfg.abandonOnSignal, "abandon", false, "on SIGTERM/SIGINT exit at once without committing (a crash that still closes sockets)")
	flag.Parse()
	for _, b := range strings.Split(*brokers, ",") {
		if b = strings.TrimSpace(b); b != "" {
			cfg.brokers = append(cfg.brokers, b)
		}
	}
	if len(cfg.brokers) == 0 || cfg.in == "" || cfg.out == "" {
		fmt.Fprintln(os.Stderr, "pipeline: -brokers, -in and -out are required")
		flag.Usage()
		os.Exit(2)
	}
	if cfg.group == "" {
		cfg.group = "pipeline-" + cfg.in + "-" + cfg.out
	}
	if cfg.txnID == "" {
		cfg.txnID = "pipeline-" + cfg.in + "-" + cfg.out
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if cfg.abandonOnSignal {
		go func() {
			<-ctx.Done()
			log.Printf("pipeline: abandoning without committing")
			os.Exit(1)
		}()
	}
	var err error
	switch cfg.mode {
	case AtLeastOnce:
		err = runAtLeastOnce(ctx, cfg)
	case ExactlyOnce:
		err = runExactlyOnce(ctx, cfg)
	default:
		err = fmt.Errorf("unknown -mode %q (want %s or %s)", cfg.mode, AtLeastOnce, ExactlyOnce)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		log.Fatalf("pipeline: %v", err)
	}
}

// transform copies a consumed record to the output topic. A real service
// would enrich or filter here; kbench's identity header must survive.
func transform(r *kgo.Record, out string) *kgo.Record {
	return &kgo.Record{Topic: out, Key: r.Key, Value: r.Value, Headers: r.Headers}
}

// runAtLeastOnce copies records and commits the input offsets only after
// every copy up to them is acknowledged: a crash repeats the work since
// the last commit, never loses it.
func runAtLeastOnce(ctx context.Context, cfg config) error {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(cfg.brokers...),
		kgo.ConsumerGroup(cfg.group),
		kgo.ConsumeTopics(cfg.in),
		kgo.DisableAutoCommit(),
		kgo.SessionTimeout(cfg.sessionTimeout),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.ClientID("kbench-pipeline"),
	)
	if err != nil {
		return err
	}
	defer cl.Close()
	log.Printf("pipeline: %s %s -> %s (group %s)", AtLeastOnce, cfg.in, cfg.out, cfg.group)
	lastCommit := time.Now()
	for {
		// Poll at most until the next commit is due, so that progress is
		// committed when the input goes quiet too.
		pctx, cancel := context.WithTimeout(ctx, cfg.commitEvery)
		fs := cl.PollRecords(pctx, cfg.maxPollRecords)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := fs.Err0(); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		fs.EachRecord(func(r *kgo.Record) {
			cl.Produce(ctx, transform(r, cfg.out), nil)
		})
		if time.Since(lastCommit) >= cfg.commitEvery {
			// Flush waits for every copy so far; only then are the input
			// offsets of what was polled committed.
			if err := cl.Flush(ctx); err != nil {
				return err
			}
			if err := cl.CommitUncommittedOffsets(ctx); err != nil {
				return err
			}
			lastCommit = time.Now()
		}
	}
}

// runExactlyOnce copies records inside transactions that also commit the
// input offsets, so output and progress move together or not at all.
func runExactlyOnce(ctx context.Context, cfg config) error {
	sess, err := kgo.NewGroupTransactSession(
		kgo.SeedBrokers(cfg.brokers...),
		kgo.ConsumerGroup(cfg.group),
		kgo.ConsumeTopics(cfg.in),
		kgo.TransactionalID(cfg.txnID),
		kgo.TransactionTimeout(cfg.txnTimeout),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.RequireStableFetchOffsets(),
		kgo.SessionTimeout(cfg.sessionTimeout),
		kgo.ProducerLinger(5*time.Millisecond),
		kgo.ClientID("kbench-pipeline"),
	)
	if err != nil {
		return err
	}
	defer sess.Close()
	log.Printf("pipeline: %s %s -> %s (group %s, transactional id %s)", ExactlyOnce, cfg.in, cfg.out, cfg.group, cfg.txnID)
	for {
		fs := sess.PollRecords(ctx, cfg.maxPollRecords)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := fs.Err0(); err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if fs.NumRecords() == 0 {
			continue
		}
		if err := sess.Begin(); err != nil {
			return err
		}
		var failed atomic.Bool
		fs.EachRecord(func(r *kgo.Record) {
			sess.Produce(ctx, transform(r, cfg.out), func(_ *kgo.Record, err error) {
				if err != nil {
					failed.Store(true)
				}
			})
		})
		// Wait for every copy, so that a failed one aborts the transaction
		// (its input records are then polled again).
		if err := sess.Client().Flush(ctx); err != nil {
			return err
		}
		commit := kgo.TryCommit
		if failed.Load() {
			commit = kgo.TryAbort
		}
		committed, err := sess.End(ctx, commit)
		if err != nil {
			return err
		}
		if !committed {
			log.Printf("pipeline: transaction aborted (records will be reprocessed)")
		}
	}
}
