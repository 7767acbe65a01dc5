package main

import (
	"strings"
	"testing"
)

// A sign-up, two searches and an application, as stagebot sent it over the fake Twilio API
// (texts copied from a run against the demo catalog). Each step is what arrived since the
// student's last message, and what the student must answer ("" : wait for more).
func TestBrainPlaysTheSignUp(t *testing.T) {
	b := &brain{p: profile{FirstName: "Léa", Initial: "A", School: "Voltaire", Birth: "03/2012", Parent: "06 60 01 00 00",
		Keywords: []string{"musee", "sport"}, Apply: true}}
	steps := []struct{ received, want string }{
		{"Bonjour ! Je suis stagebot, je t'aide à trouver ton stage de 3e à Paris, gratuitement. Quel est ton prénom ? (In English? Reply EN)", "Léa"},
		{"Merci Léa !", ""},
		{"L'initiale de ton nom de famille ? Juste la première lettre, par exemple M : c'est tout ce que les structures verront.", "A"},
		{"Ton collège ? Écris son nom (par exemple Jean Moulin) ou son code UAI.", "Voltaire"},
		{"Ton collège : Voltaire (Paris), stage la semaine du lundi 25 janvier. C'est bien ca ?\n\n1 Oui\n2 Autre semaine\n3 Autre collège\nRépondre 1, 2 ou 3", "1"},
		{"Ta date de naissance ? Le mois et l'année suffisent, par exemple 03/2012.", "03/2012"},
		{"Le numéro de portable d'un de tes parents ? On lui demande son accord par SMS avant d'envoyer tes candidatures.", "06 60 01 00 00"},
		{"Dans quelle langue écrire à ton parent ?\n\n1 Francais\n2 Anglais\n3 Arabe\n4 Chinois\n5 Portugais\n6 Espagnol", "1"},
		{"Je récapitule :\nLéa A., Voltaire\nStage : semaine du lundi 25 janvier\nNaissance : mars 2012\nParent : 06 xx xx xx 00 (Francais)\nC'est bon ?\n\n1 C'est bon\n2 Corriger\nRépondre 1 ou 2", "1"},
		{"C'est fait, Léa ! On demande l'accord de ton parent par SMS. Cherche déjà un stage : écris un mot (musée, sport, cuisine) ou MENU.", "musee"},
		{"19 offres (musee) :\n\n1 Les coulisses d'un musée de la Ville - Musée des Cartes... (11e)\n2 Le fonds patrimonial de la bibliothèque - Médiathèque... (10e)", ""},
		{"3 Le fonds patrimonial de la bibliothèque - Bibliothèque... (2e)\n7 Sans filtre\n8 Plus\n9 Nouvelle recherche\n0 Menu", "1"},
		{"Les coulisses d'un musée de la Ville\nMusée des Cartes et plans (Ville de Paris, 11e)\n1 place, postuler avant le lundi 11 janvier\nPendant ta semaine...\n\n1 Postuler\n2 Détails\n6 Retour\n0 Menu", "1"},
		{"Pourquoi ce stage te plait ? Quelques mots suffisent (500 signes maximum).", "J'aimerais découvrir ce métier et voir comment travaille l'équipe."},
		{"Envoyée à Musée des Cartes et plans ! Je te préviens dès qu'on te répond. Écris un autre mot pour chercher, ou MENU.", "sport"},
		{"8 offres (sport) :\n\n1 Découverte des métiers du sport - Piscine Maurice-Delorme (2e)\n2 Découverte des métiers du sport - Gymnase Robert-Guérin (18e)\n7 Sans filtre\n8 Plus\n9 Nouvelle recherche\n0 Menu", "2"},
	}
	turn := "\n"
	for i, s := range steps {
		f := foldLines(s.received)
		if isNotice(f) {
			t.Fatalf("step %d: a reply taken for a notice", i)
		}
		turn += f + "\n"
		d := b.next(turn)
		if d.Text != s.want {
			t.Fatalf("step %d: answered %q to %q, want %q", i, d.Text, firstLine(s.received), s.want)
		}
		if d.Text != "" {
			turn = "\n"
		}
	}
	if !b.registered || !b.applied || b.done {
		t.Errorf("registered %v, applied %v, done %v", b.registered, b.applied, b.done)
	}
	// The last offer page ends the script: no application left to make, no search left.
	d := b.next("\n" + foldLines("Découverte des métiers du sport\nGymnase Robert-Guérin (Ville de Paris, 18e)\n\n1 Postuler\n2 Détails\n6 Retour\n0 Menu") + "\n")
	if d.Text != "" || !b.done || b.gaveUp != "" {
		t.Errorf("after the last offer: %+v, done %v, gave up %q", d, b.done, b.gaveUp)
	}
}

// A student after a given offer skips other hosts' offers of the same title.
func TestBrainFindsTheTarget(t *testing.T) {
	b := &brain{p: profile{Target: &target{Search: "x", Title: "Programmation culturelle et communication de la médiathèque",
		Host: "Médiathèque Denise-Vial", Arr: 10}}, searches: 1}
	page := foldLines("2 offres (Programmation..., 10e) :\n\n1 Programmation culturelle et communication de la... (10e)\n" +
		"2 Communication d'une compagnie de théatre - Compagnie Le... (10e)\n7 Sans filtre\n9 Nouvelle recherche\n0 Menu")
	if d := b.next("\n" + page + "\n"); d.Text != "1" {
		t.Fatalf("results: %q, want 1", d.Text)
	}
	other := foldLines("Programmation culturelle et communication de la médiathèque\nMédiathèque Marguerite-Duras (Ville de Paris, 10e)\n\n1 Postuler\n2 Détails\n6 Retour\n0 Menu")
	if d := b.next("\n" + other + "\n"); d.Text != "6" {
		t.Fatalf("another host's offer: %q, want 6 (back)", d.Text)
	}
	if d := b.next("\n" + page + "\n"); d.Text != "" || !strings.Contains(b.gaveUp, "not in the results") {
		t.Fatalf("results again, nothing else matches: %+v, gave up %q", d, b.gaveUp)
	}
}

// Notices are told apart from replies.
func TestNotices(t *testing.T) {
	for _, s := range []string{"Bonne nouvelle : ton parent a donné son accord ! Tes candidatures partiront dès que tu postules.",
		"Question de Médiathèque des Lilas : \"Bonjour Léa\"", "Médiathèque des Lilas ne peut pas t'accueillir pour \"x\"."} {
		if !isNotice(fold1(s)) {
			t.Errorf("%q is a notice", s)
		}
	}
	if isNotice(fold1("Ta date de naissance ?")) {
		t.Error("a question taken for a notice")
	}
}

// Numbers are typed as people type them, and runs number their people apart.
func TestTypedAndPhones(t *testing.T) {
	if got := typed("+33660010000"); got != "06 60 01 00 00" {
		t.Errorf("typed = %q", got)
	}
	if s, p := studentPhone(12, 345), parentPhone(12, 345); s != "+33670120345" || p != "+33660120345" {
		t.Errorf("phones %s %s", s, p)
	}
	if d := drillPhone(probePhones, 12, 1345); d != "+33767012345" {
		t.Errorf("drill phone %s", d)
	}
}
