package conversation

import (
	"strings"

	"stagebot/calendar"
	"stagebot/domain"
	"strconv"
	"time"
)

// NoticeKind is what happened to an application, or what is asked of someone about it.
type NoticeKind string

// The notices. Each goes to one person; the comment says who.
const (
	NoticeConsentRequest      NoticeKind = "consent_request"       // parent: a child signed up, do you agree?
	NoticeSent                NoticeKind = "sent"                  // parent: the application went to the host; host: a new request
	NoticeAccepted            NoticeKind = "accepted"              // parent and student: the host took the child
	NoticeBooked              NoticeKind = "booked"                // student, parent and host: the student took a place at once (direct booking); the host may decline until DecideBy
	NoticeDeclined            NoticeKind = "declined"              // parent and student: the host said no
	NoticeFull                NoticeKind = "full"                  // parent and student: the offer filled up before the host could say yes
	NoticeConfirmed           NoticeKind = "confirmed"             // parent and host: the student confirmed the place
	NoticeWithdrawn           NoticeKind = "withdrawn"             // parent and host: the student or the parent withdrew it
	NoticeCancelled           NoticeKind = "cancelled"             // host: the student confirmed another stage
	NoticeParentAgreed        NoticeKind = "parent_agreed"         // student: the parent agreed, applications sent
	NoticeParentRefused       NoticeKind = "parent_refused"        // student: the parent said no (Count: the applications that wait)
	NoticeParentWithdrew      NoticeKind = "parent_withdrew"       // student: the parent withdrew their agreement (Count: the applications withdrawn)
	NoticeHostQuestion        NoticeKind = "host_question"         // student: a host asks something
	NoticeHostMessage         NoticeKind = "host_message"          // student: a host writes something that is no question
	NoticeHostGone            NoticeKind = "host_gone"             // parent and student: the host can no longer be written to, the request is closed
	NoticeStudentAnswer       NoticeKind = "student_answer"        // host: the student's answer
	NoticeDayBefore           NoticeKind = "day_before"            // student and parent: the stage starts next (told the last sending day before)
	NoticeExpired             NoticeKind = "expired"               // student, parent and host: the place was not confirmed in time
	NoticeParentUnreachable   NoticeKind = "parent_unreachable"    // student: the parent's number cannot be reached
	NoticeErased              NoticeKind = "erased"                // host and parent: the student erased their data
	NoticeParentChanged       NoticeKind = "parent_changed"        // the former parent: the student gave another parent's number
	NoticeStageCancelled      NoticeKind = "stage_cancelled"       // parent and host: a confirmed stage was cancelled
	NoticeAcceptedByColleague NoticeKind = "accepted_by_colleague" // host's other contacts: a colleague accepted a request
	NoticeDeclinedByColleague NoticeKind = "declined_by_colleague" // host's other contacts: a colleague declined a request

	// The reminders (package scheduler sends them, in the sending hours).
	NoticeHostWaiting     NoticeKind = "host_waiting"     // host: the requests waiting for its answer
	NoticeRequestExpired  NoticeKind = "request_expired"  // student, parent, host: a request the host never answered closed
	NoticeUnsentExpired   NoticeKind = "unsent_expired"   // student and parent: the parent never agreed before the deadline
	NoticeConfirmReminder NoticeKind = "confirm_reminder" // student and parent: the place a host accepted waits for CONFIRMER
	NoticeConsentReminder NoticeKind = "consent_reminder" // parent: the child waits for their answer
	NoticeConsentSlow     NoticeKind = "consent_slow"     // student: the parent has not answered for a week
	NoticeFewApplications NoticeKind = "few_applications" // student: more applications, better chances; offers that fit
	NoticeStillLooking    NoticeKind = "still_looking"    // student: weeks before the stage and no place; offers that fit
	NoticeStageSoon       NoticeKind = "stage_soon"       // student and parent: the stage starts in a week
	NoticeHostDayBefore   NoticeKind = "host_day_before"  // host: a student comes next (told the last sending day before)
	NoticeFeedback        NoticeKind = "feedback"         // student and host: how did the stage go?
	NoticeRelease         NoticeKind = "release"          // student: places reserved for REP/REP+ are open to all now
	NoticeNudge           NoticeKind = "nudge"            // student: their collège nudges them (Count: their applications so far)
)

// Notice is what the message about an event needs to say. Only the fields of its kind are used.
type Notice struct {
	Kind       NoticeKind
	AppID      int64
	Student    string // "Léa M."
	First      string // "Léa": how a parent with several children names this one
	School     string
	Priority   string // REP, REP+ or none
	Offer      string
	Host       string
	Address    string
	Hours      string
	Contact    string // the person the student will meet
	Week       time.Time
	ConfirmBy  *time.Time
	DecideBy   *time.Time // a booking: the host may decline it until then
	Motivation string
	Text       string                // a relayed message
	Count      int                   // applications concerned, the parent's number of children, or the weeks before the stage
	Waiting    []HostApp             // the requests a host's reminder lists
	Offers     []domain.OfferSummary // offers that fit the student, for the reminders that suggest some
	// HostUnreachable says none of the host's contacts could be told (a confirmation): the parent is
	// asked to let the host know.
	HostUnreachable bool
	// Agreement is the stage's agreement as the person told sees it, for the agreement's notices and
	// those that say whether it is signed (the stage soon, the day before).
	Agreement *domain.AgreementView
	// AskName asks the parent's name for the agreement at the end of the notice (the confirmation).
	AskName bool
}

// ParentNotice writes a notice for a parent, in the parent's language. Every one names the child.
func (m *Machine) ParentNotice(lang string, n Notice) domain.Reply {
	if text := m.agreementNotice(lang, parentWords, n); text != "" {
		return domain.Reply{Text: text}
	}
	d := m.noticeData(lang, n)
	switch n.Kind {
	case NoticeConsentRequest:
		if n.Count > 1 {
			return domain.Reply{Text: m.textIn(lang, "parent_notice_consent_several", d)}
		}
		return domain.Reply{Text: m.textIn(lang, "parent_notice_consent", d)}
	case NoticeConfirmed:
		if n.HostUnreachable {
			return domain.Reply{Text: m.textIn(lang, "parent_notice_confirmed_host_unreachable", d)}
		}
		text := m.textIn(lang, "parent_notice_confirmed", d)
		if n.Count > 0 {
			text = m.pluralIn(lang, "parent_notice_confirmed_cancelled", n.Count, d)
		}
		if n.AskName {
			text += "\n" + m.textIn(lang, "parent_agreement_ask_name", d)
		}
		return domain.Reply{Text: text}
	case NoticeSent, NoticeAccepted, NoticeBooked, NoticeDeclined, NoticeFull, NoticeWithdrawn, NoticeExpired, NoticeHostGone,
		NoticeErased, NoticeDayBefore, NoticeRequestExpired, NoticeConfirmReminder, NoticeConsentReminder,
		NoticeStageSoon, NoticeUnsentExpired, NoticeParentChanged, NoticeStageCancelled:
		return domain.Reply{Text: m.textIn(lang, "parent_notice_"+string(n.Kind), d) + m.agreementLine(lang, parentWords, n)}
	}
	return domain.Reply{}
}

// HostNotice writes a notice for a host contact. A new request carries the buttons to answer it
// (on SMS the text says how: OUI 1042, NON 1042, or a question).
func (m *Machine) HostNotice(lang string, n Notice) domain.Reply {
	if text := m.agreementNotice(lang, hostWords, n); text != "" {
		return domain.Reply{Text: text}
	}
	d := m.noticeData(lang, n)
	ref := strconv.FormatInt(n.AppID, 10)
	switch n.Kind {
	case NoticeSent:
		return domain.Reply{Text: m.textIn(lang, "host_notice_request", d), Choices: []domain.Choice{
			{Key: "host:yes:" + ref, Label: m.textIn(lang, "host_choice_accept", nil)},
			{Key: "host:no:" + ref, Label: m.textIn(lang, "host_choice_decline", nil)},
			{Key: "host:ask:" + ref, Label: m.textIn(lang, "host_choice_ask", nil)},
		}}
	case NoticeBooked:
		return domain.Reply{Text: m.textIn(lang, "host_notice_booked", d), Choices: []domain.Choice{
			{Key: "host:no:" + ref, Label: m.textIn(lang, "host_choice_decline", nil)},
		}}
	case NoticeWithdrawn, NoticeCancelled, NoticeConfirmed, NoticeStudentAnswer, NoticeExpired, NoticeErased,
		NoticeRequestExpired, NoticeHostDayBefore, NoticeFeedback, NoticeStageCancelled, NoticeAcceptedByColleague,
		NoticeDeclinedByColleague:
		return domain.Reply{Text: m.textIn(lang, "host_notice_"+string(n.Kind), d) + m.agreementLine(lang, hostWords, n)}
	case NoticeHostWaiting:
		return domain.Reply{Text: m.pluralIn(lang, "host_notice_waiting", len(n.Waiting), d)}
	}
	return domain.Reply{}
}

// StudentNotice tells a student what happened to their applications. Only a host's question
// changes where they are: their next message is the answer (MENU or any keyword still works), then
// they land on the menu.
func (m *Machine) StudentNotice(s Session, n Notice) Output {
	d := m.noticeData(s.Lang, n)
	var text string
	switch n.Kind {
	case NoticeParentAgreed:
		text = m.pluralIn(s.Lang, "student_notice_parent_agreed", n.Count, d)
		if n.Count == 0 {
			text = m.textIn(s.Lang, "student_notice_parent_agreed_none", d)
		}
	case NoticeParentRefused:
		text = m.textIn(s.Lang, "student_notice_parent_refused", d)
		if n.Count > 0 {
			text = m.pluralIn(s.Lang, "student_notice_parent_refused_waiting", n.Count, d)
		}
	case NoticeParentWithdrew:
		text = m.pluralIn(s.Lang, "student_notice_parent_withdrew", n.Count, d)
	case NoticeAccepted, NoticeBooked:
		text = m.textIn(s.Lang, "student_notice_"+string(n.Kind), d)
		if details := m.stageDetailsIn(s.Lang, domain.StageDetails{Address: n.Address, Hours: n.Hours, Contact: n.Contact}); details != "" {
			text += "\n" + details
		}
	case NoticeDeclined, NoticeFull, NoticeWithdrawn, NoticeDayBefore, NoticeExpired,
		NoticeHostMessage, NoticeHostGone, NoticeRequestExpired, NoticeConfirmReminder, NoticeConsentSlow,
		NoticeStageSoon, NoticeFeedback, NoticeRelease, NoticeUnsentExpired:
		text = m.textIn(s.Lang, "student_notice_"+string(n.Kind), d)
	case NoticeNudge:
		text = m.textIn(s.Lang, "student_notice_nudge", d)
		if n.Count > 0 {
			text = m.textIn(s.Lang, "student_notice_nudge_no_place", d)
		}
	case NoticeFewApplications, NoticeStillLooking:
		text = m.pluralIn(s.Lang, "student_notice_"+string(n.Kind), n.Count, d)
		if n.Kind == NoticeFewApplications && n.Count == 0 { // French counts 0 as one: "qu'1" would be false
			text = m.textIn(s.Lang, "student_notice_no_applications", d)
		}
	case NoticeParentUnreachable:
		// Nothing can go to a host without the parent: the student gives another number, which is
		// asked to agree (a change of profile).
		if s.State == AskParentPhone || s.State == AskParentLanguage {
			return Output{Session: s} // already asked
		}
		before := s.Profile
		s.State, s.Attempts, s.Choices, s.Labels, s.Numbers = AskParentPhone, 0, nil, nil, nil
		s.Fix, s.Before = FixProfile, &before
		text = m.textIn(s.Lang, "student_notice_parent_unreachable", data{"Phone": maskPhone(s.Profile.ParentPhone)})
	case NoticeAgreementLastName:
		// Their next message is their last name (MENU or any keyword still works).
		if s.Fix == FixProfile && s.Before != nil {
			s.Profile = *s.Before
		}
		s.Fix, s.Before, s.Draft = FixNone, nil, ""
		s.State, s.Attempts, s.Choices, s.Labels, s.Numbers = AskLastName, 0, nil, nil, nil
		text = m.agreementNotice(s.Lang, studentWords, n)
	case NoticeAgreementReady, NoticeAgreementVoided, NoticeAgreementSigned, NoticeAgreementReminder, NoticeAgreementLate:
		// Reminders leave the student where they were: the name they owe is given from CONVENTION.
		text = m.agreementNotice(s.Lang, studentWords, n)
	case NoticeHostQuestion:
		if s.Fix == FixProfile && s.Before != nil {
			s.Profile = *s.Before // a profile change left half-way is given up
		}
		s.Fix, s.Before, s.Draft = FixNone, nil, ""
		s.State, s.Attempts = AnswerHost, 0
		s.Choices, s.Labels, s.Numbers = nil, nil, nil
		s.Question = &Question{AppID: n.AppID, Host: n.Host, Asked: true}
		text = m.textIn(s.Lang, "student_notice_question", d)
	default:
		return Output{Session: s}
	}
	text += m.agreementLine(s.Lang, studentWords, n)
	return Output{Session: s, Replies: []domain.Reply{{Text: text}}}
}

// Question is a host's question waiting for the student's answer, or a message the student writes
// to a host.
type Question struct {
	AppID int64  `json:"application_id"`
	Host  string `json:"host"`
	Asked bool   `json:"asked,omitempty"` // the host asked a question (not the student writing first)
}

// noticeData is the template data of a notice, with dates written in lang.
func (m *Machine) noticeData(lang string, n Notice) data {
	d := data{"Ref": n.AppID, "Student": n.Student, "OfStudent": of(lang, n.Student), "First": n.First, "School": n.School, "Offer": n.Offer, "Host": n.Host,
		"Address": n.Address, "Hours": m.hours(lang, n.Hours), "Contact": n.Contact, "Motivation": n.Motivation, "Text": n.Text,
		"Count": n.Count, "REP": n.Priority == "REP" || n.Priority == "REP+", "Priority": n.Priority}
	if !n.Week.IsZero() {
		d["Week"] = m.longDate(lang, n.Week)
		d["Friday"] = m.longDate(lang, n.Week.AddDate(0, 0, 4))
	}
	if n.ConfirmBy != nil {
		d["ConfirmBy"] = m.longDate(lang, calendar.Day(*n.ConfirmBy))
	}
	if n.DecideBy != nil {
		d["DecideBy"] = m.longDate(lang, calendar.Day(*n.DecideBy))
	}
	if len(n.Waiting) > 0 {
		lines := make([]string, len(n.Waiting))
		for i, a := range n.Waiting {
			lines[i] = m.textIn(lang, "host_waiting_line", data{"Ref": a.ID, "Student": a.Student, "Offer": a.Offer,
				"Week": m.longDate(lang, a.Week)})
		}
		d["Requests"] = strings.Join(lines, "\n")
	}
	if len(n.Offers) > 0 {
		offers := make([]string, len(n.Offers))
		for i, o := range n.Offers {
			offers[i] = o.Title + " (" + o.HostName + ")"
		}
		separator := "; "
		if lang == "fr" {
			separator = " ; " // French typography: a space before the semicolon
		}
		d["Offers"] = strings.Join(offers, separator)
	}
	return d
}

// showAnswerHost asks for the answer to the host's question, or the message to the host.
func (t *turn) showAnswerHost() {
	q := t.s.Question
	if q == nil {
		t.goTo(Menu)
		return
	}
	if q.Asked {
		t.say(t.tr("answer_host_prompt", data{"Host": q.Host}))
		return
	}
	t.say(t.tr("write_host_prompt", data{"Host": q.Host}))
}

// onAnswerHost relays what the student wrote to the host; a message that is only a menu number or
// a thank-you is checked first (the student may have thought they were on the menu).
func (t *turn) onAnswerHost() {
	if t.s.Question == nil || t.text == "" {
		t.confused()
		return
	}
	if t.number || isThanks(t.text) || isGreeting(t.text) || isYes(bareWord(t.text)) || isNo(bareWord(t.text)) {
		t.s.Draft = t.text
		t.goTo(ConfirmAnswer)
		return
	}
	t.relayAnswer(t.text)
}

// relayAnswer relays text to the host, its contact details masked.
func (t *turn) relayAnswer(text string) {
	safe, hid := t.m.masker.mask(text)
	t.s.Draft = ""
	t.ask(RelayToHost{ApplicationID: t.s.Question.AppID, Text: safe, Masked: hid})
}

// showConfirmAnswer asks whether the short message is really for the host.
func (t *turn) showConfirmAnswer() {
	if t.s.Question == nil || t.s.Draft == "" {
		t.goTo(Menu)
		return
	}
	t.say(t.tr("confirm_answer", data{"Text": shorten(t.s.Draft, 40), "Host": t.s.Question.Host}),
		t.choiceOf("answer:yes", "choice_send"),
		t.choiceOf("answer:no", "choice_do_not_send"))
}

// onConfirmAnswer relays the short message, or drops it and goes back to where the student was.
func (t *turn) onConfirmAnswer() {
	switch t.choice {
	case "answer:yes":
		t.relayAnswer(t.s.Draft)
	case "answer:no":
		t.s.Draft = ""
		t.preface(t.tr("answer_not_sent", nil))
		t.backFromAnswer()
	default:
		t.confused()
	}
}

// answerRelayed says the answer left, and lands on the menu.
func (t *turn) answerRelayed() bool {
	r, ok := t.in.Result.(Relayed)
	if !ok {
		return false
	}
	switch {
	case r.OK && r.Masked:
		t.preface(t.tr("answer_host_sent", data{"Host": r.To}) + " " + t.tr("relay_masked", nil))
	case r.OK:
		t.preface(t.tr("answer_host_sent", data{"Host": r.To}))
	case r.Unreachable:
		t.preface(t.tr("answer_host_unreachable", data{"Host": r.To}))
	default:
		t.preface(t.tr("answer_host_failed", nil))
	}
	t.backFromAnswer()
	return true
}

// backFromAnswer ends the exchange: the student lands on the menu, quietly (the reply says a word
// searches, or MENU), whatever screen they were on when the host wrote.
func (t *turn) backFromAnswer() {
	t.s.Question, t.s.Draft = nil, ""
	t.backHome(t.tr("back_to_menu_hint", nil))
}

// HostLinked welcomes a host contact whose Telegram account was just linked.
func (m *Machine) HostLinked(lang, contact, host string) domain.Reply {
	return domain.Reply{Text: m.textIn(lang, "host_linked", data{"Contact": contact, "Host": host})}
}

// HostLinkInvalid answers a link code that is unknown, used or expired (and says nothing more).
func (m *Machine) HostLinkInvalid(lang string) domain.Reply {
	return domain.Reply{Text: m.textIn(lang, "host_link_invalid", nil)}
}
