package render

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
)

// The parent SMS, built as the service builds them, in the six languages a parent can choose,
// measured in SMS segments. Run with -v for the table; PARENT_SMS_TEXTS=1 also logs every text.

// parentLangs are the languages offered to parents (conversation.ParentLanguages).
var parentLangs = []string{"fr", "en", "ar", "zh", "pt", "es"}

// Budget kinds: a notice or the consent request; a short answer to a keyword; a longer answer that
// lists what the parent can do (help, unknown word, language menu, relayed messages).
const (
	budgetNotice = "notice"
	budgetReply  = "reply"
	budgetLong   = "long"
)

// parentBudget is the most segments a parent SMS may take: 3 in the Latin-alphabet languages
// (GSM-7 after folding); 2 in Arabic and Chinese (UCS-2) for notices and short answers, 3 for
// help, the language menu and the relayed messages.
func parentBudget(lang, kind string) int {
	if foldsToGSM(lang) || kind == budgetLong {
		return 3
	}
	return 2
}

// parentKnownLong lists the messages allowed one segment over parentBudget, each with its reason.
// Keep it short: every entry is a message parents pay for (and read) in one more part.
var parentKnownLong = map[string]string{
	// In Arabic its data alone (host, child, the Monday and the Friday, hours, address, contact) is
	// about 115 UTF-16 units: with "Stagebot: " that leaves 9 of 134 for the words in between.
	"ar notice accepted": "the data nearly fills two UCS-2 segments",
	// Its data (the Monday, child, host, address, hours, contact) is about 99 units: with
	// "Stagebot: " 25 are left for "tomorrow", "starts the internship", "at", "contact" and commas.
	"ar notice day before": "the data nearly fills two UCS-2 segments",
}

var (
	pendingChild = conversation.Child{StudentID: 1, FirstName: "Mohammed", LastInitial: "B",
		School: "Georges Clemenceau", Consent: "pending"}
	grantedChild = conversation.Child{StudentID: 1, FirstName: "Mohammed", LastInitial: "B",
		School: "Georges Clemenceau", Consent: "granted"}
	secondChild = conversation.Child{StudentID: 2, FirstName: "Fatoumata", LastInitial: "D",
		School: "Georges Clemenceau", Consent: "pending"}
)

// sampleNotice is a notice with realistic data: a 10-letter first name and initial, a 20-character
// collège, a 30-character host, a 40-character offer title.
func sampleNotice(kind conversation.NoticeKind, week time.Time, count int) conversation.Notice {
	return conversation.Notice{Kind: kind, Student: "Mohammed B.", First: "MOHAMMED", School: "Georges Clemenceau",
		Host: "Médiathèque Václav-Havel", Offer: "Découverte du métier de bibliothécaire", Week: week,
		Address: "12 rue des Lilas 75019 Paris", Hours: "9h-16h", Contact: "Claire Martin", Count: count}
}

// parentMessage builds one SMS a parent receives, for a week (the Monday of the internship).
type parentMessage struct {
	name, budget string
	usesWeek     bool
	build        func(t *testing.T, m *conversation.Machine, lang string, week time.Time) domain.Reply
}

func notice(kind conversation.NoticeKind, count int) func(*testing.T, *conversation.Machine, string, time.Time) domain.Reply {
	return func(_ *testing.T, m *conversation.Machine, lang string, week time.Time) domain.Reply {
		return m.ParentNotice(lang, sampleNotice(kind, week, count))
	}
}

// step answers text from a parent with these children, in lang, and returns the only reply.
func step(t *testing.T, m *conversation.Machine, s conversation.ContactSession, text string, result conversation.Result,
	children ...conversation.Child) (domain.Reply, conversation.ContactOutput) {
	t.Helper()
	out := m.ParentStep(s, conversation.ParentInput{Text: text, Now: time.Date(2026, 11, 2, 18, 0, 0, 0, time.UTC),
		Children: children, Result: result})
	if len(out.Replies) != 1 {
		t.Fatalf("%s: %q gives %d replies, want 1", s.Lang, text, len(out.Replies))
	}
	return out.Replies[0], out
}

func reply(text string, stopped bool, result conversation.Result, children ...conversation.Child) func(*testing.T, *conversation.Machine, string, time.Time) domain.Reply {
	return func(t *testing.T, m *conversation.Machine, lang string, _ time.Time) domain.Reply {
		r, _ := step(t, m, conversation.ContactSession{Lang: lang, Stopped: stopped}, text, result, children...)
		return r
	}
}

// languageSet is the answer to picking lang in the LANGUE menu (sent in lang).
func languageSet(t *testing.T, m *conversation.Machine, lang string, _ time.Time) domain.Reply {
	_, out := step(t, m, conversation.ContactSession{Lang: "fr"}, "LANGUE", nil, pendingChild)
	for i, c := range conversation.ParentLanguages() {
		if c.Key == "lang:"+lang {
			r, _ := step(t, m, out.Session, fmt.Sprint(i+1), nil, pendingChild)
			return r
		}
	}
	t.Fatalf("%s is not offered to parents", lang)
	return domain.Reply{}
}

var relayed = conversation.RelaysFound{Child: pendingChild, Messages: []conversation.RelayedMessage{
	{Host: "Médiathèque Václav-Havel", FromHost: true, Body: "Bonjour, peux-tu venir lundi à 9h ?",
		At: time.Date(2026, 11, 2, 10, 5, 0, 0, time.UTC)},
	{Host: "Médiathèque Václav-Havel", Body: "Oui, merci !", At: time.Date(2026, 11, 2, 10, 30, 0, 0, time.UTC)},
}}

var parentMessages = []parentMessage{
	{"consent request", budgetNotice, false, notice(conversation.NoticeConsentRequest, 1)},
	{"consent, several children", budgetNotice, false, notice(conversation.NoticeConsentRequest, 2)},
	{"notice sent", budgetNotice, true, notice(conversation.NoticeSent, 1)},
	{"notice accepted", budgetNotice, true, notice(conversation.NoticeAccepted, 1)},
	{"notice declined", budgetNotice, true, notice(conversation.NoticeDeclined, 1)},
	{"notice confirmed", budgetNotice, true, notice(conversation.NoticeConfirmed, 0)},
	{"notice withdrawn", budgetNotice, true, notice(conversation.NoticeWithdrawn, 1)},
	{"notice day before", budgetNotice, true, notice(conversation.NoticeDayBefore, 1)},
	{"notice full", budgetNotice, true, notice(conversation.NoticeFull, 1)},
	{"notice confirmed, others cancelled", budgetNotice, true, notice(conversation.NoticeConfirmed, 2)},
	{"notice expired", budgetNotice, true, notice(conversation.NoticeExpired, 1)},
	{"notice host gone", budgetNotice, true, notice(conversation.NoticeHostGone, 1)},
	{"notice erased", budgetNotice, false, notice(conversation.NoticeErased, 1)},
	{"OUI (agreed, none waiting)", budgetReply, false,
		reply("", false, conversation.ConsentRecorded{Child: pendingChild, Agree: true}, pendingChild)},
	{"OUI (agreed, two sent)", budgetReply, false, reply("", false, conversation.ConsentRecorded{Child: pendingChild,
		Agree: true, SentTo: []string{"Médiathèque Václav-Havel", "Musée Carnavalet"}}, pendingChild)},
	{"NON (refused)", budgetReply, false, reply("", false, conversation.ConsentRecorded{Child: pendingChild}, pendingChild)},
	{"NON once agreed (withdrew)", budgetReply, false,
		reply("", false, conversation.ConsentRecorded{Child: grantedChild, Withdrawn: 2}, grantedChild)},
	{"AIDE after STOP", budgetReply, false, reply("AIDE", true, nil, pendingChild)},
	{"OUI once agreed (nothing)", budgetReply, false, reply("OUI", false, nil, grantedChild)},
	{"OUI, two children (which)", budgetReply, false, reply("OUI", false, nil, pendingChild, secondChild)},
	{"AIDE (help)", budgetLong, false, reply("AIDE", false, nil, pendingChild)},
	{"STOP", budgetReply, false, reply("STOP", false, nil, pendingChild)},
	{"START after STOP", budgetReply, false, reply("START", true, nil, pendingChild)},
	{"LANGUE (menu)", budgetLong, false, reply("LANGUE", false, nil, pendingChild)},
	{"language picked", budgetReply, false, languageSet},
	{"MESSAGES, none yet", budgetReply, false,
		reply("", false, conversation.RelaysFound{Child: pendingChild}, pendingChild)},
	{"MESSAGES, two relayed", budgetLong, false, reply("", false, relayed, pendingChild)},
	{"unknown word", budgetLong, false, reply("bonjour", false, nil, pendingChild)},
}

// schoolYearMondays are the Mondays of a school year and its summer, so that every month name and
// every day of the month a week can start on (and end on, the Friday) is measured.
func schoolYearMondays() []time.Time {
	var weeks []time.Time
	for d := time.Date(2026, 8, 31, 0, 0, 0, 0, time.UTC); d.Year() < 2027 || d.Month() < 9; d = d.AddDate(0, 0, 7) {
		weeks = append(weeks, d)
	}
	return weeks
}

// smsUnits is the length of an SMS in its encoding's units: septets or UTF-16 code units.
func smsUnits(text string) int {
	size, _, _ := unitsOf(SMSEncoding(text))
	n := 0
	for _, r := range text {
		n += size(r)
	}
	return n
}

func TestParentSMSSegments(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := conversation.New(cat, conversation.Config{})
	r := NewRenderer(cat)
	weeks := schoolYearMondays()
	sample := time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC) // the week whose text PARENT_SMS_TEXTS logs
	showTexts := os.Getenv("PARENT_SMS_TEXTS") != ""

	var table strings.Builder
	fmt.Fprintf(&table, "\n%-4s %-28s %-6s %5s %4s %6s  %s\n", "lang", "message", "enc", "units", "segs", "budget", "worst week")
	for _, lang := range parentLangs {
		if !cat.Has(lang) {
			t.Errorf("no catalog for %s", lang)
			continue
		}
		for _, pm := range parentMessages {
			candidates := []time.Time{sample}
			if pm.usesWeek {
				candidates = weeks
			}
			var worstText string
			var worstWeek time.Time
			worstSegs, worstUnits := -1, 0
			for _, week := range candidates {
				text := r.SMS(lang, pm.build(t, m, lang, week))
				if text == "" || strings.Contains(text, "<no value>") || strings.Contains(text, "{{") ||
					strings.Contains(text, "parent_") {
					t.Errorf("%s %s: bad text %q", lang, pm.name, text)
				}
				if week.Equal(sample) && showTexts {
					t.Logf("%s %s:\n%s", lang, pm.name, text)
				}
				_, segs := SMSSegments(text)
				units := smsUnits(text)
				if segs > worstSegs || (segs == worstSegs && units > worstUnits) {
					worstText, worstWeek, worstSegs, worstUnits = text, week, segs, units
				}
			}
			enc := SMSEncoding(worstText)
			budget := parentBudget(lang, pm.budget)
			if _, ok := parentKnownLong[lang+" "+pm.name]; ok {
				budget++
			}
			weekNote := ""
			if pm.usesWeek {
				weekNote = worstWeek.Format("2006-01-02")
			}
			fmt.Fprintf(&table, "%-4s %-28s %-6s %5d %4d %6d  %s\n", lang, pm.name, enc, worstUnits, worstSegs, budget, weekNote)
			if worstSegs > budget {
				t.Errorf("%s %s: %d segments (%d units, %s, week of %s), budget %d:\n%s",
					lang, pm.name, worstSegs, worstUnits, enc, worstWeek.Format("2006-01-02"), budget, worstText)
			}
			// The Latin-alphabet languages must fold to GSM-7; only the language menu, which names
			// العربية and 中文, is UCS-2 whatever the language.
			if foldsToGSM(lang) && enc != GSM7 && pm.name != "LANGUE (menu)" {
				t.Errorf("%s %s: sent in %s, want GSM-7 after folding:\n%s", lang, pm.name, enc, worstText)
			}
		}
	}
	t.Log(table.String())
}

// The yes and no words each language's consent request suggests are understood.
func TestParentAnswersInEveryLanguage(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	m := conversation.New(cat, conversation.Config{})
	tests := []struct {
		lang, text string
		agree      bool
		children   []conversation.Child
	}{
		{"es", "Sí", true, nil}, {"es", "SI", true, nil}, {"es", "No", false, nil},
		{"pt", "Sim", true, nil}, {"pt", "NÃO", false, nil}, {"pt", "nao", false, nil},
		{"ar", "نعم", true, nil}, {"ar", "لا", false, nil},
		{"zh", "是", true, nil}, {"zh", "否", false, nil}, {"zh", "同意", true, nil},
		{"zh", "OUI MOHAMMED", true, []conversation.Child{pendingChild, secondChild}},
		{"ar", "NON MOHAMMED", false, []conversation.Child{pendingChild, secondChild}},
		{"es", "SÍ MOHAMMED", true, []conversation.Child{pendingChild, secondChild}},
		{"pt", "NÃO MOHAMMED", false, []conversation.Child{pendingChild, secondChild}},
	}
	for _, tt := range tests {
		children := tt.children
		if children == nil {
			children = []conversation.Child{pendingChild}
		}
		out := m.ParentStep(conversation.ContactSession{Lang: tt.lang},
			conversation.ParentInput{Text: tt.text, Now: time.Now(), Children: children})
		var got []conversation.Consent
		for _, e := range out.Effects {
			if c, ok := e.(conversation.Consent); ok {
				got = append(got, c)
			}
		}
		if len(got) != 1 || got[0].Agree != tt.agree || got[0].StudentID != 1 {
			t.Errorf("%s %q: consent effects %+v, want agree=%v for student 1", tt.lang, tt.text, got, tt.agree)
		}
	}
}
