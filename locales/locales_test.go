package locales

import (
	"strings"
	"testing"
)

// Every language must define exactly the keys French defines.
func TestEveryLanguageHasEveryKey(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	want, err := MessageIDs(Default)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range c.Languages() {
		got, err := MessageIDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, id := range got {
			have[id] = true
		}
		for _, id := range want {
			if !have[id] {
				t.Errorf("%s.toml lacks %q", lang, id)
			}
			delete(have, id)
		}
		for id := range have {
			t.Errorf("%s.toml has %q, which fr.toml lacks", lang, id)
		}
	}
}

func TestTextFallsBackAndFills(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Text("en", "render_reply_hint", map[string]any{"Numbers": "1 or 2"}); got != "Reply 1 or 2" {
		t.Errorf("en = %q", got)
	}
	if got := c.Text("xx", "render_or", nil); got != "ou" {
		t.Errorf("unknown language should fall back to French, got %q", got)
	}
	if got := c.Text("fr", "no_such_key", nil); !strings.Contains(got, "no_such_key") {
		t.Errorf("missing key = %q", got)
	}
}
