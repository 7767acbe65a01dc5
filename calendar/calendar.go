// Package calendar is stagebot's calendar: Paris time, days and weeks as the service counts them,
// and the school holidays of Paris (zone C), from which the stage weeks of a season are chosen.
//
// A day is written as midnight UTC of that calendar day in Paris (Day), so that dates compare and
// print the same wherever the code runs; a stage week is named by its Monday.
package calendar

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Paris is always there, even on a machine without a zoneinfo database
)

// paris is loaded once; with the time zone database embedded it cannot be missing.
var paris = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(fmt.Sprintf("calendar: the Europe/Paris time zone is missing: %v", err))
	}
	return loc
})

// Paris is the Europe/Paris time zone, where every rule of the service is decided: the sending hours,
// "today", the day before a stage, the cron schedules. It is loaded in this one place; it never
// falls back to UTC.
func Paris() *time.Location { return paris() }

// Day is the calendar day of t in Paris, as midnight UTC of that day.
func Day(t time.Time) time.Time {
	t = t.In(Paris())
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Date is the day y-m-d, as midnight UTC.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Monday is the Monday of the week (Monday to Sunday) of day d, a day as Day returns it.
func Monday(d time.Time) time.Time {
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// AtParis is the instant of hour:minute on day d (a day as Day returns it) in Paris.
func AtParis(d time.Time, hour, minute int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, Paris())
}

// SchoolYear names the school year day d belongs to: "2026-2027" from 1 August 2026 to 31 July
// 2027.
func SchoolYear(d time.Time) string {
	y := d.Year()
	if d.Month() < time.August {
		y--
	}
	return fmt.Sprintf("%d-%d", y, y+1)
}

// Holiday is one school holiday: no classes from Start (a Saturday) until End (the day classes
// resume).
type Holiday struct {
	SchoolYear string
	Name       string
	Start, End time.Time
}

// Schools is the school calendar of Paris: the holidays of zone C it knows, and an estimate beyond.
type Schools struct {
	holidays []Holiday
	knownTo  time.Time // the holidays are known up to this day (the end of the last one listed)
}

//go:embed data/vacances-zone-c.csv
var zoneC []byte

// ParisSchools reads the school holidays of Paris shipped with stagebot (data/vacances-zone-c.csv,
// which names its source).
func ParisSchools() (*Schools, error) {
	return ReadHolidays(bytes.NewReader(zoneC))
}

// ReadHolidays reads a holidays file: a header "school_year,name,start,end", then one holiday a
// line with dates as YYYY-MM-DD; lines starting with # are comments.
func ReadHolidays(r io.Reader) (*Schools, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 4
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("school holidays: %w", err)
	}
	if header[0] != "school_year" || header[2] != "start" || header[3] != "end" {
		return nil, fmt.Errorf("school holidays: header %q, want school_year,name,start,end", header)
	}
	s := &Schools{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("school holidays: %w", err)
		}
		start, err1 := time.Parse(time.DateOnly, rec[2])
		end, err2 := time.Parse(time.DateOnly, rec[3])
		if err := errors.Join(err1, err2); err != nil || !end.After(start) {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("school holidays: line %d: dates %s to %s: %w", line, rec[2], rec[3],
				errors.Join(err, errors.New("the end must come after the start")))
		}
		s.holidays = append(s.holidays, Holiday{SchoolYear: rec[0], Name: rec[1], Start: start, End: end})
		if end.After(s.knownTo) {
			s.knownTo = end
		}
	}
	if len(s.holidays) == 0 {
		return nil, errors.New("school holidays: the file lists none")
	}
	return s, nil
}

// KnownTo is the last day up to which the holidays are known rather than estimated.
func (s *Schools) KnownTo() time.Time { return s.knownTo }

// HolidayWeek reports whether the week of monday has no classes (its Monday falls in a holiday),
// and (guess) whether that answer is an estimate because the holidays of that school year are not known.
func (s *Schools) HolidayWeek(monday time.Time) (holiday, guess bool) {
	monday = Monday(monday)
	if monday.Before(s.knownTo) {
		for _, h := range s.holidays {
			if !monday.Before(h.Start) && monday.Before(h.End) {
				return true, false
			}
		}
		return false, false
	}
	return estimated(monday), true
}

// HolidayOf names the school holiday the week of monday falls in ("Hiver", "Noël"…); ok is false
// when the week has classes. A week of a school year not in the file that is estimated to be a
// holiday has no name ("").
func (s *Schools) HolidayOf(monday time.Time) (name string, ok bool) {
	monday = Monday(monday)
	if monday.Before(s.knownTo) {
		for _, h := range s.holidays {
			if !monday.Before(h.Start) && monday.Before(h.End) {
				return h.Name, true
			}
		}
		return "", false
	}
	return "", estimated(monday)
}

// estimated says whether a Monday of a school year not yet in the file is likely a holiday. It errs
// on the side of a holiday: every Monday that a recent year had in a holiday of any zone is one
// (summer and the rentrée week, Toussaint, Christmas, the winter and spring spans of the three
// zones). A season chosen from it may skip a school week; it never lands on a holiday.
func estimated(monday time.Time) bool {
	md := int(monday.Month())*100 + monday.Day() // 1 March is 301
	for _, span := range [][2]int{
		{701, 904},   // summer, and the week of the rentrée
		{1019, 1107}, // Toussaint
		{1218, 1231}, // Christmas…
		{101, 107},   // …and New Year
		{206, 310},   // winter, zones A, B and C
		{403, 507},   // spring, zones A, B and C
	} {
		if md >= span[0] && md <= span[1] {
			return true
		}
	}
	return false
}

// NextSchoolWeeks lists the Mondays of the next n school weeks (weeks with classes) that start at
// least lead days after today, in order. In July and August they are the next school year's.
// guessed reports whether any week came from the estimate rather than the file.
func (s *Schools) NextSchoolWeeks(today time.Time, n, lead int) (weeks []time.Time, guessed bool) {
	first := Day(today).AddDate(0, 0, lead)
	monday := Monday(first)
	if monday.Before(first) {
		monday = monday.AddDate(0, 0, 7)
	}
	for ; len(weeks) < n; monday = monday.AddDate(0, 0, 7) {
		holiday, guess := s.HolidayWeek(monday)
		if holiday {
			continue
		}
		guessed = guessed || guess
		weeks = append(weeks, monday)
	}
	return weeks, guessed
}
