package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"stagebot/agreement"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// What the web pages ask of the agreements: the parties' one-time links (read, download, sign with a
// code sent to where the link went, fill the host's part) and the collège's actions (check, sign
// one or a class at once, download). Each is one transaction, on the service's clock.

// ErrLinkInvalid is a link that is unknown, used or expired (which of the three is not said).
var ErrLinkInvalid = errors.New("bot: agreement link unknown, used or expired")

// LinkedAgreement is what a link opens: the agreement, the party it is for, and its document.
type LinkedAgreement struct {
	Agreement store.Agreement
	Signatory domain.Signatory
	Document  agreement.Document
	Template  agreement.Template
	Link      store.AgreementLink
}

// linked reads the agreement a link opens, in transaction tx.
func (ib *Inbox) linked(ctx context.Context, tx txn, token string) (LinkedAgreement, error) {
	l, err := tx.AgreementByLink(ctx, HashToken(token), tx.now)
	if errors.Is(err, store.ErrNotFound) || token == "" {
		return LinkedAgreement{}, ErrLinkInvalid
	}
	if err != nil {
		return LinkedAgreement{}, err
	}
	a, err := tx.LockAgreement(ctx, l.AgreementID)
	if err != nil {
		return LinkedAgreement{}, err
	}
	doc, tmpl, err := Document(a)
	return LinkedAgreement{Agreement: a, Signatory: l.Signatory, Document: doc, Template: tmpl, Link: l}, err
}

// partyOf is the party a link speaks for, with their rights on the agreement.
func (ib *Inbox) partyOf(ctx context.Context, tx txn, la LinkedAgreement) (agreementParty, error) {
	a := la.Agreement
	p := agreementParty{reach: reach{Channel: la.Link.Channel, Address: la.Link.Address}}
	switch la.Signatory {
	case domain.SignStudent:
		p.studentID, p.Lang = a.StudentID, a.StudentLang
	case domain.SignParent:
		p.parentID, p.Lang = a.ParentID, a.ParentLang
	case domain.SignParent2:
		if a.Parent2ID != nil {
			p.parentID = *a.Parent2ID
		}
		p.Lang = firstOf(deref(a.Parent2Lang), a.ParentLang)
	case domain.SignHost:
		p.hosts = []int64{a.HostID}
		contacts, err := tx.HostContactsByAddress(ctx, la.Link.Channel, la.Link.Address)
		if err != nil && !errors.Is(err, store.ErrNotFound) { // a contact since removed: the host still acts
			return p, err
		}
		for _, c := range contacts {
			if c.HostID == a.HostID {
				p.Name, p.Lang = c.Name, c.Lang
			}
		}
	}
	return p, nil
}

// linkedParty reads what a link opens, and who it speaks for.
func (ib *Inbox) linkedParty(ctx context.Context, tx txn, token string) (LinkedAgreement, agreementParty, error) {
	la, err := ib.linked(ctx, tx, token)
	if err != nil {
		return la, agreementParty{}, err
	}
	p, err := ib.partyOf(ctx, tx, la)
	return la, p, err
}

// AgreementByLink reads what a link opens, without spending it (opening a link changes nothing).
func (ib *Inbox) AgreementByLink(ctx context.Context, token string) (LinkedAgreement, error) {
	var la LinkedAgreement
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		var err error
		la, err = ib.linked(ctx, tx, token)
		return err
	})
	return la, err
}

// LinkCode sends the link's party a signing code where the link was sent, as a reply (not held to
// sending hours: they asked for it).
func (ib *Inbox) LinkCode(ctx context.Context, token string) (conversation.CodeSent, error) {
	var sent conversation.CodeSent
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		la, p, err := ib.linkedParty(ctx, tx, token)
		if err != nil {
			return err
		}
		r, err := ib.requestCode(ctx, tx, p, conversation.RequestCode{AgreementID: la.Agreement.ID, As: la.Signatory})
		if err != nil {
			return err
		}
		sent = r.(conversation.CodeSent)
		if sent.Problem != "" {
			return nil
		}
		reply := ib.machine.AgreementCode(p.Lang, la.Signatory, sent.Code, sent.Agreement)
		return ib.enqueue(ctx, tx, p.Channel, p.Address, p.Lang, reply, false, la.Agreement.StudentID)
	})
	sent.Code = "" // the page never shows it
	return sent, err
}

// LinkSign signs as the link's party with the code they typed on its page; signed, the link is spent.
func (ib *Inbox) LinkSign(ctx context.Context, token, code string) (conversation.SignResult, error) {
	var res conversation.SignResult
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		la, p, err := ib.linkedParty(ctx, tx, token)
		if err != nil {
			return err
		}
		if res, err = ib.signWithCode(ctx, tx, p, la.Agreement.ID, la.Signatory, code, "web"); err != nil {
			return err
		}
		if res.Outcome == conversation.SignedOK || res.Outcome == conversation.SignedByAll {
			_, err = tx.SpendAgreementLink(ctx, HashToken(token), tx.now)
		}
		return err
	})
	return res, err
}

// FillParams is the host's part as the link's page sends it: the hours (as a message would write
// them, or day by day joined by the page) and the activities.
type FillParams struct {
	Hours      string
	Activities string
}

// FillResult says what the page's form did: the hours refused (and why) or kept, the activities kept.
type FillResult struct {
	Hours      conversation.HoursSaved
	Activities conversation.AgreementSaved
}

// LinkFill keeps the host's part sent from the link's page; once both are kept, the link is spent.
func (ib *Inbox) LinkFill(ctx context.Context, token string, f FillParams) (FillResult, error) {
	var res FillResult
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		la, p, err := ib.linkedParty(ctx, tx, token)
		if err != nil {
			return err
		}
		if la.Signatory != domain.SignHost {
			return ErrLinkInvalid
		}
		if strings.TrimSpace(f.Hours) != "" {
			if res.Hours, err = ib.setHours(ctx, tx, p, la.Agreement.ID, f.Hours); err != nil {
				return err
			}
		}
		if strings.TrimSpace(f.Activities) != "" && !res.Hours.Unread && len(res.Hours.Breaches) == 0 {
			if res.Activities, err = ib.setActivities(ctx, tx, p, la.Agreement.ID, ib.machine.Mask(f.Activities)); err != nil {
				return err
			}
		}
		a, err := tx.AgreementByID(ctx, la.Agreement.ID)
		if err != nil {
			return err
		}
		if a.Schedule() != nil && strings.TrimSpace(a.Activities) != "" {
			_, err = tx.SpendAgreementLink(ctx, HashToken(token), tx.now)
		}
		return err
	})
	return res, err
}

// LinkPDF makes the agreement's PDF for the link's party, and spends the link.
func (ib *Inbox) LinkPDF(ctx context.Context, token string) ([]byte, string, error) {
	var pdf []byte
	var name string
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		la, err := ib.linked(ctx, tx, token)
		if err != nil {
			return err
		}
		if ok, err := tx.SpendAgreementLink(ctx, HashToken(token), tx.now); err != nil || !ok {
			if err == nil {
				err = ErrLinkInvalid
			}
			return err
		}
		pdf, err = agreement.PDF(la.Document, la.Template, Signers(la.Agreement), tx.now)
		name = la.Document.Ref + ".pdf"
		return err
	})
	return pdf, name, err
}

// AgreementPDF makes an agreement's PDF (for the collège's page, which checks it is its own).
func (ib *Inbox) AgreementPDF(ctx context.Context, a store.Agreement) ([]byte, string, error) {
	doc, tmpl, err := Document(a)
	if err != nil {
		return nil, "", err
	}
	pdf, err := agreement.PDF(doc, tmpl, Signers(a), ib.now())
	return pdf, doc.Ref + ".pdf", err
}

// CheckParams is the collège's check of an agreement: who checks, and the collège's part.
type CheckParams struct {
	UAI       string
	StaffID   int64
	Principal string // who signs for the collège (the collège's principal)
	Referent  string
	Class     string
	Address   string
}

// CheckProblem is why a check was refused.
type CheckProblem string

// The check problems.
const (
	CheckNotYet      CheckProblem = "not_yet"      // the host has not completed it
	CheckClosed      CheckProblem = "closed"       // signed by all, or cancelled
	CheckNoReferent  CheckProblem = "no_referent"  // the referent teacher is missing
	CheckNoPrincipal CheckProblem = "no_principal" // the collège has no principal to sign
)

// CheckAgreement records the collège's part and check of an agreement of one of its students: a
// completed agreement becomes checked (then open to signatures when every name is known); a checked
// or open one keeps the new part (voiding signatures on the older document).
func (ib *Inbox) CheckAgreement(ctx context.Context, id int64, p CheckParams) (store.Agreement, CheckProblem, error) {
	var a store.Agreement
	var problem CheckProblem
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		var err error
		if a, err = tx.LockAgreement(ctx, id); err != nil {
			return err
		}
		if a.SchoolUAI != p.UAI {
			return store.ErrNotFound
		}
		p.Referent, p.Class, p.Address = strings.TrimSpace(p.Referent), strings.TrimSpace(p.Class), strings.TrimSpace(p.Address)
		switch {
		case a.State == domain.AgreementDraft:
			problem = CheckNotYet
		case a.State == domain.AgreementSigned || a.State == domain.AgreementCancelled:
			problem = CheckClosed
		case p.Referent == "":
			problem = CheckNoReferent
		case p.Principal == "":
			problem = CheckNoPrincipal
		}
		if problem != "" {
			return nil
		}
		if err := tx.SetSchoolPart(ctx, a.ID, store.SchoolPart{Class: p.Class, Address: p.Address, Principal: p.Principal,
			Referent: p.Referent, CheckedBy: p.StaffID}, tx.now); err != nil {
			return err
		}
		if a.State == domain.AgreementCompleted {
			if err := tx.MoveAgreement(ctx, a.ID, a.State, domain.AgreementChecked, domain.BySchool, tx.now); err != nil {
				return err
			}
		}
		a, err = ib.settle(ctx, tx, a.ID, reach{})
		return err
	})
	return a, problem, err
}

// SchoolSignParams is the collège's signature of some of its agreements, by its principal.
type SchoolSignParams struct {
	UAI     string
	Name    string  // the principal's name
	Session string  // a hash of the session it is given in: the signature's proof
	IDs     []int64 // the agreements to sign
}

// SignAsSchool signs, for the collège, each of its agreements open to signatures that it has not
// signed yet (one transaction each: one that fails leaves the others signed). It returns how many it
// signed.
func (ib *Inbox) SignAsSchool(ctx context.Context, p SchoolSignParams) (int, error) {
	signed := 0
	for _, id := range p.IDs {
		err := ib.inTx(ctx, ib.now(), func(tx txn) error {
			a, err := tx.LockAgreement(ctx, id)
			if err != nil {
				return err
			}
			if a.SchoolUAI != p.UAI || a.State != domain.AgreementSigning || a.SignatureOf(domain.SignSchool) != nil {
				return nil
			}
			ok, err := tx.SaveSignature(ctx, store.AgreementSignature{AgreementID: a.ID, Signatory: domain.SignSchool,
				Name: firstOf(p.Name, a.Principal), Channel: "web", Proof: proofOf("session", p.Session), Hash: a.Hash, At: tx.now})
			if err != nil || !ok {
				return err
			}
			signed++
			_, err = ib.settle(ctx, tx, a.ID, reach{})
			return err
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return signed, fmt.Errorf("sign agreement %d for the collège: %w", id, err)
		}
	}
	return signed, nil
}
