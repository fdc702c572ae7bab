package scenarios

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem found in a scenario: where it is, what is wrong and,
// when there is one, a suggested fix.
type Error struct {
	// Pos is where the problem is in the scenario file. It is zero for
	// scenarios built in Go and for values given to ParseRate and friends.
	Pos Pos
	// Path names the setting, e.g. "producers[0].rate" or
	// "data.order.fields.id"; empty when the problem is not about one
	// setting (a YAML syntax error, an empty file).
	Path string
	// Msg says what is wrong and what was expected.
	Msg string
	// Hint suggests a fix ("did you mean ...?"); may be empty.
	Hint string

	// deps are the paths of other settings a semantic problem depends on
	// (warmup on duration). Parse drops a semantic problem when its
	// setting, an enclosing or enclosed one, or a dependency failed to
	// decode: it would most likely be a consequence of that failure.
	deps []string
}

// Error formats the problem as `file:line:col: path: msg`, leaving out the
// parts that are unknown, with the hint on a second, indented line:
//
//	orders.yaml:14:16: topics[0]: unknown key "partitons" in topic
//		hint: did you mean "partitions"?
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.Pos.Line > 0 && e.Pos.File != "":
		fmt.Fprintf(&b, "%s:%d:%d: ", e.Pos.File, e.Pos.Line, e.Pos.Column)
	case e.Pos.Line > 0:
		fmt.Fprintf(&b, "%d:%d: ", e.Pos.Line, e.Pos.Column)
	case e.Pos.File != "":
		b.WriteString(e.Pos.File + ": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("\n\thint: " + e.Hint)
	}
	return b.String()
}

// MaxErrors is how many problems Parse and Validate report at most; a last
// entry says how many more there were.
const MaxErrors = 20

// ErrorList is every problem found in a scenario, sorted by position. Parse
// and Validate return one (as an error) when the scenario is invalid.
type ErrorList []*Error

// Error joins the problems' messages, one problem per line (hints on lines
// of their own).
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the problems, so errors.As finds an *Error.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// asError orders the list by position (then path), drops exact duplicates
// and caps it at MaxErrors. It returns nil for an empty list.
func (l ErrorList) asError() error {
	if len(l) == 0 {
		return nil
	}
	l = append(ErrorList(nil), l...)
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return l[i].Path < l[j].Path
	})
	out := l[:0]
	for _, e := range l {
		if len(out) > 0 && e.Error() == out[len(out)-1].Error() {
			continue
		}
		out = append(out, e)
	}
	if len(out) > MaxErrors {
		more := len(out) - MaxErrors
		out = append(out[:MaxErrors:MaxErrors], &Error{Pos: Pos{File: out[MaxErrors].Pos.File},
			Msg: fmt.Sprintf("... and %d more problems", more)})
	}
	return out
}
