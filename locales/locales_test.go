package locales

import (
	"sort"
	"strconv"
	"strings"
	"testing"
)

// fullCatalogs are the languages that must define every key French defines: the students', hosts'
// and parents' languages. The other languages are only offered to parents and define exactly the
// parent group (see isParentID); everything else falls back to French.
var fullCatalogs = map[string]bool{"fr": true, "en": true}

// parentLanguages are the languages a parent can choose (conversation.ParentLanguages).
var parentLanguages = []string{"fr", "en", "ar", "zh", "pt", "es"}

// isParentID reports whether id is in the parent group: the parents' messages (parent_…) and what
// the parents' SMS are written with: the numbered menus' hint, and dates.
func isParentID(id string) bool {
	switch id {
	case "render_reply_hint", "render_or", "date_long", "month_year", "hours_and":
		return true
	}
	if strings.HasPrefix(id, "parent_") {
		return true
	}
	for prefix, last := range map[string]int{"weekday_": 7, "month_": 12} {
		if n, err := strconv.Atoi(strings.TrimPrefix(id, prefix)); err == nil && strings.HasPrefix(id, prefix) &&
			n >= 1 && n <= last {
			return true
		}
	}
	return false
}

// parentGroup is the parent group of fr.toml's ids, sorted.
func parentGroup(t *testing.T) []string {
	t.Helper()
	all, err := MessageIDs(Default)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, id := range all {
		if isParentID(id) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// French and English define exactly the same keys; every other language defines exactly the parent
// group of French's keys.
func TestEveryLanguageHasEveryKey(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	all, err := MessageIDs(Default)
	if err != nil {
		t.Fatal(err)
	}
	group := parentGroup(t)
	for _, lang := range c.Languages() {
		want, rule := group, "the parent group of fr.toml"
		if fullCatalogs[lang] {
			want, rule = all, "fr.toml"
		}
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
			t.Errorf("%s.toml has %q, which is not in %s", lang, id, rule)
		}
	}
}

func TestParentGroup(t *testing.T) {
	group := parentGroup(t)
	for _, id := range []string{"parent_notice_consent", "parent_help", "render_reply_hint", "render_or", "date_long",
		"month_year", "weekday_1", "weekday_7", "month_1", "month_12"} {
		i := sort.SearchStrings(group, id)
		if i == len(group) || group[i] != id {
			t.Errorf("parent group lacks %q", id)
		}
	}
	for _, id := range []string{"host_help", "menu", "month_13", "weekday_0", "choice_yes"} {
		if isParentID(id) {
			t.Errorf("%q is not in the parent group", id)
		}
	}
}

// sampleData fills every variable a parent message or a date uses.
var sampleData = map[string]any{
	"Child": "Mohammed B.", "Children": "Mohammed B., Fatoumata D.", "Student": "Mohammed B.", "First": "MOHAMMED",
	"School": "Georges Clemenceau", "Host": "Médiathèque Václav-Havel", "Offer": "Découverte du métier de bibliothécaire",
	"Week": "lundi 18 janvier", "Friday": "vendredi 22 janvier", "Address": "12 rue des Lilas 75019 Paris",
	"Hours": "9h-16h", "Contact": "Claire Martin", "Numbers": "1, 2 ou 3", "Weekday": "lundi", "Month": "janvier",
	"Year": 2027, "Count": 18, "OfStudent": "de Mohammed B.", "OfChild": "de Mohammed B.",
	"Hosts": "Médiathèque Václav-Havel, Musée Carnavalet", "ConfirmBy": "vendredi 15 janvier", "DecideBy": "jeudi 14 janvier",
	"Code": "482 913", "Left": 3, "Link": "https://stagebot.example.org/c/4f2a", "Missing": "la signature du collège",
	"YouSign": true,
}

// Each parent language loads, and every parent message, filled with full data, leaves no variable
// unfilled, in every plural category of the language (0, 1, 2, 3, 5, 11 and 100 reach Arabic's six).
func TestParentMessagesFill(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range parentLanguages {
		if !c.Has(lang) {
			t.Errorf("%s has no catalog", lang)
		}
	}
	for _, lang := range parentLanguages {
		for _, id := range parentGroup(t) {
			texts := []string{c.Text(lang, id, sampleData)}
			for _, n := range []int{0, 1, 2, 3, 5, 11, 100} {
				texts = append(texts, c.Plural(lang, id, n, sampleData))
			}
			for _, text := range texts {
				if text == "" || text == id || strings.Contains(text, "<no value>") || strings.Contains(text, "{{") {
					t.Errorf("%s %s = %q", lang, id, text)
				}
			}
		}
	}
}

// A language of the parent group says its own dates, and says it will write in itself.
func TestParentLanguagesOwnTexts(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	date := func(lang string, day int) string {
		return c.Plural(lang, "date_long", day, map[string]any{"Weekday": c.Text(lang, "weekday_1", nil),
			"Month": c.Text(lang, "month_1", nil)})
	}
	tests := []struct{ lang, date, language string }{
		{"fr", "lundi 18 janvier", "français"},
		{"en", "Monday 18 January", "English"},
		{"ar", "الاثنين 18 يناير", "بالعربية"},
		{"zh", "1月18日星期一", "中文"},
		{"pt", "segunda-feira, 18 de janeiro", "português"},
		{"es", "lunes 18 de enero", "español"},
	}
	for _, tt := range tests {
		if got := date(tt.lang, 18); got != tt.date {
			t.Errorf("%s date = %q, want %q", tt.lang, got, tt.date)
		}
		if got := c.Text(tt.lang, "parent_language_set", nil); !strings.Contains(got, tt.language) {
			t.Errorf("%s parent_language_set = %q, want it to name %q", tt.lang, got, tt.language)
		}
	}
	if got := date("ar", 1); got != "الاثنين 1 يناير" {
		t.Errorf("ar date on the 1st = %q", got)
	}
	if got := date("zh", 2); got != "1月2日星期一" {
		t.Errorf("zh date on the 2nd = %q", got)
	}
	// A message outside the parent group falls back to French in the parent-only languages.
	if fr, got := c.Text("fr", "menu", map[string]any{"Name": "Léa"}), c.Text("pt", "menu", map[string]any{"Name": "Léa"}); got != fr {
		t.Errorf("pt menu = %q, want the French %q", got, fr)
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
