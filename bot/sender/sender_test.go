package sender_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"stagebot/bot"
	"stagebot/bot/render"
	"stagebot/bot/sender"
	"stagebot/bot/telegram"
	"stagebot/bot/telegram/telegramtest"
	"stagebot/bot/twilio"
	"stagebot/bot/twilio/twiliotest"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/storetest"
)

const testToken = "123456:TEST-token"

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestMain(m *testing.M) { storetest.Main(m) }

func renderer(t testing.TB) *render.Renderer {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return render.NewRenderer(cat)
}

// newInbox is the real workflow on s, with the sender's clock: it records the people who cannot be
// reached.
func newInbox(t testing.TB, s *store.Store, clk clock.Clock) *bot.Inbox {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return bot.NewInbox(s, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: clk}, quietLog())
}

// newSender is a sender on s for transports, with the real renderer and workflow.
func newSender(t *testing.T, s *store.Store, transports []sender.Transport, cfg sender.Config) *sender.Sender {
	t.Helper()
	return sender.New(s, transports, renderer(t), newInbox(t, s, cfg.Clock), cfg, nil, quietLog())
}

func newTelegram(t testing.TB, fake *telegramtest.Server) *telegram.Adapter {
	t.Helper()
	a, err := telegram.New(context.Background(), telegram.Config{Token: testToken, Endpoint: fake.Endpoint()},
		nil, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func newTwilio(t testing.TB, s *store.Store, fake *twiliotest.Server) *twilio.Adapter {
	t.Helper()
	a, err := twilio.New(twilio.Config{AccountSID: "AC00000000000000000000000000000001", AuthToken: "secret0token",
		From: "+33757000000", WhatsAppFrom: "+33757000001", APIBaseURL: fake.URL()}, newInbox(t, s, nil), newInbox(t, s, nil), quietLog())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func countRows(t testing.TB, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// enqueue queues a message at time at (the sender's clock's).
func enqueue(t *testing.T, s *store.Store, at time.Time, channel domain.Channel, address, body string, proactive bool) int64 {
	t.Helper()
	id, err := s.Enqueue(context.Background(), store.OutboxMessage{Channel: channel, Address: address, Lang: "fr",
		Body: body, Proactive: proactive, CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func statusOf(t *testing.T, s *store.Store, id int64) (status string, attempts int) {
	t.Helper()
	var row struct {
		Status   string `db:"status"`
		Attempts int    `db:"attempts"`
	}
	if err := s.DB().GetContext(context.Background(), &row, `SELECT status, attempts FROM outbox WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return row.Status, row.Attempts
}

// Two senders on one outbox: every message leaves exactly once, and one chat's messages in order.
func TestTwoSendersNeverSendARowTwice(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	fake := telegramtest.NewServer(t, testToken)
	const chats, perChat = 40, 3
	for c := range chats {
		for m := range perChat {
			enqueue(t, s, time.Now(), "telegram", fmt.Sprint(1000+c), fmt.Sprintf("message %d of chat %d", m, c), false)
		}
	}
	cfg := sender.Config{ChatGap: time.Millisecond, PerSecond: map[domain.Channel]float64{domain.Telegram: 1000}}
	senders := []*sender.Sender{
		newSender(t, s, []sender.Transport{newTelegram(t, fake)}, cfg),
		newSender(t, s, []sender.Transport{newTelegram(t, fake)}, cfg),
	}
	var wg sync.WaitGroup
	for _, snd := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for idle := 0; idle < 3; {
				n, err := snd.SendDue(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					idle++
					time.Sleep(5 * time.Millisecond)
				} else {
					idle = 0
				}
			}
		}()
	}
	wg.Wait()
	sent := fake.Sent()
	if len(sent) != chats*perChat {
		t.Fatalf("fake received %d messages, want %d", len(sent), chats*perChat)
	}
	seen := map[string]bool{}
	next := map[int64]int{}
	for _, m := range sent {
		if seen[m.Text] {
			t.Errorf("sent twice: %q", m.Text)
		}
		seen[m.Text] = true
		want := fmt.Sprintf("message %d of chat %d", next[m.ChatID], m.ChatID-1000)
		if m.Text != want {
			t.Errorf("chat %d got %q, want %q (out of order)", m.ChatID, m.Text, want)
		}
		next[m.ChatID]++
	}
	if n := countRows(t, s, `SELECT count(*) FROM outbox WHERE status <> 'sent' OR provider_message_id IS NULL`); n != 0 {
		t.Errorf("%d rows not recorded as sent with the provider's id", n)
	}
}

// A burst to many chats stays within Telegram's 30 messages a second, and one chat gets at most one
// message per chat gap.
func TestRateLimitsHoldUnderABurst(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	fake := telegramtest.NewServer(t, testToken)
	for c := range 45 {
		enqueue(t, s, time.Now(), "telegram", fmt.Sprint(2000+c), "hello", false)
	}
	for m := range 3 {
		enqueue(t, s, time.Now(), "telegram", "3000", fmt.Sprint("same chat ", m), false)
	}
	const gap = 300 * time.Millisecond
	snd := newSender(t, s, []sender.Transport{newTelegram(t, fake)}, sender.Config{ChatGap: gap})
	deadline := time.Now().Add(20 * time.Second)
	for countRows(t, s, `SELECT count(*) FROM outbox WHERE status = 'pending'`) > 0 && time.Now().Before(deadline) {
		if _, err := snd.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	sent := fake.Sent()
	if len(sent) != 48 {
		t.Fatalf("sent %d, want 48", len(sent))
	}
	sort.Slice(sent, func(i, j int) bool { return sent[i].At.Before(sent[j].At) })
	for i := 0; i+30 < len(sent); i++ {
		if d := sent[i+30].At.Sub(sent[i].At); d < 950*time.Millisecond {
			t.Errorf("31 messages within %v: over 30 a second", d)
			break
		}
	}
	var last time.Time
	for _, m := range sent {
		if m.ChatID != 3000 {
			continue
		}
		if !last.IsZero() && m.At.Sub(last) < gap-20*time.Millisecond {
			t.Errorf("two messages to one chat %v apart, want at least %v", m.At.Sub(last), gap)
		}
		last = m.At
	}
}

func TestTransientFailuresAreRetriedWithBackoff(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	fake := telegramtest.NewServer(t, testToken)
	clk := clock.NewManual(time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Paris()))
	id := enqueue(t, s, clk.Now(), "telegram", "4000", "bonjour", false)
	snd := newSender(t, s, []sender.Transport{newTelegram(t, fake)}, sender.Config{Clock: clk})

	fake.FailNext(1, telegramtest.TooManyRequests(7))
	if _, err := snd.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := statusOf(t, s, id); st != "pending" {
		t.Fatalf("after 429: %s, want pending", st)
	}
	clk.Add(6 * time.Second) // retry_after is 7 s: not yet
	if n, _ := snd.SendDue(ctx); n != 0 {
		t.Fatalf("retried before retry_after")
	}
	clk.Add(2 * time.Second)
	fake.FailNext(1, telegramtest.ServerErrorHTML) // a proxy's HTML error page: transient
	if n, err := snd.SendDue(ctx); n != 1 || err != nil {
		t.Fatalf("second try: n=%d err=%v", n, err)
	}
	clk.Add(time.Minute)
	if _, err := snd.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	st, attempts := statusOf(t, s, id)
	if st != "sent" || attempts != 3 {
		t.Fatalf("status %s after %d attempts, want sent after 3", st, attempts)
	}
	if got := len(fake.Sent()); got != 1 {
		t.Fatalf("fake accepted %d messages, want 1", got)
	}
	clk.Add(time.Hour)
	if n, _ := snd.SendDue(ctx); n != 0 || len(fake.Sent()) != 1 {
		t.Fatal("a sent row was sent again")
	}
}

func TestPermanentFailureMarksThePersonUnreachable(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	tg := telegramtest.NewServer(t, testToken)
	tw := twiliotest.NewServer(t, "AC00000000000000000000000000000001", "secret0token")
	snd := newSender(t, s, []sender.Transport{newTelegram(t, tg), newTwilio(t, s, tw).SMS()}, sender.Config{})
	blocked := enqueue(t, s, time.Now(), "telegram", "5000", "premier", false)
	queued := enqueue(t, s, time.Now(), "telegram", "5000", "second", false)
	unsubscribed := enqueue(t, s, time.Now(), "sms", "+33612345678", "bonjour", false)
	tg.FailNext(1, telegramtest.Forbidden)
	tw.FailNext(1, twiliotest.Unsubscribed)
	if _, err := snd.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{blocked, queued, unsubscribed} {
		if st, _ := statusOf(t, s, id); st != "failed" {
			t.Errorf("row %d: %s, want failed", id, st)
		}
	}
	for _, who := range []struct {
		channel         domain.Channel
		address, reason string
	}{
		{"telegram", "5000", "telegram:403"}, {"sms", "+33612345678", "twilio:21610"},
	} {
		gone, reason, err := s.IsUnreachable(ctx, who.channel, who.address)
		if err != nil || !gone || reason != who.reason {
			t.Errorf("%s %s: unreachable=%v reason=%q err=%v, want %s", who.channel, who.address, gone, reason, err, who.reason)
		}
	}
	if len(tg.Sent())+len(tw.Sent()) != 0 {
		t.Error("a refused message was recorded as sent by a fake")
	}
}

// Messages nobody just asked for leave Monday to Saturday, 08:30 to 19:30, not on public holidays,
// on every channel; replies never wait.
func TestSendingHoursHoldProactiveMessages(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	tw := twiliotest.NewServer(t, "AC00000000000000000000000000000001", "secret0token")
	clk := clock.NewManual(time.Date(2026, 12, 1, 22, 30, 0, 0, calendar.Paris()))
	snd := newSender(t, s, []sender.Transport{newTwilio(t, s, tw).SMS()}, sender.Config{Clock: clk})
	reminder := enqueue(t, s, clk.Now(), "sms", "+33612345678", "Rappel : ton stage commence lundi.", true)
	answer := enqueue(t, s, clk.Now(), "sms", "+33698765432", "Réponse à ton message", false)
	if _, err := snd.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := statusOf(t, s, answer); st != "sent" {
		t.Errorf("an answer to the person's own message waits: %s", st)
	}
	if st, attempts := statusOf(t, s, reminder); st != "pending" || attempts != 0 {
		t.Fatalf("reminder at 22:30: %s after %d attempts, want pending untried", st, attempts)
	}
	clk.Add(9*time.Hour + 59*time.Minute) // 08:29: still too early
	if _, err := snd.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := statusOf(t, s, reminder); st != "pending" {
		t.Fatalf("reminder sent at 08:29")
	}
	clk.Add(2 * time.Minute)
	if _, err := snd.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := statusOf(t, s, reminder); st != "sent" {
		t.Fatalf("reminder at 08:31: %s, want sent", st)
	}
	// Christmas Eve at 20:00, then Christmas Day: the next reminder leaves on the 26th at 08:30.
	clk.Set(time.Date(2026, 12, 24, 20, 0, 0, 0, calendar.Paris()))
	late := enqueue(t, s, clk.Now(), "sms", "+33612345678", "Rappel de Noël.", true)
	for _, at := range []time.Time{time.Date(2026, 12, 25, 10, 0, 0, 0, calendar.Paris()),
		time.Date(2026, 12, 26, 8, 29, 0, 0, calendar.Paris())} {
		clk.Set(at)
		if _, err := snd.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
		if st, _ := statusOf(t, s, late); st != "pending" {
			t.Fatalf("reminder sent on %s", at)
		}
	}
	clk.Set(time.Date(2026, 12, 26, 8, 30, 0, 0, calendar.Paris()))
	if _, err := snd.SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := statusOf(t, s, late); st != "sent" {
		t.Fatalf("reminder on Saturday 26 December at 08:30: %s, want sent", st)
	}
}

func TestWhatsAppOutsideTheWindowFallsBackToSMS(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	tw := twiliotest.NewServer(t, "AC00000000000000000000000000000001", "secret0token")
	clk := clock.NewManual(time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC))
	a := newTwilio(t, s, tw)
	snd := newSender(t, s, []sender.Transport{a.SMS(), a.WhatsApp()}, sender.Config{Clock: clk})
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO conversations (channel, address, state, last_inbound_at,
			created_at, updated_at)
		VALUES ('whatsapp', '+33611111111', 'menu', $1, $1, $1), ('whatsapp', '+33622222222', 'menu', $2, $2, $2)`,
		clk.Now().Add(-2*time.Hour), clk.Now().Add(-50*time.Hour)); err != nil {
		t.Fatal(err)
	}
	recent := enqueue(t, s, clk.Now(), "whatsapp", "+33611111111", "Ta candidature est envoyée.", true)
	old := enqueue(t, s, clk.Now(), "whatsapp", "+33622222222", "Ta candidature est envoyée.", true)
	for range 2 {
		if _, err := snd.SendDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := statusOf(t, s, recent); st != "sent" {
		t.Errorf("inside the window: %s, want sent on WhatsApp", st)
	}
	if st, _ := statusOf(t, s, old); st != "failed" {
		t.Errorf("outside the window: %s, want the WhatsApp row closed", st)
	}
	var to []string
	for _, m := range tw.Sent() {
		to = append(to, m.To)
	}
	sort.Strings(to)
	if fmt.Sprint(to) != "[+33622222222 whatsapp:+33611111111]" {
		t.Errorf("sent to %v, want the old one by SMS and the recent one by WhatsApp", to)
	}
}

// A sender that died mid-send leaves its row "sending"; once the lease ends another sender sends it.
func TestExpiredLeaseIsRetriedByAnotherSender(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	fake := telegramtest.NewServer(t, testToken)
	clk := clock.NewManual(time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Paris()))
	id := enqueue(t, s, clk.Now(), "telegram", "6000", "bonjour", false)
	if _, err := s.ClaimOutbox(ctx, store.ClaimParams{Channels: []domain.Channel{domain.Telegram}, Limit: 10, Lease: time.Minute,
		Now: clk.Now()}); err != nil {
		t.Fatal(err)
	}
	snd := newSender(t, s, []sender.Transport{newTelegram(t, fake)}, sender.Config{Clock: clk})
	if n, _ := snd.SendDue(ctx); n != 0 {
		t.Fatal("took a row another sender holds")
	}
	clk.Add(2 * time.Minute)
	if n, err := snd.SendDue(ctx); n != 1 || err != nil {
		t.Fatalf("n=%d err=%v, want the expired row", n, err)
	}
	if st, _ := statusOf(t, s, id); st != "sent" || len(fake.Sent()) != 1 {
		t.Fatalf("status %s, %d sent", st, len(fake.Sent()))
	}
}

// Stopping the sender finishes the message in flight and leaves the rest queued, none stuck "sending".
func TestSenderStopsCleanly(t *testing.T) {
	s := storetest.New(t)
	fake := telegramtest.NewServer(t, testToken)
	for c := range 30 {
		enqueue(t, s, time.Now(), "telegram", fmt.Sprint(7000+c), "bonjour", false)
	}
	snd := newSender(t, s, []sender.Transport{newTelegram(t, fake)},
		sender.Config{PerSecond: map[domain.Channel]float64{domain.Telegram: 20}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- snd.Run(ctx) }()
	time.Sleep(300 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sent := countRows(t, s, `SELECT count(*) FROM outbox WHERE status = 'sent'`)
	if sent == 0 || sent == 30 {
		t.Fatalf("%d sent: the test should stop the sender mid-way", sent)
	}
	if sent != len(fake.Sent()) {
		t.Errorf("%d rows marked sent, fake received %d", sent, len(fake.Sent()))
	}
	if n := countRows(t, s, `SELECT count(*) FROM outbox WHERE status = 'sending'`); n != 0 {
		t.Errorf("%d rows left 'sending'", n)
	}
	if n := countRows(t, s, `SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 0`); n != 30-sent {
		t.Errorf("%d rows pending untried, want %d", n, 30-sent)
	}
}

// Two replicas' senders, each with its workers, share one schedule: in every sliding second, not
// only in each calendar second, no more messages reach the provider than its limit.
func TestRateHoldsInEverySlidingSecondAcrossReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of sending")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := storetest.New(t)
	fake := telegramtest.NewServer(t, testToken)
	const n, limit = 150, 30
	for c := range n {
		enqueue(t, s, time.Now(), "telegram", fmt.Sprint(4000+c), "hello", false)
	}
	var wg sync.WaitGroup
	// A busy machine: goroutines that keep the cores spinning, so senders wake late now and then.
	for range 2 * runtime.NumCPU() {
		go func() {
			for x := 0; ctx.Err() == nil; x++ {
				if x%1_000_000 == 0 {
					runtime.Gosched()
				}
			}
		}()
	}
	for range 2 {
		snd := newSender(t, s, []sender.Transport{newTelegram(t, fake)}, sender.Config{Poll: 20 * time.Millisecond})
		wg.Add(1)
		go func() { defer wg.Done(); _ = snd.Run(ctx) }()
	}
	for deadline := time.Now().Add(30 * time.Second); len(fake.Sent()) < n && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	wg.Wait()
	sent := fake.Sent()
	if len(sent) != n {
		t.Fatalf("sent %d, want %d", len(sent), n)
	}
	sort.Slice(sent, func(i, j int) bool { return sent[i].At.Before(sent[j].At) })
	worst := time.Hour
	for i := 0; i+limit < len(sent); i++ {
		worst = min(worst, sent[i+limit].At.Sub(sent[i].At))
	}
	if worst < time.Second {
		t.Errorf("%d messages within %v: over %d in a sliding second", limit+1, worst, limit)
	}
}
