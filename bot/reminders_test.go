package bot_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"stagebot/bot"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/scheduler"
	"stagebot/store/storetest"
)

// remindRig is the workflow and its jobs on one manual clock, from the tests' day.
type remindRig struct {
	parties func(channel domain.Channel, address string) party
	clk     *clock.Manual
	jobs    scheduler.Jobs
	ib      *bot.Inbox
}

func newRemindRig(t *testing.T) remindRig {
	s := storetest.NewFrom(t, "demo", demoCatalog)
	clk := clock.NewManual(transcriptClock())
	ib := bot.NewInbox(s, conversation.New(mustCatalog(t), conversation.Config{}), bot.InboxConfig{Clock: clk},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	n := new(int)
	return remindRig{
		parties: func(ch domain.Channel, address string) party { return party{t, ib, s, ch, address, n} },
		clk:     clk, jobs: scheduler.Jobs{Store: s, Workflow: ib, Clock: clk}, ib: ib}
}

// A reminder that comes while a student is answering a question leaves the question as it was: their
// next message still answers it.
func TestAReminderDoesNotInterruptAConversation(t *testing.T) {
	ctx := context.Background()
	rig := newRemindRig(t)
	student := rig.parties(domain.SMS, "+33639989999")
	signUpAndApply(student, "06 12 34 56 78")
	rig.parties(domain.SMS, "+33612345678").say("OUI")
	student.say("jardin", "1", "1") // a second application, up to its motivation
	if got := student.last(); !strings.Contains(got, "Pourquoi ce stage") {
		t.Fatalf("not at the motivation: %q", got)
	}
	s := student.s
	var before string
	if err := s.DB().Get(&before, `SELECT session FROM conversations WHERE address = $1`, student.address); err != nil {
		t.Fatal(err)
	}

	rig.clk.Add(2*24*time.Hour + time.Hour) // two days after the first application: too few of them
	if n, err := rig.jobs.Reminders(ctx); err != nil || n == 0 {
		t.Fatalf("Reminders = %d, %v; want the nudge", n, err)
	}
	if got := student.last(); !strings.Contains(got, "postule à d'autres offres") {
		t.Fatalf("the student's last message is %q, want the nudge", got)
	}
	var after string
	if err := s.DB().Get(&after, `SELECT session FROM conversations WHERE address = $1`, student.address); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("the reminder changed the conversation:\n%s\n%s", before, after)
	}
	student.say("J'aime les plantes et le travail dehors.")
	if got := student.last(); !strings.Contains(got, "Envoyée à Jardin") {
		t.Errorf("the motivation after the reminder was answered %q", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM applications`); got != 2 {
		t.Errorf("%d applications, want 2: the motivation after the reminder was lost", got)
	}
}

// Nobody who sent STOP, and nobody who cannot be reached, gets a reminder; the others do.
func TestRemindersSkipWhoStoppedOrCannotBeReached(t *testing.T) {
	const studentPhone, parentPhone = "+33639989999", "+33612345678"
	for _, tc := range []struct {
		name    string
		then    func(rig remindRig)
		silent  string // the address that must get no reminder
		reached string // one that still must ("" none)
	}{
		{"nobody stopped", func(remindRig) {}, "", parentPhone},
		{"the parent sent STOP", func(rig remindRig) { rig.parties(domain.SMS, parentPhone).say("STOP") },
			parentPhone, ""},
		{"the parent cannot be reached", func(rig remindRig) {
			if err := rig.ib.PersonUnreachable(context.Background(), domain.Unreachable{Channel: domain.SMS,
				Address: parentPhone, Reason: "21614"}); err != nil {
				panic(err)
			}
		}, parentPhone, ""},
		{"the student sent STOP", func(rig remindRig) { rig.parties(domain.SMS, studentPhone).say("STOP") },
			studentPhone, parentPhone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rig := newRemindRig(t)
			student := rig.parties(domain.SMS, studentPhone)
			signUpAndApply(student, "06 12 34 56 78") // the parent does not answer
			tc.then(rig)
			for range 8 { // a week of reminders, every day at 11:00
				rig.clk.Add(24 * time.Hour)
				if _, err := rig.jobs.Reminders(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			s := student.s
			if tc.silent != "" {
				if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE reminder IS NOT NULL AND address = $1`,
					tc.silent); got != 0 {
					t.Errorf("%s got %d reminders", tc.silent, got)
				}
			}
			if tc.reached != "" {
				if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE reminder IS NOT NULL AND address = $1`,
					tc.reached); got == 0 {
					t.Errorf("%s got no reminder", tc.reached)
				}
			}
		})
	}
}

func mustCatalog(t *testing.T) *locales.Catalog {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}
