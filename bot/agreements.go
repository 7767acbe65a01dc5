package bot

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"stagebot/agreement"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The convention de stage in the workflow. An agreement is created with the confirmed stage (in
// the store's confirming transaction); from then on every change goes through settle, which
// recomputes the document's hash, voids the signatures on an older one (telling their signers),
// opens the signatures once the collège checked it and every name is known, and closes them with
// the last signature (telling everyone). Each party acts from their own conversation (the effects
// below) or from a one-time link (agreement_links.go); the collège from its pages.

// reach is where a party is written to.
type reach struct {
	Channel domain.Channel
	Address string
	Lang    string
	Name    string // a host contact's name
}

// newToken draws a link's token and its hash.
func (ib *Inbox) newToken() (string, []byte, error) {
	raw := make([]byte, 24)
	if _, err := io.ReadFull(ib.cfg.Random, raw); err != nil {
		return "", nil, fmt.Errorf("agreement link: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	return token, HashToken(token), nil
}

// HashToken is what is kept of a link's token.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// newCode draws a 6-digit signing code.
func (ib *Inbox) newCode() (string, error) {
	raw := make([]byte, 8)
	if _, err := io.ReadFull(ib.cfg.Random, raw); err != nil {
		return "", fmt.Errorf("signing code: %w", err)
	}
	return fmt.Sprintf("%06d", binary.BigEndian.Uint64(raw)%1_000_000), nil
}

// codeHash is what is kept of a signing code: bound to its agreement and party.
func codeHash(id int64, s domain.Signatory, code string) []byte {
	h := sha256.Sum256([]byte(fmt.Sprintf("%d:%s:%s", id, s, code)))
	return h[:]
}

// proofOf is the proof a signature keeps of where it came from: a hash of the address or session.
func proofOf(kind, address string) string {
	h := sha256.Sum256([]byte(kind + ":" + address))
	return kind + ":" + hex.EncodeToString(h[:16])
}

// newLink makes a one-time link to an agreement for a party reached at r ("" without a public URL).
func (ib *Inbox) newLink(ctx context.Context, tx txn, id int64, s domain.Signatory, r reach) (string, error) {
	if ib.cfg.PublicURL == "" {
		return "", nil
	}
	token, hash, err := ib.newToken()
	if err != nil {
		return "", err
	}
	if err := tx.CreateAgreementLink(ctx, store.AgreementLink{AgreementID: id, Signatory: s, Channel: r.Channel,
		Address: r.Address}, hash, tx.now); err != nil {
		return "", err
	}
	return ib.cfg.PublicURL + "/c/" + token, nil
}

// Document composes an agreement's document and finds its text.
func Document(a store.Agreement) (agreement.Document, agreement.Template, error) {
	tmpl, err := agreement.TemplateOf(a.Template)
	if err != nil {
		return agreement.Document{}, tmpl, err
	}
	doc := agreement.Document{Template: tmpl.Version, Ref: fmt.Sprintf("CONV-%d", a.ID),
		SchoolName: a.SchoolName, SchoolUAI: a.SchoolUAI, SchoolAddress: schoolAddress(a), SchoolPrincipal: a.Principal,
		Referent: a.Referent, HostName: a.HostName, HostAddress: a.StageAddress,
		Representative: firstOf(a.Representative, a.Tutor), Tutor: a.Tutor, Offer: a.OfferTitle, Activities: a.Activities,
		StudentFirstName: a.StudentFirstName, StudentLastName: a.LastName, StudentClass: a.Class,
		StudentBirth: a.StudentBirth, ParentName: a.ParentName, Week: a.Week}
	if a.ParentsToSign == 2 && !a.SingleParent {
		doc.Parent2Name = a.Parent2Name
	}
	if s := a.Schedule(); s != nil {
		doc.Schedule = *s
	}
	return doc, tmpl, nil
}

// schoolAddress is the collège's address as the agreement prints it: as its staff gave it, or its
// arrondissement.
func schoolAddress(a store.Agreement) string {
	switch {
	case a.SchoolAddress != "":
		return a.SchoolAddress
	case a.SchoolStreet != "":
		return a.SchoolStreet
	case a.Arrondissement != nil:
		return fmt.Sprintf("750%02d Paris", *a.Arrondissement)
	}
	return "Paris"
}

func firstOf(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// signerName is the name a party signs under.
func signerName(a store.Agreement, s domain.Signatory) string {
	switch s {
	case domain.SignSchool:
		return a.Principal
	case domain.SignHost:
		return firstOf(a.Representative, a.Tutor, a.HostName)
	case domain.SignStudent:
		return a.StudentName()
	case domain.SignParent:
		return a.ParentName
	case domain.SignParent2:
		return a.Parent2Name
	}
	return ""
}

// Signers lists who signs an agreement, with their signatures (for the PDF and the pages).
func Signers(a store.Agreement) []agreement.Signer {
	var out []agreement.Signer
	for _, s := range a.Signers() {
		sg := agreement.Signer{Signatory: s, Name: signerName(a, s)}
		if sig := a.SignatureOf(s); sig != nil {
			sg.Name = sig.Name
			sg.Signed = &agreement.Signature{Signatory: s, Name: sig.Name, At: sig.At, Method: methodOf(s, sig.Channel),
				Proof: sig.Proof, Hash: sig.Hash}
		}
		out = append(out, sg)
	}
	return out
}

// methodOf writes how a signature was given, for the PDF.
func methodOf(s domain.Signatory, channel string) string {
	switch {
	case s == domain.SignSchool:
		return "sur la page du collège, connecté par un lien reçu par e-mail"
	case channel == "web":
		return "sur la page de la convention, avec un code à 6 chiffres reçu par message"
	}
	switch channel {
	case "telegram":
		return "par Telegram, avec un code à 6 chiffres"
	case "whatsapp":
		return "par WhatsApp, avec un code à 6 chiffres"
	}
	return "par SMS, avec un code à 6 chiffres"
}

// view is an agreement as party s sees it, with a one-time link for them when r says where they are.
func (ib *Inbox) view(ctx context.Context, tx txn, a store.Agreement, s domain.Signatory, r *reach) (*domain.AgreementView, error) {
	v := &domain.AgreementView{ID: a.ID, Ref: a.ApplicationID, State: a.State, Student: a.StudentName(),
		First: a.StudentFirstName, Host: a.HostName, Offer: a.OfferTitle, Week: a.Week, Needs: a.Needs(),
		Unsigned: a.Unsigned(), Schedule: a.Schedule(), You: s}
	for _, sig := range a.Signatures {
		v.Signed = append(v.Signed, sig.Signatory)
	}
	if r != nil && a.State != domain.AgreementCancelled {
		var err error
		if v.Link, err = ib.newLink(ctx, tx, a.ID, s, *r); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// asks is what an agreement lacks from party s.
func asks(a store.Agreement, s domain.Signatory) []domain.AgreementNeed {
	var out []domain.AgreementNeed
	for _, n := range a.Needs() {
		switch {
		case s == domain.SignHost && (n == domain.NeedHours || n == domain.NeedActivities),
			s == domain.SignStudent && n == domain.NeedStudentName,
			s == domain.SignParent && (n == domain.NeedParentName || n == domain.NeedParent2 && a.Parent2ID == nil):
			out = append(out, n)
		}
	}
	if s == domain.SignParent2 && a.Parent2Name == "" && a.State.Open() {
		out = append(out, domain.NeedParentName)
	}
	return out
}

// refs lists agreements as a parent's or a host's machine needs them.
func (ib *Inbox) refs(ctx context.Context, tx txn, list []store.Agreement, as func(store.Agreement) domain.Signatory) ([]conversation.AgreementRef, error) {
	var out []conversation.AgreementRef
	for _, a := range list {
		s := as(a)
		pending, err := tx.CodePending(ctx, a.ID, s, tx.now)
		if err != nil {
			return nil, err
		}
		out = append(out, conversation.AgreementRef{ID: a.ID, Ref: a.ApplicationID, Student: a.StudentName(),
			First: a.StudentFirstName, You: s, State: a.State, Asks: asks(a, s), Signed: a.SignatureOf(s) != nil,
			CodePending: pending})
	}
	return out, nil
}

// parentRole is the signatory a parent is on an agreement.
func parentRole(parentID int64) func(store.Agreement) domain.Signatory {
	return func(a store.Agreement) domain.Signatory {
		if a.ParentID != parentID && a.Parent2ID != nil && *a.Parent2ID == parentID {
			return domain.SignParent2
		}
		return domain.SignParent
	}
}

// reachOf is where party s of an agreement is written to (ok false: the collège, or nobody).
func (ib *Inbox) reachOf(ctx context.Context, tx txn, a store.Agreement, s domain.Signatory) (reach, bool) {
	switch s {
	case domain.SignStudent:
		return reach{Channel: a.StudentChannel, Address: a.StudentAddress, Lang: a.StudentLang}, true
	case domain.SignParent:
		return reach{Channel: ib.parentChannel(ctx, tx, a.ParentPhone), Address: a.ParentPhone, Lang: a.ParentLang}, true
	case domain.SignParent2:
		if a.Parent2Phone == nil {
			return reach{}, false
		}
		return reach{Channel: ib.parentChannel(ctx, tx, *a.Parent2Phone), Address: *a.Parent2Phone,
			Lang: firstOf(deref(a.Parent2Lang), a.ParentLang)}, true
	}
	return reach{}, false
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// tellAgreement sends notice kind about an agreement to parties, each with their own link, except
// the one at except (who is answered directly).
func (ib *Inbox) tellAgreement(ctx context.Context, tx txn, a store.Agreement, kind conversation.NoticeKind,
	parties []domain.Signatory, except reach, count int) error {
	for _, s := range parties {
		switch s {
		case domain.SignSchool:
			continue // the collège sees it on its page
		case domain.SignHost:
			contacts, err := tx.HostContacts(ctx, a.HostID)
			if err != nil {
				return err
			}
			for _, c := range contacts {
				r := reach{Channel: domain.Telegram, Address: c.TelegramChatID, Lang: c.Lang, Name: c.Name}
				if r.Address == "" {
					r.Channel, r.Address = domain.SMS, c.Phone
				}
				if r.Address == "" || r.Address == except.Address {
					continue
				}
				if ok, err := ib.canWrite(ctx, tx, r.Channel, r.Address); err != nil || !ok {
					if err != nil {
						return err
					}
					continue
				}
				v, err := ib.view(ctx, tx, a, s, &r)
				if err != nil {
					return err
				}
				reply := ib.machine.HostNotice(r.Lang, conversation.Notice{Kind: kind, Agreement: v, Count: count})
				if err := ib.enqueue(ctx, tx, r.Channel, r.Address, r.Lang, reply, true, a.StudentID); err != nil {
					return err
				}
			}
		default:
			r, ok := ib.reachOf(ctx, tx, a, s)
			if !ok || r.Address == except.Address {
				continue
			}
			if ok, err := ib.canWrite(ctx, tx, r.Channel, r.Address); err != nil || !ok {
				if err != nil {
					return err
				}
				continue
			}
			v, err := ib.view(ctx, tx, a, s, &r)
			if err != nil {
				return err
			}
			n := conversation.Notice{Kind: kind, Agreement: v, Count: count}
			if s == domain.SignStudent {
				if err := ib.tellStudent(ctx, tx, store.ApplicationInfo{StudentID: a.StudentID, StudentChannel: r.Channel,
					StudentAddress: r.Address, StudentLang: r.Lang}, n); err != nil {
					return err
				}
				continue
			}
			if err := ib.enqueue(ctx, tx, r.Channel, r.Address, r.Lang, ib.machine.ParentNotice(r.Lang, n), true, a.StudentID); err != nil {
				return err
			}
		}
	}
	return nil
}

// agreementCreated tells the parties of a stage just confirmed what its agreement needs from them:
// the host its part, the parent their name when tellParent (and the other parent's number when both
// must sign), and the student their last name when tellStudent (otherwise the student's own reply
// asks it, and the parent's confirmation their name: it reports whether the student's is needed).
func (ib *Inbox) agreementCreated(ctx context.Context, tx txn, applicationID int64, tellStudent, tellParent bool) (bool, error) {
	a, err := tx.AgreementOfApplication(ctx, applicationID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := ib.settle(ctx, tx, a.ID, reach{}); err != nil {
		return false, err
	}
	tell := func(kind conversation.NoticeKind, s domain.Signatory) error {
		return ib.tellAgreement(ctx, tx, a, kind, []domain.Signatory{s}, reach{}, 0)
	}
	if err := tell(conversation.NoticeAgreementFill, domain.SignHost); err != nil {
		return false, err
	}
	if a.LastName == "" && tellStudent {
		if err := tell(conversation.NoticeAgreementLastName, domain.SignStudent); err != nil {
			return false, err
		}
	}
	if a.ParentName == "" && tellParent {
		if err := tell(conversation.NoticeAgreementParentName, domain.SignParent); err != nil {
			return false, err
		}
	}
	if a.ParentsToSign == 2 {
		if err := tell(conversation.NoticeAgreementParent2, domain.SignParent); err != nil {
			return false, err
		}
	}
	return a.LastName == "", nil
}

// settle brings an agreement, after a change, to where it now stands: the document's hash kept
// (the signatures on another voided, their signers told), the signatures opened when it is checked
// and complete, closed when all are given, reopened when one was voided. except is who made the
// change (answered directly, not told).
func (ib *Inbox) settle(ctx context.Context, tx txn, id int64, except reach) (store.Agreement, error) {
	a, err := tx.LockAgreement(ctx, id)
	if err != nil {
		return a, err
	}
	if a.State == domain.AgreementCancelled {
		return a, nil
	}
	doc, _, err := Document(a)
	if err != nil {
		return a, err
	}
	voided, err := tx.SetAgreementHash(ctx, a.ID, doc.Hash())
	if err != nil {
		return a, err
	}
	if a, err = tx.AgreementByID(ctx, id); err != nil {
		return a, err
	}
	var told []domain.Signatory
	for _, v := range voided {
		told = append(told, v.Signatory)
	}
	if err := ib.tellAgreement(ctx, tx, a, conversation.NoticeAgreementVoided, told, except, 0); err != nil {
		return a, err
	}
	switch {
	case a.State == domain.AgreementChecked && a.Ready():
		if err := tx.MoveAgreement(ctx, a.ID, a.State, domain.AgreementSigning, domain.BySystem, tx.now); err != nil {
			return a, err
		}
		a.State = domain.AgreementSigning
		if err := ib.tellAgreement(ctx, tx, a, conversation.NoticeAgreementReady, a.Unsigned(), except, 0); err != nil {
			return a, err
		}
	case a.State == domain.AgreementSigning && len(a.Unsigned()) == 0:
		if err := tx.MoveAgreement(ctx, a.ID, a.State, domain.AgreementSigned, domain.BySystem, tx.now); err != nil {
			return a, err
		}
		a.State = domain.AgreementSigned
		if err := ib.tellAgreement(ctx, tx, a, conversation.NoticeAgreementSigned, a.Signers(), except, 0); err != nil {
			return a, err
		}
	case a.State == domain.AgreementSigned && len(a.Unsigned()) > 0:
		if err := tx.MoveAgreement(ctx, a.ID, a.State, domain.AgreementSigning, domain.BySystem, tx.now); err != nil {
			return a, err
		}
		a.State = domain.AgreementSigning
	}
	return a, nil
}

// The effects a party's machine asks about an agreement, carried out for that party only.

// agreementParty is who carries out an agreement's effect: their role on it, where they are, and how they are
// allowed in (a student by their id, a parent by theirs, a host contact by their hosts).
type agreementParty struct {
	reach
	studentID int64
	parentID  int64
	hosts     []int64
}

// agreementOf reads agreement id for p acting as s, or false when it is not theirs (or 0 for
// a student: their current one).
func (ib *Inbox) agreementOf(ctx context.Context, tx txn, p agreementParty, id int64, s domain.Signatory) (store.Agreement, bool, error) {
	if id == 0 && p.studentID != 0 {
		list, err := tx.AgreementsOfStudent(ctx, p.studentID, tx.now)
		if err != nil || len(list) == 0 {
			return store.Agreement{}, false, err
		}
		id = list[len(list)-1].ID
	}
	a, err := tx.LockAgreement(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return a, false, nil
	}
	if err != nil {
		return a, false, err
	}
	switch s {
	case domain.SignStudent:
		return a, a.StudentID == p.studentID, nil
	case domain.SignParent:
		return a, a.ParentID == p.parentID && p.parentID != 0, nil
	case domain.SignParent2:
		return a, a.Parent2ID != nil && *a.Parent2ID == p.parentID && p.parentID != 0, nil
	case domain.SignHost:
		for _, h := range p.hosts {
			if h == a.HostID {
				return a, true, nil
			}
		}
	}
	return a, false, nil
}

// carryOutAgreement performs an agreement's effect for party p; ok false when e is not one.
func (ib *Inbox) carryOutAgreement(ctx context.Context, tx txn, p agreementParty, e conversation.Effect) (conversation.Result, bool, error) {
	switch e := e.(type) {
	case conversation.ShowAgreement:
		a, ok, err := ib.agreementOf(ctx, tx, p, e.AgreementID, e.As)
		if err != nil || !ok {
			return conversation.AgreementFound{}, true, err
		}
		v, err := ib.view(ctx, tx, a, e.As, &p.reach)
		return conversation.AgreementFound{Agreement: v}, true, err
	case conversation.RequestCode:
		r, err := ib.requestCode(ctx, tx, p, e)
		return r, true, err
	case conversation.SignWithCode:
		r, err := ib.signWithCode(ctx, tx, p, e.AgreementID, e.As, e.Code, p.Channel)
		return r, true, err
	case conversation.SetHours:
		r, err := ib.setHours(ctx, tx, p, e.AgreementID, e.Text)
		return r, true, err
	case conversation.SetActivities:
		r, err := ib.setActivities(ctx, tx, p, e.AgreementID, e.Text)
		return r, true, err
	case conversation.SetAgreementName:
		r, err := ib.setName(ctx, tx, p, e)
		return r, true, err
	case conversation.SetSecondParent:
		r, err := ib.setSecondParent(ctx, tx, p, e)
		return r, true, err
	}
	return nil, false, nil
}

// requestCode draws a signing code for a party, when the agreement waits for their signature.
func (ib *Inbox) requestCode(ctx context.Context, tx txn, p agreementParty, e conversation.RequestCode) (conversation.Result, error) {
	a, ok, err := ib.agreementOf(ctx, tx, p, e.AgreementID, e.As)
	if err != nil || !ok {
		return conversation.CodeSent{Problem: conversation.CodeNoneHere}, err
	}
	v, err := ib.view(ctx, tx, a, e.As, &p.reach)
	if err != nil {
		return nil, err
	}
	switch {
	case a.SignatureOf(e.As) != nil:
		return conversation.CodeSent{Agreement: v, Problem: conversation.CodeSigned}, nil
	case a.State != domain.AgreementSigning:
		return conversation.CodeSent{Agreement: v, Problem: conversation.CodeNotOpen}, nil
	}
	code, err := ib.newCode()
	if err != nil {
		return nil, err
	}
	granted, err := tx.NewSigningCode(ctx, a.ID, e.As, codeHash(a.ID, e.As, code), tx.now)
	switch {
	case err != nil:
		return nil, err
	case granted == store.CodeTooMany:
		return conversation.CodeSent{Agreement: v, Problem: conversation.CodeTooMany}, nil
	case granted == store.CodeLockedParty:
		return conversation.CodeSent{Agreement: v, Problem: conversation.CodeLocked}, nil
	}
	return conversation.CodeSent{Agreement: v, Code: code}, nil
}

// signWithCode signs an agreement as a party with the code they typed, on channel (or "web").
func (ib *Inbox) signWithCode(ctx context.Context, tx txn, p agreementParty, id int64, s domain.Signatory, code string,
	channel domain.Channel) (conversation.SignResult, error) {
	a, ok, err := ib.agreementOf(ctx, tx, p, id, s)
	if err != nil || !ok {
		return conversation.SignResult{Outcome: conversation.SignNotOpen}, err
	}
	if a.State != domain.AgreementSigning || a.SignatureOf(s) != nil {
		v, err := ib.view(ctx, tx, a, s, &p.reach)
		return conversation.SignResult{Agreement: v, Outcome: conversation.SignNotOpen}, err
	}
	check, err := tx.CheckSigningCode(ctx, a.ID, s, codeHash(a.ID, s, code), tx.now)
	switch {
	case err != nil:
		return conversation.SignResult{}, err
	case check.None:
		return conversation.SignResult{Outcome: conversation.SignNoCode}, nil
	case check.Locked:
		return conversation.SignResult{Outcome: conversation.SignLocked}, nil
	case !check.OK:
		return conversation.SignResult{Outcome: conversation.SignWrongCode, TriesLeft: check.TriesLeft}, nil
	}
	name := signerName(a, s)
	if s == domain.SignHost && p.Name != "" {
		name = p.Name
	}
	if _, err := tx.SaveSignature(ctx, store.AgreementSignature{AgreementID: a.ID, Signatory: s, Name: name,
		Channel: string(channel), Proof: proofOf(string(p.Channel), p.Address), Hash: a.Hash, At: tx.now}); err != nil {
		return conversation.SignResult{}, err
	}
	if a, err = ib.settle(ctx, tx, a.ID, p.reach); err != nil {
		return conversation.SignResult{}, err
	}
	v, err := ib.view(ctx, tx, a, s, &p.reach)
	if err != nil {
		return conversation.SignResult{}, err
	}
	if a.State == domain.AgreementSigned {
		return conversation.SignResult{Agreement: v, Outcome: conversation.SignedByAll}, nil
	}
	return conversation.SignResult{Agreement: v, Outcome: conversation.SignedOK}, nil
}

// setHours keeps the host's hours when they read and keep the legal limits for the student's age.
func (ib *Inbox) setHours(ctx context.Context, tx txn, p agreementParty, id int64, text string) (conversation.HoursSaved, error) {
	a, ok, err := ib.agreementOf(ctx, tx, p, id, domain.SignHost)
	if err != nil || !ok || a.State == domain.AgreementCancelled {
		return conversation.HoursSaved{}, err
	}
	sched, err := agreement.Parse(text)
	if err != nil {
		v, verr := ib.view(ctx, tx, a, domain.SignHost, nil)
		return conversation.HoursSaved{Agreement: v, Unread: true}, verr
	}
	return ib.keepHours(ctx, tx, p, a, sched)
}

// keepHours checks a schedule against the limits and keeps it.
func (ib *Inbox) keepHours(ctx context.Context, tx txn, p agreementParty, a store.Agreement, sched domain.Schedule) (conversation.HoursSaved, error) {
	age := agreement.Age(a.StudentBirth, a.Week)
	if breaches := ib.limits.Check(sched, age); len(breaches) > 0 {
		v, err := ib.view(ctx, tx, a, domain.SignHost, nil)
		out := conversation.HoursSaved{Agreement: v, Age: age}
		for _, b := range breaches {
			out.Breaches = append(out.Breaches, conversation.LimitBreach{Limit: b.Limit.ID, Day: b.Day, Max: b.Limit.Minutes,
				Actual: b.Actual, Start: b.Limit.Start, End: b.Limit.End, Source: b.Limit.Source})
		}
		return out, err
	}
	if err := tx.SetHostPart(ctx, a.ID, store.HostPart{Schedule: &sched, Representative: p.Name}, tx.now); err != nil {
		return conversation.HoursSaved{}, err
	}
	a, err := ib.hostChanged(ctx, tx, p, a.ID)
	if err != nil {
		return conversation.HoursSaved{}, err
	}
	v, err := ib.view(ctx, tx, a, domain.SignHost, nil)
	return conversation.HoursSaved{Agreement: v}, err
}

// hostChanged completes a draft the host has now given both hours and activities to, and settles it.
func (ib *Inbox) hostChanged(ctx context.Context, tx txn, p agreementParty, id int64) (store.Agreement, error) {
	a, err := tx.AgreementByID(ctx, id)
	if err != nil {
		return a, err
	}
	if a.State == domain.AgreementDraft && a.Schedule() != nil && strings.TrimSpace(a.Activities) != "" {
		if err := tx.MoveAgreement(ctx, a.ID, a.State, domain.AgreementCompleted, domain.ByHost, tx.now); err != nil {
			return a, err
		}
	}
	return ib.settle(ctx, tx, id, p.reach)
}

// agreementToChange reads agreement id for p acting as s, to change a part of it: problem says why
// it cannot be ("not_yours", "closed").
func (ib *Inbox) agreementToChange(ctx context.Context, tx txn, p agreementParty, id int64, s domain.Signatory) (store.Agreement, string, error) {
	a, ok, err := ib.agreementOf(ctx, tx, p, id, s)
	switch {
	case err != nil:
		return a, "", err
	case !ok:
		return a, "not_yours", nil
	case a.State == domain.AgreementCancelled:
		return a, "closed", nil
	}
	return a, "", nil
}

// maxActivities is the most an agreement's activities hold.
const maxActivities = 1500

// setActivities keeps what the student will see and do.
func (ib *Inbox) setActivities(ctx context.Context, tx txn, p agreementParty, id int64, text string) (conversation.AgreementSaved, error) {
	a, problem, err := ib.agreementToChange(ctx, tx, p, id, domain.SignHost)
	switch {
	case err != nil || problem != "":
		return conversation.AgreementSaved{Problem: problem}, err
	case len([]rune(text)) > maxActivities:
		return conversation.AgreementSaved{Problem: "too_long"}, nil
	}
	text = strings.TrimSpace(text)
	if err := tx.SetHostPart(ctx, a.ID, store.HostPart{Activities: &text, Representative: p.Name}, tx.now); err != nil {
		return conversation.AgreementSaved{}, err
	}
	if a, err = ib.hostChanged(ctx, tx, p, a.ID); err != nil {
		return conversation.AgreementSaved{}, err
	}
	v, err := ib.view(ctx, tx, a, domain.SignHost, nil)
	return conversation.AgreementSaved{Agreement: v, OK: true}, err
}

// setName keeps a party's name: the student's last name, a parent's full name.
func (ib *Inbox) setName(ctx context.Context, tx txn, p agreementParty, e conversation.SetAgreementName) (conversation.AgreementSaved, error) {
	a, problem, err := ib.agreementToChange(ctx, tx, p, e.AgreementID, e.As)
	if err != nil || problem != "" {
		return conversation.AgreementSaved{Problem: problem}, err
	}
	name := strings.TrimSpace(e.Name)
	var part store.FamilyPart
	switch e.As {
	case domain.SignStudent:
		part.LastName = &name
	case domain.SignParent:
		part.ParentName = &name
	case domain.SignParent2:
		part.Parent2Name = &name
	default:
		return conversation.AgreementSaved{Problem: "not_yours"}, nil
	}
	if err := tx.SetFamilyPart(ctx, a.ID, part, tx.now); err != nil {
		return conversation.AgreementSaved{}, err
	}
	if a, err = ib.settle(ctx, tx, a.ID, p.reach); err != nil {
		return conversation.AgreementSaved{}, err
	}
	v, err := ib.view(ctx, tx, a, e.As, nil)
	return conversation.AgreementSaved{Agreement: v, OK: true}, err
}

// setSecondParent keeps the other legal representative's number (who is asked their name, and signs
// once it is open), or that the parent signs alone.
func (ib *Inbox) setSecondParent(ctx context.Context, tx txn, p agreementParty, e conversation.SetSecondParent) (conversation.AgreementSaved, error) {
	a, problem, err := ib.agreementToChange(ctx, tx, p, e.AgreementID, domain.SignParent)
	switch {
	case err != nil || problem != "":
		return conversation.AgreementSaved{Problem: problem}, err
	case a.State == domain.AgreementSigned:
		return conversation.AgreementSaved{Problem: "closed"}, nil
	case !e.Alone && (e.Phone == a.ParentPhone || e.Phone == a.StudentAddress):
		return conversation.AgreementSaved{Problem: "same_phone"}, nil
	}
	alone := e.Alone
	part := store.FamilyPart{SingleParent: &alone}
	if !e.Alone {
		part.Parent2Phone, part.Parent2Lang = &e.Phone, a.ParentLang
	}
	if err := tx.SetFamilyPart(ctx, a.ID, part, tx.now); err != nil {
		return conversation.AgreementSaved{}, err
	}
	if a, err = ib.settle(ctx, tx, a.ID, p.reach); err != nil {
		return conversation.AgreementSaved{}, err
	}
	if !e.Alone && a.Parent2Name == "" {
		if err := ib.tellAgreement(ctx, tx, a, conversation.NoticeAgreementParentName, []domain.Signatory{domain.SignParent2}, p.reach, 0); err != nil {
			return conversation.AgreementSaved{}, err
		}
	}
	v, err := ib.view(ctx, tx, a, domain.SignParent, nil)
	return conversation.AgreementSaved{Agreement: v, OK: true}, err
}

// agreementLine is the agreement of an application as its party sees it, for the stage's last
// reminders (nil when it has none).
func (ib *Inbox) agreementOfApp(ctx context.Context, tx txn, appID int64, s domain.Signatory) (*domain.AgreementView, error) {
	a, err := tx.AgreementOfApplication(ctx, appID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ib.view(ctx, tx, a, s, nil)
}
