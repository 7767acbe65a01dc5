package calendar

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"time"
)

// The hours a message nobody just asked for (a reminder, a notice) may leave: Monday to Saturday,
// 08:30 to 19:30 in Paris, never on a public holiday.
const (
	openFromHour, openFromMinute   = 8, 30
	openUntilHour, openUntilMinute = 19, 30
)

// Hours knows when stagebot may write to someone who did not just write to it.
type Hours struct {
	holidays map[time.Time]string // day → name
	from, to time.Time            // the years the holidays are known for: [from, to)
}

//go:embed data/jours-feries.csv
var publicHolidays []byte

// SendingHours reads the French public holidays shipped with stagebot (data/jours-feries.csv).
func SendingHours() (*Hours, error) {
	return ReadPublicHolidays(bytes.NewReader(publicHolidays))
}

// ReadPublicHolidays reads a public holidays file: a header "date,name", then one holiday a line
// (YYYY-MM-DD); lines starting with # are comments. The years it lists are taken as complete.
func ReadPublicHolidays(r io.Reader) (*Hours, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = 2
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("public holidays: %w", err)
	}
	if header[0] != "date" || header[1] != "name" {
		return nil, fmt.Errorf("public holidays: header %q, want date,name", header)
	}
	h := &Hours{holidays: map[time.Time]string{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("public holidays: %w", err)
		}
		d, err := time.Parse(time.DateOnly, rec[0])
		if err != nil {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("public holidays: line %d: %w", line, err)
		}
		h.holidays[d] = rec[1]
		first, next := Date(d.Year(), time.January, 1), Date(d.Year()+1, time.January, 1)
		if h.from.IsZero() || first.Before(h.from) {
			h.from = first
		}
		if next.After(h.to) {
			h.to = next
		}
	}
	if len(h.holidays) == 0 {
		return nil, errors.New("public holidays: the file lists none")
	}
	return h, nil
}

// NoHolidays is sending hours that know no public holiday (Monday to Saturday, 08:30 to 19:30).
func NoHolidays() *Hours { return &Hours{holidays: map[time.Time]string{}} }

// Known reports whether the public holidays of day d's year are known.
func (h *Hours) Known(d time.Time) bool { return !d.Before(h.from) && d.Before(h.to) }

// Holiday reports whether day d (as Day returns it) is a public holiday, and its name.
func (h *Hours) Holiday(d time.Time) (string, bool) {
	name, ok := h.holidays[d]
	return name, ok
}

// SendingDay reports whether messages nobody just asked for may leave on day d (as Day returns it):
// a Monday to Saturday that is not a public holiday.
func (h *Hours) SendingDay(d time.Time) bool {
	_, holiday := h.holidays[d]
	return d.Weekday() != time.Sunday && !holiday
}

// Open reports whether a message nobody just asked for may leave at t: Monday to Saturday, 08:30 to
// 19:30 in Paris, not on a public holiday.
func (h *Hours) Open(t time.Time) bool {
	local := t.In(Paris())
	day := Day(t)
	if !h.SendingDay(day) {
		return false
	}
	return !local.Before(AtParis(day, openFromHour, openFromMinute)) &&
		local.Before(AtParis(day, openUntilHour, openUntilMinute))
}

// Next is t when Open(t), else the next instant when it is (the next allowed day at 08:30).
func (h *Hours) Next(t time.Time) time.Time {
	if h.Open(t) {
		return t
	}
	day := Day(t)
	if start := AtParis(day, openFromHour, openFromMinute); t.Before(start) && h.Open(start) {
		return start
	}
	for i := 1; i <= 14; i++ {
		if start := AtParis(day.AddDate(0, 0, i), openFromHour, openFromMinute); h.Open(start) {
			return start
		}
	}
	return t // not reached: two weeks never lack a working day
}
