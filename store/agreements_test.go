package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/store"
)

// The database holds the same agreements' transitions as the code, row for row.
func TestDatabaseAgreementTransitionsAreTheCodes(t *testing.T) {
	w := newWorld(t)
	var rows []string
	if err := w.s.DB().SelectContext(context.Background(), &rows, `SELECT from_state || '>' || to_state || ':' || actor
		FROM agreement_transitions ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, tr := range domain.AgreementTransitions() {
		want = append(want, fmt.Sprintf("%s>%s:%s", tr.From, tr.To, tr.Actor))
	}
	slices.Sort(want)
	if !slices.Equal(rows, want) {
		t.Errorf("database\n%s\ncode\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

// confirmedStage gives a consenting student of the REP collège a confirmed stage and returns the
// student, the host and the application.
func (w *world) confirmedStage(name string) (student, host, app int64) {
	w.t.Helper()
	return w.confirm(w.consenting(name, true))
}

// confirm gives a student a confirmed stage.
func (w *world) confirm(student int64) (_, host, app int64) {
	w.t.Helper()
	host = w.host(store.EmployerPublic)
	app = w.apply(student, w.offer(host, "Bibliothèque", 2, 0))
	w.accept(host, app, nil)
	if res, err := w.s.Confirm(w.ctx, student, app, today); err != nil || res.Problem != domain.NoProblem {
		w.t.Fatalf("confirm: %v %q", err, res.Problem)
	}
	return student, host, app
}

// Confirming a stage creates its agreement in the same transaction, with what the collège's list
// knows; the agreement follows its stage when the stage is called off; the database refuses a move
// that is not in the table.
func TestAgreementFollowsItsStage(t *testing.T) {
	w := newWorld(t)
	awa := w.consenting("Awa", true)
	if _, err := w.s.ImportRoster(w.ctx, repUAI, []store.RosterLine{{Class: "3e B", LastName: "Dial", FirstName: "Awa"}}, today); err != nil {
		t.Fatal(err)
	}
	student, _, app := w.confirm(awa)
	g, err := w.s.AgreementOfApplication(w.ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	if g.State != domain.AgreementDraft || g.LastName != "Dial" || g.Class != "3e B" || g.Template != store.DefaultAgreementTemplate ||
		g.ParentsToSign != 1 {
		t.Errorf("new agreement %+v", g)
	}
	if got := g.Needs(); !slices.Equal(got, []domain.AgreementNeed{domain.NeedHours, domain.NeedActivities,
		domain.NeedParentName, domain.NeedReferent, domain.NeedCheck}) {
		t.Errorf("needs %v", got)
	}
	if _, err := w.s.DB().ExecContext(w.ctx, `UPDATE agreements SET state = 'signed' WHERE id = $1`, g.ID); err == nil {
		t.Error("draft → signed written directly")
	}
	if err := w.s.MoveApplication(w.ctx, student, app, domain.Withdrawn, domain.ByStudent, today); err != nil {
		t.Fatal(err)
	}
	if g, _ = w.s.AgreementByID(w.ctx, g.ID); g.State != domain.AgreementCancelled {
		t.Errorf("after the stage was called off: %s", g.State)
	}
}

// Signing codes: valid ten minutes, five tries then locked (and no new code for an hour), three
// codes an hour; a signature holds the document's hash, and a new hash voids it.
func TestSigningCodesAndSignatures(t *testing.T) {
	w := newWorld(t)
	_, _, app := w.confirmedStage("Léa")
	g, err := w.s.AgreementOfApplication(w.ctx, app)
	if err != nil {
		t.Fatal(err)
	}
	hash := func(code string) []byte { h := sha256.Sum256([]byte(code)); return h[:] }
	now := today.Add(9 * time.Hour)
	must := func(r store.CodeRequest, err error) store.CodeRequest {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := must(w.s.NewSigningCode(w.ctx, g.ID, domain.SignParent, hash("123456"), now)); r != store.CodeGranted {
		t.Fatalf("first code: %s", r)
	}
	check := func(code string, at time.Time) store.CodeCheck {
		t.Helper()
		c, err := w.s.CheckSigningCode(w.ctx, g.ID, domain.SignParent, hash(code), at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := check("123456", now.Add(store.CodeValidity+time.Second)); !c.None {
		t.Errorf("an expired code: %+v", c)
	}
	for i := 1; i <= store.CodeTries; i++ {
		c := check("000000", now.Add(time.Minute))
		if c.OK || c.TriesLeft != store.CodeTries-i || c.Locked != (i == store.CodeTries) {
			t.Errorf("wrong try %d: %+v", i, c)
		}
	}
	if c := check("123456", now.Add(2*time.Minute)); !c.None {
		t.Errorf("the right code after five wrong ones: %+v", c)
	}
	if r := must(w.s.NewSigningCode(w.ctx, g.ID, domain.SignParent, hash("222222"), now.Add(30*time.Minute))); r != store.CodeLockedParty {
		t.Errorf("a new code half an hour after a lock: %s", r)
	}
	later := now.Add(2 * time.Hour)
	for i := range store.CodesPerHour {
		if r := must(w.s.NewSigningCode(w.ctx, g.ID, domain.SignParent, hash(fmt.Sprint(300000+i)), later)); r != store.CodeGranted {
			t.Errorf("code %d: %s", i, r)
		}
	}
	if r := must(w.s.NewSigningCode(w.ctx, g.ID, domain.SignParent, hash("999999"), later)); r != store.CodeTooMany {
		t.Errorf("a fourth code in the hour: %s", r)
	}
	if c := check(fmt.Sprint(300000+store.CodesPerHour-1), later.Add(time.Minute)); !c.OK {
		t.Errorf("the last code asked: %+v", c)
	}
	if c := check(fmt.Sprint(300000+store.CodesPerHour-1), later.Add(time.Minute)); !c.None {
		t.Errorf("a code used twice: %+v", c)
	}

	if _, err := w.s.SetAgreementHash(w.ctx, g.ID, "h1"); err != nil {
		t.Fatal(err)
	}
	sig := store.AgreementSignature{AgreementID: g.ID, Signatory: domain.SignParent, Name: "Samia D.", Channel: "sms",
		Proof: "p", Hash: "h1", At: later}
	if ok, err := w.s.SaveSignature(w.ctx, sig); err != nil || !ok {
		t.Fatalf("sign: %v %v", ok, err)
	}
	if ok, _ := w.s.SaveSignature(w.ctx, sig); ok {
		t.Error("signed twice")
	}
	voided, err := w.s.SetAgreementHash(w.ctx, g.ID, "h1")
	if err != nil || len(voided) != 0 {
		t.Errorf("the same document voided %v (%v)", voided, err)
	}
	voided, err = w.s.SetAgreementHash(w.ctx, g.ID, "h2")
	if err != nil || len(voided) != 1 || voided[0].Signatory != domain.SignParent {
		t.Errorf("a changed document voided %v (%v)", voided, err)
	}
}

// A link opens its agreement for its party until it is spent or expires.
func TestAgreementLinks(t *testing.T) {
	w := newWorld(t)
	_, _, app := w.confirmedStage("Noé")
	g, _ := w.s.AgreementOfApplication(w.ctx, app)
	token := []byte("hash of a token, thirty-two byte")
	if err := w.s.CreateAgreementLink(w.ctx, store.AgreementLink{AgreementID: g.ID, Signatory: domain.SignHost,
		Channel: domain.SMS, Address: "+33639980001"}, token, today); err != nil {
		t.Fatal(err)
	}
	if l, err := w.s.AgreementByLink(w.ctx, token, today.Add(time.Hour)); err != nil || l.AgreementID != g.ID || l.Signatory != domain.SignHost ||
		l.Address != "+33639980001" {
		t.Errorf("link %+v %v", l, err)
	}
	if _, err := w.s.AgreementByLink(w.ctx, token, today.Add(store.AgreementLinkValidity+time.Second)); err == nil {
		t.Error("an expired link opened")
	}
	if ok, _ := w.s.SpendAgreementLink(w.ctx, token, today.Add(time.Hour)); !ok {
		t.Error("spend")
	}
	if _, err := w.s.AgreementByLink(w.ctx, token, today.Add(2*time.Hour)); err == nil {
		t.Error("a spent link opened")
	}
}

// Erasing a student takes their agreement, and its second legal representative when no other
// agreement names them.
func TestEraseTakesTheSecondParent(t *testing.T) {
	w := newWorld(t)
	student, _, app := w.confirmedStage("Inès")
	g, _ := w.s.AgreementOfApplication(w.ctx, app)
	phone := "+33612349999"
	if err := w.s.SetFamilyPart(w.ctx, g.ID, store.FamilyPart{Parent2Phone: &phone}, today); err != nil {
		t.Fatal(err)
	}
	if err := w.s.EraseStudent(w.ctx, student); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := w.s.DB().GetContext(w.ctx, &left, `SELECT count(*) FROM parents WHERE phone = $1`, phone); err != nil || left != 0 {
		t.Errorf("%d second parents left (%v)", left, err)
	}
	if err := w.s.DB().GetContext(w.ctx, &left, `SELECT count(*) FROM agreements`); err != nil || left != 0 {
		t.Errorf("%d agreements left (%v)", left, err)
	}
}
