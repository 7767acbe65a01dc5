package domain

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
