package conversation

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"stagebot/domain"
	"stagebot/fold"
)

// Most runes of an offer's description shown, in full and in short.
const (
	maxDescription      = 260
	maxShortDescription = 90
)

// showResults asks for the current page of the current search.
func (t *turn) showResults() {
	t.ask(SearchOffers{
		StudentID: t.s.Profile.StudentID,
		Filters:   t.s.Search.Filters,
		Page:      t.s.Search.Page,
		PageSize:  pageSize(t.in.Channel),
	})
}

// offersFound shows one page of the best offers, one choice each, and Plus while more of the best
// maxResults remain; past them, the student is asked to search more precisely. The header names the
// filters, with the choice to drop them.
func (t *turn) offersFound() bool {
	r, ok := t.in.Result.(OffersFound)
	if !ok {
		return false
	}
	size := pageSize(t.in.Channel)
	search := &t.s.Search
	search.Total = r.Total
	best := min(r.Total, maxResults)
	if len(r.Offers) == 0 && search.Page > 0 && r.Total > 0 {
		// The page asked for has emptied since (places went): show the last page there is, in
		// one more search whatever the page was.
		search.Page = (best - 1) / size
		t.showResults()
		return true
	}
	if len(r.Offers) == 0 {
		t.noResults()
		return true
	}
	offers := r.Offers[:min(len(r.Offers), best-search.Page*size)]
	from := search.Page*size + 1
	to := from + len(offers) - 1
	filters := t.describeFilters()
	header := t.plural("results", r.Total, data{"Filters": filters})
	many := r.Total > domain.CountedUpTo // a search with no filter counts that far (see domain.CountedUpTo)
	switch {
	case many && search.Page == 0:
		header = t.tr("results_many", data{"Count": domain.CountedUpTo})
	case many && to >= best:
		header = t.tr("results_last_many", data{"From": from, "To": to, "Best": best, "Count": domain.CountedUpTo})
	case search.Page > 0 && to >= best && r.Total > best:
		header = t.plural("results_last", r.Total-best, data{"From": from, "To": to, "Best": best})
	case search.Page > 0:
		header = t.tr("results_more", data{"From": from, "To": to, "Best": best})
	}
	choices := make([]domain.Choice, 0, len(offers)+4)
	for _, o := range offers {
		choices = append(choices, domain.Choice{Key: "offer:" + strconv.FormatInt(o.ID, 10), Label: t.offerLabel(o)})
	}
	if filters != "" {
		choices = append(choices, t.choiceOf(keyAll, "choice_no_filter"))
	}
	if to < best {
		choices = append(choices, t.choiceOf(keyMore, "choice_more"))
	}
	choices = append(choices, t.choiceOf(keyNewSearch, "choice_new_search"), t.choiceOf(keyMenu, "choice_menu"))
	if search.Page == 0 && search.Filters.Kind != "city" && t.s.Profile.underFourteen() {
		header += "\n" + t.tr("results_under_14", nil)
	}
	t.say(header, choices...)
	return true
}

// noResults says kindly that nothing matched, and how to widen the search.
func (t *turn) noResults() {
	filters := t.describeFilters()
	if filters == "" {
		t.say(t.tr("results_none", nil), t.choiceOf(keyMenu, "choice_menu"))
		return
	}
	if t.s.Search.Filters.Kind == "ess" && t.s.Profile.underFourteen() {
		t.say(t.tr("results_none_ess_under_14", data{"Filters": filters}),
			t.choiceOf("search:city", "choice_city_only"),
			t.choiceOf(keyMenu, "choice_menu"))
		return
	}
	t.say(t.tr("results_none_filtered", data{"Filters": filters, "Examples": t.examples()}),
		t.choiceOf(keyAll, "choice_no_filter"),
		t.choiceOf("search:sector", "choice_by_sector"),
		t.choiceOf(keyMenu, "choice_menu"))
}

// examples are three words to search, none of them one the student just searched for in vain.
func (t *turn) examples() string {
	searched := fold.String(t.s.Search.Filters.Keyword)
	var out []string
	for _, w := range strings.Split(t.tr("search_examples", nil)+", "+t.tr("search_examples_more", nil), ", ") {
		if f := fold.String(w); searched != "" && (strings.Contains(searched, f) || strings.Contains(f, searched)) {
			continue
		}
		if out = append(out, w); len(out) == 3 {
			break
		}
	}
	return strings.Join(out, ", ")
}

// maxSMSLabel is the most runes of an offer's line in an SMS list: three of them, the header and the
// other choices fit in two SMS.
const maxSMSLabel = 62

// offerLabel names an offer in a list: "Guide au musée - Musée Carnavalet (3e)", shortened on SMS.
func (t *turn) offerLabel(o domain.OfferSummary) string {
	label := o.Title + " - " + o.HostName
	where := ""
	if o.Arrondissement != 0 {
		where = " (" + t.arrondissement(o.Arrondissement) + ")"
	}
	if t.in.Channel != domain.Telegram {
		label = shorten(label, maxSMSLabel-utf8.RuneCountInString(where))
	}
	return label + where
}

// onResults opens an offer, shows more, or drops the filters.
func (t *turn) onResults() {
	switch {
	case strings.HasPrefix(t.choice, "offer:"):
		id, err := strconv.ParseInt(strings.TrimPrefix(t.choice, "offer:"), 10, 64)
		if err != nil {
			t.confused()
			return
		}
		t.s.OfferID, t.s.Full = id, false
		t.goTo(ViewOffer)
	case t.choice == keyMore:
		t.s.Search.Page++
		t.land(Results)
		t.showResults()
	case t.choice == keyNewSearch:
		t.newSearch()
	case t.choice == keyAll:
		t.runSearch(domain.Filters{})
	case t.choice == "search:sector":
		t.goTo(PickFamily)
	case t.choice == "search:city":
		t.runSearch(domain.Filters{Kind: "city"})
	default:
		t.confused()
	}
}

// showOffer asks for the offer being looked at.
func (t *turn) showOffer() {
	if t.s.OfferID == 0 {
		t.goTo(Results)
		return
	}
	t.ask(ShowOffer{StudentID: t.s.Profile.StudentID, OfferID: t.s.OfferID})
}

// offerFound shows an offer: in short (where, who, places, the start of its description) or in full
// (sector, address, hours, the whole description); with Postuler when the student can apply, or why
// not, before they write anything.
func (t *turn) offerFound() bool {
	r, ok := t.in.Result.(OfferFound)
	if !ok {
		return false
	}
	o := r.Offer
	if o == nil {
		t.preface(t.tr("offer_gone", nil))
		t.goTo(Results)
		return true
	}
	t.s.Host = o.HostName
	where := t.kind(o.Kind)
	if o.Arrondissement != 0 {
		where += ", " + t.arrondissement(o.Arrondissement)
	}
	lines := []string{o.Title, t.tr("offer_host", data{"Host": o.HostName, "Where": where})}
	if t.s.Full { // the rest, on request: where, when, and the whole description
		if o.Sector != "" {
			lines = append(lines, t.tr("offer_sector", data{"Sector": o.Sector}))
		}
		if o.Address != "" {
			lines = append(lines, t.tr("offer_address", data{"Address": o.Address}))
		}
		if o.DailyHours != "" {
			lines = append(lines, t.tr("offer_hours", data{"Hours": o.DailyHours}))
		}
	}
	if o.RunsInWeek && o.PlacesLeft > 0 && !t.s.Full {
		d := data{}
		if o.Deadline != nil {
			d["Date"] = t.longDate(*o.Deadline)
		}
		lines = append(lines, t.plural("offer_places", o.PlacesLeft, d))
	}
	if desc := strings.TrimSpace(o.Description); desc != "" {
		if t.s.Full {
			lines = append(lines, shorten(desc, maxDescription))
		} else {
			lines = append(lines, shorten(desc, maxShortDescription))
		}
	}
	var choices []domain.Choice
	if o.Problem != domain.NoProblem {
		lines = append(lines, t.applyProblem(o.Problem, o.OpensOn))
	} else {
		choices = append(choices, t.choiceOf("offer:apply", "choice_apply"))
	}
	if !t.s.Full {
		choices = append(choices, t.choiceOf("offer:details", "choice_details"))
	}
	choices = append(choices, t.choiceOf(keyBack, "choice_back_to_results"), t.choiceOf(keyMenu, "choice_menu"))
	t.say(strings.Join(lines, "\n"), choices...)
	return true
}

// applyProblem says why the student may not apply, in the words of the problem ("apply_" + it).
func (t *turn) applyProblem(p domain.Problem, opensOn *time.Time) string {
	switch p {
	case domain.ProblemNotOpen:
		date := ""
		if opensOn != nil {
			date = t.longDate(*opensOn)
		}
		return t.tr("apply_not_open", data{"Date": date})
	case domain.ProblemAlready, domain.ProblemFull, domain.ProblemNotWeek, domain.ProblemClosed, domain.ProblemTooYoung,
		domain.ProblemTooMany, domain.ProblemNotFound, domain.ProblemPlaced, domain.ProblemNoConsent:
		return t.tr("apply_"+string(p), nil)
	}
	return t.tr("apply_failed", nil)
}

// onOffer applies, shows the details, or goes back to the results.
func (t *turn) onOffer() {
	switch t.choice {
	case "offer:apply":
		t.goTo(AskMotivation)
	case "offer:details":
		t.s.Full = true
		t.goTo(ViewOffer)
	case keyBack:
		t.goTo(Results)
	default:
		t.confused()
	}
}

// shorten cuts s to about n runes, at a space, with "..." when it was longer.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	s = cut(s, n)
	if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimRight(s, " ,;:.") + "..."
}
