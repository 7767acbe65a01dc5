package clock

import (
	"testing"
	"time"
)

// A shifted clock runs with the one beneath it, moved on, and back on it when reset.
func TestShifted(t *testing.T) {
	start := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	base := NewManual(start)
	s := NewShifted(base)
	if got := s.Now(); !got.Equal(start) {
		t.Fatalf("not moved: %v", got)
	}
	s.Set(start.Add(48 * time.Hour))
	base.Add(time.Minute)
	if got, want := s.Now(), start.Add(48*time.Hour+time.Minute); !got.Equal(want) {
		t.Errorf("moved two days, then a minute passed: %v, want %v", got, want)
	}
	s.Reset()
	if got := s.Now(); !got.Equal(base.Now()) {
		t.Errorf("reset: %v", got)
	}
}
