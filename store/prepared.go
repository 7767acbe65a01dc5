package store

import (
	"context"
	"database/sql"
	"sync"

	"github.com/jmoiron/sqlx"
)

// maxPrepared caps the statements kept prepared: a query whose text is built on the fly (a list of
// a given length, say) runs unprepared once the cap is reached.
const maxPrepared = 400

// statements are the pool's prepared statements, by query text. Each is prepared on a connection
// the first time it runs there, and kept: a query then costs one round trip (Bind, Execute) and no
// parsing, where an unprepared one with arguments costs two (Parse and Describe, then Bind and
// Execute) and is parsed and planned every time.
type statements struct {
	db *sqlx.DB
	mu sync.RWMutex
	m  map[string]*sqlx.Stmt
}

func newStatements(db *sqlx.DB) *statements {
	return &statements{db: db, m: map[string]*sqlx.Stmt{}}
}

// stmt is the prepared statement for query, or nil when the cap is reached.
func (s *statements) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	s.mu.RLock()
	st, ok := s.m[query]
	n := len(s.m)
	s.mu.RUnlock()
	if ok || n >= maxPrepared {
		return st, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.m[query]; ok {
		return st, nil
	}
	st, err := s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s.m[query] = st
	return st, nil
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
	if len(args) == 0 || p.stmts == nil {
		return nil, nil
	}
	st, err := p.stmts.stmt(ctx, query)
	if err != nil || st == nil {
		return nil, err
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
