package store_test

import (
	"context"
	"testing"

	"stagebot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestMigrationsApplyAndDatabasesAreIsolated(t *testing.T) {
	ctx := context.Background()
	a := storetest.New(t)
	b := storetest.New(t)
	if _, err := a.DB().ExecContext(ctx, `INSERT INTO sectors (name) VALUES ('Mode')`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.DB().GetContext(ctx, &n, `SELECT count(*) FROM sectors`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("second database sees %d sectors of the first", n)
	}
}
