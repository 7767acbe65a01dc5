package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// The placement fixtures: one stage week, a REP and a non-REP collège, a sector.
var (
	week     = day("2027-01-11") // the stage week's Monday
	today    = day("2026-12-01") // before the week
	adult    = day("2012-03-01") // 14 well before the week
	repUAI   = "0753937X"        // a REP collège
	otherUAI = "0752526N"        // not REP
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// world is a store with the fixtures, and counters for unique refs and addresses.
type world struct {
	t      *testing.T
	ctx    context.Context
	s      *store.Store
	sector int
	n      int
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), s: storetest.New(t)}
	for _, sc := range []store.School{
		{UAI: repUAI, Name: "Évariste Galois", Commune: "Paris", Department: "75", Priority: "REP"},
		{UAI: otherUAI, Name: "Henri IV", Commune: "Paris", Department: "75"},
	} {
		if _, err := w.s.UpsertSchool(w.ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.s.DB().GetContext(w.ctx, &w.sector, `INSERT INTO sectors (name) VALUES ('Santé') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) next() int { w.n++; return w.n }

// host adds a host (with one contact, "Contact N") and returns its id.
func (w *world) host(employer string) int64 {
	w.t.Helper()
	n := w.next()
	kind := store.HostCity
	if employer == store.EmployerPrivate {
		kind = store.HostESS
	}
	id, _, err := w.s.UpsertHost(w.ctx, store.Host{Ref: fmt.Sprintf("h%d", n), Name: fmt.Sprintf("Host %d", n),
		Kind: kind, Employer: employer})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.s.UpsertHostContact(w.ctx, store.HostContact{HostID: id, Name: fmt.Sprintf("Contact %d", n),
		Phone: fmt.Sprintf("+336399%05d", n)}); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// offer adds an offer of host in the fixture week and returns its id.
func (w *world) offer(host int64, title string, places, reserved int) int64 {
	w.t.Helper()
	ref := fmt.Sprintf("o%d", w.next())
	if _, err := w.s.UpsertOffer(w.ctx, store.Offer{Ref: ref, HostID: host, Title: title, SectorID: w.sector,
		Address: "1 rue de Rivoli", Arrondissement: 4, DailyHours: "9h-17h"},
		[]store.OfferWeek{{WeekStart: week, Places: places, ReservedPlaces: reserved}}); err != nil {
		w.t.Fatal(err)
	}
	o, err := w.s.OfferByRef(w.ctx, ref)
	if err != nil {
		w.t.Fatal(err)
	}
	return o.ID
}

// student signs up a student of a REP collège or not, born in that month, with a parent of their own.
func (w *world) student(name string, rep bool, born time.Time) int64 {
	w.t.Helper()
	n := w.next()
	uai := otherUAI
	if rep {
		uai = repUAI
	}
	id, err := w.s.RegisterStudent(w.ctx, store.RegisterParams{Channel: "sms", Address: fmt.Sprintf("+336111%05d", n),
		FirstName: name, LastInitial: "D", SchoolUAI: uai, SchoolName: "Collège", StageWeek: week, BirthMonth: born,
		ParentPhone: fmt.Sprintf("+336222%05d", n), Lang: "fr", At: today})
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// consenting signs up a student whose parent agreed.
func (w *world) consenting(name string, rep bool) int64 {
	w.t.Helper()
	id := w.student(name, rep, adult)
	if _, err := w.s.GrantConsent(w.ctx, id, today); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// apply applies with no release date and no limit, and fails the test on a problem.
func (w *world) apply(student, offer int64) int64 {
	w.t.Helper()
	res := w.applyWith(store.ApplyParams{StudentID: student, OfferID: offer})
	if res.Problem != domain.NoProblem {
		w.t.Fatalf("apply %d to %d: %q", student, offer, res.Problem)
	}
	return res.ID
}

func (w *world) applyWith(p store.ApplyParams) store.ApplyResult {
	w.t.Helper()
	if p.Motivation == "" {
		p.Motivation = "J'aimerais découvrir ce métier."
	}
	if p.Now.IsZero() {
		p.Now = today
	}
	res, err := w.s.Apply(w.ctx, p)
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

// accept accepts with no release date and 7 days to confirm; it fails the test on an error.
func (w *world) accept(host, app int64, release *time.Time) store.AcceptResult {
	w.t.Helper()
	res, err := w.s.Accept(w.ctx, store.AcceptParams{HostID: host, ApplicationID: app, Now: today,
		ReleaseDate: release, ConfirmDays: 7})
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

// state reads an application's state.
func (w *world) state(app int64) domain.ApplicationState {
	w.t.Helper()
	var s domain.ApplicationState
	if err := w.s.DB().GetContext(w.ctx, &s, `SELECT state FROM applications WHERE id = $1`, app); err != nil {
		w.t.Fatal(err)
	}
	return s
}

// events reads an application's history as "from>to:actor" strings.
func (w *world) events(app int64) []string {
	w.t.Helper()
	var events []string
	if err := w.s.DB().SelectContext(w.ctx, &events, `SELECT coalesce(from_state, '') || '>' || to_state || ':' || actor
		FROM application_events WHERE application_id = $1 ORDER BY id`, app); err != nil {
		w.t.Fatal(err)
	}
	return events
}

// searchIDs returns the ids of the offers a student finds.
func (w *world) searchIDs(student int64, release *time.Time) []int64 {
	w.t.Helper()
	offers, _, err := w.s.SearchOffers(w.ctx, store.SearchParams{StudentID: student, Today: today,
		ReleaseDate: release, Limit: 50})
	if err != nil {
		w.t.Fatal(err)
	}
	ids := make([]int64, len(offers))
	for i, o := range offers {
		ids[i] = o.ID
	}
	return ids
}

// ids lists the ids of applications.
func ids(apps []store.ApplicationInfo) []int64 {
	out := make([]int64, len(apps))
	for i, a := range apps {
		out[i] = a.ID
	}
	return out
}
