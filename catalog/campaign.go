package catalog

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"stagebot/agreement"
	"stagebot/calendar"
	"stagebot/store"
)

// campaignFile is a season as the City writes it (docs/campaign.md): TOML, with dates written as
// TOML local dates (2027-01-11).
type campaignFile struct {
	Name              string          `toml:"name"`
	ApplicationsOpen  time.Time       `toml:"applications_open"`
	ApplicationsClose time.Time       `toml:"applications_close"`
	REPRelease        *time.Time      `toml:"rep_release"`
	PurgeOn           time.Time       `toml:"purge_on"`
	Weeks             []time.Time     `toml:"weeks"`
	MaxApplications   int             `toml:"max_applications"`
	ConfirmDays       int             `toml:"confirm_days"`
	DeadlineDays      int             `toml:"deadline_days"`
	Reminders         store.Reminders `toml:"reminders"`
	Territory         []string        `toml:"territory"`
	AgreementTemplate string          `toml:"agreement_template"`
	ParentsToSign     int             `toml:"parents_to_sign"`
	DirectBooking     bool            `toml:"direct_booking"`
	BookingDays       int             `toml:"booking_days"`
}

// ReadCampaign reads a campaign file and checks it. An unknown key fails the file, so that a misspelt
// rule is not silently ignored; so do weeks that are not Mondays or fall in the Paris school
// holidays.
func ReadCampaign(path string) (store.Campaign, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return store.Campaign{}, fmt.Errorf("campaign file: %w", err)
	}
	var f campaignFile
	meta, err := toml.Decode(string(raw), &f)
	if err != nil {
		return store.Campaign{}, fmt.Errorf("campaign file %s: %w", path, err)
	}
	if undecoded := meta.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = k.String()
		}
		return store.Campaign{}, fmt.Errorf("campaign file %s: unknown keys: %s", path, strings.Join(keys, ", "))
	}
	c := store.Campaign{Name: f.Name, ApplicationsOpen: dayOnly(f.ApplicationsOpen),
		ApplicationsClose: dayOnly(f.ApplicationsClose), PurgeOn: dayOnly(f.PurgeOn),
		MaxApplications: f.MaxApplications, ConfirmDays: f.ConfirmDays, DeadlineDays: f.DeadlineDays,
		Reminders: f.Reminders, Territory: f.Territory, AgreementTemplate: f.AgreementTemplate, ParentsToSign: f.ParentsToSign,
		DirectBooking: f.DirectBooking, BookingDays: f.BookingDays}
	if f.REPRelease != nil {
		d := dayOnly(*f.REPRelease)
		c.REPRelease = &d
	}
	for _, w := range f.Weeks {
		c.Weeks = append(c.Weeks, dayOnly(w))
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("campaign file %s: %w", path, err)
	}
	if _, err := agreement.TemplateOf(c.AgreementTemplate); err != nil {
		return c, fmt.Errorf("campaign file %s: agreement_template: %w", path, err)
	}
	schools, err := calendar.ParisSchools()
	if err != nil {
		return c, err
	}
	for _, w := range c.Weeks {
		if holiday, _ := schools.HolidayWeek(w); holiday {
			return c, fmt.Errorf("campaign file %s: stage week %s falls in the Paris school holidays", path,
				w.Format(time.DateOnly))
		}
	}
	return c, nil
}

// ImportCampaign reads a campaign file and saves it (replacing the campaign of the same name).
func ImportCampaign(ctx context.Context, s *store.Store, path string) (store.Campaign, error) {
	c, err := ReadCampaign(path)
	if err != nil {
		return c, err
	}
	if c.ID, err = s.SaveCampaign(ctx, c); err != nil {
		return c, err
	}
	return c, nil
}

// dayOnly keeps the calendar day of a date read from the file, as midnight UTC.
func dayOnly(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// DescribeCampaign tells a campaign's calendar and rules, for the command line.
func DescribeCampaign(c store.Campaign) string {
	var b strings.Builder
	fmt.Fprintf(&b, "campaign %q: applications from %s to %s", c.Name, c.ApplicationsOpen.Format(time.DateOnly),
		c.ApplicationsClose.Format(time.DateOnly))
	if c.REPRelease != nil {
		fmt.Fprintf(&b, "; reserved places open to all from %s", c.REPRelease.Format(time.DateOnly))
	} else {
		b.WriteString("; reserved places never open to all")
	}
	fmt.Fprintf(&b, "; personal data purged on %s\n", c.PurgeOn.Format(time.DateOnly))
	weeks := make([]string, len(c.Weeks))
	for i, w := range c.Weeks {
		weeks[i] = w.Format(time.DateOnly)
	}
	fmt.Fprintf(&b, "stage weeks: %s\n", strings.Join(weeks, ", "))
	fmt.Fprintf(&b, "rules: %d applications at once, %d days to confirm a place, deadlines %d days before each week",
		c.MaxApplications, c.ConfirmDays, c.DeadlineDays)
	if c.DirectBooking {
		fmt.Fprintf(&b, "; direct booking of the City's places (the host may decline within %d days)", c.BookingDays)
	}
	return b.String()
}
