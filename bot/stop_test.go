package bot_test

import (
	"fmt"
	"strings"
	"testing"

	"stagebot/domain"
)

// A parent's STOP withdraws the agreement and the live applications, and nothing but its
// confirmation reaches the parent afterwards: not the withdrawals it caused, nor anything later.
func TestParentStopMeansNothingMore(t *testing.T) {
	s, ib, n := newParties(t)
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	signUpAndApply(student, "06 12 34 56 78")
	parent := party{t, ib, s, domain.SMS, "+33612345678", n}
	parent.say("OUI")
	before := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33612345678'`)
	parent.say("STOP")
	var after []string
	if err := s.DB().Select(&after, `SELECT body FROM outbox WHERE address = '+33612345678' ORDER BY id OFFSET $1`, before); err != nil {
		t.Fatal(err)
	}
	if len(after) != 1 || !strings.Contains(after[0], "nous ne vous écrirons plus") {
		t.Errorf("after STOP the parent got %q, want only the confirmation", after)
	}
	if got := countRows(t, s, `SELECT count(*) FROM applications WHERE state = 'withdrawn'`); got != 1 {
		t.Errorf("%d applications withdrawn, want 1", got)
	}
	phone, _ := hostOf(t, s)
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = $1 AND body LIKE '%retirée%'`, phone); got != 1 {
		t.Error("the host was not told the request is withdrawn")
	}
	if !strings.Contains(student.last(), "Ton parent a retiré son accord : ta candidature envoyée est retirée") {
		t.Errorf("the student was told %q", student.last())
	}
	parent.say("AIDE")
	if got := parent.lastQueued(t); !strings.Contains(got, "répondez START") {
		t.Errorf("AIDE after STOP answered %q", got)
	}
	parent.say("OUI", "blabla")
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33612345678'`); got != before+2 {
		t.Errorf("%d messages to the parent after STOP, want 2 (its confirmation and the answer to AIDE)", got-before)
	}
}

// When the last contact of a host who can be written to sends STOP, the host disappears from
// search and its pending requests are closed: the student and the parent are told. START brings it
// back.
func TestHostStopClosesItsRequests(t *testing.T) {
	s, ib, n := newParties(t)
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	signUpAndApply(student, "06 12 34 56 78")
	party{t, ib, s, domain.SMS, "+33612345678", n}.say("OUI")
	var phones []string
	if err := s.DB().Select(&phones, `SELECT hc.phone FROM applications a JOIN offers o ON o.id = a.offer_id
		JOIN host_contacts hc ON hc.host_id = o.host_id ORDER BY hc.id`); err != nil || len(phones) == 0 {
		t.Fatal(phones, err)
	}
	for _, phone := range phones {
		party{t, ib, s, domain.SMS, phone, n}.say("STOP")
	}
	if got := countRows(t, s, `SELECT count(*) FROM applications WHERE state = 'cancelled'`); got != 1 {
		t.Errorf("%d requests closed, want 1", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM hosts WHERE unreachable_since IS NOT NULL`); got != 1 {
		t.Errorf("%d hosts hidden, want 1", got)
	}
	if got := student.last(); !strings.Contains(got, "ne prend plus de demandes") {
		t.Errorf("the student was told %q", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33612345678' AND body LIKE '%ne prend plus de demandes%'`); got != 1 {
		t.Error("the parent was not told")
	}
	// The offer is no longer found.
	student.say("musee")
	var title string
	if err := s.DB().Get(&title, `SELECT o.title FROM applications a JOIN offers o ON o.id = a.offer_id`); err != nil {
		t.Fatal(err)
	}
	hostName := ""
	if err := s.DB().Get(&hostName, `SELECT h.name FROM applications a JOIN offers o ON o.id = a.offer_id
		JOIN hosts h ON h.id = o.host_id`); err != nil {
		t.Fatal(err)
	}
	if got := student.last(); strings.Contains(got, hostName) {
		t.Errorf("the host is still found:\n%s", got)
	}
	party{t, ib, s, domain.SMS, phones[0], n}.say("START")
	if got := countRows(t, s, `SELECT count(*) FROM hosts WHERE unreachable_since IS NOT NULL`); got != 0 {
		t.Error("a host back with START is still hidden")
	}
}

// A request is "sent" only when a message to a host contact is queued: a host nobody can write to
// takes none, and the student hears it at once.
func TestNoRequestToAHostNobodyCanReach(t *testing.T) {
	s, ib, n := newParties(t)
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	student.say("Bonjour", "Léa", "M", "Voltaire", "18/01", "03/2012", "06 12 34 56 78", "1", "1")
	party{t, ib, s, domain.SMS, "+33612345678", n}.say("OUI")
	student.say("musee", "1")
	// Every contact of that offer's host goes away before the student applies.
	var offer int64
	if err := s.DB().Get(&offer, `SELECT (session->>'offer_id')::bigint FROM conversations WHERE address = '+33639989999'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`DELETE FROM host_contacts WHERE host_id = (SELECT host_id FROM offers WHERE id = $1)`, offer); err != nil {
		t.Fatal(err)
	}
	toParent := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33612345678'`)
	student.say("1", "J'aime les musées.")
	if got := student.last(); !strings.Contains(got, "plus disponible") {
		t.Errorf("the student was told %q", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM applications WHERE state = 'sent'`); got != 0 {
		t.Errorf("%d applications sent to a host nobody can reach", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33612345678'`); got != toParent {
		t.Error("the parent was told of a request that went nowhere")
	}
}

// Contact details are masked in what is relayed and kept: the host, the student and the parent
// (MESSAGES) never see them.
func TestRelaysAreMaskedAndKeptMasked(t *testing.T) {
	s, ib, n := newParties(t)
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	signUpAndApply(student, "06 12 34 56 78")
	parent := party{t, ib, s, domain.SMS, "+33612345678", n}
	parent.say("OUI")
	phone, app := hostOf(t, s)
	host := party{t, ib, s, domain.SMS, phone, n}
	host.say(fmt.Sprintf("%d Écris-moi à claire@musee.fr ou au 01 42 76 40 40, tu viens lundi ?", app))
	if got := student.last(); !strings.Contains(got, "Écris-moi à *** ou au ***, tu viens lundi ?") {
		t.Errorf("the student got %q", got)
	}
	if got := host.lastQueued(t); !strings.Contains(got, "masquées") {
		t.Errorf("the host was told %q", got)
	}
	student.say("Oui ! Mon numéro c'est le 06 12 34 50 01, mon insta @yasmine_b")
	if got := host.lastQueued(t); !strings.Contains(got, `"Oui ! Mon numéro c'est le ***, mon insta ***"`) {
		t.Errorf("the host got %q", got)
	}
	parent.say("MESSAGES")
	got := parent.lastQueued(t)
	for _, leak := range []string{"claire@", "01 42", "06 12 34 50", "yasmine"} {
		if strings.Contains(got, leak) {
			t.Errorf("MESSAGES shows %q: %s", leak, got)
		}
	}
	if got := countRows(t, s, `SELECT count(*) FROM relayed_messages WHERE body LIKE '%yasmine%' OR body LIKE '%@musee%'`); got != 0 {
		t.Error("contact details were stored")
	}
}

// The parent is written to in the language the student picked for them, and told of an erasure.
func TestParentLanguageAndErasure(t *testing.T) {
	s, ib, n := newParties(t)
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	student.say("Bonjour", "Inès", "T", "Voltaire", "18/01", "03/2012", "06 12 34 56 78", "Arabe", "1")
	parent := party{t, ib, s, domain.SMS, "+33612345678", n}
	if got := parent.lastQueued(t); !strings.Contains(got, "Inès T.") || !strings.ContainsRune(got, 'ت') {
		t.Errorf("the consent request %q is not in Arabic", got)
	}
	student.say("SUPPRIMER", "1")
	var body string
	if err := s.DB().Get(&body, `SELECT body FROM outbox WHERE address = '+33612345678' ORDER BY id DESC LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "Inès T.") || !strings.Contains(body, "حُذفت") {
		t.Errorf("the parent was told %q of the erasure", body)
	}
}

// Mon profil: a new week withdraws the applications for the former one (the host is told), a new
// parent's number is asked to agree.
func TestProfileChangeThroughTheWorkflow(t *testing.T) {
	s, ib, n := newParties(t)
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	signUpAndApply(student, "06 12 34 56 78")
	party{t, ib, s, domain.SMS, "+33612345678", n}.say("OUI")
	phone, _ := hostOf(t, s)
	student.say("menu", "Mon profil")
	if got := student.last(); !strings.Contains(got, "Changer de semaine retire tes candidatures en cours") {
		t.Errorf("no warning: %q", got)
	}
	student.say("Changer de semaine", "11/01")
	if got := student.last(); !strings.Contains(got, "Ta candidature pour l'autre semaine est retirée") {
		t.Errorf("the student was told %q", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = $1 AND body LIKE '%retirée%'`, phone); got != 1 {
		t.Error("the host was not told")
	}
	student.say("Numéro du parent", "07 81 23 45 67", "Français")
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33781234567' AND body LIKE '%Léa M.%'`); got != 1 {
		t.Error("the new parent was not asked to agree")
	}
	if got := countRows(t, s, `SELECT count(*) FROM students WHERE consent = 'pending'`); got != 1 {
		t.Error("the consent is not asked again")
	}
}
