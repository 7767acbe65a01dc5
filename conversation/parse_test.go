package conversation

import (
	"stagebot/domain"
	"testing"
	"time"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestParseDate(t *testing.T) {
	m := newMachine(t)
	today := day(2026, 10, 5)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"11/01", day(2027, 1, 11), true},
		{"11/1", day(2027, 1, 11), true},
		{"1/2", day(2027, 2, 1), true},
		{"11/01/2027", day(2027, 1, 11), true},
		{"11.01.27", day(2027, 1, 11), true},
		{"11 janvier", day(2027, 1, 11), true},
		{"lundi 11 janv.", day(2027, 1, 11), true},
		{"January 11", day(2027, 1, 11), true},
		{"1er décembre", day(2026, 12, 1), true},
		{"12/10", day(2026, 10, 12), true},
		{"01/10", day(2026, 10, 1), true}, // a few days ago: kept, refused later as past
		{"01/08", day(2027, 8, 1), true},  // long gone this year: next year's
		{"31/02", time.Time{}, false},
		{"11", time.Time{}, false},
		{"11 juin juillet", time.Time{}, false},
		{"1/2/3/4", time.Time{}, false},
		{"demain", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := m.parseDate(tt.in, today)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseDate(%q) = %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseMonthYear(t *testing.T) {
	m := newMachine(t)
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"03/2012", day(2012, 3, 1), true},
		{"3/2012", day(2012, 3, 1), true},
		{"3-12", day(2012, 3, 1), true},
		{"mars 2012", day(2012, 3, 1), true},
		{"Février 2013", day(2013, 2, 1), true},
		{"fevrier 2013", day(2013, 2, 1), true},
		{"August 2011", day(2011, 8, 1), true},
		{"aout 2011", day(2011, 8, 1), true},
		{"sept. 2011", day(2011, 9, 1), true},
		{"15/03/2012", day(2012, 3, 1), true},
		{"15 mars 2012", day(2012, 3, 1), true},
		{"2012", time.Time{}, false},
		{"13/2012", time.Time{}, false},
		{"ma 2012", time.Time{}, false},
		{"ju 2012", time.Time{}, false},
		{"mars", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := m.parseMonthYear(tt.in)
		if ok != tt.ok || !got.Equal(tt.want) {
			t.Errorf("parseMonthYear(%q) = %v %v, want %v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMondayOf(t *testing.T) {
	for _, d := range []time.Time{day(2027, 1, 11), day(2027, 1, 13), day(2027, 1, 17)} {
		if got := mondayOf(d); !got.Equal(day(2027, 1, 11)) {
			t.Errorf("mondayOf(%v) = %v", d, got)
		}
	}
}

func TestParseArrondissement(t *testing.T) {
	good := map[string]int{"11": 11, "11e": 11, "11ème": 11, "11 eme": 11, "75011": 11, "Paris 11": 11, "paris 11e": 11,
		"1er": 1, "75116": 16, "20": 20, "11e arrondissement": 11}
	for in, want := range good {
		if got, ok := parseArrondissement(in); !ok || got != want {
			t.Errorf("parseArrondissement(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"0", "21", "75021", "93100", "11 12", "onze", "", "Paris"} {
		if got, ok := parseArrondissement(in); ok {
			t.Errorf("parseArrondissement(%q) = %d, want a refusal", in, got)
		}
	}
}

func TestKeywordOf(t *testing.T) {
	tests := map[string]keyword{
		"AIDE": kwHelp, "help": kwHelp, "?": kwHelp, "Aide !": kwHelp, "/aide": kwHelp,
		"menu": kwMenu, "Menu.": kwMenu,
		"STOP": kwStop, "arrêt": kwStop, "ARRET": kwStop, "stopall": kwStop, "Unsubscribe": kwStop, "stop sms": kwStop, "Stop!": kwStop,
		"START": kwStart, "démarrer": kwStart, "Unstop": kwStart, "/start 0751234X": kwStart, "/start@stagebot_bot": kwStart,
		"langue": kwLanguage, "LANGUAGE": kwLanguage,
		"supprimer": kwDelete, "Effacer": kwDelete, "delete": kwDelete,
		"stop le bruit": kwNone, "aide moi": kwNone, "": kwNone, "bonjour": kwNone, "😀": kwNone,
	}
	for in, want := range tests {
		if got := keywordOf(in); got != want {
			t.Errorf("keywordOf(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestNames(t *testing.T) {
	good := map[string]string{"léa": "Léa", "LÉA": "Léa", "jean-pierre": "Jean-Pierre", "McKenzie": "McKenzie",
		"d'artagnan": "D'Artagnan", "Zoé": "Zoé"}
	for in, want := range good {
		if !isName(in) || capitalize(in) != want {
			t.Errorf("%q: isName %v, capitalize %q", in, isName(in), capitalize(in))
		}
	}
	for _, in := range []string{"", "123", "😀", "Léa 2", "- '", "a.b", "<script>"} {
		if isName(in) {
			t.Errorf("isName(%q) = true", in)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{"+33612345678": "06 xx xx xx 78", "+33781234567": "07 xx xx xx 67", "garbage": "xx"} {
		if got := maskPhone(in); got != want {
			t.Errorf("maskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestShortenAndCut(t *testing.T) {
	if got := cut("élève", 3); got != "élè" {
		t.Errorf("cut = %q", got)
	}
	if got := shorten("un deux trois quatre", 10); got != "un deux..." {
		t.Errorf("shorten = %q", got)
	}
	if got := shorten("court", 10); got != "court" {
		t.Errorf("shorten = %q", got)
	}
}

func TestIsUAI(t *testing.T) {
	for s, want := range map[string]bool{"0751234X": true, "0751234x": false, "075123X": false, "A751234X": false, "": false} {
		if isUAI(s) != want {
			t.Errorf("isUAI(%q) != %v", s, want)
		}
	}
}

// Whatever is typed in whatever state, Step answers without panicking and keeps its promises.
func FuzzStep(f *testing.F) {
	for _, seed := range []string{"", "1", "99", "oui", "STOP", "aide", "😀", "11/01", "03/2012", "0612345678", "\x00\xff", "/start x"} {
		f.Add(seed)
	}
	m := newMachine(f)
	var sessions []Session
	for _, st := range []State{Welcome, AskFirstName, AskWeek, AskParentPhone, Menu, Results, ViewOffer, AskMotivation, ConfirmDelete} {
		sessions = append(sessions, reach(f, st).s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, s := range sessions {
			out := m.Step(s, Input{Channel: domain.SMS, Text: text, Now: testNow, Address: studentNumber})
			checkOutput(t, s, out)
		}
	})
}
