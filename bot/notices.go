package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The notifications: when an application moves, the people it concerns are told, each on their
// channel and in their language, in the same transaction as the move. They are "proactive"
// messages: the sender holds them to the sending hours, and nobody who sent STOP gets one.

// noticeOf fills a notice from an application.
func noticeOf(kind conversation.NoticeKind, app store.ApplicationInfo) conversation.Notice {
	return conversation.Notice{Kind: kind, AppID: app.ID,
		Student: personName(app.StudentFirstName, app.StudentLastInitial), School: app.SchoolName,
		Priority: app.Priority, Offer: app.OfferTitle, Host: app.HostName, Address: app.Address,
		Hours: app.DailyHours, Contact: app.ContactName, Week: app.Week, ConfirmBy: app.ConfirmBy,
		DecideBy: app.BookedUntil, Motivation: app.Motivation}
}

func personName(first, initial string) string {
	if initial == "" {
		return first
	}
	return first + " " + initial + "."
}

// tellParent sends a notice about an application to the student's parent.
func (ib *Inbox) tellParent(ctx context.Context, tx txn, app store.ApplicationInfo, kind conversation.NoticeKind) error {
	return ib.tellParentNotice(ctx, tx, app, noticeOf(kind, app))
}

// tellParentNotice sends notice n about an application to the student's parent.
func (ib *Inbox) tellParentNotice(ctx context.Context, tx txn, app store.ApplicationInfo, n conversation.Notice) error {
	if app.ParentPhone == "" {
		return nil
	}
	return ib.sendProactive(ctx, tx, ib.parentChannel(ctx, tx, app.ParentPhone), app.ParentPhone, app.ParentLang,
		ib.machine.ParentNotice(app.ParentLang, n), app.StudentID)
}

// parentErasedNotice prepares the message telling a student's parent that the child's data is
// erased, at the child's request, and returns what sends it: to be called once the erasure (which
// takes every message to or about the child, and the parent's when no other child remains) is done.
// It names the child but is not erased with them: it is the last one.
func (ib *Inbox) parentErasedNotice(ctx context.Context, tx txn, studentID int64) (func() error, error) {
	nothing := func() error { return nil }
	st, err := tx.StudentByID(ctx, studentID)
	if errors.Is(err, store.ErrNotFound) {
		return nothing, nil
	}
	if err != nil {
		return nil, err
	}
	parent, err := tx.ParentByID(ctx, st.ParentID)
	if err != nil {
		return nil, err
	}
	channel := ib.parentChannel(ctx, tx, parent.Phone)
	// Asked now: the erasure may take the parent's conversation, and their STOP with it.
	if stopped, err := ib.stopped(ctx, tx, channel, parent.Phone); err != nil || stopped {
		return nothing, err
	}
	n := conversation.Notice{Kind: conversation.NoticeErased, Student: personName(st.FirstName, st.LastInitial)}
	reply := ib.machine.ParentNotice(parent.Lang, n)
	return func() error { return ib.sendProactive(ctx, tx, channel, parent.Phone, parent.Lang, reply, 0) }, nil
}

// parentChannel is WhatsApp for a parent who wrote to us from it, SMS otherwise.
func (ib *Inbox) parentChannel(ctx context.Context, tx txn, phone string) domain.Channel {
	if at, err := tx.LastInbound(ctx, domain.WhatsApp, phone); err == nil && at != nil {
		return domain.WhatsApp
	}
	return domain.SMS
}

// tellHost sends a notice about an application to every contact of its host: on Telegram when the
// contact linked it, by SMS otherwise. It returns how many messages it queued: none when no contact
// can be written to (each sent STOP, or has no address).
func (ib *Inbox) tellHost(ctx context.Context, tx txn, app store.ApplicationInfo, n conversation.Notice) (int, error) {
	return ib.tellHostExcept(ctx, tx, app, n, "", "")
}

// tellHostExcept is tellHost to every contact but the one at (channel, address).
func (ib *Inbox) tellHostExcept(ctx context.Context, tx txn, app store.ApplicationInfo, n conversation.Notice,
	exceptChannel domain.Channel, exceptAddress string) (int, error) {
	contacts, err := tx.HostContacts(ctx, app.HostID)
	if err != nil {
		return 0, err
	}
	queued := 0
	for _, c := range contacts {
		channel, address := domain.Telegram, c.TelegramChatID
		if address == "" {
			channel, address = domain.SMS, c.Phone
		}
		if address == "" || channel == exceptChannel && address == exceptAddress {
			continue
		}
		reply := ib.machine.HostNotice(c.Lang, n)
		if channel != domain.Telegram {
			reply.Choices = nil // by SMS the text says how to answer: OUI 1042, NON 1042
		}
		about := app.StudentID
		if n.Kind == conversation.NoticeErased {
			about = 0 // it names no one, and must outlive the student's erasure
		}
		sent, err := ib.sendProactiveCounted(ctx, tx, channel, address, c.Lang, reply, about)
		if err != nil {
			return 0, err
		}
		if sent {
			queued++
		}
	}
	return queued, nil
}

// tellStudent sends a notice to the student of an application. A host's question changes where
// the student is in the conversation, so their conversation row is locked and saved with it.
func (ib *Inbox) tellStudent(ctx context.Context, tx txn, app store.ApplicationInfo, n conversation.Notice) error {
	conv, err := tx.LockConversation(ctx, app.StudentChannel, app.StudentAddress, tx.now)
	if err != nil {
		return err
	}
	if conv.OptedOut {
		return nil
	}
	session := ib.studentSession(ctx, conv)
	out := ib.machine.StudentNotice(session, n)
	// A host's question, a parent to replace, the agreement's name: the notice moves them.
	if n.Kind == conversation.NoticeHostQuestion || n.Kind == conversation.NoticeParentUnreachable ||
		out.Session.State != session.State {
		if err := ib.saveStudent(ctx, tx, conv, out.Session, nil); err != nil {
			return err
		}
	}
	for _, r := range out.Replies {
		if err := ib.enqueue(ctx, tx, app.StudentChannel, app.StudentAddress, out.Session.Lang, r, true, 0); err != nil {
			return err
		}
	}
	return nil
}

// tellStudentAbout sends a student a notice that is not about one application.
func (ib *Inbox) tellStudentAbout(ctx context.Context, tx txn, st store.Student, n conversation.Notice) error {
	return ib.tellStudent(ctx, tx, store.ApplicationInfo{StudentChannel: st.Channel, StudentAddress: st.Address,
		StudentLang: st.Lang}, n)
}

// applicationSent tells the host about a new request and, with tellParent, the parent that it went.
// An application is sent only when a message to one of the host's contacts is queued: when none
// can be, the host is lost (hidden from search, its requests closed; this one included, whose
// student and parent hear it from the caller) and sent is false.
func (ib *Inbox) applicationSent(ctx context.Context, tx txn, app store.ApplicationInfo, tellParent bool) (sent bool, err error) {
	if booked, err := ib.book(ctx, tx, app); err != nil || booked {
		return booked, err
	}
	queued, err := ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeSent, app))
	if err != nil {
		return false, err
	}
	if queued == 0 {
		if err := ib.hostLost(ctx, tx, app.HostID, app.ID); err != nil {
			return false, err
		}
		if _, _, err := tx.CancelApplication(ctx, app.ID, tx.now); err != nil {
			return false, err
		}
		return false, nil
	}
	if !tellParent {
		return true, nil
	}
	return true, ib.tellParent(ctx, tx, app, conversation.NoticeSent)
}

// book takes the place of a sent application at once where the campaign lets students book the
// City's places (direct booking): the host is told it may still decline within the campaign's days,
// the student and the parent that the place is the student's to confirm. It reports false, having
// done nothing, when the rule does not apply, when nobody at the host can be written to, or when no
// place is left for the student: the application then goes as a request.
func (ib *Inbox) book(ctx context.Context, tx txn, app store.ApplicationInfo) (bool, error) {
	if app.HostKind != store.HostCity {
		return false, nil
	}
	rules, err := ib.rules(ctx, tx)
	if err != nil || rules.BookingDays == 0 {
		return false, err
	}
	if reachable, err := tx.HostReachable(ctx, app.HostID); err != nil || !reachable {
		return false, err
	}
	r, err := tx.Book(ctx, store.AcceptParams{HostID: app.HostID, ApplicationID: app.ID, Now: tx.now,
		ReleaseDate: rules.ReleaseDate, ConfirmDays: rules.ConfirmDays, BookingDays: rules.BookingDays})
	if err != nil || r.Problem != domain.NoProblem {
		return false, err
	}
	if _, err := ib.tellHost(ctx, tx, r.App, noticeOf(conversation.NoticeBooked, r.App)); err != nil {
		return false, err
	}
	if err := ib.tellStudent(ctx, tx, r.App, noticeOf(conversation.NoticeBooked, r.App)); err != nil {
		return false, err
	}
	return true, ib.tellParent(ctx, tx, r.App, conversation.NoticeBooked)
}

// applicationWithdrawn tells the host (when the request had reached it) and the parent, unless the
// parent withdrew it themselves.
func (ib *Inbox) applicationWithdrawn(ctx context.Context, tx txn, app store.ApplicationInfo, before domain.ApplicationState,
	by domain.Actor) error {
	if !before.ReachedHost() {
		return nil
	}
	kind := conversation.NoticeWithdrawn
	if before == domain.Confirmed {
		kind = conversation.NoticeStageCancelled // a host's promise undone: said as such
	}
	if _, err := ib.tellHost(ctx, tx, app, noticeOf(kind, app)); err != nil {
		return err
	}
	if by == domain.ByParent {
		return nil
	}
	return ib.tellParent(ctx, tx, app, kind)
}

// refreshHost records whether a host can still be written to, after one of its contacts sent STOP or
// START or was found unreachable; a host just lost has its requests closed (see hostLost).
func (ib *Inbox) refreshHost(ctx context.Context, tx txn, hostID int64) error {
	lost, err := tx.RefreshHostReachable(ctx, hostID, tx.now)
	if err != nil || !lost {
		return err
	}
	return ib.closeHostRequests(ctx, tx, hostID, 0)
}

// hostLost hides a host nobody can write to any more from search and closes its pending requests
// kindly: each student and parent is told, except for application except (0: none), which the
// caller speaks of.
func (ib *Inbox) hostLost(ctx context.Context, tx txn, hostID, except int64) error {
	if _, err := tx.RefreshHostReachable(ctx, hostID, tx.now); err != nil {
		return err
	}
	if reachable, err := tx.HostReachable(ctx, hostID); err != nil || reachable {
		return err
	}
	return ib.closeHostRequests(ctx, tx, hostID, except)
}

func (ib *Inbox) closeHostRequests(ctx context.Context, tx txn, hostID, except int64) error {
	closed, err := tx.CloseHostRequests(ctx, hostID, tx.now)
	if err != nil {
		return err
	}
	if len(closed) > 0 {
		ib.log.InfoContext(ctx, "host unreachable, requests closed", slog.Int64("host", hostID),
			slog.Int("requests", len(closed)))
	}
	for _, app := range closed {
		if app.ID == except {
			continue
		}
		if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeHostGone, app)); err != nil {
			return err
		}
		if app.PreviousState == domain.Sent {
			if err := ib.tellParent(ctx, tx, app, conversation.NoticeHostGone); err != nil {
				return err
			}
		}
	}
	return nil
}

// setStopped records at once that a person sent STOP (dropping what is still queued for them) or
// START, so that the rest of the transaction already sends them nothing.
func (ib *Inbox) setStopped(ctx context.Context, tx txn, channel domain.Channel, address string, stopped bool) error {
	if err := tx.SetOptedOut(ctx, channel, address, stopped, tx.now); err != nil {
		return err
	}
	if !stopped {
		return nil
	}
	return tx.DropPending(ctx, channel, address, tx.now)
}

// savedProfile reads a registered student's profile as saved, for their conversation.
func (ib *Inbox) savedProfile(ctx context.Context, tx txn, studentID int64) (conversation.Profile, error) {
	st, err := tx.StudentByID(ctx, studentID)
	if err != nil {
		return conversation.Profile{}, err
	}
	parent, err := tx.ParentByID(ctx, st.ParentID)
	if err != nil {
		return conversation.Profile{}, err
	}
	p := conversation.Profile{StudentID: st.ID, FirstName: st.FirstName, LastInitial: st.LastInitial,
		SchoolName: st.SchoolName, Priority: st.Priority, Week: st.StageWeek, BirthMonth: st.BirthMonth,
		ParentPhone: parent.Phone, ParentLang: parent.Lang}
	if st.SchoolUAI != nil {
		p.SchoolUAI = *st.SchoolUAI
		school, err := tx.SchoolByUAI(ctx, *st.SchoolUAI)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return conversation.Profile{}, err
		}
		p.SchoolWeek = school.StageWeek
	}
	return p, nil
}

// consentRequest asks a newly signed-up student's parent to agree. It reports false when the parent
// cannot be asked (they sent STOP), and when the request waits for the sending hours, when it leaves.
func (ib *Inbox) consentRequest(ctx context.Context, tx txn, studentID int64) (bool, *time.Time, error) {
	asked, err := ib.askConsent(ctx, tx, studentID)
	if err != nil || !asked || ib.cfg.Hours.Open(tx.now) {
		return asked, nil, err
	}
	at := ib.cfg.Hours.Next(tx.now)
	return true, &at, nil
}

func (ib *Inbox) askConsent(ctx context.Context, tx txn, studentID int64) (bool, error) {
	st, err := tx.StudentByID(ctx, studentID)
	if err != nil {
		return false, err
	}
	parent, err := tx.ParentByID(ctx, st.ParentID)
	if err != nil {
		return false, err
	}
	children, err := tx.Children(ctx, parent.ID)
	if err != nil {
		return false, err
	}
	channel := ib.parentChannel(ctx, tx, parent.Phone)
	if stopped, err := ib.stopped(ctx, tx, channel, parent.Phone); err != nil || stopped {
		return false, err
	}
	n := conversation.Notice{Kind: conversation.NoticeConsentRequest, Student: personName(st.FirstName, st.LastInitial),
		First: strings.ToUpper(st.FirstName), School: st.SchoolName, Count: len(children)}
	return true, ib.sendProactive(ctx, tx, channel, parent.Phone, parent.Lang, ib.machine.ParentNotice(parent.Lang, n), st.ID)
}

// tellFormerParent tells the parent a student wrote to us about until now that the student gave
// another parent's number: nothing about the child will reach them any more.
func (ib *Inbox) tellFormerParent(ctx context.Context, tx txn, studentID int64, former store.Parent) error {
	st, err := tx.StudentByID(ctx, studentID)
	if err != nil {
		return err
	}
	n := conversation.Notice{Kind: conversation.NoticeParentChanged, Student: personName(st.FirstName, st.LastInitial)}
	return ib.sendProactive(ctx, tx, ib.parentChannel(ctx, tx, former.Phone), former.Phone, former.Lang,
		ib.machine.ParentNotice(former.Lang, n), studentID)
}

// errNotAllowed marks an action on an application that is not the actor's.
var errNotAllowed = errors.New("bot: not the actor's application")
