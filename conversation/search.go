package conversation

import (
	"strconv"
	"strings"
	"unicode"

	"stagebot/domain"
	"stagebot/fold"
)

// Most runes of a search word kept.
const maxKeyword = 50

// newSearch starts a search from scratch: no filter, and the ways to search.
func (t *turn) newSearch() {
	t.s.Search = Search{}
	t.goTo(AskSearch)
}

// showAskSearch asks for a word, or a way to search.
func (t *turn) showAskSearch() {
	t.say(t.tr("search", data{"Examples": t.tr("search_examples", nil)}),
		t.choiceOf("search:sector", "choice_by_sector"),
		t.choiceOf("search:arr", "choice_by_arrondissement"),
		t.choiceOf("search:city", "choice_city_only"),
		t.choiceOf("search:ess", "choice_ess_only"),
		t.choiceOf(keyAll, "choice_see_all"),
		t.choiceOf(keyMenu, "choice_menu"))
}

// onSearch searches one way or another; a word typed starts a search by itself (see searchWords).
func (t *turn) onSearch() {
	switch t.choice {
	case "search:sector":
		t.goTo(PickFamily)
	case "search:arr":
		t.goTo(AskArrondissement)
	case "search:city":
		t.runSearch(domain.Filters{Kind: "city"})
	case "search:ess":
		t.runSearch(domain.Filters{Kind: "ess"})
	case keyAll:
		t.runSearch(domain.Filters{})
	default:
		t.confused()
	}
}

// looksLikeSearch reports whether the message can be read as words to search: it has a letter, is
// not a number, and is not a yes or a no (which mean nothing on a screen that asks no question).
func (t *turn) looksLikeSearch() bool {
	if t.in.Choice != "" || t.number || strings.IndexFunc(t.text, unicode.IsLetter) < 0 {
		return false
	}
	word := bareWord(t.text)
	return !isYes(word) && !isNo(word) && !t.choiceWord(word)
}

// choiceWords are the choices whose label, typed where the choice is not offered, means that choice
// and no search: "Postuler" on an offer one cannot apply to.
var choiceWords = []string{"choice_apply", "choice_more", "choice_back", "choice_details", "choice_back_to_results",
	"choice_no_filter", "choice_new_search", "choice_search", "choice_my_applications", "choice_my_profile",
	"choice_confirm_place", "choice_withdraw", "choice_by_sector", "choice_by_arrondissement"}

// choiceWord reports whether word is the label of one of the choiceWords in the person's language.
func (t *turn) choiceWord(word string) bool {
	for _, id := range choiceWords {
		if bareWord(t.tr(id, nil)) == word {
			return true
		}
	}
	return false
}

// searchWords starts a new search with what the student typed, on any screen: an arrondissement in it
// ("11e", "75011") and "ESS" become filters, the other words the keywords. Every other filter goes:
// a new word is a new search.
func (t *turn) searchWords(text string) {
	if seeAll(text) {
		t.runSearch(domain.Filters{})
		return
	}
	if n, ok := parseArrondissement(text); ok {
		t.runSearch(domain.Filters{Arrondissement: n})
		return
	}
	var f domain.Filters
	var words []string
	for _, field := range strings.Fields(text) {
		word := strings.Trim(fold.String(field), ",;.!?")
		if n, ok := arrondissementWord(word); ok && f.Arrondissement == 0 {
			f.Arrondissement = n
			continue
		}
		if word == "ess" && f.Kind == "" {
			f.Kind = "ess"
			continue
		}
		words = append(words, field)
	}
	f.Keyword = cut(strings.Join(words, " "), maxKeyword)
	t.runSearch(f)
}

// seeAll reports whether the message asks for every offer: "tout voir", "tout", "see all".
func seeAll(text string) bool {
	switch strings.Trim(bareWord(text), " !.?") {
	case "tout", "tout voir", "toutes", "toutes les offres", "tout afficher", "all", "see all", "everything", "show all":
		return true
	}
	return false
}

// arrondissementWord reads one word naming an arrondissement: "11e", "1er", "11eme", "75011".
func arrondissementWord(word string) (int, bool) {
	n, ok := postcodeArrondissement(word)
	if !ok {
		digits := strings.TrimRightFunc(word, func(r rune) bool { return r < '0' || r > '9' })
		suffix := strings.TrimPrefix(word, digits)
		if digits == "" || suffix == "" {
			return 0, false // a bare number is no arrondissement within words
		}
		n, ok = ordinal(word)
	}
	return n, ok && n >= 1 && n <= 20
}

// runSearch shows the first page of results with filters f.
func (t *turn) runSearch(f domain.Filters) {
	t.s.Search = Search{Filters: f}
	t.goTo(Results)
}

// describeFilters names the filters in a few characters: "musée, 11e, ESS"; "" for none. A long
// sector name is shortened.
func (t *turn) describeFilters() string {
	f := t.s.Search.Filters
	var parts []string
	if f.Keyword != "" {
		parts = append(parts, shorten(f.Keyword, 20))
	}
	if f.SectorName != "" {
		parts = append(parts, shorten(f.SectorName, 20))
	}
	if f.Arrondissement != 0 {
		parts = append(parts, t.arrondissement(f.Arrondissement))
	}
	if f.Kind != "" {
		parts = append(parts, t.kind(f.Kind))
	}
	return strings.Join(parts, ", ")
}

// showPickFamily asks for the families of sectors that have offers for the student.
func (t *turn) showPickFamily() {
	t.ask(ListFamilies{StudentID: t.s.Profile.StudentID})
}

// familiesFound offers the families that have offers, then their sectors (two short steps for the
// 42 sectors).
func (t *turn) familiesFound() bool {
	r, ok := t.in.Result.(FamiliesFound)
	if !ok {
		return false
	}
	t.land(PickFamily)
	if len(r.Families) == 0 {
		t.say(t.tr("results_none", nil), t.choiceOf(keyMenu, "choice_menu"))
		return true
	}
	choices := make([]domain.Choice, 0, len(r.Families)+1)
	for _, f := range r.Families {
		choices = append(choices, t.choiceOf("family:"+f.Key, "family_"+f.Key))
	}
	choices = append(choices, t.choiceOf(keyMenu, "choice_menu"))
	t.say(t.tr("pick_family", nil), choices...)
	return true
}

// onPickFamily opens the family picked.
func (t *turn) onPickFamily() {
	family, ok := strings.CutPrefix(t.choice, "family:")
	if !ok {
		t.confused()
		return
	}
	t.s.Family = family
	t.goTo(PickSector)
}

// showPickSector asks for the sectors of the family picked.
func (t *turn) showPickSector() {
	if t.s.Family == "" {
		t.goTo(PickFamily)
		return
	}
	t.ask(FindSectors{StudentID: t.s.Profile.StudentID, Family: t.s.Family})
}

// sectorsFound offers the sectors of the family that have offers, with how many; a family with one
// such sector is searched at once.
func (t *turn) sectorsFound() bool {
	r, ok := t.in.Result.(SectorsFound)
	if !ok || r.Family != t.s.Family {
		return false
	}
	switch len(r.Sectors) {
	case 0:
		t.preface(t.tr("results_none", nil))
		t.goTo(PickFamily)
	case 1:
		t.pickSector(r.Sectors[0])
	default:
		t.land(PickSector)
		choices := make([]domain.Choice, 0, len(r.Sectors)+2)
		for _, sec := range r.Sectors {
			choices = append(choices, domain.Choice{Key: "sector:" + strconv.Itoa(sec.ID),
				Label: t.plural("sector_with_offers", sec.Offers, data{"Sector": sec.Name})})
		}
		choices = append(choices, t.choiceOf(keyBack, "choice_other_families"), t.choiceOf(keyMenu, "choice_menu"))
		t.say(t.tr("pick_sector", data{"Family": t.tr("family_"+r.Family, nil)}), choices...)
	}
	return true
}

// onPickSector searches in the sector picked, or goes back to the families.
func (t *turn) onPickSector() {
	if t.choice == keyBack {
		t.goTo(PickFamily)
		return
	}
	id, err := strconv.Atoi(strings.TrimPrefix(t.choice, "sector:"))
	if !strings.HasPrefix(t.choice, "sector:") || err != nil {
		t.confused()
		return
	}
	name := ""
	for i, key := range t.s.Choices {
		if key == t.choice && i < len(t.s.Labels) {
			name = t.s.Labels[i]
		}
	}
	if i := strings.LastIndex(name, " ("); i > 0 {
		name = name[:i] // the label's count of offers
	}
	t.pickSector(domain.Sector{ID: id, Name: name})
}

func (t *turn) pickSector(sec domain.Sector) {
	t.runSearch(domain.Filters{SectorID: sec.ID, SectorName: sec.Name})
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
	t.runSearch(domain.Filters{Arrondissement: n})
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
