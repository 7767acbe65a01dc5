package domain

import (
	"slices"
	"time"
)

// AgreementState is where a stage's agreement (the convention de stage) stands. The happy path is
// draft → completed → checked → signing → signed.
type AgreementState string

// The agreement states.
const (
	AgreementDraft     AgreementState = "draft"     // created with the confirmed stage: the host's part is missing
	AgreementCompleted AgreementState = "completed" // the host gave the hours and the activities
	AgreementChecked   AgreementState = "checked"   // the collège checked it and named the referent teacher
	AgreementSigning   AgreementState = "signing"   // everything is known: the parties sign
	AgreementSigned    AgreementState = "signed"    // signed by everyone who must
	AgreementCancelled AgreementState = "cancelled" // the stage was called off
)

// AgreementStates lists every agreement state, in the order of the journey.
func AgreementStates() []AgreementState {
	return []AgreementState{AgreementDraft, AgreementCompleted, AgreementChecked, AgreementSigning, AgreementSigned,
		AgreementCancelled}
}

// BySchool is a collège's staff, who check and sign agreements (applications know no such actor).
const BySchool Actor = "school"

// AgreementTransition is one move the agreements' table allows.
type AgreementTransition struct {
	From  AgreementState
	To    AgreementState
	Actor Actor
}

// AgreementTransitions is the one table of who may move an agreement. The system creates it with the
// confirmed stage; the host completes it (hours, activities); the collège checks it; the system opens
// the signatures once every name is known, closes them when the last party signed, reopens them when
// a change voids the signatures, and cancels the agreement with its stage. The database holds the same
// table (store/migrations, checked by a test).
func AgreementTransitions() []AgreementTransition {
	out := []AgreementTransition{
		{"", AgreementDraft, BySystem},
		{AgreementDraft, AgreementCompleted, ByHost},
		{AgreementCompleted, AgreementChecked, BySchool},
		{AgreementChecked, AgreementSigning, BySystem},
		{AgreementSigning, AgreementSigned, BySystem},
		{AgreementSigned, AgreementSigning, BySystem},
	}
	for _, s := range []AgreementState{AgreementDraft, AgreementCompleted, AgreementChecked, AgreementSigning, AgreementSigned} {
		out = append(out, AgreementTransition{s, AgreementCancelled, BySystem})
	}
	return out
}

// CanMoveAgreement reports whether actor may move an agreement from one state to another.
func CanMoveAgreement(from, to AgreementState, actor Actor) bool {
	return slices.Contains(AgreementTransitions(), AgreementTransition{from, to, actor})
}

// Open reports whether an agreement in state s is still being prepared or signed (not signed, not
// cancelled).
func (s AgreementState) Open() bool {
	return s != AgreementSigned && s != AgreementCancelled
}

// Signatory is a party who signs an agreement.
type Signatory string

// The signatories, in the order the document lists them.
const (
	SignSchool  Signatory = "school"  // the collège's principal (chef d'établissement)
	SignHost    Signatory = "host"    // the host structure's representative
	SignStudent Signatory = "student" // the student
	SignParent  Signatory = "parent"  // the legal representative stagebot knows (who consented)
	SignParent2 Signatory = "parent2" // a second legal representative, when the campaign asks for both
)

// Signatories lists them in the document's order.
func Signatories() []Signatory {
	return []Signatory{SignSchool, SignHost, SignStudent, SignParent, SignParent2}
}

// AgreementNeed is something an agreement still lacks, and whom it is asked of.
type AgreementNeed string

// The needs, in the order they are met.
const (
	NeedHours       AgreementNeed = "hours"        // the host: the hours of each day
	NeedActivities  AgreementNeed = "activities"   // the host: what the student will see and do
	NeedStudentName AgreementNeed = "student_name" // the student (or the collège's list): their last name
	NeedParentName  AgreementNeed = "parent_name"  // the parent: their name
	NeedParent2     AgreementNeed = "parent2"      // the parent: the other legal representative's number (campaign with two)
	NeedReferent    AgreementNeed = "referent"     // the collège: the referent teacher
	NeedCheck       AgreementNeed = "check"        // the collège: its check
	NeedSignatures  AgreementNeed = "signatures"   // the parties who have not signed
)

// AgreementView is an agreement as a party sees it in a message: where it stands, what it lacks and
// from whom, who signed, and a one-time link to read it (and sign it, or fill the host's part).
type AgreementView struct {
	ID       int64
	Ref      int64 // its stage's application: the reference hosts know
	State    AgreementState
	Student  string // "Zinedine K."
	First    string // "Zinedine"
	Host     string
	Offer    string
	Week     time.Time
	Needs    []AgreementNeed
	Signed   []Signatory
	Unsigned []Signatory // who must still sign, in order
	Schedule *Schedule   // the hours, once the host gave them
	You      Signatory   // the party it is shown to
	Link     string      // a one-time link for that party ("" when none could be made)
}

// YouSigned reports whether the party it is shown to signed.
func (v AgreementView) YouSigned() bool { return slices.Contains(v.Signed, v.You) }
