package conversation

import (
	"fmt"
	"stagebot/domain"
	"strings"
	"testing"
	"time"
)

// pathTo lists, for each state, the state it is reached from and the message that reaches it.
var pathTo = map[State]struct {
	from State
	text string
}{
	AskFirstName:       {Welcome, "Bonjour"},
	ChooseLanguage:     {AskFirstName, "langue"},
	ConfirmFirstName:   {AskFirstName, "Marie Claire"},
	AskLastInitial:     {AskFirstName, "Léa"},
	AskSchool:          {AskLastInitial, "M"},
	PickSchool:         {AskSchool, "jean"},
	ConfirmSchool:      {AskSchool, "moulin"},
	ConfirmWeek:        {PickSchool, "1"},
	AskWeek:            {ConfirmSchool, "Autre semaine"},
	PickWeek:           {AskWeek, "21/12"}, // the Christmas holidays: no stage
	AskBirth:           {ConfirmSchool, "oui"},
	AskParentPhone:     {AskBirth, "03/2012"},
	AskParentLanguage:  {AskParentPhone, "06 12 34 56 78"},
	ConfirmSignup:      {AskParentLanguage, "1"},
	PickCorrection:     {ConfirmSignup, "Corriger"},
	Menu:               {ConfirmSignup, "1"},
	ViewProfile:        {Menu, "menu"}, // then "Mon profil"
	AskSearch:          {Menu, "menu"}, // then "Chercher un stage"
	PickFamily:         {AskSearch, "Par secteur"},
	PickSector:         {PickFamily, "1"},
	AskArrondissement:  {AskSearch, "Par arrondissement"},
	Results:            {AskSearch, "Tout voir"},
	ViewOffer:          {Results, "1"},
	AskMotivation:      {ViewOffer, "Postuler"},
	MyApplications:     {AskMotivation, "J'aime les musées."}, // then MENU, "Mes candidatures"
	ViewApplication:    {MyApplications, "1"},
	ConfirmWithdraw:    {ViewApplication, "Retirer ma candidature"},
	ConfirmCancelStage: {ViewApplication, "Annuler mon stage"}, // once the stage is confirmed
	ConfirmDelete:      {Menu, "supprimer"},
	ViewAgreement:      {Menu, "convention"},
	EnterCode:          {ViewAgreement, "Signer"},
	AskLastName:        {Menu, ""},
	AnswerHost:         {Menu, ""},
	ConfirmAnswer:      {AnswerHost, "merci"},
}

// then is what reaching a state takes after the path's message.
var then = map[State][]string{
	Menu:           {"menu"},
	ViewProfile:    {"Mon profil"},
	AskSearch:      {"Chercher un stage"},
	MyApplications: {"menu", "Mes candidatures"},
}

// passing are the states a message goes through without stopping there: CONFIRMER looks the
// applications up and moves on at once.
var passing = map[State]bool{ConfirmStage: true}

// allStates lists every state of the journey a person can be in between two messages.
func allStates(t *testing.T) []State {
	var states []State
	for st := range newMachine(t).states {
		if !passing[st] {
			states = append(states, st)
		}
	}
	return states
}

// reach drives a new French-speaking person on SMS to state st.
func reach(t testing.TB, st State) *driver {
	t.Helper()
	if st == Welcome {
		return newDriver(t)
	}
	p, ok := pathTo[st]
	if !ok {
		t.Fatalf("no path to %s", st)
	}
	d := reach(t, p.from)
	if st == AnswerHost {
		// A host's question comes while the student is in the menu.
		out := d.m.StudentNotice(d.s, Notice{Kind: NoticeHostQuestion, AppID: 7, Host: "Musée", Offer: "Accueil", Text: "Quels jours ?"})
		d.s = out.Session
		return d
	}
	if st == AskLastName {
		// The agreement needs the student's last name: a notice asks it while they are in the menu.
		out := d.m.StudentNotice(d.s, Notice{Kind: NoticeAgreementLastName, Host: "Musée"})
		d.s = out.Session
		return d
	}
	if st == ConfirmCancelStage {
		// The host accepted, the student confirmed: the application's page shows it again so.
		d.w.apps[len(d.w.apps)-1].State = domain.Confirmed
		d.send("6")
		d.send("1")
	}
	d.send(p.text)
	for _, text := range then[st] {
		d.send(text)
	}
	if d.s.State != st {
		t.Fatalf("reaching %s: got %s after %q:\n%s", st, d.s.State, p.text, d.text())
	}
	return d
}

func TestEveryStateIsReachable(t *testing.T) {
	for _, st := range allStates(t) {
		reach(t, st)
	}
}

// searching are the states where a word that is no choice starts a new search.
var searching = []State{Menu, ViewProfile, AskSearch, PickFamily, PickSector, AskArrondissement, Results, ViewOffer,
	MyApplications, ViewApplication, ConfirmWithdraw, ViewAgreement}

// movesTo adds to moves: each of states moves to to.
func movesTo(moves map[State]State, to State, states ...State) map[State]State {
	for _, st := range states {
		moves[st] = to
	}
	return moves
}

// Bad input anywhere gets a reply and leaves the person where they were (except where noted).
func TestBadInputInEveryState(t *testing.T) {
	blabla := strings.Repeat("blabla ", 750) // 5 kB
	inputs := []struct {
		name  string
		in    Input
		moves map[State]State // states where this input is in fact an answer
	}{
		{"emoji", Input{Text: "😀"}, map[State]State{AnswerHost: Menu}},
		{"photo", Input{Media: true}, nil},
		{"empty", Input{Text: "   "}, nil},
		{"number out of range", Input{Text: "99"}, map[State]State{AnswerHost: ConfirmAnswer}},
		{"old button", Input{Choice: "offer:999999"}, nil},
		{"5 kB", Input{Text: blabla}, movesTo(map[State]State{AnswerHost: Menu, PickSchool: AskSchool}, Results, searching...)},
		{"unknown keyword", Input{Text: "FOOBAR"}, movesTo(map[State]State{
			AnswerHost: Menu, AskFirstName: AskLastInitial, ConfirmFirstName: AskLastInitial, AskLastInitial: AskSchool, PickSchool: AskSchool,
			AskLastName: Menu, // FOOBAR is a last name
		}, Results, searching...)},
	}
	for _, st := range allStates(t) {
		for _, tc := range inputs {
			t.Run(string(st)+"/"+tc.name, func(t *testing.T) {
				d := reach(t, st)
				got := d.input(tc.in)
				want := st
				if to, ok := tc.moves[st]; ok {
					want = to
				}
				if st == Welcome {
					want = AskFirstName
				}
				if d.s.State != want {
					t.Errorf("state = %s, want %s", d.s.State, want)
				}
				if strings.TrimSpace(got) == "" {
					t.Errorf("no reply")
				}
				if tc.in.Media && st != Welcome && !strings.Contains(got, "messages écrits") {
					t.Errorf("photo answered %q", got)
				}
			})
		}
	}
}

// Three unexpected answers in a row bring the hint to send AIDE.
func TestThirdMissSuggestsHelp(t *testing.T) {
	for _, st := range []State{AskFirstName, ConfirmSchool, Menu, Results, AskBirth} {
		d := reach(t, st)
		for i := 1; i <= 3; i++ {
			got := d.send("😀")
			if hint := strings.Contains(got, "Écris AIDE"); hint != (i == 3) {
				t.Errorf("%s: miss %d: hint %v in %q", st, i, hint, got)
			}
		}
		d.send("aide")
		if d.s.Attempts != 0 {
			t.Errorf("%s: attempts after AIDE = %d", st, d.s.Attempts)
		}
	}
}

// An answer to an effect the state did not ask for is ignored and the question comes again.
func TestResultInWrongState(t *testing.T) {
	results := []Result{
		SchoolsFound{Schools: []domain.School{{UAI: "0751234X", Name: "X"}}}, SectorsFound{Sectors: []domain.Sector{{ID: 9, Name: "Y"}}},
		FamiliesFound{Families: []domain.Family{{Key: "arts", Offers: 1}}},
		Registered{StudentID: 7}, OffersFound{Total: 1}, OfferFound{}, Applied{Problem: domain.ProblemFull},
		ApplicationsFound{}, Withdrawn{OK: true}, ProfileChanged{}, Relayed{OK: true},
	}
	expects := map[State]string{ // the result each state is waiting for
		AskSchool: "conversation.SchoolsFound", PickSchool: "conversation.SchoolsFound",
		PickFamily: "conversation.FamiliesFound", PickSector: "conversation.SectorsFound",
		ConfirmSignup: "conversation.Registered", Results: "conversation.OffersFound", ViewOffer: "conversation.OfferFound",
		AskMotivation: "conversation.Applied", MyApplications: "conversation.ApplicationsFound",
		ViewApplication: "conversation.ApplicationsFound", ConfirmWithdraw: "conversation.Withdrawn",
		ConfirmCancelStage: "conversation.Withdrawn",
		ViewProfile:        "conversation.ApplicationsFound", AnswerHost: "conversation.Relayed", ConfirmAnswer: "conversation.Relayed",
	}
	for _, st := range allStates(t) {
		for _, r := range results {
			if expects[st] == typeName(r) {
				continue
			}
			t.Run(string(st)+"/"+typeName(r), func(t *testing.T) {
				d := reach(t, st)
				before := d.s
				if st == ViewProfile && typeName(r) == "conversation.ProfileChanged" {
					return // the answer to a change: it shows the profile again
				}
				got := d.input(Input{Result: r})
				want := st
				if st == Welcome {
					want = AskFirstName
				}
				if d.s.State != want || d.s.Profile.StudentID != before.Profile.StudentID {
					t.Errorf("state %s → %s, student %d → %d", st, d.s.State, before.Profile.StudentID, d.s.Profile.StudentID)
				}
				if strings.TrimSpace(got) == "" {
					t.Errorf("no question again")
				}
			})
		}
	}
}

func typeName(r Result) string {
	return strings.TrimPrefix(strings.Split(strings.TrimPrefix(fmtType(r), "*"), "{")[0], "")
}

func TestKeywordsInEveryState(t *testing.T) {
	for _, st := range allStates(t) {
		registered := reach(t, st).s.Profile.StudentID != 0
		t.Run(string(st), func(t *testing.T) {
			for _, text := range []string{"arrêt", "Stop", "STOP SMS", "unsubscribe.", "ARRET!"} {
				d := reach(t, st)
				got := d.send(text)
				if e, ok := effectOf[SetStopped](d); !ok || !e.Stopped || !d.s.Stopped || d.s.State != st {
					t.Errorf("%q: stopped %v, effects %v, state %s", text, d.s.Stopped, d.effects, d.s.State)
				}
				if !strings.Contains(got, "START") {
					t.Errorf("%q answered %q", text, got)
				}
			}
			for _, text := range []string{"AIDE", "help!", "?", "Aide."} {
				d := reach(t, st)
				got := d.send(text)
				want, phrase := st, "SUPPRIMER"
				if st == Welcome {
					want, phrase = AskFirstName, "Je suis stagebot"
				}
				if d.s.State != want || !strings.Contains(got, phrase) {
					t.Errorf("%q: state %s, answered %q", text, d.s.State, got)
				}
			}
			for _, text := range []string{"menu", "MENU."} {
				d := reach(t, st)
				got := d.send(text)
				switch {
				case st == Welcome:
					if d.s.State != AskFirstName {
						t.Errorf("%q: state %s", text, d.s.State)
					}
				case registered:
					if d.s.State != Menu || d.s.Resume != "" || !strings.Contains(got, "Que veux-tu faire") {
						t.Errorf("%q: state %s resume %q answered %q", text, d.s.State, d.s.Resume, got)
					}
				default:
					if d.s.State != st || !strings.Contains(got, "Le menu arrive") {
						t.Errorf("%q: state %s answered %q", text, d.s.State, got)
					}
				}
			}
			for _, text := range []string{"langue", "LANGUAGE", "Langue !"} {
				d := reach(t, st)
				resume := d.s.Resume
				got := d.send(text)
				if st == Welcome {
					if d.s.State != AskFirstName || !strings.Contains(got, "Reply EN") {
						t.Errorf("%q at the welcome: state %s answered %q", text, d.s.State, got)
					}
					continue
				}
				if d.s.State != ChooseLanguage || !strings.Contains(got, "Choose your language") {
					t.Errorf("%q: state %s answered %q", text, d.s.State, got)
				}
				want := st
				switch st {
				case ChooseLanguage:
					want = resume
				case ConfirmDelete:
					want = resume
				}
				if d.s.Resume != want {
					t.Errorf("%q: resume %q, want %q", text, d.s.Resume, want)
				}
			}
			for _, text := range []string{"supprimer", "Effacer", "DELETE"} {
				d := reach(t, st)
				got := d.send(text)
				if d.s.State != ConfirmDelete || !strings.Contains(got, "[Oui, tout effacer]") {
					t.Errorf("%q: state %s answered %q", text, d.s.State, got)
				}
				want := st
				if st == ChooseLanguage {
					want = AskFirstName // a detour from a detour comes back where the first began
				}
				if st != ConfirmDelete && d.s.Resume != want {
					t.Errorf("%q: resume %q", text, d.s.Resume)
				}
			}
			for _, text := range []string{"confirmer", "CONFIRMER !"} {
				d := reach(t, st)
				got := d.send(text)
				switch {
				case st == Welcome:
					if d.s.State != AskFirstName {
						t.Errorf("%q: state %s", text, d.s.State)
					}
				case registered:
					if d.s.State != MyApplications || !strings.Contains(got, "pas de stage à confirmer") {
						t.Errorf("%q: state %s answered %q", text, d.s.State, got)
					}
				default:
					if d.s.State != st || !strings.Contains(got, "Le menu arrive") {
						t.Errorf("%q: state %s answered %q", text, d.s.State, got)
					}
				}
			}
			for _, text := range []string{"start", "Démarrer"} {
				d := reach(t, st)
				got := d.send(text)
				want := st
				if st == Welcome {
					want = AskFirstName
				}
				if _, ok := effectOf[SetStopped](d); ok || d.s.State != want || strings.TrimSpace(got) == "" {
					t.Errorf("%q: state %s effects %v answered %q", text, d.s.State, d.effects, got)
				}
			}
		})
	}
}

// The stage week chosen is a Monday, and the birth month its first day.
func TestSignupDatesAreNormalized(t *testing.T) {
	d := reach(t, AskWeek)
	d.send("jeudi 14 janvier 2027")
	if w := d.s.Profile.Week; !w.Equal(time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("week = %v", w)
	}
	d.send("15/03/2012")
	if b := d.s.Profile.BirthMonth; !b.Equal(time.Date(2012, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("birth month = %v", b)
	}
}

// A session from nowhere (an unknown state, a student's state without a student) is put back on track.
func TestBrokenSessionsHeal(t *testing.T) {
	m := newMachine(t)
	in := Input{Channel: domain.SMS, Text: "1", Now: testNow}
	for _, s := range []Session{
		{}, {State: "nowhere", Lang: "xx"}, {State: Results, Lang: "fr"},
		{State: Menu, Lang: "en", Profile: Profile{StudentID: 0}},
	} {
		out := m.Step(s, in)
		checkOutput(t, s, out)
		if out.Session.State != AskFirstName || len(out.Replies) == 0 {
			t.Errorf("%+v → %s %+v", s, out.Session.State, out.Replies)
		}
	}
	out := m.Step(Session{State: "nowhere", Lang: "fr", Profile: Profile{StudentID: 9}}, in)
	if out.Session.State != Menu || len(out.Replies) == 0 {
		t.Errorf("registered student in an unknown state → %s", out.Session.State)
	}
}

func fmtType(v any) string { return fmt.Sprintf("%T", v) }
