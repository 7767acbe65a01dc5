package domain_test

import (
	"fmt"
	"testing"

	"stagebot/domain"
)

// CanMove is the transitions table: every state, target and actor.
func TestTransitions(t *testing.T) {
	states := []domain.ApplicationState{domain.Draft, domain.AwaitingParent, domain.Sent, domain.Accepted, domain.Confirmed,
		domain.Declined, domain.Withdrawn, domain.Cancelled, domain.Expired}
	actors := []domain.Actor{domain.ByStudent, domain.ByParent, domain.ByHost, domain.BySystem}
	allowed := map[string]bool{}
	for _, m := range []string{
		"draft>awaiting_parent:student",
		"awaiting_parent>sent:parent",
		"sent>accepted:host", "sent>declined:host", "sent>declined:system",
		"accepted>confirmed:student",
		"awaiting_parent>cancelled:system", "sent>cancelled:system", "accepted>cancelled:system",
		"awaiting_parent>expired:system", "sent>expired:system", "accepted>expired:system",
		// Direct booking: the system books, the host may still decline a booking.
		"sent>accepted:system", "accepted>declined:host", "confirmed>declined:host",
	} {
		allowed[m] = true
	}
	for _, from := range []domain.ApplicationState{domain.Draft, domain.AwaitingParent, domain.Sent, domain.Accepted, domain.Confirmed} {
		allowed[string(from)+">withdrawn:student"] = true
		allowed[string(from)+">withdrawn:parent"] = true
	}
	n := 0
	for _, from := range states {
		for _, to := range states {
			for _, actor := range actors {
				m := fmt.Sprintf("%s>%s:%s", from, to, actor)
				if got := domain.CanMove(from, to, actor); got != allowed[m] {
					t.Errorf("CanMove %s = %v", m, got)
				}
				if allowed[m] {
					n++
				}
			}
		}
	}
	if n != len(allowed) {
		t.Errorf("%d allowed moves checked, table lists %d", n, len(allowed))
	}
	for _, s := range states {
		if live := s == domain.Draft || s == domain.AwaitingParent || s == domain.Sent || s == domain.Accepted ||
			s == domain.Confirmed; s.Live() != live {
			t.Errorf("%s live = %v", s, s.Live())
		}
	}

}

// The sets derived from the table.
func TestDerivedSets(t *testing.T) {
	for _, tt := range []struct {
		name string
		is   func(domain.ApplicationState) bool
		want string
	}{
		{"live", domain.ApplicationState.Live, "[draft awaiting_parent sent accepted confirmed]"},
		{"reached the host", domain.ApplicationState.ReachedHost, "[sent accepted confirmed]"},
		{"holds a place", domain.ApplicationState.HoldsPlace, "[accepted confirmed]"},
		{"in progress", domain.ApplicationState.InProgress, "[awaiting_parent sent accepted]"},
	} {
		if got := fmt.Sprint(domain.StatesWhere(tt.is)); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	if domain.ApplicationState("").Live() || domain.ApplicationState("odd").Live() {
		t.Error("an unknown state is live")
	}
}
