package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// The database holds the same transitions table as the code (domain.Transitions), row for row.
func TestDatabaseTransitionsAreTheCodes(t *testing.T) {
	s := storetest.New(t)
	var rows []string
	if err := s.DB().SelectContext(context.Background(), &rows, `SELECT from_state || '>' || to_state || ':' || actor
		FROM application_transitions ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, tr := range domain.Transitions() {
		want = append(want, fmt.Sprintf("%s>%s:%s", tr.From, tr.To, tr.Actor))
	}
	slices.Sort(want)
	if !slices.Equal(rows, want) {
		t.Errorf("database transitions\n%s\ncode's\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
}

// The index that keeps one live application per student and offer lists the code's live states.
func TestLiveIndexUsesTheLiveStates(t *testing.T) {
	s := storetest.New(t)
	var def string
	if err := s.DB().GetContext(context.Background(), &def, `SELECT pg_get_indexdef('applications_live'::regclass)`); err != nil {
		t.Fatal(err)
	}
	for _, st := range domain.ApplicationStates() {
		if in := strings.Contains(def, "'"+string(st)+"'"); in != st.Live() {
			t.Errorf("applications_live lists %s: %v, live: %v (%s)", st, in, st.Live(), def)
		}
	}
}

// A move that is not in the table is refused by the database itself, whoever writes it.
func TestDatabaseRefusesAMoveNotInTheTable(t *testing.T) {
	w := newWorld(t)
	app := w.apply(w.consenting("Léa", false), w.offer(w.host(store.EmployerPublic), "Musée", 1, 0))
	if _, err := w.s.DB().ExecContext(w.ctx, `UPDATE applications SET state = 'confirmed' WHERE id = $1`, app); err == nil ||
		!strings.Contains(err.Error(), "not an allowed move") {
		t.Errorf("sent → confirmed written directly: %v", err)
	}
	if _, err := w.s.DB().ExecContext(w.ctx, `INSERT INTO application_events (application_id, from_state, to_state, actor, at)
		VALUES ($1, 'sent', 'accepted', 'student', now())`, app); err == nil {
		t.Error("a student accepting their own application was recorded")
	}
	if w.state(app) != domain.Sent {
		t.Errorf("state %s", w.state(app))
	}
}
