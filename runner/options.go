package runner

import (
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/scenarios"
)

// commonOpts are the client options every kbench client of the run
// shares: seeds, security, timeouts, then the caller's own options. A
// client with options of its own adds them with clientOpts instead, so that
// the caller's still come last.
func (r *run) commonOpts(clientID string) []kgo.Opt {
	return r.clientOpts(clientID)
}

// clientOpts are commonOpts with own (a producer's or consumer's options)
// inserted before the caller's options, which override kbench's.
func (r *run) clientOpts(clientID string, own ...kgo.Opt) []kgo.Opt {
	c := r.sc.Cluster
	opts := []kgo.Opt{
		kgo.SeedBrokers(r.brokers...),
		kgo.ClientID(clientID),
	}
	opts = append(opts, r.security...)
	if c.DialTimeout > 0 {
		opts = append(opts, kgo.DialTimeout(c.DialTimeout))
	}
	if c.RequestTimeoutOverhead > 0 {
		opts = append(opts, kgo.RequestTimeoutOverhead(c.RequestTimeoutOverhead))
	}
	if c.MetadataMaxAge > 0 {
		opts = append(opts, kgo.MetadataMaxAge(c.MetadataMaxAge))
	}
	if r.opts.ClientHooks != nil {
		if hooks := r.opts.ClientHooks(r.clientName(clientID)); len(hooks) > 0 {
			opts = append(opts, kgo.WithHooks(hooks...))
		}
	}
	opts = append(opts, own...)
	return append(opts, r.opts.ClientOpts...)
}

// producerOpts maps a scenario producer onto franz-go options. Records
// that cannot be delivered within deliveryTimeout fail with the cause
// (franz-go would otherwise retry forever).
func producerOpts(p *scenarios.Producer, deliveryTimeout time.Duration) ([]kgo.Opt, error) {
	opts := []kgo.Opt{kgo.RecordDeliveryTimeout(deliveryTimeout)}
	switch p.Acks {
	case scenarios.AcksAll, "":
		opts = append(opts, kgo.RequiredAcks(kgo.AllISRAcks()))
	case scenarios.AcksLeader:
		opts = append(opts, kgo.RequiredAcks(kgo.LeaderAck()))
	case scenarios.AcksNone:
		opts = append(opts, kgo.RequiredAcks(kgo.NoAck()))
	default:
		return nil, fmt.Errorf("producer %s: unknown acks %q", p.Name, p.Acks)
	}
	if !p.Idempotent {
		opts = append(opts, kgo.DisableIdempotentWrite())
		if p.MaxInFlight > 0 {
			opts = append(opts, kgo.MaxProduceRequestsInflightPerBroker(p.MaxInFlight))
		}
	}
	codec, err := compression(p.Compression)
	if err != nil {
		return nil, fmt.Errorf("producer %s: %w", p.Name, err)
	}
	opts = append(opts, kgo.ProducerBatchCompression(codec), kgo.ProducerLinger(p.Linger))
	if p.BatchSize > 0 {
		opts = append(opts, kgo.ProducerBatchMaxBytes(int32(p.BatchSize)))
	}
	if p.MaxBuffered > 0 {
		opts = append(opts, kgo.MaxBufferedRecords(p.MaxBuffered))
	}
	return opts, nil
}

func compression(name string) (kgo.CompressionCodec, error) {
	switch name {
	case "", "none":
		return kgo.NoCompression(), nil
	case "gzip":
		return kgo.GzipCompression(), nil
	case "snappy":
		return kgo.SnappyCompression(), nil
	case "lz4":
		return kgo.Lz4Compression(), nil
	case "zstd":
		return kgo.ZstdCompression(), nil
	}
	return kgo.CompressionCodec{}, fmt.Errorf("unknown compression %q", name)
}

// consumerOpts maps a scenario consumer onto franz-go options.
func consumerOpts(c *scenarios.Consumer) []kgo.Opt {
	opts := []kgo.Opt{
		kgo.ConsumerGroup(c.Group),
		kgo.ConsumeTopics(c.Topic),
	}
	if c.Isolation == scenarios.ReadCommitted {
		opts = append(opts, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	}
	if c.FetchMaxWait > 0 {
		opts = append(opts, kgo.FetchMaxWait(c.FetchMaxWait))
	}
	return opts
}
