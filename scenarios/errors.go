package scenarios

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem found in a scenario, with where it is and a hint.
type Error struct {
	// Pos is where the problem is; zero for scenarios built in Go.
	Pos Pos
	// Path names the setting, e.g. producers[0].rate.
	Path string
	// Msg says what is wrong and what was expected.
	Msg string
	// Hint suggests a fix; may be empty.
	Hint string
}

// Error formats the problem as `file:line:col: msg` (or `path: msg` without
// a position), with the hint on a second line.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.Pos.Line > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", e.Pos.File, e.Pos.Line, e.Pos.Column)
	case e.Path != "":
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString("\n\thint: " + e.Hint)
	}
	return b.String()
}

// maxErrors caps how many problems one parse reports.
const maxErrors = 20

// ErrorList is every problem found in a scenario, in file order.
type ErrorList []*Error

// Error joins the problems, one per line (hints on their own lines).
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// sorted orders the list by position and trims it to maxErrors.
func (l ErrorList) sorted() ErrorList {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	if len(l) > maxErrors {
		l = append(l[:maxErrors:maxErrors], &Error{Pos: l[maxErrors].Pos,
			Msg: fmt.Sprintf("and %d more problems", len(l)-maxErrors)})
	}
	return l
}

func (l ErrorList) err() error {
	if len(l) == 0 {
		return nil
	}
	return l.sorted()
}
