package bot_test

import (
	"context"
	"testing"
	"time"

	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/store"
	"stagebot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// demoCatalog fills a template database with the shipped Paris collèges and the demo catalog, seeded
// on the tests' day.
func demoCatalog(ctx context.Context, s *store.Store) error {
	if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
		return err
	}
	if _, err := catalog.ImportEmbeddedSectors(ctx, s); err != nil {
		return err
	}
	_, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: transcriptClock()})
	return err
}

// transcriptClock is the time the workflow's tests happen at, the demo catalog's day included: a
// Sunday morning in Paris. Nothing compares it with the day the tests run.
func transcriptClock() time.Time {
	return time.Date(2026, 11, 29, 10, 0, 0, 0, calendar.Paris())
}
