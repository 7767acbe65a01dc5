package store_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"stagebot/calendar"
	"stagebot/domain"
	"stagebot/store"
)

// Fifty hosts' phones accept fifty students on one offer week with three places, at once, each in
// its own transaction: exactly three get the places, the others are declined as full.
func TestAcceptConcurrently(t *testing.T) {
	const students, places = 50, 3
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	offer := w.offer(host, "Crèche", places, 0)
	apps := make([]int64, students)
	for i := range apps {
		apps[i] = w.apply(w.consenting(fmt.Sprintf("S%d", i), false), offer)
	}

	start := make(chan struct{})
	results := make([]store.AcceptResult, students)
	errs := make([]error, students)
	var wg sync.WaitGroup
	for i, app := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = w.s.InTx(w.ctx, func(tx *store.Tx) error {
				var err error
				results[i], err = tx.Accept(w.ctx, store.AcceptParams{HostID: host, ApplicationID: app, Now: today,
					ConfirmDays: 7})
				return err
			})
		}()
	}
	close(start)
	wg.Wait()

	problems := map[domain.Problem]int{}
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("accept %d: %v", apps[i], errs[i])
		}
		problems[r.Problem]++
		want := map[domain.Problem]domain.ApplicationState{"": domain.Accepted, domain.ProblemFull: domain.Declined}[r.Problem]
		if r.App.ID != apps[i] || r.App.State != want || r.App.PreviousState != domain.Sent {
			t.Errorf("accept %d: %q, app %+v", apps[i], r.Problem, r.App)
		}
	}
	if problems[""] != places || problems[domain.ProblemFull] != students-places || len(problems) != 2 {
		t.Errorf("problems %v, want %d accepted and %d full", problems, places, students-places)
	}
	var counts []struct {
		State string `db:"state"`
		N     int    `db:"n"`
	}
	if err := w.s.DB().SelectContext(w.ctx, &counts, `SELECT state, count(*) AS n FROM applications
		GROUP BY state ORDER BY state`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(counts) != fmt.Sprintf("[{accepted %d} {declined %d}]", places, students-places) {
		t.Errorf("database says %v", counts)
	}
	var events int
	if err := w.s.DB().GetContext(w.ctx, &events, `SELECT count(*) FROM application_events
		WHERE (to_state = 'accepted' AND actor = 'host') OR (to_state = 'declined' AND actor = 'system')`); err != nil {
		t.Fatal(err)
	}
	if events != students {
		t.Errorf("%d accept/decline events, want %d", events, students)
	}
}

// Three places, two reserved for REP/REP+: a non-REP student gets only the third until the
// release date; a REP student may take any. Search, offer detail, apply and accept agree.
func TestReservedPlacesAndRelease(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	offer := w.offer(host, "Bibliothèque", 3, 2)
	first, second, third := w.consenting("Ana", false), w.consenting("Bo", false), w.consenting("Cy", false)
	rep, rep2 := w.consenting("Rita", true), w.consenting("Rui", true)
	releasedOn := today.AddDate(0, 0, -1)
	notYet := today.AddDate(0, 0, 1)
	appFirst, appSecond, appRep := w.apply(first, offer), w.apply(second, offer), w.apply(rep, offer)

	if r := w.accept(host, appFirst, nil); r.Problem != "" {
		t.Fatalf("first non-REP accept: %q", r.Problem)
	}
	if r := w.accept(host, appSecond, &notYet); r.Problem != domain.ProblemFull || r.App.State != domain.Declined {
		t.Errorf("second non-REP accept before the release date: %q %s, want full, declined", r.Problem, r.App.State)
	}

	// What a third non-REP student and a REP student see, before and after the release date.
	for _, c := range []struct {
		name      string
		student   int64
		release   *time.Time
		wantFound bool
		wantLeft  int
	}{
		{"non-REP, never released", third, nil, false, 0},
		{"non-REP, before release", third, &notYet, false, 0},
		{"non-REP, released", third, &releasedOn, true, 2},
		{"REP, never released", rep2, nil, true, 2},
	} {
		found := slices.Contains(w.searchIDs(c.student, c.release), offer)
		d, err := w.s.OfferDetail(w.ctx, store.OfferParams{StudentID: c.student, OfferID: offer, Today: today,
			Rules: store.Rules{ReleaseDate: c.release}})
		if err != nil {
			t.Fatal(err)
		}
		if found != c.wantFound || d.PlacesLeft != c.wantLeft {
			t.Errorf("%s: found %v, %d places left; want %v, %d", c.name, found, d.PlacesLeft, c.wantFound, c.wantLeft)
		}
	}
	if r := w.applyWith(store.ApplyParams{StudentID: third, OfferID: offer}); r.Problem != domain.ProblemFull {
		t.Errorf("non-REP apply before release: %q, want full", r.Problem)
	}
	appThird := w.applyWith(store.ApplyParams{StudentID: third, OfferID: offer, Rules: store.Rules{ReleaseDate: &releasedOn}})
	if appThird.Problem != "" || appThird.State != domain.Sent {
		t.Fatalf("non-REP apply after release: %+v", appThird)
	}

	if r := w.accept(host, appRep, nil); r.Problem != "" {
		t.Errorf("REP accept with the unreserved place taken: %q", r.Problem)
	}
	if r := w.accept(host, appThird.ID, nil); r.Problem != domain.ProblemFull {
		t.Errorf("non-REP accept, reserved place not released: %q, want full", r.Problem)
	}
	appThird = w.applyWith(store.ApplyParams{StudentID: third, OfferID: offer, Rules: store.Rules{ReleaseDate: &releasedOn}})
	if r := w.accept(host, appThird.ID, &releasedOn); r.Problem != "" {
		t.Errorf("non-REP accept after the release date: %q", r.Problem)
	}
	if got := w.searchIDs(rep2, nil); slices.Contains(got, offer) {
		t.Errorf("full offer still found by a REP student: %v", got)
	}
}

// A student under 14 on the Monday of their week may only go to a public employer.
func TestUnder14OnlyPublicEmployers(t *testing.T) {
	w := newWorld(t)
	public := w.offer(w.host(store.EmployerPublic), "Mairie", 2, 0)
	private := w.offer(w.host(store.EmployerPrivate), "Ressourcerie", 2, 0)
	for _, c := range []struct {
		born     string
		tooYoung bool
	}{
		{"2012-12-01", false}, // 14 on 2026-12-31 at the latest
		{"2013-01-01", true},  // may turn 14 on 2027-01-31, after the Monday 2027-01-11
		{"2012-01-01", false},
		{"2013-06-01", true},
	} {
		s := w.student("Eli", false, day(c.born))
		if _, err := w.s.GrantConsent(w.ctx, s, today); err != nil {
			t.Fatal(err)
		}
		found := w.searchIDs(s, nil)
		_, detailErr := w.s.OfferDetail(w.ctx, store.OfferParams{StudentID: s, OfferID: private})
		res := w.applyWith(store.ApplyParams{StudentID: s, OfferID: private})
		if c.tooYoung {
			if slices.Contains(found, private) || !errors.Is(detailErr, store.ErrNotFound) ||
				res.Problem != domain.ProblemTooYoung {
				t.Errorf("born %s, private employer: found in %v, detail %v, apply %q", c.born, found, detailErr, res.Problem)
			}
		} else if !slices.Contains(found, private) || detailErr != nil || res.Problem != "" {
			t.Errorf("born %s, private employer: found in %v, detail %v, apply %q", c.born, found, detailErr, res.Problem)
		}
		if !slices.Contains(found, public) {
			t.Errorf("born %s: public offer not found: %v", c.born, found)
		}
		if res := w.applyWith(store.ApplyParams{StudentID: s, OfferID: public}); res.Problem != "" {
			t.Errorf("born %s, public employer: %q", c.born, res.Problem)
		}
	}
}

// Confirming a stage cancels the student's other applications in progress; past confirm_by it
// expires; one confirmed stage per student.
func TestConfirm(t *testing.T) {
	w := newWorld(t)
	hostA, hostB, hostC := w.host(store.EmployerPublic), w.host(store.EmployerPublic), w.host(store.EmployerPublic)
	offerA, offerB, offerC := w.offer(hostA, "A", 1, 0), w.offer(hostB, "B", 1, 0), w.offer(hostC, "C", 1, 0)
	s := w.consenting("Lou", false)
	appA, appB, appC := w.apply(s, offerA), w.apply(s, offerB), w.apply(s, offerC)
	w.accept(hostA, appA, nil)
	w.accept(hostC, appC, nil)
	other := w.consenting("Max", false)

	if r, err := w.s.Confirm(w.ctx, other, appA, today); err != nil || r.Problem != domain.ProblemNotFound {
		t.Errorf("another student confirms: %q, %v", r.Problem, err)
	}
	if r, err := w.s.Confirm(w.ctx, s, appB, today); err != nil || r.Problem != domain.ProblemNotAccepted {
		t.Errorf("confirm a sent application: %q, %v", r.Problem, err)
	}
	r, err := w.s.Confirm(w.ctx, s, appA, today.Add(time.Hour))
	if err != nil || r.Problem != "" || r.App.State != domain.Confirmed {
		t.Fatalf("confirm: %+v, %v", r, err)
	}
	if got := ids(r.Cancelled); !slices.Equal(got, []int64{appB, appC}) ||
		r.Cancelled[0].PreviousState != domain.Sent || r.Cancelled[1].PreviousState != domain.Accepted ||
		r.Cancelled[1].State != domain.Cancelled || r.Cancelled[1].HostID != hostC {
		t.Errorf("cancelled %+v", r.Cancelled)
	}
	if got := w.events(appC); got[len(got)-1] != "accepted>cancelled:system" {
		t.Errorf("events of C %v", got)
	}
	if r, err := w.s.Confirm(w.ctx, s, appA, today); err != nil || r.Problem != domain.ProblemNotAccepted {
		t.Errorf("second confirm: %q, %v", r.Problem, err)
	}
	if res := w.applyWith(store.ApplyParams{StudentID: s, OfferID: offerB}); res.Problem != domain.ProblemPlaced {
		t.Errorf("apply once placed: %q", res.Problem)
	}
	// C's place is free again.
	if got := w.searchIDs(other, nil); !slices.Equal(got, []int64{offerB, offerC}) {
		t.Errorf("offers left %v", got)
	}

	late := w.consenting("Noa", false)
	appLate := w.apply(late, offerB)
	acc := w.accept(hostB, appLate, nil)
	lastMinute := calendar.AtParis(calendar.Day(today.AddDate(0, 0, 7)), 23, 59) // the whole seventh day
	if acc.App.ConfirmBy == nil || !acc.App.ConfirmBy.Equal(lastMinute) {
		t.Fatalf("confirm by %v", acc.App.ConfirmBy)
	}
	r, err = w.s.Confirm(w.ctx, late, appLate, lastMinute)
	if err != nil || r.Problem != domain.ProblemExpired || r.App.State != domain.Expired {
		t.Errorf("confirm too late: %+v, %v", r, err)
	}
}

func TestMaxLiveApplications(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	s := w.consenting("Zoé", false)
	o1, o2, o3 := w.offer(host, "1", 1, 0), w.offer(host, "2", 1, 0), w.offer(host, "3", 1, 0)
	for _, o := range []int64{o1, o2} {
		if r := w.applyWith(store.ApplyParams{StudentID: s, OfferID: o, Rules: store.Rules{MaxApplications: 2}}); r.Problem != "" {
			t.Fatalf("apply: %q", r.Problem)
		}
	}
	if r := w.applyWith(store.ApplyParams{StudentID: s, OfferID: o3, Rules: store.Rules{MaxApplications: 2}}); r.Problem != domain.ProblemTooMany {
		t.Errorf("third application: %q, want too_many", r.Problem)
	}
}

// A host acts on its own offers only, and learns nothing about the others.
func TestHostOwnership(t *testing.T) {
	w := newWorld(t)
	hostA, hostB := w.host(store.EmployerPublic), w.host(store.EmployerPublic)
	offer := w.offer(hostA, "A", 2, 0)
	s1, s2 := w.consenting("Ivy", false), w.consenting("Jo", false)
	app1, app2 := w.apply(s1, offer), w.apply(s2, offer)

	if r := w.accept(hostB, app1, nil); r.Problem != domain.ProblemNotFound || r.App.ID != 0 {
		t.Errorf("host B accepts A's application: %+v", r)
	}
	if app, problem, err := w.s.Decline(w.ctx, hostB, app1, today); err != nil || problem != domain.ProblemNotFound || app.ID != 0 {
		t.Errorf("host B declines A's application: %q %+v %v", problem, app, err)
	}
	if r := w.accept(hostA, 1_000_000, nil); r.Problem != domain.ProblemNotFound {
		t.Errorf("no such application: %q", r.Problem)
	}
	if got := w.events(app1); w.state(app1) != domain.Sent || len(got) != 2 {
		t.Errorf("host B changed something: %s, %v", w.state(app1), got)
	}
	pending, err := w.s.HostPending(w.ctx, hostA)
	if err != nil || !slices.Equal(ids(pending), []int64{app1, app2}) {
		t.Errorf("pending of A: %v, %v", ids(pending), err)
	}
	if pending, err := w.s.HostPending(w.ctx, hostB); err != nil || len(pending) != 0 {
		t.Errorf("pending of B: %v, %v", ids(pending), err)
	}

	app, problem, err := w.s.Decline(w.ctx, hostA, app1, today)
	if err != nil || problem != "" || app.State != domain.Declined || app.PreviousState != domain.Sent {
		t.Errorf("decline: %q %+v %v", problem, app, err)
	}
	if _, problem, _ := w.s.Decline(w.ctx, hostA, app1, today); problem != domain.ProblemNotPending {
		t.Errorf("decline again: %q", problem)
	}
	if r := w.accept(hostA, app1, nil); r.Problem != domain.ProblemNotPending || r.App.State != domain.Declined {
		t.Errorf("accept declined: %+v", r)
	}
	if got := w.events(app1); got[len(got)-1] != "sent>declined:host" {
		t.Errorf("events %v", got)
	}
}

func TestApplicationByID(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	offer := w.offer(host, "Piscine", 1, 0)
	s := w.consenting("Léa", true)
	app := w.apply(s, offer)
	a, err := w.s.ApplicationByID(w.ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	if a.State != domain.Sent || a.StudentFirstName != "Léa" || a.StudentLastInitial != "D" || a.StudentChannel != "sms" ||
		a.Priority != "REP" || !a.Week.Equal(week) || a.OfferTitle != "Piscine" || a.Arrondissement != 4 ||
		a.DailyHours != "9h-17h" || a.HostID != host || a.ContactName == "" || a.ParentPhone == "" ||
		a.ParentLang != "fr" || a.Motivation == "" || a.ConfirmBy != nil {
		t.Errorf("application %+v", a)
	}
	if _, err := w.s.ApplicationByID(w.ctx, app+1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown application: %v", err)
	}
}

func TestExpireOverdue(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	offer := w.offer(host, "Jardin", 2, 0)
	app1, app2 := w.apply(w.consenting("A", false), offer), w.apply(w.consenting("B", false), offer)
	w.accept(host, app1, nil)
	if _, err := w.s.Accept(w.ctx, store.AcceptParams{HostID: host, ApplicationID: app2, Now: today.AddDate(0, 0, 3),
		ConfirmDays: 7}); err != nil {
		t.Fatal(err)
	}
	at := today.AddDate(0, 0, 8)
	overdue, err := w.s.Overdue(w.ctx, at)
	if err != nil || !slices.Equal(overdue, []int64{app1}) {
		t.Fatalf("overdue %v, %v", overdue, err)
	}
	expired, ok, err := w.s.ExpireIfOverdue(w.ctx, app1, at)
	if err != nil || !ok || expired.PreviousState != domain.Accepted {
		t.Errorf("expired %+v, %v, %v", expired, ok, err)
	}
	if _, ok, err := w.s.ExpireIfOverdue(w.ctx, app2, at); err != nil || ok {
		t.Errorf("expired an application still in time: %v, %v", ok, err)
	}
	if w.state(app1) != domain.Expired || w.state(app2) != domain.Accepted {
		t.Errorf("states %s %s", w.state(app1), w.state(app2))
	}
}

// MoveApplication refuses what the transitions table refuses.
func TestMoveApplicationFollowsTheTable(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	s := w.consenting("Tom", false)
	app := w.apply(s, w.offer(host, "X", 1, 0))
	for _, c := range []struct {
		to    domain.ApplicationState
		actor domain.Actor
	}{{domain.Accepted, domain.ByStudent}, {domain.Confirmed, domain.ByStudent}, {domain.Sent, domain.ByParent}, {domain.Declined, domain.ByParent}} {
		if err := w.s.MoveApplication(w.ctx, s, app, c.to, c.actor, today); !errors.Is(err, store.ErrTransition) {
			t.Errorf("sent → %s by %s: %v", c.to, c.actor, err)
		}
	}
	if err := w.s.MoveApplication(w.ctx, s, app, domain.Withdrawn, domain.ByStudent, today); err != nil {
		t.Fatal(err)
	}
	if err := w.s.MoveApplication(w.ctx, s, app, domain.Withdrawn, domain.ByStudent, today); !errors.Is(err, store.ErrTransition) {
		t.Errorf("withdraw twice: %v", err)
	}
}

// Direct booking: a booking takes a free place at once as the system (with a place reserved only
// for whom it is reserved), leaves the application sent when the week is full, and the host may
// decline it, accepted or confirmed, only before booked_until; a confirmed one takes its agreement
// with it.
func TestBookAndDeclineABooking(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	offer := w.offer(host, "Bibliothèque", 1, 0)
	book := func(app int64, at time.Time) store.AcceptResult {
		t.Helper()
		r, err := w.s.Book(w.ctx, store.AcceptParams{HostID: host, ApplicationID: app, Now: at, ConfirmDays: 7, BookingDays: 3})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	lou, max := w.consenting("Lou", false), w.consenting("Max", false)
	appLou, appMax := w.apply(lou, offer), w.apply(max, offer)
	r := book(appLou, today)
	until := calendar.AtParis(calendar.Day(today.AddDate(0, 0, 3)), 23, 59)
	if r.Problem != "" || r.App.State != domain.Accepted || r.App.BookedUntil == nil || !r.App.BookedUntil.Equal(until) ||
		r.App.ConfirmBy == nil || r.App.HostKind != store.HostCity {
		t.Fatalf("book: %+v", r)
	}
	if got := w.events(appLou); got[len(got)-1] != "sent>accepted:system" {
		t.Errorf("events %v", got)
	}
	if r := book(appMax, today); r.Problem != domain.ProblemFull || w.state(appMax) != domain.Sent {
		t.Errorf("book a full week: %q, state %s", r.Problem, w.state(appMax))
	}
	if _, err := w.s.Book(w.ctx, store.AcceptParams{HostID: host, ApplicationID: appMax, Now: today}); err == nil {
		t.Error("a booking without booking days was taken")
	}

	// Confirmed within the window, then declined by the host: the agreement goes too.
	if c, err := w.s.Confirm(w.ctx, lou, appLou, today.Add(time.Hour)); err != nil || c.Problem != "" {
		t.Fatalf("confirm: %+v, %v", c, err)
	}
	app, problem, err := w.s.Decline(w.ctx, host, appLou, until.Add(-time.Minute))
	if err != nil || problem != "" || app.State != domain.Declined || app.PreviousState != domain.Confirmed {
		t.Fatalf("decline the booking: %+v, %q, %v", app, problem, err)
	}
	var agreement domain.AgreementState
	if err := w.s.DB().GetContext(w.ctx, &agreement, `SELECT state FROM agreements WHERE application_id = $1`, appLou); err != nil ||
		agreement != domain.AgreementCancelled {
		t.Errorf("agreement %q, %v", agreement, err)
	}

	// Past its days, a booking is the host's to keep; an acceptance by the host is never a booking.
	appMax2 := appMax
	if r := book(appMax2, today.Add(2*time.Hour)); r.Problem != "" {
		t.Fatalf("book the freed place: %q", r.Problem)
	}
	if _, problem, _ := w.s.Decline(w.ctx, host, appMax2, until); problem != domain.ProblemNotPending {
		t.Errorf("decline after the booking days: %q", problem)
	}
	other := w.offer(host, "Parc", 1, 0)
	noa := w.consenting("Noa", false)
	appNoa := w.apply(noa, other)
	w.accept(host, appNoa, nil)
	if _, problem, _ := w.s.Decline(w.ctx, host, appNoa, today); problem != domain.ProblemNotPending {
		t.Errorf("decline its own acceptance: %q", problem)
	}
}
