// Package ci_test checks the CI examples: both files must parse as YAML and
// hold the keys their CI systems need, and what they run must exist. It
// cannot run them: that takes GitHub Actions and GitLab CI.
package ci_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/kbench/kbench/compare"
	"github.com/kbench/kbench/report"
	"github.com/kbench/kbench/scenarios"
)

func load(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// get walks a path of map keys and list indexes.
func get(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: %v is not a mapping", path, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("missing key %v (in %v)", k, path)
			}
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no item %d", path, k)
			}
			v = l[k]
		}
	}
	return v
}

var tolerances = regexp.MustCompile(`--max-regression (\S+)`)

// checkCommands checks what a job runs: the quickstart on the embedded
// cluster into results/, a comparison with the committed baseline whose
// tolerances parse, and the Markdown and JUnit reports.
func checkCommands(t *testing.T, name, script string) {
	t.Helper()
	for _, want := range []string{
		"go run ./cmd/kbench run examples/quickstart.yaml --out results",
		"go run ./cmd/kbench compare examples/ci/baseline results/latest",
		"--format markdown",
		"go run ./cmd/kbench report results/latest --format junit --out results/junit.xml",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("%s does not run %q", name, want)
		}
	}
	m := tolerances.FindStringSubmatch(script)
	if m == nil {
		t.Fatalf("%s: no --max-regression", name)
	}
	if _, err := compare.ParseTolerances(m[1]); err != nil {
		t.Errorf("%s: %v", name, err)
	}
}

func TestFilesTheJobsUse(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	if _, err := scenarios.Load(filepath.Join(root, "examples", "quickstart.yaml")); err != nil {
		t.Fatal(err)
	}
	res, err := report.ReadResult(filepath.Join("baseline", report.ResultFile))
	if err != nil {
		t.Fatal(err)
	}
	if res.Scenario != "quickstart" {
		t.Errorf("the baseline is of scenario %q", res.Scenario)
	}
	f, err := os.Open(filepath.Join("baseline", report.IntervalLogFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if l, err := compare.ReadIntervalLog(f); err != nil || l.Len("e2e") == 0 {
		t.Fatalf("baseline interval log: %v", err)
	}
}

func TestGitHubActions(t *testing.T) {
	t.Parallel()
	doc := load(t, "github-actions.yml")
	if _, ok := doc["on"]; !ok {
		t.Error("no trigger (on:)")
	}
	job := get(t, doc, "jobs", "load-test")
	if get(t, job, "runs-on") == "" {
		t.Error("no runs-on")
	}
	steps := get(t, job, "steps").([]any)
	var script []string
	ids := map[string]bool{}
	uses := map[string]map[string]any{}
	for _, s := range steps {
		step := s.(map[string]any)
		if id, ok := step["id"].(string); ok {
			ids[id] = true
		}
		if run, ok := step["run"].(string); ok {
			script = append(script, run)
		}
		if u, ok := step["uses"].(string); ok {
			with, _ := step["with"].(map[string]any)
			uses[strings.Split(u, "@")[0]] = with
			if !strings.Contains(u, "@") {
				t.Errorf("action %s is not pinned to a version", u)
			}
		}
		// The run and the comparison fail softly; everything after them
		// publishes even when a gate failed or a step broke.
		switch id, _ := step["id"].(string); {
		case id == "run" || id == "compare":
			if step["continue-on-error"] != true {
				t.Errorf("step %s stops the job before the reports are published", id)
			}
		case ids["compare"] && step["if"] == nil:
			t.Errorf("step %v runs only when the previous ones passed", step["name"])
		}
	}
	all := strings.Join(script, "\n")
	checkCommands(t, "github-actions.yml", all)
	if !strings.Contains(all, `>> "$GITHUB_STEP_SUMMARY"`) {
		t.Error("nothing goes to the job summary")
	}
	if w := uses["actions/setup-go"]; w == nil || w["go-version-file"] != "go.mod" {
		t.Errorf("setup-go: %v", w)
	}
	if w := uses["mikepenz/action-junit-report"]; w == nil || w["report_paths"] != "results/junit.xml" {
		t.Errorf("junit reporter: %v", w)
	}
	if w := uses["actions/upload-artifact"]; w == nil || !strings.Contains(w["path"].(string), "results/") {
		t.Errorf("upload-artifact: %v", w)
	}
	last := steps[len(steps)-1].(map[string]any)
	cond, _ := last["if"].(string)
	if !ids["run"] || !ids["compare"] || !strings.Contains(cond, "steps.run.outcome") || !strings.Contains(cond, "steps.compare.outcome") {
		t.Errorf("the last step must fail the job on the run's or the comparison's failure: if %q, ids %v", cond, ids)
	}
}

func TestGitLabCI(t *testing.T) {
	t.Parallel()
	doc := load(t, "gitlab-ci.yml")
	job := get(t, doc, "kbench")
	if img, _ := get(t, job, "image").(string); !strings.HasPrefix(img, "golang:") {
		t.Errorf("image %q", img)
	}
	var script []string
	for _, l := range get(t, job, "script").([]any) {
		script = append(script, l.(string))
	}
	all := strings.Join(script, "\n")
	checkCommands(t, "gitlab-ci.yml", all)
	if !strings.HasPrefix(script[len(script)-1], "exit ") {
		t.Error("the script must end with the remembered exit code")
	}
	if get(t, job, "artifacts", "when") != "always" {
		t.Error("artifacts are not kept when the job fails")
	}
	if get(t, job, "artifacts", "reports", "junit") != "results/junit.xml" {
		t.Error("no JUnit report")
	}
	paths := get(t, job, "artifacts", "paths").([]any)
	if len(paths) == 0 || paths[0] != "results/" {
		t.Errorf("artifact paths %v", paths)
	}
}

// TestSameTolerances keeps both examples comparing the same way.
func TestSameTolerances(t *testing.T) {
	t.Parallel()
	var found []string
	for _, name := range []string{"github-actions.yml", "gitlab-ci.yml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		m := tolerances.FindStringSubmatch(string(b))
		if m == nil {
			t.Fatalf("%s: no --max-regression", name)
		}
		found = append(found, m[1])
	}
	if found[0] != found[1] {
		t.Errorf("tolerances differ: %s vs %s", found[0], found[1])
	}
}
