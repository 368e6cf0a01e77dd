// Package browser holds the journeys that drive Chromium through Tandem's
// pages (axe-core's findings in .artifacts/axe.txt; with SCREENSHOTS=1,
// as make screenshots runs them, every checked page in
// .artifacts/screenshots). make test runs them on stand-ins of their own and
// without the race detector, after the race-enabled run of every other
// package: their Go side is the handlers and services the API journeys of
// scripts/e2e already run under the detector. What both share is in
// scripts/e2e/e2etest.
package browser

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/tandemhq/tandem/scripts/e2e/e2etest"
	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// chromium is the package's one Chromium, started by the first journey
// that needs it and closed when the run ends (TestMain). Every journey has
// a browser context of its own in it — cookies, storage and cache apart, as
// in a fresh profile — and every browser(t) call a tab in its own context:
// a Chromium per journey cost each its own start.
var chromium struct {
	once   sync.Once
	ctx    context.Context // the browser's first tab, never navigated
	err    error
	cancel func()
}

func TestMain(m *testing.M) {
	code := m.Run()
	if chromium.cancel != nil {
		chromium.cancel()
	}
	os.Exit(code)
}

// startChromium starts the package's Chromium at path.
func startChromium(path string) {
	// Not a test's TempDir: Chromium's helpers may still write there for
	// a moment after the browser exits, which fails TempDir's strict cleanup.
	profile, err := os.MkdirTemp("", "tandem-chromium-")
	if err != nil {
		chromium.err = err
		return
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 900),
		// Several journeys' windows are open at once: none is a background
		// window whose timers and rendering Chromium would slow.
		chromedp.Flag("disable-background-timer-throttling", true), chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	first, cancelFirst := chromedp.NewContext(actx)
	chromium.ctx, chromium.err = first, chromedp.Run(first)
	chromium.cancel = func() {
		cancelFirst()
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// newTab opens a tab in a new browser context of the package's Chromium;
// cancel closes both. (chromedp's WithNewBrowserContext asks for a tab
// without a window, which this headless Chromium refuses: "no browser is
// open".)
func newTab() (context.Context, context.CancelFunc, error) {
	c := chromedp.FromContext(chromium.ctx)
	exec := cdp.WithExecutor(chromium.ctx, c.Browser)
	id, err := target.CreateBrowserContext().WithDisposeOnDetach(true).Do(exec)
	if err != nil {
		return nil, nil, err
	}
	tid, err := target.CreateTarget("about:blank").WithBrowserContextID(id).WithNewWindow(true).Do(exec)
	if err != nil {
		_ = target.DisposeBrowserContext(id).Do(exec)
		return nil, nil, err
	}
	tab, cancelTab := chromedp.NewContext(chromium.ctx, chromedp.WithTargetID(tid))
	return tab, func() {
		cancelTab()
		_ = target.DisposeBrowserContext(id).Do(exec)
	}, nil
}

// browser opens a tab for t in a browser context of its own (closed when t
// ends) and collects console errors.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is required under CI=true: `make test` installs Debian's chromium")
		}
		t.Skip("Chromium not installed: run `make test`")
	}
	chromium.once.Do(func() { startChromium(path) })
	if chromium.err != nil {
		t.Fatalf("start chromium: %v", chromium.err)
	}
	tab, cancelCtx, err := newTab()
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	// The deadline bounds a hang, not a slow machine: under make test a
	// long journey shares two cores with three others and the race run
	// (TestPeoplePage took 134 s there once, 17–54 s alone).
	ctx, cancelTimeout := context.WithTimeout(tab, 4*time.Minute)
	t.Cleanup(func() {
		if t.Failed() {
			lastSight(t, tab)
		}
		cancelTimeout()
		cancelCtx()
	})

	var mu sync.Mutex
	var problems []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				problems = append(problems, "console error: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.LevelError {
				problems = append(problems, "log error: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	})
	if err := chromedp.Run(ctx, log.Enable(), runtime.Enable()); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

// lastSight logs where a failed test's browser stood and what it showed,
// and saves its screenshot as failed-<test>.png: a wait that never ended
// (an error page where a form's answer was expected) otherwise leaves only
// "context deadline exceeded". tab is the browser's context without the
// test's deadline, which may be what failed.
func lastSight(t *testing.T, tab context.Context) {
	ctx, cancel := context.WithTimeout(tab, 10*time.Second)
	defer cancel()
	name := "failed-" + strings.ReplaceAll(t.Name(), "/", "-")
	var at, text string
	err := chromedp.Run(ctx, chromedp.Location(&at), chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &text),
		chromedp.ActionFunc(func(ctx context.Context) error { return capture(ctx, name) }))
	if err != nil {
		t.Logf("the browser's last page could not be read: %v", err)
		return
	}
	t.Logf("the browser's last page, %s (screenshot %s.png):\n%.1500s", at, name, text)
}

// screenshots says whether the journeys save a picture of every page they
// check: make screenshots sets SCREENSHOTS=1 for the person reviewing a
// page; make test does not (the 142 full-page captures were 57 of the
// journeys' 143 s, and nobody looks at a CI run's pictures). What a page
// is checked for — its text, the fit at 390 px, axe — is the same either
// way, and a failure's last page is saved always (lastSight).
var screenshots = os.Getenv("SCREENSHOTS") != ""

// shot saves a full-page screenshot under .artifacts/screenshots when
// screenshots are asked for.
func shot(t *testing.T, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if !screenshots {
			return nil
		}
		return capture(ctx, name)
	})
}

// capture saves the page's full-page screenshot as name.png.
func capture(ctx context.Context, name string) error {
	// chromedp.FullScreenshot's capture, encoded for speed: the default
	// best compression made Chromium the suite's busiest process.
	buf, err := page.CaptureScreenshot().WithCaptureBeyondViewport(true).WithFromSurface(true).
		WithFormat(page.CaptureScreenshotFormatPng).WithOptimizeForSpeed(true).Do(ctx)
	if err != nil {
		return err
	}
	root, err := localstack.ModuleRoot()
	if err != nil {
		return err
	}
	dir := filepath.Join(root, ".artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
	axeMu     sync.Mutex
)

// axeReport appends one page's axe result to .artifacts/axe.txt.
func axeReport(line string) {
	axeMu.Lock()
	defer axeMu.Unlock()
	root, err := localstack.ModuleRoot()
	if err != nil {
		return
	}
	_ = os.MkdirAll(filepath.Join(root, ".artifacts"), 0o755)
	f, err := os.OpenFile(filepath.Join(root, ".artifacts", "axe.txt"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}

// axe runs axe-core on the page and fails on any serious or critical
// violation. The page keeps its strict CSP; the browser bypasses it for
// the injected script only (DevTools' Page.setBypassCSP, set at start).
func axe(t *testing.T, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		axeOnce.Do(func() {
			root, err := localstack.ModuleRoot()
			if err != nil {
				axeErr = err
				return
			}
			b, err := os.ReadFile(filepath.Join(root, ".tools", "node_modules", "axe-core", "axe.min.js"))
			axeSource, axeErr = string(b), err
		})
		if axeErr != nil {
			if os.Getenv("CI") == "true" {
				return fmt.Errorf("axe-core is required under CI=true (make test installs it): %w", axeErr)
			}
			t.Logf("axe-core not installed (make test installs it): %v", axeErr)
			return nil
		}
		if err := chromedp.Evaluate(axeSource, nil).Do(ctx); err != nil {
			return fmt.Errorf("inject axe: %w", err)
		}
		var out string
		err := chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help}))))`,
			&out, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }).Do(ctx)
		if err != nil {
			return fmt.Errorf("run axe: %w", err)
		}
		var vs []struct {
			ID, Impact, Help string
			Nodes            int
		}
		if err := json.Unmarshal([]byte(out), &vs); err != nil {
			return err
		}
		var serious, minor []string
		for _, v := range vs {
			s := fmt.Sprintf("%s (%s, %d nodes: %s)", v.ID, v.Impact, v.Nodes, v.Help)
			if v.Impact == "serious" || v.Impact == "critical" {
				serious = append(serious, s)
			} else {
				minor = append(minor, s)
			}
		}
		axeReport(fmt.Sprintf("%-28s serious/critical: %d; other: %d %s", name, len(serious), len(minor), strings.Join(minor, "; ")))
		if len(serious) > 0 {
			t.Errorf("axe on %s: %s", name, strings.Join(serious, "; "))
		}
		return nil
	})
}

// both takes the page's screenshot at 1280 and 390 px wide, then runs axe.
func both(t *testing.T, name string) chromedp.Action {
	return chromedp.Tasks{
		chromedp.EmulateViewport(1280, 900), shot(t, name+"-1280"),
		chromedp.EmulateViewport(390, 844), shot(t, name+"-390"), fits(t, name, 390),
		chromedp.EmulateViewport(1280, 900), axe(t, name),
	}
}

// fits fails when the page is wider than the viewport (readable at 320–390 px).
func fits(t *testing.T, name string, width int) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var w int
		if err := chromedp.Evaluate(`document.documentElement.scrollWidth`, &w).Do(ctx); err != nil {
			return err
		}
		if w > width {
			t.Errorf("%s is %d px wide at a %d px viewport", name, w, width)
		}
		return nil
	})
}

// signInAs opens start without a session and signs in as a person does:
// the sign-in page, the address, the link from the mail, its button. With
// shots set it screenshots and axe-checks each step.
func signInAs(t *testing.T, e *localtest.Env, email, start, shots string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := chromedp.Run(ctx,
			chromedp.Navigate(e.URL+start), // no session: to the sign-in page
			chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		); err != nil {
			return err
		}
		if shots != "" {
			if err := chromedp.Run(ctx, both(t, shots+"-login")); err != nil {
				return err
			}
		}
		seen := e2etest.CountMails(t, e, email, "Your sign-in link")
		if err := chromedp.Run(ctx,
			chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
			chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		); err != nil {
			return err
		}
		if shots != "" {
			if err := chromedp.Run(ctx, both(t, shots+"-check-mail")); err != nil {
				return err
			}
		}
		link := e2etest.LinkIn(t, e.NthMail(email, "Your sign-in link", seen+1), "/login/")
		if err := chromedp.Run(ctx, chromedp.Navigate(link), chromedp.WaitVisible(`form button`, chromedp.ByQuery)); err != nil {
			return err
		}
		if shots != "" {
			if err := chromedp.Run(ctx, both(t, shots+"-confirm")); err != nil {
				return err
			}
		}
		return chromedp.Run(ctx, chromedp.Click(`form button`, chromedp.ByQuery), chromedp.WaitVisible(`nav.console`, chromedp.ByQuery))
	})
}
