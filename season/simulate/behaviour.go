package simulate

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Behaviour is how the synthetic people of a season behave. Every figure is an assumption, not a
// measure (Assumptions says so, one line each); a TOML file with the same keys changes them
// (LoadBehaviour).
type Behaviour struct {
	// Uptake is the share of a collège's 3e students who look for their stage with stagebot.
	Uptake float64 `toml:"uptake"`
	// SMS and WhatsApp are the shares of those students who write on SMS and on WhatsApp; the rest
	// write on Telegram.
	SMS      float64 `toml:"sms"`
	WhatsApp float64 `toml:"whatsapp"`
	// SignUpMeanDays is the mean time, in days, between the campaign's opening and a student's first
	// message (exponential; a student signs up at the latest 16 days before their week).
	SignUpMeanDays float64 `toml:"signup_mean_days"`
	// ApplicationsREP and ApplicationsOther are the mean number of searches a student makes on their
	// own, each ending in an application if an offer fits: students of REP/REP+ collèges, and the
	// others (at least one each).
	ApplicationsREP   float64 `toml:"applications_rep"`
	ApplicationsOther float64 `toml:"applications_other"`
	// ApplyEveryDays is the time between a student's own searches, in days.
	ApplyEveryDays float64 `toml:"apply_every_days"`
	// Views is how many offers of the results a student looks at in a search before applying.
	Views int `toml:"views"`
	// NudgeREP and NudgeOther are the chances that a student searches again when a message invites
	// them to (a request expired or declined, a reminder with offers), for each of up to
	// MaxNudged invitations.
	NudgeREP   float64 `toml:"nudge_rep"`
	NudgeOther float64 `toml:"nudge_other"`
	MaxNudged  int     `toml:"max_nudged"`
	// ParentAsks are the shares of parents who answer the request to agree at the first message, at
	// the first reminder, at the second…; the rest never answer. ParentDelayHours is the mean time
	// they take (exponential); ParentAgree the share who agree.
	ParentAsks       []float64 `toml:"parent_asks"`
	ParentDelayHours float64   `toml:"parent_delay_hours"`
	ParentAgree      float64   `toml:"parent_agree"`
	// HostAsks are the shares of host structures that answer a request at the request itself, at
	// the first reminder, at the second…; the rest never answer. HostDelayDays is the mean time they
	// take (exponential, at most a week); HostAccept the chance they accept a request.
	HostAsks      []float64 `toml:"host_asks"`
	HostDelayDays float64   `toml:"host_delay_days"`
	HostAccept    float64   `toml:"host_accept"`
	// ConfirmAsks are the shares of students who confirm a place a host accepted at the acceptance,
	// at the first reminder…; the rest never do. ConfirmDelayHours is the mean time they take.
	ConfirmAsks       []float64 `toml:"confirm_asks"`
	ConfirmDelayHours float64   `toml:"confirm_delay_hours"`
	// Review is the share of students who give a mark after their stage.
	Review float64 `toml:"review"`
	// AgreementStudentAsks, AgreementParentAsks and AgreementHostAsks are the shares of students,
	// parents and hosts who do their part of a stage's agreement (a name, the hours, their signature)
	// at the first message asking, at the first reminder…; the rest never do. AgreementDelayHours is
	// the mean time they take. SchoolAgreementDays is how long a collège lets an agreement wait on
	// its page before it checks it, or before its principal signs it.
	AgreementStudentAsks []float64 `toml:"agreement_student_asks"`
	AgreementParentAsks  []float64 `toml:"agreement_parent_asks"`
	AgreementHostAsks    []float64 `toml:"agreement_host_asks"`
	AgreementDelayHours  float64   `toml:"agreement_delay_hours"`
	SchoolAgreementDays  int       `toml:"school_agreement_days"`
	// OutreachUptake, OutreachSignUpMeanDays and OutreachApplyEveryDays replace Uptake,
	// SignUpMeanDays and ApplyEveryDays for the students of a collège that relays the service (a
	// policy's outreach): it prints the invitations, and its staff nudge the students without a
	// place from their page every week.
	OutreachUptake         float64 `toml:"outreach_uptake"`
	OutreachSignUpMeanDays float64 `toml:"outreach_signup_mean_days"`
	OutreachApplyEveryDays float64 `toml:"outreach_apply_every_days"`
	// BookingDecline is the share of bookings (a policy's direct booking) a City service declines
	// within its days, when it reads the message at all (HostAsks' first share).
	BookingDecline float64 `toml:"booking_decline"`
}

// DefaultBehaviour is the behaviour assumed when nothing says otherwise.
func DefaultBehaviour() Behaviour {
	return Behaviour{Uptake: 0.3, SMS: 0.55, WhatsApp: 0.35, SignUpMeanDays: 10,
		ApplicationsREP: 2, ApplicationsOther: 3, ApplyEveryDays: 1.5, Views: 2,
		NudgeREP: 0.45, NudgeOther: 0.6, MaxNudged: 3,
		ParentAsks: []float64{0.72, 0.12, 0.06}, ParentDelayHours: 10, ParentAgree: 0.95,
		HostAsks: []float64{0.45, 0.2, 0.1}, HostDelayDays: 1.5, HostAccept: 0.7,
		ConfirmAsks: []float64{0.78, 0.14}, ConfirmDelayHours: 12, Review: 0.3,
		AgreementStudentAsks: []float64{0.6, 0.2, 0.1}, AgreementParentAsks: []float64{0.55, 0.2, 0.1},
		AgreementHostAsks: []float64{0.5, 0.2, 0.1}, AgreementDelayHours: 18, SchoolAgreementDays: 3,
		OutreachUptake: 0.6, OutreachSignUpMeanDays: 5, OutreachApplyEveryDays: 1, BookingDecline: 0.1}
}

// Assumption is one behaviour figure and its value; the report says in plain words what it assumes
// (locales: report_assumption_ and its key).
type Assumption struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Assumptions lists every figure of b, in the order the report gives them.
func (b Behaviour) Assumptions() []Assumption {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	l := func(v []float64) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = f(x)
		}
		return "[" + strings.Join(s, ", ") + "]"
	}
	return []Assumption{
		{"uptake", f(b.Uptake)}, {"outreach_uptake", f(b.OutreachUptake)},
		{"sms", f(b.SMS)}, {"whatsapp", f(b.WhatsApp)},
		{"signup_mean_days", f(b.SignUpMeanDays)}, {"outreach_signup_mean_days", f(b.OutreachSignUpMeanDays)},
		{"applications_rep", f(b.ApplicationsREP)}, {"applications_other", f(b.ApplicationsOther)},
		{"apply_every_days", f(b.ApplyEveryDays)}, {"outreach_apply_every_days", f(b.OutreachApplyEveryDays)},
		{"views", strconv.Itoa(b.Views)},
		{"nudge_rep", f(b.NudgeREP)}, {"nudge_other", f(b.NudgeOther)}, {"max_nudged", strconv.Itoa(b.MaxNudged)},
		{"parent_asks", l(b.ParentAsks)}, {"parent_delay_hours", f(b.ParentDelayHours)}, {"parent_agree", f(b.ParentAgree)},
		{"host_asks", l(b.HostAsks)}, {"host_delay_days", f(b.HostDelayDays)}, {"host_accept", f(b.HostAccept)},
		{"booking_decline", f(b.BookingDecline)},
		{"confirm_asks", l(b.ConfirmAsks)}, {"confirm_delay_hours", f(b.ConfirmDelayHours)}, {"review", f(b.Review)},
		{"agreement_student_asks", l(b.AgreementStudentAsks)}, {"agreement_parent_asks", l(b.AgreementParentAsks)},
		{"agreement_host_asks", l(b.AgreementHostAsks)}, {"agreement_delay_hours", f(b.AgreementDelayHours)},
		{"school_agreement_days", strconv.Itoa(b.SchoolAgreementDays)},
	}
}

// LoadBehaviour reads a TOML file that changes some figures of the default behaviour. An unknown
// key fails it.
func LoadBehaviour(path string) (Behaviour, error) {
	b := DefaultBehaviour()
	data, err := os.ReadFile(path)
	if err != nil {
		return b, fmt.Errorf("behaviour: %w", err)
	}
	meta, err := toml.Decode(string(data), &b)
	if err != nil {
		return b, fmt.Errorf("behaviour %s: %w", path, err)
	}
	if undecoded := meta.Undecoded(); len(undecoded) > 0 {
		return b, fmt.Errorf("behaviour %s: unknown key %s", path, undecoded[0])
	}
	return b, b.Check()
}

// Check reports figures out of their range.
func (b Behaviour) Check() error {
	var errs []error
	share := func(name string, v float64) {
		if v < 0 || v > 1 {
			errs = append(errs, fmt.Errorf("%s is %g: a share is between 0 and 1", name, v))
		}
	}
	shares := func(name string, v []float64) {
		sum := 0.0
		for _, x := range v {
			share(name, x)
			sum += x
		}
		if sum > 1+1e-9 {
			errs = append(errs, fmt.Errorf("%s add up to %g, more than 1", name, sum))
		}
	}
	positive := func(name string, v float64) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s is %g: it must be more than 0", name, v))
		}
	}
	share("uptake", b.Uptake)
	share("sms", b.SMS)
	share("whatsapp", b.WhatsApp)
	if b.SMS+b.WhatsApp > 1+1e-9 {
		errs = append(errs, errors.New("sms and whatsapp add up to more than 1"))
	}
	positive("signup_mean_days", b.SignUpMeanDays)
	if b.ApplicationsREP < 1 || b.ApplicationsOther < 1 {
		errs = append(errs, errors.New("applications_rep and applications_other are at least 1"))
	}
	positive("apply_every_days", b.ApplyEveryDays)
	if b.Views < 1 || b.Views > 8 {
		errs = append(errs, fmt.Errorf("views is %d: between 1 and 8", b.Views))
	}
	share("nudge_rep", b.NudgeREP)
	share("nudge_other", b.NudgeOther)
	if b.MaxNudged < 0 || b.MaxNudged > 10 {
		errs = append(errs, fmt.Errorf("max_nudged is %d: between 0 and 10", b.MaxNudged))
	}
	shares("parent_asks", b.ParentAsks)
	positive("parent_delay_hours", b.ParentDelayHours)
	share("parent_agree", b.ParentAgree)
	shares("host_asks", b.HostAsks)
	positive("host_delay_days", b.HostDelayDays)
	share("host_accept", b.HostAccept)
	shares("confirm_asks", b.ConfirmAsks)
	positive("confirm_delay_hours", b.ConfirmDelayHours)
	share("review", b.Review)
	shares("agreement_student_asks", b.AgreementStudentAsks)
	shares("agreement_parent_asks", b.AgreementParentAsks)
	shares("agreement_host_asks", b.AgreementHostAsks)
	positive("agreement_delay_hours", b.AgreementDelayHours)
	share("outreach_uptake", b.OutreachUptake)
	positive("outreach_signup_mean_days", b.OutreachSignUpMeanDays)
	positive("outreach_apply_every_days", b.OutreachApplyEveryDays)
	share("booking_decline", b.BookingDecline)
	if b.SchoolAgreementDays < -1 || b.SchoolAgreementDays > 30 {
		errs = append(errs, fmt.Errorf("school_agreement_days is %d: between 0 and 30 (-1: the collèges never act)", b.SchoolAgreementDays))
	}
	return errors.Join(errs...)
}
