package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"stagebot/domain"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Campaign is one season of stages, as the City sets it: its stage weeks, when applications open and
// close, the day places reserved for REP/REP+ students open to all, the day the season's personal
// data is purged, and its rules. Days are calendar days (midnight UTC of the day in Paris).
type Campaign struct {
	ID                int64      `db:"id"`
	Name              string     `db:"name"`
	ApplicationsOpen  time.Time  `db:"applications_open"`
	ApplicationsClose time.Time  `db:"applications_close"`
	REPRelease        *time.Time `db:"rep_release"` // nil: reserved places never open to all
	PurgeOn           time.Time  `db:"purge_on"`
	MaxApplications   int        `db:"max_applications"`   // live applications a student may have at once
	ConfirmDays       int        `db:"confirm_days"`       // days to confirm a place a host accepted
	DeadlineDays      int        `db:"deadline_days"`      // an offer week's default deadline: this many days before it
	Reminders         Reminders  `db:"reminders"`          // when the reminders go
	Territory         Territory  `db:"territory"`          // the départements whose collèges it is for; empty: anywhere
	AgreementTemplate string     `db:"agreement_template"` // the version of the agreement's text (agreement/templates); "" the default
	ParentsToSign     int        `db:"parents_to_sign"`    // legal representatives who sign the agreement: 1, or 2
	// DirectBooking lets a student take a place in a City service at once: the application is
	// accepted as it goes (a booking), and the host may still decline it for BookingDays days.
	DirectBooking bool        `db:"direct_booking"`
	BookingDays   int         `db:"booking_days"` // default DefaultBookingDays
	Weeks         []time.Time `db:"-"`            // the stage weeks (Mondays), in order
}

// Territory lists département codes ("75", "2A").
type Territory = pq.StringArray

// Reminders are a campaign's reminder delays, in days (weeks where said). A delay left at zero takes
// its default (DefaultReminders); a list, its default list.
type Reminders struct {
	HostWaiting       []int `json:"host_waiting,omitempty" toml:"host_waiting"`             // after a request went: its host is reminded (3, 7)
	HostExpiry        int   `json:"host_expiry,omitempty" toml:"host_expiry"`               // after a request went: unanswered, it expires (15)
	ConfirmReminder   int   `json:"confirm_reminder,omitempty" toml:"confirm_reminder"`     // after an acceptance: the student is reminded to confirm (2), and again the day before the deadline
	ConsentReminders  []int `json:"consent_reminders,omitempty" toml:"consent_reminders"`   // after the parent was asked: reminded (2, 5)
	ConsentEscalation int   `json:"consent_escalation,omitempty" toml:"consent_escalation"` // after the parent was asked: the student is told to talk to them (7)
	FewApplications   int   `json:"few_applications,omitempty" toml:"few_applications"`     // after a first application: a nudge if fewer than MinApplications are live (2)
	MinApplications   int   `json:"min_applications,omitempty" toml:"min_applications"`     // the live applications a student is nudged to reach (3)
	LookingWeeks      []int `json:"looking_weeks,omitempty" toml:"looking_weeks"`           // weeks before the stage: a student with no place gets offers (4, 2, 1)
	BeforeStage       []int `json:"before_stage,omitempty" toml:"before_stage"`             // days before the stage: the student and the parent are reminded (7, 1); the host the day before
	FeedbackAfter     int   `json:"feedback_after,omitempty" toml:"feedback_after"`         // days after the stage's Monday: feedback asked (7: the Monday after)
	AgreementDays     []int `json:"agreement_days,omitempty" toml:"agreement_days"`         // days before the stage: whoever has not signed the agreement is reminded (14, 10, 7)
	AgreementLate     int   `json:"agreement_late,omitempty" toml:"agreement_late"`         // days before the stage: an agreement not signed is late (3): flagged, the family told what to do
	// Off turns the nudges off: nobody is reminded of anything (hosts waiting, places to confirm,
	// parents, too few applications, still looking, the stage soon, feedback). What are rules rather
	// than reminders still happen, with their notices: requests expire, the reserved places open, the
	// data is purged. For a season without reminders (stagebot simulate compares one).
	Off bool `json:"off,omitempty" toml:"off"`
}

// DefaultReminders are the reminder delays of a campaign whose file is silent.
func DefaultReminders() Reminders {
	return Reminders{HostWaiting: []int{3, 7}, HostExpiry: 15, ConfirmReminder: 2, ConsentReminders: []int{2, 5},
		ConsentEscalation: 7, FewApplications: 2, MinApplications: 3, LookingWeeks: []int{4, 2, 1},
		BeforeStage: []int{7, 1}, FeedbackAfter: 7, AgreementDays: []int{14, 10, 7}, AgreementLate: 3}
}

// withDefaults fills the delays left at zero.
func (r Reminders) withDefaults() Reminders {
	d := DefaultReminders()
	list := func(v *[]int, def []int) {
		if len(*v) == 0 {
			*v = def
		}
	}
	one := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	list(&r.HostWaiting, d.HostWaiting)
	one(&r.HostExpiry, d.HostExpiry)
	one(&r.ConfirmReminder, d.ConfirmReminder)
	list(&r.ConsentReminders, d.ConsentReminders)
	one(&r.ConsentEscalation, d.ConsentEscalation)
	one(&r.FewApplications, d.FewApplications)
	one(&r.MinApplications, d.MinApplications)
	list(&r.LookingWeeks, d.LookingWeeks)
	list(&r.BeforeStage, d.BeforeStage)
	one(&r.FeedbackAfter, d.FeedbackAfter)
	list(&r.AgreementDays, d.AgreementDays)
	one(&r.AgreementLate, d.AgreementLate)
	return r
}

// problems lists what is wrong with the delays (after withDefaults).
func (r Reminders) problems() []string {
	var out []string
	check := func(name string, v, lo, hi int) {
		if v < lo || v > hi {
			out = append(out, fmt.Sprintf("reminders.%s must be %d to %d", name, lo, hi))
		}
	}
	for _, v := range r.HostWaiting {
		check("host_waiting", v, 1, r.HostExpiry-1)
	}
	check("host_expiry", r.HostExpiry, 2, 60)
	check("confirm_reminder", r.ConfirmReminder, 1, 30)
	for _, v := range r.ConsentReminders {
		check("consent_reminders", v, 1, r.ConsentEscalation-1)
	}
	check("consent_escalation", r.ConsentEscalation, 2, 30)
	check("few_applications", r.FewApplications, 1, 30)
	check("min_applications", r.MinApplications, 1, 10)
	for _, v := range r.LookingWeeks {
		check("looking_weeks", v, 1, 12)
	}
	for _, v := range r.BeforeStage {
		check("before_stage", v, 1, 30)
	}
	check("feedback_after", r.FeedbackAfter, 5, 30)
	for _, v := range r.AgreementDays {
		check("agreement_days", v, r.AgreementLate+1, 60)
	}
	check("agreement_late", r.AgreementLate, 1, 14)
	return out
}

// Value stores the delays as JSON.
func (r Reminders) Value() (driver.Value, error) { return json.Marshal(r) }

// Scan reads the delays from JSON, the defaults filling what is missing.
func (r *Reminders) Scan(src any) error {
	var raw []byte
	switch v := src.(type) {
	case []byte:
		raw = v
	case string:
		raw = []byte(v)
	case nil:
		raw = []byte("{}")
	default:
		return fmt.Errorf("reminders: cannot read %T", src)
	}
	var read Reminders
	if err := json.Unmarshal(raw, &read); err != nil {
		return fmt.Errorf("reminders: %w", err)
	}
	*r = read.withDefaults()
	return nil
}

// The rules of a season without a campaign, and of a new campaign where its file is silent.
const (
	DefaultMaxApplications = 5
	DefaultConfirmDays     = 7
	DefaultDeadlineDays    = 14
	DefaultBookingDays     = 3
)

// Validate checks a campaign before it is saved, and fills the rules left at zero with the defaults.
func (c *Campaign) Validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		bad("a name is required")
	}
	if c.MaxApplications == 0 {
		c.MaxApplications = DefaultMaxApplications
	}
	if c.ConfirmDays == 0 {
		c.ConfirmDays = DefaultConfirmDays
	}
	if c.DeadlineDays == 0 {
		c.DeadlineDays = DefaultDeadlineDays
	}
	if c.BookingDays == 0 {
		c.BookingDays = DefaultBookingDays
	}
	c.Reminders = c.Reminders.withDefaults()
	problems = append(problems, c.Reminders.problems()...)
	if c.ParentsToSign == 0 {
		c.ParentsToSign = 1
	}
	if c.ParentsToSign != 1 && c.ParentsToSign != 2 {
		bad("parents_to_sign must be 1 or 2 (got %d)", c.ParentsToSign)
	}
	if c.AgreementTemplate == "" {
		c.AgreementTemplate = DefaultAgreementTemplate
	}
	if len(c.Weeks) == 0 {
		bad("at least one stage week is required")
	}
	seen := map[time.Time]bool{}
	for _, w := range c.Weeks {
		if w.Weekday() != time.Monday {
			bad("stage week %s is a %s, not a Monday", w.Format(time.DateOnly), w.Weekday())
		}
		if seen[w] {
			bad("stage week %s is listed twice", w.Format(time.DateOnly))
		}
		seen[w] = true
	}
	slices.SortFunc(c.Weeks, func(a, b time.Time) int { return a.Compare(b) })
	switch {
	case c.ApplicationsOpen.IsZero() || c.ApplicationsClose.IsZero() || c.PurgeOn.IsZero():
		bad("applications_open, applications_close and purge_on are required")
	case c.ApplicationsClose.Before(c.ApplicationsOpen):
		bad("applications close (%s) before they open (%s)", day(c.ApplicationsClose), day(c.ApplicationsOpen))
	case len(c.Weeks) > 0 && !c.PurgeOn.After(c.Weeks[len(c.Weeks)-1].AddDate(0, 0, 4)):
		bad("the purge (%s) must come after the last stage week (%s)", day(c.PurgeOn), day(c.Weeks[len(c.Weeks)-1]))
	case c.REPRelease != nil && c.REPRelease.Before(c.ApplicationsOpen):
		bad("the REP/REP+ release (%s) comes before applications open (%s)", day(*c.REPRelease), day(c.ApplicationsOpen))
	}
	if c.MaxApplications < 1 || c.MaxApplications > 50 {
		bad("max_applications must be 1 to 50")
	}
	if c.ConfirmDays < 1 || c.ConfirmDays > 60 {
		bad("confirm_days must be 1 to 60")
	}
	if c.DeadlineDays < 0 || c.DeadlineDays > 90 {
		bad("deadline_days must be 0 to 90")
	}
	if c.BookingDays < 1 || c.BookingDays > 14 {
		bad("booking_days must be 1 to 14")
	}
	for _, d := range c.Territory {
		if !validDepartment(d) {
			bad("territory: %q is no département code (75, 93, 2A, 971…)", d)
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("campaign %q: %s", c.Name, strings.Join(problems, "; "))
	}
	return nil
}

func day(t time.Time) string { return t.Format(time.DateOnly) }

// validDepartment reports whether d is written as a département code of the schools table: two
// digits, 2A or 2B, or three digits overseas.
func validDepartment(d string) bool {
	switch {
	case d == "2A" || d == "2B":
		return true
	case len(d) == 2 || len(d) == 3:
		return strings.Trim(d, "0123456789") == ""
	}
	return false
}

// SaveCampaign creates the campaign, or replaces the one with the same name, weeks included; it
// validates it first (see Validate). It returns the campaign's id.
func (c Conn) SaveCampaign(ctx context.Context, camp Campaign) (int64, error) {
	if err := camp.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := c.atomically(ctx, func(c Conn) error {
		if err := c.get(ctx, &id, `INSERT INTO campaigns (name, applications_open, applications_close, rep_release,
				purge_on, max_applications, confirm_days, deadline_days, reminders, territory, agreement_template,
				parents_to_sign, direct_booking, booking_days)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce(nullif($11, ''), '`+DefaultAgreementTemplate+`'),
				coalesce(nullif($12, 0), 1), $13, $14)
			ON CONFLICT (name) DO UPDATE SET applications_open = excluded.applications_open,
				applications_close = excluded.applications_close, rep_release = excluded.rep_release,
				purge_on = excluded.purge_on, max_applications = excluded.max_applications,
				confirm_days = excluded.confirm_days, deadline_days = excluded.deadline_days,
				reminders = excluded.reminders, territory = excluded.territory,
				agreement_template = excluded.agreement_template, parents_to_sign = excluded.parents_to_sign,
				direct_booking = excluded.direct_booking, booking_days = excluded.booking_days
			RETURNING id`, camp.Name, dayParam(&camp.ApplicationsOpen), dayParam(&camp.ApplicationsClose),
			dayParam(camp.REPRelease), dayParam(&camp.PurgeOn), camp.MaxApplications, camp.ConfirmDays,
			camp.DeadlineDays, camp.Reminders, pq.StringArray(append(Territory{}, camp.Territory...)), camp.AgreementTemplate,
			camp.ParentsToSign, camp.DirectBooking, camp.BookingDays); err != nil {
			return fmt.Errorf("save campaign %q: %w", camp.Name, err)
		}
		weeks := make([]string, len(camp.Weeks))
		for i, w := range camp.Weeks {
			weeks[i] = day(w)
		}
		if _, err := c.q.ExecContext(ctx, `DELETE FROM campaign_weeks WHERE campaign_id = $1
			AND NOT (week_start = ANY ($2::date[]))`, id, pq.Array(weeks)); err != nil {
			return fmt.Errorf("save campaign %q: weeks: %w", camp.Name, err)
		}
		if _, err := c.q.ExecContext(ctx, `INSERT INTO campaign_weeks (campaign_id, week_start)
			SELECT $1, unnest($2::date[]) ON CONFLICT DO NOTHING`, id, pq.Array(weeks)); err != nil {
			return fmt.Errorf("save campaign %q: weeks: %w", camp.Name, err)
		}
		return nil
	})
	return id, err
}

const campaignColumns = `id, name, applications_open, applications_close, rep_release, purge_on, max_applications,
	confirm_days, deadline_days, reminders, territory, agreement_template, parents_to_sign, direct_booking, booking_days`

// CurrentCampaign is the campaign in force on day today: of those not yet purged, the one that
// opened last, or else the next to open. ErrNotFound when there is none.
func (c Conn) CurrentCampaign(ctx context.Context, today time.Time) (Campaign, error) {
	camp, err := c.currentCampaignOnly(ctx, today)
	if err != nil {
		return Campaign{}, err
	}
	return camp, c.campaignWeeks(ctx, &camp)
}

// currentCampaignOnly reads the campaign in force as CurrentCampaign does, without its weeks (one
// round trip: every message reads the rules).
func (c Conn) currentCampaignOnly(ctx context.Context, today time.Time) (Campaign, error) {
	var camp Campaign
	err := c.get(ctx, &camp, `SELECT `+campaignColumns+` FROM campaigns WHERE purge_on > $1::date
		ORDER BY applications_open <= $1::date DESC,
		         CASE WHEN applications_open <= $1::date THEN applications_open END DESC,
		         applications_open, id
		LIMIT 1`, day(today))
	if err != nil {
		return Campaign{}, fmt.Errorf("current campaign on %s: %w", day(today), err)
	}
	camp.utcDays()
	return camp, nil
}

// CampaignByName reads one campaign, or ErrNotFound.
func (c Conn) CampaignByName(ctx context.Context, name string) (Campaign, error) {
	var camp Campaign
	if err := c.get(ctx, &camp, `SELECT `+campaignColumns+` FROM campaigns WHERE name = $1`, name); err != nil {
		return Campaign{}, fmt.Errorf("campaign %q: %w", name, err)
	}
	return camp, c.campaignWeeks(ctx, &camp)
}

// campaignWeeks reads a campaign's weeks, and writes its days as midnight UTC like the rest of the
// service.
func (c Conn) campaignWeeks(ctx context.Context, camp *Campaign) error {
	if err := c.all(ctx, &camp.Weeks, `SELECT week_start FROM campaign_weeks WHERE campaign_id = $1
		ORDER BY week_start`, camp.ID); err != nil {
		return fmt.Errorf("weeks of campaign %q: %w", camp.Name, err)
	}
	camp.utcDays()
	return nil
}

// utcDays writes the campaign's days as midnight UTC like the rest of the service.
func (camp *Campaign) utcDays() {
	for _, d := range append([]*time.Time{&camp.ApplicationsOpen, &camp.ApplicationsClose, &camp.PurgeOn, camp.REPRelease},
		pointers(camp.Weeks)...) {
		if d != nil {
			*d = utcDay(*d)
		}
	}
}

func pointers(ts []time.Time) []*time.Time {
	ps := make([]*time.Time, len(ts))
	for i := range ts {
		ps[i] = &ts[i]
	}
	return ps
}

// utcDay is the calendar day of a date column (read in the connection's zone) as midnight UTC.
func utcDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Rules are the rules a placement decision reads: the current campaign's, or the defaults when there
// is none. The zero value has no release, no application window and no limits.
type Rules struct {
	CampaignID      int64      // 0 when there is none
	Campaign        string     // the campaign's name, "" when there is none
	ReleaseDate     *time.Time // from this day unused reserved places are open to all; nil: never
	OpensOn         *time.Time // applications are taken from this day…
	ClosesOn        *time.Time // …to this day; nil: no bound
	MaxApplications int        // live applications a student may have at once; 0: no limit
	ConfirmDays     int        // days to confirm a place a host accepted; 0: no deadline
	Reminders       Reminders  // when the reminders go
	PurgeOn         *time.Time // the day the season's personal data is erased; nil: no campaign
	Territory       Territory  // the départements whose collèges are looked up first; empty: anywhere
	ParentsToSign   int        // legal representatives who sign the agreement (1 or 2)
	BookingDays     int        // with direct booking, the days a host has to decline a booking; 0: no direct booking
}

// DefaultAgreementTemplate is the agreement's text when no campaign names one (agreement/templates).
const DefaultAgreementTemplate = "2024-07"

// Rules are the campaign's rules.
func (camp Campaign) Rules() Rules {
	opens, closes := camp.ApplicationsOpen, camp.ApplicationsClose
	purge := camp.PurgeOn
	return Rules{CampaignID: camp.ID, Campaign: camp.Name, ReleaseDate: camp.REPRelease, OpensOn: &opens,
		ClosesOn: &closes, MaxApplications: camp.MaxApplications, ConfirmDays: camp.ConfirmDays,
		Reminders: camp.Reminders.withDefaults(), PurgeOn: &purge, Territory: camp.Territory,
		ParentsToSign: max(camp.ParentsToSign, 1), BookingDays: camp.bookingDays()}
}

// bookingDays is the days a host has to decline a booking, 0 without direct booking.
func (camp Campaign) bookingDays() int {
	if !camp.DirectBooking {
		return 0
	}
	if camp.BookingDays <= 0 {
		return DefaultBookingDays
	}
	return camp.BookingDays
}

// RulesOn reads the rules in force on day today: the current campaign's, or the defaults (five
// applications, seven days to confirm, no release, no window) when there is none.
func (c Conn) RulesOn(ctx context.Context, today time.Time) (Rules, error) {
	camp, err := c.currentCampaignOnly(ctx, today)
	if errors.Is(err, ErrNotFound) {
		return Rules{MaxApplications: DefaultMaxApplications, ConfirmDays: DefaultConfirmDays,
			Reminders: DefaultReminders(), ParentsToSign: 1}, nil
	}
	if err != nil {
		return Rules{}, err
	}
	return camp.Rules(), nil
}

// WeeksParams describe the student a week is looked at for, before they are registered.
type WeeksParams struct {
	Today       time.Time  // weeks already begun, and offer weeks past their deadline, do not count
	REP         bool       // the student's collège is REP or REP+
	ReleaseDate *time.Time // from this day unused reserved places are open to all; nil: never
}

// OpenWeeks lists the stage weeks still ahead that have offers open to such a student (a place left
// for them, the deadline not passed), with how many, in order.
func (c Conn) OpenWeeks(ctx context.Context, p WeeksParams) ([]domain.WeekOffers, error) {
	var weeks []domain.WeekOffers
	err := c.all(ctx, &weeks, `
		WITH me AS (SELECT $2::boolean AS rep, $3::boolean AS released)
		SELECT w.week_start AS week, count(*) AS offers
		FROM me, offer_weeks w
		WHERE w.week_start > $1::date AND w.deadline >= $1::date AND `+placesLeft+` > 0
		GROUP BY w.week_start ORDER BY w.week_start`, day(dateOf(p.Today)), p.REP, released(p.ReleaseDate, p.Today))
	if err != nil {
		return nil, fmt.Errorf("open weeks: %w", err)
	}
	return weeks, nil
}

// StageWeeks lists a campaign's stage weeks (Mondays) that start after today, in order.
func (c Conn) StageWeeks(ctx context.Context, campaignID int64, today time.Time) ([]time.Time, error) {
	var weeks []time.Time
	if err := c.all(ctx, &weeks, `SELECT week_start FROM campaign_weeks WHERE campaign_id = $1 AND week_start > $2::date
		ORDER BY week_start`, campaignID, day(dateOf(today))); err != nil {
		return nil, fmt.Errorf("stage weeks of campaign %d: %w", campaignID, err)
	}
	for i, w := range weeks {
		weeks[i] = utcDay(w)
	}
	return weeks, nil
}

// CampaignsToPurge lists the campaigns whose purge day has come (on or before today) and that were
// not purged yet.
func (c Conn) CampaignsToPurge(ctx context.Context, today time.Time) ([]int64, error) {
	var ids []int64
	if err := c.all(ctx, &ids, `SELECT c.id FROM campaigns c WHERE c.purge_on <= $1::date
		AND NOT EXISTS (SELECT 1 FROM campaign_stats s WHERE s.campaign_id = c.id) ORDER BY c.id`, day(today)); err != nil {
		return nil, fmt.Errorf("campaigns to purge: %w", err)
	}
	return ids, nil
}
