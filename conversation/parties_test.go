package conversation

import (
	"stagebot/domain"
	"strings"
	"testing"
)

var (
	lea = Child{StudentID: 1, FirstName: "Léa", LastInitial: "M", School: "Voltaire", Consent: "pending"}
	tom = Child{StudentID: 2, FirstName: "Tom", LastInitial: "M", School: "Voltaire", Consent: "pending"}
)

func withConsent(c Child, consent domain.Consent) Child { c.Consent = consent; return c }

func replyText(out ContactOutput) string {
	var b strings.Builder
	for _, r := range out.Replies {
		b.WriteString(r.Text)
		for _, c := range r.Choices {
			b.WriteString(" [" + c.Label + "]")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestParentAnswers(t *testing.T) {
	m := newMachine(t)
	tests := []struct {
		name     string
		children []Child
		session  ContactSession
		text     string
		want     []Effect // exactly these, in order
		says     string
	}{
		{"yes for the only child", []Child{lea}, ContactSession{}, "Oui", []Effect{Consent{1, true}}, ""},
		{"yes in Portuguese", []Child{lea}, ContactSession{}, "sim", []Effect{Consent{1, true}}, ""},
		{"yes in Arabic", []Child{lea}, ContactSession{}, "نعم", []Effect{Consent{1, true}}, ""},
		{"1 means yes", []Child{lea}, ContactSession{}, "1", []Effect{Consent{1, true}}, ""},
		{"no for the only child", []Child{lea}, ContactSession{}, "NON.", []Effect{Consent{1, false}}, ""},
		{"no after yes withdraws", []Child{withConsent(lea, "granted")}, ContactSession{}, "non", []Effect{Consent{1, false}}, ""},
		{"yes twice: nothing to answer", []Child{withConsent(lea, "granted")}, ContactSession{}, "oui", nil, "Aucune demande"},
		{"two children: which one?", []Child{lea, tom}, ContactSession{}, "oui", nil, "Pour quel enfant ? [Léa M.] [Tom M.]"},
		{"two children, named", []Child{lea, tom}, ContactSession{}, "oui TOM", []Effect{Consent{2, true}}, ""},
		{"two children, only one pending", []Child{withConsent(lea, "granted"), tom}, ContactSession{}, "oui", []Effect{Consent{2, true}}, ""},
		{"pick after which", []Child{lea, tom}, ContactSession{Pending: "no", Choices: []string{"child:1", "child:2"}}, "2",
			[]Effect{Consent{2, false}}, ""},
		{"stop: stopped first, then every agreement withdrawn", []Child{withConsent(lea, "granted"), tom}, ContactSession{},
			"STOP", []Effect{SetStopped{true}, WithdrawAllConsents{}}, "START"},
		{"silence after stop", []Child{lea}, ContactSession{Stopped: true}, "oui", nil, ""},
		{"help after stop says how to come back", []Child{lea}, ContactSession{Stopped: true}, "AIDE", nil, "répondez START"},
		{"start after stop", []Child{lea}, ContactSession{Stopped: true}, "START", []Effect{SetStopped{false}}, "Bienvenue"},
		{"language menu", []Child{lea}, ContactSession{}, "langue", nil, "[العربية] [中文]"},
		{"language picked", []Child{lea}, ContactSession{Pending: "language", Choices: []string{"lang:fr", "lang:en", "lang:ar"}},
			"3", []Effect{SetLanguage{"ar"}}, ""},
		{"messages asks for them", []Child{lea}, ContactSession{}, "messages", []Effect{ReadRelays{1}}, ""},
		{"help names the child", []Child{lea}, ContactSession{}, "aide", nil, "Léa M."},
		{"garbage gets the keywords", []Child{lea}, ContactSession{}, "😀 blabla", nil, "OUI ou NON"},
		{"empty", []Child{lea}, ContactSession{}, "", nil, "OUI ou NON"},
		{"5 kB", []Child{lea}, ContactSession{}, strings.Repeat("blabla ", 750), nil, "OUI ou NON"},
		{"no child at all", nil, ContactSession{}, "oui", nil, "Aucun enfant n'est inscrit"},
		{"a named child is never swapped for another", []Child{withConsent(lea, "granted"), withConsent(tom, "refused")},
			ContactSession{}, "NON TOM", nil, "Aucune demande en attente pour Tom M."},
		{"yes for a named child already agreed", []Child{withConsent(lea, "granted"), tom}, ContactSession{}, "OUI LÉA", nil,
			"Aucune demande en attente pour Léa M."},
		{"an unknown name asks which", []Child{lea}, ContactSession{}, "oui Kevin", nil, "Pour quel enfant ? [Léa M.]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := m.ParentStep(tt.session, ParentInput{Text: tt.text, Now: testNow, Children: tt.children})
			if len(out.Effects) != len(tt.want) {
				t.Fatalf("effects %+v, want %+v", out.Effects, tt.want)
			}
			for i := range tt.want {
				if out.Effects[i] != tt.want[i] {
					t.Errorf("effect %d = %+v, want %+v", i, out.Effects[i], tt.want[i])
				}
			}
			got := replyText(out)
			if !strings.Contains(got, tt.says) {
				t.Errorf("said %q, want %q", got, tt.says)
			}
			if tt.session.Stopped && tt.text != "START" && tt.text != "AIDE" && got != "" {
				t.Errorf("answered after STOP: %q", got)
			}
			if got != "" {
				checkText(t, got)
			}
		})
	}
}

// The answer to a yes or a no says, in one message, what it did.
func TestParentConsentRecorded(t *testing.T) {
	m := newMachine(t)
	for _, tt := range []struct {
		rec  ConsentRecorded
		says string
	}{
		{ConsentRecorded{Child: lea, Agree: true}, "Les prochaines candidatures de Léa M. partiront directement"},
		{ConsentRecorded{Child: lea, Agree: true, SentTo: []string{"Musée"}}, "La candidature de Léa M. est envoyée à Musée."},
		{ConsentRecorded{Child: Child{FirstName: "Inès", LastInitial: "T"}, Agree: true, SentTo: []string{"Musée", "Jardin"}},
			"Les 2 candidatures d'Inès T. sont envoyées : Musée, Jardin."},
		{ConsentRecorded{Child: lea}, "rien ne sera envoyé pour Léa M."},
		{ConsentRecorded{Child: withConsent(lea, "granted"), Withdrawn: 2}, "ses 2 candidatures en cours annulées"},
		{ConsentRecorded{Child: withConsent(lea, "granted")}, "votre accord pour Léa M. est retiré."},
	} {
		got := replyText(m.ParentStep(ContactSession{}, ParentInput{Now: testNow, Result: tt.rec}))
		if !strings.Contains(got, tt.says) {
			t.Errorf("%+v: said %q, want %q", tt.rec, got, tt.says)
		}
	}
}

func TestParentReadsRelays(t *testing.T) {
	m := newMachine(t)
	out := m.ParentStep(ContactSession{}, ParentInput{Now: testNow, Children: []Child{lea}, Result: RelaysFound{Child: lea,
		Messages: []RelayedMessage{{Host: "Musée", FromHost: true, Body: "Quels jours ?", At: testNow},
			{Host: "Musée", Body: "Tous les jours.", At: testNow}}}})
	got := replyText(out)
	for _, want := range []string{"Léa M.", "Musée : Quels jours ?", "Léa : Tous les jours."} {
		if !strings.Contains(got, want) {
			t.Errorf("said %q, want %q", got, want)
		}
	}
}

func TestHostAnswers(t *testing.T) {
	m := newMachine(t)
	one := []HostApp{{ID: 1042, Student: "Léa M.", Offer: "Accueil", State: "sent"}}
	two := append(one, HostApp{ID: 7, Student: "Tom M.", Offer: "Atelier", State: "sent"})
	accepted := []HostApp{{ID: 1042, Student: "Léa M.", Offer: "Accueil", State: "accepted"}}
	tests := []struct {
		name    string
		apps    []HostApp
		session ContactSession
		text    string
		choice  string
		want    []Effect
		says    string
	}{
		{"yes with ref", two, ContactSession{}, "OUI 1042", "", []Effect{AcceptApplication{1042}}, ""},
		{"ref first", two, ContactSession{}, "1042 oui", "", []Effect{AcceptApplication{1042}}, ""},
		{"no with ref", two, ContactSession{}, "non 7", "", []Effect{DeclineApplication{7}}, ""},
		{"yes without ref, one waiting", one, ContactSession{}, "oui", "", []Effect{AcceptApplication{1042}}, ""},
		{"yes without ref, two waiting", two, ContactSession{}, "oui", "", nil, "Pour quelle demande ? [Léa M. - Accueil (1042)] [Tom M. - Atelier (7)]"},
		{"picked after which", two, ContactSession{Pending: "yes", Choices: []string{"app:1042", "app:7"}}, "2", "", []Effect{AcceptApplication{7}}, ""},
		{"question with ref", two, ContactSession{}, "7 Quels jours ?", "", []Effect{RelayToStudent{7, "Quels jours ?", true, false}}, ""},
		{"question without ref, one", one, ContactSession{}, "As-tu un vélo ?", "", []Effect{RelayToStudent{1042, "As-tu un vélo ?", true, false}}, ""},
		{"question without ref, two", two, ContactSession{}, "As-tu un vélo ?", "", nil, "Pour quelle demande ?"},
		{"question picked", two, ContactSession{Pending: "ask", Text: "As-tu un vélo ?", Choices: []string{"app:1042", "app:7"}}, "1", "",
			[]Effect{RelayToStudent{1042, "As-tu un vélo ?", true, false}}, ""},
		{"a message is no question", accepted, ContactSession{}, "Rendez-vous à 9h", "", []Effect{RelayToStudent{1042, "Rendez-vous à 9h", false, false}}, ""},
		{"yes when none waits", accepted, ContactSession{}, "oui", "", nil, "Aucune demande"},
		{"a question starting with a number", one, ContactSession{}, "3 jours ?", "", []Effect{RelayToStudent{1042, "3 jours ?", true, false}}, ""},
		{"a number alone is no message", one, ContactSession{}, "1", "", nil, "OUI suivi du numéro"},
		{"a thank-you waits for ENVOYER", one, ContactSession{}, "Merci !", "", nil, "Transmettre \"Merci !\" à Léa M. ? Répondez ENVOYER"},
		{"ENVOYER relays it", one, ContactSession{Pending: "relay", App: 1042, Text: "Merci !"}, "envoyer", "",
			[]Effect{RelayToStudent{1042, "Merci !", false, false}}, ""},
		{"anything else drops it", one, ContactSession{Pending: "relay", App: 1042, Text: "Merci !"}, "OUI", "",
			[]Effect{AcceptApplication{1042}}, ""},
		{"contact details are masked", one, ContactSession{}, "Appelle-moi au 06 12 34 56 78 ou écris à claire@musee.fr", "",
			[]Effect{RelayToStudent{1042, "Appelle-moi au *** ou écris à ***", false, true}}, ""},
		{"yes with an unknown ref is not taken for another", one, ContactSession{}, "OUI 99", "", []Effect{AcceptApplication{99}}, ""},
		{"button accept", two, ContactSession{}, "", "host:yes:7", []Effect{AcceptApplication{7}}, ""},
		{"button decline", two, ContactSession{}, "", "host:no:1042", []Effect{DeclineApplication{1042}}, ""},
		{"button question, then the text", two, ContactSession{}, "", "host:ask:7", nil, "Écrivez votre message"},
		{"the question after the button", two, ContactSession{Pending: "ask", Text: "7"}, "Quels jours ?", "", []Effect{RelayToStudent{7, "Quels jours ?", true, false}}, ""},
		{"forged button", two, ContactSession{}, "", "host:yes:abc", nil, "OUI"},
		{"help", two, ContactSession{}, "aide", "", nil, "OUI suivi du numéro"},
		{"stop", two, ContactSession{}, "STOP", "", []Effect{SetStopped{true}}, "START"},
		{"silent when stopped", two, ContactSession{Stopped: true}, "oui 7", "", nil, ""},
		{"help when stopped says how to come back", two, ContactSession{Stopped: true}, "aide", "", nil, "répondez START"},
		{"empty", two, ContactSession{}, "", "", nil, "OUI suivi du numéro"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := m.HostStep(tt.session, HostInput{Text: tt.text, Choice: tt.choice, Now: testNow, Host: "Musée", Apps: tt.apps})
			if len(out.Effects) != len(tt.want) {
				t.Fatalf("effects %+v, want %+v", out.Effects, tt.want)
			}
			for i := range tt.want {
				if out.Effects[i] != tt.want[i] {
					t.Errorf("effect %d = %+v, want %+v", i, out.Effects[i], tt.want[i])
				}
			}
			got := replyText(out)
			if !strings.Contains(got, tt.says) {
				t.Errorf("said %q, want %q", got, tt.says)
			}
			if got != "" {
				checkText(t, got)
			}
		})
	}
}

func TestHostAnswered(t *testing.T) {
	m := newMachine(t)
	for _, tt := range []struct {
		result Result
		says   string
	}{
		{HostAnswered{Accept: true, Student: "Léa M."}, "vous accueillez Léa M."},
		{HostAnswered{Student: "Léa M."}, "nous prévenons"},
		{HostAnswered{Accept: true, Problem: "full", Student: "Léa M."}, "plus de place"},
		{HostAnswered{Accept: true, Problem: "not_pending"}, "n'attend plus"},
		{HostAnswered{Accept: true, Problem: "not_found"}, "Je ne trouve pas cette demande"},
		{Relayed{OK: true, To: "Léa M."}, "Message transmis à Léa M."},
		{Relayed{OK: true, To: "Léa M.", Question: true}, "Question transmise à Léa M."},
		{Relayed{OK: true, To: "Léa M.", Masked: true}, "coordonnées"},
		{Relayed{}, "Je ne trouve pas cette demande"},
	} {
		got := replyText(m.HostStep(ContactSession{}, HostInput{Now: testNow, Result: tt.result}))
		if !strings.Contains(got, tt.says) {
			t.Errorf("%+v: said %q, want %q", tt.result, got, tt.says)
		}
	}
}
