package conversation

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"stagebot/fold"
)

// Dates in a session are days: midnight UTC of that day in Paris.

// today is the day of now, in now's own time zone.
func today(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// mondayOf is the Monday of d's week (Monday to Sunday).
func mondayOf(d time.Time) time.Time {
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// longDate writes d as "lundi 11 janvier" or "Monday 11 January".
func (t *turn) longDate(d time.Time) string { return t.m.longDate(t.s.Lang, d) }

// monthYear writes d as "mars 2012" or "March 2012".
func (t *turn) monthYear(d time.Time) string {
	return t.tr("month_year", data{"Month": t.tr("month_"+strconv.Itoa(int(d.Month())), nil), "Year": d.Year()})
}

// longDate writes d in lang as "lundi 11 janvier" or "Monday 11 January".
func (m *Machine) longDate(lang string, d time.Time) string {
	weekday := (int(d.Weekday())+6)%7 + 1 // Monday is 1
	return m.pluralIn(lang, "date_long", d.Day(), data{
		"Weekday": m.textIn(lang, "weekday_"+strconv.Itoa(weekday), nil),
		"Month":   m.textIn(lang, "month_"+strconv.Itoa(int(d.Month())), nil),
	})
}

// dateParts splits a date as people type it ("11/01", "1-2-2027", "11 janvier", "March 2012",
// "lundi 1er janvier") into its numbers and the month named in it (0 if none). Other words are
// ignored; ok is false when two different months are named.
func (m *Machine) dateParts(text string) (numbers []int, month int, ok bool) {
	for _, word := range fold.Words(text) {
		if n, isNumber := ordinal(word); isNumber {
			numbers = append(numbers, n)
			continue
		}
		if mo := m.monthNamed(word); mo != 0 {
			if month != 0 && month != mo {
				return nil, 0, false
			}
			month = mo
		}
	}
	return numbers, month, true
}

// monthNamed reads a month name in any language, or its first letters when they name only one
// month ("janv", "sept", "dec"); 0 if none.
func (m *Machine) monthNamed(word string) int {
	if len(word) < 3 || m.cat == nil {
		return 0
	}
	prefixOf := 0
	for mo := 1; mo <= 12; mo++ {
		for _, lang := range m.cat.Languages() {
			name := fold.String(m.cat.Text(lang, "month_"+strconv.Itoa(mo), nil))
			switch {
			case name == word:
				return mo
			case strings.HasPrefix(name, word) && prefixOf == 0:
				prefixOf = mo
			case strings.HasPrefix(name, word) && prefixOf != mo:
				prefixOf = -1
			}
		}
	}
	if prefixOf < 0 {
		return 0
	}
	return prefixOf
}

// parseDate reads a day of the coming twelve months: "11/01", "11/1", "11/01/2027", "11 janvier".
// Without a year, it takes the next time that day comes from today on.
func (m *Machine) parseDate(text string, today time.Time) (time.Time, bool) {
	numbers, month, ok := m.dateParts(text)
	if !ok {
		return time.Time{}, false
	}
	if month != 0 {
		if len(numbers) == 0 {
			return time.Time{}, false
		}
		numbers = append([]int{numbers[0], month}, numbers[1:]...) // "11 janvier 2027" → 11, 1, 2027
	}
	if len(numbers) < 2 || len(numbers) > 3 {
		return time.Time{}, false
	}
	day, mo := numbers[0], numbers[1]
	year := today.Year()
	explicit := len(numbers) == 3
	if explicit {
		year = fullYear(numbers[2])
	}
	d, ok := dayOf(year, mo, day)
	if !ok {
		return time.Time{}, false
	}
	if !explicit && today.Sub(d) > 30*24*time.Hour {
		// Long gone this year: next year's. A date of the last few weeks is refused as past instead.
		if d, ok = dayOf(year+1, mo, day); !ok {
			return time.Time{}, false
		}
	}
	return d, true
}

// parseMonthYear reads a month of birth: "03/2012", "3/2012", "mars 2012", "March 2012", or a
// whole date "15/03/2012".
func (m *Machine) parseMonthYear(text string) (time.Time, bool) {
	numbers, month, ok := m.dateParts(text)
	if !ok {
		return time.Time{}, false
	}
	var year int
	switch {
	case month != 0 && len(numbers) == 1:
		year = numbers[0]
	case month != 0 && len(numbers) == 2:
		year = numbers[1] // "15 mars 2012"
	case month == 0 && len(numbers) == 2:
		month, year = numbers[0], numbers[1]
	case month == 0 && len(numbers) == 3:
		month, year = numbers[1], numbers[2]
	default:
		return time.Time{}, false
	}
	if month < 1 || month > 12 || year < 0 || year > 9999 {
		return time.Time{}, false
	}
	return time.Date(fullYear(year), time.Month(month), 1, 0, 0, 0, 0, time.UTC), true
}

// ordinal reads a number, also written as an ordinal: "11", "1er", "2e", "3eme", "1st", "4th".
func ordinal(word string) (int, bool) {
	digits := strings.TrimRightFunc(word, func(r rune) bool { return r < '0' || r > '9' })
	switch strings.TrimPrefix(word, digits) {
	case "", "er", "e", "eme", "st", "nd", "rd", "th":
	default:
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil && len(digits) <= 4
}

// fullYear reads "27" as 2027.
func fullYear(y int) int {
	if y >= 0 && y < 100 {
		return 2000 + y
	}
	return y
}

// dayOf is the day d/m/y, if it exists.
func dayOf(y, m, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1 || y > 9999 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // 31/02
	}
	return t, true
}

// when writes a moment of the coming days for the student: "à 8h30" today, "demain à 8h30",
// "lundi à 8h30" within the week, "lundi 4 janvier à 8h30" later.
func (t *turn) when(at time.Time) string {
	local := at.In(t.in.Now.Location())
	d := data{"Time": t.m.textIn(t.s.Lang, "time_of_day", data{"Hour": local.Hour(), "Minute": fmt.Sprintf("%02d", local.Minute())})}
	days := int(today(local).Sub(today(t.in.Now)).Hours() / 24)
	switch {
	case days <= 0:
		return t.tr("when_today", d)
	case days == 1:
		return t.tr("when_tomorrow", d)
	case days < 7:
		d["Day"] = t.tr("weekday_"+strconv.Itoa((int(local.Weekday())+6)%7+1), nil)
	default:
		d["Day"] = t.longDate(today(local))
	}
	return t.tr("when_day", d)
}

// frenchTime is a time of day as French writes it: 9h, 9h30, 14h.
var frenchTime = regexp.MustCompile(`\b([01]?\d|2[0-3])h([0-5]\d)?\b`)

// hours writes an offer's daily hours, typed in French ("9h30-12h30 et 14h-17h"), in lang: as typed
// in French, with 24-hour times and the language's "and" elsewhere ("9:30-12:30 and 14:00-17:00").
func (m *Machine) hours(lang, text string) string {
	if lang == "fr" || text == "" {
		return text
	}
	text = frenchTime.ReplaceAllStringFunc(text, func(s string) string {
		h, min, _ := strings.Cut(s, "h")
		if min == "" {
			min = "00"
		}
		return h + ":" + min
	})
	return strings.ReplaceAll(text, " et ", " "+m.textIn(lang, "hours_and", nil)+" ")
}
