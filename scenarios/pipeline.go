package scenarios

import (
	"fmt"
	"strings"
)

// maxRecordsPerTxn bounds transactions.records_per_txn.
const maxRecordsPerTxn = 1_000_000

// Guarantees lists the delivery guarantees a pipeline may promise.
var Guarantees = []Guarantee{ExactlyOnce, AtLeastOnce, AtMostOnce}

// ParseMatch parses a pipeline's match setting: "header", or "json:" and a
// path of object members such as "$.order_id" or "$.meta.id".
func ParseMatch(s string) (Match, error) {
	t := strings.TrimSpace(s)
	if t == "header" {
		return Match{Header: true, Text: t}, nil
	}
	const hint = "write match: header (the pipeline keeps kbench's record header) or match: json:$.order_id (a field of the JSON value)"
	rest, ok := strings.CutPrefix(t, "json:")
	if !ok {
		msg := fmt.Sprintf("unknown match %q", t)
		if strings.HasPrefix(t, "$") {
			msg += ": a JSON path needs the json: prefix"
		}
		return Match{}, &Error{Msg: msg, Hint: hint}
	}
	path, ok := strings.CutPrefix(strings.TrimSpace(rest), "$.")
	if !ok {
		return Match{}, &Error{Msg: fmt.Sprintf("JSON path %q must start with $.", rest), Hint: hint}
	}
	segs := strings.Split(path, ".")
	for _, seg := range segs {
		if !validMember(seg) {
			return Match{}, &Error{Msg: fmt.Sprintf("JSON path %q: %q is not a plain member name", rest, seg),
				Hint: "use dotted member names of letters, digits, _ and -, e.g. json:$.meta.order_id"}
		}
	}
	return Match{JSONPath: segs, Text: "json:$." + path}, nil
}

func validMember(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
		case i > 0 && (r == '-' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

// String returns the match as written in a scenario.
func (m Match) String() string {
	if m.Text != "" {
		return m.Text
	}
	if len(m.JSONPath) > 0 {
		return "json:$." + strings.Join(m.JSONPath, ".")
	}
	return "header"
}

// PipelineConsumerName is the name of the consumer kbench adds to read a
// pipeline's output when the scenario declares none.
const PipelineConsumerName = "pipeline-output"

// ReadsPipelineOutput reports whether consumer c reads the output of the
// scenario's pipeline, and so is checked against the pipeline's input.
func (s *Scenario) ReadsPipelineOutput(c *Consumer) bool {
	return s.Pipeline != nil && c.Topic == s.Pipeline.Output
}
