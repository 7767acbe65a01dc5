package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"stagebot/calendar"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The parents' and the hosts' conversations. Each inbound message is read by the conversation
// package's ParentStep or HostStep; the effects move applications (through the store, which
// enforces who may do what) and tell the other parties.

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

// reply queues a conversation's direct answers, ahead of the notices its effects send to others.
// about is the student they speak of (0: none), so that they go when the student is erased.
func (ib *Inbox) reply(ctx context.Context, tx txn, conv store.Conversation, lang string, replies []domain.Reply,
	about int64) error {
	for _, r := range replies {
		if err := ib.enqueue(ctx, tx, conv.Channel, conv.Address, lang, r, false, about); err != nil {
			return err
		}
	}
	return nil
}

// handleParent reads a message from a parent.
func (ib *Inbox) handleParent(ctx context.Context, tx txn, msg Inbound, parent store.Parent, now time.Time) error {
	conv, err := tx.LockConversation(ctx, string(msg.Channel), msg.Address, tx.now)
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
	in := conversation.ParentInput{Text: msg.Text, Now: now, Children: kids}
	var about int64 // the child the answers speak of
	for step := 0; step < maxSteps; step++ {
		out := ib.machine.ParentStep(session, in)
		session = out.Session
		for _, e := range out.Effects {
			switch e := e.(type) {
			case conversation.Consent:
				about = e.StudentID
			case conversation.ReadRelays:
				about = e.StudentID
			}
		}
		if err := ib.reply(ctx, tx, conv, session.Lang, out.Replies, about); err != nil {
			return err
		}
		var result conversation.Result
		for _, e := range out.Effects {
			r, err := ib.parentEffect(ctx, tx, parent, kids, e, now)
			if err != nil {
				return fmt.Errorf("%T: %w", e, err)
			}
			if r != nil {
				result = r
			}
		}
		if result == nil {
			break
		}
		in = conversation.ParentInput{Now: now, Children: kids, Result: result}
	}
	return ib.saveContact(ctx, tx, conv, conversation.RoleParent, session, nil, msg.ReceivedAt)
}

func (ib *Inbox) parentEffect(ctx context.Context, tx txn, parent store.Parent, kids []conversation.Child,
	e conversation.Effect, now time.Time) (conversation.Result, error) {
	switch e := e.(type) {
	case conversation.Consent:
		if !ownChild(kids, e.StudentID) {
			return nil, errNotAllowed
		}
		return nil, ib.consent(ctx, tx, e.StudentID, e.Agree, now)
	case conversation.ReadRelays:
		for _, k := range kids {
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
					FromHost: r.Direction == "host_to_student", Body: r.Body, At: r.At.In(calendar.Paris())})
			}
			return found, nil
		}
		return nil, errNotAllowed
	case conversation.SetLanguage:
		return nil, tx.SetParentLanguage(ctx, parent.ID, e.Lang)
	case conversation.SetStopped:
		return nil, nil // saved with the conversation
	}
	return nil, fmt.Errorf("unknown parent effect %T", e)
}

func ownChild(kids []conversation.Child, studentID int64) bool {
	for _, k := range kids {
		if k.StudentID == studentID {
			return true
		}
	}
	return false
}

// consent records a parent's answer for a child and tells whom it concerns: on yes, the hosts of
// the applications it sends, the parent for each, and the student; on no, the hosts of the
// applications it withdraws and the student.
func (ib *Inbox) consent(ctx context.Context, tx txn, studentID int64, agree bool, now time.Time) error {
	st, err := tx.StudentByID(ctx, studentID)
	if err != nil {
		return err
	}
	// The student's conversation before the student's rows, as every transaction does.
	if _, err := tx.LockConversation(ctx, st.Channel, st.Address, tx.now); err != nil {
		return err
	}
	if agree {
		sent, err := tx.GrantConsent(ctx, studentID, now)
		if err != nil {
			return err
		}
		for _, app := range sent {
			if err := ib.applicationSent(ctx, tx, app); err != nil {
				return err
			}
		}
		if st.Consent == "granted" {
			return nil
		}
		return ib.tellStudentAbout(ctx, tx, st, conversation.Notice{Kind: conversation.NoticeParentAgreed, Count: len(sent)})
	}
	withdrawn, err := tx.RefuseConsent(ctx, studentID, now, st.Consent == "granted")
	if err != nil {
		return err
	}
	for _, app := range withdrawn {
		if err := ib.applicationWithdrawn(ctx, tx, app, app.PreviousState); err != nil {
			return err
		}
	}
	if st.Consent == "refused" || st.Consent == "withdrawn" {
		return nil
	}
	return ib.tellStudentAbout(ctx, tx, st, conversation.Notice{Kind: conversation.NoticeParentRefused})
}

// tellStudentAbout sends a student a notice that is not about one application.
func (ib *Inbox) tellStudentAbout(ctx context.Context, tx txn, st store.Student, n conversation.Notice) error {
	return ib.tellStudent(ctx, tx, store.ApplicationInfo{StudentChannel: st.Channel, StudentAddress: st.Address,
		StudentLang: st.Lang}, n)
}

// handleHost reads a message from a host contact: one person, who may be a contact of several
// host structures.
func (ib *Inbox) handleHost(ctx context.Context, tx txn, msg Inbound, contacts []store.HostContact, now time.Time) error {
	conv, err := tx.LockConversation(ctx, string(msg.Channel), msg.Address, tx.now)
	if err != nil {
		return err
	}
	session := loadContact(conv)
	if len(conv.Session) <= 2 {
		session.Lang = contacts[0].Lang
	}
	hosts := make([]int64, len(contacts))
	for i, c := range contacts {
		hosts[i] = c.HostID
	}
	active, err := tx.HostActive(ctx, hosts)
	if err != nil {
		return err
	}
	hostName := ""
	if len(hosts) == 1 {
		if hostName, err = tx.HostName(ctx, hosts[0]); err != nil {
			return err
		}
	}
	apps := make([]conversation.HostApp, len(active))
	for i, a := range active {
		apps[i] = conversation.HostApp{ID: a.ID, Student: personName(a.StudentFirstName, a.StudentLastInitial),
			Offer: a.OfferTitle, Week: a.Week, State: a.State}
	}
	studentOf := map[int64]int64{} // application → its student, for the answers that name them
	for _, a := range active {
		studentOf[a.ID] = a.StudentID
	}
	in := conversation.HostInput{Text: msg.Text, Choice: msg.Choice, Now: now, Host: hostName, Apps: apps}
	var about int64
	for step := 0; step < maxSteps; step++ {
		out := ib.machine.HostStep(session, in)
		session = out.Session
		if err := ib.reply(ctx, tx, conv, session.Lang, out.Replies, about); err != nil {
			return err
		}
		var result conversation.Result
		for _, e := range out.Effects {
			switch e := e.(type) {
			case conversation.AcceptApplication:
				about = studentOf[e.ApplicationID]
			case conversation.DeclineApplication:
				about = studentOf[e.ApplicationID]
			case conversation.RelayToStudent:
				about = studentOf[e.ApplicationID]
			}
			r, err := ib.hostEffect(ctx, tx, hosts, e, now)
			if err != nil {
				return fmt.Errorf("%T: %w", e, err)
			}
			if r != nil {
				result = r
			}
		}
		if result == nil {
			break
		}
		in = conversation.HostInput{Now: now, Host: hostName, Apps: apps, Result: result}
	}
	return ib.saveContact(ctx, tx, conv, conversation.RoleHost, session, nil, msg.ReceivedAt)
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

// reachedHost reports whether an application is one a host may read and write about: the parent
// agreed and it went to the host (sent, accepted, confirmed).
func reachedHost(state domain.ApplicationState) bool {
	return state == domain.Sent || state == domain.Accepted || state == domain.Confirmed
}

func (ib *Inbox) hostEffect(ctx context.Context, tx txn, hosts []int64, e conversation.Effect,
	now time.Time) (conversation.Result, error) {
	switch e := e.(type) {
	case conversation.AcceptApplication:
		app, ok, err := ib.hostsApplication(ctx, tx, hosts, e.ApplicationID)
		if err != nil || !ok {
			return conversation.HostAnswered{Accept: true, Problem: domain.ProblemNotFound}, err
		}
		rules, err := ib.rules(ctx, tx)
		if err != nil {
			return nil, err
		}
		r, err := tx.Accept(ctx, store.AcceptParams{HostID: app.HostID, ApplicationID: e.ApplicationID, Now: now,
			ReleaseDate: rules.ReleaseDate, ConfirmDays: rules.ConfirmDays})
		if err != nil {
			return nil, err
		}
		answer := conversation.HostAnswered{Accept: true, Problem: r.Problem,
			Student: personName(r.App.StudentFirstName, r.App.StudentLastInitial)}
		switch r.Problem {
		case "":
			if err := ib.tellStudent(ctx, tx, r.App, noticeOf(conversation.NoticeAccepted, r.App)); err != nil {
				return nil, err
			}
			return answer, ib.tellParent(ctx, tx, r.App, conversation.NoticeAccepted)
		case domain.ProblemFull:
			return answer, ib.tellStudent(ctx, tx, r.App, noticeOf(conversation.NoticeFull, r.App))
		}
		return answer, nil
	case conversation.DeclineApplication:
		app, ok, err := ib.hostsApplication(ctx, tx, hosts, e.ApplicationID)
		if err != nil || !ok {
			return conversation.HostAnswered{Problem: domain.ProblemNotFound}, err
		}
		app, problem, err := tx.Decline(ctx, app.HostID, e.ApplicationID, now)
		if err != nil {
			return nil, err
		}
		answer := conversation.HostAnswered{Problem: problem, Student: personName(app.StudentFirstName, app.StudentLastInitial)}
		if problem == "" {
			if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeDeclined, app)); err != nil {
				return nil, err
			}
			return answer, ib.tellParent(ctx, tx, app, conversation.NoticeDeclined)
		}
		return answer, nil
	case conversation.RelayToStudent:
		app, ok, err := ib.hostsApplication(ctx, tx, hosts, e.ApplicationID)
		if err != nil || !ok || !reachedHost(app.State) {
			return conversation.Relayed{}, err // not the host's, or not yet agreed by the parent: nothing
		}
		if err := tx.RecordRelay(ctx, app.ID, "host_to_student", e.Text, now); err != nil {
			return nil, err
		}
		n := noticeOf(conversation.NoticeHostQuestion, app)
		n.Text = e.Text
		return conversation.Relayed{OK: true, To: personName(app.StudentFirstName, app.StudentLastInitial)},
			ib.tellStudent(ctx, tx, app, n)
	case conversation.SetStopped:
		return nil, nil
	}
	return nil, fmt.Errorf("unknown host effect %T", e)
}

// linkHost links a host contact's Telegram chat with a single-use code ("/start host-CODE"). A code
// that does not work gets a short answer and changes nothing (the chat may be a student's).
func (ib *Inbox) linkHost(ctx context.Context, tx txn, msg Inbound, code string, now time.Time) error {
	contact, err := tx.LinkTelegram(ctx, code, msg.Address, now)
	if errors.Is(err, store.ErrNotFound) {
		ib.log.InfoContext(ctx, "host link code refused", slog.String("channel", string(msg.Channel)))
		conv := store.Conversation{Channel: string(msg.Channel), Address: msg.Address}
		return ib.reply(ctx, tx, conv, "fr", []domain.Reply{ib.machine.HostLinkInvalid("fr")}, 0)
	}
	if err != nil {
		return err
	}
	host, err := tx.HostName(ctx, contact.HostID)
	if err != nil {
		return err
	}
	conv, err := tx.LockConversation(ctx, string(msg.Channel), msg.Address, tx.now)
	if err != nil {
		return err
	}
	return ib.saveContact(ctx, tx, conv, conversation.RoleHost, conversation.ContactSession{Lang: contact.Lang},
		[]domain.Reply{ib.machine.HostLinked(contact.Lang, contact.Name, host)}, msg.ReceivedAt)
}

// looksLikeHostCommand reports whether a stranger's message is shaped like a host's answer
// ("OUI 1042"): such attempts are logged, without the number or the text.
func looksLikeHostCommand(text string) bool {
	f := strings.Fields(strings.ToLower(text))
	if len(f) != 2 {
		return false
	}
	verb := f[0] == "oui" || f[0] == "non" || f[0] == "yes" || f[0] == "no"
	for _, r := range f[1] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return verb
}
