package domain

import (
	"slices"
	"strings"
	"time"
)

// The views the conversation shows: what the store reads for it, as it shows them.

// School is a collège as the conversation sees it.
type School struct {
	UAI       string
	Name      string
	Commune   string
	Priority  string // "none", "REP" or "REP+"
	StageWeek *time.Time
}

// Sector is an ONISEP career sector.
type Sector struct {
	ID     int
	Name   string
	Offers int // offers a search finds in it, when counted
}

// Family is a family of sectors, browsed before its sectors; its name is in the message catalogs
// ("family_" + Key).
type Family struct {
	Key    string
	Offers int // offers a search finds in it
}

// Filters narrow a search. The student's week and the places left always apply.
type Filters struct {
	Keyword        string `json:"keyword,omitempty"`
	SectorID       int    `json:"sector_id,omitempty"`
	SectorName     string `json:"sector_name,omitempty"`
	Arrondissement int    `json:"arrondissement,omitempty"` // 1 to 20, 0 for all
	Kind           string `json:"kind,omitempty"`           // "city", "ess" or "" for both
}

// Browsing reports whether the filters narrow nothing: every offer of the week is looked for.
func (f Filters) Browsing() bool {
	return strings.TrimSpace(f.Keyword) == "" && f.SectorID == 0 && f.Arrondissement == 0 && f.Kind == ""
}

// CountedUpTo is how far a search with no filter at all counts the offers of a week: past it, the
// student is told "more than 500", and the offers shown are the best of the first ones found (a
// student sees a dozen at most, and a week at a hundred thousand offers is not counted one by one).
const CountedUpTo = 500

// OfferSummary is one line of search results.
type OfferSummary struct {
	ID             int64
	Title          string
	HostName       string
	Kind           string // "city" or "ess"
	Arrondissement int
	PlacesLeft     int
}

// OfferDetail is everything a student may read about an offer before applying.
type OfferDetail struct {
	OfferSummary
	Description    string
	Sector         string
	Address        string
	DailyHours     string
	Deadline       *time.Time // the last day to apply for the student's week, when the offer runs then
	Week           time.Time  // the student's week, when the offer runs then
	RunsInWeek     bool       // the offer runs in the student's week
	AlreadyApplied bool       // the student has a live application to it
	Problem        Problem    // why the student may not apply to it now; NoProblem when they may
	OpensOn        *time.Time // with ProblemNotOpen: the day applications open
}

// ApplicationSummary is one of the student's applications.
type ApplicationSummary struct {
	ID         int64
	OfferID    int64
	OfferTitle string
	HostName   string
	Week       time.Time
	State      ApplicationState
	Full       bool // declined because the offer filled up, not by the host
	CreatedAt  time.Time
	Stage      StageDetails // where to go, once the host took the student (accepted or confirmed)
	// Agreement is the stage's agreement, once confirmed: where it stands (nil before).
	Agreement *AgreementView
}

// StageDetails are what a student needs to go to their stage: where, the hours, and whom to ask for
// on arrival (a name, never a phone number).
type StageDetails struct {
	Address string
	Hours   string
	Contact string
}

// WeekOffers is a stage week and how many offers it has open.
type WeekOffers struct {
	Week   time.Time
	Offers int
}

// SearchStatus is where a student's search for a stage stands, in the words of a collège's staff:
// one status a student, the most advanced their applications reached.
type SearchStatus string

// The statuses, in the order of the journey.
const (
	NotSignedUp    SearchStatus = "not_signed_up"    // on the collège's list, not on stagebot yet
	NoApplication  SearchStatus = "no_application"   // signed up, nothing in progress
	WaitingParent  SearchStatus = "waiting_parent"   // applications wait for the parent's agreement
	ParentRefused  SearchStatus = "parent_refused"   // the parent said no (or withdrew their agreement)
	WaitingHosts   SearchStatus = "waiting_hosts"    // applications went, no answer yet
	PlaceToConfirm SearchStatus = "place_to_confirm" // a host took them: the student must confirm
	StageConfirmed SearchStatus = "stage_confirmed"  // their stage
)

// SearchStatuses lists the statuses in the order of the journey.
func SearchStatuses() []SearchStatus {
	return []SearchStatus{NotSignedUp, NoApplication, WaitingParent, ParentRefused, WaitingHosts, PlaceToConfirm,
		StageConfirmed}
}

// StatusOf is where a signed-up student's search stands, from their parent's consent and the states
// of their applications: the most advanced application decides, then the parent's refusal.
func StatusOf(consent Consent, states []ApplicationState) SearchStatus {
	has := func(s ApplicationState) bool { return slices.Contains(states, s) }
	switch {
	case has(Confirmed):
		return StageConfirmed
	case has(Accepted):
		return PlaceToConfirm
	case has(Sent):
		return WaitingHosts
	case consent.Refused():
		return ParentRefused
	case has(AwaitingParent) || has(Draft):
		return WaitingParent
	}
	return NoApplication
}
