package runner

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kbench/kbench/internal/recordmatch"
	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/recordid"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/verify"
)

// groupTracker follows which partitions a consumer group's instances own,
// to tell when the group is ready to read every record of the run.
type groupTracker struct {
	partitions, instances int

	mu    sync.Mutex
	owned map[int]map[int32]bool // instance → partitions
}

func newGroupTracker(partitions, instances int) *groupTracker {
	return &groupTracker{partitions: partitions, instances: instances, owned: map[int]map[int32]bool{}}
}

func (g *groupTracker) assigned(inst int, ps []int32) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.owned[inst] == nil {
		g.owned[inst] = map[int32]bool{}
	}
	for _, p := range ps {
		g.owned[inst][p] = true
	}
}

func (g *groupTracker) revoked(inst int, ps []int32) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range ps {
		delete(g.owned[inst], p)
	}
}

// ready reports whether every partition is owned and every instance that
// can own a partition owns one.
func (g *groupTracker) ready() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	all := map[int32]bool{}
	busy := 0
	for _, ps := range g.owned {
		if len(ps) > 0 {
			busy++
		}
		for p := range ps {
			all[p] = true
		}
	}
	return len(all) >= g.partitions && busy >= min(g.instances, g.partitions)
}

// consumerInstance is one member of a scenario consumer's group.
type consumerInstance struct {
	name  string
	runID uint64
	cl    *kgo.Client
	group *groupTracker
	shard atomic.Pointer[measure.ConsumerShard]
	// ready is set once producing starts; records polled before are
	// skipped (they cannot belong to this run).
	ready   atomic.Bool
	clk     clock
	errors  atomic.Int64
	lastErr atomic.Value
	// vrec feeds the group's verification; used only by run.
	vrec *verify.Recorder
	// pipe ties output records to input records when the consumer reads
	// a pipeline's output; nil otherwise.
	pipe *recordmatch.Reader
	// dec decodes values of schema data sets (shared by the group); nil
	// for other topics.
	dec *groupDecoder
}

func newConsumerInstance(r *run, c *scenarios.Consumer, i int, g *groupTracker, from time.Time) (*consumerInstance, error) {
	ci := &consumerInstance{name: fmt.Sprintf("%s#%d", c.Name, i), runID: r.runID, group: g}
	if r.sc.ReadsPipelineOutput(c) {
		ci.pipe = recordmatch.NewReader(r.sc.Pipeline)
	}
	var opts []kgo.Opt
	lagInterval := r.sc.Report.Interval
	if lagInterval <= 0 {
		lagInterval = time.Second
	}
	opts = append(opts,
		// Commit as often as lag is sampled, so the lag kbench reports
		// (from committed offsets, as any monitoring sees it) is fresh.
		kgo.AutoCommitInterval(lagInterval),
		kgo.ConsumeStartOffset(kgo.NewOffset().AfterMilli(from.UnixMilli())),
		kgo.OnPartitionsAssigned(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			g.assigned(i, m[c.Topic])
		}),
		kgo.OnPartitionsRevoked(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			g.revoked(i, m[c.Topic])
		}),
		kgo.OnPartitionsLost(func(_ context.Context, _ *kgo.Client, m map[string][]int32) {
			g.revoked(i, m[c.Topic])
		}),
	)
	own := append(consumerOpts(c), opts...)
	cl, err := kgo.NewClient(r.clientOpts(clientID(r.sc, "consumer-"+c.Name), own...)...)
	if err != nil {
		return nil, err
	}
	ci.cl = cl
	return ci, nil
}

func (c *consumerInstance) run(ctx context.Context) {
	for {
		fs := c.cl.PollFetches(ctx)
		if ctx.Err() != nil || fs.IsClientClosed() {
			return
		}
		fs.EachError(func(topic string, p int32, err error) {
			c.errors.Add(1)
			c.lastErr.Store(fmt.Sprintf("%s[%d]: %v", topic, p, err))
		})
		shard := c.shard.Load()
		if shard == nil || !c.ready.Load() {
			continue
		}
		now := c.clk.now()
		var session verify.ConsumerRef
		if c.vrec != nil {
			session.Member, session.Generation = c.cl.GroupMetadata()
		}
		fs.EachRecord(func(rec *kgo.Record) {
			if c.pipe != nil {
				c.consumedOutput(shard, session, rec, now)
				return
			}
			for _, h := range rec.Headers {
				if h.Key != recordid.HeaderKey {
					continue
				}
				id, err := recordid.Decode(h.Value)
				if err != nil {
					break
				}
				if c.vrec != nil {
					c.vrec.Consumed(session, rec.Partition, rec.Offset, id, recordid.Checksum(rec.Value), now)
				}
				if id.RunID == c.runID {
					shard.Consumed(id.Intended, id.Sent, now, len(rec.Key)+len(rec.Value))
					if c.dec != nil {
						c.dec.decode(rec.Value)
					}
				} else {
					shard.Foreign()
				}
				return
			}
			if c.vrec != nil {
				c.vrec.Unidentified(session, rec.Partition, rec.Offset)
			}
			shard.Foreign()
		})
		if c.vrec != nil {
			// Keeps the verifier's count of delivered records current
			// for the drain: one lock per poll, not per record.
			c.vrec.Flush()
		}
	}
}

// consumedOutput handles a record of a pipeline's output.
func (c *consumerInstance) consumedOutput(shard *measure.ConsumerShard, session verify.ConsumerRef, rec *kgo.Record, now int64) {
	id, sum, ok := c.pipe.Identify(rec)
	if !ok {
		if c.vrec != nil {
			c.vrec.Unidentified(session, rec.Partition, rec.Offset)
		}
		shard.Foreign()
		return
	}
	if c.vrec != nil {
		if rec.Key == nil {
			// No key, no key order to keep.
			c.vrec.Consumed(session, rec.Partition, rec.Offset, id, sum, now)
		} else {
			c.vrec.ConsumedKey(session, rec.Partition, rec.Offset, id, sum, recordmatch.KeyHash(rec.Key), now)
		}
	}
	if id.RunID == c.runID {
		shard.Consumed(id.Intended, id.Sent, now, len(rec.Key)+len(rec.Value))
	} else {
		shard.Foreign()
	}
}

func (c *consumerInstance) close() {
	// Leave the group promptly so a rerun with the same group does not
	// wait for this member's session to expire.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.cl.LeaveGroupContext(ctx)
	c.cl.Close()
}
