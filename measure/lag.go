package measure

// GroupLag is one consumer group's lag on one topic over the run: how many
// records were on the log and not yet committed by the group (log end
// offset − committed offset, summed over the partitions that had a
// commit), sampled every report interval.
type GroupLag struct {
	Group string `json:"group"`
	Topic string `json:"topic"`
	// Max is the largest total lag sampled.
	Max int64 `json:"max"`
	// Final is the last sample's total lag (after the drain).
	Final int64 `json:"final"`
	// MaxPartition is the largest lag of one partition sampled.
	MaxPartition int64 `json:"max_partition"`
	// Samples counts successful lag samples.
	Samples int `json:"samples"`
}

type lagState struct {
	GroupLag
	current int64
}

// RecordLag records one lag sample of a group on a topic: total over its
// partitions and the largest single partition's. Safe for concurrent use.
func (c *Collector) RecordLag(group, topic string, total, maxPartition int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var st *lagState
	for _, l := range c.lags {
		if l.Group == group && l.Topic == topic {
			st = l
			break
		}
	}
	if st == nil {
		st = &lagState{GroupLag: GroupLag{Group: group, Topic: topic}}
		c.lags = append(c.lags, st)
	}
	st.Samples++
	st.current = total
	st.Final = total
	st.Max = max(st.Max, total)
	st.MaxPartition = max(st.MaxPartition, maxPartition)
}

// currentLag sums the latest samples of every group, -1 without any.
// c.mu must be held.
func (c *Collector) currentLag() int64 {
	if len(c.lags) == 0 {
		return -1
	}
	var sum int64
	for _, l := range c.lags {
		sum += l.current
	}
	return sum
}

func (c *Collector) lagResult() []GroupLag {
	var out []GroupLag
	for _, l := range c.lags {
		out = append(out, l.GroupLag)
	}
	return out
}
