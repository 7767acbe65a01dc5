// Package store keeps everything stagebot knows in Postgres: the catalog of schools and offers,
// students and parents, applications, conversations, inbound messages and the outbox.
//
// Every method takes a context first. Reads and writes are plain SQL, one file per entity. The same
// methods run on the pool (Store) and inside a transaction (Tx), through the embedded Conn.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("store: not found")

// Conn holds the entity methods; it runs them on whatever it wraps (the pool or a transaction).
type Conn struct {
	q      sqlx.ExtContext
	wake   *waker
	queued *Lanes // in a transaction: the lanes messages were queued in, whose senders are woken after the commit
}

// Store is the Postgres pool and the entry point to transactions.
type Store struct {
	Conn
	db    *sqlx.DB
	wake  *waker
	stmts *statements
}

// Tx is one database transaction with all the entity methods.
type Tx struct {
	Conn
}

// Open connects to databaseURL and checks the connection.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	db, err := sqlx.Open("postgres", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	// As many kept open as may be used: a pool that closes what it just opened makes Postgres start a
	// backend process for every burst (under load, most of the CPU went there).
	db.SetMaxOpenConns(40)
	db.SetMaxIdleConns(40)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return New(db), nil
}

// New wraps an open pool.
func New(db *sqlx.DB) *Store {
	w := newWaker(db)
	stmts := newStatements(db)
	return &Store{Conn: Conn{q: prepared{ExtContext: db, stmts: stmts}, wake: w}, db: db, wake: w, stmts: stmts}
}

// DB returns the underlying pool.
func (s *Store) DB() *sqlx.DB { return s.db }

// Close closes the pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// InTx runs fn in one transaction: committed when fn returns nil, rolled back otherwise.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	var queued Lanes
	tx := &Tx{Conn: Conn{q: prepared{ExtContext: sqlTx, stmts: s.stmts, tx: sqlTx}, wake: s.wake, queued: &queued}}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", err)
	}
	if queued.any() {
		s.wake.queued(queued)
	}
	return nil
}

// get runs a single-row query into dest, turning "no rows" into ErrNotFound.
func (c Conn) get(ctx context.Context, dest any, query string, args ...any) error {
	err := sqlx.GetContext(ctx, c.q, dest, query, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// IsUniqueViolation reports whether err is Postgres refusing a duplicate key.
func IsUniqueViolation(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505"
}

// all runs a many-row query into dest, a pointer to a slice.
func (c Conn) all(ctx context.Context, dest any, query string, args ...any) error {
	return sqlx.SelectContext(ctx, c.q, dest, query, args...)
}

// Savepoint runs fn inside a savepoint of the transaction: when fn fails, what it did is undone and
// the transaction goes on; its error is returned.
func (tx *Tx) Savepoint(ctx context.Context, fn func() error) error {
	if _, err := tx.q.ExecContext(ctx, `SAVEPOINT step`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rbErr := tx.q.ExecContext(ctx, `ROLLBACK TO SAVEPOINT step`); rbErr != nil {
			return errors.Join(err, fmt.Errorf("rollback to savepoint: %w", rbErr))
		}
		return err
	}
	if _, err := tx.q.ExecContext(ctx, `RELEASE SAVEPOINT step`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}
