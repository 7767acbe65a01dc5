package simulate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stagebot/calendar"
	"stagebot/season/simulate"
	"stagebot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// small is a short season on a small population: two stage weeks from three weeks after today (the
// test's clock is its own: whatever day it runs, the season is played on its own days).
func small(policies ...simulate.Policy) simulate.Options {
	return simulate.Options{DatabaseURL: storetest.URL("postgres"), Start: time.Now(), LeadDays: 21, Weeks: 2,
		Scale: 0.02, Seeds: []uint64{7}, Policies: policies, Behaviour: simulate.DefaultBehaviour(), SMSPrice: 0.07,
		Parallel: 2}
}

// Same seed, same report: two runs of the same small season, started at two times of the same day,
// give the same JSON, byte for byte.
func TestSameSeedSameReport(t *testing.T) {
	if testing.Short() {
		t.Skip("two seasons")
	}
	ctx := context.Background()
	// The same day, early and late: the season is the day's, whatever the time it is run.
	today := calendar.Day(time.Now().In(calendar.Paris()))
	starts := []time.Time{calendar.AtParis(today, 6, 5), calendar.AtParis(today, 22, 50)}
	var reports [2][]byte
	for i := range reports {
		opt := small(simulate.DefaultPolicy())
		opt.Start = starts[i]
		r, err := simulate.Run(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := r.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		reports[i] = buf.Bytes()
	}
	if !bytes.Equal(reports[0], reports[1]) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.json"), reports[0], 0o644)
		os.WriteFile(filepath.Join(dir, "b.json"), reports[1], 0o644)
		t.Fatalf("the same seed gave two reports (diff %s/a.json %s/b.json)", dir, dir)
	}
	var r simulate.Report
	if err := json.Unmarshal(reports[0], &r); err != nil {
		t.Fatal(err)
	}
	if f := r.Policies[0].Runs[0]; f.Users == 0 || f.Requests == 0 || f.Inbound == 0 {
		t.Fatalf("an empty season: %d users, %d requests, %d messages in", f.Users, f.Requests, f.Inbound)
	}
	if f := r.Policies[0].Runs[0]; f.Placed > 0 && (f.Agreements == 0 || f.SignedByJ3 == 0) {
		t.Errorf("%d students placed, %d agreements, %d signed by J-3: the season does not play the agreements",
			f.Placed, f.Agreements, f.SignedByJ3)
	}
}

// The simulator's invariants hold on a small season under two policies: no offer week over its
// places, no reserved place to a student outside REP/REP+ before the release, every application
// final at the end, nothing nobody asked for outside the sending hours. And the report has its
// figures and its charts.
func TestInvariants(t *testing.T) {
	if testing.Short() {
		t.Skip("two seasons")
	}
	r, err := simulate.Run(context.Background(), small(simulate.DefaultPolicy(), simulate.NoReminders()))
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range r.Policies {
		for _, f := range pr.Runs {
			if f.Invariants != (simulate.Invariants{}) {
				t.Errorf("%s, seed %d: %+v", pr.Policy.Name, f.Seed, f.Invariants)
			}
			total := 0
			for _, n := range f.Applications {
				total += n
			}
			// A small season has few hosts: without reminders, none of them may answer.
			if total == 0 || f.Requests == 0 || f.Placed == 0 && i == 0 {
				t.Errorf("%s: %d applications, %d requests, %d placed: nothing happened", pr.Policy.Name, total, f.Requests, f.Placed)
			}
			if f.Placed > f.Users {
				t.Errorf("%s: %d placed of %d users", pr.Policy.Name, f.Placed, f.Users)
			}
			if len(f.Weeks) != 2 {
				t.Errorf("%s: %d weeks", pr.Policy.Name, len(f.Weeks))
			}
			for _, w := range f.Weeks {
				if w.Confirmed > w.Places || w.Empty != w.Places-w.Confirmed {
					t.Errorf("%s, week %s: %+v", pr.Policy.Name, w.Week, w)
				}
			}
		}
	}
	// Without reminders, hosts and parents get fewer messages.
	hostMessages := func(i int) int {
		for _, p := range r.Policies[i].Runs[0].Messages {
			if p.Party == "host" {
				return p.Messages
			}
		}
		return 0
	}
	if hostMessages(1) >= hostMessages(0) {
		t.Errorf("hosts got %d messages without reminders, %d with", hostMessages(1), hostMessages(0))
	}
	if len(r.Difference) == 0 || r.Difference[0].Against != simulate.DefaultPolicy().Name {
		t.Errorf("differences: %+v", r.Difference)
	}

	for _, lang := range []string{"fr", "en"} {
		var page bytes.Buffer
		if err := r.WriteHTML(&page, lang); err != nil {
			t.Fatal(err)
		}
		html := page.String()
		if n := strings.Count(html, "<svg"); n != 6 {
			t.Errorf("%s: %d charts in the page, want 6", lang, n)
		}
		want := map[string][]string{"fr": {"sans rappels", "Les comportements supposés", "Paramètre host_asks", "Places restées vides"},
			"en": {"no reminders", "Behaviour assumed", "Parameter host_asks", "Places left empty"}}[lang]
		for _, w := range want {
			if !strings.Contains(html, w) {
				t.Errorf("%s: the page does not say %q", lang, w)
			}
		}
		if strings.Contains(html, "<script") || strings.Contains(html, "http://") && !strings.Contains(html, "http://www.w3.org") {
			t.Errorf("%s: the page is not self-contained", lang)
		}
	}
}

// The remedies play on the real engine: direct booking of the City's places, and every collège
// relaying the service (more users, nudged from their page every week), with the season's
// invariants kept.
func TestRemedies(t *testing.T) {
	if testing.Short() {
		t.Skip("two seasons")
	}
	both := simulate.Policy{Name: "réservation directe et relais", DirectBooking: true, Outreach: simulate.OutreachAll}
	r, err := simulate.Run(context.Background(), small(simulate.DefaultPolicy(), both))
	if err != nil {
		t.Fatal(err)
	}
	base, f := r.Policies[0].Runs[0], r.Policies[1].Runs[0]
	if f.Invariants != (simulate.Invariants{}) {
		t.Errorf("%+v", f.Invariants)
	}
	if f.Users < base.Users*3/2 {
		t.Errorf("%d users with every collège relaying, %d without", f.Users, base.Users)
	}
	if f.Placed <= base.Placed {
		t.Errorf("%d placed with the remedies, %d without", f.Placed, base.Placed)
	}
	if f.Applications["confirmed"] == 0 {
		t.Errorf("no booking confirmed: %v", f.Applications)
	}
}
