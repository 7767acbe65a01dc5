package simulate_test

import (
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stagebot/season/simulate"
	"stagebot/web/browsertest"
)

var screenshots = flag.Bool("screenshots", false, "write the report's screenshots to docs/simulate")

// The report of the README's run (docs/simulate/report.json, all of Paris) reads in a real browser,
// at a desktop's width and a phone's: its first screen says how many students got a place and how
// many reserved places REP/REP+ students took, and nothing is wider than the screen but the
// tables, which scroll in their own box.
func TestReportInBrowser(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "simulate", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r simulate.Report
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, lang    string
		width, height int
		want          []string
	}{
		{"report-desktop", "fr", 1280, 900, []string{"élèves ont obtenu un stage", "places qui leur sont réservées", "restées vides"}},
		{"report-phone", "fr", 390, 844, []string{"élèves ont obtenu un stage", "places qui leur sont réservées"}},
		{"report-desktop-en", "en", 1280, 900, []string{"students got a stage", "places reserved for them"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				if err := r.WriteHTML(w, tt.lang); err != nil {
					t.Error(err)
				}
			}))
			defer srv.Close()
			ctx := browsertest.Start(t, tt.width, tt.height)
			browsertest.Do(t, ctx, chromedp.Navigate(srv.URL), chromedp.WaitVisible(chromedp.CSS("#brief")))
			c, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			brief, err := chromedp.Run(c, chromedp.Text(chromedp.CSS("#brief")))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(brief, w) {
					t.Errorf("the first screen does not say %q: %s", w, brief)
				}
			}
			wide, err := chromedp.Run(c, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if wide {
				t.Errorf("the page is wider than %d pixels", tt.width)
			}
			if *screenshots {
				png, err := chromedp.Run(c, chromedp.FullScreenshot(80))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join("..", "..", "docs", "simulate", tt.name+".jpg"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
