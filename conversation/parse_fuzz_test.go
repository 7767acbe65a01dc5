package conversation

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"stagebot/fold"
)

// wordFuzzSeeds are messages as students, parents and hosts type them, in the languages the
// service speaks, with the usual noise: emoji, NUL bytes, invalid UTF-8, 5 kB.
var wordFuzzSeeds = []string{
	"", " ", "?", "!", ".", "/",
	"AIDE", "Aide !", "/aide", "/start 0751234X", "/start@stagebot_bot", "STOP", "arrêt", "stop sms", "Unstop",
	"LANGUE", "supprimer", "CONFIRMER", "je confirme", "menu.",
	"Merci beaucoup !", "ok merci", "Bonjour", "slt", "Hello", "good morning",
	"oui", "Ouais", "NON.", "nope", "d'accord", "sim", "نعم", "是", "不同意",
	"tout voir", "see all", "musée 11e", "santé 75011", "cuisine ESS", "Paris 11", "1er", "11ème", "75116", "75000 11",
	"Léa", "jean-pierre", "LÉA", "McKenzie", "d'artagnan", "Zoé 2", "<script>",
	"AVIS 4 super stage", "avis 4/5 très bien", "REVIEW #1042 5 motivée", "AVIS", "avis trop bien", "AVIS 3 " + strings.Repeat("x", 80),
	"11/01", "11/01/2027", "11.01.27", "lundi 11 janv.", "January 11", "1er décembre", "31/02", "1/2/3/4", "demain",
	"03/2012", "mars 2012", "Février 2013", "sept. 2011", "15 mars 2012", "0/0", "-5/2012", "99999/12",
	"J'aime les musées et je voudrais découvrir le métier de guide.",
	"😀", "😀 blabla", "\x00", "oui\x00", "\xff\xfe", "no\xc3\x28n", "e\u0301cole", "ǅ ẞ İ ı ſ K",
	strings.Repeat("blabla ", 750),
}

// FuzzKeywords reads any message with the functions that give it a meaning (keywordOf, isThanks,
// isGreeting, languageWord, seeAll, saysSomething, parentWordAction, wordsOf, bareWord, isName,
// capitalize, isUAI, ordinal) and checks: no panic; bareWord is valid UTF-8 for valid input and
// drops the final "!", "." and spaces; a keyword is read ignoring case (for ASCII text) and a final
// "!" or "."; wordsOf gives words without spaces or the punctuation it splits on; a name keeps its
// length and stays a name once capitalized, and capitalizing twice changes nothing; a number read
// by ordinal from a word is between 0 and 9999.
func FuzzKeywords(f *testing.F) {
	for _, s := range wordFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		bare := bareWord(text)
		if utf8.ValidString(text) && !utf8.ValidString(bare) {
			t.Fatalf("bareWord(%q) = %q, not valid UTF-8", text, bare)
		}
		if strings.TrimRight(bare, "!. ") != bare {
			t.Fatalf("bareWord(%q) = %q keeps a final punctuation", text, bare)
		}
		kw := keywordOf(text)
		for _, v := range []string{text + "!", text + ".", text + " !"} {
			if got := keywordOf(v); got != kw {
				t.Fatalf("keywordOf(%q) = %d but keywordOf(%q) = %d", text, kw, v, got)
			}
		}
		if isASCII(text) {
			if up, low := keywordOf(strings.ToUpper(text)), keywordOf(strings.ToLower(text)); up != kw || low != kw {
				t.Fatalf("keywordOf(%q) = %d, upper case %d, lower case %d", text, kw, up, low)
			}
		}
		_, _, _, _ = isThanks(text), isGreeting(text), languageWord(text), seeAll(text)
		_, _ = saysSomething(text), isUAI(text)

		for _, w := range wordsOf(text) {
			if w == "" || strings.ContainsAny(w, ",.!?，。、") || strings.IndexFunc(w, unicode.IsSpace) >= 0 {
				t.Fatalf("wordsOf(%q) has the word %q", text, w)
			}
			_ = parentWordAction(w)
		}
		for _, w := range fold.Words(text) {
			if n, ok := ordinal(w); ok && (n < 0 || n > 9999) {
				t.Fatalf("ordinal(%q) = %d", w, n)
			}
		}

		name := strings.Join(strings.Fields(text), " ")
		if isName(name) {
			c := capitalize(name)
			if utf8.RuneCountInString(c) != utf8.RuneCountInString(name) || !isName(c) {
				t.Fatalf("capitalize(%q) = %q", name, c)
			}
			if again := capitalize(c); again != c {
				t.Fatalf("capitalize(%q) = %q, then %q", name, c, again)
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// FuzzFeedbackWords checks feedbackWords on any message: it is feedback only when its first word is
// AVIS or REVIEW (any case, accents, final punctuation); a message that is not gives no numbers and
// no word; at most two numbers are read; the word is at most maxFeedbackWord (60) characters, valid
// UTF-8 for valid input, and made of the message's words (no line breaks or tabs kept).
func FuzzFeedbackWords(f *testing.F) {
	for _, s := range wordFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		numbers, word, ok := feedbackWords(text)
		fields := strings.Fields(text)
		isKeyword := len(fields) > 0 && (bareWord(fields[0]) == "avis" || bareWord(fields[0]) == "review")
		if ok != isKeyword {
			t.Fatalf("feedbackWords(%q) ok = %v", text, ok)
		}
		if !ok && (numbers != nil || word != "") {
			t.Fatalf("feedbackWords(%q) = %v %q for no feedback", text, numbers, word)
		}
		if len(numbers) > 2 {
			t.Fatalf("feedbackWords(%q) read %d numbers", text, len(numbers))
		}
		if len(numbers) == 0 && word != "" {
			t.Fatalf("feedbackWords(%q) kept %q without a mark", text, word)
		}
		if n := utf8.RuneCountInString(word); n > maxFeedbackWord {
			t.Fatalf("feedbackWords(%q) word is %d characters", text, n)
		}
		if utf8.ValidString(text) && !utf8.ValidString(word) {
			t.Fatalf("feedbackWords(%q) word %q is not valid UTF-8", text, word)
		}
		if strings.IndexFunc(word, func(r rune) bool { return r != ' ' && unicode.IsSpace(r) }) >= 0 {
			t.Fatalf("feedbackWords(%q) word %q keeps a line break or a tab", text, word)
		}
	})
}

// FuzzDates reads any message as a stage date (parseDate, from a fixed today) and as a month of
// birth (parseMonthYear): no panic; a date read is a real day at midnight UTC, in years 1 to 9999,
// and without a year written it is in the coming twelve months (or the last 30 days, refused later
// as past); a month of birth read is the first of a month, in years 1 to 9999.
func FuzzDates(f *testing.F) {
	for _, s := range wordFuzzSeeds {
		f.Add(s)
	}
	f.Add("29/02")
	f.Add("29 février 2028")
	f.Add("1 2 3")
	f.Add("janv fevr")
	m := newMachine(f)
	today := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		if d, ok := m.parseDate(text, today); ok {
			if d.Location() != time.UTC || d != time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC) ||
				d.Year() < 1 || d.Year() > 9999 {
				t.Fatalf("parseDate(%q) = %v", text, d)
			}
			numbers, _, _ := m.dateParts(text)
			yearWritten := len(numbers) == 3 || len(numbers) == 2 && hasMonthName(m, text)
			if !yearWritten && (d.Before(today.AddDate(0, 0, -31)) || d.After(today.AddDate(1, 0, 0))) {
				t.Fatalf("parseDate(%q) = %v, not in the coming twelve months of %v", text, d, today)
			}
		}
		if d, ok := m.parseMonthYear(text); ok {
			if d.Day() != 1 || d.Location() != time.UTC || d.Year() < 1 || d.Year() > 9999 || d.Hour() != 0 {
				t.Fatalf("parseMonthYear(%q) = %v", text, d)
			}
		}
	})
}

// hasMonthName reports whether text names a month (then two numbers are a day and a year).
func hasMonthName(m *Machine, text string) bool {
	_, month, _ := m.dateParts(text)
	return month != 0
}

// FuzzArrondissement reads any message as an arrondissement (parseArrondissement, the answer to
// "Quel arrondissement ?") and each of its words as one inside a search (arrondissementWord): what
// is read is always 1 to 20, and a bare number is never an arrondissement inside words.
func FuzzArrondissement(f *testing.F) {
	for _, s := range wordFuzzSeeds {
		f.Add(s)
	}
	f.Add("75020")
	f.Add("75021")
	f.Add("+5e")
	f.Add("-5e")
	f.Fuzz(func(t *testing.T, text string) {
		if n, ok := parseArrondissement(text); ok && (n < 1 || n > 20) {
			t.Fatalf("parseArrondissement(%q) = %d", text, n)
		}
		for _, field := range strings.Fields(text) {
			word := strings.Trim(fold.String(field), ",;.!?")
			n, ok := arrondissementWord(word)
			if ok && (n < 1 || n > 20) {
				t.Fatalf("arrondissementWord(%q) = %d", word, n)
			}
			if ok && allDigits(word) && len(word) != 5 {
				t.Fatalf("arrondissementWord(%q) = %d: a bare number", word, n)
			}
		}
	})
}

// allDigits reports whether s is a whole ASCII decimal number, as a person types one.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
