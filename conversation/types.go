package conversation

import "time"

// Channel is how a person reaches stagebot. SMS and WhatsApp show choices as a numbered menu,
// Telegram as buttons.
type Channel string

// The channels.
const (
	SMS      Channel = "sms"
	WhatsApp Channel = "whatsapp"
	Telegram Channel = "telegram"
)

// PageSize is how many search results one message shows on the channel.
func (c Channel) PageSize() int {
	if c == Telegram {
		return 5
	}
	return 3
}

// Input is one thing that happened in a conversation: a message from the person, or the answer to
// the Effect the machine asked for in its previous step (Result set, text empty).
type Input struct {
	Channel Channel
	Address string    // the person's E.164 number, or Telegram chat id
	Text    string    // what the person typed, as received
	Choice  string    // the key of a button the person pressed (Telegram), empty otherwise
	Media   bool      // the message carried a photo, sticker, voice note… and no text we read
	Start   string    // a Telegram /start deep-link payload (a collège's UAI code), empty otherwise
	Now     time.Time // the clock, injected
	Result  Result    // the answer to the last asking Effect, nil for a person's message
}

// Output is what one step decided: the session to save, the replies to send, the effects to carry
// out (in order, in the same transaction as the step).
type Output struct {
	Session Session
	Replies []Reply
	Effects []Effect
}

// Reply is one message to the person, channel-neutral. The bot package renders it.
type Reply struct {
	Text    string   `json:"text"`
	Choices []Choice `json:"choices,omitempty"`
}

// Choice is one option offered with a reply: a button on Telegram, a numbered line on SMS. The
// person picks it by its number (its position, from 1), its label, or by pressing its button.
type Choice struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// State is where the person is in the conversation. It is saved as a string.
type State string

// Session is the conversation's saved memory between two messages.
type Session struct {
	State    State     `json:"state"`
	Lang     string    `json:"lang"`
	Stopped  bool      `json:"stopped,omitempty"` // STOP/ARRET received: stay silent until START
	Choices  []string  `json:"choices,omitempty"` // keys of the choices last offered, in order
	Labels   []string  `json:"labels,omitempty"`  // labels of those choices, same order: typing one picks it
	Profile  Profile   `json:"profile"`
	Search   Search    `json:"search"`
	OfferID  int64     `json:"offer_id,omitempty"`       // the offer being looked at or applied to
	AppID    int64     `json:"application_id,omitempty"` // the application being looked at
	Question *Question `json:"question,omitempty"`       // the host question being answered
	Resume   State     `json:"resume,omitempty"`         // where to go back after a detour (AIDE, LANGUE, SUPPRIMER)
	Attempts int       `json:"attempts,omitempty"`       // unexpected answers in a row in this state
	Query    string    `json:"query,omitempty"`          // the collège or sector name last typed, to look it up again
	Host     string    `json:"host,omitempty"`           // the host of the offer being looked at, named after applying
}

// Profile is the student's sign-up answers; StudentID is set once they are saved.
type Profile struct {
	StudentID   int64      `json:"student_id,omitempty"`
	FirstName   string     `json:"first_name,omitempty"`
	LastInitial string     `json:"last_initial,omitempty"` // only the initial of the family name is kept
	SchoolUAI   string     `json:"school_uai,omitempty"`   // empty for a collège typed by name and not in the list; a code to look up while SchoolName is empty
	SchoolName  string     `json:"school_name,omitempty"`
	Priority    string     `json:"priority,omitempty"`    // "none", "REP" or "REP+"
	SchoolWeek  *time.Time `json:"school_week,omitempty"` // the collège's stage week, if known
	Week        time.Time  `json:"week,omitempty"`        // the student's stage week (a Monday)
	BirthMonth  time.Time  `json:"birth_month,omitempty"` // first day of the month of birth
	ParentPhone string     `json:"parent_phone,omitempty"`
}

// Search is the student's current search and where they are in its results.
type Search struct {
	Filters Filters `json:"filters"`
	Page    int     `json:"page,omitempty"` // from 0
	Total   int     `json:"total,omitempty"`
}

// Filters narrow a search. The student's week and the places left always apply.
type Filters struct {
	Keyword        string `json:"keyword,omitempty"`
	SectorID       int    `json:"sector_id,omitempty"`
	SectorName     string `json:"sector_name,omitempty"`
	Arrondissement int    `json:"arrondissement,omitempty"` // 1 to 20, 0 for all
	Kind           string `json:"kind,omitempty"`           // "city", "ess" or "" for both
}

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
	ID   int
	Name string
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
}

// ApplicationSummary is one of the student's applications.
type ApplicationSummary struct {
	ID         int64
	OfferID    int64
	OfferTitle string
	HostName   string
	Week       time.Time
	State      string // see store: draft, awaiting_parent, sent, accepted, confirmed, declined, withdrawn, cancelled, expired
	CreatedAt  time.Time
}

// Effect is something the machine asks the world to do. Effects that answer (noted on each type)
// are fed back to the machine as the next Input's Result; a step asks at most one of those, last.
type Effect interface{ isEffect() }

// Result is the answer to an asking Effect.
type Result interface{ isResult() }

// FindSchools looks collèges up by UAI code or (typo-tolerant) name. Answers SchoolsFound.
type FindSchools struct{ Query string }

// FindSectors looks sectors up by (typo-tolerant) name. Answers SectorsFound.
type FindSectors struct{ Query string }

// Register saves the student, their parent, and links them to this conversation. Answers Registered.
type Register struct {
	Profile Profile
	Lang    string
}

// SearchOffers searches offers open in the student's week with a place left for them. Answers OffersFound.
type SearchOffers struct {
	StudentID int64
	Filters   Filters
	Page      int // from 0
	PageSize  int
}

// CheckWeek counts, for a student signing up, the offers open in each stage week still ahead (a place
// left for a student of that kind, the deadline not passed). Answers WeekChecked.
type CheckWeek struct {
	Week time.Time // the week the student picked
	REP  bool      // the student's collège is REP or REP+
}

// ShowOffer reads one offer for the student. Answers OfferFound.
type ShowOffer struct {
	StudentID int64
	OfferID   int64
}

// Apply creates an application to an offer for the student's week. Answers Applied.
type Apply struct {
	StudentID  int64
	OfferID    int64
	Motivation string
}

// ListApplications lists the student's applications, live ones first. Answers ApplicationsFound.
type ListApplications struct{ StudentID int64 }

// Withdraw withdraws one of the student's live applications. Answers Withdrawn.
type Withdraw struct {
	StudentID     int64
	ApplicationID int64
}

// SetLanguage records the person's language. Does not answer.
type SetLanguage struct{ Lang string }

// SetStopped records that the person sent STOP (true) or START (false). Does not answer.
type SetStopped struct{ Stopped bool }

// Erase deletes the student's data: profile, applications, messages. Does not answer.
type Erase struct{ StudentID int64 }

func (FindSchools) isEffect()      {}
func (FindSectors) isEffect()      {}
func (Register) isEffect()         {}
func (SearchOffers) isEffect()     {}
func (CheckWeek) isEffect()        {}
func (ShowOffer) isEffect()        {}
func (Apply) isEffect()            {}
func (ListApplications) isEffect() {}
func (Withdraw) isEffect()         {}
func (SetLanguage) isEffect()      {}
func (SetStopped) isEffect()       {}
func (Erase) isEffect()            {}

// SchoolsFound answers FindSchools, best match first (at most 5).
type SchoolsFound struct{ Schools []School }

// SectorsFound answers FindSectors, best match first (at most 5).
type SectorsFound struct{ Sectors []Sector }

// Registered answers Register. ParentStopped says the parent's number sent STOP to stagebot: they
// cannot be asked to agree.
type Registered struct {
	StudentID     int64
	ParentStopped bool
}

// OffersFound answers SearchOffers with one page and the total count.
type OffersFound struct {
	Offers []OfferSummary
	Total  int
}

// WeekChecked answers CheckWeek: the weeks ahead that have open offers, in order.
type WeekChecked struct {
	Week time.Time // the week asked about
	Open []WeekOffers
}

// WeekOffers is a stage week and how many offers it has open.
type WeekOffers struct {
	Week   time.Time
	Offers int
}

// OfferFound answers ShowOffer; Offer is nil when it no longer exists.
type OfferFound struct{ Offer *OfferDetail }

// ApplyProblem says why an application was not made.
type ApplyProblem string

// The reasons an application is refused; empty means it was made.
const (
	ApplyOK        ApplyProblem = ""
	ApplyAlready   ApplyProblem = "already"    // a live application to this offer exists
	ApplyFull      ApplyProblem = "full"       // no place left for this student in their week
	ApplyNotWeek   ApplyProblem = "not_week"   // the offer does not run in the student's week
	ApplyClosed    ApplyProblem = "closed"     // the deadline has passed
	ApplyTooMany   ApplyProblem = "too_many"   // the student has the most live applications allowed
	ApplyNotFound  ApplyProblem = "not_found"  // the offer is gone
	ApplyPlaced    ApplyProblem = "placed"     // the student already has a confirmed stage
	ApplyNoConsent ApplyProblem = "no_consent" // the parent refused or withdrew their consent
	ApplyTooYoung  ApplyProblem = "too_young"  // under 14 in their week: only a public employer may take them
	ApplyNotOpen   ApplyProblem = "not_open"   // the season's applications have not opened yet
)

// Applied answers Apply.
type Applied struct {
	ApplicationID int64
	Problem       ApplyProblem
	Sent          bool       // the parent had agreed: it went to the host straight away
	OpensOn       *time.Time // with ApplyNotOpen: the day applications open
}

// ApplicationsFound answers ListApplications.
type ApplicationsFound struct{ Applications []ApplicationSummary }

// Withdrawn answers Withdraw; OK is false when the application was not live any more.
type Withdrawn struct{ OK bool }

func (SchoolsFound) isResult()      {}
func (SectorsFound) isResult()      {}
func (Registered) isResult()        {}
func (OffersFound) isResult()       {}
func (WeekChecked) isResult()       {}
func (OfferFound) isResult()        {}
func (Applied) isResult()           {}
func (ApplicationsFound) isResult() {}
func (Withdrawn) isResult()         {}
