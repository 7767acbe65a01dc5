package demo

import (
	"context"
	"strconv"
	"sync"
	"time"

	"stagebot/bot/render"
	"stagebot/clock"
	"stagebot/domain"
)

// bubble is one message on a phone: one it received, or one its owner typed (Mine).
type bubble struct {
	Mine     bool
	Text     string
	Buttons  [][]domain.Button // Telegram's buttons, tappable
	Segments int               // SMS segments (0 off SMS)
	Encoding render.Encoding   // SMS: GSM-7, or UCS-2 when a character is outside it
	At       time.Time
	Held     bool   // queued, held for the sending hours: leaves at At
	Note     string // what the phone writes under it: its SMS segments, or when a held message leaves
}

// phone is a channel and an address: one person's phone.
type phone struct {
	channel domain.Channel
	address string
}

// phones keeps what every phone of the demo received (from the real sender, through the transports
// below) and what was typed on it, in order.
type phones struct {
	mu    sync.Mutex
	clock clock.Clock
	log   map[phone][]bubble
	sent  int
}

func newPhones(clk clock.Clock) *phones { return &phones{clock: clk, log: map[phone][]bubble{}} }

// typed records what a person typed on their phone.
func (p *phones) typed(ph phone, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log[ph] = append(p.log[ph], bubble{Mine: true, Text: text, At: p.clock.Now()})
}

// of lists a phone's messages.
func (p *phones) of(ph phone) []bubble {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]bubble(nil), p.log[ph]...)
}

// clear forgets every message (the demo starts again).
func (p *phones) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = map[phone][]bubble{}
}

// transport is the sender's transport for one channel: it delivers to the page's phones.
type transport struct {
	channel domain.Channel
	phones  *phones
}

func (p *phones) transport(ch domain.Channel) transport { return transport{channel: ch, phones: p} }

// Channel is the channel the transport sends on.
func (t transport) Channel() domain.Channel { return t.channel }

// Send puts one part on the phone of address, as that channel's phone shows it.
func (t transport) Send(_ context.Context, address string, part domain.Part) (string, error) {
	b := bubble{Text: part.Text, Buttons: part.Buttons}
	if t.channel == domain.SMS {
		b.Encoding, b.Segments = render.SMSSegments(part.Text)
	}
	p := t.phones
	p.mu.Lock()
	defer p.mu.Unlock()
	b.At = p.clock.Now()
	ph := phone{t.channel, address}
	p.log[ph] = append(p.log[ph], b)
	p.sent++
	return "demo-" + strconv.Itoa(p.sent), nil
}
