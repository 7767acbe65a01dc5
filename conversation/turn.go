package conversation

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"stagebot/domain"
	"stagebot/fold"
)

// data fills a message's template.
type data = map[string]any

// turn is one Step being worked out: the session being updated and the output being built.
type turn struct {
	m      *Machine
	in     Input
	s      Session
	text   string // the message, cut to MaxInput runes and trimmed
	length int    // runes in the message as received, before cutting
	number bool   // the message is a whole number
	choice string // the key of the offered choice the message picked, "" if none

	replies []domain.Reply
	effects []Effect // effects that do not answer, in order
	asking  Effect   // the one effect whose answer comes back as the next Result
	lead    string   // text to put before the next reply
	tail    string   // text to put after the next reply
	missed  bool     // the message was not what this state expects
}

// Keys of the choices offered on many screens. Each keeps its number wherever it appears (see
// fixedNumbers), so that "0" is always the menu.
const (
	keyMenu      = "menu:menu"   // back to the menu
	keySearch    = "menu:search" // search for a stage
	keyNewSearch = "search:new"  // a new search, from the start
	keyAll       = "search:all"  // every offer of the week: no filter
	keyMore      = "page:next"   // the next results
	keyBack      = "back"        // back to the list this screen came from
)

// navigation are the choices that lead elsewhere: a screen offering only these has no question of
// its own to ask again in short (see repeat).
var navigation = map[string]bool{keyMenu: true, keySearch: true, keyNewSearch: true, keyAll: true, keyMore: true, keyBack: true}

// fixedNumbers are the numbers of the choices that appear on several screens. The other choices of
// a screen (offers, sectors, applications…) are numbered from 1 in order, skipping these.
var fixedNumbers = map[string]string{
	keyMenu:      "0",
	keySearch:    "1",
	keyNewSearch: "9",
	keyMore:      "8",
	keyAll:       "7",
	keyBack:      "6",
	// an offer: whether it can be applied to or not
	"offer:apply":   "1",
	"offer:details": "2",
	// after the choices of a list that may be shorter or longer
	"week:keep":           "4",
	"school:none_of_them": "9",
	// an application: whichever of these its state allows
	"app:confirm":      "1",
	"app:write":        "2",
	"app:withdraw":     "3",
	"app:cancel_stage": "3", // in place of withdraw, on a confirmed stage
	// the ways to search, also offered when a search finds nothing
	"search:sector": "1",
	"search:city":   "3",
}

func (m *Machine) begin(s Session, in Input) *turn {
	text := strings.ToValidUTF8(in.Text, "")
	length := utf8.RuneCountInString(text)
	if length > m.cfg.MaxInput {
		text = cut(text, m.cfg.MaxInput)
	}
	text = strings.TrimSpace(text)
	_, err := strconv.Atoi(bareWord(text))
	t := &turn{m: m, in: in, s: s, text: text, length: length, number: text != "" && err == nil}
	if in.Result != nil {
		t.lead = s.Lead // what the step that asked had to say
	}
	t.s.Lead = ""
	return t
}

// finish puts the output together.
func (t *turn) finish() Output {
	if t.lead != "" || t.tail != "" {
		text := strings.TrimSpace(t.lead + "\n" + t.tail)
		t.lead, t.tail = "", ""
		if t.asking != nil && len(t.replies) == 0 {
			// A preface with no prompt after it, and the prompt comes with the answer to the effect
			// asked: it waits for it, to go in the same message.
			t.s.Lead = text
		} else {
			t.replies = append(t.replies, domain.Reply{Text: text})
		}
	}
	if !t.missed && t.in.Result == nil {
		t.s.Attempts = 0
	}
	effects := t.effects
	if t.asking != nil {
		effects = append(effects, t.asking)
	}
	return Output{Session: t.s, Replies: t.replies, Effects: effects}
}

// say sends a reply with its choices, numbered (see number), and records them in the session, so
// that the number typed next picks its choice. A reply without choices clears them.
func (t *turn) say(text string, choices ...domain.Choice) {
	if t.lead != "" {
		text = t.lead + "\n" + text
		t.lead = ""
	}
	if t.tail != "" {
		text += "\n" + t.tail
		t.tail = ""
	}
	choices = number(choices)
	t.replies = append(t.replies, domain.Reply{Text: text, Choices: choices})
	t.s.Choices, t.s.Labels, t.s.Numbers = nil, nil, nil
	for _, c := range choices {
		t.s.Choices = append(t.s.Choices, c.Key)
		t.s.Labels = append(t.s.Labels, c.Label)
		t.s.Numbers = append(t.s.Numbers, c.Number)
	}
}

// number gives each choice its number: a choice found on several screens its fixed number, the
// others 1, 2, 3… in order, skipping the fixed numbers of this screen.
func number(choices []domain.Choice) []domain.Choice {
	out := make([]domain.Choice, len(choices))
	taken := map[string]bool{}
	for i, c := range choices {
		c.Number = fixedNumbers[c.Key]
		taken[c.Number] = c.Number != ""
		out[i] = c
	}
	next := 1
	for i := range out {
		if out[i].Number != "" {
			continue
		}
		for taken[strconv.Itoa(next)] {
			next++
		}
		out[i].Number = strconv.Itoa(next)
		next++
	}
	return out
}

// note sends a reply that leaves the question the person is at as it was: same state, same choices
// (their next message means what it meant).
func (t *turn) note(text string) {
	t.replies = append(t.replies, domain.Reply{Text: text})
}

// preface puts text before the next reply, in the same message.
func (t *turn) preface(text string) {
	if t.lead != "" {
		text = t.lead + "\n" + text
	}
	t.lead = text
}

// ask asks the world for something; its answer comes back as the next Input's Result.
func (t *turn) ask(e Effect) { t.asking = e }

// effect records an effect that does not answer.
func (t *turn) effect(e Effect) { t.effects = append(t.effects, e) }

// land moves to state st without showing anything: the caller says what to say. Leaving the
// questions of a profile change before it is saved gives up the change.
func (t *turn) land(st State) {
	if st != t.s.State {
		t.s.Attempts = 0
	}
	if t.s.Fix == FixProfile && !signupState(st) {
		if t.s.Before != nil {
			t.s.Profile = *t.s.Before
		}
		t.s.Fix, t.s.Before = FixNone, nil
	}
	t.s.State = st
	t.s.Choices, t.s.Labels, t.s.Numbers = nil, nil, nil
}

// goTo moves to state st and shows its prompt.
func (t *turn) goTo(st State) {
	t.land(st)
	t.def().show(t)
}

// repeat asks the current question again: the short question with the same choices when the
// state has one, otherwise its whole prompt.
func (t *turn) repeat() {
	def := t.def()
	if def.short != "" && slices.ContainsFunc(t.s.Choices, func(key string) bool { return !navigation[key] }) {
		t.say(t.tr(def.short, nil), t.offered()...)
		return
	}
	def.show(t)
}

// miss counts an unexpected answer; from the third in a row, the next reply suggests AIDE.
func (t *turn) miss() {
	t.missed = true
	t.s.Attempts++
	if t.s.Attempts >= 3 {
		t.tail = t.tr("hint_help", nil)
	}
}

// confused answers a message that means nothing here: a short "I did not understand" and the
// question again with the same choices.
func (t *turn) confused() {
	t.miss()
	t.preface(t.tr("not_understood", nil))
	t.repeat()
}

// refuse answers an answer that cannot be accepted with why, keeping the choices offered.
func (t *turn) refuse(why string) {
	t.miss()
	t.say(why, t.offered()...)
}

// offered rebuilds the choices of the last reply from the session.
func (t *turn) offered() []domain.Choice {
	choices := make([]domain.Choice, 0, len(t.s.Choices))
	for i, key := range t.s.Choices {
		label := key
		if i < len(t.s.Labels) {
			label = t.s.Labels[i]
		}
		choices = append(choices, domain.Choice{Key: key, Label: label})
	}
	return choices
}

// numberOf is the number of the i-th choice offered last.
func (t *turn) numberOf(i int) string {
	if i < len(t.s.Numbers) && t.s.Numbers[i] != "" {
		return t.s.Numbers[i]
	}
	return strconv.Itoa(i + 1)
}

// match finds the offered choice the message picks: the button pressed, its number, its label,
// or a yes or a no for a yes/no choice.
func (t *turn) match() string {
	if t.in.Choice != "" {
		for _, key := range t.s.Choices {
			if key == t.in.Choice {
				return key
			}
		}
		return ""
	}
	word := bareWord(t.text)
	if n, err := strconv.Atoi(word); err == nil {
		for i, key := range t.s.Choices {
			if t.numberOf(i) == strconv.Itoa(n) {
				return key
			}
		}
		if word == fixedNumbers[keyMenu] && t.def().search {
			return keyMenu // 0 is the menu wherever a registered student browses, offered or not
		}
		return ""
	}
	for i, label := range t.s.Labels {
		if i < len(t.s.Choices) && bareWord(label) == word {
			return t.s.Choices[i]
		}
	}
	for _, key := range t.s.Choices {
		if strings.HasSuffix(key, ":yes") && isYes(word) || strings.HasSuffix(key, ":no") && isNo(word) {
			return key
		}
	}
	return ""
}

// bareWord folds s and drops the final punctuation and spaces people add: "Oui !" → "oui".
func bareWord(s string) string {
	return strings.TrimRight(fold.String(s), "!. ")
}

// tr is message id in the session's language.
func (t *turn) tr(id string, d data) string {
	if t.m.cat == nil {
		return id
	}
	return t.m.cat.Text(t.s.Lang, id, d)
}

// plural is message id for count n in the session's language.
func (t *turn) plural(id string, n int, d data) string {
	if t.m.cat == nil {
		return id
	}
	return t.m.cat.Plural(t.s.Lang, id, n, d)
}

// textIn is message id in lang, for the messages of people other than the session's student.
func (m *Machine) textIn(lang, id string, d data) string {
	if m.cat == nil {
		return id
	}
	return m.cat.Text(lang, id, d)
}

// pluralIn is message id for count n in lang.
func (m *Machine) pluralIn(lang, id string, n int, d data) string {
	if m.cat == nil {
		return id
	}
	return m.cat.Plural(lang, id, n, d)
}

// choiceOf builds a choice whose label is message id.
func (t *turn) choiceOf(key, id string) domain.Choice {
	return domain.Choice{Key: key, Label: t.tr(id, nil)}
}

// cut keeps the first n runes of s.
func cut(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}
