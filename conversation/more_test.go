package conversation

import (
	"stagebot/domain"
	"strings"
	"testing"
	"time"
)

// LANGUE in any state, then a language, brings the person back to that state's question in the
// new language; and back again.
func TestLanguageResumesEveryState(t *testing.T) {
	for _, st := range allStates(t) {
		if st == Welcome || st == ChooseLanguage || st == ConfirmDelete {
			continue
		}
		t.Run(string(st), func(t *testing.T) {
			d := reach(t, st)
			d.send("language")
			got := d.send("English")
			if d.s.State != st || d.s.Lang != "en" || d.s.Resume != "" || strings.TrimSpace(got) == "" {
				t.Errorf("state %s lang %s resume %q answered %q", d.s.State, d.s.Lang, d.s.Resume, got)
			}
			if e, ok := effectOf[SetLanguage](d); !ok || e.Lang != "en" {
				t.Errorf("set language = %+v", e)
			}
			d.send("LANGUE")
			d.send("1")
			if d.s.State != st || d.s.Lang != "fr" {
				t.Errorf("back: state %s lang %s", d.s.State, d.s.Lang)
			}
		})
	}
}

func TestEveryApplyProblem(t *testing.T) {
	tests := []struct {
		problem domain.Problem
		want    State
		phrase  string
	}{
		{domain.ProblemAlready, Menu, "déjà postulé"},
		{domain.ProblemFull, ViewOffer, "plus de place"},
		{domain.ProblemNotWeek, ViewOffer, "n'a pas lieu pendant ta semaine"},
		{domain.ProblemClosed, ViewOffer, "date limite pour postuler à cette offre est passée"},
		{domain.ProblemTooMany, Menu, "maximum de candidatures"},
		{domain.ProblemNotFound, Menu, "plus disponible"},
		{domain.ProblemPlaced, Menu, "stage confirmé"},
		{domain.ProblemNotOpen, ViewOffer, "Les candidatures ouvrent le lundi 30 novembre"},
		{"mystery", Menu, "n'a pas pu être enregistrée"},
	}
	for _, tc := range tests {
		d := reach(t, AskMotivation)
		d.w.applyProblem = tc.problem
		d.send("Je veux apprendre.")
		d.expect(tc.want, tc.phrase)
	}
}

// When no week at all has an offer open yet, the student is told and the sign-up goes on.
// A stage week of the season with no offer yet may be kept; without a season, any school week may.
func TestStageWeekWithoutOffers(t *testing.T) {
	d := reach(t, AskWeek)
	d.w.weeks[1].Offers = 0 // 18 January: a stage week, no offer yet
	d.send("18/01")
	d.expect(PickWeek, "Pas encore d'offre ouverte pour la semaine du lundi 18 janvier", "[lundi 11 janvier (ton collège, 7 offres)]",
		"[lundi 1er février (1 offre)]", "[Garder ma semaine]")
	d.send("Garder ma semaine")
	d.expect(AskBirth, "date de naissance")
	if !d.s.Profile.Week.Equal(schoolWeek.AddDate(0, 0, 7)) {
		t.Errorf("week kept %v", d.s.Profile.Week)
	}

	d = reach(t, AskWeek)
	d.w.noSeason = true
	d.send("08/02")
	d.expect(PickWeek, "Pas encore d'offre ouverte pour la semaine du lundi 8 février", "[Garder ma semaine]")
	d.send("21/12")
	d.expect(PickWeek, "vacances de Noël")
}

// A student under 14 in their week is told at sign-up, in their results and when ESS finds nothing,
// that only public services may take them.
func TestUnderFourteen(t *testing.T) {
	d := reach(t, Menu)
	d.s.Profile.BirthMonth = time.Date(2013, 2, 1, 0, 0, 0, 0, time.UTC) // 13 in January 2027
	d.send("musée")
	d.expect(Results, "Moins de 14 ans : pas d'offre ESS")
	d.send("Plus")
	if strings.Contains(d.text(), "Moins de 14 ans") {
		t.Error("the age rule is said again on the next page")
	}
	d.w.offers = nil
	d.send("ESS")
	d.expect(Results, "Rien pour ESS pour toi : les structures ESS ne peuvent pas accueillir d'élèves de moins de 14 ans",
		"[Ville de Paris]")
	d.send("3")
	if got := d.w.searches[len(d.w.searches)-1].Filters; got.Kind != "city" {
		t.Errorf("after the City's offers: %+v", got)
	}
	d.s.Profile.BirthMonth = time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC) // 15
	d.send("musée")
	if strings.Contains(d.text(), "14 ans") {
		t.Errorf("said to a 15-year-old: %s", d.text())
	}
}

func TestNoWeekHasOffers(t *testing.T) {
	d := reach(t, AskWeek)
	d.w.weeks = nil
	d.send("11/01")
	d.expect(AskBirth, "Pas encore d'offre ouverte pour la semaine du lundi 11 janvier, ni pour les semaines proches",
		"date de naissance")
	if d.s.Profile.Week != schoolWeek {
		t.Errorf("week %v", d.s.Profile.Week)
	}
}

func TestOfferWithoutApply(t *testing.T) {
	opens := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		change func(*domain.OfferDetail)
		phrase string
	}{
		{func(o *domain.OfferDetail) { o.RunsInWeek, o.Problem = false, domain.ProblemNotWeek }, "n'a pas lieu pendant ta semaine"},
		{func(o *domain.OfferDetail) { o.PlacesLeft, o.Problem = 0, domain.ProblemFull }, "plus de place"},
		{func(o *domain.OfferDetail) { o.Problem = domain.ProblemClosed }, "date limite pour postuler à cette offre est passée"},
		{func(o *domain.OfferDetail) { o.Problem, o.OpensOn = domain.ProblemNotOpen, &opens }, "ouvrent le lundi 30 novembre"},
	}
	for _, tc := range tests {
		d := reach(t, Results)
		tc.change(&d.w.offers[0])
		d.send("1")
		d.expect(ViewOffer, tc.phrase, "[Retour]")
		if d.s.Choices[0] == "offer:apply" {
			t.Errorf("Postuler offered: %q", d.s.Choices)
		}
		d.send("postuler")
		d.expect(ViewOffer, "pas compris")
	}
}

func TestEveryStatusInWords(t *testing.T) {
	d := reach(t, Menu)
	for i, st := range []domain.ApplicationState{"draft", "awaiting_parent", "sent", "accepted", "confirmed", "declined", "withdrawn", "cancelled", "expired", "odd"} {
		d.w.apps = append(d.w.apps, domain.ApplicationSummary{ID: int64(i + 1), OfferID: 101, OfferTitle: "Offre " + string(st), HostName: "Hôte",
			Week: schoolWeek, State: st, CreatedAt: testNow})
	}
	d.send("Mes candidatures")
	d.expect(MyApplications, "[Offre draft - Hôte : pas encore envoyée]", "[Offre confirmed - Hôte : stage confirmé]",
		"Terminées :\n- Offre declined - Hôte : refusée\n- Offre withdrawn - Hôte : retirée\n- Offre cancelled - Hôte : annulée",
		"expirée", "- Offre odd - Hôte : en cours")
	if len(d.s.Choices) != 6 {
		t.Errorf("choices = %q, want 5 ongoing and Menu", d.s.Choices)
	}
	d.send("5") // confirmed: it can be cancelled, in words that cannot be an accident
	d.expect(ViewApplication, "stage confirmé", "[Annuler mon stage]", "[Retour]")
	d.send("Annuler mon stage")
	d.expect(ConfirmCancelStage, "écris ANNULER STAGE", "[Garder mon stage]")
	d.send("1")
	d.expect(ConfirmCancelStage, "écris les mots ANNULER STAGE")
	d.send("oui")
	d.expect(ConfirmCancelStage, "écris les mots ANNULER STAGE")
	if d.w.apps[4].State != domain.Confirmed {
		t.Fatalf("a tap cancelled the stage: %s", d.w.apps[4].State)
	}
	d.send("Garder mon stage")
	d.expect(ViewApplication, "stage confirmé")
	d.send("Annuler mon stage")
	d.send("annuler  stage !")
	d.expect(Menu, "ton stage chez Hôte est annulé, la structure et ton parent sont prévenus")
	if d.w.apps[4].State != domain.Withdrawn {
		t.Fatalf("ANNULER STAGE did not cancel the stage: %s", d.w.apps[4].State)
	}
	d.send("Mes candidatures")
	d.send("1")
	d.w.apps = d.w.apps[1:] // the draft disappears meanwhile
	d.send("Retirer ma candidature")
	d.send("oui")
	d.expect(MyApplications, "n'était plus en cours")
	d.send("1")
	d.w.apps = nil
	d.send("Retour")
	d.expect(MyApplications, "pas encore de candidature")
}

func TestApplicationGone(t *testing.T) {
	d := reach(t, MyApplications)
	d.w.apps[0].ID = 999
	d.send("1")
	d.expect(MyApplications, "ne trouve plus cette candidature", "Tes candidatures")
}

func TestRegisterFailureKeepsTheAnswers(t *testing.T) {
	d := reach(t, ConfirmSignup)
	out := d.m.Step(d.s, Input{Channel: domain.SMS, Now: testNow, Result: Registered{}})
	checkOutput(t, d.s, out)
	if out.Session.State != ConfirmSignup || out.Session.Profile.FirstName != "Léa" || !strings.Contains(out.Replies[0].Text, "Oups") {
		t.Errorf("%s %+v", out.Session.State, out.Replies)
	}
}

func TestEmptiedPageShowsTheLastOne(t *testing.T) {
	d := reach(t, Results)
	d.send("Plus")
	d.expect(Results, "Offres 4 à 6 sur 7")
	d.w.offers = d.w.offers[:4]
	d.send("Plus")
	d.expect(Results, "Offres 4 à 4 sur 4")
	d.w.offers = nil
	d.send("1")
	d.expect(Results, "plus disponible", "Pas encore d'offre")
}

// Results stop at the best dozen: past them, the student is asked to search more precisely.
func TestResultsStopAtTheBest(t *testing.T) {
	d := reach(t, Results)
	for i := 8; i <= 20; i++ {
		o := d.w.offers[0]
		o.ID, o.Title = int64(100+i), "Guide au musée bis"
		d.w.offers = append(d.w.offers, o)
	}
	d.send("tout voir")
	d.expect(Results, "20 offres :", "[Plus]")
	for page := 2; page <= 4; page++ {
		d.send("Plus")
	}
	d.expect(Results, "Offres 10 à 12 sur 12 (8 autres : écris un mot plus précis pour les voir)")
	if strings.Contains(d.text(), "[Plus]") {
		t.Errorf("Plus past the best:\n%s", d.text())
	}
}

// A Telegram /start link whose collège is unknown asks the collège as usual.
func TestStartLinkWithUnknownSchool(t *testing.T) {
	d := newDriver(t)
	d.channel = domain.Telegram
	d.input(Input{Text: "/start 0759999Z", Start: "0759999Z"})
	d.send("Léa")
	d.send("M")
	d.expect(AskSchool, "Ton collège ?")
	d.send("moulin")
	d.expect(ConfirmSchool, "Collège Jean Moulin")
}

func TestLabelsAndYesNoPickChoices(t *testing.T) {
	d := reach(t, ConfirmSchool)
	d.send("OUAIS")
	d.expect(AskBirth)
	d = reach(t, Menu)
	d.send("mes candidatures !")
	d.expect(MyApplications)
	d = reach(t, ConfirmDelete)
	d.send("n")
	d.expect(Menu)
}

// The invitations a collège prints give an SMS keyword, "STAGE" and the collège's UAI code: a first
// SMS that names a code fills in the collège as Telegram's /start link does; an unknown code, or a
// code sent later, changes nothing.
func TestInvitationKeywordBySMS(t *testing.T) {
	for _, tc := range []struct {
		first string
		want  State
		says  string
	}{
		{"STAGE 0751234X", ConfirmSchool, "Collège Jean Moulin"},
		{"stage 0751234x.", ConfirmSchool, "Collège Jean Moulin"},
		{"Bonjour, code 0751234X !", ConfirmSchool, "Collège Jean Moulin"},
		{"STAGE 0759999Z", AskSchool, "Ton collège ?"},
		{"STAGE 12345", AskSchool, "Ton collège ?"},
		{"Bonjour", AskSchool, "Ton collège ?"},
	} {
		t.Run(tc.first, func(t *testing.T) {
			d := newDriver(t)
			d.send(tc.first)
			d.send("Léa")
			d.send("M")
			d.expect(tc.want, tc.says)
		})
	}
	// A code typed when the collège is asked is looked up like a name.
	d := newDriver(t)
	d.send("Salut")
	d.send("Léa")
	d.send("M")
	d.send("0751234X")
	d.expect(ConfirmSchool, "Collège Jean Moulin")
}

// Browsing a week counted past domain.CountedUpTo says "more than 500", not a count it did not make,
// and asks for a word past the best dozen.
func TestBrowsingManyOffers(t *testing.T) {
	d := reach(t, Results)
	for i := range domain.CountedUpTo + 1 {
		o := d.w.offers[0]
		o.ID, o.Title = int64(1000+i), "Guide au musée bis"
		d.w.offers = append(d.w.offers, o)
	}
	d.send("tout voir")
	d.expect(Results, "Plus de 500 offres cette semaine", "[Plus]")
	for page := 2; page <= 4; page++ {
		d.send("Plus")
	}
	d.expect(Results, "Offres 10 à 12 sur plus de 500 : écris un mot plus précis")
}
