package season_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/domain"
	"stagebot/season"
	"stagebot/store"
	"stagebot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// collèges and sectors, as the service imports them.
func schoolsAndSectors(ctx context.Context, s *store.Store) error {
	if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
		return err
	}
	_, err := catalog.ImportEmbeddedSectors(ctx, s)
	return err
}

// day is a day of the test season (its clock is the season's own: no wall clock is compared).
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// autumn is a season from late September to the purge in January: sign-ups in October, across the
// end of daylight-saving time (25 October 2026), stage weeks from late November, the REP/REP+
// release a week before the first, a public holiday (11 November) on the way.
func autumn() season.World {
	weeks := []time.Time{day(2026, 11, 23), day(2026, 11, 30), day(2026, 12, 7), day(2026, 12, 14)}
	release := day(2026, 11, 16)
	w := season.World{Campaign: store.Campaign{Name: "Automne 2026 (saison de test)",
		ApplicationsOpen: day(2026, 9, 28), ApplicationsClose: day(2026, 12, 4), REPRelease: &release,
		PurgeOn: day(2027, 1, 15), MaxApplications: 5, ConfirmDays: 4, DeadlineDays: 10, Weeks: weeks},
		SchoolDays: 1}

	type hostKind struct {
		name     string
		answer   season.HostAnswer
		sector   string
		keywords [2]string
	}
	hosts := []hostKind{
		{"Atelier du livre", season.HostAnswer{Answer: season.Answer{AtAsk: 1, Delay: 20 * time.Hour}, Accept: 0.7, Review: 0.8},
			"Art et design", [2]string{"reliure", "calligraphie"}},
		{"Archives de Paris", season.HostAnswer{Answer: season.Answer{AtAsk: 1, Delay: 6 * time.Hour}, Accept: 0.5, Review: 0.5},
			"Recherche", [2]string{"cartographie", "archivage"}},
		{"Menuiserie solidaire", season.HostAnswer{Answer: season.Answer{AtAsk: 2, Delay: 4 * time.Hour}, Accept: 0.6, Review: 0.5},
			"Filiere bois", [2]string{"menuiserie", "ébénisterie"}},
		{"Fab lab du 19e", season.HostAnswer{Answer: season.Answer{AtAsk: 3, Delay: time.Hour}, Accept: 0.8, Review: 0.3},
			"Informatique et réseaux", [2]string{"robotique", "numérisation"}},
		{"Herbier municipal", season.HostAnswer{}, // never answers
			"Environnement", [2]string{"herboristerie", "botanique"}},
		{"Radio du quartier", season.HostAnswer{Answer: season.Answer{AtAsk: 1, Delay: 2 * time.Hour}, Accept: 0.1},
			"Audiovisuel", [2]string{"radiophonie", "journalisme"}},
		{"Ferme urbaine", season.HostAnswer{Answer: season.Answer{AtAsk: 1, Delay: 30 * time.Hour}, Accept: 0.6, Review: 0.6},
			"Agriculture", [2]string{"maraîchage", "apiculture"}},
		{"Piscine Pailleron", season.HostAnswer{Answer: season.Answer{AtAsk: 1, Delay: 3 * time.Hour}, Accept: 0.9, Review: 1},
			"Sport", [2]string{"natation", "escalade"}},
	}
	var refs []string
	for i, h := range hosts {
		host := season.Host{Ref: fmt.Sprintf("H%d", i+1), Name: h.name, Kind: store.HostCity, Employer: store.EmployerPublic,
			Contacts: []string{fmt.Sprintf("+3361100%04d", i)}, Answer: h.answer,
			// The agreement: most at once, some after a reminder, one never.
			Agreement: season.Answer{AtAsk: []int{1, 1, 2, 1, 0, 3, 1, 2}[i], Delay: 5 * time.Hour}}
		if i%2 == 1 {
			host.Kind, host.Employer = store.HostESS, store.EmployerPrivate
		}
		for k, word := range h.keywords {
			ref := fmt.Sprintf("O%d%d", i+1, k+1)
			offer := season.Offer{Ref: ref, Title: "Découvrir la " + word, Keyword: word, Sector: h.sector,
				Arrondissement: 10 + i}
			for _, wk := range weeks {
				reserved := 0
				if k == 0 {
					reserved = 1
				}
				offer.Weeks = append(offer.Weeks, store.OfferWeek{WeekStart: wk, Places: 2, ReservedPlaces: reserved})
			}
			host.Offers = append(host.Offers, offer)
			refs = append(refs, ref)
		}
		w.Hosts = append(w.Hosts, host)
	}

	schools := []string{"0750546L", "0753047E", "0752526N", "0751793S", "0750465Y", "0752528R"} // REP+, REP, neither
	names := []string{"Inès", "Nora", "Moussa", "Léo", "Aïcha", "Tom", "Yasmine", "Hugo", "Fatou", "Lucas", "Mei",
		"Adam", "Sofia", "Ibrahim", "Chloé", "Rayan"}
	start := calendar.AtParis(day(2026, 10, 1), 17, 0)
	for i := range 48 {
		st := season.Student{FirstName: names[i%len(names)], Channel: domain.SMS,
			Address: fmt.Sprintf("+3362200%04d", i), ParentPhone: fmt.Sprintf("+3363300%04d", i),
			SchoolUAI: schools[i%len(schools)], Week: weeks[i%len(weeks)], BirthMonth: day(2012, time.Month(1+i%12), 1),
			SignUp:     start.Add(time.Duration(i) * 17 * time.Hour),
			Applies:    []string{refs[(i*5)%len(refs)], refs[(i*7+3)%len(refs)]},
			ApplyEvery: 26 * time.Hour,
			Extra:      []string{refs[(i*3+1)%len(refs)], refs[(i*11+6)%len(refs)]},
			Parent:     season.ParentAnswer{Answer: season.Answer{AtAsk: 1, Delay: 3 * time.Hour}, Agree: true},
			Confirm:    season.Answer{AtAsk: 1, Delay: 20 * time.Hour},
			Agreement:  season.Answer{AtAsk: []int{1, 1, 2, 1, 3, 1}[i%6], Delay: 4 * time.Hour},
			Review:     i%2 == 0}
		st.Parent.Agreement = season.Answer{AtAsk: []int{1, 2, 1, 1, 0}[i%5], Delay: 6 * time.Hour}
		if i%3 == 0 {
			st.Channel, st.Address = domain.Telegram, fmt.Sprintf("%d", 700000+i)
		}
		if i%4 == 1 {
			st.Applies = append(st.Applies, refs[(i*13+5)%len(refs)])
		}
		switch i % 10 {
		case 0:
			st.Parent.AtAsk = 0 // never answers
		case 1:
			st.Parent.Agree = false
		case 2, 3:
			st.Parent.AtAsk, st.Parent.Delay = 2, 5*time.Hour // after the first reminder
		case 4:
			st.Parent.AtAsk = 3 // after the second
		case 5:
			st.Parent.StopAfter = 4 * 24 * time.Hour // agrees, then stops everything
		}
		switch i % 7 {
		case 0:
			st.Confirm.AtAsk = 0 // never confirms: the place is freed
		case 1:
			st.Confirm.AtAsk = 2 // after the reminder
		}
		w.Students = append(w.Students, st)
	}
	return w
}

// A whole season, on the service's clock, with two scheduler instances side by side: every message
// sent once, nothing nobody asked for outside the sending hours, every application settled before
// the purge, the purge done.
func TestSeason(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole season")
	}
	ctx := context.Background()
	st := storetest.NewFrom(t, "season", schoolsAndSectors)
	world := autumn()
	last := time.Now()
	out, err := season.Run(ctx, season.Config{Store: st, World: world, Seed: 2026, Replicas: 2,
		Progress: func(done float64) {
			if time.Since(last) > 5*time.Second {
				last = time.Now()
				t.Logf("%.0f%%", 100*done)
			}
		},
		Start: calendar.AtParis(day(2026, 9, 28), 8, 0), End: calendar.AtParis(day(2027, 1, 16), 12, 0)})
	if err != nil {
		t.Fatal(err)
	}
	hours, err := calendar.SendingHours()
	if err != nil {
		t.Fatal(err)
	}

	byKind := map[string]int{}
	onceEach := map[string]int{}
	for _, m := range out.Sent {
		kind := "reply"
		switch {
		case m.Reminder != "":
			kind = string(m.Reminder)
			onceEach[m.ReminderKey+" → "+string(m.Channel)+"/"+m.Address]++
		case m.Proactive:
			kind = "notice"
		}
		byKind[string(m.Role)+" "+kind]++
		if m.Proactive && !hours.Open(m.At) {
			t.Errorf("%s to a %s at %s, outside the sending hours: %q", kind, m.Role, m.At.In(calendar.Paris()), m.Body)
		}
		if !m.Proactive && !m.At.Equal(m.Queued) {
			t.Errorf("a reply to a %s waited from %s to %s: %q", m.Role, m.Queued, m.At, m.Body)
		}
	}
	dstEnd := time.Date(2026, 10, 25, 3, 0, 0, 0, calendar.Paris()) // 03:00 summer time became 02:00
	var before, after int
	for _, m := range out.Sent {
		if m.Reminder != "" && m.At.Before(dstEnd) {
			before++
		} else if m.Reminder != "" {
			after++
		}
	}
	if before == 0 || after == 0 {
		t.Errorf("reminders sent before the end of daylight-saving time: %d, after: %d; want both", before, after)
	}
	// Every stage reminder arrives before the stage's Monday (the day before a Monday is a Sunday:
	// it goes on the Saturday), every request for feedback after it.
	weekOf := map[string]time.Time{}
	for _, a := range out.Applications {
		weekOf[fmt.Sprintf("application:%d", a.ID)] = calendar.AtParis(a.Week, 0, 0)
	}
	for _, m := range out.Sent {
		_, rest, _ := strings.Cut(m.ReminderKey, "/")
		subject, _, _ := strings.Cut(rest, "/")
		switch week, ok := weekOf[subject]; {
		case !ok:
		case m.Reminder == domain.ReminderStageSoon && !m.At.Before(week):
			t.Errorf("a stage reminder to a %s left %s, on or after the stage's Monday %s", m.Role, m.At, week)
		case m.Reminder == domain.ReminderFeedback && m.At.Before(week.AddDate(0, 0, 7)):
			t.Errorf("feedback asked of a %s at %s, before the Monday after the stage of %s", m.Role, m.At, week)
		}
	}
	for key, n := range onceEach {
		if n > 1 {
			t.Errorf("reminder %s sent %d times", key, n)
		}
	}
	for _, kind := range domain.ReminderKinds() {
		if kind == domain.ReminderPurge {
			continue // it erases; it tells nobody
		}
		found := false
		for k := range byKind {
			found = found || strings.HasSuffix(k, " "+string(kind))
		}
		if !found {
			t.Errorf("no %s reminder in the whole season", kind)
		}
	}
	for _, state := range []domain.ApplicationState{domain.Draft, domain.AwaitingParent, domain.Sent, domain.Accepted} {
		if n := out.Final[state]; n > 0 {
			t.Errorf("%d applications still %s after the stage weeks", n, state)
		}
	}
	for _, state := range []domain.ApplicationState{domain.Confirmed, domain.Declined, domain.Expired, domain.Withdrawn} {
		if out.Final[state] == 0 {
			t.Errorf("no application ended %s: the season does not try that path", state)
		}
	}
	if out.Interrupted > 0 {
		t.Errorf("the jobs changed %d conversations: a reminder must leave people where they were", out.Interrupted)
	}
	if !out.Purged {
		t.Error("the campaign's personal data was not purged on its date")
	}
	var students int
	if err := st.DB().GetContext(ctx, &students, `SELECT count(*) FROM students`); err != nil {
		t.Fatal(err)
	}
	if students != 0 {
		t.Errorf("%d students left after the purge", students)
	}

	signed, total := signedBy(out, 3)
	if total == 0 || signed == 0 || signed == total {
		t.Errorf("%d of %d agreements signed by J-3: the season does not try both paths", signed, total)
	}

	t.Logf("%d students, %d messages in, %d sent; applications: %s; agreements signed by J-3: %d of %d\n%s",
		len(world.Students), out.Inbound, len(out.Sent), finalStates(out), signed, total, countsTable(byKind))
}

// signedBy counts the agreements signed by all days before their stage, of those of stages that held.
func signedBy(out *season.Outcome, days int) (signed, total int) {
	for _, a := range out.Agreements {
		total++
		if a.SignedBy(days) {
			signed++
		}
	}
	return signed, total
}

// The same season without the reminders: fewer agreements are signed by J-3 (the parties who answer
// only a reminder never sign); the reminders' share of the signatures is the difference.
func TestSeasonAgreementsWithoutReminders(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole season")
	}
	ctx := context.Background()
	run := func(off bool) (int, int) {
		world := autumn()
		world.Campaign.Reminders.Off = off
		out, err := season.Run(ctx, season.Config{Store: storetest.NewFrom(t, "season", schoolsAndSectors), World: world,
			Seed: 2026, Fast: true, Start: calendar.AtParis(day(2026, 9, 28), 8, 0), End: calendar.AtParis(day(2026, 12, 19), 12, 0)})
		if err != nil {
			t.Fatal(err)
		}
		return signedBy(out, 3)
	}
	with, total := run(false)
	without, totalOff := run(true)
	t.Logf("agreements signed by J-3: %d of %d with the reminders, %d of %d without", with, total, without, totalOff)
	if ratio := func(a, b int) float64 { return float64(a) / float64(max(b, 1)) }; ratio(with, total) <= ratio(without, totalOff) {
		t.Errorf("with the reminders %d of %d agreements signed by J-3, without %d of %d: the reminders do nothing",
			with, total, without, totalOff)
	}
}

// finalStates writes how many applications ended in each state.
func finalStates(out *season.Outcome) string {
	states := make([]string, 0, len(out.Final))
	for s, n := range out.Final {
		states = append(states, fmt.Sprintf("%s %d", s, n))
	}
	slices.Sort(states)
	return strings.Join(states, ", ")
}

// countsTable writes the messages sent by kind (rows) and role (columns), as a Markdown table.
func countsTable(byKind map[string]int) string {
	roles := []season.Role{season.RoleStudent, season.RoleParent, season.RoleHost}
	kinds := []string{"reply", "notice"}
	for _, k := range domain.ReminderKinds() {
		kinds = append(kinds, string(k))
	}
	var b strings.Builder
	b.WriteString("| sent | student | parent | host |\n|---|---:|---:|---:|\n")
	for _, kind := range kinds {
		row, any := "| "+kind, false
		for _, r := range roles {
			n := byKind[string(r)+" "+kind]
			any = any || n > 0
			cell := "–"
			if n > 0 {
				cell = fmt.Sprint(n)
			}
			row += " | " + cell
		}
		if any {
			b.WriteString(row + " |\n")
		}
	}
	return b.String()
}
