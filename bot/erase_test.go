package bot_test

import (
	"context"
	"fmt"
	"testing"

	"stagebot/domain"
	"stagebot/store/storetest"
)

// SUPPRIMER leaves nothing of the student behind: profile, applications, what they and their
// parent (when no other child of theirs remains) wrote and were sent.
func TestEraseLeavesNothingBehind(t *testing.T) {
	ctx := context.Background()
	s := storetest.NewFrom(t, "demo", demoCatalog)
	ib := newInbox(t, s)
	n := 0
	say := func(from, text string) {
		t.Helper()
		n++
		if err := ib.Handle(ctx, domain.Inbound{Channel: domain.SMS, ProviderID: fmt.Sprint("SM", n), Address: from,
			Text: text}); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
	}
	const student, parent = "+33639989999", "+33612345678"
	for _, text := range []string{"Bonjour", "Léa", "M", "Voltaire", "1", "03/2012", "06 12 34 56 78", "1", "1",
		"musee", "1", "1", "J'aime les musées."} {
		say(student, text)
	}
	say(parent, "OUI")
	if got := countRows(t, s, `SELECT count(*) FROM applications WHERE state = 'sent'`); got != 1 {
		t.Fatalf("%d applications sent, want 1 (the journey went astray)", got)
	}
	say(student, "SUPPRIMER")
	say(student, "1")

	for what, query := range map[string]string{
		"students":              `SELECT count(*) FROM students`,
		"parents":               `SELECT count(*) FROM parents`,
		"applications":          `SELECT count(*) FROM applications`,
		"inbound texts kept":    `SELECT count(*) FROM inbound_messages WHERE body <> '' OR address <> ''`,
		"messages sent kept":    `SELECT count(*) FROM outbox WHERE status <> 'pending' AND address IN ('` + student + `', '` + parent + `')`,
		"relayed messages kept": `SELECT count(*) FROM relayed_messages`,
	} {
		if got := countRows(t, s, query); got != 0 {
			t.Errorf("%s: %d left", what, got)
		}
	}
	// The host that held the request is told it is withdrawn; the goodbye is the only thing
	// queued for the student.
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE status = 'pending' AND address = '`+student+`'
		AND body LIKE '%effacées%'`); got != 1 {
		t.Errorf("%d goodbye messages, want 1", got)
	}
}

// What someone typed before finishing the sign-up is erased too.
func TestEraseBeforeSignUpErasesWhatWasTyped(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	ib := newInbox(t, s)
	for i, text := range []string{"Bonjour", "Léa", "M", "SUPPRIMER", "1"} {
		if err := ib.Handle(ctx, domain.Inbound{Channel: domain.Telegram, ProviderID: fmt.Sprint(i), Address: "555",
			Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if got := countRows(t, s, `SELECT count(*) FROM inbound_messages WHERE body <> ''`); got != 0 {
		t.Errorf("%d typed messages kept", got)
	}
}
