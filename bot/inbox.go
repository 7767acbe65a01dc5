// Package bot is stagebot's workflow: the one place that opens a transaction for something that
// happens. The Inbox handles one inbound message in one transaction: it records the message once
// by its provider id, routes it to its sender's conversation (a host contact, a parent or a
// student), runs that party's machine in the shared step loop, has that party's interpreter carry
// out the effects, and queues the replies in the outbox. Delivery reports, unreachable people and
// reminders are handled the same way, one transaction each.
//
// The channel adapters, the outbound sender and the scheduler call the Inbox through small
// interfaces of their own; the Inbox knows none of them.
package bot

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"stagebot/agreement"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// InboxConfig gives the inbox its clock, and overrides of the season's rules. The rules come from the
// campaign in force (store.RulesOn); a field set here replaces the campaign's.
type InboxConfig struct {
	Clock           clock.Clock // the service's one clock (default the system's)
	MaxApplications int         // live applications a student may have at once
	ConfirmDays     int         // days a student has to confirm a place a host accepted
	ReleaseDate     *time.Time  // from this day, places reserved for REP/REP+ open to all
	// Hours are the sending hours of messages nobody just asked for (default calendar.SendingHours):
	// the workflow tells a student when such a message to their parent will leave.
	Hours *calendar.Hours
	// PublicURL is where the agreements' one-time links point ("" makes none).
	PublicURL string
	// Random draws the links' tokens and the signing codes (default crypto/rand; tests give a seeded one).
	Random io.Reader
}

// Inbox is the workflow. It is safe for concurrent use: everything it knows is in the database.
type Inbox struct {
	store   *store.Store
	machine *conversation.Machine
	cfg     InboxConfig
	log     *slog.Logger
	schools *calendar.Schools // the school holidays of Paris: no stage week in them
	limits  agreement.Limits  // the legal limits on a minor's hours
}

// NewInbox builds an inbox.
func NewInbox(s *store.Store, m *conversation.Machine, cfg InboxConfig, log *slog.Logger) *Inbox {
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	// The calendars are embedded data, checked by their package's tests: they fail only on a broken
	// build.
	if cfg.Hours == nil {
		hours, err := calendar.SendingHours()
		if err != nil {
			panic(fmt.Sprintf("bot: sending hours: %v", err))
		}
		cfg.Hours = hours
	}
	schools, err := calendar.ParisSchools()
	if err != nil {
		panic(fmt.Sprintf("bot: school holidays: %v", err))
	}
	limits, err := agreement.LoadLimits()
	if err != nil {
		panic(fmt.Sprintf("bot: agreement limits: %v", err))
	}
	if cfg.Random == nil {
		cfg.Random = rand.Reader
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	return &Inbox{store: s, machine: m, cfg: cfg, log: log, schools: schools, limits: limits}
}

// now reads the service's clock, in Paris time.
func (ib *Inbox) now() time.Time { return ib.cfg.Clock.Now().In(calendar.Paris()) }

// txn is one transaction of the workflow and the time it happens at: the service's clock, read
// once, stamps everything it writes.
type txn struct {
	*store.Tx
	now      time.Time
	reminder *string // the reminder being sent ("kind/subject/due"): its messages carry it
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

// Handle handles one inbound message in one transaction. When it returns nil the message and its
// replies are committed; domain.ErrDuplicate means it was handled before; any other error means
// nothing was kept and the provider should deliver it again.
func (ib *Inbox) Handle(ctx context.Context, msg domain.Inbound) error {
	now := ib.now()
	if msg.ReceivedAt.IsZero() {
		msg.ReceivedAt = now
	}
	msg.Text = cleanText(msg.Text)
	err := ib.inTx(ctx, now, func(tx txn) error {
		// Only the fact of the message is kept (to recognise a repeat), not what it says: what
		// matters of it is in the conversation and the rows its effects write.
		arrival, err := tx.Arrive(ctx, store.InboundMessage{Channel: msg.Channel, ProviderID: msg.ProviderID,
			Address: msg.Address, ReceivedAt: msg.ReceivedAt})
		if err != nil {
			return err
		}
		if !arrival.Fresh {
			return domain.ErrDuplicate
		}
		// A person who writes can be reached again on this channel.
		if arrival.Unreachable {
			if err := tx.ClearUnreachable(ctx, msg.Channel, msg.Address); err != nil {
				return err
			}
		}
		return ib.route(ctx, tx, msg, arrival)
	})
	if err != nil && !errors.Is(err, domain.ErrDuplicate) {
		ib.log.ErrorContext(ctx, "inbound message not handled", slog.String("channel", string(msg.Channel)),
			slog.String("error", err.Error()))
	}
	return err
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
