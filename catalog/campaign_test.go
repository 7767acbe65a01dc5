package catalog_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stagebot/catalog"
	"stagebot/store/storetest"
)

const sampleCampaign = "../testdata/campaign-sample.toml"

func TestImportCampaignSample(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	c, err := catalog.ImportCampaign(ctx, s, sampleCampaign)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.CampaignByName(ctx, "Ville de Paris 2026-2027")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != c.ID || len(got.Weeks) != 9 || got.REPRelease == nil || got.REPRelease.Format(time.DateOnly) != "2027-01-04" ||
		got.ApplicationsOpen.Format(time.DateOnly) != "2026-11-02" || got.MaxApplications != 5 {
		t.Errorf("campaign %+v", got)
	}
	current, err := s.CurrentCampaign(ctx, time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC))
	if err != nil || current.Name != c.Name {
		t.Errorf("in force on 5 January 2027: %q, %v", current.Name, err)
	}
	if text := catalog.DescribeCampaign(got); !strings.Contains(text, "2026-12-07, 2026-12-14, 2027-01-11") ||
		strings.Contains(text, "booking") || got.DirectBooking || got.BookingDays != 3 {
		t.Errorf("description %q, booking %v %d", text, got.DirectBooking, got.BookingDays)
	}
	// Direct booking, as the file turns it on.
	raw, err := os.ReadFile(sampleCampaign)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "campaign.toml")
	if err := os.WriteFile(path, []byte(strings.Replace(strings.Replace(string(raw), "direct_booking = false",
		"direct_booking = true", 1), "booking_days = 3", "booking_days = 5", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := catalog.ImportCampaign(ctx, s, path); err != nil {
		t.Fatal(err)
	}
	rules, err := s.RulesOn(ctx, time.Date(2027, 1, 5, 12, 0, 0, 0, time.UTC))
	if err != nil || rules.BookingDays != 5 {
		t.Errorf("rules %+v, %v: want 5 booking days", rules, err)
	}
}

func TestCampaignFileMistakes(t *testing.T) {
	raw, err := os.ReadFile(sampleCampaign)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ from, to, want string }{
		"misspelt key":   {"confirm_days", "confirm_dayz", "unknown keys: confirm_dayz"},
		"a holiday week": {"2027-03-29]", "2027-03-29, 2026-12-21]", "2026-12-21 falls in the Paris school holidays"},
		"a Tuesday":      {"2027-03-29]", "2027-03-30]", "is a Tuesday, not a Monday"},
		"bad date":       {"purge_on = 2027-06-30", "purge_on = \"30/06/2027\"", "purge_on"},
		"purge too soon": {"purge_on = 2027-06-30", "purge_on = 2027-03-20", "must come after the last stage week"},
		"booking days":   {"booking_days = 3", "booking_days = 30", "booking_days must be 1 to 14"},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "campaign.toml")
			if err := os.WriteFile(path, []byte(strings.Replace(string(raw), tc.from, tc.to, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := catalog.ReadCampaign(path); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
