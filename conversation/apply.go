package conversation

import (
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
	switch r.Problem {
	case ApplyOK:
		if r.Sent {
			t.preface(t.tr("applied_sent", data{"Host": t.s.Host}))
		} else if t.s.Host == "" {
			t.preface(t.tr("applied_no_host", nil))
		} else {
			t.preface(t.tr("applied", data{"Host": t.s.Host}))
		}
		t.goTo(Menu)
	case ApplyAlready:
		t.preface(t.tr("apply_already", nil))
		t.goTo(Menu)
	case ApplyFull:
		t.preface(t.tr("apply_full", nil))
		t.goTo(ViewOffer)
	case ApplyNotWeek:
		t.preface(t.tr("apply_not_week", nil))
		t.goTo(ViewOffer)
	case ApplyClosed:
		t.preface(t.tr("apply_closed", nil))
		t.goTo(ViewOffer)
	case ApplyTooMany:
		t.preface(t.tr("apply_too_many", nil))
		t.goTo(Menu)
	case ApplyNotFound:
		t.preface(t.tr("apply_not_found", nil))
		t.goTo(Menu)
	case ApplyPlaced:
		t.preface(t.tr("apply_placed", nil))
		t.goTo(Menu)
	case ApplyNoConsent:
		t.preface(t.tr("apply_no_consent", nil))
		t.goTo(Menu)
	case ApplyTooYoung:
		t.preface(t.tr("apply_too_young", nil))
		t.goTo(ViewOffer)
	default:
		t.preface(t.tr("apply_failed", nil))
		t.goTo(Menu)
	}
	return true
}
