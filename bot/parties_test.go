package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"stagebot/bot"
	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// party writes to the inbox as one person.
type party struct {
	t       *testing.T
	ib      *bot.Inbox
	s       *store.Store
	channel domain.Channel
	address string
	n       *int
}

func (p party) say(texts ...string) {
	p.t.Helper()
	for _, text := range texts {
		*p.n++
		if err := p.ib.Handle(context.Background(), domain.Inbound{Channel: p.channel, Address: p.address, Text: text,
			ProviderID: fmt.Sprint("p", *p.n)}); err != nil {
			p.t.Fatalf("%q: %v", text, err)
		}
	}
}

// last is the text of the last message queued for the person.
func (p party) last() string {
	p.t.Helper()
	var body string
	if err := p.s.DB().Get(&body, `SELECT body FROM outbox WHERE channel = $1 AND address = $2 ORDER BY id DESC LIMIT 1`,
		string(p.channel), p.address); err != nil {
		p.t.Fatal(err)
	}
	return body
}

// signUpAndApply signs a student up by SMS with the given parent phone and applies to the first
// museum offer of their week.
func signUpAndApply(p party, parentPhone string) {
	p.t.Helper()
	p.say("Bonjour", "Léa", "M", "Voltaire", "1", "03/2012", parentPhone, "1", "1", "musee", "1", "1",
		"J'aime les musées.")
}

func newParties(t *testing.T) (s *store.Store, ib *bot.Inbox, n *int) {
	s = storetest.NewFrom(t, "demo", demoCatalog)
	return s, newInbox(t, s), new(int)
}

// hostOf is the phone of a contact of the host of a student's only application.
func hostOf(t *testing.T, s *store.Store) (phone string, appID int64) {
	t.Helper()
	var row struct {
		Phone string `db:"phone"`
		App   int64  `db:"id"`
	}
	if err := s.DB().Get(&row, `SELECT hc.phone, a.id FROM applications a JOIN offers o ON o.id = a.offer_id
		JOIN host_contacts hc ON hc.host_id = o.host_id ORDER BY hc.id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	return row.Phone, row.App
}

// A host writing about a request the parent has not agreed to yet reaches nobody.
func TestHostCannotWriteBeforeTheParentAgrees(t *testing.T) {
	s, ib, n := newParties(t)
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	signUpAndApply(student, "06 12 34 56 78")
	phone, app := hostOf(t, s)
	host := party{t, ib, s, domain.SMS, phone, n}
	before := student.last()
	host.say(fmt.Sprintf("%d Bonjour, tu es disponible ?", app))
	if got := student.last(); got != before {
		t.Errorf("the student got %q before their parent agreed", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM relayed_messages`); got != 0 {
		t.Errorf("%d messages relayed", got)
	}
	host.say(fmt.Sprintf("OUI %d", app))
	if got := countRows(t, s, `SELECT count(*) FROM applications WHERE state = 'accepted'`); got != 0 {
		t.Error("a host accepted a request the parent had not agreed to")
	}
}

// A host contact who is also a parent answers their child's consent request with a bare OUI; with
// a reference, they answer as the host.
func TestHostContactWhoIsAlsoAParent(t *testing.T) {
	s, ib, n := newParties(t)
	const hostPhone = "+33611112222" // a real-looking mobile: the demo's fiction numbers cannot be a parent's
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	signUpAndApply(student, "06 11 11 22 22")
	if _, err := s.DB().Exec(`UPDATE host_contacts SET phone = $1 WHERE id = (SELECT hc.id FROM applications a
		JOIN offers o ON o.id = a.offer_id JOIN host_contacts hc ON hc.host_id = o.host_id ORDER BY hc.id LIMIT 1)`, hostPhone); err != nil {
		t.Fatal(err)
	}
	parent := party{t, ib, s, domain.SMS, hostPhone, n}
	parent.say("OUI")
	var consent string
	if err := s.DB().Get(&consent, `SELECT consent FROM students`); err != nil {
		t.Fatal(err)
	}
	if consent != "granted" {
		t.Fatalf("consent %q after the parent's OUI: it was read as a host's answer", consent)
	}
}

// SUPPRIMER leaves no message about the student anywhere, not to the parent, not to the host, but
// the one telling the parent of the erasure (named by first name and initial, which the parent
// knows).
func TestEraseRemovesMessagesAboutTheStudent(t *testing.T) {
	s, ib, n := newParties(t)
	student := party{t, ib, s, domain.SMS, "+33639989999", n}
	signUpAndApply(student, "06 12 34 56 78")
	party{t, ib, s, domain.SMS, "+33612345678", n}.say("OUI")
	phone, app := hostOf(t, s)
	party{t, ib, s, domain.SMS, phone, n}.say(fmt.Sprintf("%d Quels jours ?", app))
	student.say("Tous les jours.")
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE body LIKE '%Léa%'`); got == 0 {
		t.Fatal("no message names the student: the fixture went astray")
	}
	student.say("SUPPRIMER", "1")
	const about = `(body LIKE '%Léa%' OR body LIKE '%Tous les jours%') AND body NOT LIKE '%sont effacées%'`
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE `+about); got != 0 {
		var left []string
		_ = s.DB().Select(&left, `SELECT address || ': ' || body FROM outbox WHERE `+about)
		t.Errorf("%d messages about the student left: %q", got, left)
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33612345678' AND body LIKE '%les données de Léa M. sont effacées%'`); got != 1 {
		t.Error("the parent was not told of the erasure")
	}
	if got := countRows(t, s, `SELECT count(*) FROM conversations WHERE address = '+33612345678'`); got != 0 {
		t.Error("the parent's conversation is left")
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = $1 AND body LIKE '%retirée%'`, phone); got != 1 {
		t.Error("the host was not told the request is withdrawn")
	}
}

// A parent who sent STOP is not asked again when a second child signs up: the child is asked for
// another number instead.
func TestStoppedParentIsNotAskedAgain(t *testing.T) {
	s, ib, n := newParties(t)
	first := party{t, ib, s, domain.SMS, "+33639989999", n}
	first.say("Bonjour", "Léa", "M", "Voltaire", "1", "03/2012", "06 12 34 56 78", "1", "1")
	party{t, ib, s, domain.SMS, "+33612345678", n}.say("STOP")
	second := party{t, ib, s, domain.Telegram, "4242", n}
	second.say("Bonjour", "Tom", "M", "Voltaire", "1", "03/2012", "06 12 34 56 78", "1", "1")
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33612345678' AND body LIKE '%Tom%'`); got != 0 {
		t.Error("a parent who sent STOP was asked again")
	}
	if got := second.last(); !strings.Contains(got, "n'arrivons pas à joindre ton parent") || !strings.Contains(got, "portable") {
		t.Errorf("the second child was told %q", got)
	}
}

// lastQueued is the text of the last message queued for the person (the test fails if none).
func (p party) lastQueued(t *testing.T) string {
	t.Helper()
	return p.last()
}
