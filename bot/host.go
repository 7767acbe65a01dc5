package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"stagebot/calendar"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The host's side of the workflow: a host contact's conversation (conversation.Machine.HostStep)
// and the interpreter of its effects. A contact acts only on requests on their own hosts' offers
// that the parent agreed to; anything else is answered as if it did not exist.

// hostTurn is one message of a host contact going round the step loop.
type hostTurn struct {
	ib          *Inbox
	msg         domain.Inbound
	now         time.Time // the transaction's
	conv        store.Conversation
	hosts       []int64 // the contact's hosts: one person may be a contact of several
	hostName    string  // the host's name when there is one
	apps        []conversation.HostApp
	refs        []conversation.AgreementRef // the agreements of its stages
	studentOf   map[int64]int64             // application → its student, for the replies that name them
	contactName string                      // who writes: the name they sign under
	session     conversation.ContactSession
	about       int64 // the student the replies speak of, so that they go when the student is erased
}

// handleHost reads a message from a host contact.
func (ib *Inbox) handleHost(ctx context.Context, tx txn, msg domain.Inbound, contacts []store.HostContact) error {
	conv, err := tx.LockConversation(ctx, msg.Channel, msg.Address, tx.now)
	if err != nil {
		return err
	}
	t := &hostTurn{ib: ib, msg: msg, now: tx.now, conv: conv, session: loadContact(conv), studentOf: map[int64]int64{}}
	if len(conv.Session) <= 2 {
		t.session.Lang = contacts[0].Lang
	}
	for _, c := range contacts {
		t.hosts = append(t.hosts, c.HostID)
		// Writing to us proves the contact can be reached again (unless they stopped).
		if err := ib.refreshHost(ctx, tx, c.HostID); err != nil {
			return err
		}
	}
	active, err := tx.HostActive(ctx, t.hosts)
	if err != nil {
		return err
	}
	if len(t.hosts) == 1 {
		if t.hostName, err = tx.HostName(ctx, t.hosts[0]); err != nil {
			return err
		}
	}
	for _, a := range active {
		t.apps = append(t.apps, conversation.HostApp{ID: a.ID, Student: personName(a.StudentFirstName, a.StudentLastInitial),
			Offer: a.OfferTitle, Week: a.Week, State: a.State})
		t.studentOf[a.ID] = a.StudentID
	}
	for _, h := range t.hosts {
		agreements, err := tx.AgreementsOfHost(ctx, h, tx.now)
		if err != nil {
			return err
		}
		refs, err := ib.refs(ctx, tx, agreements, func(store.Agreement) domain.Signatory { return domain.SignHost })
		if err != nil {
			return err
		}
		t.refs = append(t.refs, refs...)
	}
	t.contactName = contacts[0].Name
	if err := converse(ctx, tx, t); err != nil {
		return err
	}
	return ib.saveContact(ctx, tx, conv, conversation.RoleHost, t.session, nil, msg.ReceivedAt)
}

func (t *hostTurn) step(result conversation.Result) ([]domain.Reply, []conversation.Effect) {
	in := conversation.HostInput{Now: t.now, Host: t.hostName, Apps: t.apps, Agreements: t.refs, Result: result}
	if result == nil {
		in.Text, in.Choice = t.msg.Text, t.msg.Choice
	}
	out := t.ib.machine.HostStep(t.session, in)
	t.session = out.Session
	return out.Replies, out.Effects
}

// replied queues a step's replies at once. They speak of the application the previous step acted
// on (the answer to an acceptance names its student); this step's effects set the next one.
func (t *hostTurn) replied(ctx context.Context, tx txn, replies []domain.Reply, effects []conversation.Effect) error {
	if err := t.ib.reply(ctx, tx, t.conv, t.session.Lang, replies, t.about); err != nil {
		return err
	}
	for _, e := range effects {
		switch e := e.(type) {
		case conversation.AcceptApplication:
			t.about = t.studentOf[e.ApplicationID]
		case conversation.DeclineApplication:
			t.about = t.studentOf[e.ApplicationID]
		case conversation.RelayToStudent:
			t.about = t.studentOf[e.ApplicationID]
		}
	}
	return nil
}

// carryOut performs one of the host machine's effects.
func (t *hostTurn) carryOut(ctx context.Context, tx txn, e conversation.Effect) (conversation.Result, error) {
	if r, ok, err := t.ib.carryOutAgreement(ctx, tx, agreementParty{reach: reach{Channel: t.msg.Channel,
		Address: t.msg.Address, Lang: t.session.Lang, Name: t.contactName}, hosts: t.hosts}, e); ok {
		return r, err
	}
	switch e := e.(type) {
	case conversation.AcceptApplication:
		return t.accept(ctx, tx, e)
	case conversation.DeclineApplication:
		return t.decline(ctx, tx, e)
	case conversation.RelayToStudent:
		return t.relayToStudent(ctx, tx, e)
	case conversation.GiveFeedback:
		app, ok, err := t.ib.hostsApplication(ctx, tx, t.hosts, e.ApplicationID)
		if err != nil || !ok || app.State != domain.Confirmed {
			return conversation.FeedbackSaved{}, err // not a stage of theirs
		}
		if app.Week.After(calendar.Day(tx.now)) {
			return conversation.FeedbackSaved{TooEarly: true}, nil
		}
		return saveFeedback(ctx, tx, store.FeedbackParams{ApplicationID: app.ID, Author: "host", Mark: e.Mark,
			Word: e.Word, At: tx.now})
	case conversation.SetStopped:
		// At once, so that a host whose last contact stopped is hidden and its requests closed now.
		if err := t.ib.setStopped(ctx, tx, t.msg.Channel, t.msg.Address, e.Stopped); err != nil {
			return nil, err
		}
		for _, h := range t.hosts {
			if err := t.ib.refreshHost(ctx, tx, h); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	return nil, fmt.Errorf("unknown host effect %T", e)
}

// accept takes the student of one of the host's requests, if a place is left for them.
func (t *hostTurn) accept(ctx context.Context, tx txn, e conversation.AcceptApplication) (conversation.Result, error) {
	app, ok, err := t.ib.hostsApplication(ctx, tx, t.hosts, e.ApplicationID)
	if err != nil || !ok {
		return conversation.HostAnswered{Accept: true, Problem: domain.ProblemNotFound}, err
	}
	rules, err := t.ib.rules(ctx, tx)
	if err != nil {
		return nil, err
	}
	r, err := tx.Accept(ctx, store.AcceptParams{HostID: app.HostID, ApplicationID: e.ApplicationID, Now: tx.now,
		ReleaseDate: rules.ReleaseDate, ConfirmDays: rules.ConfirmDays})
	if err != nil {
		return nil, err
	}
	answer := conversation.HostAnswered{Accept: true, Problem: r.Problem,
		Student: personName(r.App.StudentFirstName, r.App.StudentLastInitial)}
	switch r.Problem {
	case domain.NoProblem:
		if err := t.ib.tellStudent(ctx, tx, r.App, noticeOf(conversation.NoticeAccepted, r.App)); err != nil {
			return nil, err
		}
		if err := t.tellColleagues(ctx, tx, r.App, conversation.NoticeAcceptedByColleague); err != nil {
			return nil, err
		}
		return answer, t.ib.tellParent(ctx, tx, r.App, conversation.NoticeAccepted)
	case domain.ProblemFull:
		if err := t.ib.tellStudent(ctx, tx, r.App, noticeOf(conversation.NoticeFull, r.App)); err != nil {
			return nil, err
		}
		return answer, t.ib.tellParent(ctx, tx, r.App, conversation.NoticeFull)
	}
	return answer, nil
}

// decline says no to one of the host's requests.
func (t *hostTurn) decline(ctx context.Context, tx txn, e conversation.DeclineApplication) (conversation.Result, error) {
	app, ok, err := t.ib.hostsApplication(ctx, tx, t.hosts, e.ApplicationID)
	if err != nil || !ok {
		return conversation.HostAnswered{Problem: domain.ProblemNotFound}, err
	}
	app, problem, err := tx.Decline(ctx, app.HostID, e.ApplicationID, tx.now)
	if err != nil {
		return nil, err
	}
	answer := conversation.HostAnswered{Problem: problem, Student: personName(app.StudentFirstName, app.StudentLastInitial)}
	if problem != domain.NoProblem {
		return answer, nil
	}
	if err := t.ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeDeclined, app)); err != nil {
		return nil, err
	}
	if err := t.tellColleagues(ctx, tx, app, conversation.NoticeDeclinedByColleague); err != nil {
		return nil, err
	}
	return answer, t.ib.tellParent(ctx, tx, app, conversation.NoticeDeclined)
}

// tellColleagues tells the host's other contacts what this contact answered to a request, so that
// nobody answers it again.
func (t *hostTurn) tellColleagues(ctx context.Context, tx txn, app store.ApplicationInfo, kind conversation.NoticeKind) error {
	_, err := t.ib.tellHostExcept(ctx, tx, app, noticeOf(kind, app), t.msg.Channel, t.msg.Address)
	return err
}

// relayToStudent passes a host's message on to the student of one of its requests that reached it.
func (t *hostTurn) relayToStudent(ctx context.Context, tx txn, e conversation.RelayToStudent) (conversation.Result, error) {
	app, ok, err := t.ib.hostsApplication(ctx, tx, t.hosts, e.ApplicationID)
	if err != nil || !ok || !app.State.ReachedHost() {
		return conversation.Relayed{}, err // not the host's, or not yet agreed by the parent: nothing
	}
	student := personName(app.StudentFirstName, app.StudentLastInitial)
	if ok, err := t.ib.canWrite(ctx, tx, app.StudentChannel, app.StudentAddress); err != nil || !ok {
		// The student sent STOP, or cannot be reached: nothing goes, and the host is told why.
		return conversation.Relayed{Unreachable: true, To: student}, err
	}
	if err := tx.RecordRelay(ctx, app.ID, domain.HostToStudent, e.Text, tx.now); err != nil {
		return nil, err
	}
	kind := conversation.NoticeHostMessage
	if e.Question {
		kind = conversation.NoticeHostQuestion
	}
	n := noticeOf(kind, app)
	n.Text = e.Text
	return conversation.Relayed{OK: true, To: student, Masked: e.Masked, Question: e.Question},
		t.ib.tellStudent(ctx, tx, app, n)
}

// hostsApplication reads an application a host contact acts on, and locks its student's
// conversation first: every transaction takes the student's conversation before the student's
// rows, so a host's answer and the student's own message never deadlock. ok is false when the
// application is not on one of the contact's hosts' offers (the host then learns nothing).
func (ib *Inbox) hostsApplication(ctx context.Context, tx txn, hosts []int64, id int64) (store.ApplicationInfo, bool, error) {
	app, err := tx.ApplicationByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return app, false, nil
	}
	if err != nil {
		return app, false, err
	}
	if !slices.Contains(hosts, app.HostID) {
		return app, false, nil
	}
	if _, err := tx.LockConversation(ctx, app.StudentChannel, app.StudentAddress, tx.now); err != nil {
		return app, false, err
	}
	return app, true, nil
}

// linkHost links a host contact's Telegram chat with a single-use code ("/start host-CODE"). A code
// that does not work gets a short answer and changes nothing (the chat may be a student's).
func (ib *Inbox) linkHost(ctx context.Context, tx txn, msg domain.Inbound, code string) error {
	contact, err := tx.LinkTelegram(ctx, code, msg.Address, tx.now)
	if errors.Is(err, store.ErrNotFound) {
		ib.log.InfoContext(ctx, "host link code refused", slog.String("channel", string(msg.Channel)))
		conv := store.Conversation{Channel: msg.Channel, Address: msg.Address}
		return ib.reply(ctx, tx, conv, "fr", []domain.Reply{ib.machine.HostLinkInvalid("fr")}, 0)
	}
	if err != nil {
		return err
	}
	host, err := tx.HostName(ctx, contact.HostID)
	if err != nil {
		return err
	}
	conv, err := tx.LockConversation(ctx, msg.Channel, msg.Address, tx.now)
	if err != nil {
		return err
	}
	return ib.saveContact(ctx, tx, conv, conversation.RoleHost, conversation.ContactSession{Lang: contact.Lang},
		[]domain.Reply{ib.machine.HostLinked(contact.Lang, contact.Name, host)}, msg.ReceivedAt)
}
