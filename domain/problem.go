package domain

// Problem says why a request was not carried out: an application, a host's answer, a confirmation.
// The empty problem means it was.
type Problem string

// The problems.
const (
	NoProblem          Problem = ""
	ProblemAlready     Problem = "already"      // a live application to this offer exists
	ProblemFull        Problem = "full"         // no place left for this student in their week
	ProblemNotWeek     Problem = "not_week"     // the offer does not run in the student's week
	ProblemClosed      Problem = "closed"       // the deadline has passed, or the season's applications closed
	ProblemTooMany     Problem = "too_many"     // the student has the most live applications allowed
	ProblemNotFound    Problem = "not_found"    // no such offer or application, or not the asker's to act on
	ProblemPlaced      Problem = "placed"       // the student already has a confirmed stage
	ProblemNoConsent   Problem = "no_consent"   // the parent refused or withdrew their consent
	ProblemTooYoung    Problem = "too_young"    // under 14 in their week: only a public employer may take them
	ProblemNotOpen     Problem = "not_open"     // the season's applications have not opened yet
	ProblemNotPending  Problem = "not_pending"  // the application is not waiting for the host's answer (sent)
	ProblemNotAccepted Problem = "not_accepted" // the application is not accepted (or already confirmed)
	ProblemExpired     Problem = "expired"      // too late to confirm: the application expired
)
