package conversation

import (
	"stagebot/domain"
	"unicode"
	"unicode/utf8"
)

// showAskMotivation asks why the offer interests the student.
func (t *turn) showAskMotivation() {
	if t.s.OfferID == 0 {
		t.goTo(Menu)
		return
	}
	t.say(t.tr("ask_motivation", data{"Max": t.m.cfg.MaxMotivation}))
}

// onMotivation applies with the motivation typed, if it has words and is not too long.
func (t *turn) onMotivation() {
	length := utf8.RuneCountInString(t.text)
	if t.length > t.m.cfg.MaxInput {
		length = t.length // what they wrote, not what was read of it
	}
	switch {
	case !saysSomething(t.text):
		t.refuse(t.tr("motivation_empty", nil))
	case length > t.m.cfg.MaxMotivation:
		t.refuse(t.tr("motivation_too_long", data{"Max": t.m.cfg.MaxMotivation, "Length": length}))
	default:
		t.ask(Apply{StudentID: t.s.Profile.StudentID, OfferID: t.s.OfferID, Motivation: t.text})
	}
}

// applied reads the answer to Apply: done, and when it goes to the host, in one short message (the
// student may search again with a word, or write MENU); or why not, on the offer's page when it is
// about the offer.
func (t *turn) applied() bool {
	r, ok := t.in.Result.(Applied)
	if !ok {
		return false
	}
	if r.Problem == domain.NoProblem {
		d := data{"Host": t.s.Host}
		if r.Sent {
			t.backHome(t.tr("applied_sent", d))
		} else {
			t.backHome(t.tr("applied", d))
		}
		return true
	}
	t.preface(t.applyProblem(r.Problem, r.OpensOn))
	switch r.Problem {
	case domain.ProblemNotOpen, domain.ProblemFull, domain.ProblemNotWeek, domain.ProblemClosed, domain.ProblemTooYoung:
		t.goTo(ViewOffer)
	default:
		t.goTo(Menu)
	}
	return true
}

// minMotivationLetters is the fewest letters a motivation has: a host reads more than "oui".
const minMotivationLetters = 8

// saysSomething reports whether a motivation says something: enough letters, and more than a
// thank-you, a greeting, a yes or a no.
func saysSomething(text string) bool {
	letters := 0
	for _, r := range text {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	word := bareWord(text)
	return letters >= minMotivationLetters && !isThanks(text) && !isGreeting(text) && !isYes(word) && !isNo(word)
}
