package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"stagebot/calendar"
	"stagebot/domain"
	"stagebot/store"
)

// The demo's people: a principal of a REP+ collège and a City official who can sign in to the web
// pages, the collège's class lists, and a few dozen clearly synthetic students at every stage of the
// journey (in that collège and two others), so that the pages show something. Their addresses are
// of the ranges reserved for fiction: Telegram chats 900000xxx, parents' numbers 06 39 98 xx xx.

// DemoPrincipal and DemoOfficial are the demo's two accounts.
const (
	DemoPrincipal = "principal.demo@stagebot.example"
	DemoOfficial  = "ville.demo@stagebot.example"
)

// PeopleReport is what SeedPeople wrote.
type PeopleReport struct {
	School     store.School // the REP+ collège of the demo principal
	Principal  int64
	Official   int64
	Students   int
	ListLines  int
	Stages     map[domain.SearchStatus]int
	Agreements int // the agreements of the confirmed stages, at every state
}

func (r PeopleReport) String() string {
	return fmt.Sprintf("people: %d students (%d on the lists of %s), %d internship agreements, a principal and a City official",
		r.Students, r.ListLines, r.School.Name, r.Agreements)
}

// demoPupil is one line of a demo class list, and what the demo does with the student.
type demoPupil struct {
	class, first, last string
	birth              time.Time
	stage              string // "" not signed up; "none", "waiting_parent", "refused", "sent", "accepted", "confirmed", "declined", "cancelled"
	signedDaysAgo      int
}

// SeedPeople writes the demo's people, on day today (Paris time), after Seed. Each student's steps
// go through the store's rules (apply, agree, accept, confirm), as the workflow would take them, but
// without messages. Seeding the same day twice adds nobody twice.
func SeedPeople(ctx context.Context, s *store.Store, today time.Time) (PeopleReport, error) {
	r := PeopleReport{Stages: map[domain.SearchStatus]int{}}
	schools, err := s.Schools(ctx)
	if err != nil {
		return r, err
	}
	var picked []store.School // the first REP+ collège of Paris with a stage week, then a REP and an other one
	for _, want := range []string{store.PriorityREPPlus, store.PriorityREP, store.PriorityNone} {
		for _, sc := range schools {
			if sc.Department == "75" && sc.Priority == want && sc.StageWeek != nil && sc.StageWeek.After(today) {
				picked = append(picked, sc)
				break
			}
		}
	}
	if len(picked) < 3 {
		return r, errors.New("seed people: the demo needs Paris collèges with a stage week (run Seed first)")
	}
	r.School = picked[0]
	now := calendar.AtParis(calendar.Day(today), 9, 0)
	if r.Principal, err = s.SaveStaff(ctx, store.Staff{Email: DemoPrincipal, Name: "Principale de démonstration",
		Role: store.RolePrincipal, Schools: []string{r.School.UAI}}, now); err != nil {
		return r, err
	}
	if r.Official, err = s.SaveStaff(ctx, store.Staff{Email: DemoOfficial, Name: "Agent de la Ville (démonstration)",
		Role: store.RoleCity}, now); err != nil {
		return r, err
	}
	rules, err := s.RulesOn(ctx, now)
	if err != nil {
		return r, err
	}
	hostPhones, err := s.HostPhones(ctx)
	if err != nil {
		return r, err
	}
	used := map[string]bool{}
	for _, h := range hostPhones {
		used[h.Phone] = true
	}
	// The demo's parents count down from 06 39 98 98 99: the top hundred numbers of the fiction range
	// are left to the people trying the demo (the console is 06 39 98 99 99 unless told otherwise).
	nextParent := 9899
	parentPhone := func() string {
		for ; ; nextParent-- {
			p := fmt.Sprintf("+3363998%04d", nextParent)
			if !used[p] {
				nextParent--
				return p
			}
		}
	}
	chat := 900000100
	for i, sc := range picked {
		pupils := demoPupils(sc.UAI, *sc.StageWeek, i == 0)
		var lines []store.RosterLine
		for _, p := range pupils {
			birth := p.birth
			lines = append(lines, store.RosterLine{Class: p.class, LastName: p.last, FirstName: p.first, BirthMonth: &birth})
		}
		if i == 0 {
			if _, err := s.ImportRoster(ctx, sc.UAI, lines, now); err != nil {
				return r, err
			}
			r.ListLines += len(lines)
		}
		for _, p := range pupils {
			if p.stage == "" {
				continue
			}
			chat++
			status, err := demoStudent(ctx, s, rules, sc, p, fmt.Sprint(chat), parentPhone(), now)
			if err != nil {
				return r, fmt.Errorf("seed people: %s %s: %w", p.first, p.last, err)
			}
			r.Students++
			r.Stages[status]++
		}
		if _, err := s.MatchRoster(ctx, sc.UAI); err != nil {
			return r, err
		}
		principal, principalID := "Chef d'établissement (démo)", int64(0)
		if i == 0 {
			principal, principalID = "Principale de démonstration", r.Principal
		}
		n, err := seedAgreements(ctx, s, sc.UAI, principal, principalID, now)
		if err != nil {
			return r, err
		}
		r.Agreements += n
	}
	return r, nil
}

// demoStudent signs a demo student up, signedDaysAgo days before now, and takes them to their stage of
// the journey. It returns where their search stands.
func demoStudent(ctx context.Context, s *store.Store, rules store.Rules, sc store.School, p demoPupil, chat, parent string,
	now time.Time) (domain.SearchStatus, error) {
	id, err := s.RegisterStudent(ctx, store.RegisterParams{Channel: domain.Telegram, Address: chat, FirstName: p.first,
		LastInitial: firstLetterOf(p.last), SchoolUAI: sc.UAI, SchoolName: sc.Name, StageWeek: *sc.StageWeek,
		BirthMonth: p.birth, ParentPhone: parent, ParentLang: "fr", Lang: "fr", At: now.AddDate(0, 0, -p.signedDaysAgo)})
	if err != nil {
		return "", err
	}
	if p.stage == "none" {
		return domain.NoApplication, nil
	}
	offers, _, err := s.SearchOffers(ctx, store.SearchParams{StudentID: id, Today: now, ReleaseDate: rules.ReleaseDate,
		Limit: 40})
	if err != nil {
		return "", err
	}
	// Two applications, at hosts picked from the student's name: the demo's students spread out.
	var apps []int64
	for k := 0; k < len(offers) && len(apps) < 2; k++ {
		o := offers[(len(p.first)*7+len(p.last)*3+k*5)%len(offers)]
		res, err := s.Apply(ctx, store.ApplyParams{StudentID: id, OfferID: o.ID,
			Motivation: "Je voudrais découvrir ce métier (candidature de démonstration).", Now: now, Rules: rules})
		if err != nil {
			return "", err
		}
		if res.Problem == domain.NoProblem {
			apps = append(apps, res.ID)
		}
	}
	if len(apps) == 0 {
		return domain.NoApplication, nil
	}
	switch p.stage {
	case "waiting_parent":
		return domain.WaitingParent, nil
	case "refused":
		_, err := s.RefuseConsent(ctx, id, now, false)
		return domain.ParentRefused, err
	}
	if _, err := s.GrantConsent(ctx, id, now); err != nil {
		return "", err
	}
	if p.stage == "sent" {
		return domain.WaitingHosts, nil
	}
	app, err := s.ApplicationByID(ctx, apps[0])
	if err != nil {
		return "", err
	}
	if p.stage == "declined" {
		if _, _, err := s.Decline(ctx, app.HostID, app.ID, now); err != nil {
			return "", err
		}
		return domain.WaitingHosts, nil
	}
	acc, err := s.Accept(ctx, store.AcceptParams{HostID: app.HostID, ApplicationID: app.ID, Now: now,
		ReleaseDate: rules.ReleaseDate, ConfirmDays: rules.ConfirmDays})
	if err != nil || acc.Problem != domain.NoProblem {
		return domain.WaitingHosts, err
	}
	if p.stage == "accepted" {
		return domain.PlaceToConfirm, nil
	}
	if _, err = s.Confirm(ctx, id, app.ID, now); err != nil || p.stage != "cancelled" {
		return domain.StageConfirmed, err
	}
	// A stage called off after it was confirmed (the family moved, the host closed): searching again.
	return domain.NoApplication, s.MoveApplication(ctx, id, app.ID, domain.Withdrawn, domain.ByStudent, now)
}

// demoPupils are a collège's demo students: three classes for the demo principal's collège (some
// not signed up, two lines one student may be), a handful for the others.
func demoPupils(uai string, week time.Time, lists bool) []demoPupil {
	born := func(m int) time.Time {
		return time.Date(week.Year()-15+m/12, time.Month(1+m%12), 1, 0, 0, 0, 0, time.UTC)
	}
	firsts := []string{"Inès", "Yanis", "Léa", "Moussa", "Aïcha", "Hugo", "Fatou", "Lucas", "Mei", "Adam", "Sofia",
		"Ibrahim", "Chloé", "Rayan", "Nora", "Malik", "Lina", "Théo", "Amina", "Samuel", "Jade", "Ilyes", "Maëlys",
		"Kenzo", "Sarah", "Bilal", "Zoé", "Omar", "Anaïs", "Noah", "Yasmine", "Ethan", "Awa", "Nathan", "Camille", "Sami"}
	lasts := []string{"Martin", "Benali", "Nguyen", "Traoré", "Diallo", "Petit", "Haddad", "Moreau", "Chen", "Lefèvre",
		"Ouali", "Rousseau", "Fontaine", "Kone", "Garcia", "Bernard", "Dubois", "Mercier"}
	stages := []string{"confirmed", "sent", "none", "accepted", "waiting_parent", "confirmed", "sent", "", "declined",
		"cancelled", "refused", "sent", "accepted", "none", "", "confirmed", "sent", "waiting_parent"}
	n := 36
	if !lists {
		n = 6
	}
	seed := 0
	for _, c := range uai {
		seed += int(c)
	}
	var out []demoPupil
	for i := range n {
		p := demoPupil{class: []string{"3e A", "3e B", "3e C"}[i%3], first: firsts[(i+seed)%len(firsts)],
			last: lasts[(i*5+seed)%len(lasts)] + " (démo)", birth: born(2 + (i*5)%12), stage: stages[i%len(stages)],
			signedDaysAgo: []int{1, 3, 10, 6, 12, 2}[i%6]}
		out = append(out, p)
	}
	if lists {
		// Two lines one signed-up student fits: the staff say which.
		twin := out[0]
		twin.class, twin.last, twin.stage = "3e C", lasts[(seed+3)%len(lasts)]+" (démo)", ""
		if firstLetterOf(twin.last) == firstLetterOf(out[0].last) {
			out = append(out, twin)
		} else {
			twin.last = string([]rune(out[0].last)[0]) + "ercier (démo)"
			out = append(out, twin)
		}
	}
	return slices.Clip(out)
}

func firstLetterOf(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// SeedDemoWorld writes the whole demo world on day today: the Paris collèges and the sectors shipped
// in data/, the demo campaign and its catalog (Seed), and the demo's people (SeedPeople). The demo
// command and the tests of the pages start from it.
func SeedDemoWorld(ctx context.Context, s *store.Store, today time.Time) (PeopleReport, error) {
	if _, err := ImportEmbeddedSchools(ctx, s); err != nil {
		return PeopleReport{}, err
	}
	if _, err := ImportEmbeddedSectors(ctx, s); err != nil {
		return PeopleReport{}, err
	}
	if _, err := Seed(ctx, s, SeedParams{Today: today}); err != nil {
		return PeopleReport{}, err
	}
	return SeedPeople(ctx, s, today)
}
