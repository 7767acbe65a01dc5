package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"stagebot/calendar"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The parent's side of the workflow: their conversation (conversation.Machine.ParentStep) and the
// interpreter of its effects. A parent acts only on their own children.

// parentTurn is one message of a parent going round the step loop.
type parentTurn struct {
	ib      *Inbox
	msg     domain.Inbound
	now     time.Time // the transaction's
	conv    store.Conversation
	parent  store.Parent
	kids    []conversation.Child
	refs    []conversation.AgreementRef
	session conversation.ContactSession
	about   int64 // the child the replies speak of, so that they go when the child is erased
}

// handleParent reads a message from a parent.
func (ib *Inbox) handleParent(ctx context.Context, tx txn, msg domain.Inbound, parent store.Parent) error {
	conv, err := tx.LockConversation(ctx, msg.Channel, msg.Address, tx.now)
	if err != nil {
		return err
	}
	session := loadContact(conv)
	if session.Lang == "" || len(conv.Session) <= 2 {
		session.Lang = parent.Lang
	}
	children, err := tx.Children(ctx, parent.ID)
	if err != nil {
		return err
	}
	kids := make([]conversation.Child, len(children))
	for i, c := range children {
		kids[i] = conversation.Child{StudentID: c.StudentID, FirstName: c.FirstName, LastInitial: c.LastInitial,
			School: c.SchoolName, Consent: c.Consent}
	}
	agreements, err := tx.AgreementsOfParent(ctx, parent.ID, tx.now)
	if err != nil {
		return err
	}
	refs, err := ib.refs(ctx, tx, agreements, parentRole(parent.ID))
	if err != nil {
		return err
	}
	t := &parentTurn{ib: ib, msg: msg, now: tx.now, conv: conv, parent: parent, kids: kids, refs: refs, session: session}
	if err := converse(ctx, tx, t); err != nil {
		return err
	}
	return ib.saveContact(ctx, tx, conv, conversation.RoleParent, t.session, nil, msg.ReceivedAt)
}

func (t *parentTurn) step(result conversation.Result) ([]domain.Reply, []conversation.Effect) {
	in := conversation.ParentInput{Now: t.now, Children: t.kids, Agreements: t.refs, Result: result}
	if result == nil {
		in.Text = t.msg.Text
	}
	out := t.ib.machine.ParentStep(t.session, in)
	t.session = out.Session
	return out.Replies, out.Effects
}

// replied queues a step's replies at once, about the child its effects concern.
func (t *parentTurn) replied(ctx context.Context, tx txn, replies []domain.Reply, effects []conversation.Effect) error {
	for _, e := range effects {
		switch e := e.(type) {
		case conversation.Consent:
			t.about = e.StudentID
		case conversation.ReadRelays:
			t.about = e.StudentID
		}
	}
	return t.ib.reply(ctx, tx, t.conv, t.session.Lang, replies, t.about)
}

// carryOut performs one of the parent machine's effects, on one of the parent's own children only.
func (t *parentTurn) carryOut(ctx context.Context, tx txn, e conversation.Effect) (conversation.Result, error) {
	if r, ok, err := t.ib.carryOutAgreement(ctx, tx, agreementParty{reach: reach{Channel: t.msg.Channel,
		Address: t.msg.Address, Lang: t.session.Lang}, parentID: t.parent.ID}, e); ok {
		return r, err
	}
	switch e := e.(type) {
	case conversation.Consent:
		child, ok := ownChild(t.kids, e.StudentID)
		if !ok {
			return nil, errNotAllowed
		}
		rec, err := t.ib.consent(ctx, tx, e.StudentID, e.Agree)
		rec.Child = child
		return rec, err
	case conversation.WithdrawAllConsents:
		for _, k := range t.kids {
			if k.Consent == domain.ConsentGranted || k.Consent == domain.ConsentPending {
				if _, err := t.ib.consent(ctx, tx, k.StudentID, false); err != nil {
					return nil, err
				}
			}
		}
		return nil, nil
	case conversation.ReadRelays:
		return t.readRelays(ctx, tx, e)
	case conversation.SetLanguage:
		return nil, tx.SetParentLanguage(ctx, t.parent.ID, e.Lang)
	case conversation.SetStopped:
		return nil, t.ib.setStopped(ctx, tx, t.msg.Channel, t.msg.Address, e.Stopped)
	}
	return nil, fmt.Errorf("unknown parent effect %T", e)
}

// readRelays reads the messages relayed between one of the parent's children and hosts.
func (t *parentTurn) readRelays(ctx context.Context, tx txn, e conversation.ReadRelays) (conversation.Result, error) {
	for _, k := range t.kids {
		if k.StudentID != e.StudentID {
			continue
		}
		relays, err := tx.RelaysForStudent(ctx, e.StudentID)
		if err != nil {
			return nil, err
		}
		found := conversation.RelaysFound{Child: k}
		for _, r := range relays {
			found.Messages = append(found.Messages, conversation.RelayedMessage{Host: r.HostName,
				FromHost: r.Direction == domain.HostToStudent, Body: r.Body, At: r.At.In(calendar.Paris())})
		}
		return found, nil
	}
	return nil, errNotAllowed
}

// ownChild finds one of the parent's children.
func ownChild(kids []conversation.Child, studentID int64) (conversation.Child, bool) {
	for _, k := range kids {
		if k.StudentID == studentID {
			return k, true
		}
	}
	return conversation.Child{}, false
}

// consent records a parent's answer for a child and tells whom it concerns: on yes, the hosts of
// the applications it sends and the student; on no, the hosts of the applications it withdraws and
// the student. The parent hears what it did in the answer to their own message (see
// conversation.ConsentRecorded), not in a notice per application.
func (ib *Inbox) consent(ctx context.Context, tx txn, studentID int64, agree bool) (conversation.ConsentRecorded, error) {
	rec := conversation.ConsentRecorded{Agree: agree}
	st, err := tx.StudentByID(ctx, studentID)
	if err != nil {
		return rec, err
	}
	// The student's conversation before the student's rows, as every transaction does.
	if _, err := tx.LockConversation(ctx, st.Channel, st.Address, tx.now); err != nil {
		return rec, err
	}
	if agree {
		sent, err := tx.GrantConsent(ctx, studentID, tx.now)
		if err != nil {
			return rec, err
		}
		for _, app := range sent {
			ok, err := ib.applicationSent(ctx, tx, app, false)
			if err != nil {
				return rec, err
			}
			if ok {
				rec.SentTo = append(rec.SentTo, app.HostName)
				continue
			}
			if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeHostGone, app)); err != nil {
				return rec, err
			}
		}
		if st.Consent == domain.ConsentGranted {
			return rec, nil
		}
		return rec, ib.tellStudentAbout(ctx, tx, st, conversation.Notice{Kind: conversation.NoticeParentAgreed,
			Count: len(rec.SentTo)})
	}
	withdrawn, err := tx.RefuseConsent(ctx, studentID, tx.now, st.Consent == domain.ConsentGranted)
	if err != nil {
		return rec, err
	}
	for _, app := range withdrawn {
		if err := ib.applicationWithdrawn(ctx, tx, app, app.PreviousState, domain.ByParent); err != nil {
			return rec, err
		}
	}
	rec.Withdrawn = len(withdrawn)
	if st.Consent.Refused() {
		return rec, nil
	}
	if len(withdrawn) > 0 {
		return rec, ib.tellStudentAbout(ctx, tx, st, conversation.Notice{Kind: conversation.NoticeParentWithdrew,
			Count: len(withdrawn)})
	}
	waiting, err := tx.Waiting(ctx, studentID)
	if err != nil {
		return rec, err
	}
	return rec, ib.tellStudentAbout(ctx, tx, st, conversation.Notice{Kind: conversation.NoticeParentRefused, Count: waiting})
}

// loadContact reads a parent's or a host's saved session.
func loadContact(conv store.Conversation) conversation.ContactSession {
	var s conversation.ContactSession
	if len(conv.Session) > 0 {
		_ = json.Unmarshal(conv.Session, &s) // an unreadable or student session starts afresh
	}
	if s.Lang == "" {
		s.Lang = conv.Lang
	}
	return s
}

// saveContact writes a parent's or a host's session and queues the replies.
func (ib *Inbox) saveContact(ctx context.Context, tx txn, conv store.Conversation, role conversation.Role,
	s conversation.ContactSession, replies []domain.Reply, at time.Time) error {
	raw, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	conv.State, conv.Session, conv.Lang, conv.OptedOut, conv.LastInboundAt = string(role), raw, s.Lang, s.Stopped, &at
	if err := tx.SaveConversation(ctx, conv, tx.now); err != nil {
		return err
	}
	return ib.reply(ctx, tx, conv, s.Lang, replies, 0)
}
