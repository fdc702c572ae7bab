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
}

// formats are the renderings of a result by name, as `kbench report
// --format` and the scenario's report.formats name them. A new format is
// one more entry.
var formats = map[string]Format{
	"text":     {File: SummaryFile, Write: Text},
	"json":     {File: ResultFile, Write: JSON},
	"markdown": {File: MarkdownFile, Write: Markdown},
	"junit":    {File: JUnitFile, Write: JUnit},
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
