package calendar_test

import (
	"strings"
	"testing"
	"time"

	"stagebot/calendar"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func dates(ds []time.Time) string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Format(time.DateOnly))
	}
	return strings.Join(out, " ")
}

func TestDayIsParisCalendarDay(t *testing.T) {
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 1, 23, 30, 0, 0, time.UTC), "2026-12-02"}, // 00:30 in Paris (winter, UTC+1)
		{time.Date(2026, 7, 1, 22, 30, 0, 0, time.UTC), "2026-07-02"},  // 00:30 in Paris (summer, UTC+2)
		{time.Date(2026, 7, 1, 21, 30, 0, 0, time.UTC), "2026-07-01"},
	}
	for _, tt := range tests {
		if got := calendar.Day(tt.at).Format(time.DateOnly); got != tt.want {
			t.Errorf("Day(%v) = %s, want %s", tt.at, got, tt.want)
		}
	}
	if m := calendar.Monday(day("2026-12-06")); m.Format(time.DateOnly) != "2026-11-30" {
		t.Errorf("Monday of Sunday 6 December 2026 = %v", m)
	}
	if y := calendar.SchoolYear(day("2027-07-31")); y != "2026-2027" {
		t.Errorf("school year of 31 July 2027 = %s", y)
	}
	if y := calendar.SchoolYear(day("2027-08-01")); y != "2027-2028" {
		t.Errorf("school year of 1 August 2027 = %s", y)
	}
}

func TestNextSchoolWeeksSkipHolidays(t *testing.T) {
	schools, err := calendar.ParisSchools()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, today, want string
		guessed           bool
	}{
		{"early December: Christmas skipped", "2026-12-02",
			"2027-01-04 2027-01-11 2027-01-18 2027-01-25 2027-02-01 2027-02-22", false},
		{"October: Toussaint skipped", "2026-10-05",
			"2026-11-02 2026-11-09 2026-11-16 2026-11-23 2026-11-30 2026-12-07", false},
		{"late January: winter holidays skipped", "2027-01-25",
			"2027-02-22 2027-03-01 2027-03-08 2027-03-15 2027-03-22 2027-03-29", false},
		{"a Monday two weeks on is taken", "2026-11-16",
			"2026-11-30 2026-12-07 2026-12-14 2027-01-04 2027-01-11 2027-01-18", false},
		// In July the season is the next school year's: from September (estimated after the file).
		{"July: the next school year", "2027-07-10",
			"2027-09-06 2027-09-13 2027-09-20 2027-09-27 2027-10-04 2027-10-11", true},
		{"years beyond the file are estimated", "2030-01-07",
			"2030-01-21 2030-01-28 2030-02-04 2030-03-11 2030-03-18 2030-03-25", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			weeks, guessed := schools.NextSchoolWeeks(day(tt.today), 6, 14)
			if got := dates(weeks); got != tt.want || guessed != tt.guessed {
				t.Errorf("got %s (estimated %v), want %s (estimated %v)", got, guessed, tt.want, tt.guessed)
			}
			for _, w := range weeks {
				if w.Weekday() != time.Monday || w.Sub(day(tt.today)) < 14*24*time.Hour {
					t.Errorf("week %s is not a Monday at least two weeks on", w.Format(time.DateOnly))
				}
			}
		})
	}
}

// The estimate for school years not in the file calls a holiday every Monday whose day of the year
// was a holiday Monday in a year the file knows: it errs towards a holiday, never towards a school
// week.
func TestEstimateCoversKnownHolidays(t *testing.T) {
	schools, err := calendar.ParisSchools()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for m := calendar.Monday(day("2025-09-08")); m.Before(schools.KnownTo()); m = m.AddDate(0, 0, 7) {
		holiday, guess := schools.HolidayWeek(m)
		if guess {
			t.Fatalf("week %s is in the file's years but estimated", m.Format(time.DateOnly))
		}
		if !holiday {
			continue
		}
		for y := 2030; y < 2060; y++ { // a later year where that day of the year is a Monday too
			same := time.Date(y, m.Month(), m.Day(), 0, 0, 0, 0, time.UTC)
			if same.Weekday() != time.Monday {
				continue
			}
			if h, g := schools.HolidayWeek(same); !h || !g {
				t.Errorf("%s was a holiday Monday; %s is estimated holiday %v (estimated %v)",
					m.Format(time.DateOnly), same.Format(time.DateOnly), h, g)
			}
			checked++
			break
		}
	}
	if checked < 20 {
		t.Errorf("only %d holiday Mondays checked", checked)
	}
}

func TestReadHolidaysRefusesBadFiles(t *testing.T) {
	for name, file := range map[string]string{
		"no header":     "2026-2027,Noël,2026-12-19,2027-01-04\n",
		"bad date":      "school_year,name,start,end\n2026-2027,Noël,19/12/2026,2027-01-04\n",
		"end not after": "school_year,name,start,end\n2026-2027,Noël,2027-01-04,2026-12-19\n",
		"empty":         "school_year,name,start,end\n",
	} {
		if _, err := calendar.ReadHolidays(strings.NewReader(file)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Messages nobody asked for leave Monday to Saturday, 08:30 to 19:30 in Paris, never on a public
// holiday; across the change of time at the end of October too.
func TestSendingHours(t *testing.T) {
	h, err := calendar.SendingHours()
	if err != nil {
		t.Fatal(err)
	}
	paris := calendar.Paris()
	for _, tc := range []struct {
		at   time.Time
		ok   bool
		next time.Time
	}{
		{time.Date(2026, 12, 2, 10, 0, 0, 0, paris), true, time.Date(2026, 12, 2, 10, 0, 0, 0, paris)},
		{time.Date(2026, 12, 2, 8, 29, 0, 0, paris), false, time.Date(2026, 12, 2, 8, 30, 0, 0, paris)},
		{time.Date(2026, 12, 2, 19, 30, 0, 0, paris), false, time.Date(2026, 12, 3, 8, 30, 0, 0, paris)},
		{time.Date(2026, 12, 5, 19, 0, 0, 0, paris), true, time.Date(2026, 12, 5, 19, 0, 0, 0, paris)},    // a Saturday
		{time.Date(2026, 12, 5, 20, 0, 0, 0, paris), false, time.Date(2026, 12, 7, 8, 30, 0, 0, paris)},   // then Sunday
		{time.Date(2026, 12, 24, 21, 0, 0, 0, paris), false, time.Date(2026, 12, 26, 8, 30, 0, 0, paris)}, // Christmas
		{time.Date(2026, 11, 10, 22, 0, 0, 0, paris), false, time.Date(2026, 11, 12, 8, 30, 0, 0, paris)}, // 11 November
		{time.Date(2026, 10, 24, 20, 0, 0, 0, paris), false, time.Date(2026, 10, 26, 8, 30, 0, 0, paris)}, // over the time change
		{time.Date(2027, 5, 5, 20, 0, 0, 0, paris), false, time.Date(2027, 5, 7, 8, 30, 0, 0, paris)},     // Ascension
	} {
		if got := h.Open(tc.at); got != tc.ok {
			t.Errorf("Open(%s) = %v", tc.at, got)
		}
		if got := h.Next(tc.at); !got.Equal(tc.next) {
			t.Errorf("Next(%s) = %s, want %s", tc.at, got, tc.next)
		}
	}
	for y := 2025; y <= 2035; y++ {
		if !h.Known(calendar.Date(y, time.June, 1)) {
			t.Errorf("the public holidays of %d are not in the file", y)
		}
	}
}
