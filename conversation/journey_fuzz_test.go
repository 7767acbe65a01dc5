package conversation

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"stagebot/domain"
	"stagebot/fold"
	"stagebot/phone"
)

// reachedState is a student's session in one state, with the fake world as it was then.
type reachedState struct {
	state State
	s     Session
	w     *world
}

// reachEveryState drives a student to every state a message can find them in, in a fixed order
// (a fuzz input names a state by its index).
func reachEveryState(f *testing.F) []reachedState {
	var states []State
	for st := range newMachine(f).states {
		if !passing[st] {
			states = append(states, st)
		}
	}
	slices.Sort(states)
	out := make([]reachedState, len(states))
	for i, st := range states {
		d := reach(f, st)
		out[i] = reachedState{state: st, s: d.s, w: d.w}
	}
	return out
}

// clone copies the world, so that what one fuzz input does to it is not seen by the next.
func (w *world) clone() *world {
	c := *w
	c.schools = slices.Clone(w.schools)
	c.sectors = slices.Clone(w.sectors)
	c.offers = slices.Clone(w.offers)
	c.apps = slices.Clone(w.apps)
	c.searches = slices.Clone(w.searches)
	c.erased = slices.Clone(w.erased)
	c.relayed = slices.Clone(w.relayed)
	c.changed = slices.Clone(w.changed)
	c.feedback = slices.Clone(w.feedback)
	c.weeks = slices.Clone(w.weeks)
	return &c
}

// Flags of a fuzzed student message.
const (
	fuzzEnglish  = 1 << iota // the session is in English
	fuzzStopped              // the student sent STOP before
	fuzzMedia                // the message carries a photo or a sticker
	fuzzTelegram             // the message comes from Telegram
	fuzzWhatsApp             // … or from WhatsApp (SMS otherwise)
)

// FuzzMessageEveryState sends up to three messages (the text split at blank lines "\n\n\n"), the
// first possibly with a button ("#N" presses the session's N-th choice, anything else is sent as
// the button's data), to a student in any state of the journey, in French or English, on SMS,
// WhatsApp or Telegram, stopped or not, the fake world answering every effect. Besides the
// promises driver.step checks at every step (asking effect last, no template left in a reply, no
// empty reply, the session's choices are the last reply's), it checks that one message never takes
// more than 10 steps, that replies are valid UTF-8, the session stays in a known state and language,
// and that the effects carry only what the store accepts: a keyword of at most 50 characters, an
// arrondissement 1 to 20, a motivation that says something within MaxMotivation characters, a
// registered profile with a first name of 1 to 30 letters, a one-letter initial, a collège name, a
// Monday, a first-of-month birth, an E.164 parent mobile, a known priority; a collège query of at most
// 80 characters; a non-empty relayed answer.
func FuzzMessageEveryState(f *testing.F) {
	states := reachEveryState(f)
	seeds := []struct {
		state        int
		text, button string
		flags        uint8
	}{
		{0, "oui", "", 0},
		{1, "1", "", fuzzTelegram},
		{2, "Léa", "", 0},
		{3, "musée 11e", "", fuzzWhatsApp},
		{4, "AIDE", "", fuzzEnglish},
		{5, "STOP", "", 0},
		{6, "START", "", fuzzStopped},
		{7, "", "#0", fuzzTelegram},
		{8, "", "offer:999999", fuzzTelegram},
		{9, "😀", "", fuzzMedia},
		{10, "11/01\n\n\nmars 2012\n\n\n06 12 34 56 78", "", 0},
		{11, "J'aime les musées et je voudrais découvrir le métier de guide.", "", 0},
		{12, "AVIS 5 super, mon snap c'est yas.b2012", "", 0},
		{13, "supprimer\n\n\noui", "", 0},
		{14, "LANGUE\n\n\nEnglish", "", 0},
		{15, "CONFIRMER", "", fuzzEnglish | fuzzTelegram},
		{16, "Mon numéro c'est le 06 12 34 50 01", "", 0},
		{17, "tout voir\n\n\n8\n\n\n8", "", 0},
		{18, strings.Repeat("blabla ", 750), "", 0},
		{19, "\x00\xff\xfe", "\xff", 0},
		{20, "Paris 11", "", 0},
		{21, "/start 0751234X", "", fuzzTelegram},
		{22, "0", "", 0},
		{23, "6", "", 0},
		{24, "merci", "", 0},
		{25, "Corriger\n\n\n1\n\n\nZoé", "", 0},
		{26, "ESS santé 75011 cuisine", "", 0},
		{27, "non", "#1", 0},
	}
	for _, s := range seeds {
		f.Add(uint8(s.state), s.text, s.button, s.flags)
	}
	m := newMachine(f)
	f.Fuzz(func(t *testing.T, state uint8, text, button string, flags uint8) {
		r := states[int(state)%len(states)]
		d := &driver{t: t, m: m, w: r.w.clone(), s: r.s, channel: domain.SMS}
		d.s.Stopped = flags&fuzzStopped != 0
		if flags&fuzzEnglish != 0 {
			d.s.Lang = "en"
		}
		switch {
		case flags&fuzzTelegram != 0:
			d.channel = domain.Telegram
		case flags&fuzzWhatsApp != 0:
			d.channel = domain.WhatsApp
		}
		for i, msg := range strings.SplitN(text, "\n\n\n", 3) {
			in := Input{Text: msg, Media: flags&fuzzMedia != 0 && i == 0}
			if i == 0 && button != "" {
				in.Choice = button
				if n, err := strconv.Atoi(strings.TrimPrefix(button, "#")); err == nil && strings.HasPrefix(button, "#") &&
					n >= 0 && len(d.s.Choices) > 0 {
					in.Choice = d.s.Choices[n%len(d.s.Choices)]
				}
			}
			if strings.HasPrefix(msg, "/start ") && d.channel == domain.Telegram {
				in.Start = strings.TrimPrefix(msg, "/start ")
			}
			d.input(in)
			checkStudentTurn(t, m, d)
		}
	})
}

// checkStudentTurn checks the replies, the session and the effects of the last message.
func checkStudentTurn(t *testing.T, m *Machine, d *driver) {
	t.Helper()
	for _, r := range d.replies {
		if !utf8.ValidString(r.Text) {
			t.Fatalf("reply is not valid UTF-8: %q", r.Text)
		}
		for _, c := range r.Choices {
			if !utf8.ValidString(c.Label) {
				t.Fatalf("label is not valid UTF-8: %q", c.Label)
			}
		}
	}
	if _, ok := m.states[d.s.State]; !ok || !m.hasLanguage(d.s.Lang) {
		t.Fatalf("session in state %q, language %q", d.s.State, d.s.Lang)
	}
	for _, e := range d.effects {
		switch e := e.(type) {
		case SearchOffers:
			if n := utf8.RuneCountInString(e.Filters.Keyword); n > maxKeyword {
				t.Fatalf("search keyword of %d characters: %q", n, e.Filters.Keyword)
			}
			if a := e.Filters.Arrondissement; a != 0 && (a < 1 || a > 20) {
				t.Fatalf("search in arrondissement %d", a)
			}
			if k := e.Filters.Kind; k != "" && k != "ess" && k != "city" {
				t.Fatalf("search for kind %q", k)
			}
		case Apply:
			if n := utf8.RuneCountInString(e.Motivation); n > m.cfg.MaxMotivation || !saysSomething(e.Motivation) {
				t.Fatalf("motivation of %d characters: %q", n, e.Motivation)
			}
		case Register:
			checkProfile(t, e.Profile)
		case ChangeProfile:
			checkProfile(t, e.Profile)
		case FindSchools:
			if e.Query == "" || utf8.RuneCountInString(e.Query) > maxSchoolName {
				t.Fatalf("collège query %q", e.Query)
			}
		case RelayToHost:
			if strings.TrimSpace(e.Text) == "" || e.ApplicationID == 0 {
				t.Fatalf("relay to host %+v", e)
			}
		case GiveFeedback:
			if e.Mark < 1 || e.Mark > 5 || e.StudentID == 0 {
				t.Fatalf("feedback %+v", e)
			}
		}
	}
}

// checkProfile checks a profile about to be saved against what the students table accepts.
func checkProfile(t *testing.T, p Profile) {
	t.Helper()
	if n := utf8.RuneCountInString(p.FirstName); n < 1 || n > maxFirstName || !isName(p.FirstName) {
		t.Fatalf("first name %q", p.FirstName)
	}
	if utf8.RuneCountInString(p.LastInitial) != 1 {
		t.Fatalf("initial %q", p.LastInitial)
	}
	if strings.TrimSpace(p.SchoolName) == "" {
		t.Fatalf("no collège name in %+v", p)
	}
	if p.Week.Weekday() != time.Monday || p.BirthMonth.Day() != 1 {
		t.Fatalf("week %v, birth month %v", p.Week, p.BirthMonth)
	}
	if !phone.ValidE164(p.ParentPhone) {
		t.Fatalf("parent phone %q", p.ParentPhone)
	}
	switch p.Priority {
	case "none", "REP", "REP+":
	default:
		t.Fatalf("priority %q", p.Priority)
	}
}

// FuzzStudentFeedback sends any message to a registered student on the menu and on a results page:
// when it is feedback (GiveFeedback asked), the mark is 1 to 5 and the word kept is at most
// maxFeedbackWord (60) characters, as the feedback table's CHECK requires, with no contact detail
// the masker would find; and feedback never moves the conversation (same state, same choices).
func FuzzStudentFeedback(f *testing.F) {
	for _, s := range []string{"AVIS 5 génial", "avis 4/5 très bien", "REVIEW 3", "AVIS 5 appelle-moi au 06 12 34 56 78",
		"AVIS 9 super", "AVIS 4 2 bien", "AVIS", "avis trop bien", "AVIS 3 " + strings.Repeat("x", 80),
		"AVIS 4 insta yas_b " + strings.Repeat("é", 50), "AVIS 5 " + strings.Repeat("mot ", 20), "avis\x00 5 \xff"} {
		f.Add(s)
	}
	m := newMachine(f)
	var sessions []Session
	for _, st := range []State{Menu, Results} {
		sessions = append(sessions, reach(f, st).s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range sessions {
			out := m.Step(s, Input{Channel: domain.SMS, Address: studentNumber, Text: text, Now: testNow})
			for _, e := range out.Effects {
				fb, ok := e.(GiveFeedback)
				if !ok {
					continue
				}
				checkFeedback(t, m, text, fb)
				if out.Session.State != s.State || !reflect.DeepEqual(out.Session.Choices, s.Choices) {
					t.Fatalf("feedback %q moved the conversation from %s to %s", text, s.State, out.Session.State)
				}
			}
		}
		apps := []HostApp{{ID: 1042, Student: "Léa M.", Offer: "Accueil", Week: schoolWeek, State: domain.Confirmed}}
		out := m.HostStep(ContactSession{Lang: "fr"}, HostInput{Text: text, Now: testNow, Host: "Musée", Apps: apps})
		for _, e := range out.Effects {
			if fb, ok := e.(GiveFeedback); ok {
				checkFeedback(t, m, text, fb)
			}
		}
	})
}

func checkFeedback(t *testing.T, m *Machine, text string, fb GiveFeedback) {
	t.Helper()
	if fb.Mark < 1 || fb.Mark > 5 {
		t.Fatalf("%q gave the mark %d", text, fb.Mark)
	}
	if n := utf8.RuneCountInString(fb.Word); n > maxFeedbackWord {
		t.Fatalf("%q keeps a word of %d characters (max %d): %q", text, n, maxFeedbackWord, fb.Word)
	}
	if _, found := m.masker.mask(fb.Word); found {
		t.Fatalf("%q keeps the word %q, with contact details", text, fb.Word)
	}
}

// parentChildren are the children a fuzzed parent may have: a bit of the input picks each.
var parentChildren = []Child{
	{StudentID: 1, FirstName: "Léa", LastInitial: "M", School: "Voltaire", Consent: domain.ConsentPending},
	{StudentID: 2, FirstName: "Tom", LastInitial: "M", School: "Voltaire", Consent: domain.ConsentGranted},
	{StudentID: 3, FirstName: "Inès", LastInitial: "T", School: "Jean Moulin", Consent: domain.ConsentRefused},
	{StudentID: 4, FirstName: "Jean-Pierre", LastInitial: "B", School: "Say", Consent: domain.ConsentWithdrawn},
	{StudentID: 5, FirstName: "Zoé", LastInitial: "K", School: "Voltaire", Consent: domain.ConsentPending},
}

// FuzzParentStep sends two messages (first, then text) from a parent with any of five children, in
// any of the six languages, stopped or not, the answers to Consent and ReadRelays fed back. It
// checks that every reply is non-empty, valid UTF-8 and fully filled; that a consent or a reading is
// only ever about one of the parent's own children, and about the child named in the message when
// one is named (an answer is never applied to another child); that one message asks at most one
// consent; that after STOP only START and AIDE get an answer and nothing is done but START's; and
// that the session's language stays one the service speaks.
func FuzzParentStep(f *testing.F) {
	seeds := []struct {
		first, text string
		children    uint8
		lang        uint8
		stopped     bool
	}{
		{"", "Oui", 1, 0, false},
		{"oui", "2", 0x11, 0, false},
		{"", "oui TOM", 3, 0, false},
		{"", "NON LÉA", 0x1f, 0, false},
		{"langue", "3", 1, 0, false},
		{"", "STOP", 3, 1, false},
		{"", "START", 1, 2, true},
		{"", "aide", 1, 3, true},
		{"messages", "1", 0x11, 4, false},
		{"", "نعم", 1, 2, false},
		{"", "是", 1, 3, false},
		{"", "😀 blabla", 1, 5, false},
		{"", strings.Repeat("blabla ", 750), 1, 0, false},
		{"\xff", "oui\x00 zoé", 0x10, 0, false},
	}
	for _, s := range seeds {
		f.Add(s.first, s.text, s.children, s.lang, s.stopped)
	}
	m := newMachine(f)
	f.Fuzz(func(t *testing.T, first, text string, children, lang uint8, stopped bool) {
		var kids []Child
		for i, c := range parentChildren {
			if children&(1<<i) != 0 {
				kids = append(kids, c)
			}
		}
		s := ContactSession{Lang: parentLanguages[int(lang)%len(parentLanguages)], Stopped: stopped}
		for _, msg := range []string{first, text} {
			before := s
			out := m.ParentStep(s, ParentInput{Text: msg, Now: testNow, Children: kids})
			checkContactOutput(t, m, out)
			words := wordsOf(strings.TrimSpace(strings.ToValidUTF8(msg, "")))
			if before.Stopped {
				action := parentNone
				if len(words) > 0 {
					action = parentWordAction(words[0])
				}
				if action != parentStart && action != parentHelp && (len(out.Replies) > 0 || len(out.Effects) > 0) {
					t.Fatalf("stopped parent wrote %q and got %+v %+v", msg, out.Replies, out.Effects)
				}
			}
			named := map[int64]bool{}
			if len(words) > 1 {
				for _, c := range kids {
					if slices.Contains(words[1:], fold.String(c.FirstName)) {
						named[c.StudentID] = true
					}
				}
			}
			consents := 0
			for _, e := range out.Effects {
				var id int64
				switch e := e.(type) {
				case Consent:
					id = e.StudentID
					consents++
					out = m.ParentStep(out.Session, ParentInput{Now: testNow, Children: kids,
						Result: ConsentRecorded{Child: childByID(kids, id), Agree: e.Agree, SentTo: []string{"Musée"}}})
					checkContactOutput(t, m, out)
				case ReadRelays:
					id = e.StudentID
					out = m.ParentStep(out.Session, ParentInput{Now: testNow, Children: kids,
						Result: RelaysFound{Child: childByID(kids, id), Messages: []RelayedMessage{{Host: "Musée", FromHost: true, Body: "Quels jours ?", At: testNow}}}})
					checkContactOutput(t, m, out)
				default:
					continue
				}
				if childByID(kids, id).StudentID == 0 {
					t.Fatalf("%q acts for child %d, not one of %v", msg, id, kids)
				}
				if len(named) > 0 && !named[id] {
					t.Fatalf("%q names %v but acts for child %d", msg, named, id)
				}
			}
			if consents > 1 {
				t.Fatalf("%q asked %d consents", msg, consents)
			}
			s = out.Session
			if !m.hasLanguage(s.Lang) {
				t.Fatalf("parent session in language %q", s.Lang)
			}
		}
	})
}

func childByID(children []Child, id int64) Child {
	for _, c := range children {
		if c.StudentID == id {
			return c
		}
	}
	return Child{}
}

// checkContactOutput checks the replies of a parent's or a host's step: non-empty, valid UTF-8,
// every template field filled, each choice with a key and a label.
func checkContactOutput(t *testing.T, m *Machine, out ContactOutput) {
	t.Helper()
	for _, r := range out.Replies {
		checkText(t, r.Text)
		if !utf8.ValidString(r.Text) {
			t.Fatalf("reply is not valid UTF-8: %q", r.Text)
		}
		for _, c := range r.Choices {
			checkText(t, c.Label)
			if c.Key == "" {
				t.Fatalf("choice %q without a key", c.Label)
			}
		}
	}
	if len(out.Session.Choices) != len(out.Session.Labels) {
		t.Fatalf("session has %d choices and %d labels", len(out.Session.Choices), len(out.Session.Labels))
	}
}

// hostApps are the applications a fuzzed host may act on: a bit of the input picks each.
var hostApps = []HostApp{
	{ID: 1042, Student: "Léa M.", Offer: "Accueil", Week: schoolWeek, State: domain.Sent},
	{ID: 1043, Student: "Tom B.", Offer: "Accueil", Week: schoolWeek, State: domain.Sent},
	{ID: 7, Student: "Inès T.", Offer: "Atelier", Week: schoolWeek, State: domain.Accepted},
	{ID: 88, Student: "Zoé K.", Offer: "Atelier", Week: schoolWeek, State: domain.Confirmed},
}

// FuzzHostStep sends two messages (first, then text; the first may be a Telegram button) from a
// host's contact with any of four applications, stopped or not, the answers to its effects fed
// back. It checks every reply (non-empty, valid UTF-8, fully filled) and that a host only acts on
// what it may: an acceptance or a refusal is about one of its waiting applications unless the host
// typed (or pressed) that reference itself — never another one taken for it; a message relayed to a
// student is about one of its applications or a reference it typed, is not empty, is a question
// exactly when it has a "?", and is at most the message's length plus what masking adds; after STOP
// only START and AIDE get an answer, and nothing is done but START's.
func FuzzHostStep(f *testing.F) {
	seeds := []struct {
		first, text string
		button      string
		apps        uint8
		stopped     bool
	}{
		{"", "OUI 1042", "", 0xf, false},
		{"", "non", "", 1, false},
		{"", "1043 Quels horaires ?", "", 0xf, false},
		{"", "3 jours ?", "", 0xf, false},
		{"oui", "2", "", 0xf, false},
		{"", "1", "host:ask:7", 0xf, false},
		{"", "Appelez-moi au 06 12 34 56 78 ou contact@musee.fr", "", 4, false},
		{"merci", "ENVOYER", "", 1, false},
		{"", "STOP", "", 1, false},
		{"", "START", "", 1, true},
		{"", "AVIS 88 4 motivée", "", 8, false},
		{"", "#1042 oui", "host:yes:999", 3, false},
		{"", strings.Repeat("blabla ", 750), "", 1, false},
		{"\xff\x00", "oui 99999999999999999999", "host:no:-1", 0xf, false},
	}
	for _, s := range seeds {
		f.Add(s.first, s.text, s.button, s.apps, s.stopped)
	}
	m := newMachine(f)
	f.Fuzz(func(t *testing.T, first, text, button string, appBits uint8, stopped bool) {
		var apps []HostApp
		for i, a := range hostApps {
			if appBits&(1<<i) != 0 {
				apps = append(apps, a)
			}
		}
		s := ContactSession{Lang: "fr", Stopped: stopped}
		for i, msg := range []string{first, text} {
			in := HostInput{Text: msg, Now: testNow, Host: "Musée", Apps: apps}
			if i == 0 {
				in.Choice = button
			}
			before := s
			out := m.HostStep(s, in)
			checkContactOutput(t, m, out)
			clean := strings.TrimSpace(strings.ToValidUTF8(msg, ""))
			words := wordsOf(clean)
			if before.Stopped {
				w := ""
				if len(words) > 0 {
					w = words[0]
				}
				switch w {
				case "start", "demarrer", "unstop", "aide", "help", "?":
				default:
					if len(out.Replies) > 0 || len(out.Effects) > 0 {
						t.Fatalf("stopped host wrote %q and got %+v %+v", msg, out.Replies, out.Effects)
					}
				}
			}
			typed := typedReferences(clean + " " + strings.ReplaceAll(in.Choice, ":", " ") + " " + before.Text)
			if before.App != 0 {
				typed[before.App] = true
			}
			for _, e := range out.Effects {
				var result Result
				switch e := e.(type) {
				case AcceptApplication, DeclineApplication:
					id, accept := int64(0), false
					if a, ok := e.(AcceptApplication); ok {
						id, accept = a.ApplicationID, true
					} else {
						id = e.(DeclineApplication).ApplicationID
					}
					if !typed[id] && !slices.ContainsFunc(apps, func(a HostApp) bool { return a.ID == id && a.State == domain.Sent }) {
						t.Fatalf("%q (button %q) answers application %d, neither typed nor waiting among %v", msg, in.Choice, id, apps)
					}
					result = HostAnswered{Accept: accept, Student: "Léa M."}
				case RelayToStudent:
					if !typed[e.ApplicationID] && !slices.ContainsFunc(apps, func(a HostApp) bool { return a.ID == e.ApplicationID }) {
						t.Fatalf("%q relayed to application %d, neither typed nor the host's", msg, e.ApplicationID)
					}
					if strings.TrimSpace(e.Text) == "" {
						t.Fatalf("%q relayed an empty message", msg)
					}
					if e.Question != strings.Contains(e.Text, "?") && !e.Masked {
						t.Fatalf("%q relayed %q as question %v", msg, e.Text, e.Question)
					}
					if n, max := utf8.RuneCountInString(e.Text), utf8.RuneCountInString(clean)+utf8.RuneCountInString(before.Text)+
						3*strings.Count(e.Text, masked); n > max {
						t.Fatalf("%q relayed %d characters: %q", msg, n, e.Text)
					}
					result = Relayed{OK: true, To: "Léa M.", Masked: e.Masked, Question: e.Question}
				case GiveFeedback:
					if e.ApplicationID == 0 || e.Mark < 1 || e.Mark > 5 {
						t.Fatalf("%q gave feedback %+v", msg, e)
					}
					result = FeedbackSaved{OK: true}
				default:
					continue
				}
				out = m.HostStep(out.Session, HostInput{Now: testNow, Host: "Musée", Apps: apps, Result: result})
				checkContactOutput(t, m, out)
			}
			s = out.Session
		}
	})
}

// typedReferences lists the numbers written in text, with their sign, as a host writes a reference
// ("1042", "#1042") or a button carries one ("host:yes:1042").
func typedReferences(text string) map[int64]bool {
	refs := map[int64]bool{}
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return (r < '0' || r > '9') && r != '-' && r != '+' }) {
		for _, n := range []string{w, strings.TrimLeft(w, "+-")} {
			if v, err := strconv.ParseInt(n, 10, 64); err == nil {
				refs[v] = true
			}
		}
	}
	return refs
}
