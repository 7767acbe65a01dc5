package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// maxPrepared caps the statements kept prepared: a query whose text is built on the fly (a list of
// a given length, say) runs unprepared once the cap is reached.
const maxPrepared = 400

// plannedEachTime starts a query whose best plan depends on its arguments (a search: which filters
// are set, how common its words are). Such a query is never prepared, so that Postgres plans it for
// the arguments it runs with: a prepared statement is planned for any arguments after five runs
// (a generic plan), and the generic plan of a search read 1,518 offer weeks against every host in
// turn (50 ms instead of 7).
const plannedEachTime = "-- planned each time for its arguments\n"

// statements are the pool's prepared statements, by query text. A query is prepared the first time
// it runs, in the background, and runs unprepared until it is ready; from then on it is prepared once
// on each connection it runs on, and kept: a query then costs one round trip (Bind, Execute) and no
// parsing, where an unprepared one with arguments costs two (Parse and Describe, then Bind and
// Execute) and is parsed and planned every time. Nothing waits for a preparation: preparing on the
// pool needs a connection of its own, and a caller holding one in a transaction while every other
// is held the same way would wait for ever.
type statements struct {
	db *sqlx.DB
	mu sync.Mutex
	m  map[string]*sqlx.Stmt // nil while it is being prepared
}

func newStatements(db *sqlx.DB) *statements {
	return &statements{db: db, m: map[string]*sqlx.Stmt{}}
}

// stmt is the prepared statement for query, or nil while it is not ready (or the cap is reached).
func (s *statements) stmt(query string) *sqlx.Stmt {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, known := s.m[query]
	if known || len(s.m) >= maxPrepared {
		return st
	}
	s.m[query] = nil
	go s.prepare(query)
	return nil
}

// prepare prepares query on the pool; a query that fails to prepare is tried again the next time
// it runs.
func (s *statements) prepare(query string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := s.db.PreparexContext(ctx, query)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		delete(s.m, query)
		return
	}
	s.m[query] = st
}

// prepared runs the queries that take arguments as prepared statements, on the pool (tx nil) or in
// a transaction; the others go as they are.
type prepared struct {
	sqlx.ExtContext // the pool or the transaction
	stmts           *statements
	tx              *sqlx.Tx
}

// stmt is query's prepared statement, bound to the transaction if there is one; nil to run it as
// it is.
func (p prepared) stmt(ctx context.Context, query string, args []any) (*sqlx.Stmt, error) {
	if len(args) == 0 || p.stmts == nil || strings.HasPrefix(query, plannedEachTime) {
		return nil, nil
	}
	st := p.stmts.stmt(query)
	if st == nil {
		return nil, nil
	}
	if p.tx != nil {
		return p.tx.StmtxContext(ctx, st), nil
	}
	return st, nil
}

func (p prepared) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query, args)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.ExtContext.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (p prepared) QueryxContext(ctx context.Context, query string, args ...any) (*sqlx.Rows, error) {
	st, err := p.stmt(ctx, query, args)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.ExtContext.QueryxContext(ctx, query, args...)
	}
	return st.QueryxContext(ctx, args...)
}

func (p prepared) QueryRowxContext(ctx context.Context, query string, args ...any) *sqlx.Row {
	st, err := p.stmt(ctx, query, args)
	if err != nil || st == nil {
		// A statement that fails to prepare fails the same way unprepared: its error comes with the row.
		return p.ExtContext.QueryRowxContext(ctx, query, args...)
	}
	return st.QueryRowxContext(ctx, args...)
}

func (p prepared) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.stmt(ctx, query, args)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return p.ExtContext.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}
