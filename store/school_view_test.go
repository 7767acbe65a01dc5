package store_test

import (
	"testing"

	"stagebot/domain"
	"stagebot/store"
)

// A collège's page: each student's status, who is stuck, the class from the lists, a stage called
// off, the lines nobody signed up for, and never another collège's students.
func TestSchoolPage(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	offer := w.offer(host, "Bibliothèque", 5, 0)

	idle := w.consenting("Inès", true)
	w.apply(w.consenting("Malik", true), offer)
	placed := w.consenting("Awa", true)
	w.accept(host, w.apply(placed, offer), nil)
	confirmed := w.consenting("Jade", true)
	app := w.apply(confirmed, offer)
	w.accept(host, app, nil)
	if res, err := w.s.Confirm(w.ctx, confirmed, app, today); err != nil || res.Problem != domain.NoProblem {
		t.Fatalf("confirm: %v %q", err, res.Problem)
	}
	cancelled := w.consenting("Noé", true)
	app = w.apply(cancelled, offer)
	w.accept(host, app, nil)
	if _, err := w.s.Confirm(w.ctx, cancelled, app, today); err != nil {
		t.Fatal(err)
	}
	if err := w.s.MoveApplication(w.ctx, cancelled, app, domain.Withdrawn, domain.ByStudent, today); err != nil {
		t.Fatal(err)
	}
	refused := w.student("Lou", true, adult)
	if _, err := w.s.RefuseConsent(w.ctx, refused, today, false); err != nil {
		t.Fatal(err)
	}
	w.consenting("Ailleurs", false) // another collège's

	if _, err := w.s.ImportRoster(w.ctx, repUAI, []store.RosterLine{
		{Class: "3e A", LastName: "Durand", FirstName: "Ines"}, // accents aside: Inès D.
		{Class: "3e A", LastName: "Zola", FirstName: "Paul"},   // not signed up
	}, today); err != nil {
		t.Fatal(err)
	}

	now := today.AddDate(0, 0, store.StuckAfterSignUp+1)
	page, err := w.s.SchoolPage(w.ctx, repUAI, now)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		status    domain.SearchStatus
		class     string
		stuck     bool
		cancelled bool
	}
	got := map[string]row{}
	for _, s := range page.Students {
		r := row{status: s.Status, class: s.Class, stuck: s.Stuck}
		for _, a := range s.Apps {
			r.cancelled = r.cancelled || a.Cancelled
		}
		got[s.FirstName] = r
	}
	for name, want := range map[string]row{
		"Inès":  {status: domain.NoApplication, class: "3e A", stuck: true},
		"Malik": {status: domain.WaitingHosts},
		"Awa":   {status: domain.PlaceToConfirm},
		"Jade":  {status: domain.StageConfirmed},
		"Noé":   {status: domain.NoApplication, cancelled: true},
		"Lou":   {status: domain.ParentRefused},
		"Paul":  {status: domain.NotSignedUp, class: "3e A"},
	} {
		if got[name] != want {
			t.Errorf("%s: %+v, want %+v", name, got[name], want)
		}
	}
	if len(page.Students) != 7 {
		t.Errorf("%d rows, want 7 (the other collège's student is not on the page)", len(page.Students))
	}
	if _, err := w.s.StudentOf(w.ctx, otherUAI, idle, now); err == nil {
		t.Error("another collège's staff read a student of the REP collège")
	}
	stuck, err := w.s.StuckStudents(w.ctx, repUAI, now)
	if err != nil || len(stuck) != 1 || stuck[0] != idle {
		t.Errorf("stuck students %v (%v), want only Inès", stuck, err)
	}
}

// Matching the class lists to the students who signed up: a sure match is made, a line two students
// fit (or a student two lines fit) waits for the staff, a month of birth tells twins apart, and a
// match the staff confirmed survives the next import.
func TestMatchRoster(t *testing.T) {
	w := newWorld(t)
	sam := w.student("Sam", true, adult)
	twinA := w.student("Léa", true, day("2012-04-01"))
	twinB := w.student("Lea", true, day("2012-04-01"))
	w.student("Yanis", true, adult)
	may := day("2012-05-01")
	res, err := w.s.ImportRoster(w.ctx, repUAI, []store.RosterLine{
		{Class: "3e B", LastName: "Diallo", FirstName: "Sam"},
		{Class: "3e B", LastName: "Dubois", FirstName: "Léa"},
		{Class: "3e C", LastName: "Dupuis", FirstName: "Yanis", BirthMonth: &may}, // another Yanis: born in May
	}, today)
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.RosterImport{Added: 3, Matched: 1, Ambiguous: 1}) {
		t.Errorf("first import: %+v", res)
	}
	page, err := w.s.SchoolPage(w.ctx, repUAI, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Choices) != 1 || len(page.Choices[0].Candidates) != 2 {
		t.Fatalf("choices %+v, want Léa's line with two candidates", page.Choices)
	}
	entry := page.Choices[0].EntryID
	if err := w.s.ConfirmMatch(w.ctx, repUAI, entry, sam); err == nil {
		t.Error("a student who is not a candidate was confirmed")
	}
	if err := w.s.ConfirmMatch(w.ctx, otherUAI, entry, twinA); err == nil {
		t.Error("another collège confirmed a line of this one")
	}
	if err := w.s.ConfirmMatch(w.ctx, repUAI, entry, twinB); err != nil {
		t.Fatal(err)
	}
	res, err = w.s.ImportRoster(w.ctx, repUAI, []store.RosterLine{{Class: "3e B", LastName: "Diallo", FirstName: "Sam"}}, today)
	if err != nil {
		t.Fatal(err)
	}
	if res != (store.RosterImport{Known: 1, Matched: 1}) {
		t.Errorf("second import: %+v", res)
	}
	var owner int64
	if err := w.s.DB().GetContext(w.ctx, &owner, `SELECT student_id FROM roster_entries WHERE id = $1`, entry); err != nil || owner != twinB {
		t.Errorf("the confirmed line belongs to %d (%v), want %d", owner, err, twinB)
	}
}
