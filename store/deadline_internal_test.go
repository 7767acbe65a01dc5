package store

import (
	"testing"
	"time"

	"stagebot/calendar"
)

// The place is confirmed by the end of the day the campaign's days later, never after the Friday before
// the stage week.
func TestConfirmDeadline(t *testing.T) {
	paris := calendar.Paris()
	week := calendar.Date(2027, time.January, 18)
	for _, tc := range []struct {
		now, want time.Time
	}{
		{time.Date(2026, 12, 1, 10, 0, 0, 0, paris), time.Date(2026, 12, 8, 23, 59, 0, 0, paris)}, // the whole day
		{time.Date(2027, 1, 12, 10, 0, 0, 0, paris), time.Date(2027, 1, 15, 23, 59, 0, 0, paris)}, // the Friday before
		{time.Date(2027, 1, 16, 10, 0, 0, 0, paris), time.Date(2027, 1, 18, 8, 0, 0, 0, paris)},   // accepted on the Saturday
	} {
		if got := confirmDeadline(tc.now, 7, week); !got.Equal(tc.want) {
			t.Errorf("accepted %s: confirm by %s, want %s", tc.now, got, tc.want)
		}
	}
}
