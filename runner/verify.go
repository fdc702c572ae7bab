package runner

import (
	"bytes"
	"io"
	"strconv"
	"sync"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/scenarios"
	"github.com/kbench/kbench/verify"
)

// resultFindings is how many findings of each verification the result
// lists (findings.jsonl has them all).
const resultFindings = 10

// verification checks one scenario consumer (a group on a topic) against
// what the producers of that topic had acknowledged.
type verification struct {
	topic, group string
	v            *verify.Verifier
	policy       measure.FailurePolicy
}

// newVerifications makes one verification per scenario consumer and hands
// each producer instance a recorder per verification of its topic, and
// each consumer instance the recorder of its own. Findings go, one JSON
// line each, tagged with topic and group, to out (if not nil).
func newVerifications(sc *scenarios.Scenario, runID uint64, producers []*producerInstance,
	groups [][]*consumerInstance, out io.Writer) []*verification {
	var shared *taggedWriters
	if out != nil {
		shared = &taggedWriters{w: out}
	}
	var vs []*verification
	for ci := range sc.Consumers {
		c := &sc.Consumers[ci]
		cfg := verify.Config{RunID: runID, ReadCommitted: c.Isolation == scenarios.ReadCommitted,
			KeyOrder: sc.ReadsPipelineOutput(c)}
		if shared != nil {
			cfg.Findings = shared.tagged(c.Topic, c.Group)
		}
		ver := &verification{topic: c.Topic, group: c.Group, v: verify.New(cfg),
			policy: measure.FailurePolicy{Idempotent: true}}
		// The records to expect: those of the topic's producers, or for
		// the pipeline's output those of its input's.
		source, pipeline := c.Topic, sc.ReadsPipelineOutput(c)
		if pipeline {
			source = sc.Pipeline.Input
			ver.policy = measure.FailurePolicy{Guarantee: string(sc.Pipeline.Expect), Ordered: sc.Pipeline.Ordered}
		}
		for _, p := range sc.Producers {
			if p.Topic == source && !p.Idempotent {
				ver.policy.Idempotent = false
			}
		}
		for _, inst := range groups[ci] {
			inst.vrec = ver.v.NewRecorder()
		}
		for _, p := range producers {
			switch {
			case p.spec.Topic != source:
			case pipeline:
				p.pvrecs = append(p.pvrecs, ver.v.NewRecorder())
			default:
				p.vrecs = append(p.vrecs, ver.v.NewRecorder())
			}
		}
		vs = append(vs, ver)
	}
	return vs
}

// finishVerifications flushes every recorder (producers flushed and
// consumers stopped) and returns the verdicts.
func finishVerifications(vs []*verification, producers []*producerInstance, consumers []*consumerInstance,
	partial bool) ([]measure.Verification, error) {
	for _, p := range producers {
		for _, rec := range p.recorders() {
			rec.Flush()
		}
	}
	for _, c := range consumers {
		if c.vrec != nil {
			c.vrec.Flush()
		}
	}
	var out []measure.Verification
	var firstErr error
	for _, ver := range vs {
		sum, err := ver.v.Finish()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		mv := measure.Verification{Topic: ver.topic, Group: ver.group, Counts: sum.Counts, Partial: partial,
			FindingsOmitted: sum.FindingsDropped}
		for _, f := range sum.Findings {
			if len(mv.Findings) < resultFindings {
				mv.Findings = append(mv.Findings, f)
			} else {
				mv.FindingsOmitted++
			}
		}
		ver.policy.Apply(&mv)
		out = append(out, mv)
	}
	return out, firstErr
}

// taggedWriters serialises the findings of several verifiers onto one
// writer, adding "topic" and "group" to each JSON line.
type taggedWriters struct {
	mu sync.Mutex
	w  io.Writer
}

func (t *taggedWriters) tagged(topic, group string) io.Writer {
	prefix := []byte(`{"topic":` + strconv.Quote(topic) + `,"group":` + strconv.Quote(group) + `,`)
	return writerFunc(func(p []byte) (int, error) {
		t.mu.Lock()
		defer t.mu.Unlock()
		// The verifier writes whole lines, one JSON object each.
		for len(p) > 0 {
			line := p
			if i := bytes.IndexByte(p, '\n'); i >= 0 {
				line = p[:i+1]
			}
			p = p[len(line):]
			if bytes.HasPrefix(line, []byte("{")) && !bytes.HasPrefix(line, []byte("{}")) {
				if _, err := t.w.Write(prefix); err != nil {
					return 0, err
				}
				line = line[1:]
			}
			if _, err := t.w.Write(line); err != nil {
				return 0, err
			}
		}
		return 0, nil
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) {
	n := len(p)
	if _, err := f(p); err != nil {
		return 0, err
	}
	return n, nil
}
