package store

import (
	"strings"

	"stagebot/domain"
)

// The application states as SQL reads them: every list comes from the one vocabulary
// (domain.Transitions and the sets derived from it), never written out by hand.

// sqlState is one state as an SQL literal: 'sent'. States are the domain's constants, never input.
func sqlState(s domain.ApplicationState) string { return "'" + string(s) + "'" }

// sqlStates is the states for which is reports true, as an SQL list: ('sent', 'accepted').
func sqlStates(is func(domain.ApplicationState) bool) string {
	var quoted []string
	for _, s := range domain.StatesWhere(is) {
		quoted = append(quoted, sqlState(s))
	}
	return "(" + strings.Join(quoted, ", ") + ")"
}

// liveStates are the states of an application still in progress or holding a stage.
func liveStates() string { return sqlStates(domain.ApplicationState.Live) }

// placeStates are the states of an application holding one of the offer week's places.
func placeStates() string { return sqlStates(domain.ApplicationState.HoldsPlace) }

// reachedStates are the states of an application its host may read and write about.
func reachedStates() string { return sqlStates(domain.ApplicationState.ReachedHost) }

// inProgressStates are the states of a live application that is not yet the student's stage.
func inProgressStates() string { return sqlStates(domain.ApplicationState.InProgress) }
