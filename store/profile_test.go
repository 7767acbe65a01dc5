package store_test

import (
	"slices"
	"testing"

	"stagebot/domain"
	"stagebot/store"
)

// The offer's page tells a student why they may not apply, with the same rules as Apply itself.
func TestOfferDetailSaysWhyNotBeforeApplying(t *testing.T) {
	w := newWorld(t)
	h := w.host(store.EmployerPublic)
	one, two, three := w.offer(h, "Un", 2, 0), w.offer(h, "Deux", 2, 0), w.offer(h, "Trois", 2, 0)
	lea := w.consenting("Léa", false)
	detail := func(offer int64, rules store.Rules) domain.Problem {
		t.Helper()
		d, err := w.s.OfferDetail(w.ctx, store.OfferParams{StudentID: lea, OfferID: offer, Today: today, Rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		return d.Problem
	}
	if p := detail(one, store.Rules{}); p != domain.NoProblem {
		t.Fatalf("a fresh offer: %q", p)
	}
	app := w.apply(lea, one)
	if p := detail(one, store.Rules{}); p != domain.ProblemAlready {
		t.Errorf("applied already: %q", p)
	}
	if p := detail(two, store.Rules{MaxApplications: 1}); p != domain.ProblemTooMany {
		t.Errorf("at the cap: %q", p)
	}
	if r := w.applyWith(store.ApplyParams{StudentID: lea, OfferID: two, Rules: store.Rules{MaxApplications: 1}}); r.Problem != domain.ProblemTooMany {
		t.Errorf("apply at the cap: %q", r.Problem)
	}
	later := today.AddDate(0, 0, 3)
	if p := detail(two, store.Rules{OpensOn: &later}); p != domain.ProblemNotOpen {
		t.Errorf("before the window: %q", p)
	}
	w.accept(h, app, nil)
	if _, err := w.s.Confirm(w.ctx, lea, app, today); err != nil {
		t.Fatal(err)
	}
	if p := detail(three, store.Rules{}); p != domain.ProblemPlaced {
		t.Errorf("with a confirmed stage: %q", p)
	}
	noe := w.student("Noé", false, adult)
	if _, err := w.s.RefuseConsent(w.ctx, noe, today, false); err != nil {
		t.Fatal(err)
	}
	d, err := w.s.OfferDetail(w.ctx, store.OfferParams{StudentID: noe, OfferID: three, Today: today})
	if err != nil || d.Problem != domain.ProblemNoConsent {
		t.Errorf("parent refused: %q, %v", d.Problem, err)
	}
}

// A host none of whose contacts can be written to disappears from search and its pending requests
// close; it comes back when a contact can be written to again.
func TestUnreachableHostIsHiddenAndItsRequestsClosed(t *testing.T) {
	w := newWorld(t)
	h := w.host(store.EmployerPublic)
	offer := w.offer(h, "Bibliothèque", 2, 0)
	lea, noe := w.consenting("Léa", false), w.student("Noé", false, adult)
	sent, waiting := w.apply(lea, offer), w.apply(noe, offer)
	contacts, err := w.s.HostContacts(w.ctx, h)
	if err != nil || len(contacts) != 1 {
		t.Fatal(contacts, err)
	}
	phone := contacts[0].Phone
	if lost, err := w.s.RefreshHostReachable(w.ctx, h, today); err != nil || lost {
		t.Fatalf("a host with a contact: lost %v, %v", lost, err)
	}
	// The only contact sends STOP.
	if _, err := w.s.LockConversation(w.ctx, domain.SMS, phone, today); err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetOptedOut(w.ctx, domain.SMS, phone, true, today); err != nil {
		t.Fatal(err)
	}
	lost, err := w.s.RefreshHostReachable(w.ctx, h, today)
	if err != nil || !lost {
		t.Fatalf("after the only contact's STOP: lost %v, %v", lost, err)
	}
	if again, _ := w.s.RefreshHostReachable(w.ctx, h, today); again {
		t.Error("a host already unreachable is reported lost twice")
	}
	if slices.Contains(w.searchIDs(lea, nil), offer) {
		t.Error("an unreachable host's offer is still found")
	}
	closed, err := w.s.CloseHostRequests(w.ctx, h, today)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(closed); !slices.Equal(got, []int64{sent, waiting}) {
		t.Errorf("closed %v, want %v", got, []int64{sent, waiting})
	}
	if w.state(sent) != domain.Cancelled || w.state(waiting) != domain.Cancelled {
		t.Errorf("states %s, %s", w.state(sent), w.state(waiting))
	}
	// START: the host is back.
	if err := w.s.SetOptedOut(w.ctx, domain.SMS, phone, false, today); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.RefreshHostReachable(w.ctx, h, today); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(w.searchIDs(lea, nil), offer) {
		t.Error("a host reachable again is still hidden")
	}
}

// A new week withdraws the applications of the former one (a confirmed stage refuses it); a new
// parent number asks for consent again.
func TestChangeProfile(t *testing.T) {
	w := newWorld(t)
	h := w.host(store.EmployerPublic)
	offer := w.offer(h, "Parc", 2, 0)
	lea := w.consenting("Léa", false)
	app := w.apply(lea, offer)
	next := week.AddDate(0, 0, 7)
	res, err := w.s.ChangeProfile(w.ctx, store.ProfileChange{StudentID: lea, StageWeek: next, At: today})
	if err != nil || res.Problem != domain.NoProblem || !slices.Equal(ids(res.Withdrawn), []int64{app}) {
		t.Fatalf("week change: %+v, %v", res, err)
	}
	st, err := w.s.StudentByID(w.ctx, lea)
	if err != nil || !st.StageWeek.Equal(next) {
		t.Errorf("week now %v, %v", st.StageWeek, err)
	}
	res, err = w.s.ChangeProfile(w.ctx, store.ProfileChange{StudentID: lea, ParentPhone: "+33699912345",
		ParentLang: "ar", At: today})
	if err != nil || !res.NewParent {
		t.Fatalf("parent change: %+v, %v", res, err)
	}
	if res.FormerParent == nil {
		t.Error("the former parent, who had agreed, is not returned to be told")
	} else if _, err := w.s.ParentByPhone(w.ctx, res.FormerParent.Phone); err != nil {
		t.Errorf("the former parent, who had agreed, is forgotten: %v", err)
	}
	st, _ = w.s.StudentByID(w.ctx, lea)
	parent, err := w.s.ParentByID(w.ctx, st.ParentID)
	if err != nil || st.Consent != domain.ConsentPending || parent.Phone != "+33699912345" || parent.Lang != "ar" {
		t.Errorf("after the parent change: consent %s, parent %+v, %v", st.Consent, parent, err)
	}
	// A parent who never answered may be a stranger's number: forgotten, not told.
	res, err = w.s.ChangeProfile(w.ctx, store.ProfileChange{StudentID: lea, ParentPhone: "+33699912346", At: today})
	if err != nil || !res.NewParent || res.FormerParent != nil {
		t.Fatalf("second parent change: %+v, %v", res, err)
	}
	if _, err := w.s.ParentByPhone(w.ctx, "+33699912345"); err == nil {
		t.Error("a parent who never answered is kept")
	}
	// The first name, the initial and the month of birth can be corrected.
	born := adult.AddDate(0, 2, 0)
	if _, err := w.s.ChangeProfile(w.ctx, store.ProfileChange{StudentID: lea, FirstName: "Léane", LastInitial: "B",
		BirthMonth: born, At: today}); err != nil {
		t.Fatal(err)
	}
	if st, _ = w.s.StudentByID(w.ctx, lea); st.FirstName != "Léane" || st.LastInitial != "B" || !st.BirthMonth.Equal(born) {
		t.Errorf("after correcting the name and birth: %s %s, %v", st.FirstName, st.LastInitial, st.BirthMonth)
	}
	res, err = w.s.ChangeProfile(w.ctx, store.ProfileChange{StudentID: lea,
		School: &store.School{UAI: repUAI, Name: "Évariste Galois"}, At: today})
	if err != nil || res.Problem != domain.NoProblem {
		t.Fatal(res, err)
	}
	if st, _ = w.s.StudentByID(w.ctx, lea); st.Priority != "REP" {
		t.Errorf("the REP status follows the collège: %q", st.Priority)
	}

	// A confirmed stage keeps its week.
	noe := w.consenting("Noé", false)
	placed := w.apply(noe, offer)
	w.accept(h, placed, nil)
	if _, err := w.s.Confirm(w.ctx, noe, placed, today); err != nil {
		t.Fatal(err)
	}
	res, err = w.s.ChangeProfile(w.ctx, store.ProfileChange{StudentID: noe, StageWeek: next, At: today})
	if err != nil || res.Problem != domain.ProblemPlaced || w.state(placed) != domain.Confirmed {
		t.Errorf("week change with a confirmed stage: %+v, %v, %s", res, err, w.state(placed))
	}
}

// Browsing by sector counts what a search would find, sector by sector.
func TestCountBySector(t *testing.T) {
	w := newWorld(t)
	h := w.host(store.EmployerPublic)
	w.offer(h, "Un", 1, 0)
	w.offer(h, "Deux", 1, 0)
	lea := w.consenting("Léa", false)
	counts, err := w.s.CountBySector(w.ctx, store.SearchParams{StudentID: lea, Today: today})
	if err != nil || len(counts) != 1 || counts[0].SectorID != w.sector || counts[0].Offers != 2 {
		t.Errorf("counts %+v, %v", counts, err)
	}
}
