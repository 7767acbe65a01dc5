// Package bot connects people's channels to the conversation: it turns each provider's events into
// one neutral Inbound message, handles it in one transaction (Inbox), and renders and sends the
// replies waiting in the outbox.
package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// Inbound is one message from a person, whatever the channel it came by.
type Inbound struct {
	Channel    domain.Channel
	ProviderID string // unique per channel: a repeat with the same id is ignored
	Address    string // E.164 phone number, or Telegram chat id
	Text       string
	Choice     string // a pressed button's key (Telegram callback data)
	Media      bool   // carried a photo, sticker, voice note… with no text
	Start      string // a Telegram /start deep-link payload
	ReceivedAt time.Time
}

// InboxConfig gives the inbox its clock, and overrides of the season's rules. The rules come from the
// campaign in force (store.RulesOn); a field set here replaces the campaign's.
type InboxConfig struct {
	Clock           clock.Clock // the service's one clock (default the system's)
	MaxApplications int         // live applications a student may have at once
	ConfirmDays     int         // days a student has to confirm a place a host accepted
	ReleaseDate     *time.Time  // from this day, places reserved for REP/REP+ open to all
}

// Inbox handles inbound messages: record, lock the conversation, run the machine, write its
// effects and queue its replies, all in one transaction.
type Inbox struct {
	store   *store.Store
	machine *conversation.Machine
	cfg     InboxConfig
	log     *slog.Logger
}

// maxSteps bounds how many times one message may go round the machine (a step that asks, then the
// step with the answer).
const maxSteps = 6

// NewInbox builds an inbox.
func NewInbox(s *store.Store, m *conversation.Machine, cfg InboxConfig, log *slog.Logger) *Inbox {
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	return &Inbox{store: s, machine: m, cfg: cfg, log: log}
}

// now reads the service's clock, in Paris time.
func (ib *Inbox) now() time.Time { return ib.cfg.Clock.Now().In(calendar.Paris()) }

// txn is one transaction of the inbox and the time it happens at: the service's clock, read once,
// stamps everything it writes.
type txn struct {
	*store.Tx
	now time.Time
}

// inTx runs fn in one transaction at time now.
func (ib *Inbox) inTx(ctx context.Context, now time.Time, fn func(tx txn) error) error {
	return ib.store.InTx(ctx, func(tx *store.Tx) error { return fn(txn{Tx: tx, now: now}) })
}

// rules reads the season's rules in force at the transaction's time, with the inbox's overrides.
func (ib *Inbox) rules(ctx context.Context, tx txn) (store.Rules, error) {
	r, err := tx.RulesOn(ctx, tx.now)
	if err != nil {
		return r, err
	}
	if ib.cfg.MaxApplications > 0 {
		r.MaxApplications = ib.cfg.MaxApplications
	}
	if ib.cfg.ConfirmDays > 0 {
		r.ConfirmDays = ib.cfg.ConfirmDays
	}
	if ib.cfg.ReleaseDate != nil {
		r.ReleaseDate = ib.cfg.ReleaseDate
	}
	return r, nil
}

// ErrDuplicate is returned by Handle when the provider already delivered this message: nothing was done.
var ErrDuplicate = errors.New("bot: message already handled")

// Handle handles one inbound message in one transaction. When it returns nil the message and its
// replies are committed; ErrDuplicate means it was handled before; any other error means nothing
// was kept and the provider should deliver it again.
func (ib *Inbox) Handle(ctx context.Context, msg Inbound) error {
	now := ib.now()
	if msg.ReceivedAt.IsZero() {
		msg.ReceivedAt = now
	}
	msg.Text = cleanText(msg.Text)
	err := ib.inTx(ctx, now, func(tx txn) error {
		// Only the fact of the message is kept (to recognise a repeat), not what it says: what
		// matters of it is in the conversation and the rows its effects write.
		fresh, err := tx.RecordInbound(ctx, store.InboundMessage{Channel: string(msg.Channel), ProviderID: msg.ProviderID,
			Address: msg.Address, ReceivedAt: msg.ReceivedAt})
		if err != nil {
			return err
		}
		if !fresh {
			return ErrDuplicate
		}
		if err := tx.ClearUnreachable(ctx, string(msg.Channel), msg.Address); err != nil {
			return err
		}
		return ib.route(ctx, tx, msg, now)
	})
	if err != nil && !errors.Is(err, ErrDuplicate) {
		ib.log.ErrorContext(ctx, "inbound message not handled", slog.String("channel", string(msg.Channel)),
			slog.String("error", err.Error()))
	}
	return err
}

// route hands the message to the conversation of whoever sent it: a host contact (known by their
// phone or linked Telegram chat, or linking it now with "/start host-CODE"), a parent (known by
// their phone, when it is not a student's own), or else a student.
func (ib *Inbox) route(ctx context.Context, tx txn, msg Inbound, now time.Time) error {
	if code, ok := strings.CutPrefix(msg.Start, "host-"); ok && msg.Channel == domain.Telegram {
		return ib.linkHost(ctx, tx, msg, code, now)
	}
	contacts, err := tx.HostContactsByAddress(ctx, string(msg.Channel), msg.Address)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	var parent *store.Parent
	if msg.Channel == domain.SMS || msg.Channel == domain.WhatsApp {
		p, err := tx.ParentByPhone(ctx, msg.Address)
		switch {
		case err == nil:
			student, err := tx.IsStudent(ctx, string(msg.Channel), msg.Address)
			if err != nil {
				return err
			}
			if !student {
				parent = &p
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	}
	switch {
	case len(contacts) > 0 && (parent == nil || hostAnswer(msg)):
		// A host contact who is also a parent answers as a host only with a reference or a button.
		return ib.handleHost(ctx, tx, msg, contacts, now)
	case parent != nil:
		return ib.handleParent(ctx, tx, msg, *parent, now)
	}
	if looksLikeHostCommand(msg.Text) {
		ib.log.InfoContext(ctx, "host command from an address that is no host contact",
			slog.String("channel", string(msg.Channel)))
	}
	return ib.handleStudent(ctx, tx, msg, now)
}

// hostAnswer reports whether a message is shaped as a host's answer: a button of a request, or a
// text with a reference number in it.
func hostAnswer(msg Inbound) bool {
	return strings.HasPrefix(msg.Choice, "host:") || strings.ContainsAny(msg.Text, "0123456789")
}

// handleStudent runs the student's conversation on the message.
func (ib *Inbox) handleStudent(ctx context.Context, tx txn, msg Inbound, now time.Time) error {
	conv, err := tx.LockConversation(ctx, string(msg.Channel), msg.Address, tx.now)
	if err != nil {
		return err
	}
	session := ib.studentSession(ctx, conv)
	in := conversation.Input{Channel: msg.Channel, Address: msg.Address, Text: msg.Text, Choice: msg.Choice,
		Media: msg.Media, Start: msg.Start, Now: now}
	var replies []domain.Reply
	for step := 0; ; step++ {
		out := ib.machine.Step(session, in)
		session = out.Session
		replies = append(replies, out.Replies...)
		result, err := ib.carryOut(ctx, tx, msg, now, out.Effects)
		if err != nil {
			return err
		}
		if result == nil {
			break
		}
		if step == maxSteps {
			return fmt.Errorf("conversation asked more than %d times for one message", maxSteps)
		}
		in = conversation.Input{Channel: msg.Channel, Address: msg.Address, Now: now, Result: result}
	}
	conv.LastInboundAt = &msg.ReceivedAt
	return ib.saveStudent(ctx, tx, conv, session, replies)
}

// studentSession reads a student's saved session (a new one when there is none or it is unreadable).
func (ib *Inbox) studentSession(ctx context.Context, conv store.Conversation) conversation.Session {
	session := conversation.NewSession()
	if len(conv.Session) > 0 && string(conv.Session) != "{}" {
		if err := json.Unmarshal(conv.Session, &session); err != nil {
			ib.log.WarnContext(ctx, "unreadable session, starting over", slog.String("channel", conv.Channel),
				slog.String("error", err.Error()))
			session = conversation.NewSession()
		}
	}
	return session
}

// saveStudent writes a student's session and queues the replies.
func (ib *Inbox) saveStudent(ctx context.Context, tx txn, conv store.Conversation, session conversation.Session,
	replies []domain.Reply) error {
	raw, err := json.Marshal(session)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	conv.State, conv.Session, conv.Lang, conv.OptedOut = string(session.State), raw, session.Lang, session.Stopped
	if err := tx.SaveConversation(ctx, conv, tx.now); err != nil {
		return err
	}
	return ib.reply(ctx, tx, conv, session.Lang, replies, 0)
}

// carryOut performs a step's effects in order and returns the answer of the asking one, if any.
func (ib *Inbox) carryOut(ctx context.Context, tx txn, msg Inbound, now time.Time, effects []conversation.Effect) (conversation.Result, error) {
	var result conversation.Result
	for _, e := range effects {
		r, err := ib.carryOutOne(ctx, tx, msg, now, e)
		if err != nil {
			return nil, fmt.Errorf("%T: %w", e, err)
		}
		if r != nil {
			result = r
		}
	}
	return result, nil
}

func (ib *Inbox) carryOutOne(ctx context.Context, tx txn, msg Inbound, now time.Time, e conversation.Effect) (conversation.Result, error) {
	switch e := e.(type) {
	case conversation.FindSchools:
		schools, err := tx.FindSchools(ctx, e.Query, 5)
		if err != nil {
			return nil, err
		}
		found := conversation.SchoolsFound{Schools: make([]domain.School, len(schools))}
		for i, s := range schools {
			found.Schools[i] = domain.School{UAI: s.UAI, Name: s.Name, Commune: s.Commune, Priority: s.Priority,
				StageWeek: s.StageWeek}
		}
		return found, nil
	case conversation.FindSectors:
		sectors, err := tx.FindSectors(ctx, e.Query, 5)
		if err != nil {
			return nil, err
		}
		found := conversation.SectorsFound{Sectors: make([]domain.Sector, len(sectors))}
		for i, s := range sectors {
			found.Sectors[i] = domain.Sector{ID: s.ID, Name: s.Name}
		}
		return found, nil
	case conversation.Register:
		p := e.Profile
		id, err := tx.RegisterStudent(ctx, store.RegisterParams{Channel: string(msg.Channel), Address: msg.Address,
			FirstName: p.FirstName, LastInitial: p.LastInitial, SchoolUAI: p.SchoolUAI, SchoolName: p.SchoolName, StageWeek: p.Week,
			BirthMonth: p.BirthMonth, ParentPhone: p.ParentPhone, Lang: e.Lang, At: now})
		if err != nil {
			return nil, err
		}
		asked, err := ib.consentRequest(ctx, tx, id)
		return conversation.Registered{StudentID: id, ParentStopped: !asked}, err
	case conversation.SearchOffers:
		rules, err := ib.rules(ctx, tx)
		if err != nil {
			return nil, err
		}
		offers, total, err := tx.SearchOffers(ctx, store.SearchParams{StudentID: e.StudentID, Filters: e.Filters,
			Today: now, Limit: e.PageSize, Offset: e.Page * e.PageSize, ReleaseDate: rules.ReleaseDate})
		if err != nil {
			return nil, err
		}
		return conversation.OffersFound{Offers: offers, Total: total}, nil
	case conversation.CheckWeek:
		rules, err := ib.rules(ctx, tx)
		if err != nil {
			return nil, err
		}
		weeks, err := tx.OpenWeeks(ctx, store.WeeksParams{Today: now, REP: e.REP, ReleaseDate: rules.ReleaseDate})
		if err != nil {
			return nil, err
		}
		checked := conversation.WeekChecked{Week: e.Week}
		for _, w := range weeks {
			checked.Open = append(checked.Open, domain.WeekOffers{Week: w.Week, Offers: w.Offers})
		}
		return checked, nil
	case conversation.ShowOffer:
		rules, err := ib.rules(ctx, tx)
		if err != nil {
			return nil, err
		}
		offer, err := tx.OfferDetail(ctx, store.OfferParams{StudentID: e.StudentID, OfferID: e.OfferID, Today: now,
			ReleaseDate: rules.ReleaseDate})
		if errors.Is(err, store.ErrNotFound) {
			return conversation.OfferFound{}, nil
		}
		if err != nil {
			return nil, err
		}
		return conversation.OfferFound{Offer: &offer}, nil
	case conversation.Apply:
		rules, err := ib.rules(ctx, tx)
		if err != nil {
			return nil, err
		}
		res, err := tx.Apply(ctx, store.ApplyParams{StudentID: e.StudentID, OfferID: e.OfferID,
			Motivation: e.Motivation, Now: now, Rules: rules})
		if err != nil {
			return nil, err
		}
		applied := conversation.Applied{ApplicationID: res.ID, Problem: res.Problem, Sent: res.State == domain.Sent,
			OpensOn: res.OpensOn}
		if applied.Sent {
			app, err := tx.ApplicationByID(ctx, res.ID)
			if err != nil {
				return nil, err
			}
			return applied, ib.applicationSent(ctx, tx, app)
		}
		return applied, nil
	case conversation.ListApplications:
		apps, err := tx.Applications(ctx, e.StudentID)
		if err != nil {
			return nil, err
		}
		return conversation.ApplicationsFound{Applications: apps}, nil
	case conversation.Withdraw:
		app, err := tx.ApplicationByID(ctx, e.ApplicationID)
		if errors.Is(err, store.ErrNotFound) || err == nil && app.StudentID != e.StudentID {
			return conversation.Withdrawn{OK: false}, nil
		}
		if err != nil {
			return nil, err
		}
		err = tx.MoveApplication(ctx, e.StudentID, e.ApplicationID, domain.Withdrawn, domain.ByStudent, now)
		if errors.Is(err, store.ErrTransition) || errors.Is(err, store.ErrNotFound) {
			return conversation.Withdrawn{OK: false}, nil
		}
		if err != nil {
			return nil, err
		}
		return conversation.Withdrawn{OK: true}, ib.applicationWithdrawn(ctx, tx, app, app.State)
	case conversation.RelayToHost:
		app, err := tx.ApplicationByID(ctx, e.ApplicationID)
		if errors.Is(err, store.ErrNotFound) || err == nil && (!reachedHost(app.State) || app.StudentChannel != string(msg.Channel) ||
			app.StudentAddress != msg.Address) {
			return conversation.Relayed{}, nil
		}
		if err != nil {
			return nil, err
		}
		if err := tx.RecordRelay(ctx, app.ID, "student_to_host", e.Text, now); err != nil {
			return nil, err
		}
		n := noticeOf(conversation.NoticeStudentAnswer, app)
		n.Text = e.Text
		return conversation.Relayed{OK: true, To: app.HostName}, ib.tellHost(ctx, tx, app, n)
	case conversation.ConfirmPlace:
		r, err := tx.Confirm(ctx, e.StudentID, e.ApplicationID, now)
		if err != nil {
			return nil, err
		}
		confirmed := conversation.Confirmed{Problem: r.Problem, Host: r.App.HostName, Cancelled: len(r.Cancelled)}
		if r.Problem != "" {
			return confirmed, nil
		}
		if err := ib.tellHost(ctx, tx, r.App, noticeOf(conversation.NoticeConfirmed, r.App)); err != nil {
			return nil, err
		}
		if err := ib.tellParent(ctx, tx, r.App, conversation.NoticeConfirmed); err != nil {
			return nil, err
		}
		for _, other := range r.Cancelled {
			if other.PreviousState == domain.Sent || other.PreviousState == domain.Accepted {
				if err := ib.tellHost(ctx, tx, other, noticeOf(conversation.NoticeCancelled, other)); err != nil {
					return nil, err
				}
			}
		}
		return confirmed, nil
	case conversation.SetLanguage:
		return nil, tx.SetStudentLanguage(ctx, string(msg.Channel), msg.Address, e.Lang, now)
	case conversation.SetStopped:
		if e.Stopped {
			// STOP means no more messages: drop what is still queued for them.
			return nil, tx.DropPending(ctx, string(msg.Channel), msg.Address, now)
		}
		return nil, nil // saved with the conversation (opted_out)
	case conversation.Erase:
		return nil, ib.erase(ctx, tx, msg, e.StudentID)
	default:
		return nil, fmt.Errorf("unknown effect %T", e)
	}
}

// erase deletes a student's data after SUPPRIMER: hosts holding one of their requests are told it is
// withdrawn (by its reference only: no name outlives the erasure), then the student with every
// message about them, their messages on this conversation (registered or not), and their parent
// when no other child of theirs remains.
func (ib *Inbox) erase(ctx context.Context, tx txn, msg Inbound, studentID int64) error {
	if studentID != 0 {
		apps, err := tx.Applications(ctx, studentID)
		if err != nil {
			return err
		}
		for _, a := range apps {
			if !a.State.ReachedHost() {
				continue
			}
			app, err := tx.ApplicationByID(ctx, a.ID)
			if err != nil {
				return err
			}
			if err := ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeErased, app)); err != nil {
				return err
			}
		}
		if err := tx.EraseStudent(ctx, studentID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return tx.EraseMessages(ctx, string(msg.Channel), msg.Address)
}

// cleanText makes text safe to store and read: valid UTF-8 with no NUL or other control characters
// but line breaks and tabs.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, s)
}
