// Package console is a local chat on a terminal: a channel of its own for trying stagebot without
// Telegram or Twilio, through the same workflow, store and outbox as real traffic.
package console

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"stagebot/bot/render"
	"stagebot/clock"
	"stagebot/domain"
	"stagebot/store"
)

// Handler takes one inbound message, as the workflow's Inbox does.
type Handler interface {
	Handle(ctx context.Context, msg domain.Inbound) error
}

// Console is a local chat on a terminal: each line read is an inbound message on the chosen channel,
// handled by the same inbox, store and outbox as real traffic, and the replies are printed as that
// channel renders them. It reads until end of input, so it can be scripted.
//
// A line "@06 12 34 56 78 OUI" is sent by SMS from that number instead (a parent, a host), and
// what stagebot sends to anyone else is shown too, under a line naming them: one terminal plays
// the whole story.
type Console struct {
	Inbox    Handler
	Store    *store.Store
	Renderer *render.Renderer
	Channel  domain.Channel
	Address  string // the person's phone number (E.164) or Telegram chat id
	In       io.Reader
	Out      io.Writer
	Clock    clock.Clock // the service's one clock (default the system's)
}

// maxConsoleLine bounds one line read from the terminal (longer lines are cut, like a provider would).
const maxConsoleLine = 64 * 1024

// Run chats until the input ends or ctx is cancelled.
func (c *Console) Run(ctx context.Context) error {
	clk := c.Clock
	if clk == nil {
		clk = clock.System()
	}
	now := clk.Now
	scanner := bufio.NewScanner(c.In)
	scanner.Buffer(make([]byte, 4096), maxConsoleLine)
	for n := 1; scanner.Scan(); n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		msg := domain.Inbound{Channel: c.Channel, Address: c.Address, Text: scanner.Text(), ReceivedAt: now()}
		if other, text, ok := otherSender(msg.Text); ok {
			msg.Channel, msg.Address, msg.Text = domain.SMS, other, text
		}
		msg.ProviderID = fmt.Sprintf("console-%s-%d-%d", msg.Address, now().UnixNano(), n)
		if msg.Channel == domain.Telegram {
			msg.Text, msg.Start = telegramStart(msg.Text)
		}
		fmt.Fprintf(c.Out, "> %s\n", scanner.Text())
		if err := c.Inbox.Handle(ctx, msg); err != nil {
			return fmt.Errorf("console: %w", err)
		}
		if err := c.deliver(ctx, now()); err != nil {
			return err
		}
	}
	return scanner.Err()
}

// deliver prints the replies waiting for the console's address and marks them sent.
func (c *Console) deliver(ctx context.Context, now time.Time) error {
	pending, err := c.Store.PendingAll(ctx)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	for _, m := range pending {
		reply := domain.Reply{Text: m.Body}
		if err := json.Unmarshal(m.Choices, &reply.Choices); err != nil {
			return fmt.Errorf("console: choices of message %d: %w", m.ID, err)
		}
		if m.Channel != c.Channel || m.Address != c.Address {
			fmt.Fprintf(c.Out, "--- to %s (%s) ---\n", m.Address, m.Channel)
		}
		fmt.Fprintln(c.Out, c.Renderer.Console(domain.Channel(m.Channel), m.Lang, reply))
		fmt.Fprintln(c.Out)
		segments := 0
		if m.Channel == domain.SMS {
			_, segments = render.SMSSegments(c.Renderer.SMS(m.Lang, reply))
		}
		if err := c.Store.MarkSent(ctx, m.ID, fmt.Sprintf("console-%d", m.ID), segments, now); err != nil {
			return fmt.Errorf("console: %w", err)
		}
	}
	return nil
}

// otherSender reads "@06 12 34 56 78 OUI" or "@+33612345678 OUI": a message from another phone.
func otherSender(line string) (address, text string, ok bool) {
	rest, found := strings.CutPrefix(line, "@")
	if !found {
		return "", "", false
	}
	if strings.HasPrefix(rest, "+") { // international form, written in one piece
		number, text, _ := strings.Cut(rest, " ")
		return number, strings.TrimSpace(text), len(number) >= 8
	}
	var digits strings.Builder // French form, spaces allowed: ten digits
	i := 0
	for ; i < len(rest) && digits.Len() < 10; i++ {
		switch r := rest[i]; {
		case r >= '0' && r <= '9':
			digits.WriteByte(r)
		case r != ' ':
			return "", "", false
		}
	}
	number := digits.String()
	if len(number) != 10 || number[0] != '0' {
		return "", "", false
	}
	return "+33" + number[1:], strings.TrimSpace(rest[i:]), true
}

// telegramStart splits a typed "/start PAYLOAD" as Telegram delivers a deep link.
func telegramStart(text string) (rest, payload string) {
	fields := strings.Fields(text)
	if len(fields) > 0 && fields[0] == "/start" {
		if len(fields) > 1 {
			return text, fields[1]
		}
		return text, ""
	}
	return text, ""
}
