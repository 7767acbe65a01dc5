package conversation

import (
	"stagebot/domain"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Most runes of an offer's description shown.
const maxDescription = 300

// showResults asks for the current page of the current search.
func (t *turn) showResults() {
	t.ask(SearchOffers{
		StudentID: t.s.Profile.StudentID,
		Filters:   t.s.Search.Filters,
		Page:      t.s.Search.Page,
		PageSize:  pageSize(t.in.Channel),
	})
}

// offersFound shows one page of offers, one choice each, and the way to the other pages.
func (t *turn) offersFound() bool {
	r, ok := t.in.Result.(OffersFound)
	if !ok {
		return false
	}
	size := pageSize(t.in.Channel)
	search := &t.s.Search
	search.Total = r.Total
	if len(r.Offers) == 0 && search.Page > 0 && r.Total > 0 {
		// The page asked for has emptied since (places went): show the last page there is, in
		// one more search whatever the page was.
		search.Page = (r.Total - 1) / size
		t.showResults()
		return true
	}
	if len(r.Offers) == 0 {
		t.noResults()
		return true
	}
	pages := (search.Total + size - 1) / size
	var header string
	if pages > 1 {
		header = t.plural("results_pages", search.Total, data{"Page": search.Page + 1, "Pages": pages})
	} else {
		header = t.plural("results", search.Total, nil)
	}
	choices := make([]domain.Choice, 0, len(r.Offers)+4)
	for _, o := range r.Offers {
		choices = append(choices, domain.Choice{Key: "offer:" + strconv.FormatInt(o.ID, 10), Label: t.offerLabel(o)})
	}
	if (search.Page+1)*size < search.Total {
		choices = append(choices, t.choiceOf("page:next", "choice_next"))
	}
	if search.Page > 0 {
		choices = append(choices, t.choiceOf("page:prev", "choice_previous"))
	}
	choices = append(choices, t.choiceOf("search:new", "choice_new_search"), t.choiceOf(keyMenu, "choice_menu"))
	t.say(header, choices...)
	return true
}

// noResults says kindly that nothing matched, and how to widen the search.
func (t *turn) noResults() {
	if t.describeFilters() == "" {
		t.say(t.tr("results_none", nil),
			t.choiceOf("search:new", "choice_new_search"),
			t.choiceOf(keyMenu, "choice_menu"))
		return
	}
	t.say(t.tr("results_none_filtered", nil),
		t.choiceOf("search:all", "choice_see_all"),
		t.choiceOf("search:new", "choice_new_search"),
		t.choiceOf(keyMenu, "choice_menu"))
}

// offerLabel names an offer in a list: "Guide au musée - Musée Carnavalet (3e)".
func (t *turn) offerLabel(o domain.OfferSummary) string {
	label := o.Title + " - " + o.HostName
	if o.Arrondissement != 0 {
		label += " (" + t.arrondissement(o.Arrondissement) + ")"
	}
	return label
}

// onResults opens an offer or moves between pages.
func (t *turn) onResults() {
	switch {
	case strings.HasPrefix(t.choice, "offer:"):
		id, err := strconv.ParseInt(strings.TrimPrefix(t.choice, "offer:"), 10, 64)
		if err != nil {
			t.confused()
			return
		}
		t.s.OfferID = id
		t.goTo(ViewOffer)
	case t.choice == "page:next":
		t.s.Search.Page++
		t.land(Results)
		t.showResults()
	case t.choice == "page:prev" && t.s.Search.Page > 0:
		t.s.Search.Page--
		t.land(Results)
		t.showResults()
	case t.choice == "search:new":
		t.goTo(AskSearch)
	case t.choice == "search:all":
		t.s.Search.Filters = domain.Filters{}
		t.runSearch()
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

// offerFound shows an offer in full, with Postuler when the student can apply, or why not.
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
	lines := []string{o.Title, t.tr("offer_host", data{"Host": o.HostName, "Kind": t.kind(o.Kind)})}
	if o.Sector != "" {
		lines = append(lines, t.tr("offer_sector", data{"Sector": o.Sector}))
	}
	if o.Address != "" || o.Arrondissement != 0 {
		place := o.Address
		if o.Arrondissement != 0 {
			place = strings.TrimSpace(place + " (" + t.arrondissement(o.Arrondissement) + ")")
		}
		lines = append(lines, t.tr("offer_address", data{"Address": place}))
	}
	if o.DailyHours != "" {
		lines = append(lines, t.tr("offer_hours", data{"Hours": o.DailyHours}))
	}
	if o.RunsInWeek {
		lines = append(lines, t.plural("offer_places", o.PlacesLeft, nil))
	}
	if o.Deadline != nil {
		lines = append(lines, t.tr("offer_deadline", data{"Date": t.longDate(*o.Deadline)}))
	}
	if d := strings.TrimSpace(o.Description); d != "" {
		lines = append(lines, shorten(d, maxDescription))
	}
	var choices []domain.Choice
	if why := t.cannotApply(o); why != "" {
		lines = append(lines, why)
	} else {
		choices = append(choices, t.choiceOf("offer:apply", "choice_apply"))
	}
	choices = append(choices, t.choiceOf("offer:back", "choice_back_to_results"), t.choiceOf(keyMenu, "choice_menu"))
	t.say(strings.Join(lines, "\n"), choices...)
	return true
}

// cannotApply says why the student cannot apply to o; "" when they can.
func (t *turn) cannotApply(o *domain.OfferDetail) string {
	switch {
	case o.AlreadyApplied:
		return t.tr("offer_already_applied", nil)
	case !o.RunsInWeek:
		return t.tr("offer_not_in_week", nil)
	case o.PlacesLeft <= 0:
		return t.tr("offer_full", nil)
	case o.Deadline != nil && today(t.in.Now).After(today(*o.Deadline)):
		return t.tr("offer_closed", nil)
	}
	return ""
}

// onOffer applies, or goes back to the results.
func (t *turn) onOffer() {
	switch t.choice {
	case "offer:apply":
		t.goTo(AskMotivation)
	case "offer:back":
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
