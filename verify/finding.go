package verify

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is the kind of a finding. It is written in JSON as its name
// (snake_case), which is stable.
type Kind uint8

// Finding kinds. See docs/verification.md for how each is detected, its
// evidence and its blind spots.
const (
	// KindLost: records acknowledged (and committed, for transactions)
	// that no consumer delivered. Reported at Finish, one finding per
	// stream, with the seq ranges as evidence.
	KindLost Kind = iota
	// KindLostOffsets: the same loss seen per partition: acknowledged
	// offsets no consumer delivered. Evidence for KindLost, not counted
	// again.
	KindLostOffsets
	// KindDuplicateWrite: a record (stream, seq) delivered from a second
	// offset: it was written to the log twice.
	KindDuplicateWrite
	// KindRedelivery: an offset delivered again (after a rebalance, a
	// rewind, or uncommitted offsets): at-least-once behaviour.
	KindRedelivery
	// KindUnexpected: a record of this run whose seq was never
	// acknowledged nor reported failed, or whose stream is unknown.
	KindUnexpected
	// KindForeign: records of another run (another run id).
	KindForeign
	// KindUnidentified: records without a decodable identity header.
	KindUnidentified
	// KindCorrupted: the value's checksum differs from the header's.
	KindCorrupted
	// KindReordered: within a partition, a record of a stream at a later
	// offset than a record of the same stream with a higher seq.
	KindReordered
	// KindPollSkip: within one consumer session on one partition, the
	// consumer jumped over offsets holding acknowledged records.
	KindPollSkip
	// KindNonmonotonicPoll: within one consumer session on one partition,
	// the offset went backwards.
	KindNonmonotonicPoll
	// KindAbortedRead: a read_committed consumer delivered a record of an
	// aborted transaction.
	KindAbortedRead
	// KindPartialTxn: a transaction of which some but not all records
	// were delivered (committed, or with an unknown outcome).
	KindPartialTxn
	// KindLate: delivered more than Config.LateBound after its intended
	// send time.
	KindLate
	// KindKeyReordered: records of one stream with the same key delivered
	// out of seq order, on any partition (Config.KeyOrder): the order a
	// key-preserving pipeline must keep across repartitioning.
	KindKeyReordered

	numKinds
)

var kindNames = [numKinds]string{
	KindLost:             "lost",
	KindLostOffsets:      "lost_offsets",
	KindDuplicateWrite:   "duplicate_write",
	KindRedelivery:       "redelivery",
	KindUnexpected:       "unexpected",
	KindForeign:          "foreign",
	KindUnidentified:     "unidentified",
	KindCorrupted:        "corrupted",
	KindReordered:        "reordered",
	KindPollSkip:         "poll_skip",
	KindNonmonotonicPoll: "nonmonotonic_poll",
	KindAbortedRead:      "aborted_read",
	KindPartialTxn:       "partial_txn",
	KindLate:             "late",
	KindKeyReordered:     "key_reordered",
}

// Kinds lists every finding kind in report order.
func Kinds() []Kind {
	ks := make([]Kind, numKinds)
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

// String returns the kind's name, e.g. "duplicate_write".
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) {
	if k >= numKinds {
		return nil, fmt.Errorf("verify: unknown finding kind %d", k)
	}
	return []byte(kindNames[k]), nil
}

// UnmarshalText reads a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("verify: unknown finding kind %q", b)
}

// ConsumerRef identifies a consumer session: a group member within one
// group generation. Offsets must rise by one within a session (gaps over
// offsets that hold no expected record excepted); a rebalance starts a new
// session. Consumers outside a group use a fixed Member and Generation 0.
type ConsumerRef struct {
	// Member is the group member id (or any name unique per consumer
	// client).
	Member string `json:"member"`
	// Generation is the group generation the member consumed in.
	Generation int32 `json:"generation"`
}

func (c ConsumerRef) String() string {
	if c.Member == "" {
		return "generation " + strconv.Itoa(int(c.Generation))
	}
	return c.Member + " (generation " + strconv.Itoa(int(c.Generation)) + ")"
}

// Finding is one anomaly with its evidence. Consecutive records of the same
// kind in one partition and session are coalesced into one finding.
//
// Not every field applies to every kind (see docs/verification.md):
// Partition, Offset, OffsetHi and OtherOffset are -1 when they do not
// apply, Stream/Seq/SeqHi only when HasSeq is set, and JSON omits what does
// not apply.
type Finding struct {
	Kind Kind
	// Count is the number of records: for poll_skip, the acknowledged
	// records skipped; for partial_txn, the transaction's records that
	// were delivered; for nonmonotonic_poll, 1.
	Count int64
	// HasSeq says whether Stream, Seq and SeqHi apply.
	HasSeq bool
	// Stream and [Seq, SeqHi] are the records' stream and seq range.
	Stream     uint32
	Seq, SeqHi uint64
	// Mixed means the records span several streams or are not in seq
	// order: Stream and Seq name the first record, SeqHi equals Seq.
	Mixed bool
	// Partition and [Offset, OffsetHi] locate the records.
	Partition        int32
	Offset, OffsetHi int64
	// OtherOffset is the related offset: the first copy of a duplicate
	// write (-1 when it is not known), the higher-seq record a reordered
	// record follows, the offset a nonmonotonic poll went back from.
	OtherOffset int64
	// OtherSeq is the higher seq a reordered record follows.
	OtherSeq uint64
	// Consumer is the session that delivered the records; Previous, for a
	// redelivery, the session that delivered them first (nil when not
	// known).
	Consumer ConsumerRef
	Previous *ConsumerRef
	// Intended and Consumed are the first record's intended send time and
	// delivery time (Unix ns); Lateness the largest Consumed − Intended
	// of the finding's records (late only).
	Intended, Consumed, Lateness int64
	// RunID is the other run's id (foreign only).
	RunID uint64
	// HeaderChecksum and ValueChecksum are the checksum the header carries
	// and the one of the delivered value (corrupted only).
	HeaderChecksum, ValueChecksum uint32
	// Ranges lists seq ranges (lost, unexpected and aborted_read found at
	// Finish) or offset ranges (lost_offsets; poll_skip: the skipped
	// acknowledged offsets), at most Config.MaxRanges of them;
	// RangesOmitted counts those left out.
	Ranges        []Range
	RangesOmitted int64
	// Explanation says in one sentence what happened.
	Explanation string
}

// uses reports which optional fields a kind writes.
type fieldSet uint16

const (
	fSeq fieldSet = 1 << iota
	fPart
	fOff
	fOther
	fOtherSeq
	fConsumer
	fTimes
	fRunID
	fChecksums
)

var kindFields = [numKinds]fieldSet{
	KindLost:             fSeq,
	KindLostOffsets:      fPart | fOff,
	KindDuplicateWrite:   fSeq | fPart | fOff | fOther | fConsumer,
	KindRedelivery:       fSeq | fPart | fOff | fConsumer,
	KindUnexpected:       fSeq | fPart | fOff | fConsumer,
	KindForeign:          fPart | fOff | fConsumer | fRunID,
	KindUnidentified:     fPart | fOff | fConsumer,
	KindCorrupted:        fSeq | fPart | fOff | fConsumer | fChecksums,
	KindReordered:        fSeq | fPart | fOff | fOther | fOtherSeq | fConsumer,
	KindPollSkip:         fPart | fOff | fConsumer,
	KindNonmonotonicPoll: fPart | fOff | fOther | fConsumer,
	KindAbortedRead:      fSeq | fPart | fOff | fConsumer,
	KindPartialTxn:       fSeq,
	KindLate:             fSeq | fPart | fOff | fConsumer | fTimes,
	KindKeyReordered:     fSeq | fPart | fOff | fOther | fOtherSeq | fConsumer,
}

type findingJSON struct {
	Kind           Kind         `json:"kind"`
	Count          int64        `json:"count"`
	Stream         *uint32      `json:"stream,omitempty"`
	Seq            *uint64      `json:"seq,omitempty"`
	SeqHi          *uint64      `json:"seq_hi,omitempty"`
	Mixed          bool         `json:"mixed,omitempty"`
	Partition      *int32       `json:"partition,omitempty"`
	Offset         *int64       `json:"offset,omitempty"`
	OffsetHi       *int64       `json:"offset_hi,omitempty"`
	OtherOffset    *int64       `json:"other_offset,omitempty"`
	OtherSeq       *uint64      `json:"other_seq,omitempty"`
	Consumer       *ConsumerRef `json:"consumer,omitempty"`
	Previous       *ConsumerRef `json:"previous_consumer,omitempty"`
	IntendedNs     *int64       `json:"intended_ns,omitempty"`
	ConsumedNs     *int64       `json:"consumed_ns,omitempty"`
	LatenessNs     *int64       `json:"lateness_ns,omitempty"`
	RunID          string       `json:"run_id,omitempty"`
	HeaderChecksum *uint32      `json:"header_checksum,omitempty"`
	ValueChecksum  *uint32      `json:"value_checksum,omitempty"`
	Ranges         []Range      `json:"ranges,omitempty"`
	RangesOmitted  int64        `json:"ranges_omitted,omitempty"`
	Explanation    string       `json:"explanation"`
}

// MarshalJSON writes the fields that apply to the finding's kind.
func (f Finding) MarshalJSON() ([]byte, error) {
	j := findingJSON{Kind: f.Kind, Count: f.Count, Ranges: f.Ranges,
		RangesOmitted: f.RangesOmitted, Explanation: f.Explanation}
	if f.Kind >= numKinds {
		return nil, fmt.Errorf("verify: unknown finding kind %d", f.Kind)
	}
	fs := kindFields[f.Kind]
	if fs&fSeq != 0 && f.HasSeq {
		j.Stream, j.Seq, j.SeqHi, j.Mixed = &f.Stream, &f.Seq, &f.SeqHi, f.Mixed
	}
	if fs&fPart != 0 && f.Partition >= 0 {
		j.Partition = &f.Partition
	}
	if fs&fOff != 0 && f.Offset >= 0 {
		j.Offset, j.OffsetHi = &f.Offset, &f.OffsetHi
	}
	if fs&fOther != 0 && f.OtherOffset >= 0 {
		j.OtherOffset = &f.OtherOffset
	}
	if fs&fOtherSeq != 0 {
		j.OtherSeq = &f.OtherSeq
	}
	if fs&fConsumer != 0 && f.Consumer != (ConsumerRef{}) {
		j.Consumer = &f.Consumer
	}
	j.Previous = f.Previous
	if fs&fTimes != 0 {
		j.IntendedNs, j.ConsumedNs, j.LatenessNs = &f.Intended, &f.Consumed, &f.Lateness
	}
	if fs&fRunID != 0 {
		j.RunID = fmt.Sprintf("%016x", f.RunID)
	}
	if fs&fChecksums != 0 {
		j.HeaderChecksum, j.ValueChecksum = &f.HeaderChecksum, &f.ValueChecksum
	}
	return json.Marshal(&j)
}

// UnmarshalJSON reads a finding written by MarshalJSON.
func (f *Finding) UnmarshalJSON(b []byte) error {
	var j findingJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = Finding{Kind: j.Kind, Count: j.Count, Partition: -1, Offset: -1, OffsetHi: -1,
		OtherOffset: -1, Ranges: j.Ranges, RangesOmitted: j.RangesOmitted,
		Explanation: j.Explanation, Previous: j.Previous, Mixed: j.Mixed}
	if j.Stream != nil && j.Seq != nil {
		f.HasSeq, f.Stream, f.Seq = true, *j.Stream, *j.Seq
		f.SeqHi = f.Seq
		if j.SeqHi != nil {
			f.SeqHi = *j.SeqHi
		}
	}
	setI32(&f.Partition, j.Partition)
	setI64(&f.Offset, j.Offset)
	setI64(&f.OffsetHi, j.OffsetHi)
	setI64(&f.OtherOffset, j.OtherOffset)
	if j.OtherSeq != nil {
		f.OtherSeq = *j.OtherSeq
	}
	if j.Consumer != nil {
		f.Consumer = *j.Consumer
	}
	setI64(&f.Intended, j.IntendedNs)
	setI64(&f.Consumed, j.ConsumedNs)
	setI64(&f.Lateness, j.LatenessNs)
	if j.RunID != "" {
		id, err := strconv.ParseUint(j.RunID, 16, 64)
		if err != nil {
			return fmt.Errorf("verify: finding run_id: %w", err)
		}
		f.RunID = id
	}
	if j.HeaderChecksum != nil {
		f.HeaderChecksum = *j.HeaderChecksum
	}
	if j.ValueChecksum != nil {
		f.ValueChecksum = *j.ValueChecksum
	}
	return nil
}

func setI32(dst *int32, p *int32) {
	if p != nil {
		*dst = *p
	}
}

func setI64(dst *int64, p *int64) {
	if p != nil {
		*dst = *p
	}
}

// explain returns the one-sentence explanation of f.
func explain(f *Finding) string {
	n := f.Count
	recs := plural(n, "record")
	were, have := verb(n, "was", "were"), verb(n, "has", "have")
	seqRange := func(lo, hi uint64) string {
		if lo == hi {
			return fmt.Sprintf("seq %d", lo)
		}
		return fmt.Sprintf("seqs %d–%d", lo, hi)
	}
	seqs := func() string {
		switch {
		case !f.HasSeq:
			return ""
		case f.Mixed:
			return fmt.Sprintf(" (first: stream %d seq %d; several streams)", f.Stream, f.Seq)
		}
		return fmt.Sprintf(" (stream %d %s)", f.Stream, seqRange(f.Seq, f.SeqHi))
	}
	at := func() string {
		if f.Offset == f.OffsetHi {
			return fmt.Sprintf("partition %d offset %d", f.Partition, f.Offset)
		}
		return fmt.Sprintf("partition %d offsets %d–%d", f.Partition, f.Offset, f.OffsetHi)
	}
	inRanges := func() string {
		if r := int64(len(f.Ranges)) + f.RangesOmitted; r > 1 {
			return fmt.Sprintf(", in %d ranges", r)
		}
		return ""
	}
	switch f.Kind {
	case KindLost:
		return fmt.Sprintf("%s of stream %d (%s%s) %s acknowledged but no consumer delivered %s.",
			recs, f.Stream, seqRange(f.Seq, f.SeqHi), inRanges(), were, verb(n, "it", "them"))
	case KindLostOffsets:
		return fmt.Sprintf("%s of partition %d (%s%s) %s that no consumer delivered.",
			plural(n, "offset"), f.Partition, strings.TrimPrefix(at(), fmt.Sprintf("partition %d ", f.Partition)),
			inRanges(), verb(n, "holds an acknowledged record", "hold acknowledged records"))
	case KindDuplicateWrite:
		first := "at an offset no longer known"
		if f.OtherOffset >= 0 {
			first = fmt.Sprintf("at offset %d", f.OtherOffset)
		}
		return fmt.Sprintf("%s%s at %s %s delivered before %s: written to the log twice.",
			recs, seqs(), at(), were, first)
	case KindRedelivery:
		prev := ""
		if f.Previous != nil {
			prev = ", first delivered to " + f.Previous.String() + ","
		}
		return fmt.Sprintf("%s%s at %s%s %s delivered again to %s (at-least-once redelivery).",
			recs, seqs(), at(), prev, were, f.Consumer)
	case KindUnexpected:
		where := ""
		if f.Offset >= 0 {
			where = " at " + at()
		}
		return fmt.Sprintf("%s (stream %d %s)%s %s this run's id but %s never acknowledged nor reported failed.",
			recs, f.Stream, seqRange(f.Seq, f.SeqHi), where, verb(n, "carries", "carry"), were)
	case KindForeign:
		return fmt.Sprintf("%s at %s %s to another run (%016x).", recs, at(), verb(n, "belongs", "belong"), f.RunID)
	case KindUnidentified:
		return fmt.Sprintf("%s at %s %s no decodable identity header.", recs, at(), verb(n, "carries", "carry"))
	case KindCorrupted:
		return fmt.Sprintf("%s%s at %s %s a value whose checksum differs from the header's (first: header %08x, value %08x).",
			recs, seqs(), at(), have, f.HeaderChecksum, f.ValueChecksum)
	case KindReordered:
		return fmt.Sprintf("%s%s at %s %s after seq %d of the same stream at offset %d: the partition holds them out of order.",
			recs, seqs(), at(), verb(n, "comes", "come"), f.OtherSeq, f.OtherOffset)
	case KindPollSkip:
		return fmt.Sprintf("%s jumped over %s, skipping %s acknowledged by the producers.",
			f.Consumer, at(), recs)
	case KindNonmonotonicPoll:
		return fmt.Sprintf("%s went back on partition %d from offset %d to %d without a rebalance.",
			f.Consumer, f.Partition, f.OtherOffset, f.Offset)
	case KindAbortedRead:
		where := ""
		if f.Offset >= 0 {
			where = " at " + at()
		}
		return fmt.Sprintf("%s (stream %d %s)%s %s to an aborted transaction but a read_committed consumer delivered %s.",
			recs, f.Stream, seqRange(f.Seq, f.SeqHi), where, verb(n, "belongs", "belong"), verb(n, "it", "them"))
	case KindPartialTxn:
		return fmt.Sprintf("The transaction of stream %d %s was partly delivered: %d of its %d records.",
			f.Stream, seqRange(f.Seq, f.SeqHi), f.Count, f.SeqHi-f.Seq+1)
	case KindKeyReordered:
		return fmt.Sprintf("%s%s at %s %s after seq %d of the same stream and key (delivered at offset %d of its partition): the key's records are out of order.",
			recs, seqs(), at(), verb(n, "comes", "come"), f.OtherSeq, f.OtherOffset)
	case KindLate:
		return fmt.Sprintf("%s%s at %s %s delivered late, up to %v after the intended send time.",
			recs, seqs(), at(), were, time.Duration(f.Lateness))
	}
	return ""
}

func verb(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func plural(n int64, what string) string {
	s := strconv.FormatInt(n, 10) + " " + what
	if n != 1 {
		s += "s"
	}
	return s
}
