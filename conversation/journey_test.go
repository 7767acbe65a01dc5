package conversation

import (
	"strings"
	"testing"
	"time"

	"stagebot/domain"
)

// signUp drives a new person through the sign-up in French, on SMS, typing numbers for choices.
func signUp(d *driver) {
	d.t.Helper()
	d.send("Bonjour")
	d.expect(AskFirstName, "stagebot", "stage de 3e", "prénom", "Reply EN")
	d.send("léa")
	d.expect(AskLastInitial, "Merci Léa", "initiale")
	d.send("m")
	d.expect(AskSchool, "collège")
	d.send("moulin")
	d.expect(ConfirmSchool, "Collège Jean Moulin (Paris 14e), stage la semaine du lundi 11 janvier", "[Oui]",
		"[Autre collège]", "[Autre semaine]")
	d.send("1")
	d.expect(AskBirth, "03/2012")
	d.send("mars 2012")
	d.expect(AskParentPhone, "portable", "accord")
	d.send("06 12 34 56 78")
	d.expect(AskParentLanguage, "langue", "[Français]", "[Arabe]", "[Chinois]")
	d.send("1")
	d.expect(ConfirmSignup, "Léa M.", "Collège Jean Moulin", "lundi 11 janvier", "mars 2012", "06 xx xx xx 78 (Français)",
		"[C'est bon]", "[Corriger]")
	d.send("C'est bon")
	d.expect(Menu, "C'est fait, Léa", "accord de ton parent", "musée, sport, cuisine")
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
		ParentPhone: "+33612345678", ParentLang: "fr"}
	if !profilesEqual(reg.Profile, want) {
		t.Errorf("registered profile\n%+v, want\n%+v", reg.Profile, want)
	}
	if d.s.Profile.StudentID != 42 {
		t.Errorf("student id = %d", d.s.Profile.StudentID)
	}

	// A word searches, straight from where the sign-up ended.
	d.send("Musée")
	d.expect(Results, "7 offres (Musée) :", "[Guide au musée 1 - Musée 1 (1er)]", "[Plus]", "[Sans filtre]",
		"[Nouvelle recherche]", "[Menu]")
	if s := d.w.searches[len(d.w.searches)-1]; s.StudentID != 42 || s.PageSize != 3 || s.Filters.Keyword != "Musée" {
		t.Errorf("search = %+v", s)
	}
	d.send("8")
	d.expect(Results, "Offres 4 à 6 sur 7 :", "[Guide au musée 4 - Musée 4 (4e)]", "[Plus]")
	d.send("2")
	d.expect(ViewOffer, "Guide au musée 5", "Musée 5 (ESS, 5e)", "2 places, postuler avant le mardi 1er décembre",
		"Tu découvriras", "...", "[Postuler]", "[Détails]", "[Retour]", "[Menu]")
	if strings.Contains(d.text(), "Horaires") {
		t.Errorf("the short offer shows the hours:\n%s", d.text())
	}
	d.send("Détails")
	d.expect(ViewOffer, "Adresse : 5 rue des Archives", "Horaires : 9h-17h", "Secteur : Arts et spectacle", "[Postuler]")
	d.send("Postuler")
	d.expect(AskMotivation, "500 signes")
	d.send("")
	d.expect(AskMotivation, "messages écrits")
	d.send("J'adore les musées et je veux voir les coulisses.")
	d.expect(Menu, "C'est noté", "Musée 5", "dès que ton parent dit oui", "MENU")
	if a, _ := effectOf[Apply](d); a.OfferID != 105 || a.StudentID != 42 {
		t.Errorf("apply = %+v", a)
	}

	d.send("menu")
	d.send("Mes candidatures")
	d.expect(MyApplications, "Tes candidatures", "[Guide au musée 5 - Musée : en attente de l'accord de ton parent]")
	d.send("1")
	d.expect(ViewApplication, "Semaine du lundi 11 janvier", "lundi 5 octobre", "[Retirer ma candidature]", "[Retour]")
	d.send("3")
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
	d.expect(AskFirstName, "Bonjour", "Reply EN")
	d.send("EN")
	d.expect(AskFirstName, "Hello! I'm stagebot", "first name")
	d.send("JEAN-PIERRE")
	d.expect(AskLastInitial, "Thanks Jean-Pierre", "initial")
	d.send("Dupont")
	// The /start link's collège is looked up straight away.
	d.expect(ConfirmSchool, "Your collège: Collège Jean Moulin (Paris 14e), internship week of Monday 11 January")
	d.press("school:other_week")
	d.expect(AskWeek, "Monday")
	d.send("20/01")
	d.expect(AskBirth, "the week of Monday 18 January")
	d.send("march 2012")
	d.expect(AskParentPhone, "mobile")
	d.send("+33 7 81 23 45 67")
	d.expect(AskParentLanguage, "[Arabic]")
	d.press("plang:ar")
	d.expect(ConfirmSignup, "Jean-Pierre", "week of Monday 18 January", "March 2012", "07 xx xx xx 67 (Arabic)")
	d.press("signup:yes")
	d.expect(Menu, "Done, Jean-Pierre", "museum, sport, cooking")
	if d.w.registered.Profile.ParentLang != "ar" || d.w.registered.Lang != "en" {
		t.Errorf("registered %+v", d.w.registered)
	}

	d.send("menu")
	d.press(keySearch)
	d.press("search:ess")
	d.expect(Results, "4 offers (ESS):", "(Paris 1)", "[New search]")
	if d.w.searches[len(d.w.searches)-1].PageSize != 5 {
		t.Errorf("telegram page size = %d", d.w.searches[len(d.w.searches)-1].PageSize)
	}
	d.press("offer:101")
	d.expect(ViewOffer, "Musée 1 (ESS, Paris 1)", "apply by Tuesday 1 December", "[Apply]")
	d.press("offer:apply")
	d.send("I love museums.")
	d.expect(Menu, "Noted! Your application goes to Musée 1")
	d.send("menu")
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
	d.send("Léa")
	d.send("M")
	d.send("Arrêt !")
	d.expect(AskSchool, "plus rien", "START")
	if e, ok := effectOf[SetStopped](d); !ok || !e.Stopped {
		t.Errorf("set stopped = %+v", e)
	}
	stopped := d.s
	for _, text := range []string{"Collège Jean Moulin", "menu", "1", "STOP", ""} {
		if got := d.send(text); got != "" || len(d.effects) != 0 {
			t.Errorf("%q while stopped answered %q, %v", text, got, d.effects)
		}
	}
	// AIDE gets one line: how to come back.
	if got := d.send("AIDE"); !strings.Contains(got, "écris START") || len(d.effects) != 0 || d.s.State != AskSchool {
		t.Errorf("AIDE while stopped answered %q, %v", got, d.effects)
	}
	if out := d.m.Step(d.s, Input{Result: SchoolsFound{}, Now: testNow}); len(out.Replies) != 0 || len(out.Effects) != 0 {
		t.Errorf("a result while stopped answered %+v", out)
	}
	if !profilesEqual(d.s.Profile, stopped.Profile) || d.s.State != stopped.State || !d.s.Stopped {
		t.Errorf("session changed while stopped: %+v", d.s)
	}
	d.send("Démarrer")
	d.expect(AskSchool, "Re-bonjour", "Ton collège ?")
	if e, ok := effectOf[SetStopped](d); !ok || e.Stopped {
		t.Errorf("set stopped = %+v", e)
	}
	d.send("START")
	d.expect(AskSchool, "Ton collège ?")
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

// The first message sets the language: "Hello" gets English.
func TestEnglishGreetingGetsEnglish(t *testing.T) {
	d := newDriver(t)
	d.send("Hello!")
	d.expect(AskFirstName, "Hello! I'm stagebot", "first name", "FR")
	d.send("FR")
	d.expect(AskFirstName, "Bonjour ! Je suis stagebot")
	if d.s.Lang != "fr" {
		t.Errorf("lang %q", d.s.Lang)
	}
}

func TestDeleteWithConfirmation(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("menu")
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
	d.expect(AskFirstName, "Je suis stagebot")
}

func TestDeleteBeforeRegistrationJustResets(t *testing.T) {
	d := newDriver(t)
	d.send("hello")
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

// "Corriger" asks which answer, asks just that again, and comes back to the summary.
func TestCorrectOneAnswer(t *testing.T) {
	d := newDriver(t)
	d.send("Bonjour")
	d.send("Léa")
	d.send("M")
	d.send("moulin")
	d.send("oui")
	d.send("03/2012")
	d.send("0612345678")
	d.send("1")
	d.send("Corriger")
	d.expect(PickCorrection, "Que veux-tu corriger ?", "[Prénom et initiale]", "[Parent (numéro, langue)]")
	d.send("Date de naissance")
	d.expect(AskBirth, "naissance")
	d.send("04/2012")
	d.expect(ConfirmSignup, "Naissance : avril 2012", "Léa M.", "Collège Jean Moulin", "06 xx xx xx 78")
	d.send("Corriger")
	d.send("Parent (numéro, langue)")
	d.expect(AskParentPhone, "portable")
	d.send("07 81 22 33 44")
	d.expect(AskParentLanguage, "langue")
	d.send("Portugais")
	d.expect(ConfirmSignup, "07 xx xx xx 44 (Portugais)", "avril 2012")
	d.send("Corriger")
	d.send("Prénom et initiale")
	d.send("Léna")
	d.expect(AskLastInitial, "Merci Léna")
	d.send("B")
	d.expect(ConfirmSignup, "Léna B.", "07 xx xx xx 44")
	d.send("Corriger")
	d.send("Collège")
	d.send("jaures")
	d.expect(ConfirmSchool, "Collège Jean Jaurès")
	d.send("oui")
	d.expect(AskWeek, "date du lundi")
	d.send("18/01")
	d.expect(ConfirmSignup, "Collège Jean Jaurès", "lundi 18 janvier", "Léna B.")
	d.send("1")
	if p := d.w.registered.Profile; p.FirstName != "Léna" || p.ParentPhone != "+33781223344" || p.ParentLang != "pt" ||
		p.SchoolUAI != "0755555A" {
		t.Errorf("registered %+v", p)
	}
}

// A registered student changes their week, collège or parent without signing up again; leaving half
// way changes nothing.
func TestProfileChanges(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.w.profileParent = "+33612345678"
	d.send("menu")
	d.send("Mon profil")
	d.expect(ViewProfile, "Ton profil", "Léa M., Collège Jean Moulin", "semaine du lundi 11 janvier", "06 xx xx xx 78 (Français)",
		"[Changer de semaine]", "[Changer de collège]", "[Numéro du parent]", "[Menu]")
	d.send("Changer de semaine")
	d.expect(AskWeek, "date du lundi")
	d.send("18/01")
	d.expect(ViewProfile, "C'est enregistré.", "semaine du lundi 18 janvier")
	if n := len(d.w.changed); n != 1 || !d.w.changed[0].Week.Equal(schoolWeek.AddDate(0, 0, 7)) {
		t.Fatalf("changes %+v", d.w.changed)
	}
	d.send("Numéro du parent")
	d.send("07 81 22 33 44")
	d.send("Anglais")
	d.expect(ViewProfile, "C'est enregistré.", "On demande son accord à ton parent", "07 xx xx xx 44 (Anglais)")
	if c := d.w.changed[len(d.w.changed)-1]; c.ParentPhone != "+33781223344" || c.ParentLang != "en" {
		t.Errorf("parent change %+v", c)
	}
	// Half way, MENU: the change is given up.
	d.send("Changer de collège")
	d.send("jaures")
	d.expect(ConfirmSchool, "Jean Jaurès")
	d.send("menu")
	d.expect(Menu, "Que veux-tu faire")
	if d.s.Profile.SchoolName != "Collège Jean Moulin" || d.s.Fix != FixNone || d.s.Before != nil {
		t.Errorf("after giving up: %+v", d.s)
	}
	if n := len(d.w.changed); n != 2 {
		t.Errorf("%d changes saved, want 2", n)
	}
}

// Every screen of a registered student takes a word as a new search, without the filters that were
// on; the results name the filters and offer to drop them.
func TestNeverStuck(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("menu")
	d.send("Chercher un stage")
	d.send("Par arrondissement")
	d.send("3e")
	d.expect(Results, "1 offre (3e) :", "[Sans filtre]")
	d.send("musée")
	d.expect(Results, "7 offres (musée) :")
	if f := d.s.Search.Filters; f.Arrondissement != 0 || f.Keyword != "musée" {
		t.Errorf("filters after a new word: %+v", f)
	}
	d.send("jardin 11e")
	d.expect(Results, "Rien pour jardin, 11e pour ta semaine", "[Sans filtre]", "[Par secteur]", "[Menu]")
	d.send("Sans filtre")
	d.expect(Results, "7 offres :")
	if f := d.s.Search.Filters; f != (domain.Filters{}) {
		t.Errorf("filters after Sans filtre: %+v", f)
	}
	for _, st := range []State{ViewOffer, MyApplications, ViewProfile, PickFamily} {
		d := reach(t, st)
		d.send("guide")
		d.expect(Results, "offres (guide)")
	}
	d.send("merci")
	d.expect(Results, "Avec plaisir")
}

// Fixed choices keep their number on every screen: 0 is the menu, 9 a new search, 8 more results,
// 7 no filter, 6 back.
func TestChoicesKeepTheirNumbers(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("musée")
	numbers := map[string]string{}
	for i, key := range d.s.Choices {
		numbers[key] = d.s.Numbers[i]
	}
	if numbers[keyMenu] != "0" || numbers[keyNewSearch] != "9" || numbers[keyMore] != "8" || numbers[keyAll] != "7" ||
		numbers["offer:101"] != "1" {
		t.Errorf("numbers %v", numbers)
	}
	d.send("9")
	d.expect(AskSearch, "Écris un mot")
	d.send("0")
	d.expect(Menu, "Que veux-tu faire")
	d.send("tout voir")
	d.send("1")
	d.send("6")
	d.expect(Results, "7 offres")
}

// An offer's page says why the student may not apply before they write anything.
func TestRefuseBeforeAsking(t *testing.T) {
	for _, tc := range []struct {
		problem domain.Problem
		phrase  string
	}{
		{domain.ProblemNoConsent, "Ton parent n'a pas donné son accord"},
		{domain.ProblemTooMany, "maximum de candidatures"},
		{domain.ProblemPlaced, "déjà un stage confirmé"},
		{domain.ProblemFull, "plus de place"},
		{domain.ProblemNotWeek, "pas lieu pendant ta semaine"},
		{domain.ProblemTooYoung, "moins de 14 ans"},
	} {
		d := newDriver(t)
		signUp(d)
		d.w.offerProblem = tc.problem
		d.send("musée")
		d.send("1")
		d.expect(ViewOffer, tc.phrase, "[Retour]")
		if slices := strings.Join(d.s.Labels, "|"); strings.Contains(slices, "Postuler") {
			t.Errorf("%s: Postuler offered: %s", tc.problem, slices)
		}
	}
}

func TestOfferGoneAndApplyProblems(t *testing.T) {
	d := newDriver(t)
	signUp(d)
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
	d.expect(Menu, "maximum de candidatures")
	d.w.applyProblem = domain.NoProblem

	d.send("tout voir")
	d.w.offers = d.w.offers[1:]
	d.send("1")
	d.expect(Results, "plus disponible", "6 offres")
}

func TestAlreadyAppliedHidesApply(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("tout voir")
	d.send("1")
	d.send("Postuler")
	d.send("Je veux découvrir.")
	d.send("tout voir")
	d.send("1")
	d.expect(ViewOffer, "déjà postulé", "[Retour]")
	for _, l := range d.s.Labels {
		if l == "Postuler" {
			t.Errorf("Postuler offered again")
		}
	}
}

func TestNoApplicationsYet(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("menu")
	d.send("2")
	d.expect(MyApplications, "pas encore de candidature", "[Chercher un stage]", "[Menu]")
	d.send("1")
	d.expect(AskSearch, "Écris un mot")
}

// Browsing by sector takes two short steps: a family, then its sectors with their offers.
func TestBrowseBySector(t *testing.T) {
	d := newDriver(t)
	signUp(d)
	d.send("menu")
	d.send("1")
	d.send("Par secteur")
	d.expect(PickFamily, "Choisis un domaine", "[Arts, culture]", "[Santé, social]", "[Menu]")
	d.send("1")
	d.expect(PickSector, "Arts, culture : quel secteur ?", "[Arts et spectacle (7)]", "[Artisanat (2)]", "[Autres domaines]")
	d.send("1")
	d.expect(Results, "(Arts et spectacle)")
	if f := d.s.Search.Filters; f.SectorID != 1 || f.SectorName != "Arts et spectacle" {
		t.Errorf("filters = %+v", f)
	}
	d.send("menu")
	d.send("1")
	d.send("Par secteur")
	d.send("Santé, social") // one sector: its offers at once
	d.expect(Results, "(Santé)")
}

func profilesEqual(a, b Profile) bool {
	aw, bw := a.SchoolWeek, b.SchoolWeek
	a.SchoolWeek, b.SchoolWeek = nil, nil
	if (aw == nil) != (bw == nil) || aw != nil && !aw.Equal(*bw) {
		return false
	}
	return a.StudentID == b.StudentID && a.FirstName == b.FirstName && a.SchoolUAI == b.SchoolUAI &&
		a.SchoolName == b.SchoolName && a.Priority == b.Priority && a.Week.Equal(b.Week) &&
		a.BirthMonth.Equal(b.BirthMonth) && a.ParentPhone == b.ParentPhone && a.ParentLang == b.ParentLang
}
