// Package browsertest starts Debian's headless Chromium for a test, through chromedp: the pages and
// reports are tested in a real browser, never a mock of one. Without Chromium the test is skipped,
// unless STAGEBOT_BROWSER=required (CI installs it and says so).
package browsertest

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Path is where Debian installs Chromium.
const Path = "/usr/bin/chromium"

// Start starts a browser for the test, its viewport width × height (0 × 0: Chromium's own), and
// stops it when the test ends.
func Start(t testing.TB, width, height int) context.Context {
	t.Helper()
	if _, err := os.Stat(Path); err != nil {
		if os.Getenv("STAGEBOT_BROWSER") == "required" {
			t.Fatal("chromium is not installed (apt-get install chromium)")
		}
		t.Skip("chromium is not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.ExecPath(Path),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()))
	if width > 0 {
		opts = append(opts, chromedp.WindowSize(width, height))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser: no timeout on this first run
		t.Fatal(err)
	}
	if width > 0 {
		Do(t, ctx, chromedp.EmulateViewport(int64(width), int64(height))) // narrower than a window may be
	}
	return ctx
}

// Do runs browser steps, with a timeout.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatal(err)
	}
}

// Submit clicks the element sel (a form's button) and waits until the page it leads to has loaded.
func Submit(t testing.TB, ctx context.Context, sel string) {
	t.Helper()
	Click(t, ctx, chromedp.CSS(sel))
}

// Click clicks what sel finds (a CSS selector, or a Search such as an XPath query) and waits until the
// page it leads to has loaded.
func Click[S chromedp.Selectable](t testing.TB, ctx context.Context, sel S) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Evaluate[bool](`window.stagebotOld = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(c, chromedp.Click(sel)); err != nil {
		t.Fatalf("%v: %v", sel, err)
	}
	for {
		gone, err := chromedp.Run(c, chromedp.Evaluate[bool](`window.stagebotOld === undefined && document.readyState === "complete"`))
		if err == nil && gone {
			return
		}
		if c.Err() != nil {
			t.Fatalf("%v: the next page did not come", sel)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// Text reads the text of the first element sel finds, its spaces folded.
func Text[S chromedp.Selectable](t testing.TB, ctx context.Context, sel S) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("%v: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}
