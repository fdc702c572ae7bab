package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/kbench/kbench/measure"
)

// File names inside a result directory.
const (
	ResultFile      = "result.json"
	SummaryFile     = "summary.txt"
	MarkdownFile    = "summary.md"
	JUnitFile       = "junit.xml"
	HTMLFile        = "report.html"
	IntervalLogFile = "intervals.hlog"
)

// hgrmFiles maps each latency histogram of a result to its .hgrm file.
func hgrmFiles(r *measure.Result) map[string]measure.Latency {
	return map[string]measure.Latency{
		"produce.hgrm":     r.Produce.Latency,
		"produce-raw.hgrm": r.Produce.LatencyRaw,
		"e2e.hgrm":         r.Consume.E2E,
		"e2e-raw.hgrm":     r.Consume.E2ERaw,
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// NewDir creates a fresh result directory for a run of scenario under out
// (created if needed), named <scenario>-<UTC time>, and returns its path.
func NewDir(out, scenario string, now time.Time) (string, error) {
	name := unsafeName.ReplaceAllString(scenario, "_")
	if name == "" {
		name = "run"
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", fmt.Errorf("creating result folder: %w", err)
	}
	base := name + "-" + now.UTC().Format("20060102-150405")
	dir := filepath.Join(out, base)
	for i := 2; ; i++ {
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			break
		}
		if !os.IsExist(err) {
			return "", fmt.Errorf("creating result directory: %w", err)
		}
		dir = filepath.Join(out, fmt.Sprintf("%s-%d", base, i))
	}
	return dir, nil
}

// LinkLatest points out/latest at dir (best effort: a symlink), once the
// run's results are written.
func LinkLatest(out, dir string) {
	latest := filepath.Join(out, "latest")
	if fi, err := os.Lstat(latest); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		_ = os.Remove(latest)
	}
	_ = os.Symlink(filepath.Base(dir), latest)
}

// CheckWritable creates out if needed and checks that files can be made in
// it, so a run does not find out after the fact that its results have
// nowhere to go.
func CheckWritable(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("result folder %s: %w", out, err)
	}
	f, err := os.CreateTemp(out, ".kbench-check-*")
	if err != nil {
		return fmt.Errorf("result folder %s is not writable: %w", out, err)
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}

// WriteDir writes r into dir: result.json, the .hgrm percentile files of
// every latency with samples, and the formats asked for ("text" writes
// summary.txt, "markdown" summary.md, "junit" junit.xml, "html"
// report.html; see FormatNames). Formats that read the directory (html
// reads the interval log and findings.jsonl) see its files as they are
// when WriteDir is called, so the caller closes those first. Files are
// written to a temporary name and renamed, so a reader never sees half a
// file.
func WriteDir(dir string, r *measure.Result, formats []string) error {
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, ResultFile), append(js, '\n')); err != nil {
		return err
	}
	for name, l := range hgrmFiles(r) {
		if l.Count == 0 {
			continue
		}
		b, err := Hgrm(l)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := writeFile(filepath.Join(dir, name), b); err != nil {
			return err
		}
	}
	for _, name := range formats {
		if name == "json" {
			continue // result.json is always written
		}
		f, err := LookupFormat(name)
		if err != nil {
			return err
		}
		var b bytesBuffer
		if err := f.Render(&b, dir, r); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := writeFile(filepath.Join(dir, f.File), b); err != nil {
			return err
		}
	}
	return nil
}

type bytesBuffer []byte

func (b *bytesBuffer) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ReadResult reads a result.json file (or the result.json of a directory).
func ReadResult(path string) (*measure.Result, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, ResultFile)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r measure.Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.SchemaVersion > measure.SchemaVersion {
		return nil, fmt.Errorf("%s: result schema version %d is newer than this kbench understands (%d)",
			path, r.SchemaVersion, measure.SchemaVersion)
	}
	return &r, nil
}
