package conversation

import (
	"strings"
	"time"

	"stagebot/domain"
	"stagebot/fold"
)

// Role is who a conversation is with: a student (the journey in this package's states), a parent
// (who agrees or not, and is kept informed) or a host structure's contact (who answers requests).
type Role string

// The roles.
const (
	RoleStudent Role = "student"
	RoleParent  Role = "parent"
	RoleHost    Role = "host"
)

// ContactSession is the memory of a parent's or a host's conversation. They have no journey: each
// message is read on its own, except when a choice was offered (which child, which application,
// which language) or a host's text waits for the application it is about.
type ContactSession struct {
	Lang    string   `json:"lang"`
	Stopped bool     `json:"stopped,omitempty"`
	Choices []string `json:"choices,omitempty"` // keys of the choices last offered, in order
	Labels  []string `json:"labels,omitempty"`
	Pending string   `json:"pending,omitempty"` // the action waiting for a pick or a go: "yes", "no", "messages", "ask", "language", "relay"
	Text    string   `json:"text,omitempty"`    // a host's message waiting for its application to be picked, or for a go
	App     int64    `json:"app,omitempty"`     // the application a message waiting for a go is about
	Spoken  string   `json:"spoken,omitempty"`  // a parent's own language, while their message is answered in the other one it was written in
}

// ContactOutput is what one step of a parent's or host's conversation decided.
type ContactOutput struct {
	Session ContactSession
	Replies []domain.Reply
	Effects []Effect
}

// Child is one of a parent's children on the service.
type Child struct {
	StudentID   int64
	FirstName   string
	LastInitial string
	School      string
	Consent     domain.Consent
}

// Name is how every message calls the child: "Léa M.".
func (c Child) Name() string { return personName(c.FirstName, c.LastInitial) }

// personName writes a first name and an initial as "Léa M.".
func personName(first, initial string) string {
	if initial == "" {
		return first
	}
	return first + " " + initial + "."
}

// HostApp is one application on a host's offers that the host may act on.
type HostApp struct {
	ID      int64
	Student string // "Léa M."
	Offer   string
	Week    time.Time
	State   domain.ApplicationState // sent (waiting for an answer), accepted or confirmed
}

// RelayedMessage is one message passed between a host and a student.
type RelayedMessage struct {
	Host     string
	FromHost bool
	Body     string
	At       time.Time
}

// Consent records a parent's answer for one child: agreement sends the child's waiting
// applications to the hosts; a refusal (or a withdrawal) withdraws every live one. Answers
// ConsentRecorded.
type Consent struct {
	StudentID int64
	Agree     bool
}

// WithdrawAllConsents withdraws a parent's agreement for all their children, after their STOP:
// every live application is withdrawn (the hosts and the children are told, not the parent). Does
// not answer.
type WithdrawAllConsents struct{}

// ReadRelays reads the messages relayed between hosts and a parent's child. Answers RelaysFound.
type ReadRelays struct{ StudentID int64 }

// AcceptApplication is a host taking a student, if a place is left. Answers HostAnswered.
type AcceptApplication struct{ ApplicationID int64 }

// DeclineApplication is a host saying no. Answers HostAnswered.
type DeclineApplication struct{ ApplicationID int64 }

// RelayToStudent passes a host's message to the student of an application: as a question to answer
// when Question is set. Answers Relayed.
type RelayToStudent struct {
	ApplicationID int64
	Text          string // contact details already masked
	Question      bool
	Masked        bool // contact details were masked in it
}

// RelayToHost passes a student's answer to the host of one of their applications. Answers Relayed.
type RelayToHost struct {
	ApplicationID int64
	Text          string // contact details already masked
	Masked        bool   // contact details were masked in it
}

// ConfirmPlace is a student confirming the stage a host accepted them for. Answers Confirmed.
type ConfirmPlace struct {
	StudentID     int64
	ApplicationID int64
}

func (Consent) isEffect()             {}
func (WithdrawAllConsents) isEffect() {}
func (ReadRelays) isEffect()          {}
func (AcceptApplication) isEffect()   {}
func (DeclineApplication) isEffect()  {}
func (RelayToStudent) isEffect()      {}
func (RelayToHost) isEffect()         {}
func (ConfirmPlace) isEffect()        {}

// ConsentRecorded answers Consent: the hosts the child's waiting applications were sent to, or how
// many live applications a refusal withdrew.
type ConsentRecorded struct {
	Child     Child
	Agree     bool
	SentTo    []string // host names, one per application sent
	Withdrawn int
}

// RelaysFound answers ReadRelays.
type RelaysFound struct {
	Child    Child
	Messages []RelayedMessage
}

// HostAnswered answers AcceptApplication and DeclineApplication: Problem is none when done,
// ProblemFull when no place was left, ProblemNotFound when the reference is not one of the host's,
// and ProblemNotPending when the application is no longer waiting for an answer.
type HostAnswered struct {
	Accept  bool
	Problem domain.Problem
	Student string // "Léa M.", when found
}

// Relayed answers RelayToStudent and RelayToHost; OK is false when the application is not one the
// sender may write about, or when its recipient cannot be written to (Unreachable): nothing went.
type Relayed struct {
	OK          bool
	Unreachable bool   // not OK because its recipient cannot be written to (they sent STOP, or their number fails)
	To          string // who it went to, or would have: "Léa M." or the host's name
	Masked      bool   // contact details were masked in it (as the relay asked said)
	Question    bool   // it went as a question to answer
}

// Confirmed answers ConfirmPlace: Problem is none, ProblemNotAccepted or ProblemExpired; Cancelled
// counts the other applications cancelled; HostTold says whether a message to the host could be
// queued (not when none of its contacts can be written to); Stage is where and when to go.
type Confirmed struct {
	Problem   domain.Problem
	Host      string
	Cancelled int
	HostTold  bool
	Stage     domain.StageDetails
	LastName  bool // the agreement needs the student's last name: it is asked next
}

func (ConsentRecorded) isResult() {}
func (RelaysFound) isResult()     {}
func (HostAnswered) isResult()    {}
func (Relayed) isResult()         {}
func (Confirmed) isResult()       {}

// contactTurn is one step of a parent's or a host's conversation being worked out.
type contactTurn struct {
	m       *Machine
	s       ContactSession
	text    string   // the message, trimmed and cut
	words   []string // its folded words
	choice  string   // the offered choice the message picked
	replies []domain.Reply
	effects []Effect
}

func (m *Machine) beginContact(s ContactSession, text, choice string) *contactTurn {
	text = strings.TrimSpace(strings.ToValidUTF8(text, ""))
	if len([]rune(text)) > m.cfg.MaxInput {
		text = cut(text, m.cfg.MaxInput)
	}
	if s.Lang == "" {
		s.Lang = "fr"
	}
	c := &contactTurn{m: m, s: s, text: text}
	c.words = wordsOf(text)
	c.choice = c.match(choice)
	return c
}

// match finds the offered choice picked by a button key or by its number.
func (c *contactTurn) match(pressed string) string {
	if pressed != "" {
		for _, key := range c.s.Choices {
			if key == pressed {
				return key
			}
		}
		return ""
	}
	if len(c.words) == 1 {
		if n, ok := ordinal(c.words[0]); ok && n >= 1 && n <= len(c.s.Choices) {
			return c.s.Choices[n-1]
		}
	}
	return ""
}

// say sends a reply and records its choices (none clears them).
func (c *contactTurn) say(text string, choices ...domain.Choice) {
	c.replies = append(c.replies, domain.Reply{Text: text, Choices: choices})
	c.s.Choices, c.s.Labels = nil, nil
	for _, ch := range choices {
		c.s.Choices = append(c.s.Choices, ch.Key)
		c.s.Labels = append(c.s.Labels, ch.Label)
	}
}

func (c *contactTurn) tr(id string, d data) string { return c.m.textIn(c.s.Lang, id, d) }

func (c *contactTurn) output() ContactOutput {
	return ContactOutput{Session: c.s, Replies: c.replies, Effects: c.effects}
}

// wordsOf folds text into words, keeping scripts without spaces (Chinese) as they are.
func wordsOf(text string) []string {
	return strings.Fields(strings.NewReplacer(",", " ", ".", " ", "!", " ", "?", " ", "，", " ", "。", " ", "、", " ").
		Replace(bareWord(text)))
}

// childData is the template data naming a child: "Child" ("Inès T."), "OfChild" (in French, "d'Inès
// T." or "de Nora K."), and "Children" (the same child, for the texts that may name several).
func (m *Machine) childData(lang string, c Child) data {
	return data{"Child": c.Name(), "OfChild": of(lang, c.Name()), "Children": c.Name()}
}

// of writes "of name" as French wants it, with the elision before a vowel or a silent h: "d'Inès",
// "d'Hugo", "de Nora". Other languages' templates place the name themselves: the name is returned.
func of(lang, name string) string {
	if lang != "fr" {
		return name
	}
	if first := fold.String(name); first != "" && strings.ContainsRune("aeiouyh", rune(first[0])) &&
		!(first[0] == 'y' && len(first) > 1 && strings.ContainsRune("aeiou", rune(first[1]))) {
		return "d'" + name
	}
	return "de " + name
}
