package conversation

import (
	"stagebot/domain"
	"stagebot/locales"
)

// Config sets the machine's limits. Zero fields take their defaults.
type Config struct {
	MaxMotivation int // runes in a motivation, 500 when zero
	MaxInput      int // runes read from one message, 1000 when zero; longer input is cut before parsing
}

// Machine runs the student conversation. It keeps nothing about a person between two steps:
// everything it remembers is in the Session it is given and returns.
type Machine struct {
	cat    *locales.Catalog
	cfg    Config
	states map[State]stateDef
	masker *masker
}

// New returns a machine that writes its replies with cat (which must not be nil).
func New(cat *locales.Catalog, cfg Config) *Machine {
	if cfg.MaxMotivation <= 0 {
		cfg.MaxMotivation = 500
	}
	if cfg.MaxInput <= 0 {
		cfg.MaxInput = 1000
	}
	return &Machine{cat: cat, cfg: cfg, states: journey(), masker: newMasker()}
}

// NewSession is the session of someone who has never written: at the welcome, in French.
func NewSession() Session {
	return Session{State: Welcome, Lang: locales.Default}
}

// Step reads one input (a message, or the answer to the effect asked last time) in session s and
// decides what happens: the session to save, the replies, the effects. It does no I/O and never
// panics on any input.
func (m *Machine) Step(s Session, in Input) Output {
	t := m.begin(s, in)
	switch {
	case s.Stopped:
		// After STOP, only START gets an answer, and AIDE one line on how to come back; everything
		// else changes nothing, except that SUPPRIMER still erases everything, silently.
		kw := kwNone
		if in.Result == nil && in.Choice == "" {
			kw = keywordOf(t.text)
		}
		switch kw {
		case kwDelete:
			lang := s.Lang
			fresh := NewSession()
			fresh.Lang, fresh.Stopped = lang, true
			return Output{Session: fresh, Effects: []Effect{Erase{StudentID: s.Profile.StudentID}}}
		case kwHelp:
			t.heal()
			return Output{Session: s, Replies: []domain.Reply{{Text: t.tr("stopped_help", nil)}}}
		case kwStart:
		default:
			return Output{Session: s}
		}
		t.heal()
		t.restart()
	case in.Result != nil:
		t.heal()
		t.answer()
	default:
		t.heal()
		t.message()
	}
	return t.finish()
}

// message handles what the person sent.
func (t *turn) message() {
	t.rememberStartSchool()
	if t.in.Choice == "" && t.studentFeedback() {
		return
	}
	if t.in.Choice == "" {
		if kw := keywordOf(t.text); kw != kwNone {
			t.keyword(kw)
			return
		}
		switch show, sign := agreementWord(t.text); {
		case show:
			t.jumpTo(ViewAgreement)
			return
		case sign:
			t.jumpTo(EnterCode)
			return
		}
	}
	def := t.def()
	if t.s.State == Welcome {
		// The very first message, whatever it says, gets the welcome.
		t.greet()
		return
	}
	if t.text == "" && t.in.Choice == "" {
		t.miss()
		t.preface(t.tr("only_text", nil))
		t.repeat()
		return
	}
	t.choice = t.match()
	switch {
	case t.in.Choice != "" && t.choice == "":
		// A button from an older message: it no longer means anything here.
		t.confused()
	case t.choice == keyMenu:
		t.goTo(Menu)
	case t.choice == "" && def.search && isThanks(t.text):
		t.preface(t.tr("you_are_welcome", nil))
		t.repeat()
	case t.choice == "" && def.search && isGreeting(t.text):
		t.repeat()
	case t.choice == "" && def.search && t.looksLikeSearch():
		t.searchWords(t.text)
	default:
		def.on(t)
	}
}

// answer handles the answer to the effect the machine asked for. An answer this state did not ask
// for is ignored, and the person gets the current question again.
func (t *turn) answer() {
	if r, ok := t.in.Result.(FeedbackSaved); ok {
		t.feedbackSaved(r)
		return
	}
	def := t.def()
	if def.result == nil || !def.result(t) {
		t.repeat()
	}
}

// heal puts a session that cannot be run (unknown state, unknown language, a student's state
// without a student) back on its feet: the menu for a registered student, the welcome otherwise.
func (t *turn) heal() {
	if !t.m.hasLanguage(t.s.Lang) {
		t.s.Lang = locales.Default
	}
	def, ok := t.m.states[t.s.State]
	if ok && !(def.registered && t.s.Profile.StudentID == 0) {
		return
	}
	t.s.Resume = ""
	t.land(Welcome)
	if t.s.Profile.StudentID != 0 {
		t.land(Menu)
	}
}

func (m *Machine) hasLanguage(lang string) bool {
	return m.cat != nil && m.cat.Has(lang)
}

// def is the current state's definition; heal has made sure it exists.
func (t *turn) def() stateDef {
	return t.m.states[t.s.State]
}
