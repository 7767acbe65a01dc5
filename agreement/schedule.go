package agreement

import (
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"stagebot/domain"
	"stagebot/fold"
)

// Days is how many days a stage week has (domain.StageDays).
const Days = domain.StageDays

// Day writes day d's hours as French writes them: "9h-12h, 13h30-17h" ("" for none).
func Day(s domain.Schedule, d int) string {
	parts := make([]string, len(s[d]))
	for i, sp := range s[d] {
		parts[i] = Clock(sp.From) + "-" + Clock(sp.To)
	}
	return strings.Join(parts, ", ")
}

// Clock writes minutes after midnight as "9h", "13h30" (domain.ClockText).
func Clock(m int) string { return domain.ClockText(m) }

// Duration writes minutes as "7 h", "4 h 30" (domain.DurationText).
func Duration(m int) string { return domain.DurationText(m) }

// The problems of a schedule's text, before any legal limit.
var (
	ErrNoHours   = errors.New("agreement: no hours in the text")
	ErrBadSpan   = errors.New("agreement: a span ends before it starts, or past midnight")
	ErrOverlap   = errors.New("agreement: two spans of a day overlap")
	ErrWeekend   = errors.New("agreement: a stage day on a weekend")
	ErrTooLong   = errors.New("agreement: the text is too long")
	maxTextBytes = 600
)

// dayWords are the names of the days, folded, in French and English, full and short.
var dayWords = map[string]int{
	"lundi": 0, "lun": 0, "monday": 0, "mon": 0,
	"mardi": 1, "mar": 1, "tuesday": 1, "tue": 1, "tues": 1,
	"mercredi": 2, "mer": 2, "wednesday": 2, "wed": 2,
	"jeudi": 3, "jeu": 3, "thursday": 3, "thu": 3, "thurs": 3,
	"vendredi": 4, "ven": 4, "friday": 4, "fri": 4,
}

// weekendWords are days a stage never has.
var weekendWords = []string{"samedi", "dimanche", "saturday", "sunday", "sam", "dim", "sat", "sun"}

// offWords say a day has no hours: "mercredi repos".
var offWords = []string{"ferme", "repos", "off", "libre", "rien", "closed", "aucun", "aucune", "pas", "none"}

// spanPattern reads a span: "9h-12h", "9h30 à 12h", "9:00-12:00", "de 9 a 12h", "9h->12h".
var spanPattern = regexp.MustCompile(`(\d{1,2})(?:\s?[h:](\d{2})?)?\s*(?:-+>?|–|—|a|au|jusqu'a|to|until)\s*(\d{1,2})(?:\s?[h:](\d{2})?)?`)

// Parse reads the hours of a stage week as a host writes them in a message: spans for every day
// ("9h-12h 13h30-17h"), then days that differ ("mercredi 9h-12h", "vendredi repos"), or day by day
// ("lundi au jeudi 9h-12h 14h-17h, vendredi 9h-12h"). Days may be ranges ("lundi-jeudi", "du lundi
// au jeudi") or lists ("lundi, mardi et jeudi").
func Parse(text string) (domain.Schedule, error) {
	var s domain.Schedule
	if len(text) > maxTextBytes {
		return s, ErrTooLong
	}
	t := fold.String(text)
	type group struct {
		days  []int
		spans []domain.Span
		off   bool
	}
	groups := []*group{{days: []int{0, 1, 2, 3, 4}}}
	cur := groups[0]
	named := false // whether cur's days were named (not the default)
	found := false
	prevDay := -1 // the last day read, for a range
	rangeNext := false
	i := 0
	for i < len(t) {
		if loc := spanPattern.FindStringSubmatchIndex(t[i:]); loc != nil && loc[0] == 0 {
			m := spanPattern.FindStringSubmatch(t[i:])
			sp, err := spanOf(m)
			if err != nil {
				return s, err
			}
			cur.spans = append(cur.spans, sp)
			found, prevDay, rangeNext = true, -1, false
			i += loc[1]
			continue
		}
		j := i
		for j < len(t) && isWordByte(t[j]) {
			j++
		}
		if j == i {
			if t[i] == '-' && prevDay >= 0 {
				rangeNext = true
			}
			i++
			continue
		}
		word := t[i:j]
		i = j
		if slices.Contains(weekendWords, word) {
			return s, ErrWeekend
		}
		d, isDay := dayWords[word]
		switch {
		case isDay:
			if len(cur.spans) > 0 || cur.off || !named {
				cur = &group{}
				groups = append(groups, cur)
				named = true
			}
			if rangeNext && prevDay >= 0 && d > prevDay {
				for k := prevDay + 1; k <= d; k++ {
					cur.days = append(cur.days, k)
				}
			} else {
				cur.days = append(cur.days, d)
			}
			prevDay, rangeNext = d, false
		case (word == "au" || word == "a" || word == "to") && prevDay >= 0:
			rangeNext = true
		case slices.Contains(offWords, word) && named:
			cur.off, found = true, true
		}
	}
	if !found {
		return s, ErrNoHours
	}
	for _, g := range groups {
		if len(g.spans) == 0 && !g.off {
			continue
		}
		for _, d := range g.days {
			s[d] = append([]domain.Span(nil), g.spans...)
		}
	}
	for d := range s {
		slices.SortFunc(s[d], func(a, b domain.Span) int { return a.From - b.From })
		for k := 1; k < len(s[d]); k++ {
			if s[d][k].From < s[d][k-1].To {
				return s, ErrOverlap
			}
		}
	}
	return s, nil
}

// spanOf reads a span's submatches: hours and minutes of its start and end. "9-12" and "9h-12h"
// are the same; "1h-5h" is read as it is (the limits refuse it), never as the afternoon.
func spanOf(m []string) (domain.Span, error) {
	num := func(v string) int {
		n, _ := strconv.Atoi(v)
		return n
	}
	from, to := num(m[1])*60+num(m[2]), num(m[3])*60+num(m[4])
	if num(m[1]) > 24 || num(m[3]) > 24 || num(m[2]) > 59 || num(m[4]) > 59 || to > 24*60 || from >= to {
		return domain.Span{}, ErrBadSpan
	}
	return domain.Span{From: from, To: to}, nil
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b == '\''
}
