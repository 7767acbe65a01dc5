package conversation

import (
	"stagebot/domain"
	"strings"
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
	case strings.IndexFunc(t.text, unicode.IsLetter) < 0:
		t.refuse(t.tr("motivation_empty", nil))
	case length > t.m.cfg.MaxMotivation:
		t.refuse(t.tr("motivation_too_long", data{"Max": t.m.cfg.MaxMotivation, "Length": length}))
	default:
		t.ask(Apply{StudentID: t.s.Profile.StudentID, OfferID: t.s.OfferID, Motivation: t.text})
	}
}

// applied reads the answer to Apply: done, and when it will be sent; or why not, in its own words.
func (t *turn) applied() bool {
	r, ok := t.in.Result.(Applied)
	if !ok {
		return false
	}
	if r.Problem == domain.NoProblem {
		switch {
		case r.Sent:
			t.preface(t.tr("applied_sent", data{"Host": t.s.Host}))
		case t.s.Host == "":
			t.preface(t.tr("applied_no_host", nil))
		default:
			t.preface(t.tr("applied", data{"Host": t.s.Host}))
		}
		t.goTo(Menu)
		return true
	}
	// Each refusal says why in its own words ("apply_" + the problem); those about this offer go
	// back to it, the others to the menu.
	switch r.Problem {
	case domain.ProblemNotOpen:
		date := ""
		if r.OpensOn != nil {
			date = t.longDate(*r.OpensOn)
		}
		t.preface(t.tr("apply_not_open", data{"Date": date}))
		t.goTo(ViewOffer)
	case domain.ProblemFull, domain.ProblemNotWeek, domain.ProblemClosed, domain.ProblemTooYoung:
		t.preface(t.tr("apply_"+string(r.Problem), nil))
		t.goTo(ViewOffer)
	case domain.ProblemAlready, domain.ProblemTooMany, domain.ProblemNotFound, domain.ProblemPlaced, domain.ProblemNoConsent:
		t.preface(t.tr("apply_"+string(r.Problem), nil))
		t.goTo(Menu)
	default:
		t.preface(t.tr("apply_failed", nil))
		t.goTo(Menu)
	}
	return true
}
