package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tandemhq/tandem/scripts/localstack"
	"github.com/tandemhq/tandem/scripts/localtest"
)

// browser starts a headless Chromium for t and collects console errors.
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
	// Not t.TempDir: Chromium's helpers may still write there for a moment
	// after the browser exits, which fails TempDir's strict cleanup.
	profile, err := os.MkdirTemp("", "tandem-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelCtx := chromedp.NewContext(actx)
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
		cancelAlloc()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
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
	err := chromedp.Run(ctx, chromedp.Location(&at), chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &text), shot(t, name))
	if err != nil {
		t.Logf("the browser's last page could not be read: %v", err)
		return
	}
	t.Logf("the browser's last page, %s (screenshot %s.png):\n%.1500s", at, name, text)
}

// shot saves a full-page screenshot under .artifacts/screenshots.
func shot(t *testing.T, name string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var buf []byte
		if err := chromedp.FullScreenshot(&buf, 100).Do(ctx); err != nil {
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
	})
}

func TestBrowserRegistrationAndSignup(t *testing.T) {
	t.Parallel()
	e := localtest.New(t)
	h := newHost(t, e, "Browser Host", map[string]any{"landing": map[string]any{
		"about": "We <b>care</b> about partners.", "links": []any{map[string]any{"title": "Program guide", "url": "https://host.example/guide"}},
	}})
	ctx, problems := browser(t)
	domain := "shop." + e.Domain
	email := "owner@" + domain

	var heading, checkText string
	var overflow bool
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(e.URL+"/p/"+h.Slug),
		chromedp.WaitVisible(`#email`, chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow),
		shot(t, "1-landing-phone"),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Text(`h1`, &heading, chromedp.ByQuery),
		shot(t, "2-landing"),
		chromedp.SendKeys(`#email`, email, chromedp.ByQuery),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`main`, &checkText, chromedp.ByQuery),
		shot(t, "3-check-email"),
	)
	if err != nil {
		t.Fatalf("landing page: %v", err)
	}
	if overflow {
		t.Error("the landing page scrolls sideways on a phone")
	}
	if heading != "Browser Host Partner Connect" || !strings.Contains(checkText, "Check your email") || !strings.Contains(checkText, email) {
		t.Fatalf("got heading %q and %q", heading, checkText)
	}

	link := linkIn(t, e.Mail(email, "Confirm your email"), "/signup?token=")
	fill := func(sel, v string) chromedp.Action { return chromedp.SetValue(sel, v, chromedp.ByQuery) }
	var errText string
	var invalid string
	err = chromedp.Run(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(`#company-name`, chromedp.ByQuery),
		shot(t, "4-signup-form"),
		fill(`#company-name`, "Shop & Co"),
		fill(`#company-website`, "https://"+domain),
		fill(`#company-country`, "DE"),
		fill(`#contacts-primary-name`, "Olga Owner"), fill(`#contacts-primary-email`, email),
		fill(`#contacts-support-name`, "Sam Support"), fill(`#contacts-support-email`, "support@"+domain),
		fill(`#contacts-escalation-name`, "Eve Escalation"), fill(`#contacts-escalation-email`, "esc@"+domain),
		fill(`#contacts-billing-name`, "Bo Billing"), fill(`#contacts-billing-email`, "billing@"+domain),
		fill(`#inbound-email`, "not-an-address"), fill(`#inbound-phone`, "+49 30 5555"),
		fill(`#inbound-hours-timezone`, "Europe/Berlin"),
		fill(`#acceptAddendum-name`, "Olga Owner"), fill(`#acceptAddendum-title`, "Owner"),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.alert`, chromedp.ByQuery),
		chromedp.Text(`#inbound-email-error`, &errText, chromedp.ByQuery),
		chromedp.AttributeValue(`#inbound-email`, "aria-invalid", &invalid, nil, chromedp.ByQuery),
		shot(t, "5-signup-errors"),
	)
	if err != nil {
		t.Fatalf("sign-up form with errors: %v", err)
	}
	if !strings.Contains(errText, "email address") || invalid != "true" {
		t.Fatalf("the bad support email is not flagged next to its input: %q aria-invalid=%q", errText, invalid)
	}

	var done string
	err = chromedp.Run(ctx,
		fill(`#inbound-email`, "support@"+domain),
		chromedp.Click(`input[name="acceptAddendum.accept"]`, chromedp.ByQuery),
		chromedp.Click(`form button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.ok`, chromedp.ByQuery),
		chromedp.Text(`main`, &done, chromedp.ByQuery),
		shot(t, "6-signed-up"),
	)
	if err != nil {
		t.Fatalf("sign-up: %v", err)
	}
	if !strings.Contains(done, "You are signed up") || !strings.Contains(done, "pending_approval") {
		t.Fatalf("confirmation page: %q", done)
	}
	e.Mail(h.Notify, "New partner sign-up for Browser Host Partner Connect: Shop & Co")
	if p := problems(); len(p) > 0 {
		t.Fatalf("the browser reported problems:\n%s", strings.Join(p, "\n"))
	}
	fmt.Fprintln(os.Stderr, "browser test: screenshots in .artifacts/screenshots/")
}
