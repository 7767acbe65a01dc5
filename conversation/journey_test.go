package conversation

import (
	"stagebot/domain"
	"testing"
	"time"
)

// signUp drives a new person through the sign-up in French, on SMS, typing numbers for choices.
func signUp(d *driver) {
	d.t.Helper()
	d.send("Bonjour")
	d.expect(ChooseLanguage, "stagebot", "Ville de Paris", "accord", "STOP", "AIDE", "[Français]", "[English]")
	d.send("1")
	d.expect(AskFirstName, "prénom")
	d.send("léa")
	d.expect(AskLastInitial, "Merci Léa", "initiale")
	d.send("m")
	d.expect(AskSchool, "collège")
	d.send("moulin")
	d.expect(ConfirmSchool, "Collège Jean Moulin (Paris 14e)", "[Oui]", "[Non]")
	d.send("oui")
	d.expect(ConfirmWeek, "lundi 11 janvier", "[Non, une autre semaine]")
	d.send("1")
	d.expect(AskBirth, "03/2012")
	d.send("mars 2012")
	d.expect(AskParentPhone, "portable", "accord")
	d.send("06 12 34 56 78")
	d.expect(ConfirmSignup, "Léa", "Collège Jean Moulin", "lundi 11 janvier", "mars 2012", "06 xx xx xx 78", "[C'est bon]", "[Corriger]")
	d.send("C'est bon")
	d.expect(Menu, "inscription est enregistrée", "SMS à ton parent", "[Chercher un stage]", "[Mes candidatures]")
}

func TestJourneyFrench(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	reg := d.w.registered
	if reg == nil || reg.Lang != "fr" {
		t.Fatalf("register = %+v", reg)
	}
	want := Profile{FirstName: "Léa", LastInitial: "M", SchoolUAI: "0751234X", SchoolName: "Collège Jean Moulin", Priority: "REP",
		SchoolWeek: &schoolWeek, Week: schoolWeek, BirthMonth: time.Date(2012, 3, 1, 0, 0, 0, 0, time.UTC),
		ParentPhone: "+33612345678"}
	if !profilesEqual(reg.Profile, want) {
		t.Errorf("registered profile\n%+v, want\n%+v", reg.Profile, want)
	}
	if d.s.Profile.StudentID != 42 {
		t.Errorf("student id = %d", d.s.Profile.StudentID)
	}

	d.send("1")
	d.expect(AskSearch, "Écris un mot", "[Par secteur]", "[Tout voir]")
	d.send("Musée")
	d.expect(Results, "7 offres pour ta semaine (page 1/3)", "[Guide au musée 1 - Musée 1 (1er)]", "[Suivantes]", "[Menu]")
	if s := d.w.searches[len(d.w.searches)-1]; s.StudentID != 42 || s.PageSize != 3 || s.Filters.Keyword != "Musée" {
		t.Errorf("search = %+v", s)
	}
	d.send("suivantes")
	d.expect(Results, "(page 2/3)", "[Guide au musée 4 - Musée 4 (4e)]", "[Précédentes]")
	d.send("2")
	d.expect(ViewOffer, "Guide au musée 5", "Chez : Musée 5 (ESS)", "Adresse : 5 rue des Archives (5e)",
		"Horaires : 9h-17h", "2 places pour ta semaine", "mardi 1er décembre", "...", "[Postuler]", "[Retour aux résultats]")
	d.send("Postuler")
	d.expect(AskMotivation, "500 caractères")
	d.send("")
	d.expect(AskMotivation, "messages écrits")
	d.send("J'adore les musées et je veux voir les coulisses.")
	d.expect(Menu, "Candidature enregistrée", "Musée 5", "accord")
	if a, _ := effectOf[Apply](d); a.OfferID != 105 || a.StudentID != 42 {
		t.Errorf("apply = %+v", a)
	}

	d.send("Mes candidatures")
	d.expect(MyApplications, "Tes candidatures", "[Guide au musée 5 - Musée : en attente de l'accord de ton parent]")
	d.send("1")
	d.expect(ViewApplication, "Semaine du lundi 11 janvier", "lundi 5 octobre", "[Retirer ma candidature]", "[Retour]")
	d.send("1")
	d.expect(ConfirmWithdraw, "vraiment", "[Oui, retirer]", "[Non]")
	d.send("oui")
	d.expect(MyApplications, "C'est fait", "Terminées", "retirée", "pas de candidature en cours")
	if w, _ := effectOf[Withdraw](d); w.ApplicationID != 500 {
		t.Errorf("withdraw = %+v", w)
	}
}

func TestJourneyEnglishOnTelegram(t *testing.T) {
	d := newDriver(t)
	d.channel = domain.Telegram
	d.input(Input{Text: "/start 0751234X", Start: "0751234X"})
	d.expect(ChooseLanguage, "[English]")
	d.press("lang:en")
	d.expect(AskFirstName, "Hello! I'm stagebot", "first name")
	if e, _ := effectOf[SetLanguage](d); e.Lang != "en" {
		t.Errorf("set language = %+v", e)
	}
	d.send("JEAN-PIERRE")
	d.expect(AskLastInitial, "Thanks Jean-Pierre", "initial")
	d.send("Dupont")
	// The /start link's collège is looked up straight away.
	d.expect(ConfirmSchool, "Is this your collège: Collège Jean Moulin (Paris 14e)?")
	d.press("school:yes")
	d.expect(ConfirmWeek, "Monday 11 January")
	d.press("week:no")
	d.expect(AskWeek, "Monday")
	d.send("20/01")
	d.expect(AskBirth, "the week of Monday 18 January")
	d.send("march 2012")
	d.expect(AskParentPhone, "mobile")
	d.send("+33 7 81 23 45 67")
	d.expect(ConfirmSignup, "Jean-Pierre", "week of Monday 18 January", "March 2012", "07 xx xx xx 67")
	d.press("signup:yes")
	d.expect(Menu, "You're signed up", "[Find an internship]")

	d.press("menu:search")
	d.press("search:ess")
	d.expect(Results, "4 offers for your week:", "(Paris 1)", "[New search]")
	if d.w.searches[len(d.w.searches)-1].PageSize != 5 {
		t.Errorf("telegram page size = %d", d.w.searches[len(d.w.searches)-1].PageSize)
	}
	d.press("offer:101")
	d.expect(ViewOffer, "With: Musée 1 (ESS)", "Apply by Tuesday 1 December", "[Apply]")
	d.press("offer:apply")
	d.send("I love museums.")
	d.expect(Menu, "Application saved! It will be sent to Musée 1")
	d.press("menu:apps")
	d.expect(MyApplications, "waiting for your parent's agreement")
	d.press("app:500")
	d.press("app:withdraw")
	d.press("withdraw:yes")
	d.expect(MyApplications, "Done, your application has been withdrawn", "withdrawn")
}

func TestStopSilenceStart(t *testing.T) {
	d := newDriver(t)
	d.send("Salut")
	d.send("1")
	d.send("Léa")
	d.send("M")
	d.send("Arrêt !")
	d.expect(AskSchool, "plus de messages", "START")
	if e, ok := effectOf[SetStopped](d); !ok || !e.Stopped {
		t.Errorf("set stopped = %+v", e)
	}
	stopped := d.s
	for _, text := range []string{"Collège Jean Moulin", "AIDE", "menu", "1", "STOP", ""} {
		if got := d.send(text); got != "" || len(d.effects) != 0 {
			t.Errorf("%q while stopped answered %q, %v", text, got, d.effects)
		}
	}
	if out := d.m.Step(d.s, Input{Result: SchoolsFound{}, Now: testNow}); len(out.Replies) != 0 || len(out.Effects) != 0 {
		t.Errorf("a result while stopped answered %+v", out)
	}
	if !profilesEqual(d.s.Profile, stopped.Profile) || d.s.State != stopped.State || !d.s.Stopped {
		t.Errorf("session changed while stopped: %+v", d.s)
	}
	d.send("Démarrer")
	d.expect(AskSchool, "Re-bonjour", "Dans quel collège")
	if e, ok := effectOf[SetStopped](d); !ok || e.Stopped {
		t.Errorf("set stopped = %+v", e)
	}
	d.send("START")
	d.expect(AskSchool, "Dans quel collège")
	if _, ok := effectOf[SetStopped](d); ok {
		t.Errorf("START when not stopped set stopped again")
	}
	d.send("STOP")
	// SUPPRIMER still works after STOP: everything is erased, silently.
	if got := d.send("supprimer"); got != "" {
		t.Errorf("supprimer while stopped answered %q", got)
	}
	if _, ok := effectOf[Erase](d); !ok {
		t.Errorf("supprimer while stopped erased nothing")
	}
	if d.s.Profile.FirstName != "" || !d.s.Stopped {
		t.Errorf("after supprimer while stopped: %+v", d.s)
	}
}

func TestLanguageMidSignup(t *testing.T) {
	d := newDriver(t)
	d.send("Bonjour")
	d.send("Français")
	d.send("Léa")
	d.send("M")
	d.send("jean")
	d.expect(PickSchool, "plusieurs collèges", "[Collège Jean Jaurès (Paris 19e)]", "[Aucun de ceux-là]")
	d.send("Langue")
	d.expect(ChooseLanguage, "Choose your language")
	if d.s.Resume != PickSchool {
		t.Errorf("resume = %q", d.s.Resume)
	}
	d.send("2")
	d.expect(PickSchool, "I found several collèges", "[None of these]")
	if d.s.Lang != "en" || d.s.Resume != "" {
		t.Errorf("lang %q resume %q", d.s.Lang, d.s.Resume)
	}
	d.send("1")
	d.expect(ConfirmWeek, "Monday 11 January")
	if d.s.Profile.SchoolUAI != "0751234X" || d.s.Profile.Priority != "REP" {
		t.Errorf("picked school = %+v", d.s.Profile)
	}
	d.send("language")
	d.send("français")
	d.expect(ConfirmWeek, "lundi 11 janvier", "[Oui]")
}

func TestDeleteWithConfirmation(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("1")
	d.send("SUPPRIMER")
	d.expect(ConfirmDelete, "effacer toutes tes données", "[Oui, tout effacer]", "[Non]")
	d.send("non")
	d.expect(AskSearch, "je garde tout", "Écris un mot")
	if d.s.Profile.StudentID != 42 {
		t.Fatalf("kept student = %+v", d.s.Profile)
	}
	d.send("langue")
	d.send("effacer")
	d.expect(ConfirmDelete, "effacer")
	d.send("Oui, tout effacer")
	d.expect(Welcome, "données sont effacées", "BONJOUR")
	if e, ok := effectOf[Erase](d); !ok || e.StudentID != 42 {
		t.Errorf("erase = %+v", e)
	}
	want := NewSession()
	if d.s.State != want.State || d.s.Profile.StudentID != 0 || d.s.Lang != "fr" || d.s.Resume != "" {
		t.Errorf("session after erase = %+v", d.s)
	}
	d.send("Bonjour")
	d.expect(ChooseLanguage, "Je suis stagebot")
}

func TestDeleteBeforeRegistrationJustResets(t *testing.T) {
	d := newDriver(t)
	d.send("hello")
	d.send("2")
	d.send("Sam")
	d.send("M")
	d.send("delete")
	d.expect(ConfirmDelete, "erase all your data")
	d.send("yes")
	d.expect(Welcome, "Your data has been erased")
	if e, ok := effectOf[Erase](d); !ok || e.StudentID != 0 {
		t.Errorf("erase = %+v, %v: what was typed before registration must be erased too", e, ok)
	}
	if d.s.Lang != "en" || d.s.Profile.FirstName != "" {
		t.Errorf("session = %+v", d.s)
	}
}

func TestSchoolNotInList(t *testing.T) {
	d := newDriver(t)
	d.send("Bonjour")
	d.send("1")
	d.send("Léa")
	d.send("M")
	d.send("Collège Imaginaire")
	d.expect(AskSchool, "aucun collège pour \"Collège Imaginaire\"", "[Mon collège n'est pas dans la liste]")
	d.send("1")
	d.expect(AskWeek, "date du lundi")
	p := d.s.Profile
	if p.SchoolName != "Collège Imaginaire" || p.SchoolUAI != "" || p.Priority != "none" || p.SchoolWeek != nil {
		t.Errorf("profile = %+v", p)
	}
}

func TestCorrectRestartsSignup(t *testing.T) {
	d := newDriver(t)
	d.send("Bonjour")
	d.send("1")
	d.send("Léa")
	d.send("M")
	d.send("moulin")
	d.send("oui")
	d.send("oui")
	d.send("03/2012")
	d.send("0612345678")
	d.send("Corriger")
	d.expect(AskFirstName, "on reprend", "prénom")
	if !profilesEqual(d.s.Profile, Profile{}) {
		t.Errorf("profile kept: %+v", d.s.Profile)
	}
}

func TestSearchFiltersAndEmptyResults(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("1")
	d.send("Par arrondissement")
	d.expect(AskArrondissement, "1 à 20")
	d.send("Paris 3e")
	d.expect(Results, "1 offre pour ta semaine :", "(3e)")
	d.send("Nouvelle recherche")
	d.expect(AskSearch, "Filtres en cours : 3e.")
	d.send("Ville de Paris seulement")
	d.expect(Results, "Aucune offre", "[Tout voir]", "[Nouvelle recherche]", "[Menu]")
	d.send("Tout voir")
	d.expect(Results, "7 offres")
	d.send("Nouvelle recherche")
	d.send("Par secteur")
	d.expect(AskSector, "secteur")
	d.send("art")
	d.expect(PickSector, "[Arts et spectacle]", "[Artisanat]")
	d.send("1")
	d.expect(Results, "7 offres")
	if f := d.s.Search.Filters; f.SectorID != 1 || f.SectorName != "Arts et spectacle" {
		t.Errorf("filters = %+v", f)
	}
	d.send("Nouvelle recherche")
	d.send("Par secteur")
	d.send("zzz")
	d.expect(AskSector, "pas de secteur \"zzz\"")
	d.send("santé")
	d.expect(Results, "offres")
	d.send("menu")
	d.expect(Menu, "Que veux-tu faire")
}

func TestOfferGoneAndApplyProblems(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("1")
	d.send("tout voir")
	d.send("1")
	d.expect(ViewOffer, "Guide au musée 1")
	d.w.applyProblem = domain.ProblemFull
	d.send("Postuler")
	d.send("J'aime l'art.")
	d.expect(ViewOffer, "plus de place", "Guide au musée 1")
	d.w.applyProblem = domain.ProblemTooMany
	d.send("Postuler")
	d.send("J'aime l'art.")
	d.expect(Menu, "nombre maximum")
	d.w.applyProblem = domain.NoProblem

	d.send("1")
	d.send("tout voir")
	d.w.offers = d.w.offers[1:]
	d.send("1")
	d.expect(Results, "n'existe plus", "6 offres")
}

func TestAlreadyAppliedHidesApply(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("1")
	d.send("tout voir")
	d.send("1")
	d.send("1")
	d.send("Je veux découvrir.")
	d.send("1")
	d.send("tout voir")
	d.send("1")
	d.expect(ViewOffer, "déjà postulé", "[Retour aux résultats]")
	for _, l := range d.s.Labels {
		if l == "Postuler" {
			t.Errorf("Postuler offered again")
		}
	}
}

func TestNoApplicationsYet(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("2")
	d.expect(MyApplications, "pas encore de candidature", "[Chercher un stage]", "[Menu]")
	d.send("1")
	d.expect(AskSearch, "Écris un mot")
}

func profilesEqual(a, b Profile) bool {
	aw, bw := a.SchoolWeek, b.SchoolWeek
	a.SchoolWeek, b.SchoolWeek = nil, nil
	if (aw == nil) != (bw == nil) || aw != nil && !aw.Equal(*bw) {
		return false
	}
	return a.StudentID == b.StudentID && a.FirstName == b.FirstName && a.SchoolUAI == b.SchoolUAI &&
		a.SchoolName == b.SchoolName && a.Priority == b.Priority && a.Week.Equal(b.Week) &&
		a.BirthMonth.Equal(b.BirthMonth) && a.ParentPhone == b.ParentPhone
}
