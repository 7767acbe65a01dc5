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
	"unicode/utf8"

	"stagebot/conversation"
	"stagebot/store"
)

// Inbound is one message from a person, whatever the channel it came by.
type Inbound struct {
	Channel    conversation.Channel
	ProviderID string // unique per channel: a repeat with the same id is ignored
	Address    string // E.164 phone number, or Telegram chat id
	Text       string
	Choice     string // a pressed button's key (Telegram callback data)
	Media      bool   // carried a photo, sticker, voice note… with no text
	Start      string // a Telegram /start deep-link payload
	ReceivedAt time.Time
}

// InboxConfig tunes the rules the inbox applies.
type InboxConfig struct {
	MaxApplications int              // live applications a student may have at once (default 5)
	Location        *time.Location   // where "today" is decided (default Europe/Paris)
	Now             func() time.Time // the clock (default time.Now)
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

// maxStoredBody bounds how much of an inbound text is kept.
const maxStoredBody = 4096

// NewInbox builds an inbox.
func NewInbox(s *store.Store, m *conversation.Machine, cfg InboxConfig, log *slog.Logger) *Inbox {
	if cfg.MaxApplications == 0 {
		cfg.MaxApplications = 5
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
		if paris, err := time.LoadLocation("Europe/Paris"); err == nil {
			cfg.Location = paris
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Inbox{store: s, machine: m, cfg: cfg, log: log}
}

// ErrDuplicate is returned by Handle when the provider already delivered this message: nothing was done.
var ErrDuplicate = errors.New("bot: message already handled")

// Handle handles one inbound message in one transaction. When it returns nil the message and its
// replies are committed; ErrDuplicate means it was handled before; any other error means nothing
// was kept and the provider should deliver it again.
func (ib *Inbox) Handle(ctx context.Context, msg Inbound) error {
	now := ib.cfg.Now().In(ib.cfg.Location)
	if msg.ReceivedAt.IsZero() {
		msg.ReceivedAt = now
	}
	msg.Text = cleanText(msg.Text)
	err := ib.store.InTx(ctx, func(tx *store.Tx) error {
		fresh, err := tx.RecordInbound(ctx, store.InboundMessage{Channel: string(msg.Channel), ProviderID: msg.ProviderID,
			Address: msg.Address, Body: truncate(msg.Text, maxStoredBody), ReceivedAt: msg.ReceivedAt})
		if err != nil {
			return err
		}
		if !fresh {
			return ErrDuplicate
		}
		conv, err := tx.LockConversation(ctx, string(msg.Channel), msg.Address)
		if err != nil {
			return err
		}
		session := conversation.NewSession()
		if len(conv.Session) > 0 && string(conv.Session) != "{}" {
			if err := json.Unmarshal(conv.Session, &session); err != nil {
				ib.log.WarnContext(ctx, "unreadable session, starting over", slog.String("channel", string(msg.Channel)),
					slog.String("error", err.Error()))
				session = conversation.NewSession()
			}
		}
		in := conversation.Input{Channel: msg.Channel, Address: msg.Address, Text: msg.Text, Choice: msg.Choice,
			Media: msg.Media, Start: msg.Start, Now: now}
		var replies []conversation.Reply
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
		raw, err := json.Marshal(session)
		if err != nil {
			return fmt.Errorf("encode session: %w", err)
		}
		conv.State, conv.Session, conv.Lang, conv.OptedOut = string(session.State), raw, session.Lang, session.Stopped
		conv.LastInboundAt = &msg.ReceivedAt
		if err := tx.SaveConversation(ctx, conv); err != nil {
			return err
		}
		for _, r := range replies {
			choices, err := json.Marshal(r.Choices)
			if err != nil {
				return fmt.Errorf("encode choices: %w", err)
			}
			if _, err := tx.Enqueue(ctx, store.OutboxMessage{Channel: string(msg.Channel), Address: msg.Address,
				Lang: session.Lang, Body: r.Text, Choices: choices}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrDuplicate) {
		ib.log.ErrorContext(ctx, "inbound message not handled", slog.String("channel", string(msg.Channel)),
			slog.String("error", err.Error()))
	}
	return err
}

// carryOut performs a step's effects in order and returns the answer of the asking one, if any.
func (ib *Inbox) carryOut(ctx context.Context, tx *store.Tx, msg Inbound, now time.Time, effects []conversation.Effect) (conversation.Result, error) {
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

func (ib *Inbox) carryOutOne(ctx context.Context, tx *store.Tx, msg Inbound, now time.Time, e conversation.Effect) (conversation.Result, error) {
	switch e := e.(type) {
	case conversation.FindSchools:
		schools, err := tx.FindSchools(ctx, e.Query, 5)
		if err != nil {
			return nil, err
		}
		found := conversation.SchoolsFound{Schools: make([]conversation.School, len(schools))}
		for i, s := range schools {
			found.Schools[i] = conversation.School{UAI: s.UAI, Name: s.Name, Commune: s.Commune, Priority: s.Priority,
				StageWeek: s.StageWeek}
		}
		return found, nil
	case conversation.FindSectors:
		sectors, err := tx.FindSectors(ctx, e.Query, 5)
		if err != nil {
			return nil, err
		}
		found := conversation.SectorsFound{Sectors: make([]conversation.Sector, len(sectors))}
		for i, s := range sectors {
			found.Sectors[i] = conversation.Sector{ID: s.ID, Name: s.Name}
		}
		return found, nil
	case conversation.Register:
		p := e.Profile
		id, err := tx.RegisterStudent(ctx, store.RegisterParams{Channel: string(msg.Channel), Address: msg.Address,
			FirstName: p.FirstName, LastInitial: p.LastInitial, SchoolUAI: p.SchoolUAI, SchoolName: p.SchoolName, StageWeek: p.Week,
			BirthMonth: p.BirthMonth, ParentPhone: p.ParentPhone, Lang: e.Lang})
		if err != nil {
			return nil, err
		}
		return conversation.Registered{StudentID: id}, nil
	case conversation.SearchOffers:
		offers, total, err := tx.SearchOffers(ctx, store.SearchParams{StudentID: e.StudentID, Filters: e.Filters,
			Today: now, Limit: e.PageSize, Offset: e.Page * e.PageSize})
		if err != nil {
			return nil, err
		}
		return conversation.OffersFound{Offers: offers, Total: total}, nil
	case conversation.ShowOffer:
		offer, err := tx.OfferForStudent(ctx, e.StudentID, e.OfferID)
		if errors.Is(err, store.ErrNotFound) {
			return conversation.OfferFound{}, nil
		}
		if err != nil {
			return nil, err
		}
		return conversation.OfferFound{Offer: &offer}, nil
	case conversation.Apply:
		id, problem, err := tx.Apply(ctx, store.ApplyParams{StudentID: e.StudentID, OfferID: e.OfferID,
			Motivation: e.Motivation, Today: now, MaxApplications: ib.cfg.MaxApplications})
		if err != nil {
			return nil, err
		}
		return conversation.Applied{ApplicationID: id, Problem: problem}, nil
	case conversation.ListApplications:
		apps, err := tx.Applications(ctx, e.StudentID)
		if err != nil {
			return nil, err
		}
		return conversation.ApplicationsFound{Applications: apps}, nil
	case conversation.Withdraw:
		err := tx.MoveApplication(ctx, e.StudentID, e.ApplicationID, store.Withdrawn, store.ByStudent)
		if errors.Is(err, store.ErrTransition) || errors.Is(err, store.ErrNotFound) {
			return conversation.Withdrawn{OK: false}, nil
		}
		if err != nil {
			return nil, err
		}
		return conversation.Withdrawn{OK: true}, nil
	case conversation.SetLanguage:
		return nil, tx.SetStudentLanguage(ctx, string(msg.Channel), msg.Address, e.Lang)
	case conversation.SetStopped:
		return nil, nil // saved with the conversation (opted_out)
	case conversation.Erase:
		if e.StudentID != 0 {
			if err := tx.EraseStudent(ctx, e.StudentID); err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
		}
		return nil, tx.EraseMessages(ctx, string(msg.Channel), msg.Address)
	default:
		return nil, fmt.Errorf("unknown effect %T", e)
	}
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

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
