package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Migrations returns the embedded SQL migrations.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		panic(err) // the embedded path is fixed at compile time
	}
	return sub
}

// Migrate applies every pending migration. A Postgres session lock makes replicas that start
// together apply each migration once.
func (s *Store) Migrate(ctx context.Context) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, Migrations(), goose.WithSessionLocker(locker))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// Wipe empties every table of the schema but what the migrations wrote (their record, and the
// allowed moves of the applications and the agreements): the schema stays, the data goes. It is the
// demo's "start again" (the demo seeds again after it); nothing else calls it.
func (s *Store) Wipe(ctx context.Context) error {
	var tables []string
	if err := s.db.SelectContext(ctx, &tables, `SELECT quote_ident(tablename) FROM pg_tables
		WHERE schemaname = current_schema() AND tablename <> $1 AND tablename NOT LIKE '%\_transitions' ORDER BY 1`, goose.DefaultTablename); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	if len(tables) == 0 {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `TRUNCATE `+strings.Join(tables, ", ")+` RESTART IDENTITY CASCADE`); err != nil {
		return fmt.Errorf("wipe: %w", err)
	}
	return nil
}
