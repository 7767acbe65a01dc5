package store_test

import (
	"errors"
	"slices"
	"testing"

	"stagebot/domain"
	"stagebot/store"
)

// The parent's consent gates everything: applications wait for it, go to the hosts with it, and
// are withdrawn without it.
func TestConsent(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	o1, o2, o3 := w.offer(host, "1", 2, 0), w.offer(host, "2", 2, 0), w.offer(host, "3", 2, 0)
	s := w.student("Ines", false, adult)

	r1 := w.applyWith(store.ApplyParams{StudentID: s, OfferID: o1})
	r2 := w.applyWith(store.ApplyParams{StudentID: s, OfferID: o2})
	if r1.State != domain.AwaitingParent || r2.State != domain.AwaitingParent || r1.Problem != "" {
		t.Fatalf("apply before consent: %+v %+v", r1, r2)
	}
	if pending, _ := w.s.HostPending(w.ctx, host); len(pending) != 0 {
		t.Errorf("host sees applications before consent: %v", ids(pending))
	}

	sent, err := w.s.GrantConsent(w.ctx, s, today)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(sent), []int64{r1.ID, r2.ID}) || sent[0].State != domain.Sent ||
		sent[0].PreviousState != domain.AwaitingParent || sent[0].HostID != host {
		t.Errorf("granted: %+v", sent)
	}
	if got := w.events(r1.ID); !slices.Equal(got, []string{">awaiting_parent:student", "awaiting_parent>sent:parent"}) {
		t.Errorf("events %v", got)
	}
	if again, err := w.s.GrantConsent(w.ctx, s, today); err != nil || len(again) != 0 {
		t.Errorf("grant twice: %v, %v", ids(again), err)
	}
	st, err := w.s.StudentByID(w.ctx, s)
	if err != nil || st.Consent != domain.ConsentGranted || st.ConsentAt == nil || !st.ConsentAt.Equal(today) {
		t.Errorf("student %+v, %v", st, err)
	}

	r3 := w.applyWith(store.ApplyParams{StudentID: s, OfferID: o3})
	if r3.Problem != "" || r3.State != domain.Sent || w.state(r3.ID) != domain.Sent {
		t.Errorf("apply after consent: %+v", r3)
	}
	if got := w.events(r3.ID); !slices.Equal(got, []string{">awaiting_parent:student", "awaiting_parent>sent:parent"}) {
		t.Errorf("events %v", got)
	}
	w.accept(host, r2.ID, nil)

	withdrawn, err := w.s.RefuseConsent(w.ctx, s, today, false)
	if err != nil {
		t.Fatal(err)
	}
	var before []domain.ApplicationState
	for _, a := range withdrawn {
		if a.State != domain.Withdrawn {
			t.Errorf("application %d is %s", a.ID, a.State)
		}
		before = append(before, a.PreviousState)
	}
	if !slices.Equal(ids(withdrawn), []int64{r1.ID, r2.ID, r3.ID}) ||
		!slices.Equal(before, []domain.ApplicationState{domain.Sent, domain.Accepted, domain.Sent}) {
		t.Errorf("withdrawn %v, before %v", ids(withdrawn), before)
	}
	if got := w.events(r2.ID); got[len(got)-1] != "accepted>withdrawn:parent" {
		t.Errorf("events %v", got)
	}
	if st, _ := w.s.StudentByID(w.ctx, s); st.Consent != domain.ConsentWithdrawn {
		t.Errorf("consent %s after withdrawing a granted consent", st.Consent)
	}
	if r := w.applyWith(store.ApplyParams{StudentID: s, OfferID: o1}); r.Problem != domain.ProblemNoConsent {
		t.Errorf("apply after withdrawal: %+v", r)
	}

	// A parent may change their mind: granted again, new applications go to the hosts.
	if moved, err := w.s.GrantConsent(w.ctx, s, today); err != nil || len(moved) != 0 {
		t.Errorf("grant again: %v, %v", ids(moved), err)
	}
	if r := w.applyWith(store.ApplyParams{StudentID: s, OfferID: o1}); r.Problem != "" || r.State != domain.Sent {
		t.Errorf("apply after consent again: %+v", r)
	}

	// Refused from the start: nothing had left, nothing is withdrawn; the application waits, unsent,
	// and goes when the parent changes their mind.
	other := w.student("Oscar", false, adult)
	pending := w.applyWith(store.ApplyParams{StudentID: other, OfferID: o1})
	refused, err := w.s.RefuseConsent(w.ctx, other, today, false)
	if err != nil || len(refused) != 0 || w.state(pending.ID) != domain.AwaitingParent {
		t.Errorf("refused: %+v, %v, %s", refused, err, w.state(pending.ID))
	}
	if n, err := w.s.Waiting(w.ctx, other); n != 1 || err != nil {
		t.Errorf("waiting after a refusal: %d, %v", n, err)
	}
	if st, _ := w.s.StudentByID(w.ctx, other); st.Consent != domain.ConsentRefused {
		t.Errorf("consent %s after a refusal", st.Consent)
	}
	if r := w.applyWith(store.ApplyParams{StudentID: other, OfferID: o2}); r.Problem != domain.ProblemNoConsent {
		t.Errorf("apply after refusal: %+v", r)
	}
	if sent, err := w.s.GrantConsent(w.ctx, other, today); err != nil || !slices.Equal(ids(sent), []int64{pending.ID}) {
		t.Errorf("yes after no: %v, %v", ids(sent), err)
	}
	if _, err := w.s.GrantConsent(w.ctx, 1_000_000, today); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("grant for nobody: %v", err)
	}
}

func TestParentsAndChildren(t *testing.T) {
	w := newWorld(t)
	register := func(address, name string) int64 {
		id, err := w.s.RegisterStudent(w.ctx, store.RegisterParams{Channel: "telegram", Address: address,
			FirstName: name, LastInitial: "M", SchoolName: "Collège X", StageWeek: week, BirthMonth: adult,
			ParentPhone: "+33612345678", Lang: "en", At: today})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first, second := register("1001", "Ana"), register("1002", "Ben")
	p, err := w.s.ParentByPhone(w.ctx, "+33612345678")
	if err != nil || p.Lang != "en" {
		t.Fatalf("parent %+v, %v", p, err)
	}
	if _, err := w.s.ParentByPhone(w.ctx, "+33600000000"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown parent: %v", err)
	}
	if _, err := w.s.GrantConsent(w.ctx, second, today); err != nil {
		t.Fatal(err)
	}
	children, err := w.s.Children(w.ctx, p.ID)
	if err != nil || len(children) != 2 {
		t.Fatalf("children %+v, %v", children, err)
	}
	want := []store.Child{
		{StudentID: first, FirstName: "Ana", LastInitial: "M", SchoolName: "Collège X", Consent: domain.ConsentPending,
			Channel: "telegram", Address: "1001", Lang: "en"},
		{StudentID: second, FirstName: "Ben", LastInitial: "M", SchoolName: "Collège X", Consent: domain.ConsentGranted,
			Channel: "telegram", Address: "1002", Lang: "en"},
	}
	if !slices.Equal(children, want) {
		t.Errorf("children %+v", children)
	}
	if err := w.s.SetParentLanguage(w.ctx, p.ID, "fr"); err != nil {
		t.Fatal(err)
	}
	if p, _ := w.s.ParentByPhone(w.ctx, "+33612345678"); p.Lang != "fr" {
		t.Errorf("language %q", p.Lang)
	}
	if err := w.s.SetParentLanguage(w.ctx, p.ID+1, "fr"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown parent: %v", err)
	}
}
