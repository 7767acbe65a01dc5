package store

import (
	"strings"
	"testing"
)

// The triggers that keep the places taken on each offer week (migration 00011) name the states
// holding a place in SQL: they must be the domain's.
func TestTakenPlacesTriggersUseTheStatesHoldingAPlace(t *testing.T) {
	sql, err := migrations.ReadFile("migrations/00011_search_at_scale.sql")
	if err != nil {
		t.Fatal(err)
	}
	want := placeStates()
	if got := strings.Count(string(sql), want); got < 4 {
		t.Errorf("the migration names %s %d times, want it in every place-holding test (4)", want, got)
	}
	if strings.Count(string(sql), "('accepted', 'confirmed')") != strings.Count(string(sql), want) {
		t.Errorf("the domain's states holding a place are %s, the migration's differ", want)
	}
}
