package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"stagebot/bot"
	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/locales"
	"stagebot/scheduler"
	"stagebot/store"
	"stagebot/store/storetest"
)

// jobFixture signs a student up with a parent and gives them an application to an offer running
// in the week of 18 January 2027, in the given state.
func jobFixture(t *testing.T, s *store.Store, state string, confirmBy *time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	monday := time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC)
	id, err := s.RegisterStudent(ctx, store.RegisterParams{Channel: "sms", Address: "+33639989999", FirstName: "Léa",
		LastInitial: "M", SchoolName: "Voltaire", StageWeek: monday, BirthMonth: time.Date(2012, 3, 1, 0, 0, 0, 0, time.UTC),
		ParentPhone: "+33612345678", Lang: "fr", At: monday.AddDate(0, 0, -30)})
	if err != nil {
		t.Fatal(err)
	}
	var appID int64
	if err := s.DB().Get(&appID, `INSERT INTO applications (student_id, offer_id, week_start, state, motivation, confirm_by,
			created_at, updated_at)
		SELECT $1, offer_id, week_start, $2, 'J''aime ça.', $3, $5, $5 FROM offer_weeks WHERE week_start = $4
		ORDER BY offer_id LIMIT 1
		RETURNING id`, id, state, confirmBy, monday, monday.AddDate(0, 0, -30)); err != nil {
		t.Fatal(err)
	}
	return appID
}

// jobInbox is the jobs on s, the real workflow carrying them out, both on a clock stopped at now.
func jobInbox(t *testing.T, s *store.Store, now time.Time) scheduler.Jobs {
	t.Helper()
	cat := mustCatalog(t)
	clk := clock.NewManual(now)
	inbox := bot.NewInbox(s, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: clk},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return scheduler.Jobs{Store: s, Workflow: inbox, Clock: clk}
}

func TestMain(m *testing.M) { storetest.Main(m) }

// demoCatalog fills a template database with the shipped Paris collèges and the demo catalog, seeded
// on a Sunday in November 2026 (the jobs' fixtures run in January 2027).
func demoCatalog(ctx context.Context, s *store.Store) error {
	if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
		return err
	}
	if _, err := catalog.ImportEmbeddedSectors(ctx, s); err != nil {
		return err
	}
	_, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: time.Date(2026, 11, 29, 10, 0, 0, 0, calendar.Paris())})
	return err
}

func countRows(t testing.TB, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// The day before a Monday stage is a Sunday, when nothing nobody asked for may leave: the student,
// the parent and the host are told on the Saturday, once.
func TestDayBeforeGoesOnSaturdayOnce(t *testing.T) {
	ctx := context.Background()
	s := storetest.NewFrom(t, "demo", demoCatalog)
	jobFixture(t, s, "confirmed", nil)
	paris := calendar.Paris()
	if n, _ := jobInbox(t, s, time.Date(2027, 1, 15, 10, 0, 0, 0, paris)).Reminders(ctx); n != 0 {
		t.Errorf("on the Friday before: %d reminded", n)
	}
	// The Saturday before, two replicas fire the job at once, four times each.
	saturday := time.Date(2027, 1, 16, 10, 0, 0, 0, paris)
	ib := jobInbox(t, s, saturday)
	replicas := []scheduler.Jobs{ib, jobInbox(t, s, saturday)}
	var wg sync.WaitGroup
	var sent atomic.Int64
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := replicas[i%2].Reminders(ctx)
			if err != nil {
				t.Error(err)
			}
			sent.Add(int64(n))
		}()
	}
	wg.Wait()
	if sent.Load() != 1 {
		t.Fatalf("%d reminders sent by two replicas firing at once, want 1", sent.Load())
	}
	for who, address := range map[string]string{"student": "+33639989999", "parent": "+33612345678"} {
		if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = $1 AND proactive
			AND body LIKE '%lundi 18 janvier%' AND body NOT LIKE '%demain%'`, address); got != 1 {
			t.Errorf("%s got %d reminders naming the day, want 1", who, got)
		}
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE proactive AND body LIKE 'Léa M.%chez vous le lundi 18 janvier%'`); got < 1 {
		t.Error("the host was not told who comes on Monday")
	}
	if n, err := ib.Reminders(ctx); err != nil || n != 0 {
		t.Errorf("second run reminded %d (%v): a replica must not remind again", n, err)
	}
	if n, _ := jobInbox(t, s, time.Date(2027, 1, 17, 10, 0, 0, 0, paris)).Reminders(ctx); n != 0 {
		t.Errorf("on the Sunday: %d reminded again", n)
	}
	if n, _ := jobInbox(t, s, time.Date(2027, 1, 10, 10, 0, 0, 0, paris)).Reminders(ctx); n != 0 {
		t.Errorf("eight days early: %d reminded", n)
	}
}

func TestUnconfirmedPlacesExpire(t *testing.T) {
	ctx := context.Background()
	s := storetest.NewFrom(t, "demo", demoCatalog)
	deadline := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	app := jobFixture(t, s, "accepted", &deadline)
	if n, err := jobInbox(t, s, deadline.Add(-time.Hour)).ExpireOverdue(ctx); err != nil || n != 0 {
		t.Fatalf("before the deadline: %d expired (%v)", n, err)
	}
	if n, err := jobInbox(t, s, deadline.Add(time.Hour)).ExpireOverdue(ctx); err != nil || n != 1 {
		t.Fatalf("after the deadline: %d expired (%v), want 1", n, err)
	}
	if got := countRows(t, s, `SELECT count(*) FROM applications WHERE id = $1 AND state = 'expired'`, app); got != 1 {
		t.Error("the application did not expire")
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE address = '+33639989999' AND body LIKE '%pas confirmé%'`); got != 1 {
		t.Errorf("student told %d times, want 1", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox WHERE body LIKE '%de nouveau libre%'`); got < 1 {
		t.Error("the host was not told the place is free")
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

// A campaign with its reminders off nudges nobody, but what are rules still happens: a request
// nobody answered still expires.
func TestRemindersOff(t *testing.T) {
	ctx := context.Background()
	paris := calendar.Paris()
	sent := time.Date(2026, 12, 14, 10, 0, 0, 0, paris)
	kinds := func(t *testing.T, off bool, at time.Time) map[string]int {
		t.Helper()
		s := storetest.NewFrom(t, "demo", demoCatalog)
		id := jobFixture(t, s, "sent", nil)
		if _, err := s.DB().ExecContext(ctx, `UPDATE applications SET sent_at = $2 WHERE id = $1`, id, sent); err != nil {
			t.Fatal(err)
		}
		if off {
			if _, err := s.DB().ExecContext(ctx, `UPDATE campaigns SET reminders = '{"off": true}'`); err != nil {
				t.Fatal(err)
			}
		}
		dues, err := jobInbox(t, s, at).Due(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int{}
		for _, d := range dues {
			m[string(d.Key.Kind)]++
		}
		return m
	}
	threeDays := sent.AddDate(0, 0, 3)
	if got := kinds(t, false, threeDays); got["host_waiting"] != 1 {
		t.Errorf("reminders on, 3 days after the request: %v, want the host reminded", got)
	}
	if got := kinds(t, true, threeDays); len(got) != 0 {
		t.Errorf("reminders off, 3 days after the request: %v, want nothing", got)
	}
	if got := kinds(t, true, sent.AddDate(0, 0, 15)); got["request_expired"] != 1 || got["host_waiting"] != 0 {
		t.Errorf("reminders off, 15 days after the request: %v, want it expired and nothing else", got)
	}
}

// A reminder missed on its day (the service was down) goes on the next days, within
// store.LateDays, once; one that has become pointless meanwhile does not go; past the window, it
// is given up, and the next reminder of its kind goes on its own day.
func TestMissedReminderGoesLateOnce(t *testing.T) {
	ctx := context.Background()
	paris := calendar.Paris()
	at := func(d int) time.Time { return time.Date(2026, 12, d, 10, 0, 0, 0, paris) }
	consentReminders := func(s *store.Store) int {
		return countRows(t, s, `SELECT count(*) FROM outbox WHERE reminder LIKE 'consent/%'`)
	}

	// The parent, asked on Saturday 19 December, is due a reminder on Monday 21 (+2) and Thursday 24
	// (+5). The service is down on the Monday.
	s := storetest.NewFrom(t, "demo", demoCatalog)
	jobFixture(t, s, "awaiting_parent", nil)
	for _, day := range []int{22, 22, 23} { // Tuesday, twice, then Wednesday
		if _, err := jobInbox(t, s, at(day)).Reminders(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := consentReminders(s); got != 1 {
		t.Errorf("the reminder of Monday 21, missed: sent %d times late, want once", got)
	}
	if got := countRows(t, s, `SELECT count(*) FROM reminders WHERE kind = 'consent' AND due = '2026-12-21'`); got != 1 {
		t.Errorf("the late reminder is not kept under its own day: %d", got)
	}
	if _, err := jobInbox(t, s, at(24)).Reminders(ctx); err != nil {
		t.Fatal(err)
	}
	if got := consentReminders(s); got != 2 {
		t.Errorf("the reminder of Thursday 24 on its day: %d consent reminders in all, want 2", got)
	}

	// Down from Monday to Wednesday: Monday's reminder is past the window on Thursday, which sends
	// its own.
	s = storetest.NewFrom(t, "demo", demoCatalog)
	jobFixture(t, s, "awaiting_parent", nil)
	if _, err := jobInbox(t, s, at(24)).Reminders(ctx); err != nil {
		t.Fatal(err)
	}
	if got := countRows(t, s, `SELECT count(*) FROM reminders WHERE kind = 'consent'`); got != 1 {
		t.Errorf("after three days down: %d consent reminders, want Thursday's only", got)
	}

	// The parent answered while the service was down: the late reminder has become pointless.
	s = storetest.NewFrom(t, "demo", demoCatalog)
	jobFixture(t, s, "awaiting_parent", nil)
	if _, err := s.DB().Exec(`UPDATE students SET consent = 'granted'`); err != nil {
		t.Fatal(err)
	}
	if _, err := jobInbox(t, s, at(22)).Reminders(ctx); err != nil {
		t.Fatal(err)
	}
	if got := consentReminders(s); got != 0 {
		t.Errorf("a reminder to a parent who answered meanwhile: %d", got)
	}
}
