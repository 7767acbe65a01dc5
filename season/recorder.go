package season

import (
	"context"
	"fmt"
	"strings"
	"time"

	"stagebot/bot/render"
	"stagebot/bot/sender"
	"stagebot/clock"
	"stagebot/domain"
	"stagebot/store"
)

// recorder stands in for the providers: it takes every part the sender sends, on every channel, and
// gives each an id, as Twilio and Telegram would. take turns what was sent since into Sent messages.
type recorder struct {
	clk   clock.Clock
	seq   int
	parts []part // sent since the last take, in order
}

// part is one part of a message as it left.
type part struct {
	id      string
	channel domain.Channel
	address string
	text    string
	at      time.Time
}

func newRecorder(clk clock.Clock) *recorder { return &recorder{clk: clk} }

// transports are the recorder's transports, one per channel.
func (r *recorder) transports() []sender.Transport {
	return []sender.Transport{channelOf{r, domain.SMS}, channelOf{r, domain.Telegram}, channelOf{r, domain.WhatsApp}}
}

// channelOf is the recorder seen as one channel's transport.
type channelOf struct {
	r  *recorder
	ch domain.Channel
}

func (c channelOf) Channel() domain.Channel { return c.ch }

func (c channelOf) Send(_ context.Context, address string, p domain.Part) (string, error) {
	c.r.seq++
	id := fmt.Sprintf("season-%s-%d", c.ch, c.r.seq)
	c.r.parts = append(c.r.parts, part{id: id, channel: c.ch, address: address, text: p.Text, at: c.r.clk.Now()})
	return id, nil
}

// take returns the messages sent since the last take, each with the outbox row it came from: whether
// it was proactive, the reminder it was sent for, and how many SMS segments it cost.
func (r *recorder) take(ctx context.Context, st *store.Store) ([]Sent, error) {
	if len(r.parts) == 0 {
		return nil, nil
	}
	parts := r.parts
	r.parts = nil
	ids := make([]string, len(parts))
	for i, p := range parts {
		ids[i] = p.id
	}
	rows, err := st.OutboxSent(ctx, ids)
	if err != nil {
		return nil, err
	}
	byFirst := map[string]store.OutboxMessage{}
	for _, row := range rows {
		byFirst[*row.ProviderMessageID] = row
	}
	// The sender sends a message's parts one after the other: a message is its first part and the
	// parts after it, up to the next message's first.
	var out []Sent
	for _, p := range parts {
		row, first := byFirst[p.id]
		if !first {
			if len(out) == 0 {
				return nil, fmt.Errorf("season: part %s sent without its message", p.id)
			}
			out[len(out)-1].Segments += segments(p)
			continue
		}
		m := Sent{Channel: p.channel, Address: p.address, At: p.at, Queued: row.CreatedAt, Proactive: row.Proactive,
			Segments: segments(p), Body: row.Body}
		if row.Reminder != nil {
			m.ReminderKey = *row.Reminder
			kind, _, _ := strings.Cut(*row.Reminder, "/")
			m.Reminder = domain.ReminderKind(kind)
		}
		out = append(out, m)
	}
	return out, nil
}

// segments is what a part costs on SMS (0 on other channels).
func segments(p part) int {
	if p.channel != domain.SMS {
		return 0
	}
	_, n := render.SMSSegments(p.text)
	return n
}
