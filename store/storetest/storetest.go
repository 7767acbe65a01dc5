// Package storetest gives each test its own migrated Postgres database, copied from a template so
// that it is fast, and dropped when the test ends. Tests never share rows.
//
// A test package calls Main from its TestMain. With DATABASE_URL set, databases are made on that
// server (its user must be allowed to create databases); without it, Main starts a throwaway
// cluster with the installed PostgreSQL binaries and stops it at the end.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"stagebot/store"
	"stagebot/store/localpg"
)

// Prepare fills a template database once per test process (for example with the demo catalog).
type Prepare func(ctx context.Context, s *store.Store) error

type server struct {
	admin     *sqlx.DB
	urlFor    func(database string) string
	mu        sync.Mutex
	templates map[string]string // name → template database
	prefix    string
}

var current *server // set by Main for the life of the test binary

// Main runs the package's tests with a Postgres server to make databases on.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	srv := &server{templates: map[string]string{}, prefix: "t" + randomHex(4)}
	if base := os.Getenv("DATABASE_URL"); base != "" {
		srv.urlFor = func(db string) string { return withDatabase(base, db) }
	} else {
		cluster, err := localpg.Start(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "storetest: no DATABASE_URL and no local Postgres:", err)
			return 2
		}
		defer cluster.Stop()
		srv.urlFor = cluster.URL
	}
	admin, err := sqlx.Open("postgres", srv.urlFor("postgres"))
	if err == nil {
		err = admin.PingContext(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "storetest: connect:", err)
		return 2
	}
	srv.admin = admin
	current = srv
	code := m.Run()
	for _, tmpl := range srv.templates {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(tmpl))
	}
	admin.Close()
	return code
}

// New returns a store on a new, migrated, empty database of its own.
func New(t testing.TB) *store.Store {
	return NewFrom(t, "empty", nil)
}

// NewFrom returns a store on a new database copied from the template called name, which prepare
// fills once per test process on top of the migrations.
func NewFrom(t testing.TB, name string, prepare Prepare) *store.Store {
	t.Helper()
	srv := current
	if srv == nil {
		t.Fatal("storetest: call storetest.Main from the package's TestMain")
	}
	ctx := context.Background()
	tmpl, err := srv.template(ctx, name, prepare)
	if err != nil {
		t.Fatalf("storetest: template %s: %v", name, err)
	}
	dbName := srv.prefix + "_" + randomHex(6)
	if _, err := srv.admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s",
		pq.QuoteIdentifier(dbName), pq.QuoteIdentifier(tmpl))); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	s, err := store.Open(ctx, srv.urlFor(dbName))
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() {
		s.Close()
		_, _ = srv.admin.ExecContext(context.Background(),
			"DROP DATABASE IF EXISTS "+pq.QuoteIdentifier(dbName)+" WITH (FORCE)")
	})
	return s
}

// URL returns the connection string of a database on the test server, for code that opens a pool
// of its own (a second replica, a listener); ask Postgres for current_database() to name a test's.
func URL(database string) string { return current.urlFor(database) }

func (srv *server) template(ctx context.Context, name string, prepare Prepare) (string, error) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if tmpl, ok := srv.templates[name]; ok {
		return tmpl, nil
	}
	tmpl := srv.prefix + "_tmpl_" + name
	if _, err := srv.admin.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(tmpl)); err != nil {
		return "", fmt.Errorf("create: %w", err)
	}
	srv.templates[name] = tmpl
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	s, err := store.Open(ctx, srv.urlFor(tmpl))
	if err != nil {
		return "", err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return "", err
	}
	if prepare != nil {
		if err := prepare(ctx, s); err != nil {
			return "", fmt.Errorf("prepare: %w", err)
		}
	}
	return tmpl, nil
}

// withDatabase replaces the database name in a connection string, a URL (postgres://…/name) or
// key=value pairs (dbname=name).
func withDatabase(conninfo, database string) string {
	if u, err := url.Parse(conninfo); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + database
		return u.String()
	}
	var parts []string
	for _, f := range strings.Fields(conninfo) {
		if !strings.HasPrefix(f, "dbname=") {
			parts = append(parts, f)
		}
	}
	return strings.Join(append(parts, "dbname="+database), " ")
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
