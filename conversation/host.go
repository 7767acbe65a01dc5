package conversation

import (
	"stagebot/domain"
	"strconv"
	"strings"
	"time"
)

// HostInput is one message from a host structure's contact, with the applications on the host's
// own offers that the host may act on (and no other: a host never learns about other hosts'
// applications).
type HostInput struct {
	Text       string
	Choice     string // a Telegram button's key: "host:yes:ID", "host:no:ID", "host:ask:ID"
	Now        time.Time
	Host       string // the host structure's name
	Apps       []HostApp
	Agreements []AgreementRef // the agreements of its stages
	Result     Result         // the answer to AcceptApplication, DeclineApplication, RelayToStudent or an agreement's effect
}

// HostStep reads one message from a host. "OUI 1042" accepts application 1042, "NON 1042"
// declines it (the reference may be left out when only one application waits); any other text is
// a message relayed to the student ("1042 Quels jours ?" names the application; without a
// reference, the only one, or the host is asked which), as a question to answer when it asks one.
// Contact details in it are masked; a message that is only a thank-you is relayed only after
// ENVOYER. On Telegram the buttons under each request do the same.
func (m *Machine) HostStep(s ContactSession, in HostInput) ContactOutput {
	c := m.beginContact(s, in.Text, in.Choice)
	switch r := in.Result.(type) {
	case HostAnswered:
		c.hostAnswered(r)
		return c.output()
	case Relayed:
		c.hostRelayed(r)
		return c.output()
	case AgreementFound, CodeSent, SignResult, HoursSaved, AgreementSaved:
		c.agreementAnswered(hostWords, r)
		return c.output()
	case FeedbackSaved:
		switch {
		case r.OK:
			c.say(c.tr("host_feedback_thanks", nil))
		case r.TooEarly:
			c.say(c.tr("host_feedback_too_early", nil))
		default:
			c.say(c.tr("host_unknown_ref", nil))
		}
		return c.output()
	}
	first := ""
	if len(c.words) > 0 {
		first = c.words[0]
	}
	stop := isStop(c.text)
	if c.s.Stopped {
		switch first {
		case "start", "demarrer", "unstop":
			c.s.Stopped = false
			c.effects = append(c.effects, SetStopped{Stopped: false})
			c.say(c.tr("host_started", nil))
		case "aide", "help", "?":
			c.say(c.tr("host_stopped_help", nil))
		}
		return c.output()
	}
	if c.s.Pending == "relay" && in.Choice == "" {
		// A thank-you waits for ENVOYER; anything else drops it and is read afresh.
		id, text := c.s.App, c.s.Text
		c.s.Pending, c.s.Text, c.s.App = "", "", 0
		if len(c.words) == 1 && (first == "envoyer" || first == "send") {
			c.relay(id, text, true, in.Apps)
			return c.output()
		}
	}
	if in.Choice == "" && c.hostFeedback(in.Apps) {
		return c.output()
	}
	if in.Choice == "" && c.hostAgreement(in.Agreements) {
		return c.output()
	}
	if verb, id, ok := hostButton(in.Choice); ok {
		c.hostDo(verb, id, "", in.Apps)
		return c.output()
	}
	if c.choice != "" {
		id, _ := strconv.ParseInt(strings.TrimPrefix(c.choice, "app:"), 10, 64)
		verb, text := c.s.Pending, c.s.Text
		c.s.Pending, c.s.Text = "", ""
		c.hostDo(verb, id, text, in.Apps)
		return c.output()
	}
	if stop {
		c.s.Stopped = true
		c.s.Pending, c.s.Text, c.s.App = "", "", 0
		c.effects = append(c.effects, SetStopped{Stopped: true})
		c.say(c.tr("host_stopped", nil))
		return c.output()
	}
	switch first {
	case "aide", "help", "?":
		c.say(c.tr("host_help", data{"Host": in.Host}))
		return c.output()
	case "liste", "list", "demandes", "requests":
		if len(c.words) == 1 {
			c.listRequests(in.Apps)
			return c.output()
		}
	case "":
		c.say(c.tr("host_help", data{"Host": in.Host}))
		return c.output()
	}
	if len(c.words) == 1 {
		_, err := strconv.ParseInt(strings.TrimPrefix(first, "#"), 10, 64)
		if err == nil || first == "envoyer" || first == "send" {
			// A reference alone, or ENVOYER with nothing waiting: what to do.
			c.say(c.tr("host_help", data{"Host": in.Host}))
			return c.output()
		}
	}
	verb, id, text := parseHostMessage(c.words, c.text, in.Apps)
	if verb == "ask" && c.s.Pending == "ask" && id == 0 {
		id = c.s.pendingApp()
	}
	c.s.Pending, c.s.Text = "", ""
	c.hostDo(verb, id, text, in.Apps)
	return c.output()
}

// listRequests lists the host's requests that wait for an answer, and the students it accepted.
func (c *contactTurn) listRequests(apps []HostApp) {
	if len(apps) == 0 {
		c.say(c.tr("host_list_none", nil))
		return
	}
	lines := []string{c.tr("host_list", nil)}
	for _, a := range apps {
		lines = append(lines, c.tr("host_list_line", data{"Ref": a.ID, "Student": a.Student, "Offer": a.Offer,
			"Week": c.m.longDate(c.s.Lang, a.Week), "Status": c.tr("host_status_"+string(a.State), data{"Ref": a.ID})}))
	}
	c.say(strings.Join(lines, "\n"))
}

// hostButton reads a Telegram button's key: "host:yes:1042" → ("yes", 1042).
func hostButton(key string) (verb string, id int64, ok bool) {
	parts := strings.Split(key, ":")
	if len(parts) != 3 || parts[0] != "host" {
		return "", 0, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || (parts[1] != "yes" && parts[1] != "no" && parts[1] != "ask") {
		return "", 0, false
	}
	return parts[1], id, true
}

// parseHostMessage reads "OUI 1042", "1042 non", "non" or a question ("1042 Quels horaires ?"). In
// an answer any number is the reference (an unknown one is refused, never taken for another); a
// question starts with a reference only when it is one of the host's, so "3 jours ?" is a question.
func parseHostMessage(words []string, text string, apps []HostApp) (verb string, id int64, question string) {
	var rest []string
	var number int64
	for _, w := range words {
		if n, err := strconv.ParseInt(strings.TrimPrefix(w, "#"), 10, 64); err == nil && number == 0 && n > 0 {
			number = n
			continue
		}
		rest = append(rest, w)
	}
	if len(rest) == 1 {
		switch rest[0] {
		case "oui", "yes", "ok", "accepte", "accepter", "accept":
			return "yes", number, ""
		case "non", "no", "refuse", "refuser", "decline":
			return "no", number, ""
		}
	}
	f := strings.Fields(text)
	if len(f) > 1 {
		if n, err := strconv.ParseInt(strings.TrimPrefix(f[0], "#"), 10, 64); err == nil && hasApp(apps, n) {
			return "ask", n, strings.TrimSpace(strings.TrimPrefix(text, f[0]))
		}
	}
	return "ask", 0, text
}

// hasApp reports whether id is one of the host's applications.
func hasApp(apps []HostApp, id int64) bool {
	for _, a := range apps {
		if a.ID == id {
			return true
		}
	}
	return false
}

// hostDo accepts, declines or relays for application id (0: the only one waiting, or ask which).
func (c *contactTurn) hostDo(verb string, id int64, text string, apps []HostApp) {
	candidates := hostCandidates(verb, apps)
	if id == 0 {
		switch {
		case verb == "ask" && text == "":
			c.say(c.tr("host_help", nil))
			return
		case len(candidates) == 1:
			id = candidates[0].ID
		case len(candidates) == 0:
			c.say(c.tr("host_nothing_waiting", nil))
			return
		default:
			c.askWhich(verb, text, candidates)
			return
		}
	}
	switch verb {
	case "yes":
		c.effects = append(c.effects, AcceptApplication{ApplicationID: id})
	case "no":
		c.effects = append(c.effects, DeclineApplication{ApplicationID: id})
	case "ask":
		if text == "" {
			// A "question" button: the next message is the question.
			c.s.Pending, c.s.Text = "ask", strconv.FormatInt(id, 10)
			c.say(c.tr("host_write_question", nil))
			return
		}
		c.relay(id, text, false, apps)
	}
}

// relay passes the host's text on to the student of application id, its contact details masked: as
// a question to answer when it asks one, as a message otherwise. A text that is only a thank-you
// waits for the host's ENVOYER, unless confirmed.
func (c *contactTurn) relay(id int64, text string, confirmed bool, apps []HostApp) {
	if !confirmed && isThanks(text) {
		student := ""
		for _, a := range apps {
			if a.ID == id {
				student = a.Student
			}
		}
		c.s.Pending, c.s.Text, c.s.App = "relay", text, id
		c.say(c.tr("host_confirm_relay", data{"Text": shorten(text, 40), "Student": student}))
		return
	}
	safe, hid := c.m.masker.mask(text)
	c.effects = append(c.effects, RelayToStudent{ApplicationID: id, Text: safe, Question: strings.Contains(text, "?"),
		Masked: hid})
}

// hostRelayed tells the host their message went (and whether it was masked), or that the request
// is not theirs to write about.
func (c *contactTurn) hostRelayed(r Relayed) {
	if r.Unreachable {
		c.say(c.tr("host_relay_unreachable", data{"Student": r.To}))
		return
	}
	if !r.OK {
		c.say(c.tr("host_unknown_ref", nil))
		return
	}
	text := c.tr("host_relayed", data{"Student": r.To})
	if r.Question {
		text = c.tr("host_relayed_question", data{"Student": r.To})
	}
	if r.Masked {
		text += " " + c.tr("relay_masked_host", nil)
	}
	c.say(text)
}

// pendingApp is the application a "question" button chose, kept in Text until the question comes.
func (s ContactSession) pendingApp() int64 {
	id, _ := strconv.ParseInt(s.Text, 10, 64)
	return id
}

// hostCandidates lists the applications a verb can be about: answers are for those still waiting,
// questions for those waiting or accepted.
func hostCandidates(verb string, apps []HostApp) []HostApp {
	var out []HostApp
	for _, a := range apps {
		if verb == "ask" || a.State == domain.Sent {
			out = append(out, a)
		}
	}
	return out
}

// askWhich asks the host which application a message is about.
func (c *contactTurn) askWhich(verb, text string, apps []HostApp) {
	choices := make([]domain.Choice, len(apps))
	for i, a := range apps {
		choices[i] = domain.Choice{Key: "app:" + strconv.FormatInt(a.ID, 10),
			Label: a.Student + " - " + a.Offer + " (" + strconv.FormatInt(a.ID, 10) + ")"}
	}
	c.say(c.tr("host_which_application", nil), choices...)
	c.s.Pending, c.s.Text = verb, text
}

// hostAnswered tells the host what became of their answer.
func (c *contactTurn) hostAnswered(r HostAnswered) {
	d := data{"Student": r.Student, "OfStudent": of(c.s.Lang, r.Student)}
	switch {
	case r.Problem == domain.NoProblem && r.Accept:
		c.say(c.tr("host_accepted", d))
	case r.Problem == domain.NoProblem:
		c.say(c.tr("host_declined", d))
	case r.Problem == domain.ProblemFull:
		c.say(c.tr("host_full", d))
	case r.Problem == domain.ProblemNotPending:
		c.say(c.tr("host_not_pending", d))
	default:
		c.say(c.tr("host_unknown_ref", nil))
	}
}
