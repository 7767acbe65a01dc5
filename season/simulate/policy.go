package simulate

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"stagebot/store"
)

// Policy is a set of rules the City may choose for a season, as a small TOML file (see
// docs/simulate.md): the reminders and their delays (the campaign file's [reminders] table, with
// off = true for none), the day the places reserved for REP/REP+ students open to all, how many
// applications a student may have at once, the share of places reserved, direct booking of the
// City's places, and which collèges relay the service to their students (outreach).
type Policy struct {
	// Name is the policy's name in the report, in French (the report's language by default); NameEN
	// in English (default: Name).
	Name   string `toml:"name" json:"name"`
	NameEN string `toml:"name_en" json:"name_en,omitempty"`
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
	// DirectBooking lets students take the City's places at once (the campaign rule); the host may
	// decline a booking for BookingDays days (0: the campaign's default).
	DirectBooking bool `toml:"direct_booking" json:"direct_booking,omitempty"`
	BookingDays   int  `toml:"booking_days" json:"booking_days,omitempty"`
	// Outreach says which collèges relay the service: "none" (or ""), "rep" (REP and REP+), "all";
	// OutreachColleges adds collèges by UAI. A relaying collège prints the invitations and its staff
	// nudge its students without a place from their page every week: more of its students use
	// stagebot, and they sign up and apply sooner (Behaviour's outreach figures).
	Outreach         string   `toml:"outreach" json:"outreach,omitempty"`
	OutreachColleges []string `toml:"outreach_colleges" json:"outreach_colleges,omitempty"`
}

// The outreach a policy may name.
const (
	OutreachNone = "none"
	OutreachREP  = "rep"
	OutreachAll  = "all"
)

// relays reports whether the collège uai, of priority education status priority, relays the service
// under the policy.
func (p Policy) relays(uai, priority string) bool {
	switch {
	case p.Outreach == OutreachAll, p.Outreach == OutreachREP && priority != store.PriorityNone:
		return true
	}
	return slices.Contains(p.OutreachColleges, uai)
}

// outreachKey names the policy's outreach: two policies with the same play the same population.
func (p Policy) outreachKey() string {
	return p.Outreach + "/" + strings.Join(p.OutreachColleges, ",")
}

// outreaching says whether some collèges relay the service under the policy.
func (p Policy) outreaching() bool {
	return (p.Outreach != "" && p.Outreach != OutreachNone) || len(p.OutreachColleges) > 0
}

// Label is the policy's name in lang ("fr" or "en").
func (p Policy) Label(lang string) string {
	if lang == "en" && p.NameEN != "" {
		return p.NameEN
	}
	return p.Name
}

// DefaultReleaseDays is when the reserved places open to all when a policy does not say: four
// weeks after the campaign opens.
const DefaultReleaseDays = 28

// DefaultPolicy is the service's rules as they ship: every reminder at its default delay, reserved
// places released four weeks after the opening, five applications at once.
func DefaultPolicy() Policy {
	return Policy{Name: "règles actuelles", NameEN: "current rules", Outreach: OutreachNone}
}

// NoReminders is the default policy without any reminder.
func NoReminders() Policy {
	return Policy{Name: "sans rappels", NameEN: "no reminders", Reminders: store.Reminders{Off: true}, Outreach: OutreachNone}
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
	if p.BookingDays < 0 || p.BookingDays > 14 {
		return p, fmt.Errorf("policy %s: booking_days is %d, between 1 and 14", path, p.BookingDays)
	}
	switch p.Outreach {
	case "", OutreachNone, OutreachREP, OutreachAll:
	default:
		return p, fmt.Errorf("policy %s: outreach is %q: none, rep or all (outreach_colleges lists more collèges)", path, p.Outreach)
	}
	if p.Outreach == "" {
		p.Outreach = OutreachNone
	}
	for _, uai := range p.OutreachColleges {
		if len(uai) != 8 {
			return p, fmt.Errorf("policy %s: outreach_colleges: %q is no UAI code (8 characters, 0751234A)", path, uai)
		}
	}
	return p, nil
}
