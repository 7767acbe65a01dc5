package demo

import (
	"testing"

	"stagebot/locales"
)

// Every demo_ sentence the page writes is in French and in English, and every one there is
// written somewhere.
func TestDemoWords(t *testing.T) {
	used, err := locales.UsedIn(".", "demo_")
	if err != nil {
		t.Fatal(err)
	}
	// Built from a prefix and a key.
	for prefix, keys := range map[string][]string{"demo_": {"eleve", "parent", "hote"},
		"demo_waiting_": {"parent", "hote"}, "demo_channel_": {"sms", "telegram", "whatsapp"}} {
		delete(used, prefix)
		for _, k := range keys {
			used[prefix+k] = true
		}
	}
	for _, lang := range []string{"fr", "en"} {
		missing, unused, err := locales.Compare(lang, "demo_", used)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range missing {
			t.Errorf("%s.toml has no %q", lang, id)
		}
		for _, id := range unused {
			t.Errorf("%s.toml: %q is never used", lang, id)
		}
	}
}
