package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/kbench/kbench/measure"
	"github.com/kbench/kbench/verify"
)

// htmlFindings is how many verification findings report.html lists.
const htmlFindings = 25

// taggedFinding is a finding with the topic and group whose verification
// found it, as findings.jsonl holds them.
type taggedFinding struct {
	Topic, Group string
	verify.Finding
}

// findingList is the findings a report lists: the first ones, how many
// there are in all, and where they come from.
type findingList struct {
	Shown []taggedFinding
	Total int64
	// Source is FindingsFile when the list was read from it, else
	// ResultFile (the result keeps only the first findings of each
	// verification).
	Source string
}

// More counts the findings not shown.
func (l findingList) More() int64 { return l.Total - int64(len(l.Shown)) }

// readFindings reads a findings file (one JSON finding per line, tagged
// with "topic" and "group") and keeps the first limit findings; it counts
// the others without decoding them.
func readFindings(in io.Reader, limit int) (findingList, error) {
	l := findingList{Source: FindingsFile}
	br := bufio.NewReader(in)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return findingList{}, err
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			l.Total++
			if len(l.Shown) < limit {
				f, perr := parseFinding(line)
				if perr != nil {
					return findingList{}, fmt.Errorf("line %d: %w", n, perr)
				}
				l.Shown = append(l.Shown, f)
			}
		}
		if err != nil {
			return l, nil
		}
	}
}

// parseFinding decodes one line of a findings file.
func parseFinding(line []byte) (taggedFinding, error) {
	var tags struct{ Topic, Group string }
	if err := json.Unmarshal(line, &tags); err != nil {
		return taggedFinding{}, fmt.Errorf("not a JSON finding: %w", err)
	}
	var f verify.Finding
	if err := json.Unmarshal(line, &f); err != nil {
		return taggedFinding{}, fmt.Errorf("not a finding: %w", err)
	}
	return taggedFinding{Topic: tags.Topic, Group: tags.Group, Finding: f}, nil
}

// resultFindings lists the findings the result itself keeps (the first
// ones of each verification), for a result without its findings file.
func resultFindings(r *measure.Result, limit int) findingList {
	l := findingList{Source: ResultFile}
	for _, v := range r.Verification {
		l.Total += int64(len(v.Findings)) + v.FindingsOmitted
		for _, f := range v.Findings {
			if len(l.Shown) < limit {
				l.Shown = append(l.Shown, taggedFinding{Topic: v.Topic, Group: v.Group, Finding: f})
			}
		}
	}
	return l
}
