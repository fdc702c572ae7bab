package report

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/kbench/kbench/measure"
)

// The browser tests open report.html in headless Chromium. They run when
// KBENCH_BROWSER_TESTS=1 (and then fail without a browser); the
// screenshot is written when KBENCH_SCREENSHOT names a PNG file.
const (
	browserTestsEnv  = "KBENCH_BROWSER_TESTS"
	screenshotEnv    = "KBENCH_SCREENSHOT"
	screenshotRunEnv = "KBENCH_SCREENSHOT_RESULT"
)

// chromiumNames are the browser executables looked for on PATH.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// newBrowser starts headless Chromium for the test, or skips the test
// when env is not set. The browser stops at the end of the test.
func newBrowser(t *testing.T, env string) context.Context {
	t.Helper()
	if os.Getenv(env) == "" {
		t.Skipf("headless-browser test: set %s to run it (needs Chromium on PATH: %s)", env, strings.Join(chromiumNames, ", "))
	}
	var path string
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatalf("%s is set but no browser is on PATH (looked for %s); on Debian/Ubuntu: apt-get install chromium",
			env, strings.Join(chromiumNames, ", "))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.DisableGPU,
		chromedp.WindowSize(1200, 900),
		// Root in a container cannot use Chromium's sandbox.
		chromedp.NoSandbox,
		// Nothing may leave the machine: no proxy lookups, no DNS.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND"),
		chromedp.Flag("no-proxy-server", true),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	return alloc
}

// pageVisit is what a page did while it loaded: the requests it made,
// those blocked, and its console errors and exceptions.
type pageVisit struct {
	mu                        sync.Mutex
	requests, blocked, errors []string
}

func (v *pageVisit) add(list *[]string, s string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	*list = append(*list, s)
}

// openPage loads the file page in a new tab of browser with every network
// request other than the file itself and data: URIs blocked, and records
// what the page did.
func openPage(t *testing.T, browser context.Context, page string) (context.Context, *pageVisit) {
	t.Helper()
	abs, err := filepath.Abs(page)
	if err != nil {
		t.Fatal(err)
	}
	fileURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	allowed := func(u string) bool { return u == fileURL || strings.HasPrefix(u, "data:") }
	v := &pageVisit{}
	paused := make(chan *fetch.EventRequestPaused, 64)
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithListener(func(ev any) {
		// Runs in the tab's loop: record and return.
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			v.add(&v.requests, ev.Request.URL)
		case *fetch.EventRequestPaused:
			select {
			case paused <- ev:
			default:
				v.add(&v.errors, "too many paused requests")
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			v.add(&v.errors, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				v.add(&v.errors, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				v.add(&v.errors, fmt.Sprintf("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	}))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // attach the tab
		t.Fatal(err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-paused:
				u := ev.Request.URL
				if allowed(u) {
					_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
					continue
				}
				v.add(&v.blocked, u)
				_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID,
					ErrorReason: network.ErrorReasonBlockedByClient})
			}
		}
	}()
	for _, err := range []error{
		call(ctx, network.Enable, network.EnableParams{}),
		call(ctx, cdplog.Enable, cdp.Empty{}),
		call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*"}}}),
		chromedp.Do(ctx, chromedp.Navigate(fileURL), chromedp.WaitReady("body")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		if !slices.Contains(v.requests, fileURL) {
			t.Errorf("the page's own request was not seen (requests %q): the network check is blind", v.requests)
		}
		for _, u := range append(v.requests, v.blocked...) {
			if !allowed(u) {
				t.Errorf("the page requested %s", u)
			}
		}
		for _, e := range v.errors {
			t.Errorf("page error: %s", e)
		}
	})
	return ctx, v
}

// call runs a protocol command that returns nothing.
func call[P any](ctx context.Context, cmd cdp.Command[P, cdp.Empty], params P) error {
	_, err := chromedp.Call(ctx, cmd, params)
	return err
}

// renderedPage is what the page shows, read back in the browser.
type renderedPage struct {
	Version string
	Charts  []struct {
		ID       string
		Instance bool
		Canvas   int
		Series   []struct {
			Name, Type    string
			Points, Nulls int
		}
	}
	Gates [][]string
}

// readPage is the script that reads renderedPage from the page: every
// chart's ECharts instance and the series of its option, and the gate
// table's cells.
const readPage = `(() => {
  const out = {version: typeof echarts === 'undefined' ? '' : echarts.version, charts: [], gates: []};
  document.querySelectorAll('[data-chart]').forEach(el => {
    const inst = typeof echarts === 'undefined' ? null : echarts.getInstanceByDom(el);
    const canvas = el.querySelector('canvas');
    const c = {id: el.id, instance: !!inst, canvas: canvas ? canvas.width * canvas.height : 0, series: []};
    if (inst) {
      inst.getOption().series.forEach(s => c.series.push({
        name: s.name, type: s.type, points: s.data.length,
        nulls: s.data.filter(d => { const y = Array.isArray(d) ? d[1] : d; return y === null || y === '-' || y === undefined; }).length,
      }));
    }
    out.charts.push(c);
  });
  document.querySelectorAll('#gates-table tbody tr').forEach(tr =>
    out.gates.push(Array.from(tr.cells).map(td => td.textContent.trim())));
  return out;
})()`

// TestHTMLInBrowser opens reports of real runs and of the rich fixture in
// headless Chromium with the network blocked, and checks that every chart
// renders with the series the result calls for, without a request, a
// console error or an exception.
func TestHTMLInBrowser(t *testing.T) {
	browser := newBrowser(t, browserTestsEnv)
	dirs := map[string]string{}
	for _, name := range htmlRuns {
		// Through WriteDir, as kbench run writes it, into a copy.
		dir := t.TempDir()
		for _, f := range []string{ResultFile, IntervalLogFile} {
			b, err := os.ReadFile(filepath.Join("testdata", "html", name, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r, err := ReadResult(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteDir(dir, r, []string{"html"}); err != nil {
			t.Fatal(err)
		}
		dirs[name] = dir
	}
	dirs["rich"], _ = richRun(t, 30)
	dirs["failed"] = failedRun(t)

	for name, dir := range dirs {
		t.Run(name, func(t *testing.T) {
			r, in := loadRun(t, dir)
			want, err := buildCharts(r, in.intervals)
			if err != nil {
				t.Fatal(err)
			}
			ctx, _ := openPage(t, browser, filepath.Join(dir, HTMLFile))
			got, err := chromedp.Run(ctx, chromedp.Evaluate[renderedPage](readPage))
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != EChartsVersion() {
				t.Errorf("echarts.version %q, vendored %q", got.Version, EChartsVersion())
			}
			if len(got.Charts) != len(want) {
				t.Fatalf("%d charts on the page, want %d", len(got.Charts), len(want))
			}
			for i, c := range got.Charts {
				w := want[i]
				if c.ID != w.ID || !c.Instance || c.Canvas == 0 {
					t.Errorf("chart %d: id %s (want %s), instance %v, canvas %d px", i, c.ID, w.ID, c.Instance, c.Canvas)
					continue
				}
				if len(c.Series) != len(w.Option.Series) {
					t.Errorf("%s: %d series, want %d", c.ID, len(c.Series), len(w.Option.Series))
					continue
				}
				for j, s := range c.Series {
					ws := w.Option.Series[j]
					nulls := 0
					for _, p := range ws.Data {
						if !p.y.ok {
							nulls++
						}
					}
					if s.Name != ws.Name || s.Type != ws.Type || s.Points != len(ws.Data) || s.Nulls != nulls {
						t.Errorf("%s series %d: %+v, want %s %s with %d points (%d missing)", c.ID, j, s, ws.Name, ws.Type,
							len(ws.Data), nulls)
					}
				}
			}
			// Independently of buildCharts: the charts over time have one
			// point per interval.
			for _, c := range got.Charts {
				if c.ID == chartThroughput || c.ID == chartErrors || c.ID == chartLag || strings.HasPrefix(c.ID, "chart-latency-") {
					for _, s := range c.Series {
						if s.Points != len(r.Timeline) {
							t.Errorf("%s %s: %d points for %d intervals", c.ID, s.Name, s.Points, len(r.Timeline))
						}
					}
				}
			}
			checkGateRows(t, got.Gates, r.Gates)
		})
	}
}

// checkGateRows compares the gate table's cells with the result's gates.
func checkGateRows(t *testing.T, rows [][]string, gates []measure.GateOutcome) {
	t.Helper()
	if len(rows) != len(gates) {
		t.Fatalf("%d gate rows for %d gates: %q", len(rows), len(gates), rows)
	}
	for i, g := range gates {
		verdict := "PASS"
		if !g.Passed {
			verdict = "FAIL"
		}
		want := []string{verdict, g.Expr, g.Display, g.Reason}
		if strings.Join(rows[i], "\x00") != strings.Join(want, "\x00") {
			t.Errorf("gate row %d %q, want %q", i, rows[i], want)
		}
	}
}

// TestHTMLScreenshot writes a full-page PNG of a report to the file
// KBENCH_SCREENSHOT names: of the quickstart run in testdata, or of the
// result directory KBENCH_SCREENSHOT_RESULT names (docs/img/html-report.png
// is made this way).
func TestHTMLScreenshot(t *testing.T) {
	browser := newBrowser(t, screenshotEnv)
	out, err := filepath.Abs(os.Getenv(screenshotEnv))
	if err != nil {
		t.Fatal(err)
	}
	src := os.Getenv(screenshotRunEnv)
	if src == "" {
		src = filepath.Join("testdata", "html", "quickstart")
	}
	r, err := ReadResult(src)
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), HTMLFile)
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := HTMLDir(f, src, r); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, _ := openPage(t, browser, page)
	if err := call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: 1200, Height: 900, DeviceScaleFactor: 1}); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("not a PNG (%d bytes)", len(png))
	}
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d bytes", out, len(png))
}
