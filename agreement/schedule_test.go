package agreement

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"stagebot/domain"
)

// week writes a schedule as "Mon|Tue|Wed|Thu|Fri", each day as Schedule.Day writes it.
func week(s domain.Schedule) string {
	days := make([]string, Days)
	for d := range days {
		days[d] = Day(s, d)
	}
	return strings.Join(days, "|")
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		text, want string
		err        error
	}{
		{"9h-12h 13h30-17h", "9h-12h, 13h30-17h|9h-12h, 13h30-17h|9h-12h, 13h30-17h|9h-12h, 13h30-17h|9h-12h, 13h30-17h", nil},
		{"de 9h à 12h et de 14h à 17h", "9h-12h, 14h-17h|9h-12h, 14h-17h|9h-12h, 14h-17h|9h-12h, 14h-17h|9h-12h, 14h-17h", nil},
		{"9:00-12:00, 13:00-16:30", "9h-12h, 13h-16h30|9h-12h, 13h-16h30|9h-12h, 13h-16h30|9h-12h, 13h-16h30|9h-12h, 13h-16h30", nil},
		{"9h-12h 14h-17h mercredi 9h-12h", "9h-12h, 14h-17h|9h-12h, 14h-17h|9h-12h|9h-12h, 14h-17h|9h-12h, 14h-17h", nil},
		{"lundi au jeudi 9h-12h 14h-17h, vendredi 9h-12h", "9h-12h, 14h-17h|9h-12h, 14h-17h|9h-12h, 14h-17h|9h-12h, 14h-17h|9h-12h", nil},
		{"Lundi-Jeudi : 10h-12h / 13h-16h ; vendredi repos", "10h-12h, 13h-16h|10h-12h, 13h-16h|10h-12h, 13h-16h|10h-12h, 13h-16h|", nil},
		{"du lundi au mercredi 9h-12h", "9h-12h|9h-12h|9h-12h||", nil},
		{"lundi, mardi et jeudi 8h30-11h30", "8h30-11h30|8h30-11h30||8h30-11h30|", nil},
		{"Monday to Friday 9am... 9-12 1pm 13-16", "9h-12h, 13h-16h|9h-12h, 13h-16h|9h-12h, 13h-16h|9h-12h, 13h-16h|9h-12h, 13h-16h", nil},
		{"9h-12h 11h-14h", "", ErrOverlap},
		{"12h-9h", "", ErrBadSpan},
		{"9h-25h", "", ErrBadSpan},
		{"samedi 9h-12h", "", ErrWeekend},
		{"on verra", "", ErrNoHours},
		{"👍", "", ErrNoHours},
		{strings.Repeat("9h-12h ", 200), "", ErrTooLong},
	} {
		s, err := Parse(tc.text)
		if !errors.Is(err, tc.err) {
			t.Errorf("%q: error %v, want %v", tc.text, err, tc.err)
			continue
		}
		if err == nil && week(s) != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.text, week(s), tc.want)
		}
	}
}

// The legal limits, each with its source, by age: the figures of data/limits.toml.
func TestLimits(t *testing.T) {
	ls, err := LoadLimits()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls.All {
		if !strings.Contains(l.Source, "article") && !strings.Contains(l.Source, "circulaire") {
			t.Errorf("%s: source %q names no text", l.ID, l.Source)
		}
	}
	for _, tc := range []struct {
		text string
		age  int
		want string // the limits broken, as "id@day" (day -1: the week)
	}{
		{"9h-12h 13h-17h", 14, ""},
		{"9h-12h 13h-17h30", 14, "day@0 day@1 day@2 day@3 day@4 week@-1"},
		{"9h-17h", 14, "day@0 day@1 day@2 day@3 day@4 week@-1 break@0 break@1 break@2 break@3 break@4"},
		{"8h-13h 14h-16h", 14, "break@0 break@1 break@2 break@3 break@4"},
		{"8h-12h 12h15-14h15", 14, "break@0 break@1 break@2 break@3 break@4"}, // a quarter of an hour is no pause
		{"lundi 14h-20h30", 14, "break@0 night@0"},
		{"lundi 15h-18h 18h30-21h30 mardi 13h-16h", 16, ""}, // 16: night starts at 22h; rest 15 h 30
		{"lundi 15h-18h 18h30-21h30 mardi 13h-16h", 15, "night@0"},
		{"lundi 14h-19h30 mardi 7h-9h", 14, "break@0 rest@0"}, // 11 h 30 of rest before 16
		{"lundi 14h-19h30 mardi 7h30-9h", 16, "break@0"},      // 12 h of rest at 16
		{"lundi 5h30-8h", 14, "night@0"},
	} {
		s, err := Parse(tc.text)
		if err != nil {
			t.Fatalf("%q: %v", tc.text, err)
		}
		var named []string
		for _, v := range ls.Check(s, tc.age) {
			named = append(named, fmt.Sprintf("%s@%d", v.Limit.ID, v.Day))
		}
		if strings.Join(named, " ") != tc.want {
			t.Errorf("%q at %d: %v, want %s", tc.text, tc.age, named, tc.want)
		}
	}
}
