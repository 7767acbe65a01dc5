package conversation

import (
	"strings"
	"testing"
)

// Contact details are masked in relayed messages, both ways; ordinary text, dates, references and
// prices are left alone.
func TestMaskContacts(t *testing.T) {
	mk := newMasker()
	for _, tc := range []struct {
		in, want string
		found    bool
	}{
		{"Mon numero c est le 06 12 34 50 01, mon insta @yasmine_b", "Mon numero c est le ***, mon insta ***", true},
		{"appelle au 0612345001", "appelle au ***", true},
		{"Tel : +33 6 12 34 50 01.", "Tel : ***.", true},
		{"06.12.34.50.01", "***", true},
		{"06-12-34-50-01 ou (01) 42 76 40 40", "*** ou ***", true},
		{"écris à claire.martin@musee-paris.fr stp", "écris à *** stp", true},
		{"claire (at) musee (dot) fr", "***", true},
		{"Voir https://exemple.org/stage?id=3 ou www.musee.fr", "Voir *** ou ***", true},
		{"mon site : yasmine-art.com/portfolio", "mon site : ***", true},
		{"snap: yas.b2012", "snap: ***", true},
		{"Ajoute-moi sur insta yasmine_b", "Ajoute-moi sur insta ***", true},
		{"Rendez-vous lundi 18/01 à 9h, 115 rue des Mésanges 75011", "Rendez-vous lundi 18/01 à 9h, 115 rue des Mésanges 75011", false},
		{"Réf. 1042 : prévoir 2 tickets à 1,90 €", "Réf. 1042 : prévoir 2 tickets à 1,90 €", false},
		{"Quels jours es-tu disponible ?", "Quels jours es-tu disponible ?", false},
		{"J'ai 14 ans et je suis en 3e", "J'ai 14 ans et je suis en 3e", false},
		{"insta c'est super", "insta c'est super", false},
		// A network's name or an address just before a number does not take its first digits.
		{"Mon WhatsApp : 06 12 34 56 78", "Mon WhatsApp : ***", true},
		{"Écris-moi à lea.martin@gmail.com. 06 12 34 56 78 sinon.", "Écris-moi à ***. *** sinon.", true},
		{"écris à lea@gmail.com. 75011 Paris", "écris à ***. 75011 Paris", true},
		{"lea @ gmail . com", "***", true},
		// Only the contact itself goes: the words after an address that ends a sentence stay.
		{"écris à accueil.sante19@paris.fr. As-tu déjà fait du secourisme ?", "écris à ***. As-tu déjà fait du secourisme ?", true},
		{"write to desk@library.org. Have you done first aid?", "write to ***. Have you done first aid?", true},
		{"contact@musee.fr, ou passe nous voir. Merci", "***, ou passe nous voir. Merci", true},
		{"mail: lea@gmail.com et à bientôt", "mail: *** et à bientôt", true},
		{"lea (at) gmail (dot) com. Viens lundi", "***. Viens lundi", true},
		// Numbers copied from a web page: non-breaking, narrow and thin spaces.
		{"06 12 34 56 78", "***", true},
		{"0 06 11 22 33 44 0", "***", true},
		{"tel 06 12 34 56 78.", "tel ***.", true},
		// What the placeholder stands next to is not a new contact detail (masking twice changes nothing).
		{"0 A 00 00 00 00 0@00", "0 A ***@00", true},
		{"snap yas.b@xy", "snap ***@xy", true},
	} {
		got, found := mk.mask(tc.in)
		if got != tc.want || found != tc.found {
			t.Errorf("mask(%q) = %q, %v; want %q, %v", tc.in, got, found, tc.want, tc.found)
		}
		if again, found := mk.mask(got); found {
			t.Errorf("mask(%q) = %q, then %q", tc.in, got, again)
		}
	}
}

// What a student writes to a host goes masked, with a note to the student.
func TestStudentMessageToHostIsMasked(t *testing.T) {
	d := reach(t, AnswerHost)
	d.send("Oui ! Mon numéro c'est le 06 12 34 50 01")
	d.expect(Menu, "Transmis à Musée.", "masqué les coordonnées")
	if got := d.w.relayed[len(d.w.relayed)-1]; got != "Oui ! Mon numéro c'est le ***" {
		t.Errorf("relayed %q", got)
	}
}

// French elision: "d'Inès", "d'Hugo", but "de Nora", "de Yanis".
func TestFrenchElision(t *testing.T) {
	for name, want := range map[string]string{"Inès T.": "d'Inès T.", "Hugo B.": "d'Hugo B.", "Nora K.": "de Nora K.",
		"Yanis M.": "de Yanis M.", "Yvette P.": "d'Yvette P.", "Éloïse R.": "d'Éloïse R.", "Adam H.": "d'Adam H."} {
		if got := of("fr", name); got != want {
			t.Errorf("of(%q) = %q, want %q", name, got, want)
		}
	}
	if got := of("en", "Inès T."); got != "Inès T." {
		t.Errorf("English: %q", got)
	}
	m := newMachine(t)
	n := Notice{Kind: NoticeSent, Student: "Inès T.", Host: "Musée", Offer: "Accueil", Week: schoolWeek}
	if got := m.ParentNotice("fr", n).Text; !strings.Contains(got, "la candidature d'Inès T. est envoyée") {
		t.Errorf("parent notice %q", got)
	}
	n = Notice{Kind: NoticeStudentAnswer, Student: "Adam H.", AppID: 7, Text: "Oui"}
	if got := m.HostNotice("fr", n).Text; !strings.Contains(got, "Réponse d'Adam H. (réf. 7)") {
		t.Errorf("host notice %q", got)
	}
}

// Only a host's question makes the student's next message an answer; a message is just shown.
func TestHostMessageOrQuestion(t *testing.T) {
	d := reach(t, Results)
	out := d.m.StudentNotice(d.s, Notice{Kind: NoticeHostMessage, AppID: 7, Host: "Musée", Text: "Merci pour ta candidature."})
	if out.Session.State != Results || !strings.Contains(out.Replies[0].Text, "Message de Musée") {
		t.Errorf("message: %s %+v", out.Session.State, out.Replies)
	}
	out = d.m.StudentNotice(d.s, Notice{Kind: NoticeHostQuestion, AppID: 7, Host: "Musée", Text: "Quels jours ?"})
	if out.Session.State != AnswerHost || !out.Session.Question.Asked {
		t.Errorf("question: %s %+v", out.Session.State, out.Session.Question)
	}
}

// Every parent notice, in every parent language, names the child and fills every field.
func TestParentNoticesInEveryLanguage(t *testing.T) {
	m := newMachine(t)
	for _, lang := range parentLanguages {
		for _, kind := range []NoticeKind{NoticeConsentRequest, NoticeSent, NoticeAccepted, NoticeDeclined, NoticeFull,
			NoticeConfirmed, NoticeWithdrawn, NoticeExpired, NoticeHostGone, NoticeErased, NoticeDayBefore} {
			for _, count := range []int{0, 1, 2} {
				n := Notice{Kind: kind, Student: "Inès T.", School: "Voltaire", Offer: "Accueil", Host: "Musée", Address: "1 rue",
					Hours: "9h-16h", Contact: "Claire", Week: schoolWeek, Count: count, First: "INÈS"}
				got := m.ParentNotice(lang, n).Text
				checkText(t, got)
				if !strings.Contains(got, "Inès") {
					t.Errorf("%s %s: %q does not name the child", lang, kind, got)
				}
			}
		}
	}
}
