package conversation

import (
	"strconv"
	"strings"
	"unicode"

	"stagebot/domain"
	"stagebot/fold"
)

// Most runes of a search word or a sector name looked up.
const maxKeyword = 50

// showAskSearch asks how to search, with the filters already set.
func (t *turn) showAskSearch() {
	text := t.tr("search", nil)
	if f := t.describeFilters(); f != "" {
		text = t.tr("search_filters", data{"Filters": f}) + "\n" + text
	}
	t.say(text,
		t.choiceOf("search:sector", "choice_by_sector"),
		t.choiceOf("search:arr", "choice_by_arrondissement"),
		t.choiceOf("search:city", "choice_city_only"),
		t.choiceOf("search:ess", "choice_ess_only"),
		t.choiceOf("search:all", "choice_see_all"),
		t.choiceOf(keyMenu, "choice_menu"))
}

// onSearch sets a filter, or searches the word typed.
func (t *turn) onSearch() {
	f := &t.s.Search.Filters
	switch t.choice {
	case "search:sector":
		t.goTo(AskSector)
	case "search:arr":
		t.goTo(AskArrondissement)
	case "search:city":
		f.Kind = "city"
		t.runSearch()
	case "search:ess":
		f.Kind = "ess"
		t.runSearch()
	case "search:all":
		*f = domain.Filters{}
		t.runSearch()
	default:
		if t.choice != "" || t.number || !hasLetterOrDigit(t.text) {
			t.confused()
			return
		}
		f.Keyword = cut(t.text, maxKeyword)
		t.runSearch()
	}
}

// runSearch shows the first page of results of the current filters.
func (t *turn) runSearch() {
	t.s.Search.Page = 0
	t.s.Search.Total = 0
	t.goTo(Results)
}

// describeFilters lists the filters set: "\"musée\", santé, 11e, Ville de Paris"; "" for none.
func (t *turn) describeFilters() string {
	f := t.s.Search.Filters
	var parts []string
	if f.Keyword != "" {
		parts = append(parts, "\""+f.Keyword+"\"")
	}
	if f.SectorName != "" {
		parts = append(parts, f.SectorName)
	}
	if f.Arrondissement != 0 {
		parts = append(parts, t.arrondissement(f.Arrondissement))
	}
	if f.Kind != "" {
		parts = append(parts, t.kind(f.Kind))
	}
	return strings.Join(parts, ", ")
}

// showAskSector asks for a sector.
func (t *turn) showAskSector() { t.say(t.tr("ask_sector", nil)) }

// onSector looks the sector typed up.
func (t *turn) onSector() {
	if t.choice != "" || t.number || strings.IndexFunc(t.text, unicode.IsLetter) < 0 {
		t.confused()
		return
	}
	t.s.Query = cut(t.text, maxKeyword)
	t.land(AskSector)
	t.ask(FindSectors{Query: t.s.Query})
}

// sectorsFound reads the sectors matching what was typed: none, one to search at once, or a list.
func (t *turn) sectorsFound() bool {
	r, ok := t.in.Result.(SectorsFound)
	if !ok || t.s.Query == "" {
		return false
	}
	switch len(r.Sectors) {
	case 0:
		t.land(AskSector)
		t.say(t.tr("sector_not_found", data{"Query": t.s.Query}))
	case 1:
		t.pickSector(r.Sectors[0])
	default:
		t.land(PickSector)
		choices := make([]domain.Choice, 0, 5)
		for i, sec := range r.Sectors {
			if i == 5 {
				break
			}
			choices = append(choices, domain.Choice{Key: "sector:" + strconv.Itoa(sec.ID), Label: sec.Name})
		}
		t.say(t.tr("pick_sector", nil), choices...)
	}
	return true
}

// showPickSector looks the sector typed up again, to show the list again.
func (t *turn) showPickSector() {
	if t.s.Query == "" {
		t.goTo(AskSector)
		return
	}
	t.ask(FindSectors{Query: t.s.Query})
}

// onPickSector searches in the sector picked, or looks a new word up.
func (t *turn) onPickSector() {
	id, err := strconv.Atoi(strings.TrimPrefix(t.choice, "sector:"))
	if t.choice == "" || err != nil {
		t.onSector()
		return
	}
	name := ""
	for i, key := range t.s.Choices {
		if key == t.choice && i < len(t.s.Labels) {
			name = t.s.Labels[i]
		}
	}
	t.pickSector(domain.Sector{ID: id, Name: name})
}

func (t *turn) pickSector(sec domain.Sector) {
	t.s.Query = ""
	t.s.Search.Filters.SectorID = sec.ID
	t.s.Search.Filters.SectorName = sec.Name
	t.runSearch()
}

// showAskArrondissement asks for an arrondissement.
func (t *turn) showAskArrondissement() { t.say(t.tr("ask_arrondissement", nil)) }

// onArrondissement reads "11", "11e", "11ème", "1er", "75011" or "Paris 11" and searches there.
func (t *turn) onArrondissement() {
	n, ok := parseArrondissement(t.text)
	if !ok {
		t.refuse(t.tr("arrondissement_invalid", nil))
		return
	}
	t.s.Search.Filters.Arrondissement = n
	t.runSearch()
}

// parseArrondissement reads an arrondissement of Paris, 1 to 20.
func parseArrondissement(text string) (int, bool) {
	n := 0
	for _, word := range fold.Words(text) {
		switch word {
		case "paris", "arrondissement", "arr", "arrt", "eme", "e", "er":
			continue
		}
		v, ok := ordinal(word)
		if !ok {
			v, ok = postcodeArrondissement(word)
		}
		if !ok || n != 0 {
			return 0, false
		}
		n = v
	}
	return n, n >= 1 && n <= 20
}

// postcodeArrondissement reads 75011 as 11 (and 75116 as 16).
func postcodeArrondissement(word string) (int, bool) {
	code, err := strconv.Atoi(word)
	if err != nil || len(word) != 5 || !strings.HasPrefix(word, "75") {
		return 0, false
	}
	if code == 75116 {
		return 16, true
	}
	return code - 75000, true
}

// arrondissement writes n as "11e" or "1er".
func (t *turn) arrondissement(n int) string { return t.plural("arrondissement", n, nil) }

// kind writes "city" or "ess" for people.
func (t *turn) kind(k string) string {
	if k == "ess" {
		return t.tr("kind_ess", nil)
	}
	return t.tr("kind_city", nil)
}

func hasLetterOrDigit(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0
}
