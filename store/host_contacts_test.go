package store_test

import (
	"errors"
	"regexp"
	"slices"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/store"
)

func TestLinkTelegram(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	contacts, err := w.s.HostContacts(w.ctx, host)
	if err != nil || len(contacts) != 1 {
		t.Fatal(contacts, err)
	}
	first := contacts[0]
	if _, err := w.s.UpsertHostContact(w.ctx, store.HostContact{HostID: host, Name: "Zora", Phone: "+33639981111"}); err != nil {
		t.Fatal(err)
	}
	contacts, _ = w.s.HostContacts(w.ctx, host)
	second := contacts[1]

	code, err := w.s.CreateLinkCode(w.ctx, first.ID, time.Hour, today)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{16,}$`).MatchString(code) {
		t.Errorf("code %q", code)
	}
	if other, _ := w.s.CreateLinkCode(w.ctx, first.ID, time.Hour, today); other == code {
		t.Error("two codes alike")
	}
	hc, err := w.s.LinkTelegram(w.ctx, code, "777", today.Add(59*time.Minute))
	if err != nil || hc.ID != first.ID || hc.TelegramChatID != "777" || hc.Phone != first.Phone {
		t.Fatalf("link: %+v, %v", hc, err)
	}
	if _, err := w.s.LinkTelegram(w.ctx, code, "777", today.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("code used twice: %v", err)
	}
	expiring, _ := w.s.CreateLinkCode(w.ctx, second.ID, time.Hour, today)
	if _, err := w.s.LinkTelegram(w.ctx, expiring, "888", today.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired code: %v", err)
	}
	if _, err := w.s.LinkTelegram(w.ctx, "no-such-code-at-all", "888", today); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
	if _, err := w.s.CreateLinkCode(w.ctx, 1_000_000, time.Hour, today); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("code for nobody: %v", err)
	}

	for _, c := range []struct {
		channel domain.Channel
		address string
		want    int64 // 0: ErrNotFound
	}{
		{"telegram", "777", first.ID},
		{"sms", first.Phone, first.ID},
		{"whatsapp", second.Phone, second.ID},
		{"telegram", first.Phone, 0},
		{"sms", "777", 0},
		{"console", first.Phone, 0},
	} {
		hcs, err := w.s.HostContactsByAddress(w.ctx, c.channel, c.address)
		if c.want == 0 && !errors.Is(err, store.ErrNotFound) || c.want != 0 && (err != nil || len(hcs) != 1 || hcs[0].ID != c.want) {
			t.Errorf("%s %s: %+v, %v", c.channel, c.address, hcs, err)
		}
	}

	// The same chat linked to the second contact too: one person, both contacts.
	code2, _ := w.s.CreateLinkCode(w.ctx, second.ID, time.Hour, today)
	if hc, err := w.s.LinkTelegram(w.ctx, code2, "777", today); err != nil || hc.ID != second.ID {
		t.Fatalf("relink: %+v, %v", hc, err)
	}
	contacts, _ = w.s.HostContacts(w.ctx, host)
	var chats []string
	for _, c := range contacts {
		chats = append(chats, c.TelegramChatID)
	}
	if !slices.Equal(chats, []string{"777", "777"}) {
		t.Errorf("chats %q", chats)
	}
}

func TestRelays(t *testing.T) {
	w := newWorld(t)
	host := w.host(store.EmployerPublic)
	s := w.consenting("Rob", false)
	app := w.apply(s, w.offer(host, "Musée", 1, 0))
	other := w.apply(w.consenting("Sam", false), w.offer(host, "Parc", 1, 0))
	for i, r := range []struct {
		app       int64
		direction domain.RelayDirection
		body      string
	}{
		{app, domain.HostToStudent, "Bonjour, venez lundi à 9h."},
		{other, domain.HostToStudent, "Pas pour Rob."},
		{app, domain.StudentToHost, "Merci, je serai là."},
	} {
		if err := w.s.RecordRelay(w.ctx, r.app, r.direction, r.body, today.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	relays, err := w.s.RelaysForStudent(w.ctx, s)
	if err != nil || len(relays) != 2 {
		t.Fatalf("relays %+v, %v", relays, err)
	}
	if r := relays[0]; r.ApplicationID != app || r.Direction != domain.HostToStudent || r.HostName == "" || !r.At.Equal(today) {
		t.Errorf("first %+v", r)
	}
	if r := relays[1]; r.Direction != domain.StudentToHost || r.Body != "Merci, je serai là." {
		t.Errorf("second %+v", r)
	}
	if err := w.s.RecordRelay(w.ctx, app+100, domain.HostToStudent, "x", today); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown application: %v", err)
	}
	if err := w.s.RecordRelay(w.ctx, app, "sideways", "x", today); err == nil {
		t.Error("unknown direction accepted")
	}
}
