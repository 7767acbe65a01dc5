package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// drillCommand is `stageload drill NAME`: it prints PASS or FAIL with its figures, and returns
// errFailed on FAIL.
func drillCommand(ctx context.Context, name string, args []string, log *slog.Logger) error {
	switch name {
	case "replay":
		return replayDrill(ctx, args, log)
	case "forged":
		return forgedDrill(ctx, args, log)
	case "accept-race":
		return acceptRaceDrill(ctx, args, log)
	case "pg-outage":
		return outageDrill(ctx, args, log)
	}
	return usageError("unknown drill " + name + " (replay, forged, accept-race, pg-outage)")
}

// verdict prints a drill's outcome line and returns errFailed when it failed.
func verdict(name string, ok bool, format string, args ...any) error {
	status := "PASS"
	if !ok {
		status = "FAIL"
	}
	fmt.Printf("%s %s: %s\n", status, name, fmt.Sprintf(format, args...))
	if !ok {
		return errFailed
	}
	return nil
}

// settle waits until no message reached addr for quiet, or until limit has passed; it returns the
// messages addr received so far.
func settle(ctx context.Context, f *feed, addr string, quiet, limit time.Duration) []Message {
	deadline := time.Now().Add(limit)
	n, since := -1, time.Now()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		msgs := f.To(addr)
		if len(msgs) != n {
			n, since = len(msgs), time.Now()
		} else if time.Since(since) >= quiet && n > 0 {
			return msgs
		}
		time.Sleep(50 * time.Millisecond)
	}
	return f.To(addr)
}

// replayDrill delivers an already delivered webhook again and again (the same MessageSid, as
// Twilio does when it did not hear the answer): every delivery must be answered 2xx, and nobody
// may be written to again.
func replayDrill(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("drill replay", flag.ContinueOnError)
	var c common
	c.register(fs)
	count := fs.Int("count", 1000, "deliveries of the same webhook")
	concurrency := fs.Int("concurrency", 16, "deliveries at once")
	quiet := fs.Duration("settle", 3*time.Second, "a phone that received nothing for this long has got all its replies")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	r, stop, err := c.setup(ctx, *concurrency, log)
	if err != nil {
		return err
	}
	defer stop()
	from := drillPhone(replayPhones, c.runID, time.Now().Nanosecond())
	sid := r.hooks.newMessageSID()
	first := r.hooks.Deliver(ctx, sender{"drill", "first delivery"}, 0, sid, from, "Bonjour")
	if !first.Acked {
		return verdict("replay", false, "the first delivery was answered %d", first.Status)
	}
	before := settle(ctx, r.feed, from, *quiet, 60*time.Second)
	if len(before) == 0 {
		return verdict("replay", false, "the first delivery got no reply within 60 s")
	}
	params := inboundParams(c.account.SID, sid, from, c.account.Number, "Bonjour")
	statuses, lat := hammer(ctx, *count, *concurrency, func(i int) (int, error) {
		base := r.hooks.urls[i%len(r.hooks.urls)]
		return r.hooks.post(ctx, base, inboundPath, params, "")
	})
	time.Sleep(*quiet)
	after := settle(ctx, r.feed, from, *quiet, 30*time.Second)
	ok2xx := 0
	for code, n := range statuses {
		if strings.HasPrefix(code, "2") {
			ok2xx += n
		}
	}
	newReplies := len(after) - len(before)
	return verdict("replay", ok2xx == *count && newReplies == 0,
		"%d deliveries of MessageSid %s: %s; latency %s; replies to %s: %d after the first delivery, %d new after the %d replays",
		*count, sid, countsText(statuses), lat, from, len(before), newReplies, *count)
}

// hammer runs fn count times, concurrency at once, and counts the answers by status (or error).
func hammer(ctx context.Context, count, concurrency int, fn func(i int) (int, error)) (map[string]int, dist) {
	var mu sync.Mutex
	statuses := map[string]int{}
	var lat []time.Duration
	var next atomic.Int64
	var wg sync.WaitGroup
	for range concurrency {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= count {
					return
				}
				start := time.Now()
				code, err := fn(i)
				d := time.Since(start)
				key := fmt.Sprint(code)
				if err != nil {
					key = shortError(err)
				}
				mu.Lock()
				statuses[key]++
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return statuses, distOf(lat)
}

// forgery is one way of sending a webhook Twilio did not sign, and the answer stagebot gives it.
type forgery struct {
	name string
	want int
	make func(w *webhooks, i int, from string) (path string, body []byte, headers map[string]string)
}

// forgeries are the refused kinds of webhook: signed with another token, signed then changed,
// signed for another URL, a status callback signed with another token, not signed, and too big
// (2 MB, signed: the size alone must refuse it).
var forgeries = []forgery{
	{"wrong token", 403, func(w *webhooks, i int, from string) (string, []byte, map[string]string) {
		p := inboundParams(w.account.SID, w.newMessageSID(), from, w.account.Number, "Bonjour")
		return inboundPath, []byte(p.Encode()), map[string]string{"X-Twilio-Signature": signTwilio("ffffffffffffffffffffffffffffffff", w.account.PublicURL+inboundPath, p)}
	}},
	{"body changed after signing", 403, func(w *webhooks, i int, from string) (string, []byte, map[string]string) {
		p := inboundParams(w.account.SID, w.newMessageSID(), from, w.account.Number, "Bonjour")
		sig := signTwilio(w.account.Token, w.account.PublicURL+inboundPath, p)
		p.Set("Body", "STOP")
		return inboundPath, []byte(p.Encode()), map[string]string{"X-Twilio-Signature": sig}
	}},
	{"signed for another URL", 403, func(w *webhooks, i int, from string) (string, []byte, map[string]string) {
		p := inboundParams(w.account.SID, w.newMessageSID(), from, w.account.Number, "Bonjour")
		return inboundPath, []byte(p.Encode()), map[string]string{"X-Twilio-Signature": signTwilio(w.account.Token, "https://attacker.example.org"+inboundPath, p)}
	}},
	{"status callback, wrong token", 403, func(w *webhooks, i int, from string) (string, []byte, map[string]string) {
		p := statusParams(w.account.SID, w.newMessageSID(), "undelivered", from, w.account.Number)
		p.Set("ErrorCode", "30005")
		return statusPath, []byte(p.Encode()), map[string]string{"X-Twilio-Signature": signTwilio("ffffffffffffffffffffffffffffffff", w.account.PublicURL+statusPath, p)}
	}},
	{"unsigned", 401, func(w *webhooks, i int, from string) (string, []byte, map[string]string) {
		p := inboundParams(w.account.SID, w.newMessageSID(), from, w.account.Number, "Bonjour")
		return inboundPath, []byte(p.Encode()), nil
	}},
	{"2 MB body", 413, func(w *webhooks, i int, from string) (string, []byte, map[string]string) {
		p := inboundParams(w.account.SID, w.newMessageSID(), from, w.account.Number, strings.Repeat("A", 2<<20))
		return inboundPath, []byte(p.Encode()), map[string]string{"X-Twilio-Signature": signTwilio(w.account.Token, w.account.PublicURL+inboundPath, p)}
	}},
}

// forgedDrill sends webhooks Twilio did not sign (or too big to read): every one must be refused
// with the status its kind calls for (401 unsigned, 403 wrong signature, 413 too big), and none
// may make stagebot write to anyone.
func forgedDrill(ctx context.Context, args []string, log *slog.Logger) error {
	fs := flag.NewFlagSet("drill forged", flag.ContinueOnError)
	var c common
	c.register(fs)
	count := fs.Int("count", 500, "forged requests, the kinds in turn")
	concurrency := fs.Int("concurrency", 16, "requests at once")
	quiet := fs.Duration("settle", 3*time.Second, "how long to watch for replies after the last request")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	r, stop, err := c.setup(ctx, *concurrency, log)
	if err != nil {
		return err
	}
	defer stop()
	var mu sync.Mutex
	byKind := map[string]map[string]int{}
	phones := make([]string, *count)
	wrong := 0
	statuses, lat := hammer(ctx, *count, *concurrency, func(i int) (int, error) {
		f := forgeries[i%len(forgeries)]
		phones[i] = drillPhone(forgedPhones, c.runID, i)
		path, body, headers := f.make(r.hooks, i, phones[i])
		code, err := r.hooks.postRaw(ctx, r.hooks.urls[i%len(r.hooks.urls)]+path, body, headers)
		key := fmt.Sprint(code)
		if err != nil {
			key = shortError(err)
		}
		mu.Lock()
		if byKind[f.name] == nil {
			byKind[f.name] = map[string]int{}
		}
		byKind[f.name][key]++
		if code != f.want {
			wrong++
		}
		mu.Unlock()
		return code, err
	})
	time.Sleep(*quiet)
	written := 0
	for _, p := range phones {
		written += len(r.feed.To(p))
	}
	var b bytes.Buffer
	for _, f := range forgeries {
		fmt.Fprintf(&b, "\n  %-30s want %d: %s", f.name, f.want, countsText(byKind[f.name]))
	}
	return verdict("forged", wrong == 0 && written == 0,
		"%d forged requests: %s (latency %s); %d not answered as expected; %d messages sent to their senders%s",
		*count, countsText(statuses), lat, wrong, written, b.String())
}
