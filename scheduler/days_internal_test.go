package scheduler

import (
	"slices"
	"testing"
	"time"

	"stagebot/calendar"
)

// A reminder about a day goes on that day's reminder day, or on the last sending day before it.
func TestDaysAhead(t *testing.T) {
	hours, err := calendar.SendingHours()
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name  string
		today time.Time
		n     int
		want  []int
	}{
		{"a Tuesday: the day after tomorrow only", day(2027, 1, 12), 1, []int{1}},
		{"a Saturday: Sunday's reminder, about Monday, goes today", day(2027, 1, 16), 1, []int{1, 2}},
		{"a Sunday: nothing goes", day(2027, 1, 17), 1, nil},
		{"a week before, on a Saturday: the Monday after next too", day(2027, 1, 9), 7, []int{7, 8}},
		// Easter Monday 2027 is 29 March: the reminder for 30 March (a day before) goes on Saturday 27,
		// with Sunday's and Monday's.
		{"before Easter: Sunday and Easter Monday are covered on Saturday", day(2027, 3, 27), 1, []int{1, 2, 3}},
		{"Easter Monday: nothing goes", day(2027, 3, 29), 7, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := daysAhead(hours, tc.today, tc.n); !slices.Equal(got, tc.want) {
				t.Errorf("daysAhead(%s, %d) = %v, want %v", tc.today.Format(time.DateOnly), tc.n, got, tc.want)
			}
		})
	}
}
