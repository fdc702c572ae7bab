package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/kbench/kbench/measure"
)

// Format is one rendering of a result.
type Format struct {
	// File is the file WriteDir writes it to inside a result directory.
	File string
	// Write renders r to w.
	Write func(w io.Writer, r *measure.Result) error
	// WriteDir, if set, renders r with the other files of its result
	// directory dir as well (the interval log, the findings): a format
	// that can show more than result.json holds. Write remains the
	// rendering from r alone. Render picks the one that applies.
	WriteDir func(w io.Writer, dir string, r *measure.Result) error
	// Document marks a format meant to be opened as a file (a web page)
	// rather than read on a terminal: `kbench report` writes it into the
	// result directory unless told otherwise.
	Document bool
}

// Render writes f's rendering of r to w. dir is r's result directory,
// read by formats that use more than the result; "" when there is none,
// and then every format renders from r alone.
func (f Format) Render(w io.Writer, dir string, r *measure.Result) error {
	if f.WriteDir != nil && dir != "" {
		return f.WriteDir(w, dir, r)
	}
	return f.Write(w, r)
}

// formats are the renderings of a result by name, as `kbench report
// --format` and the scenario's report.formats name them. A new format is
// one more entry.
var formats = map[string]Format{
	"text":     {File: SummaryFile, Write: Text},
	"json":     {File: ResultFile, Write: JSON},
	"markdown": {File: MarkdownFile, Write: Markdown},
	"junit":    {File: JUnitFile, Write: JUnit},
	"html":     {File: HTMLFile, Write: HTML, WriteDir: HTMLDir, Document: true},
}

// FormatNames returns the names of the formats, sorted.
func FormatNames() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LookupFormat returns the named format; the error for an unknown one
// lists the known ones.
func LookupFormat(name string) (Format, error) {
	f, ok := formats[name]
	if !ok {
		return Format{}, fmt.Errorf("unknown report format %q (formats: %s)", name, strings.Join(FormatNames(), ", "))
	}
	return f, nil
}

// JSON writes r as result.json holds it (schema: docs/results.md).
func JSON(w io.Writer, r *measure.Result) error {
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(js, '\n'))
	return err
}
