package store_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/store"
)

// season is a valid campaign around the fixture week.
func season(name string, opens time.Time) store.Campaign {
	release := opens.AddDate(0, 0, 14)
	return store.Campaign{Name: name, ApplicationsOpen: opens, ApplicationsClose: week.AddDate(0, 0, -14),
		REPRelease: &release, PurgeOn: week.AddDate(0, 2, 0), Weeks: []time.Time{week.AddDate(0, 0, 7), week}}
}

func TestCampaignIsSavedAndValidated(t *testing.T) {
	w := newWorld(t)
	c := season("Paris 2026-2027", today)
	id, err := w.s.SaveCampaign(w.ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := w.s.CampaignByName(w.ctx, "Paris 2026-2027")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id || fmt.Sprint(got.Weeks) != fmt.Sprint([]time.Time{week, week.AddDate(0, 0, 7)}) ||
		got.MaxApplications != 5 || got.ConfirmDays != 7 || got.DeadlineDays != 14 || !got.REPRelease.Equal(today.AddDate(0, 0, 14)) {
		t.Errorf("saved %+v", got)
	}
	// Saved again under its name: replaced, weeks included.
	c.Weeks, c.MaxApplications = []time.Time{week}, 3
	if again, err := w.s.SaveCampaign(w.ctx, c); err != nil || again != id {
		t.Fatalf("save again: %d, %v", again, err)
	}
	if got, _ := w.s.CampaignByName(w.ctx, c.Name); len(got.Weeks) != 1 || got.MaxApplications != 3 {
		t.Errorf("replaced %+v", got)
	}

	for name, bad := range map[string]func(*store.Campaign){
		"no name":             func(c *store.Campaign) { c.Name = " " },
		"no week":             func(c *store.Campaign) { c.Weeks = nil },
		"a Tuesday":           func(c *store.Campaign) { c.Weeks = []time.Time{week.AddDate(0, 0, 1)} },
		"a week twice":        func(c *store.Campaign) { c.Weeks = []time.Time{week, week} },
		"closes before opens": func(c *store.Campaign) { c.ApplicationsClose = c.ApplicationsOpen.AddDate(0, 0, -1) },
		"purge before a week": func(c *store.Campaign) { c.PurgeOn = week },
		"release before open": func(c *store.Campaign) { r := c.ApplicationsOpen.AddDate(0, 0, -1); c.REPRelease = &r },
		"100 applications":    func(c *store.Campaign) { c.MaxApplications = 100 },
	} {
		c := season("bad", today)
		bad(&c)
		if _, err := w.s.SaveCampaign(w.ctx, c); err == nil {
			t.Errorf("%s: saved", name)
		}
	}
}

func TestCurrentCampaignFollowsTheDay(t *testing.T) {
	w := newWorld(t)
	if _, err := w.s.CurrentCampaign(w.ctx, today); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no campaign: %v", err)
	}
	rules, err := w.s.RulesOn(w.ctx, today)
	if err != nil || rules.Campaign != "" || rules.MaxApplications != 5 || rules.ConfirmDays != 7 ||
		rules.ReleaseDate != nil || rules.OpensOn != nil {
		t.Fatalf("rules without a campaign: %+v, %v", rules, err)
	}
	first := season("first", today)
	next := season("next", today.AddDate(0, 0, 20))
	next.PurgeOn = week.AddDate(0, 4, 0)
	for _, c := range []store.Campaign{first, next} {
		if _, err := w.s.SaveCampaign(w.ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		day  time.Time
		want string
	}{
		{today.AddDate(0, 0, -5), "first"}, // none open yet: the next to open
		{today, "first"},                   // opened
		{today.AddDate(0, 0, 25), "next"},  // both open: the one that opened last
		{week.AddDate(0, 2, 1), "next"},    // the first is purged
		{week.AddDate(0, 4, 0), "(none)"},  // both purged
		{week.AddDate(1, 0, 0), "(none)"},  // long after
		{today.AddDate(0, 0, 19), "first"}, // the day before the next opens
	} {
		c, err := w.s.CurrentCampaign(w.ctx, tc.day)
		got := c.Name
		if errors.Is(err, store.ErrNotFound) {
			got = "(none)"
		} else if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("on %s: %s, want %s", tc.day.Format(time.DateOnly), got, tc.want)
		}
	}
}

// The season's application window is enforced by Apply, and each offer week has its own deadline.
func TestApplyFollowsTheSeasonAndEachWeeksDeadline(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	offer := w.offer(host, "Guide au musée", 3, 0)
	student := w.consenting("Léa", false)
	c := season("Paris", today)
	rules := c.Rules()

	if r := w.applyWith(store.ApplyParams{StudentID: student, OfferID: offer, Now: today.AddDate(0, 0, -1),
		Rules: rules}); r.Problem != domain.ProblemNotOpen || r.OpensOn == nil || !r.OpensOn.Equal(today) {
		t.Errorf("the day before it opens: %+v", r)
	}
	if r := w.applyWith(store.ApplyParams{StudentID: student, OfferID: offer, Now: c.ApplicationsClose.AddDate(0, 0, 1),
		Rules: rules}); r.Problem != domain.ProblemClosed {
		t.Errorf("the day after it closes: %+v", r)
	}

	// An offer running in two weeks: the first week's deadline has passed, the second's has not.
	later := week.AddDate(0, 0, 7)
	firstDeadline, laterDeadline := week.AddDate(0, 0, -14), later.AddDate(0, 0, -14)
	if _, err := w.s.UpsertOffer(w.ctx, store.Offer{Ref: "two-weeks", HostID: host, Title: "Jardinier", SectorID: w.sector,
		Address: "1 rue des Lilas", Arrondissement: 19},
		[]store.OfferWeek{{WeekStart: week, Places: 2, Deadline: &firstDeadline}, {WeekStart: later, Places: 2}}); err != nil {
		t.Fatal(err)
	}
	two, err := w.s.OfferByRef(w.ctx, "two-weeks")
	if err != nil {
		t.Fatal(err)
	}
	between := firstDeadline.AddDate(0, 0, 3) // after the first week's deadline, before the later one's
	if r := w.applyWith(store.ApplyParams{StudentID: student, OfferID: two.ID, Now: between}); r.Problem != domain.ProblemClosed {
		t.Errorf("the first week's student after its deadline: %q", r.Problem)
	}
	laterStudent, err := w.s.RegisterStudent(w.ctx, store.RegisterParams{Channel: "sms", Address: "+33611199999",
		FirstName: "Noé", SchoolName: "Collège", StageWeek: later, BirthMonth: adult, ParentPhone: "+33622299999",
		Lang: "fr", At: today})
	if err != nil {
		t.Fatal(err)
	}
	d, err := w.s.OfferDetail(w.ctx, store.OfferParams{StudentID: laterStudent, OfferID: two.ID, Today: between})
	if err != nil || d.Deadline == nil || !d.Deadline.Equal(laterDeadline) {
		t.Errorf("the later week's deadline as its student sees it: %v, %v", d.Deadline, err)
	}
	if r := w.applyWith(store.ApplyParams{StudentID: laterStudent, OfferID: two.ID, Now: between}); r.Problem != domain.NoProblem {
		t.Errorf("the later week's student, still open: %q", r.Problem)
	}
}

// OpenWeeks counts, per week still ahead, the offers open to a kind of student: a place left for
// them and the deadline not passed.
func TestOpenWeeks(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	w.offer(host, "Tout réservé", 2, 2) // reserved for REP/REP+ students
	w.offer(host, "Ouvert", 2, 0)
	past := week.AddDate(0, 0, -7)
	if _, err := w.s.UpsertOffer(w.ctx, store.Offer{Ref: "earlier", HostID: host, Title: "Plus tôt", SectorID: w.sector,
		Address: "1 rue des Lilas", Arrondissement: 19}, []store.OfferWeek{{WeekStart: past, Places: 1}}); err != nil {
		t.Fatal(err)
	}
	describe := func(weeks []domain.WeekOffers) string {
		var out []string
		for _, wo := range weeks {
			out = append(out, fmt.Sprintf("%s:%d", wo.Week.Format(time.DateOnly), wo.Offers))
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name    string
		p       store.WeeksParams
		want    string
		release bool
	}{
		{"REP", store.WeeksParams{Today: today, REP: true}, "2027-01-04:1 2027-01-11:2", false},
		{"not REP", store.WeeksParams{Today: today, REP: false}, "2027-01-04:1 2027-01-11:1", false},
		{"not REP, released", store.WeeksParams{Today: today, REP: false}, "2027-01-04:1 2027-01-11:2", true},
		// 4 January's deadline (21 December) has passed on the 24th; the week of the 11th is open.
		{"after a deadline", store.WeeksParams{Today: day("2026-12-24"), REP: true}, "2027-01-11:2", false},
	} {
		if tc.release {
			tc.p.ReleaseDate = &today
		}
		weeks, err := w.s.OpenWeeks(w.ctx, tc.p)
		if err != nil {
			t.Fatal(err)
		}
		if got := describe(weeks); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// An offer week without a deadline of its own closes the campaign's deadline_days before it (14
// days when no campaign lists the week).
func TestOfferWeekDeadlineFollowsTheCampaign(t *testing.T) {
	w := newWorld(t)
	c := season("Paris", today)
	c.Weeks, c.DeadlineDays = []time.Time{week}, 21
	if _, err := w.s.SaveCampaign(w.ctx, c); err != nil {
		t.Fatal(err)
	}
	host := w.host(store.EmployerPublic)
	other := week.AddDate(0, 0, 7)
	if _, err := w.s.UpsertOffer(w.ctx, store.Offer{Ref: "o", HostID: host, Title: "Jardinier", SectorID: w.sector,
		Address: "1 rue des Lilas", Arrondissement: 19},
		[]store.OfferWeek{{WeekStart: week, Places: 1}, {WeekStart: other, Places: 1}}); err != nil {
		t.Fatal(err)
	}
	var deadlines []string
	if err := w.s.DB().SelectContext(w.ctx, &deadlines, `SELECT week_start || '>' || deadline FROM offer_weeks
		ORDER BY week_start`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(deadlines, " "); got != "2027-01-11>2026-12-21 2027-01-18>2027-01-04" {
		t.Errorf("deadlines %s", got)
	}
}
