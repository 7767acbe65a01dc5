// Package clock is stagebot's one notion of "now". The service is given one Clock when it starts
// (System in production) and passes it to everything that decides by time: claims and retries,
// the sending hours, deadlines, reminders, link codes, consent. SQL receives that time as a parameter,
// so an app server and a database whose clocks disagree still agree on what is due.
//
// Tests and the season simulator use a Manual clock, which moves only when told to.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// System is the machine's clock.
func System() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Manual is a clock that stands still until it is set or advanced. It is safe for concurrent use.
type Manual struct {
	mu   sync.Mutex
	now  time.Time
	tick time.Duration
}

// NewManual returns a clock stopped at t.
func NewManual(t time.Time) *Manual { return &Manual{now: t} }

// NewTicking returns a clock at t that moves on by step after each reading, so that successive
// readings are distinct (a story whose messages must be spaced in time).
func NewTicking(t time.Time, step time.Duration) *Manual { return &Manual{now: t, tick: step} }

// Now returns the clock's time (then moves it on by its step, if it ticks).
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now
	m.now = m.now.Add(m.tick)
	return now
}

// Set puts the clock at t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = t
}

// Add moves the clock on by d.
func (m *Manual) Add(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
}

// Func adapts a function to a Clock.
type Func func() time.Time

// Now calls the function.
func (f Func) Now() time.Time { return f() }

// Shifted is a clock that runs with the one beneath it, moved on by what it was told: the demo's
// "move the clock" makes a day pass in a click while seconds still pass as they do.
type Shifted struct {
	mu   sync.Mutex
	base Clock
	by   time.Duration
}

// NewShifted returns a clock that reads base, not moved yet.
func NewShifted(base Clock) *Shifted { return &Shifted{base: base} }

// Now returns the time beneath, moved on.
func (s *Shifted) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.base.Now().Add(s.by)
}

// Set moves the clock to t (forward or back).
func (s *Shifted) Set(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.by = t.Sub(s.base.Now())
}

// Reset puts the clock back on the time beneath.
func (s *Shifted) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.by = 0
}
