package conversation

import (
	"strings"
)

// greet answers the very first message, whatever it says: in English when it was English ("Hello"),
// in French otherwise.
func (t *turn) greet() {
	if languageWord(t.text) == "en" && t.m.hasLanguage("en") {
		t.s.Lang = "en"
	}
	t.showWelcome()
}

// showWelcome greets someone writing for the first time, in one SMS: what stagebot is, the first
// question, and how to switch language.
func (t *turn) showWelcome() {
	t.land(AskFirstName)
	t.say(t.tr("welcome", nil))
}

// languageWord reads a message that names a language or greets in it: "en", "English", "hello" →
// "en"; "fr", "français", "bonjour" → "fr"; "" otherwise.
func languageWord(text string) string {
	words := strings.Fields(bareWord(text))
	if len(words) == 0 {
		return ""
	}
	switch strings.Trim(words[0], ",!.?") {
	case "en", "english", "anglais", "hello", "hi", "hey", "hiya", "morning", "good":
		return "en"
	case "fr", "francais", "french", "bonjour", "salut", "bonsoir", "coucou", "slt", "bjr":
		return "fr"
	}
	return ""
}

// showChooseLanguage offers the languages. The question is the same in both.
func (t *turn) showChooseLanguage() {
	t.say(t.tr("choose_language", nil),
		t.choiceOf("lang:fr", "language_fr"),
		t.choiceOf("lang:en", "language_en"))
}

// onChooseLanguage records the language, and the person goes back where they were when they wrote
// LANGUE (or, with nowhere to go back to, the sign-up starts, with the welcome in the new language).
func (t *turn) onChooseLanguage() {
	lang := strings.TrimPrefix(t.choice, "lang:")
	switch {
	case t.choice != "":
	case saidOneOf(t.text, "fr", "francais", "french"):
		lang = "fr"
	case saidOneOf(t.text, "en", "anglais", "english"):
		lang = "en"
	}
	if !t.m.hasLanguage(lang) {
		t.confused()
		return
	}
	shownIn := t.s.Lang
	t.s.Lang = lang
	t.effect(SetLanguage{Lang: lang})
	if t.s.Resume != "" {
		t.resume()
		return
	}
	if lang != shownIn {
		t.showWelcome()
		return
	}
	t.goTo(AskFirstName)
}

// rememberStartSchool keeps the collège code of a Telegram /start link, to look the collège up
// directly when the sign-up reaches it.
// A first SMS naming one (the collège's keyword on its invitations: "STAGE 0752536Z") does too.
func (t *turn) rememberStartSchool() {
	uai := strings.ToUpper(strings.TrimSpace(t.in.Start))
	if uai == "" && t.s.State == Welcome {
		for _, w := range strings.Fields(t.text) {
			if w = strings.ToUpper(strings.Trim(w, ".,;:!?")); isUAI(w) {
				uai = w
			}
		}
	}
	if !isUAI(uai) || t.s.Profile.StudentID != 0 {
		return
	}
	switch t.s.State {
	case Welcome, ChooseLanguage, AskFirstName:
		t.s.Profile.SchoolUAI = uai
	}
}

// isUAI reports whether s is a collège's UAI code: 7 digits and a capital letter, e.g. 0751234X.
func isUAI(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < 7; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[7] >= 'A' && s[7] <= 'Z'
}

// saidOneOf reports whether the message is one of words, ignoring case, accents and final
// punctuation.
func saidOneOf(text string, words ...string) bool {
	said := bareWord(text)
	for _, w := range words {
		if said == w {
			return true
		}
	}
	return false
}
