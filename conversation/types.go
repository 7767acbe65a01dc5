package conversation

import (
	"time"

	"stagebot/domain"
)

// pageSize is how many search results one message shows on the channel.
func pageSize(c domain.Channel) int {
	if c == domain.Telegram {
		return 5
	}
	return 3
}

// maxResults is how many of the best results a search lets a student page through with Plus: past
// them, a more precise search does better than more pages.
const maxResults = 12

// Input is one thing that happened in a conversation: a message from the person, or the answer to
// the Effect the machine asked for in its previous step (Result set, text empty).
type Input struct {
	Channel domain.Channel
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
	Replies []domain.Reply
	Effects []Effect
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
	Numbers  []string  `json:"numbers,omitempty"` // numbers of those choices, same order: typing one picks it
	Profile  Profile   `json:"profile"`
	Search   Search    `json:"search"`
	OfferID  int64     `json:"offer_id,omitempty"`       // the offer being looked at or applied to
	AppID    int64     `json:"application_id,omitempty"` // the application being looked at
	Question *Question `json:"question,omitempty"`       // the host question being answered
	Resume   State     `json:"resume,omitempty"`         // where to go back after a detour (AIDE, LANGUE, SUPPRIMER)
	Attempts int       `json:"attempts,omitempty"`       // unexpected answers in a row in this state
	Query    string    `json:"query,omitempty"`          // the collège name last typed, to look it up again
	Host     string    `json:"host,omitempty"`           // the host of the offer being looked at, named after applying
	Family   string    `json:"family,omitempty"`         // the family of sectors being browsed
	Full     bool      `json:"full,omitempty"`           // the offer is shown with all its details
	Fix      Fix       `json:"fix,omitempty"`            // a sign-up answer being corrected, or the profile being changed
	Before   *Profile  `json:"before,omitempty"`         // the profile as saved, while it is being changed
	Draft    string    `json:"draft,omitempty"`          // an answer to a host waiting for the student's go
	Lead     string    `json:"lead,omitempty"`           // what to say before the next reply, when a step asked before replying
}

// Fix says why a sign-up question is asked again: to correct an answer before saving (back to the
// summary after it), or to change the profile of a registered student (saved after it).
type Fix string

// The reasons.
const (
	FixNone    Fix = ""
	FixSignup  Fix = "signup"
	FixProfile Fix = "profile"
)

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
	ParentLang  string     `json:"parent_lang,omitempty"` // the language to write to the parent in
}

// Search is the student's current search and where they are in its results.
type Search struct {
	Filters domain.Filters `json:"filters"`
	Page    int            `json:"page,omitempty"` // from 0
	Total   int            `json:"total,omitempty"`
}

// Effect is something the machine asks the world to do. Effects that answer (noted on each type)
// are fed back to the machine as the next Input's Result; a step asks at most one of those, last.
type Effect interface{ isEffect() }

// Result is the answer to an asking Effect.
type Result interface{ isResult() }

// FindSchools looks collèges up by UAI code or (typo-tolerant) name. Answers SchoolsFound.
type FindSchools struct{ Query string }

// ListFamilies lists the families of sectors in which the student's search would find offers, in
// their order. Answers FamiliesFound.
type ListFamilies struct{ StudentID int64 }

// FindSectors lists the sectors of a family in which the student's search would find offers.
// Answers SectorsFound.
type FindSectors struct {
	StudentID int64
	Family    string
}

// Register saves the student, their parent, and links them to this conversation. Answers Registered.
type Register struct {
	Profile Profile
	Lang    string
}

// SearchOffers searches offers open in the student's week with a place left for them. Answers OffersFound.
type SearchOffers struct {
	StudentID int64
	Filters   domain.Filters
	Page      int // from 0
	PageSize  int
}

// ChangeProfile saves a registered student's changed collège, week or parent (a new parent is asked
// to agree). Answers ProfileChanged.
type ChangeProfile struct{ Profile Profile }

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

// Withdraw withdraws one of the student's live applications. A confirmed stage is withdrawn only
// when Stage says the student asked for that in words that cannot be an accident. Answers Withdrawn.
type Withdraw struct {
	StudentID     int64
	ApplicationID int64
	Stage         bool
}

// SetLanguage records the person's language. Does not answer.
type SetLanguage struct{ Lang string }

// SetStopped records that the person sent STOP (true) or START (false). Does not answer.
type SetStopped struct{ Stopped bool }

// Erase deletes the student's data: profile, applications, messages. Does not answer.
type Erase struct{ StudentID int64 }

func (FindSchools) isEffect()      {}
func (ListFamilies) isEffect()     {}
func (FindSectors) isEffect()      {}
func (ChangeProfile) isEffect()    {}
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
type SchoolsFound struct{ Schools []domain.School }

// FamiliesFound answers ListFamilies.
type FamiliesFound struct{ Families []domain.Family }

// SectorsFound answers FindSectors, by name.
type SectorsFound struct {
	Family  string
	Sectors []domain.Sector
}

// ProfileChanged answers ChangeProfile: Profile is the profile as saved (unchanged with a Problem);
// Withdrawn counts the applications for the former week withdrawn; ParentStopped says the new
// parent's number sent STOP to stagebot and cannot be asked.
type ProfileChanged struct {
	Problem       domain.Problem
	Profile       Profile
	Withdrawn     int
	NewParent     bool       // the parent's number changed: the new parent is asked to agree
	ParentStopped bool       //
	ParentAskedAt *time.Time // with NewParent: when the SMS to the parent leaves, when it waits for the sending hours
}

// Registered answers Register. ParentStopped says the parent's number sent STOP to stagebot: they
// cannot be asked to agree.
type Registered struct {
	StudentID     int64
	ParentStopped bool
	ParentAskedAt *time.Time // when the SMS to the parent leaves, when it waits for the sending hours (nil: now)
}

// OffersFound answers SearchOffers with one page and the total count.
type OffersFound struct {
	Offers []domain.OfferSummary
	Total  int
}

// WeekChecked answers CheckWeek: the weeks ahead that have open offers, in order; the season's
// stage weeks still ahead (nil when no season is in force: any school week then); and the school
// holiday the week asked about falls in, by its name in the calendar ("Hiver"; "" when none).
type WeekChecked struct {
	Week    time.Time // the week asked about
	Open    []domain.WeekOffers
	Stage   []time.Time
	Holiday string
}

// OfferFound answers ShowOffer; Offer is nil when it no longer exists (or may not be shown).
type OfferFound struct{ Offer *domain.OfferDetail }

// Applied answers Apply.
type Applied struct {
	ApplicationID int64
	Problem       domain.Problem
	Sent          bool       // the parent had agreed: it went to the host straight away
	OpensOn       *time.Time // with ApplyNotOpen: the day applications open
}

// ApplicationsFound answers ListApplications.
type ApplicationsFound struct{ Applications []domain.ApplicationSummary }

// Withdrawn answers Withdraw; OK is false when the application was not live any more.
type Withdrawn struct{ OK bool }

func (SchoolsFound) isResult()      {}
func (FamiliesFound) isResult()     {}
func (SectorsFound) isResult()      {}
func (ProfileChanged) isResult()    {}
func (Registered) isResult()        {}
func (OffersFound) isResult()       {}
func (WeekChecked) isResult()       {}
func (OfferFound) isResult()        {}
func (Applied) isResult()           {}
func (ApplicationsFound) isResult() {}
func (Withdrawn) isResult()         {}
