package conversation

import (
	"reflect"
	"strings"
	"testing"

	"stagebot/domain"
)

// A student reads their agreement, asks for a code, mistypes it, then signs; a notice asks their last
// name, which they give.
func TestStudentSignsTheirAgreement(t *testing.T) {
	d := reach(t, Menu)
	d.send("CONVENTION")
	d.expect(ViewAgreement, "Ta convention de stage chez Musée 1", "prête à signer",
		"Il manque : la signature du collège, ta signature, la signature de ton parent.", "Réponds SIGNER",
		"https://stagebot.example.org/c/abc", "[Signer]")
	d.send("1")
	d.expect(EnterCode, "Ton code de signature : 123 456")
	d.send("bonjour")
	d.expect(EnterCode, "code à 6 chiffres")
	d.send("654 321")
	d.expect(EnterCode, "Encore 4 essais")
	d.send("123 456")
	d.expect(Menu, "C'est signé, merci")
	if e, _ := effectOf[SignWithCode](d); e.Code != "123456" || e.As != domain.SignStudent {
		t.Errorf("signed with %+v", e)
	}

	out := d.m.StudentNotice(d.s, Notice{Kind: NoticeAgreementLastName, Host: "Musée 1"})
	d.s = out.Session
	if d.s.State != AskLastName || !strings.Contains(out.Replies[0].Text, "Quel est ton nom de famille") {
		t.Fatalf("the notice: %s %+v", d.s.State, out.Replies)
	}
	d.send("42 !")
	d.expect(AskLastName, "en lettres")
	d.send("el mansouri-DUPONT")
	d.expect(Menu, "c'est noté pour ta convention")
	if len(d.w.named) != 1 || d.w.named[0].Name != "El Mansouri-Dupont" {
		t.Errorf("named %+v", d.w.named)
	}
}

// Five wrong codes lock; a student with no agreement is told so; SIGN works in English.
func TestStudentCodeLockedAndNoAgreement(t *testing.T) {
	d := reach(t, EnterCode)
	for range 4 {
		d.send("000000")
	}
	d.send("000000")
	d.expect(Menu, "bloqué")
	d = reach(t, Menu)
	d.w.agreement = nil
	d.send("signer")
	d.expect(Menu, "pas de convention à signer")
	d.send("convention")
	d.expect(Menu, "Tu n'as pas de convention de stage")
}

func TestParentAgreement(t *testing.T) {
	m := newMachine(t)
	ready := AgreementRef{ID: 9, Ref: 500, Student: "Léa M.", First: "Léa", You: domain.SignParent, State: domain.AgreementSigning}
	named := AgreementRef{ID: 9, Ref: 500, Student: "Léa M.", First: "Léa", You: domain.SignParent, State: domain.AgreementDraft,
		Asks: []domain.AgreementNeed{domain.NeedParentName}}
	second := AgreementRef{ID: 9, Ref: 500, Student: "Léa M.", First: "Léa", You: domain.SignParent, State: domain.AgreementChecked,
		Asks: []domain.AgreementNeed{domain.NeedParent2}}
	toms := AgreementRef{ID: 10, Ref: 501, Student: "Tom M.", First: "Tom", You: domain.SignParent, State: domain.AgreementSigning}
	pending := ready
	pending.CodePending = true
	for _, tc := range []struct {
		name string
		refs []AgreementRef
		text string
		want []Effect
		says string
	}{
		{"CONVENTION shows it", []AgreementRef{ready}, "convention", []Effect{ShowAgreement{9, domain.SignParent}}, ""},
		{"in Arabic", []AgreementRef{ready}, "اتفاقية", []Effect{ShowAgreement{9, domain.SignParent}}, ""},
		{"SIGNER asks a code", []AgreementRef{ready}, "Signer", []Effect{RequestCode{9, domain.SignParent}}, ""},
		{"FIRMAR in Spanish", []AgreementRef{ready}, "firmar", []Effect{RequestCode{9, domain.SignParent}}, ""},
		{"the code signs", []AgreementRef{pending}, "123 456", []Effect{SignWithCode{9, domain.SignParent, "123456"}}, ""},
		{"a code with none asked", []AgreementRef{ready}, "123456", nil, "Aucun code en cours"},
		{"two children: which one", []AgreementRef{ready, toms}, "signer", nil, "Pour quel enfant ? [Léa M.] [Tom M.]"},
		{"two children, named", []AgreementRef{ready, toms}, "signer tom", []Effect{RequestCode{10, domain.SignParent}}, ""},
		{"their name when asked", []AgreementRef{named}, "samia KADDOUR", []Effect{SetAgreementName{9, domain.SignParent, "Samia Kaddour"}}, ""},
		{"thanks is no name", []AgreementRef{named}, "merci beaucoup", nil, ""},
		{"NOM corrects it any time", []AgreementRef{ready}, "NOM Samia Kaddour", []Effect{SetAgreementName{9, domain.SignParent, "Samia Kaddour"}}, ""},
		{"the other parent's number", []AgreementRef{second}, "06 12 34 56 79", []Effect{SetSecondParent{9, "+33612345679", false}}, ""},
		{"SEUL", []AgreementRef{second}, "seule", []Effect{SetSecondParent{9, "", true}}, ""},
		{"yes is still consent", []AgreementRef{named}, "oui", []Effect{Consent{1, true}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := m.ParentStep(ContactSession{}, ParentInput{Text: tc.text, Children: []Child{lea}, Agreements: tc.refs})
			if !reflect.DeepEqual(out.Effects, tc.want) {
				t.Errorf("effects %#v, want %#v", out.Effects, tc.want)
			}
			if tc.says != "" && !strings.Contains(replyText(out), tc.says) {
				t.Errorf("says %q, want %q", replyText(out), tc.says)
			}
		})
	}
	// A second parent, with no child of theirs on stagebot, signs the same way.
	out := m.ParentStep(ContactSession{}, ParentInput{Text: "SIGNER", Agreements: []AgreementRef{{ID: 9, You: domain.SignParent2,
		State: domain.AgreementSigning}}})
	if !reflect.DeepEqual(out.Effects, []Effect{RequestCode{9, domain.SignParent2}}) {
		t.Errorf("second parent: %#v %s", out.Effects, replyText(out))
	}
}

func TestHostAgreement(t *testing.T) {
	m := newMachine(t)
	one := AgreementRef{ID: 9, Ref: 77, Student: "Zinedine K.", You: domain.SignHost, State: domain.AgreementDraft}
	two := AgreementRef{ID: 10, Ref: 78, Student: "Awa D.", You: domain.SignHost, State: domain.AgreementSigning}
	for _, tc := range []struct {
		name string
		refs []AgreementRef
		text string
		want []Effect
		says string
	}{
		{"hours with the reference", []AgreementRef{one, two}, "HORAIRES 77 9h-12h 14h-17h", []Effect{SetHours{9, "9h-12h 14h-17h"}}, ""},
		{"hours without it, one stage", []AgreementRef{one}, "horaires lundi au jeudi 9h-12h", []Effect{SetHours{9, "lundi au jeudi 9h-12h"}}, ""},
		{"hours without it, two stages", []AgreementRef{one, two}, "horaires 9h-12h", nil, "Zinedine K. (77), Awa D. (78)"},
		{"an unknown reference", []AgreementRef{one}, "HORAIRES 12 9h-12h", nil, "référence 12"},
		{"hours with nothing after", []AgreementRef{one}, "HORAIRES 77", nil, "HORAIRES 77 9h-12h 14h-17h"},
		{"activities", []AgreementRef{one}, "ACTIVITES 77 Accueil du public, rangement.", []Effect{SetActivities{9, "Accueil du public, rangement."}}, ""},
		{"HOURS in English", []AgreementRef{one}, "HOURS 77 9-12 14-17", []Effect{SetHours{9, "9-12 14-17"}}, ""},
		{"SIGNER with its reference", []AgreementRef{one, two}, "SIGNER 78", []Effect{RequestCode{10, domain.SignHost}}, ""},
		{"CONVENTION", []AgreementRef{one}, "convention", []Effect{ShowAgreement{9, domain.SignHost}}, ""},
		{"no agreement", nil, "horaires 9h-12h", nil, "Aucune convention"},
		{"a code", []AgreementRef{{ID: 10, Ref: 78, You: domain.SignHost, CodePending: true}}, "482913",
			[]Effect{SignWithCode{10, domain.SignHost, "482913"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := m.HostStep(ContactSession{}, HostInput{Text: tc.text, Host: "Musée", Agreements: tc.refs})
			if !reflect.DeepEqual(out.Effects, tc.want) {
				t.Errorf("effects %#v, want %#v (%s)", out.Effects, tc.want, replyText(out))
			}
			if tc.says != "" && !strings.Contains(replyText(out), tc.says) {
				t.Errorf("says %q, want %q", replyText(out), tc.says)
			}
		})
	}
	// The answers: hours refused with each limit in plain words, or read back.
	morning, afternoon := domain.Span{From: 540, To: 720}, domain.Span{From: 840, To: 1020}
	full := []domain.Span{morning, afternoon}
	sched := domain.Schedule{full, full, {morning}, full, full}
	saved := m.HostStep(ContactSession{}, HostInput{Result: HoursSaved{Agreement: &domain.AgreementView{Ref: 77, Student: "Zinedine K.",
		Schedule: &sched}}})
	if got := replyText(saved); !strings.Contains(got, "lundi et mardi 9h-12h, 14h-17h ; mercredi 9h-12h ; jeudi et vendredi 9h-12h, 14h-17h (27 h dans la semaine)") {
		t.Errorf("saved: %s", got)
	}
	refused := m.HostStep(ContactSession{}, HostInput{Result: HoursSaved{Agreement: &domain.AgreementView{Ref: 77, Student: "Zinedine K."},
		Age: 14, Breaches: []LimitBreach{{Limit: "day", Day: 2, Max: 420, Actual: 480}, {Limit: "night", Day: 0, Start: 1200, End: 360}}}})
	if got := replyText(refused); !strings.Contains(got, "pas possibles pour Zinedine K. (14 ans)") ||
		!strings.Contains(got, "mercredi : 8 h de présence, 7 h au plus par jour") || !strings.Contains(got, "lundi : pas de présence entre 20h et 6h") {
		t.Errorf("refused: %s", got)
	}
}
