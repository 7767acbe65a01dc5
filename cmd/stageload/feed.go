package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// source is where the messages the service sent are read from: the fake provider in this process,
// or one running in another (stageload provider), through its control endpoints.
type source interface {
	// Since returns the messages from seq from on, waiting up to wait for one.
	Since(ctx context.Context, from int, wait time.Duration) ([]Message, error)
	// Configure changes the provider's behaviour.
	Configure(ctx context.Context, cfg providerConfig) error
	// Stats returns the provider's counters.
	Stats(ctx context.Context) (providerStats, error)
}

// localSource is the fake provider of this process.
type localSource struct{ p *fakeProvider }

// Since implements source.
func (l localSource) Since(ctx context.Context, from int, wait time.Duration) ([]Message, error) {
	return l.p.Since(ctx, from, wait), ctx.Err()
}

// Configure implements source.
func (l localSource) Configure(_ context.Context, cfg providerConfig) error {
	l.p.SetConfig(cfg)
	return nil
}

// Stats implements source.
func (l localSource) Stats(context.Context) (providerStats, error) { return l.p.Stats(), nil }

// remoteSource is a fake provider in another process (stageload provider), at base.
type remoteSource struct {
	base   string
	client *http.Client
}

// Since implements source.
func (s remoteSource) Since(ctx context.Context, from int, wait time.Duration) ([]Message, error) {
	u := fmt.Sprintf("%s/_fake/messages?from=%d&wait=%s", s.base, from, wait)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("provider messages: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("provider messages: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("provider messages: HTTP %d", resp.StatusCode)
	}
	var msgs []Message
	if err := json.NewDecoder(resp.Body).Decode(&msgs); err != nil {
		return nil, fmt.Errorf("provider messages: %w", err)
	}
	return msgs, nil
}

// Configure implements source.
func (s remoteSource) Configure(ctx context.Context, cfg providerConfig) error {
	form := url.Values{"latency": {cfg.Latency.String()}, "rate429": {fmt.Sprint(cfg.Rate429)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/_fake/config", strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("configure provider: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("configure provider: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("configure provider: HTTP %d", resp.StatusCode)
	}
	return nil
}

// Stats implements source.
func (s remoteSource) Stats(ctx context.Context) (providerStats, error) {
	var st providerStats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.base+"/_fake/stats", nil)
	if err != nil {
		return st, fmt.Errorf("provider stats: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return st, fmt.Errorf("provider stats: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return st, fmt.Errorf("provider stats: %w", err)
	}
	return st, nil
}

// feed reads the provider's log from where it stood when the feed was made, keeps every message,
// and hands each to whoever listens on its address (a student, a parent, a drill).
type feed struct {
	src source

	start int // the first seq of the feed

	mu        sync.Mutex
	next      int // the next seq to read
	seen      []Message
	listeners map[string]func(Message)
	unclaimed int // messages to an address nobody listened on
}

// newFeed makes a feed that starts after the messages src already holds.
func newFeed(ctx context.Context, src source) (*feed, error) {
	st, err := src.Stats(ctx)
	if err != nil {
		return nil, err
	}
	return &feed{src: src, start: st.Accepted, next: st.Accepted, listeners: map[string]func(Message){}}, nil
}

// Run reads the provider until ctx ends.
func (f *feed) Run(ctx context.Context) {
	for ctx.Err() == nil {
		f.mu.Lock()
		from := f.next
		f.mu.Unlock()
		msgs, err := f.src.Since(ctx, from, 2*time.Second)
		if err != nil {
			if ctx.Err() == nil {
				time.Sleep(200 * time.Millisecond)
			}
			continue
		}
		for _, m := range msgs {
			f.mu.Lock()
			if m.Seq < f.next {
				f.mu.Unlock()
				continue
			}
			f.next = m.Seq + 1
			f.seen = append(f.seen, m)
			fn := f.listeners[address(m.To)]
			if fn == nil {
				f.unclaimed++
			}
			f.mu.Unlock()
			if fn != nil {
				fn(m)
			}
		}
	}
}

// Listen calls fn (from the feed's goroutine: it must not block) with every message to addr from
// now on; addr is E.164 or "telegram:ID". A second Listen on addr replaces the first.
func (f *feed) Listen(addr string, fn func(Message)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listeners[addr] = fn
}

// Seen returns a copy of every message read so far, in the provider's order.
func (f *feed) Seen() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Message(nil), f.seen...)
}

// Final reads the feed's messages again from the provider, as they stand now: a send is known to
// be an orphan only once its caller hung up, after the feed first read it. On error it returns
// what was read (Seen).
func (f *feed) Final(ctx context.Context) []Message {
	f.mu.Lock()
	next := f.next
	f.mu.Unlock()
	msgs, err := f.src.Since(ctx, f.start, 0)
	if err != nil || len(msgs) < next-f.start {
		return f.Seen()
	}
	return msgs[:next-f.start]
}

// To returns the messages read so far to addr.
func (f *feed) To(addr string) []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Message
	for _, m := range f.seen {
		if address(m.To) == addr {
			out = append(out, m)
		}
	}
	return out
}

// address is the person a message goes to: the E.164 number without "whatsapp:".
func address(to string) string { return strings.TrimPrefix(to, "whatsapp:") }
