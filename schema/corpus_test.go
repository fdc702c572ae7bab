package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The corpus: testdata/<format>/*.txtar. Each archive holds the versions of
// one subject, oldest first (the last file is the new schema), and its
// comment holds one expectation per line:
//
//	MODE compatible|incompatible [KIND,...] [at=LOCATION] [pair=R<W]: reason
//
// KIND lists every distinct kind reported (exactly); at= requires an
// incompatibility at LOCATION; pair= requires one with reader version R and
// writer version W. Lines starting with # are comments.

type corpusCase struct {
	file     string
	line     int
	mode     Mode
	compat   bool
	kinds    []string
	at, pair string
	why      string
}

type corpusFile struct {
	path     string
	format   Format
	versions []string
	names    []string
	cases    []corpusCase
}

// parseTxtar splits a txtar archive into its comment and files.
func parseTxtar(data string) (comment string, names, files []string) {
	lines := strings.SplitAfter(data, "\n")
	cur := -1
	var b strings.Builder
	flush := func() {
		if cur < 0 {
			comment = b.String()
		} else {
			files[cur] = b.String()
		}
		b.Reset()
	}
	for _, l := range lines {
		t := strings.TrimRight(l, "\r\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			flush()
			names = append(names, strings.TrimSpace(t[3:len(t)-3]))
			files = append(files, "")
			cur = len(files) - 1
			continue
		}
		b.WriteString(l)
	}
	flush()
	return comment, names, files
}

func loadCorpus(t testing.TB) []corpusFile {
	t.Helper()
	var out []corpusFile
	for _, f := range Formats {
		paths, err := filepath.Glob(filepath.Join("testdata", string(f), "*.txtar"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			comment, names, files := parseTxtar(string(data))
			cf := corpusFile{path: p, format: f, versions: files, names: names}
			if len(files) == 0 {
				t.Fatalf("%s: no schema files", p)
			}
			for i, l := range strings.Split(comment, "\n") {
				l = strings.TrimSpace(l)
				if l == "" || strings.HasPrefix(l, "#") {
					continue
				}
				c, err := parseExpectation(l)
				if err != nil {
					t.Fatalf("%s:%d: %v", p, i+1, err)
				}
				c.file, c.line = p, i+1
				cf.cases = append(cf.cases, c)
			}
			if len(cf.cases) == 0 {
				t.Fatalf("%s: no expectations", p)
			}
			out = append(out, cf)
		}
	}
	return out
}

func parseExpectation(l string) (corpusCase, error) {
	var c corpusCase
	head, why, ok := strings.Cut(l, ": ")
	if !ok || strings.TrimSpace(why) == "" {
		return c, fmt.Errorf("expectation %q lacks a reason after \": \"", l)
	}
	c.why = strings.TrimSpace(why)
	fields := strings.Fields(head)
	if len(fields) < 2 {
		return c, fmt.Errorf("expectation %q: want MODE VERDICT", l)
	}
	m, err := ParseMode(fields[0])
	if err != nil {
		return c, err
	}
	c.mode = m
	switch fields[1] {
	case "compatible":
		c.compat = true
	case "incompatible":
	default:
		return c, fmt.Errorf("verdict %q: want compatible or incompatible", fields[1])
	}
	for _, f := range fields[2:] {
		switch {
		case strings.HasPrefix(f, "at="):
			c.at = strings.TrimPrefix(f, "at=")
		case strings.HasPrefix(f, "pair="):
			c.pair = strings.TrimPrefix(f, "pair=")
		default:
			c.kinds = append(c.kinds, strings.Split(f, ",")...)
		}
	}
	if c.compat && (len(c.kinds) > 0 || c.at != "" || c.pair != "") {
		return c, fmt.Errorf("a compatible case lists no kinds, at= or pair=")
	}
	if !c.compat && len(c.kinds) == 0 {
		return c, fmt.Errorf("an incompatible case lists the kinds it expects")
	}
	sort.Strings(c.kinds)
	return c, nil
}

func TestCorpus(t *testing.T) {
	for _, cf := range loadCorpus(t) {
		for _, c := range cf.cases {
			name := fmt.Sprintf("%s/%s/%s", cf.format, strings.TrimSuffix(filepath.Base(cf.path), ".txtar"), c.mode)
			t.Run(name, func(t *testing.T) {
				prev, next := cf.versions[:len(cf.versions)-1], cf.versions[len(cf.versions)-1]
				res, err := Check(cf.format, c.mode, prev, next)
				if err != nil {
					t.Fatalf("%s:%d: %v", c.file, c.line, err)
				}
				var kinds []string
				for _, inc := range res.Incompatibilities {
					if !slices.Contains(kinds, string(inc.Kind)) {
						kinds = append(kinds, string(inc.Kind))
					}
					if !slices.Contains(KindsOf(cf.format), inc.Kind) {
						t.Errorf("kind %s is not among KindsOf(%s)", inc.Kind, cf.format)
					}
				}
				sort.Strings(kinds)
				report := func() string {
					var b strings.Builder
					for _, inc := range res.Incompatibilities {
						fmt.Fprintf(&b, "\n\t%s", inc)
					}
					return b.String()
				}
				if res.Compatible() != c.compat {
					t.Fatalf("%s:%d: compatible=%v, want %v (%s)%s", c.file, c.line, res.Compatible(), c.compat, c.why, report())
				}
				if !slices.Equal(kinds, c.kinds) && !(len(kinds) == 0 && len(c.kinds) == 0) {
					t.Errorf("%s:%d: kinds %v, want %v (%s)%s", c.file, c.line, kinds, c.kinds, c.why, report())
				}
				if c.at != "" && !slices.ContainsFunc(res.Incompatibilities, func(i Incompatibility) bool { return i.Location == c.at }) {
					t.Errorf("%s:%d: no incompatibility at %s%s", c.file, c.line, c.at, report())
				}
				if c.pair != "" && !slices.ContainsFunc(res.Incompatibilities, func(i Incompatibility) bool {
					return fmt.Sprintf("%d<%d", i.Reader, i.Writer) == c.pair
				}) {
					t.Errorf("%s:%d: no incompatibility with reader<writer %s%s", c.file, c.line, c.pair, report())
				}
			})
		}
	}
}

// TestCorpusCoverage keeps the corpus broad: every format has cases in
// every mode, and the whole has at least 150.
func TestCorpusCoverage(t *testing.T) {
	counts := map[Format]map[Mode]int{}
	total := 0
	for _, cf := range loadCorpus(t) {
		if counts[cf.format] == nil {
			counts[cf.format] = map[Mode]int{}
		}
		for _, c := range cf.cases {
			counts[cf.format][c.mode]++
			total++
		}
	}
	for _, f := range Formats {
		var b strings.Builder
		sum := 0
		for _, m := range Modes {
			fmt.Fprintf(&b, " %s=%d", m, counts[f][m])
			sum += counts[f][m]
			if counts[f][m] == 0 {
				t.Errorf("%s: no case in mode %s", f, m)
			}
		}
		t.Logf("%s: %d cases:%s", f, sum, b.String())
	}
	t.Logf("total: %d cases", total)
	if total < 150 {
		t.Errorf("the corpus has %d cases, want at least 150", total)
	}
}
