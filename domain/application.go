package domain

import "slices"

// ApplicationState is where an application stands.
type ApplicationState string

// The application states. The happy path is draft → awaiting_parent → sent → accepted → confirmed.
const (
	Draft          ApplicationState = "draft"           // prepared by the student, not submitted
	AwaitingParent ApplicationState = "awaiting_parent" // submitted; waits for the parent's agreement
	Sent           ApplicationState = "sent"            // transmitted to the host
	Accepted       ApplicationState = "accepted"        // the host took the student; a place is held
	Confirmed      ApplicationState = "confirmed"       // the student confirmed: their stage
	Declined       ApplicationState = "declined"        // the host said no
	Withdrawn      ApplicationState = "withdrawn"       // the student (or the parent) withdrew it
	Cancelled      ApplicationState = "cancelled"       // the student confirmed another stage
	Expired        ApplicationState = "expired"         // nobody answered in time
)

// ApplicationStates lists every state, in the order of the journey.
func ApplicationStates() []ApplicationState {
	return []ApplicationState{Draft, AwaitingParent, Sent, Accepted, Confirmed, Declined, Withdrawn, Cancelled, Expired}
}

// Actor is who moves an application.
type Actor string

// The actors.
const (
	ByStudent Actor = "student"
	ByParent  Actor = "parent"
	ByHost    Actor = "host"
	BySystem  Actor = "system"
)

// Transition is one move the table allows: From to To, by Actor. From is "" for the creation.
type Transition struct {
	From  ApplicationState
	To    ApplicationState
	Actor Actor
}

// Transitions is the one table of who may move an application from one state to another. The
// student creates an application (awaiting the parent's agreement); the parent's agreement sends
// it to the host; the parent withdraws every live application when they refuse or withdraw their
// consent; the system declines a sent application when the offer is full, cancels the others when
// the student confirms a stage, and expires those left unanswered or unconfirmed. Where the campaign
// lets students book the City's places directly, the system accepts a sent application at once (a
// booking) and the host may still decline it, accepted or confirmed, within the campaign's booking
// days (the store checks the days). The database holds the same table and refuses any other move
// (store/migrations, checked by a test).
//
// It is a function, so that nothing can change the table.
func Transitions() []Transition {
	return []Transition{
		{"", AwaitingParent, ByStudent},
		{Draft, AwaitingParent, ByStudent},
		{Draft, Withdrawn, ByStudent}, {Draft, Withdrawn, ByParent},
		{AwaitingParent, Sent, ByParent},
		{AwaitingParent, Withdrawn, ByStudent}, {AwaitingParent, Withdrawn, ByParent},
		{AwaitingParent, Expired, BySystem}, {AwaitingParent, Cancelled, BySystem},
		{Sent, Accepted, ByHost}, {Sent, Accepted, BySystem},
		{Sent, Declined, ByHost}, {Sent, Declined, BySystem},
		{Sent, Withdrawn, ByStudent}, {Sent, Withdrawn, ByParent},
		{Sent, Expired, BySystem}, {Sent, Cancelled, BySystem},
		{Accepted, Confirmed, ByStudent},
		{Accepted, Withdrawn, ByStudent}, {Accepted, Withdrawn, ByParent},
		{Accepted, Expired, BySystem}, {Accepted, Cancelled, BySystem}, {Accepted, Declined, ByHost},
		{Confirmed, Withdrawn, ByStudent}, {Confirmed, Withdrawn, ByParent}, {Confirmed, Declined, ByHost},
	}
}

// CanMove reports whether actor may move an application from one state to another.
func CanMove(from, to ApplicationState, actor Actor) bool {
	return slices.Contains(Transitions(), Transition{from, to, actor})
}

// Live reports whether an application in state s is still in progress or holds a stage: a state
// the table lets it leave. A student has one live application per offer, and can withdraw any
// live one.
func (s ApplicationState) Live() bool {
	for _, t := range Transitions() {
		if t.From == s && s != "" {
			return true
		}
	}
	return false
}

// ReachedHost reports whether an application in state s went to its host with the parent's
// agreement (sent, accepted, confirmed): the host may read and write about it, and is told when it
// ends.
func (s ApplicationState) ReachedHost() bool {
	return s == Sent || s == Accepted || s == Confirmed
}

// HoldsPlace reports whether an application in state s takes one of the offer week's places
// (accepted or confirmed).
func (s ApplicationState) HoldsPlace() bool { return s == Accepted || s == Confirmed }

// InProgress reports whether an application in state s is live but not yet the student's stage: it
// is cancelled when the student confirms another one, and may expire.
func (s ApplicationState) InProgress() bool { return s.Live() && s != Confirmed && s != Draft }

// StatesWhere lists the states, in journey order, for which is reports true (for SQL lists).
func StatesWhere(is func(ApplicationState) bool) []ApplicationState {
	var out []ApplicationState
	for _, s := range ApplicationStates() {
		if is(s) {
			out = append(out, s)
		}
	}
	return out
}

// Consent is a parent's answer for their child.
type Consent string

// The consents.
const (
	ConsentPending   Consent = "pending"   // not answered yet: applications wait in awaiting_parent
	ConsentGranted   Consent = "granted"   // applications go to the host
	ConsentRefused   Consent = "refused"   // the parent said no: no application
	ConsentWithdrawn Consent = "withdrawn" // the parent had said yes, then took it back: no application
)

// Refused reports whether the parent said no, at first or later.
func (c Consent) Refused() bool { return c == ConsentRefused || c == ConsentWithdrawn }

// RelayDirection is which way a relayed message went.
type RelayDirection string

// The directions.
const (
	HostToStudent RelayDirection = "host_to_student"
	StudentToHost RelayDirection = "student_to_host"
)

// ReminderKind names a reminder; with its subject and due date it makes the reminder's unique key.
type ReminderKind string

// The reminders, with whom each goes to.
const (
	ReminderHostWaiting     ReminderKind = "host_waiting"     // host: the requests waiting for its answer
	ReminderRequestExpired  ReminderKind = "request_expired"  // student, parent, host: a request unanswered for too long expired
	ReminderUnsentExpired   ReminderKind = "unsent_expired"   // student and parent: an application the parent never agreed to, past its deadline
	ReminderConfirm         ReminderKind = "confirm"          // student (and parent): confirm the place a host accepted
	ReminderConsent         ReminderKind = "consent"          // parent: their child waits for their answer
	ReminderConsentSlow     ReminderKind = "consent_slow"     // student: talk to your parent, or your collège
	ReminderFewApplications ReminderKind = "few_applications" // student: apply to more offers, here are some
	ReminderStillLooking    ReminderKind = "still_looking"    // student: weeks before the stage, offers that fit
	ReminderStageSoon       ReminderKind = "stage_soon"       // student and parent: the stage starts in a week, or tomorrow (host: tomorrow)
	ReminderFeedback        ReminderKind = "feedback"         // student and host: how did it go?
	ReminderRelease         ReminderKind = "release"          // student: places reserved for REP/REP+ are open to all now
	ReminderPurge           ReminderKind = "purge"            // nobody: the season's personal data is erased
	ReminderAgreement       ReminderKind = "agreement"        // whoever has not done their part of the agreement or signed it: days before the stage
	ReminderAgreementLate   ReminderKind = "agreement_late"   // student and parent: the agreement is not signed days before the stage, what to do
)

// ReminderKinds lists the reminders, in the order of a season.
func ReminderKinds() []ReminderKind {
	return []ReminderKind{ReminderConsent, ReminderConsentSlow, ReminderFewApplications, ReminderHostWaiting,
		ReminderRequestExpired, ReminderUnsentExpired, ReminderConfirm, ReminderRelease, ReminderStillLooking, ReminderAgreement,
		ReminderAgreementLate, ReminderStageSoon, ReminderFeedback, ReminderPurge}
}
