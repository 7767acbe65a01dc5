package conversation

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// STOP in its common forms stops, in every language; a message that only starts like one does not.
func TestIsStop(t *testing.T) {
	for text, want := range map[string]bool{
		"STOP": true, "stop": true, "Stop!": true, "stop svp": true, "STOP merci": true, "stop stp": true,
		"Stop s'il vous plaît": true, "stop les messages": true, "STOP SMS": true, "STOPP": true, "stoppe": true,
		"arrêt": true, "ARRET": true, "Arrête": true, "arrête de m'écrire": true, "Arrêtez de m'envoyer des messages": true,
		"arretez svp": true, "ne m'écris plus": true, "Je ne veux plus de messages": true, "désabonner": true,
		"unsubscribe": true, "UNSUBSCRIBE please": true, "stopall": true, "cancel": true, "end": true, "quit": true,
		"leave me alone": true, "parar": true, "pare por favor": true, "توقف": true, "停止": true, "退订": true,
		"stop le bruit": false, "arrêt de bus": false, "stop à la pollution, musée": false, "stopper la guerre": false,
		"bonjour": false, "": false, "😀": false, "musée": false, "arrêter": true,
	} {
		if got := isStop(text); got != want {
			t.Errorf("isStop(%q) = %v, want %v", text, got, want)
		}
	}
}

// A yes or a no is understood whatever the language it is said in, where it is unambiguous.
func TestYesOrNo(t *testing.T) {
	for text, want := range map[string]int{
		"oui": 1, "Oui !": 1, "OUI.": 1, "ok": 1, "d'accord": 1, "D’accord": 1, "ouais": 1, "yes": 1, "Yes please": 1,
		"sim": 1, "Sí": 1, "si": 1, "vale": 1, "de acuerdo": 1, "نعم": 1, "موافق": 1, "好的": 1, "是": 1, "是的": 1, "可以": 1, "好": 1,
		"non": -1, "NON.": -1, "no": -1, "não": -1, "nao": -1, "لا": -1, "不": -1, "否": -1, "不同意": -1, "nope": -1,
		"peut-être": 0, "bonjour": 0, "": 0, "oui non": 0, "oui et non": 0,
	} {
		if got := yesOrNo(text); got != want {
			t.Errorf("yesOrNo(%q) = %d, want %d", text, got, want)
		}
	}
}

// A parent names the language they want in words of any of them.
func TestLanguageAsked(t *testing.T) {
	m := newMachine(t)
	for text, want := range map[string]string{
		"EN": "en", "en": "en", "English": "en", "English please": "en", "in English please": "en", "en anglais": "en",
		"عربي": "ar", "العربية": "ar", "arabe": "ar", "AR": "ar", "中文": "zh", "chinois svp": "zh", "português": "pt",
		"PT": "pt", "español por favor": "es", "FR": "fr", "français": "fr",
		"English or French": "", "oui": "", "I speak English but": "", "bonjour": "", "": "",
	} {
		if got := m.languageAsked(text); got != want {
			t.Errorf("languageAsked(%q) = %q, want %q", text, got, want)
		}
	}
}

// A parent who writes in another of the parents' languages is answered in it, with how to switch;
// naming a language switches at once.
func TestParentWritesInAnotherLanguage(t *testing.T) {
	m := newMachine(t)
	fr := ContactSession{Lang: "fr"}
	out := m.ParentStep(fr, ParentInput{Now: testNow, Text: "English please", Children: []Child{lea}})
	if !slices.Equal(out.Effects, []Effect{SetLanguage{"en"}}) || out.Session.Lang != "en" ||
		!strings.Contains(replyText(out), "in English") {
		t.Errorf("English please: %+v %q", out.Effects, replyText(out))
	}
	// "好的" is a yes, said in Chinese: the answer to it is in Chinese, then back to French.
	out = m.ParentStep(fr, ParentInput{Now: testNow, Text: "好的", Children: []Child{lea}})
	if !slices.Equal(out.Effects, []Effect{Consent{1, true}}) || out.Session.Lang != "zh" || out.Session.Spoken != "fr" {
		t.Fatalf("好的: %+v, session %+v", out.Effects, out.Session)
	}
	out = m.ParentStep(out.Session, ParentInput{Now: testNow, Children: []Child{lea},
		Result: ConsentRecorded{Child: lea, Agree: true, SentTo: []string{"Musée"}}})
	got := replyText(out)
	if !strings.Contains(got, "谢谢") || !strings.Contains(got, "ZH") || out.Session.Lang != "fr" || out.Session.Spoken != "" {
		t.Errorf("answer to 好的: %q, session %+v", got, out.Session)
	}
	// Help asked in Arabic is given in Arabic, with how to switch.
	out = m.ParentStep(fr, ParentInput{Now: testNow, Text: "مساعدة", Children: []Child{lea}})
	if got := replyText(out); !strings.Contains(got, "AR") || out.Session.Lang != "fr" || strings.Contains(got, "Stagebot aide") {
		t.Errorf("help in Arabic: %q", got)
	}
	// Their own language: nothing more.
	out = m.ParentStep(ContactSession{Lang: "pt"}, ParentInput{Now: testNow, Text: "sim", Children: []Child{lea}})
	if out.Session.Spoken != "" || out.Session.Lang != "pt" {
		t.Errorf("sim in Portuguese to a Portuguese parent: %+v", out.Session)
	}
}

// The README's table lists every word understood for stop, yes and no, language by language.
func TestReadmeListsTheWords(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	for _, v := range Vocabularies() {
		line := ""
		for _, l := range strings.Split(readme, "\n") {
			if strings.HasPrefix(l, "| "+v.Lang+" |") {
				line = l
			}
		}
		if line == "" {
			t.Errorf("README: no row for %s in the table of words", v.Lang)
			continue
		}
		for _, w := range slices.Concat(v.Stop, v.Yes, v.No) {
			if !strings.Contains(line, "`"+w+"`") {
				t.Errorf("README, row %s: `%s` is missing", v.Lang, w)
			}
		}
	}
}
