package conversation

import (
	"strings"
)

// keyword is one of the words that work in every state, in French and in English.
type keyword int

// The keywords.
const (
	kwNone     keyword = iota
	kwHelp             // AIDE, HELP, ?
	kwMenu             // MENU
	kwStop             // STOP and its forms in every language (see isStop)
	kwStart            // START, DÉMARRER, UNSTOP, and Telegram's /start
	kwLanguage         // LANGUE, LANGUAGE
	kwDelete           // SUPPRIMER, EFFACER, DELETE
	kwConfirm          // CONFIRMER, CONFIRM: confirm the stage a host accepted
)

// keywordOf reads the whole message as a keyword, ignoring case, accents and a final "!" or ".".
// Telegram commands count too: "/aide", "/start 0751234X".
func keywordOf(text string) keyword {
	if isStop(text) {
		return kwStop
	}
	word := bareWord(text)
	if strings.HasPrefix(word, "/") {
		word, _, _ = strings.Cut(word[1:], " ")
		word, _, _ = strings.Cut(word, "@")
	}
	switch word {
	case "aide", "help", "?":
		return kwHelp
	case "menu":
		return kwMenu
	case "stop":
		return kwStop // "/stop" on Telegram
	case "start", "demarrer", "unstop":
		return kwStart
	case "langue", "language":
		return kwLanguage
	case "supprimer", "delete", "effacer":
		return kwDelete
	case "confirmer", "confirm", "je confirme", "confirme":
		return kwConfirm
	}
	return kwNone
}

// isThanks reports whether the message is only a thank-you or an acknowledgement.
func isThanks(text string) bool {
	switch strings.Trim(bareWord(text), " !.?") {
	case "merci", "merci beaucoup", "mercii", "merci !", "thanks", "thank you", "thx", "ty", "ok merci", "super",
		"cool", "top", "genial", "parfait", "great", "nice", "d'accord merci", "ok thanks", "merci bcp", "mrc":
		return true
	}
	return false
}

// isGreeting reports whether the message is only a greeting.
func isGreeting(text string) bool {
	switch strings.Trim(bareWord(text), " !.?") {
	case "bonjour", "salut", "coucou", "bonsoir", "hello", "hi", "hey", "slt", "bjr", "yo", "good morning":
		return true
	}
	return false
}

// keyword takes the detour a keyword asks for.
func (t *turn) keyword(kw keyword) {
	if t.s.State == Welcome && kw != kwStop && kw != kwDelete {
		// Nothing has been said yet: the welcome is the help, the menu and the language choice.
		t.def().show(t)
		return
	}
	switch kw {
	case kwHelp:
		t.help()
	case kwMenu:
		t.jumpTo(Menu)
	case kwStop:
		t.s.Stopped = true
		t.effect(SetStopped{Stopped: true})
		t.land(t.s.State)
		t.say(t.tr("stopped", nil))
	case kwStart:
		t.repeat()
	case kwLanguage:
		if t.s.State == ChooseLanguage {
			t.repeat()
			return
		}
		t.detour(ChooseLanguage)
	case kwDelete:
		if t.s.State == ConfirmDelete {
			t.repeat()
			return
		}
		t.detour(ConfirmDelete)
	case kwConfirm:
		t.jumpTo(ConfirmStage)
	}
}

// jumpTo goes straight to st, a registered student's screen, leaving any detour; before the sign-up
// is done, it says that comes after it and asks the current question again.
func (t *turn) jumpTo(st State) {
	if t.s.Profile.StudentID == 0 {
		t.preface(t.tr("menu_after_signup", nil))
		t.repeat()
		return
	}
	t.s.Resume = ""
	t.goTo(st)
}

// help explains the current step and the keywords, then asks the current question again.
func (t *turn) help() {
	t.preface(t.tr(t.def().help, nil) + "\n" + t.tr("help_keywords", nil))
	t.repeat()
}

// restart answers START after STOP: welcome back, and the prompt of where they were.
func (t *turn) restart() {
	t.s.Stopped = false
	t.effect(SetStopped{Stopped: false})
	t.preface(t.tr("welcome_back", nil))
	t.def().show(t)
}

// inDetour reports whether the current state is a detour from another one.
func (t *turn) inDetour() bool {
	return t.s.State == ConfirmDelete || t.s.State == ChooseLanguage && t.s.Resume != ""
}

// detour goes to state to, remembering where to come back; a detour from a detour comes back to
// where the first one started.
func (t *turn) detour(to State) {
	if !t.inDetour() {
		t.s.Resume = t.s.State
	}
	t.goTo(to)
}

// resume ends a detour: back to where it started, with that state's prompt in full.
func (t *turn) resume() {
	back := t.s.Resume
	t.s.Resume = ""
	if _, ok := t.m.states[back]; !ok || back == ConfirmDelete {
		back = Welcome
		if t.s.Profile.StudentID != 0 {
			back = Menu
		}
	}
	t.goTo(back)
}

// showConfirmDelete asks before erasing everything.
func (t *turn) showConfirmDelete() {
	t.say(t.tr("confirm_delete", nil),
		t.choiceOf("delete:yes", "choice_delete_yes"),
		t.choiceOf("delete:no", "choice_no"))
}

// onConfirmDelete erases everything on yes (the student's data if they are registered, and the
// session in any case) and goes back on no.
func (t *turn) onConfirmDelete() {
	switch t.choice {
	case "delete:yes":
		// Registered or not, what was typed so far goes too (StudentID 0 erases the messages).
		t.effect(Erase{StudentID: t.s.Profile.StudentID})
		lang := t.s.Lang
		t.s = NewSession()
		t.s.Lang = lang
		t.say(t.tr("deleted", nil))
	case "delete:no":
		t.preface(t.tr("delete_cancelled", nil))
		t.resume()
	default:
		t.confused()
	}
}
