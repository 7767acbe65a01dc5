package conversation

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

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
	Text       string
	Now        time.Time
	Children   []Child
	Agreements []AgreementRef // the agreements they are a party to: their children's, or as the second parent
	Result     Result         // the answer to ReadRelays or to an agreement's effect, nil for a message
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

// parentWords maps the first word of a parent's message, in the six languages, to what it asks
// (stop, yes and no are read from the shared vocabulary: see readParent).
func parentWordAction(word string) parentAction {
	switch word {
	case "aide", "help", "ayuda", "ajuda", "مساعدة", "帮助", "?":
		return parentHelp
	case "start", "demarrer", "unstop":
		return parentStart
	case "langue", "language", "idioma", "lingua", "اللغة", "语言":
		return parentLanguage
	case "messages", "message", "mensajes", "mensagens", "رسائل", "消息", "信息":
		return parentMessages
	}
	return parentNone
}

// readParent reads what a parent's message asks, and the words that follow the request (a child's
// name): a stop in any of its forms, a yes or a no in any language ("OUI", "好的", "sim Ana", "de
// acuerdo"), 1 or 2 for yes or no, or one of the other keywords.
func (c *contactTurn) readParent() (parentAction, []string) {
	if isStop(c.text) {
		return parentStop, nil
	}
	if len(c.words) == 0 {
		return parentNone, nil
	}
	switch answer, n := firstYesOrNo(c.words); {
	case answer > 0:
		return parentYes, c.words[n:]
	case answer < 0:
		return parentNo, c.words[n:]
	}
	switch c.words[0] {
	case "1":
		return parentYes, c.words[1:]
	case "2":
		return parentNo, c.words[1:]
	}
	return parentWordAction(c.words[0]), c.words[1:]
}

// ParentStep reads one message from a parent. The parent agrees (OUI) or not (NON) for a child,
// reads the messages relayed between hosts and their child (MESSAGES), changes language (LANGUE, or
// by naming one: "EN", "عربي", "English please"), stops everything (STOP: agreement withdrawn for
// every child, no more messages) or asks for help. With several children, a message names the child
// ("OUI Léa") or the machine asks which. A message written in another of the parents' languages
// than theirs is answered in it, with the offer to switch.
func (m *Machine) ParentStep(s ContactSession, in ParentInput) ContactOutput {
	c := m.beginContact(s, in.Text, "")
	if in.Result != nil {
		switch r := in.Result.(type) {
		case RelaysFound:
			c.showRelays(r)
		case ConsentRecorded:
			c.consentRecorded(r)
		default:
			c.agreementAnswered(parentWords, r)
		}
		return c.parentOutput()
	}
	action, rest := c.readParent()
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
		if !c.pickedAgreement(in.Agreements) {
			c.picked(in.Children)
		}
		return c.output()
	}
	if lang := c.m.languageAsked(c.text); lang != "" {
		c.setLanguage(lang)
		return c.output()
	}
	if spoken := c.m.spokenLanguage(c.text); spoken != "" && spoken != c.s.Lang && action != parentStop {
		// Answered in the language of the message; the parent's own is kept in Spoken meanwhile.
		c.s.Lang, c.s.Spoken = spoken, c.s.Lang
	}
	if action == parentNone && c.parentAgreement(in.Agreements) {
		return c.parentOutput()
	}
	switch {
	case len(in.Children) == 0 && action != parentHelp && action != parentStop && action != parentLanguage:
		// A parent whose child gave another number, or left: nothing is about them any more.
		c.say(c.tr("parent_no_child", nil))
	case action == parentYes || action == parentNo || action == parentMessages:
		c.forChild(action, in.Children, rest)
	case action == parentHelp:
		c.say(c.tr("parent_help", data{"Children": childrenList(in.Children)}))
	case action == parentStop:
		// Stopped first: what the withdrawals send goes to everyone concerned but this parent.
		c.s.Stopped = true
		c.effects = append(c.effects, SetStopped{Stopped: true}, WithdrawAllConsents{})
		c.say(c.tr("parent_stopped", nil))
	case action == parentLanguage:
		c.s.Pending = string(parentLanguage)
		c.say(c.tr("parent_choose_language", nil), ParentLanguages()...)
	default:
		c.say(c.tr("parent_unknown", data{"Children": childrenList(in.Children)}))
	}
	return c.parentOutput()
}

// parentOutput ends a parent's step. A reply written in the language the parent wrote in, not
// theirs, ends with the way to switch to it, and their own language comes back; while the answer
// waits for what the step asked, the session keeps both.
func (c *contactTurn) parentOutput() ContactOutput {
	if c.s.Spoken != "" && (len(c.replies) > 0 || len(c.effects) == 0) {
		if n := len(c.replies); n > 0 {
			c.replies[n-1].Text += "\n" + c.tr("parent_offer_language", data{"Code": strings.ToUpper(c.s.Lang)})
		}
		c.s.Lang, c.s.Spoken = c.s.Spoken, ""
	}
	return c.output()
}

// setLanguage switches the parent to lang, and says so in it.
func (c *contactTurn) setLanguage(lang string) {
	c.s.Lang, c.s.Pending = lang, ""
	c.effects = append(c.effects, SetLanguage{Lang: lang})
	c.say(c.tr("parent_language_set", nil))
}

// languageAsked reads a message that asks for a language by its name or code, in any language:
// "EN", "English please", "en anglais", "عربي", "中文", "português". "" when it does not.
func (m *Machine) languageAsked(text string) string {
	words := tokens(text)
	if len(words) == 0 || len(words) > 4 {
		return ""
	}
	asked := ""
	for _, w := range words {
		lang, isName := languageNames[w]
		switch {
		case isName && asked != "" && asked != lang:
			return ""
		case isName:
			asked = lang
		case !slices.Contains(politeWords, w) && !slices.Contains(languageFiller, w):
			return ""
		}
	}
	if !m.hasLanguage(asked) {
		return ""
	}
	return asked
}

// languageNames are the names and codes of the parents' languages, folded, in the six languages.
var languageNames = map[string]string{
	"fr": "fr", "francais": "fr", "french": "fr", "frances": "fr", "فرنسية": "fr", "الفرنسية": "fr", "法语": "fr", "法文": "fr",
	"en": "en", "english": "en", "anglais": "en", "ingles": "en", "انجليزية": "en", "الانجليزية": "en", "الإنجليزية": "en", "英语": "en", "英文": "en",
	"ar": "ar", "arabe": "ar", "arabic": "ar", "عربي": "ar", "عربية": "ar", "العربية": "ar", "بالعربية": "ar", "bil3arbi": "ar",
	"zh": "zh", "chinois": "zh", "chinese": "zh", "mandarin": "zh", "chines": "zh", "中文": "zh", "汉语": "zh", "普通话": "zh",
	"pt": "pt", "portugais": "pt", "portuguese": "pt", "portugues": "pt", "البرتغالية": "pt", "葡萄牙语": "pt",
	"es": "es", "espagnol": "es", "spanish": "es", "espanol": "es", "castellano": "es", "الإسبانية": "es", "西班牙语": "es",
}

// languageFiller may stand around a language's name in a request for it: "in English please", "en
// français".
var languageFiller = []string{"in", "en", "em", "por", "favor", "please", "parlez", "speak", "speaks", "je", "i",
	"parle", "falo", "hablo", "only", "seulement", "langue", "language", "idioma", "lingua", "svp", "请", "用", "说"}

// spokenLanguage guesses which of the parents' languages a message is written in, when it is clear:
// Arabic or Chinese letters, or a yes or a no that only one language says ("sim", "yes", "sí").
// "" when it cannot tell.
func (m *Machine) spokenLanguage(text string) string {
	arabic, han := false, false
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Arabic, r):
			arabic = true
		case unicode.Is(unicode.Han, r):
			han = true
		}
	}
	lang := ""
	switch {
	case arabic && !han:
		lang = "ar"
	case han && !arabic:
		lang = "zh"
	default:
		words := tokens(text)
		if answer, n := firstYesOrNo(words); answer != 0 {
			lang = vocabularyOf(strings.Join(words[:n], " "))
		}
	}
	if !m.hasLanguage(lang) {
		return ""
	}
	return lang
}

// vocabularyOf is the one language whose yes or no said is; "" when several say it.
func vocabularyOf(said string) string {
	lang := ""
	for _, v := range Vocabularies() {
		if slices.Contains(v.Yes, said) || slices.Contains(v.No, said) {
			if lang != "" {
				return ""
			}
			lang = v.Lang
		}
	}
	return lang
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
		c.setLanguage(lang)
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
