package domain

import (
	"fmt"
	"strconv"
)

// StageDays is how many days a stage week has: Monday to Friday (the weekly rest is the weekend).
const StageDays = 5

// Span is one stretch of presence in a day, in minutes after midnight.
type Span struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// Minutes is the span's length.
func (s Span) Minutes() int { return s.To - s.From }

// Schedule is the hours of a stage week, as the host gives them for the agreement: for each day,
// Monday first, its spans in order (none: the student is not expected that day).
type Schedule [StageDays][]Span

// Minutes is the week's presence, in minutes.
func (s Schedule) Minutes() int {
	total := 0
	for d := range s {
		total += s.DayMinutes(d)
	}
	return total
}

// DayMinutes is day d's presence, in minutes.
func (s Schedule) DayMinutes(d int) int {
	total := 0
	for _, sp := range s[d] {
		total += sp.Minutes()
	}
	return total
}

// Empty reports whether no day has hours.
func (s Schedule) Empty() bool { return s.Minutes() == 0 }

// ClockText writes minutes after midnight as the messages and the agreement do: "9h", "13h30".
func ClockText(min int) string {
	if min%60 == 0 {
		return strconv.Itoa(min/60) + "h"
	}
	return fmt.Sprintf("%dh%02d", min/60, min%60)
}

// DurationText writes minutes as "7 h", "4 h 30", "30 min".
func DurationText(min int) string {
	switch {
	case min < 60:
		return strconv.Itoa(min) + " min"
	case min%60 == 0:
		return strconv.Itoa(min/60) + " h"
	}
	return fmt.Sprintf("%d h %02d", min/60, min%60)
}
