package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The notifications: when an application moves, the people it concerns are told, each on their
// channel and in their language, in the same transaction as the move. They are "proactive"
// messages: the sender holds them during quiet hours on SMS, and nobody who sent STOP gets one.

// noticeOf fills a notice from an application.
func noticeOf(kind conversation.NoticeKind, app store.ApplicationInfo) conversation.Notice {
	return conversation.Notice{Kind: kind, AppID: app.ID,
		Student: personName(app.StudentFirstName, app.StudentLastInitial), School: app.SchoolName,
		Priority: app.Priority, Offer: app.OfferTitle, Host: app.HostName, Address: app.Address,
		Hours: app.DailyHours, Contact: app.ContactName, Week: app.Week, ConfirmBy: app.ConfirmBy,
		Motivation: app.Motivation}
}

func personName(first, initial string) string {
	if initial == "" {
		return first
	}
	return first + " " + initial + "."
}

// tellParent sends a notice about an application to the student's parent.
func (ib *Inbox) tellParent(ctx context.Context, tx txn, app store.ApplicationInfo, kind conversation.NoticeKind) error {
	if app.ParentPhone == "" {
		return nil
	}
	return ib.sendProactive(ctx, tx, ib.parentChannel(ctx, tx, app.ParentPhone), app.ParentPhone, app.ParentLang,
		ib.machine.ParentNotice(app.ParentLang, noticeOf(kind, app)), app.StudentID)
}

// parentChannel is WhatsApp for a parent who wrote to us from it, SMS otherwise.
func (ib *Inbox) parentChannel(ctx context.Context, tx txn, phone string) domain.Channel {
	if at, err := tx.LastInbound(ctx, domain.WhatsApp, phone); err == nil && at != nil {
		return domain.WhatsApp
	}
	return domain.SMS
}

// tellHost sends a notice about an application to every contact of its host: on Telegram when the
// contact linked it, by SMS otherwise.
func (ib *Inbox) tellHost(ctx context.Context, tx txn, app store.ApplicationInfo, n conversation.Notice) error {
	contacts, err := tx.HostContacts(ctx, app.HostID)
	if err != nil {
		return err
	}
	for _, c := range contacts {
		channel, address := domain.Telegram, c.TelegramChatID
		if address == "" {
			channel, address = domain.SMS, c.Phone
		}
		if address == "" {
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
		if err := ib.sendProactive(ctx, tx, channel, address, c.Lang, reply, about); err != nil {
			return err
		}
	}
	return nil
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
	if n.Kind == conversation.NoticeHostQuestion || n.Kind == conversation.NoticeParentUnreachable {
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

// sendProactive queues a message nobody just asked for, unless its recipient sent STOP (on either
// channel of a phone number). about is the student the message is about (0: none): it is erased
// with them.
func (ib *Inbox) sendProactive(ctx context.Context, tx txn, channel domain.Channel, address, lang string, r domain.Reply,
	about int64) error {
	if r.Text == "" {
		return nil
	}
	stopped, err := ib.stopped(ctx, tx, channel, address)
	if err != nil || stopped {
		return err
	}
	return ib.enqueue(ctx, tx, channel, address, lang, r, true, about)
}

// stopped reports whether a person sent STOP: on the channel, or for a phone number on SMS or
// WhatsApp, either.
func (ib *Inbox) stopped(ctx context.Context, tx txn, channel domain.Channel, address string) (bool, error) {
	channels := []domain.Channel{channel}
	if channel.Phone() {
		channels = []domain.Channel{domain.SMS, domain.WhatsApp}
	}
	for _, ch := range channels {
		if stopped, err := tx.OptedOut(ctx, ch, address); err != nil || stopped {
			return stopped, err
		}
	}
	return false, nil
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

// enqueue queues one reply for the sender, at the transaction's time; about is the student it
// concerns (0: none).
func (ib *Inbox) enqueue(ctx context.Context, tx txn, channel domain.Channel, address, lang string, r domain.Reply,
	proactive bool, about int64) error {
	choices, err := json.Marshal(r.Choices)
	if err != nil {
		return fmt.Errorf("encode choices: %w", err)
	}
	m := store.OutboxMessage{Channel: channel, Address: address, Lang: lang, Body: r.Text, Choices: choices,
		Proactive: proactive, CreatedAt: tx.now}
	if about != 0 {
		m.StudentID = &about
	}
	_, err = tx.Enqueue(ctx, m)
	return err
}

// applicationSent tells the host about a new request and the parent that it went.
func (ib *Inbox) applicationSent(ctx context.Context, tx txn, app store.ApplicationInfo) error {
	if err := ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeSent, app)); err != nil {
		return err
	}
	return ib.tellParent(ctx, tx, app, conversation.NoticeSent)
}

// applicationWithdrawn tells the host (when the request had reached it) and the parent.
func (ib *Inbox) applicationWithdrawn(ctx context.Context, tx txn, app store.ApplicationInfo, before domain.ApplicationState) error {
	if !before.ReachedHost() {
		return nil
	}
	if err := ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeWithdrawn, app)); err != nil {
		return err
	}
	return ib.tellParent(ctx, tx, app, conversation.NoticeWithdrawn)
}

// consentRequest asks a newly signed-up student's parent to agree. It reports false when the parent
// cannot be asked (they sent STOP).
func (ib *Inbox) consentRequest(ctx context.Context, tx txn, studentID int64) (bool, error) {
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

// errNotAllowed marks an action on an application that is not the actor's.
var errNotAllowed = errors.New("bot: not the actor's application")
