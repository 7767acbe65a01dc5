package domain

import "time"

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
