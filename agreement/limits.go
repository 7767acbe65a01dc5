package agreement

import (
	"embed"
	"fmt"

	"github.com/BurntSushi/toml"

	"stagebot/domain"
)

//go:embed data/limits.toml templates/*.toml
var files embed.FS

// Limit is one legal limit on a minor's hours, as data/limits.toml writes it.
type Limit struct {
	ID       string `toml:"id"`
	AgeBelow int    `toml:"age_below"`
	AgeFrom  int    `toml:"age_from"`
	Minutes  int    `toml:"minutes"`
	Pause    int    `toml:"pause"`
	Start    int    `toml:"start"`
	End      int    `toml:"end"`
	Source   string `toml:"source"`
}

// appliesTo reports whether the limit is for a student of that age.
func (l Limit) appliesTo(age int) bool {
	return (l.AgeBelow == 0 || age < l.AgeBelow) && (l.AgeFrom == 0 || age >= l.AgeFrom)
}

// Limits are the legal limits a schedule must keep.
type Limits struct {
	All []Limit `toml:"limit"`
}

// LoadLimits reads the limits of data/limits.toml.
func LoadLimits() (Limits, error) {
	var l Limits
	raw, err := files.ReadFile("data/limits.toml")
	if err != nil {
		return l, fmt.Errorf("agreement limits: %w", err)
	}
	md, err := toml.Decode(string(raw), &l)
	if err != nil {
		return l, fmt.Errorf("agreement limits: %w", err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return l, fmt.Errorf("agreement limits: unknown key %s", undecoded[0])
	}
	for _, lim := range l.All {
		switch {
		case lim.Source == "":
			return l, fmt.Errorf("agreement limits: %s has no source", lim.ID)
		case lim.ID == "night" && (lim.Start <= lim.End || lim.Start > 24*60):
			return l, fmt.Errorf("agreement limits: night from %d to %d", lim.Start, lim.End)
		case lim.ID != "night" && lim.Minutes <= 0:
			return l, fmt.Errorf("agreement limits: %s without minutes", lim.ID)
		case lim.ID == "break" && lim.Pause <= 0:
			return l, fmt.Errorf("agreement limits: break without pause")
		case lim.ID != "day" && lim.ID != "week" && lim.ID != "break" && lim.ID != "night" && lim.ID != "rest":
			return l, fmt.Errorf("agreement limits: unknown limit %q", lim.ID)
		}
	}
	return l, nil
}

// Violation is a schedule outside one limit: which, on which day (-1: the week), and the figures to
// say it in plain words.
type Violation struct {
	Limit  Limit
	Day    int // 0 Monday … 4 Friday; -1 for the week
	Actual int // day, week: the minutes asked; break: the longest stretch; rest: the shortest rest
}

// Check lists the limits a schedule breaks for a student of age years on the stage's Monday, in the
// order of data/limits.toml, each day's first.
func (ls Limits) Check(s domain.Schedule, age int) []Violation {
	var out []Violation
	for _, l := range ls.All {
		if !l.appliesTo(age) {
			continue
		}
		switch l.ID {
		case "day":
			for d := range s {
				if m := s.DayMinutes(d); m > l.Minutes {
					out = append(out, Violation{Limit: l, Day: d, Actual: m})
				}
			}
		case "week":
			if m := s.Minutes(); m > l.Minutes {
				out = append(out, Violation{Limit: l, Day: -1, Actual: m})
			}
		case "break":
			for d := range s {
				if m := longestStretch(s[d], l.Pause); m > l.Minutes {
					out = append(out, Violation{Limit: l, Day: d, Actual: m})
				}
			}
		case "night":
			for d := range s {
				for _, sp := range s[d] {
					if sp.From < l.End || sp.To > l.Start {
						out = append(out, Violation{Limit: l, Day: d})
						break
					}
				}
			}
		case "rest":
			for d := 0; d+1 < Days; d++ {
				if len(s[d]) == 0 || len(s[d+1]) == 0 {
					continue
				}
				rest := 24*60 - s[d][len(s[d])-1].To + s[d+1][0].From
				if rest < l.Minutes {
					out = append(out, Violation{Limit: l, Day: d, Actual: rest})
				}
			}
		}
	}
	return out
}

// longestStretch is the longest presence of a day without a pause of at least pause minutes.
func longestStretch(spans []domain.Span, pause int) int {
	longest, cur := 0, 0
	for i, sp := range spans {
		if i > 0 && sp.From-spans[i-1].To < pause {
			cur += sp.From - spans[i-1].To + sp.Minutes()
		} else {
			cur = sp.Minutes()
		}
		longest = max(longest, cur)
	}
	return longest
}
