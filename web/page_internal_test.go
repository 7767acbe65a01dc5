package web

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// Every text colour of the style sheet contrasts at least 4.5:1 (WCAG AA) with the backgrounds it
// is used on: the colours are read from the style sheet itself, so a change that breaks it fails.
func TestColoursContrast(t *testing.T) {
	css, err := staticFiles.ReadFile("static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"white": "#ffffff"}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	for _, pair := range [][2]string{
		{"ink", "paper"}, {"ink", "wash"}, {"muted", "paper"}, {"muted", "wash"}, {"accent", "paper"}, {"accent", "wash"},
		{"accent-dark", "paper"}, {"ok", "paper"}, {"warn", "paper"}, {"bad", "paper"},
		{"white", "navy"}, {"white", "accent"}, {"white", "accent-dark"},
	} {
		fg, bg := vars[pair[0]], vars[pair[1]]
		if fg == "" || bg == "" {
			t.Fatalf("the style sheet has no --%s or --%s", pair[0], pair[1])
		}
		if r := contrast(fg, bg); r < 4.5 {
			t.Errorf("%s on %s: %.2f:1, under 4.5:1", pair[0], pair[1], r)
		}
	}
}

// contrast is WCAG 2's contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	lum := func(hex string) float64 {
		var c [3]float64
		for i := range c {
			v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
			x := float64(v) / 255
			if x <= 0.03928 {
				c[i] = x / 12.92
			} else {
				c[i] = math.Pow((x+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
	}
	la, lb := lum(a), lum(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// Shares read as the language writes them, and a small one never reads as none.
func TestPercent(t *testing.T) {
	for _, tc := range []struct {
		lang        string
		part, whole int
		want        string
	}{
		{"fr", 6, 2036, "0,3\u00a0%"}, {"en", 6, 2036, "0.3%"}, {"fr", 1, 11522, "< 0,1\u00a0%"},
		{"fr", 0, 2036, "0\u00a0%"}, {"fr", 32, 294, "11\u00a0%"}, {"en", 7, 100, "7.0%"}, {"fr", 3, 0, "–"},
	} {
		if got := (Lang{lang: tc.lang}).Percent(tc.part, tc.whole); got != tc.want {
			t.Errorf("%s %d/%d: %q, want %q", tc.lang, tc.part, tc.whole, got, tc.want)
		}
	}
}

func TestDecimal(t *testing.T) {
	if got := (Lang{lang: "fr"}).Decimal(1.956, 2); got != "1,96" {
		t.Errorf("fr: %q", got)
	}
	if got := (Lang{lang: "en"}).Decimal(1.956, 2); got != "1.96" {
		t.Errorf("en: %q", got)
	}
}
