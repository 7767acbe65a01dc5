package simulate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"

	"stagebot/store"
)

// Policy is a set of rules the City may choose for a season, as a small TOML file (see
// docs/simulate.md): the reminders and their delays (the campaign file's [reminders] table, with
// off = true for none), the day the places reserved for REP/REP+ students open to all, how many
// applications a student may have at once, and the share of places reserved.
type Policy struct {
	Name string `toml:"name" json:"name"`
	// Reminders are the campaign's reminder delays; a delay left out keeps its default.
	Reminders store.Reminders `toml:"reminders" json:"reminders"`
	// ReleaseDays is when the reserved places open to all, in days after the campaign opens (nil:
	// DefaultReleaseDays; negative: never).
	ReleaseDays *int `toml:"release_days" json:"release_days,omitempty"`
	// MaxApplications is how many applications a student may have in progress at once (0: the
	// campaign's default).
	MaxApplications int `toml:"max_applications" json:"max_applications,omitempty"`
	// ReservedShare is the share of every week's places reserved for REP/REP+ students (nil: the
	// catalog's own, 42% for the seeded one).
	ReservedShare *float64 `toml:"reserved_share" json:"reserved_share,omitempty"`
}

// DefaultReleaseDays is when the reserved places open to all when a policy does not say: four
// weeks after the campaign opens.
const DefaultReleaseDays = 28

// DefaultPolicy is the service's rules as they ship: every reminder at its default delay, reserved
// places released four weeks after the opening, five applications at once.
func DefaultPolicy() Policy { return Policy{Name: "default"} }

// NoReminders is the default policy without any reminder.
func NoReminders() Policy {
	return Policy{Name: "no reminders", Reminders: store.Reminders{Off: true}}
}

// releaseDays is the policy's release day, in days after the opening; ok is false for never.
func (p Policy) releaseDays() (days int, ok bool) {
	if p.ReleaseDays == nil {
		return DefaultReleaseDays, true
	}
	return *p.ReleaseDays, *p.ReleaseDays >= 0
}

// LoadPolicy reads a policy file. Its name defaults to the file's; an unknown key fails it.
func LoadPolicy(path string) (Policy, error) {
	var p Policy
	data, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("policy: %w", err)
	}
	meta, err := toml.Decode(string(data), &p)
	if err != nil {
		return p, fmt.Errorf("policy %s: %w", path, err)
	}
	if undecoded := meta.Undecoded(); len(undecoded) > 0 {
		return p, fmt.Errorf("policy %s: unknown key %s", path, undecoded[0])
	}
	if p.Name == "" {
		p.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if p.MaxApplications < 0 || p.MaxApplications > 20 {
		return p, fmt.Errorf("policy %s: max_applications is %d, between 1 and 20", path, p.MaxApplications)
	}
	if p.ReservedShare != nil && (*p.ReservedShare < 0 || *p.ReservedShare > 1) {
		return p, fmt.Errorf("policy %s: reserved_share is %g, between 0 and 1", path, *p.ReservedShare)
	}
	return p, nil
}
