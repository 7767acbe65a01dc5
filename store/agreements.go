package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"

	"stagebot/domain"
)

// The convention de stage: one agreement per confirmed stage (migration 18). The store keeps its
// fields, its state (moved by domain.AgreementTransitions, which the database holds too), its
// signatures, the signing codes and the one-time links; the workflow composes the document, keeps
// its hash and voids the signatures of an older one.

// Agreement is a stage's agreement with everything its document and its messages need.
type Agreement struct {
	ID             int64                 `db:"id"`
	ApplicationID  int64                 `db:"application_id"`
	State          domain.AgreementState `db:"state"`
	Template       string                `db:"template"`
	ParentsToSign  int                   `db:"parents_to_sign"`
	ScheduleJSON   []byte                `db:"schedule"`
	Activities     string                `db:"activities"`
	Representative string                `db:"representative"`
	LastName       string                `db:"student_last_name"`
	ParentName     string                `db:"parent_name"`
	Parent2ID      *int64                `db:"parent2_id"`
	Parent2Name    string                `db:"parent2_name"`
	Parent2Phone   *string               `db:"parent2_phone"`
	Parent2Lang    *string               `db:"parent2_lang"`
	SingleParent   bool                  `db:"single_parent"`
	Class          string                `db:"student_class"`
	SchoolAddress  string                `db:"school_address"`
	Principal      string                `db:"principal"`
	Referent       string                `db:"referent"`
	CheckedBy      *int64                `db:"checked_by"`
	Hash           string                `db:"hash"`
	CreatedAt      time.Time             `db:"created_at"`
	UpdatedAt      time.Time             `db:"updated_at"`

	// The stage it is for.
	AppState         domain.ApplicationState `db:"app_state"`
	StudentID        int64                   `db:"student_id"`
	StudentFirstName string                  `db:"student_first_name"`
	StudentInitial   string                  `db:"student_last_initial"`
	StudentChannel   domain.Channel          `db:"student_channel"`
	StudentAddress   string                  `db:"student_address"`
	StudentLang      string                  `db:"student_lang"`
	StudentBirth     time.Time               `db:"student_birth"`
	SchoolUAI        string                  `db:"school_uai"`
	SchoolName       string                  `db:"school_name"`
	SchoolStreet     string                  `db:"school_street"` // the collège's address as its staff gave it
	Arrondissement   *int                    `db:"school_arrondissement"`
	Week             time.Time               `db:"week"`
	OfferTitle       string                  `db:"offer_title"`
	StageAddress     string                  `db:"stage_address"`
	HostID           int64                   `db:"host_id"`
	HostName         string                  `db:"host_name"`
	Tutor            string                  `db:"tutor"` // the host's first contact, whom the student asks for
	ParentID         int64                   `db:"parent_id"`
	ParentPhone      string                  `db:"parent_phone"`
	ParentLang       string                  `db:"parent_lang"`

	Signatures []AgreementSignature `db:"-"`
}

// Schedule is the hours the host gave, or nil.
func (a Agreement) Schedule() *domain.Schedule {
	if len(a.ScheduleJSON) == 0 {
		return nil
	}
	var s domain.Schedule
	if err := json.Unmarshal(a.ScheduleJSON, &s); err != nil {
		return nil
	}
	return &s
}

// StudentName is the student's full name as far as it is known ("Zinedine K." before the last name).
func (a Agreement) StudentName() string {
	if a.LastName != "" {
		return a.StudentFirstName + " " + a.LastName
	}
	return a.StudentFirstName + " " + a.StudentInitial + "."
}

// Signers lists who must sign, in the document's order: the collège, the host, the student, the
// parent, and the second parent when the campaign asks for both and the parent did not say they sign
// alone.
func (a Agreement) Signers() []domain.Signatory {
	out := []domain.Signatory{domain.SignSchool, domain.SignHost, domain.SignStudent, domain.SignParent}
	if a.ParentsToSign == 2 && !a.SingleParent {
		out = append(out, domain.SignParent2)
	}
	return out
}

// SignatureOf is the signature of a party, if given.
func (a Agreement) SignatureOf(s domain.Signatory) *AgreementSignature {
	for i := range a.Signatures {
		if a.Signatures[i].Signatory == s {
			return &a.Signatures[i]
		}
	}
	return nil
}

// Unsigned lists who must sign and has not, in order.
func (a Agreement) Unsigned() []domain.Signatory {
	var out []domain.Signatory
	for _, s := range a.Signers() {
		if a.SignatureOf(s) == nil {
			out = append(out, s)
		}
	}
	return out
}

// Needs lists what the agreement lacks, in the order it is met.
func (a Agreement) Needs() []domain.AgreementNeed {
	var out []domain.AgreementNeed
	if a.State == domain.AgreementCancelled || a.State == domain.AgreementSigned {
		return nil
	}
	if a.Schedule() == nil {
		out = append(out, domain.NeedHours)
	}
	if strings.TrimSpace(a.Activities) == "" {
		out = append(out, domain.NeedActivities)
	}
	if a.LastName == "" {
		out = append(out, domain.NeedStudentName)
	}
	if a.ParentName == "" {
		out = append(out, domain.NeedParentName)
	}
	if a.ParentsToSign == 2 && !a.SingleParent && (a.Parent2ID == nil || a.Parent2Name == "") {
		out = append(out, domain.NeedParent2)
	}
	if a.Referent == "" {
		out = append(out, domain.NeedReferent)
	}
	if a.State == domain.AgreementDraft || a.State == domain.AgreementCompleted {
		out = append(out, domain.NeedCheck)
	}
	if a.State == domain.AgreementSigning {
		out = append(out, domain.NeedSignatures)
	}
	return out
}

// Ready reports whether every field is known, so that the signatures can open once checked.
func (a Agreement) Ready() bool {
	for _, n := range a.Needs() {
		if n != domain.NeedCheck && n != domain.NeedSignatures {
			return false
		}
	}
	return true
}

// AgreementSignature is one party's signature.
type AgreementSignature struct {
	AgreementID int64            `db:"agreement_id"`
	Signatory   domain.Signatory `db:"signatory"`
	Name        string           `db:"name"`
	Channel     string           `db:"channel"` // sms, telegram, whatsapp, console or web
	Proof       string           `db:"proof"`   // a hash of the number, chat or session it came from
	Hash        string           `db:"hash"`    // the document it signed
	At          time.Time        `db:"at"`
}

const agreementColumns = `SELECT g.id, g.application_id, g.state, g.template, g.parents_to_sign, g.schedule, g.activities,
		g.representative, g.student_last_name, g.parent_name, g.parent2_id, g.parent2_name, p2.phone AS parent2_phone,
		p2.lang AS parent2_lang, g.single_parent, g.student_class, g.school_address, g.principal, g.referent,
		g.checked_by, g.hash, g.created_at, g.updated_at,
		a.state AS app_state, s.id AS student_id, s.first_name AS student_first_name, s.last_initial AS student_last_initial,
		s.channel AS student_channel, s.address AS student_address, s.lang AS student_lang, s.birth_month AS student_birth,
		coalesce(s.school_uai, '') AS school_uai, s.school_name, coalesce(sc.address, '') AS school_street,
		sc.arrondissement AS school_arrondissement, a.week_start AS week, o.title AS offer_title,
		o.address AS stage_address, h.id AS host_id, h.name AS host_name,
		coalesce((SELECT hc.name FROM host_contacts hc WHERE hc.host_id = h.id ORDER BY hc.id LIMIT 1), '') AS tutor,
		p.id AS parent_id, p.phone AS parent_phone, p.lang AS parent_lang
	FROM agreements g
	JOIN applications a ON a.id = g.application_id
	JOIN students s ON s.id = a.student_id
	JOIN parents p ON p.id = s.parent_id
	JOIN offers o ON o.id = a.offer_id
	JOIN hosts h ON h.id = o.host_id
	LEFT JOIN schools sc ON sc.uai = s.school_uai
	LEFT JOIN parents p2 ON p2.id = g.parent2_id`

// agreements reads the agreements a WHERE (on g, a, s, o, h) selects, with their signatures.
func (c Conn) agreements(ctx context.Context, where string, args ...any) ([]Agreement, error) {
	var out []Agreement
	if err := c.all(ctx, &out, agreementColumns+` WHERE `+where+` ORDER BY g.id`, args...); err != nil {
		return nil, fmt.Errorf("agreements: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	at := map[int64]int{}
	for i, a := range out {
		ids[i], at[a.ID] = a.ID, i
	}
	var sigs []AgreementSignature
	if err := c.all(ctx, &sigs, `SELECT agreement_id, signatory, name, channel, proof, hash, at FROM agreement_signatures
		WHERE agreement_id = ANY ($1) ORDER BY agreement_id, at`, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("agreements: signatures: %w", err)
	}
	for _, s := range sigs {
		i := at[s.AgreementID]
		out[i].Signatures = append(out[i].Signatures, s)
	}
	return out, nil
}

// AgreementByID reads one agreement, or ErrNotFound.
func (c Conn) AgreementByID(ctx context.Context, id int64) (Agreement, error) {
	all, err := c.agreements(ctx, `g.id = $1`, id)
	if err != nil {
		return Agreement{}, err
	}
	if len(all) == 0 {
		return Agreement{}, fmt.Errorf("agreement %d: %w", id, ErrNotFound)
	}
	return all[0], nil
}

// LockAgreement locks one agreement's row for the transaction and reads it.
func (c Conn) LockAgreement(ctx context.Context, id int64) (Agreement, error) {
	var locked int64
	if err := c.get(ctx, &locked, `SELECT id FROM agreements WHERE id = $1 FOR UPDATE`, id); err != nil {
		return Agreement{}, fmt.Errorf("lock agreement %d: %w", id, err)
	}
	return c.AgreementByID(ctx, id)
}

// AgreementOfApplication reads the agreement of a stage (its confirmed application), or ErrNotFound.
func (c Conn) AgreementOfApplication(ctx context.Context, applicationID int64) (Agreement, error) {
	all, err := c.agreements(ctx, `g.application_id = $1`, applicationID)
	if err != nil {
		return Agreement{}, err
	}
	if len(all) == 0 {
		return Agreement{}, fmt.Errorf("agreement of application %d: %w", applicationID, ErrNotFound)
	}
	return all[0], nil
}

// Whose agreements a person may act on: not cancelled, and for a stage not over a week ago.
const agreementCurrent = `g.state <> 'cancelled' AND a.week_start >= $2::date - 7`

// AgreementsOfStudent lists a student's current agreements (one, unless a stage was called off and
// another confirmed), at day today.
func (c Conn) AgreementsOfStudent(ctx context.Context, studentID int64, today time.Time) ([]Agreement, error) {
	return c.agreements(ctx, `s.id = $1 AND `+agreementCurrent, studentID, day(today))
}

// AgreementsOfParent lists the current agreements a parent is a party to: their children's, and
// those they are the second legal representative of.
func (c Conn) AgreementsOfParent(ctx context.Context, parentID int64, today time.Time) ([]Agreement, error) {
	return c.agreements(ctx, `(s.parent_id = $1 OR g.parent2_id = $1) AND `+agreementCurrent, parentID, day(today))
}

// AgreementsOfHost lists a host's current agreements.
func (c Conn) AgreementsOfHost(ctx context.Context, hostID int64, today time.Time) ([]Agreement, error) {
	return c.agreements(ctx, `o.host_id = $1 AND `+agreementCurrent, hostID, day(today))
}

// AgreementsOfSchool lists a collège's agreements (the cancelled ones too, for the record).
func (c Conn) AgreementsOfSchool(ctx context.Context, uai string) ([]Agreement, error) {
	return c.agreements(ctx, `s.school_uai = $1`, uai)
}

// createAgreement creates the agreement of a stage the student just confirmed, at time now, in the
// confirming transaction: the campaign's text and rule on parents, and what the collège's class list
// says of the student (last name, class) when it matched them.
func (c Conn) createAgreement(ctx context.Context, applicationID int64, now time.Time) error {
	template, parents := DefaultAgreementTemplate, 1
	camp, err := c.currentCampaignOnly(ctx, now)
	switch {
	case err == nil:
		template, parents = camp.AgreementTemplate, max(camp.ParentsToSign, 1)
	case !errors.Is(err, ErrNotFound):
		return err
	}
	var id int64
	if err := c.get(ctx, &id, `INSERT INTO agreements (application_id, template, parents_to_sign, student_last_name,
			student_class, created_at, updated_at)
		SELECT a.id, $2, $3, coalesce(r.last_name, ''), coalesce(r.class, ''), $4, $4
		FROM applications a
		LEFT JOIN roster_entries r ON r.student_id = a.student_id AND r.matched IN ('auto', 'confirmed')
		WHERE a.id = $1
		ON CONFLICT (application_id) DO NOTHING RETURNING id`, applicationID, template, parents, now); err != nil {
		if errors.Is(err, ErrNotFound) { // a stage confirmed again after it was called off keeps its record
			return nil
		}
		return fmt.Errorf("create agreement of application %d: %w", applicationID, err)
	}
	return c.recordAgreementEvent(ctx, id, "", domain.AgreementDraft, domain.BySystem, now)
}

// MoveAgreement moves an agreement, locked by the caller's transaction, from state from to state to
// by actor at time at, and records the event; ErrTransition when the table does not allow it.
func (c Conn) MoveAgreement(ctx context.Context, id int64, from, to domain.AgreementState, actor domain.Actor, at time.Time) error {
	if !domain.CanMoveAgreement(from, to, actor) {
		return fmt.Errorf("agreement %d: %s → %s by %s: %w", id, from, to, actor, ErrTransition)
	}
	res, err := c.q.ExecContext(ctx, `UPDATE agreements SET state = $3, updated_at = $4 WHERE id = $1 AND state = $2`,
		id, from, to, at)
	if err != nil {
		return fmt.Errorf("move agreement %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("move agreement %d from %s: %w", id, from, ErrTransition)
	}
	return c.recordAgreementEvent(ctx, id, from, to, actor, at)
}

func (c Conn) recordAgreementEvent(ctx context.Context, id int64, from, to domain.AgreementState, actor domain.Actor, at time.Time) error {
	var fromState *domain.AgreementState
	if from != "" {
		fromState = &from
	}
	if _, err := c.q.ExecContext(ctx, `INSERT INTO agreement_events (agreement_id, from_state, to_state, actor, at)
		VALUES ($1, $2, $3, $4, $5)`, id, fromState, to, actor, at); err != nil {
		return fmt.Errorf("record agreement event: %w", err)
	}
	return nil
}

// cancelAgreementOf cancels the agreement of a stage called off (its application withdrawn after it
// was confirmed), at time at.
func (c Conn) cancelAgreementOf(ctx context.Context, applicationID int64, at time.Time) error {
	var g struct {
		ID    int64                 `db:"id"`
		State domain.AgreementState `db:"state"`
	}
	err := c.get(ctx, &g, `SELECT id, state FROM agreements WHERE application_id = $1 FOR UPDATE`, applicationID)
	if errors.Is(err, ErrNotFound) || err == nil && g.State == domain.AgreementCancelled {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cancel agreement of application %d: %w", applicationID, err)
	}
	return c.MoveAgreement(ctx, g.ID, g.State, domain.AgreementCancelled, domain.BySystem, at)
}

// HostPart is what the host gives: the hours of each day, the activities, and who answered for it.
// A nil field is left as it is.
type HostPart struct {
	Schedule       *domain.Schedule
	Activities     *string
	Representative string
}

// SetHostPart saves the host's part of an agreement, locked by the caller, at time at.
func (c Conn) SetHostPart(ctx context.Context, id int64, p HostPart, at time.Time) error {
	var sched any
	if p.Schedule != nil {
		raw, err := json.Marshal(p.Schedule)
		if err != nil {
			return fmt.Errorf("agreement %d: schedule: %w", id, err)
		}
		sched = string(raw)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE agreements SET schedule = coalesce($2::jsonb, schedule),
		activities = coalesce($3, activities), representative = CASE WHEN $4 = '' THEN representative ELSE $4 END,
		updated_at = $5 WHERE id = $1`, id, sched, p.Activities, p.Representative, at); err != nil {
		return fmt.Errorf("agreement %d: host's part: %w", id, err)
	}
	return nil
}

// FamilyPart is what the family gives: the student's last name, the parent's name, the second legal
// representative (a parent row, created for their number), or that the parent signs alone. A nil
// field is left as it is.
type FamilyPart struct {
	LastName     *string
	ParentName   *string
	Parent2Phone *string // E.164
	Parent2Lang  string
	Parent2Name  *string
	SingleParent *bool
}

// SetFamilyPart saves the family's part of an agreement, locked by the caller, at time at.
func (c Conn) SetFamilyPart(ctx context.Context, id int64, p FamilyPart, at time.Time) error {
	var parent2 *int64
	if p.Parent2Phone != nil {
		var pid int64
		if err := c.get(ctx, &pid, `INSERT INTO parents (phone, lang, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (phone) DO UPDATE SET phone = excluded.phone RETURNING id`,
			*p.Parent2Phone, cmpOr(p.Parent2Lang, "fr"), at); err != nil {
			return fmt.Errorf("agreement %d: second parent: %w", id, err)
		}
		parent2 = &pid
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE agreements SET student_last_name = coalesce($2, student_last_name),
		parent_name = coalesce($3, parent_name), parent2_id = coalesce($4, parent2_id),
		parent2_name = coalesce($5, parent2_name), single_parent = coalesce($6, single_parent), updated_at = $7
		WHERE id = $1`, id, p.LastName, p.ParentName, parent2, p.Parent2Name, p.SingleParent, at); err != nil {
		return fmt.Errorf("agreement %d: family's part: %w", id, err)
	}
	return nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SchoolPart is what the collège gives when it checks an agreement.
type SchoolPart struct {
	Class     string
	Address   string
	Principal string
	Referent  string
	CheckedBy int64
}

// SetSchoolPart saves the collège's part of an agreement, locked by the caller, at time at; the
// collège's address is kept for its next agreements too.
func (c Conn) SetSchoolPart(ctx context.Context, id int64, p SchoolPart, at time.Time) error {
	if _, err := c.q.ExecContext(ctx, `UPDATE agreements SET student_class = $2, school_address = $3, principal = $4,
		referent = $5, checked_by = nullif($6, 0), updated_at = $7 WHERE id = $1`,
		id, p.Class, p.Address, p.Principal, p.Referent, p.CheckedBy, at); err != nil {
		return fmt.Errorf("agreement %d: collège's part: %w", id, err)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE schools SET address = $2 WHERE uai = (SELECT s.school_uai FROM agreements g
		JOIN applications a ON a.id = g.application_id JOIN students s ON s.id = a.student_id WHERE g.id = $1)
		AND $2 <> ''`, id, p.Address); err != nil {
		return fmt.Errorf("agreement %d: collège's address: %w", id, err)
	}
	return nil
}

// SetAgreementHash keeps the hash of an agreement's document as it now stands, and voids the
// signatures given on another: it returns them, for their signers to be told.
func (c Conn) SetAgreementHash(ctx context.Context, id int64, hash string) ([]AgreementSignature, error) {
	var voided []AgreementSignature
	if err := c.all(ctx, &voided, `DELETE FROM agreement_signatures WHERE agreement_id = $1 AND hash <> $2
		RETURNING agreement_id, signatory, name, channel, proof, hash, at`, id, hash); err != nil {
		return nil, fmt.Errorf("agreement %d: void signatures: %w", id, err)
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE agreements SET hash = $2 WHERE id = $1`, id, hash); err != nil {
		return nil, fmt.Errorf("agreement %d: hash: %w", id, err)
	}
	return voided, nil
}

// SaveSignature records a party's signature; a party who signed the same document already keeps
// their first signature (it reports false).
func (c Conn) SaveSignature(ctx context.Context, s AgreementSignature) (bool, error) {
	res, err := c.q.ExecContext(ctx, `INSERT INTO agreement_signatures (agreement_id, signatory, name, channel, proof, hash, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		s.AgreementID, s.Signatory, s.Name, s.Channel, s.Proof, s.Hash, s.At)
	if err != nil {
		return false, fmt.Errorf("agreement %d: signature: %w", s.AgreementID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// The signing codes' rules.
const (
	CodeValidity   = 10 * time.Minute // a code is valid this long
	CodeTries      = 5                // wrong tries before a code is locked
	CodesPerHour   = 3                // codes a party may ask for in an hour
	CodeLockPeriod = time.Hour        // after a code is locked, no new one for this long
)

// CodeRequest is what asking for a signing code met.
type CodeRequest string

// The answers to a code request.
const (
	CodeGranted     CodeRequest = "granted"
	CodeTooMany     CodeRequest = "too_many" // CodesPerHour reached
	CodeLockedParty CodeRequest = "locked"   // a code was locked less than CodeLockPeriod ago
)

// NewSigningCode keeps, at time now, the hash of a new signing code for a party of an agreement,
// unless they asked too often or a code of theirs was just locked. An older live code dies.
func (c Conn) NewSigningCode(ctx context.Context, id int64, signatory domain.Signatory, codeHash []byte, now time.Time) (CodeRequest, error) {
	var recent struct {
		Asked  int `db:"asked"`
		Locked int `db:"locked"`
	}
	if err := c.get(ctx, &recent, `SELECT count(*) FILTER (WHERE created_at > $3) AS asked,
		count(*) FILTER (WHERE tries >= $4 AND created_at > $5) AS locked
		FROM agreement_codes WHERE agreement_id = $1 AND signatory = $2`,
		id, signatory, now.Add(-time.Hour), CodeTries, now.Add(-CodeLockPeriod-CodeValidity)); err != nil {
		return "", fmt.Errorf("agreement %d: codes: %w", id, err)
	}
	switch {
	case recent.Locked > 0:
		return CodeLockedParty, nil
	case recent.Asked >= CodesPerHour:
		return CodeTooMany, nil
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE agreement_codes SET used_at = $3 WHERE agreement_id = $1 AND signatory = $2
		AND used_at IS NULL`, id, signatory, now); err != nil {
		return "", fmt.Errorf("agreement %d: codes: %w", id, err)
	}
	if _, err := c.q.ExecContext(ctx, `INSERT INTO agreement_codes (agreement_id, signatory, code_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, id, signatory, codeHash, now, now.Add(CodeValidity)); err != nil {
		return "", fmt.Errorf("agreement %d: codes: %w", id, err)
	}
	return CodeGranted, nil
}

// CodeCheck is what checking a signing code found.
type CodeCheck struct {
	OK        bool
	None      bool // no live code: never asked, used, or expired
	Locked    bool // this try was the last: the code is locked
	TriesLeft int
}

// CheckSigningCode checks, at time now, a code a party typed against their live code: right, it is
// spent; wrong, one try is counted, and the code is locked at the CodeTries-th.
func (c Conn) CheckSigningCode(ctx context.Context, id int64, signatory domain.Signatory, codeHash []byte, now time.Time) (CodeCheck, error) {
	var code struct {
		ID    int64  `db:"id"`
		Hash  []byte `db:"code_hash"`
		Tries int    `db:"tries"`
	}
	err := c.get(ctx, &code, `SELECT id, code_hash, tries FROM agreement_codes WHERE agreement_id = $1 AND signatory = $2
		AND used_at IS NULL AND expires_at > $3 AND tries < $4 ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
		id, signatory, now, CodeTries)
	if errors.Is(err, ErrNotFound) {
		return CodeCheck{None: true}, nil
	}
	if err != nil {
		return CodeCheck{}, fmt.Errorf("agreement %d: check code: %w", id, err)
	}
	if string(code.Hash) == string(codeHash) {
		if _, err := c.q.ExecContext(ctx, `UPDATE agreement_codes SET used_at = $2 WHERE id = $1`, code.ID, now); err != nil {
			return CodeCheck{}, fmt.Errorf("agreement %d: check code: %w", id, err)
		}
		return CodeCheck{OK: true}, nil
	}
	if _, err := c.q.ExecContext(ctx, `UPDATE agreement_codes SET tries = tries + 1 WHERE id = $1`, code.ID); err != nil {
		return CodeCheck{}, fmt.Errorf("agreement %d: check code: %w", id, err)
	}
	left := CodeTries - code.Tries - 1
	return CodeCheck{Locked: left == 0, TriesLeft: left}, nil
}

// CodePending reports whether a party has a live signing code at time now.
func (c Conn) CodePending(ctx context.Context, id int64, signatory domain.Signatory, now time.Time) (bool, error) {
	var ok bool
	if err := c.get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM agreement_codes WHERE agreement_id = $1 AND signatory = $2
		AND used_at IS NULL AND expires_at > $3 AND tries < $4)`, id, signatory, now, CodeTries); err != nil {
		return false, fmt.Errorf("agreement %d: code pending: %w", id, err)
	}
	return ok, nil
}

// AgreementLinkValidity is how long a link to an agreement may be opened.
const AgreementLinkValidity = 7 * 24 * time.Hour

// AgreementLink is what a link gives access to: an agreement, for a party, reached at an address.
type AgreementLink struct {
	AgreementID int64            `db:"agreement_id"`
	Signatory   domain.Signatory `db:"signatory"`
	Channel     domain.Channel   `db:"channel"` // where the link was sent: a code asked from its page goes there
	Address     string           `db:"address"`
}

// CreateAgreementLink keeps a one-time link's token (its hash) for a party of an agreement, sent to
// them at an address.
func (c Conn) CreateAgreementLink(ctx context.Context, l AgreementLink, tokenHash []byte, now time.Time) error {
	if _, err := c.q.ExecContext(ctx, `INSERT INTO agreement_links (token_hash, agreement_id, signatory, channel, address,
		created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, tokenHash, l.AgreementID, l.Signatory, l.Channel,
		l.Address, now, now.Add(AgreementLinkValidity)); err != nil {
		return fmt.Errorf("agreement %d: link: %w", l.AgreementID, err)
	}
	return nil
}

// AgreementByLink reads the agreement and party of a link that can still be used at now; ErrNotFound
// for an unknown, used or expired one.
func (c Conn) AgreementByLink(ctx context.Context, tokenHash []byte, now time.Time) (AgreementLink, error) {
	var l AgreementLink
	if err := c.get(ctx, &l, `SELECT agreement_id, signatory, channel, address FROM agreement_links WHERE token_hash = $1
		AND used_at IS NULL AND expires_at > $2`, tokenHash, now); err != nil {
		return l, fmt.Errorf("agreement link: %w", err)
	}
	return l, nil
}

// SpendAgreementLink uses a link up at now: it reports false when it was already spent or expired.
func (c Conn) SpendAgreementLink(ctx context.Context, tokenHash []byte, now time.Time) (bool, error) {
	res, err := c.q.ExecContext(ctx, `UPDATE agreement_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL
		AND expires_at > $2`, tokenHash, now)
	if err != nil {
		return false, fmt.Errorf("spend agreement link: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AgreementsDue lists the current agreements not yet signed whose stage starts in one of days days
// from a day of the window: reminders for whoever has not signed (kind ReminderAgreement), or the
// late flag (ReminderAgreementLate). N is the days before the stage.
func (c Conn) AgreementsDue(ctx context.Context, kind domain.ReminderKind, today time.Time, days []int) ([]Due, error) {
	return c.dueRows(ctx, kind, "agreement", `
		SELECT g.id, max(d.due) AS due, min(a.week_start - d.due) AS n
		FROM agreements g JOIN applications a ON a.id = g.application_id,
		     LATERAL (SELECT a.week_start - k AS due FROM unnest($2::int[]) k) d
		WHERE g.state IN ('draft', 'completed', 'checked', 'signing') AND a.state = `+sqlState(domain.Confirmed)+`
		  AND `+inWindow("d.due")+` AND `+notSuperseded("$3", "'agreement:' || g.id", "d.due")+`
		GROUP BY g.id ORDER BY g.id`, day(today), pq.Array(days), kind)
}

// AgreementCounts are the agreements of the season by state, for the City's page.
type AgreementCounts struct {
	ByState map[domain.AgreementState]int
	Late    int // not signed, the stage less than the late delay away (or begun)
	Total   int
}

// CountAgreements counts the agreements at day today, late being lateDays before the stage.
func (c Conn) CountAgreements(ctx context.Context, today time.Time, lateDays int) (AgreementCounts, error) {
	out := AgreementCounts{ByState: map[domain.AgreementState]int{}}
	var rows []struct {
		State domain.AgreementState `db:"state"`
		N     int                   `db:"n"`
		Late  int                   `db:"late"`
	}
	if err := c.all(ctx, &rows, `SELECT g.state, count(*) AS n,
		count(*) FILTER (WHERE g.state NOT IN ('signed', 'cancelled') AND a.week_start - $1::date <= $2) AS late
		FROM agreements g JOIN applications a ON a.id = g.application_id GROUP BY g.state`, day(today), lateDays); err != nil {
		return out, fmt.Errorf("count agreements: %w", err)
	}
	for _, r := range rows {
		out.ByState[r.State] = r.N
		out.Late += r.Late
		if r.State != domain.AgreementCancelled {
			out.Total += r.N
		}
	}
	return out, nil
}
