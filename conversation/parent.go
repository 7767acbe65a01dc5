package conversation

import (
	"strconv"
	"strings"
	"time"

	"stagebot/domain"
	"stagebot/fold"
)

// ParentLanguages lists the languages a parent can read stagebot in, as choices in the order they
// are offered, each named in its own language.
func ParentLanguages() []domain.Choice {
	return []domain.Choice{{Key: "lang:fr", Label: "Français"}, {Key: "lang:en", Label: "English"},
		{Key: "lang:ar", Label: "العربية"}, {Key: "lang:zh", Label: "中文"}, {Key: "lang:pt", Label: "Português"},
		{Key: "lang:es", Label: "Español"}}
}

// ParentInput is one message from a parent, with what the machine needs to know: their children.
type ParentInput struct {
	Text     string
	Now      time.Time
	Children []Child
	Result   Result // the answer to ReadRelays, nil for a message
}

// parentAction is what a parent's message asks.
type parentAction string

const (
	parentNone     parentAction = ""
	parentYes      parentAction = "yes"
	parentNo       parentAction = "no"
	parentHelp     parentAction = "help"
	parentStop     parentAction = "stop"
	parentStart    parentAction = "start"
	parentLanguage parentAction = "language"
	parentMessages parentAction = "messages"
)

// parentWords maps the words a parent may start a message with, in the six languages, to actions.
func parentWordAction(word string) parentAction {
	switch word {
	case "oui", "yes", "si", "sim", "1", "ok", "d'accord", "نعم", "是", "好", "同意":
		return parentYes
	case "non", "no", "nao", "2", "لا", "否", "不", "不同意":
		return parentNo
	case "aide", "help", "ayuda", "ajuda", "مساعدة", "帮助", "?":
		return parentHelp
	case "stop", "arret", "stopall", "unsubscribe", "parar", "توقف", "停止":
		return parentStop
	case "start", "demarrer", "unstop":
		return parentStart
	case "langue", "language", "idioma", "lingua", "اللغة", "语言":
		return parentLanguage
	case "messages", "message", "mensajes", "mensagens", "رسائل", "消息", "信息":
		return parentMessages
	}
	return parentNone
}

// ParentStep reads one message from a parent. The parent agrees (OUI) or not (NON) for a child,
// reads the messages relayed between hosts and their child (MESSAGES), changes language (LANGUE),
// stops everything (STOP: agreement withdrawn for every child, no more messages) or asks for help.
// With several children, a message names the child ("OUI Léa") or the machine asks which.
func (m *Machine) ParentStep(s ContactSession, in ParentInput) ContactOutput {
	c := m.beginContact(s, in.Text, "")
	switch r := in.Result.(type) {
	case RelaysFound:
		c.showRelays(r)
		return c.output()
	case ConsentRecorded:
		c.consentRecorded(r)
		return c.output()
	}
	action := parentNone
	if len(c.words) > 0 {
		action = parentWordAction(c.words[0])
	}
	if c.s.Stopped {
		switch action {
		case parentStart:
			c.s.Stopped = false
			c.effects = append(c.effects, SetStopped{Stopped: false})
			c.say(c.tr("parent_started", nil))
		case parentHelp:
			c.say(c.tr("parent_stopped_help", nil))
		}
		return c.output() // after STOP, silence until START
	}
	if c.choice != "" {
		c.picked(in.Children)
		return c.output()
	}
	switch action {
	case parentYes, parentNo, parentMessages:
		c.forChild(action, in.Children, c.words[1:])
	case parentHelp:
		c.say(c.tr("parent_help", data{"Children": childrenList(in.Children)}))
	case parentStop:
		// Stopped first: what the withdrawals send goes to everyone concerned but this parent.
		c.s.Stopped = true
		c.effects = append(c.effects, SetStopped{Stopped: true}, WithdrawAllConsents{})
		c.say(c.tr("parent_stopped", nil))
	case parentLanguage:
		c.s.Pending = string(parentLanguage)
		c.say(c.tr("parent_choose_language", nil), ParentLanguages()...)
	default:
		c.say(c.tr("parent_unknown", data{"Children": childrenList(in.Children)}))
	}
	return c.output()
}

// forChild carries out a yes, a no or a messages request for the child it is about: the one named,
// else the only one it can be about, else the parent is asked which.
func (c *contactTurn) forChild(action parentAction, children []Child, rest []string) {
	// A child named is the one meant, even when there is nothing to do for them: an answer is never
	// applied to another child.
	for _, w := range rest {
		for _, child := range children {
			if fold.String(child.FirstName) != w {
				continue
			}
			if len(childrenFor(action, []Child{child})) == 0 {
				c.say(c.tr("parent_nothing_to_answer", c.m.childData(c.s.Lang, child)))
				return
			}
			c.act(action, child)
			return
		}
	}
	candidates := childrenFor(action, children)
	if len(candidates) == 0 {
		c.say(c.tr("parent_nothing_to_answer", data{"Children": childrenList(children)}))
		return
	}
	if len(candidates) == 1 && len(rest) == 0 {
		c.act(action, candidates[0])
		return
	}
	choices := make([]domain.Choice, len(candidates))
	for i, child := range candidates {
		choices[i] = domain.Choice{Key: "child:" + strconv.FormatInt(child.StudentID, 10), Label: child.Name()}
	}
	c.s.Pending = string(action)
	c.say(c.tr("parent_which_child", nil), choices...)
}

// childrenFor lists the children an action can be about: agreeing is for those not agreed yet,
// refusing for those not refused yet, messages for all.
func childrenFor(action parentAction, children []Child) []Child {
	var out []Child
	for _, child := range children {
		switch {
		case action == parentYes && child.Consent == domain.ConsentGranted:
		case action == parentNo && child.Consent.Refused():
		default:
			out = append(out, child)
		}
	}
	return out
}

// picked handles the choice the parent picked: a language or a child.
func (c *contactTurn) picked(children []Child) {
	pending := parentAction(c.s.Pending)
	c.s.Pending = ""
	key := c.choice
	c.s.Choices, c.s.Labels = nil, nil
	if lang, ok := strings.CutPrefix(key, "lang:"); ok {
		c.s.Lang = lang
		c.effects = append(c.effects, SetLanguage{Lang: lang})
		c.say(c.tr("parent_language_set", nil))
		return
	}
	if id, ok := strings.CutPrefix(key, "child:"); ok {
		for _, child := range children {
			if strconv.FormatInt(child.StudentID, 10) == id {
				c.act(pending, child)
				return
			}
		}
	}
	c.say(c.tr("parent_unknown", data{"Children": childrenList(children)}))
}

// act does what the parent asked for one child; the answer to a yes or a no comes with what it did
// (see consentRecorded).
func (c *contactTurn) act(action parentAction, child Child) {
	switch action {
	case parentYes:
		c.effects = append(c.effects, Consent{StudentID: child.StudentID, Agree: true})
	case parentNo:
		c.effects = append(c.effects, Consent{StudentID: child.StudentID, Agree: false})
	case parentMessages:
		c.effects = append(c.effects, ReadRelays{StudentID: child.StudentID})
	default:
		c.say(c.tr("parent_unknown", data{"Children": child.Name()}))
	}
}

// consentRecorded thanks the parent and says, in one message, what their answer did: which
// applications went, or how many were withdrawn.
func (c *contactTurn) consentRecorded(r ConsentRecorded) {
	d := c.m.childData(c.s.Lang, r.Child)
	switch {
	case r.Agree && len(r.SentTo) == 0:
		c.say(c.tr("parent_agreed", d))
	case r.Agree:
		d["Hosts"] = strings.Join(r.SentTo, ", ")
		c.say(c.m.pluralIn(c.s.Lang, "parent_agreed_sent", len(r.SentTo), d))
	case r.Child.Consent == domain.ConsentGranted:
		c.say(c.m.pluralIn(c.s.Lang, "parent_withdrew", r.Withdrawn, d))
	default:
		c.say(c.tr("parent_refused", d))
	}
}

// showRelays lists the messages relayed between hosts and the child, oldest first.
func (c *contactTurn) showRelays(r RelaysFound) {
	d := c.m.childData(c.s.Lang, r.Child)
	if len(r.Messages) == 0 {
		c.say(c.tr("parent_no_messages", d))
		return
	}
	var b strings.Builder
	b.WriteString(c.tr("parent_messages", d))
	for _, msg := range r.Messages {
		from := msg.Host
		if !msg.FromHost {
			from = r.Child.FirstName
		}
		b.WriteString("\n" + msg.At.Format("02/01 15:04") + " " + from + " : " + msg.Body)
	}
	c.say(b.String())
}

// childrenList names the children: "Léa M., Yanis B.".
func childrenList(children []Child) string {
	names := make([]string, len(children))
	for i, child := range children {
		names[i] = child.Name()
	}
	return strings.Join(names, ", ")
}
