package sender_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"stagebot/bot/sender"
	"stagebot/bot/telegram/telegramtest"
	"stagebot/bot/twilio/twiliotest"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/domain"
	"stagebot/store/storetest"
)

// BenchmarkReplyDuringReminders measures how long a student waits for the answer to their
// message while 10,000 reminders are being sent: two senders (two replicas) share the outbox and
// the providers' limits, Telegram at 30 messages a second and 1 a second per chat, SMS at the
// Twilio account's rate (10 a second here), Twilio's API answering in 150 ms. Each iteration is one student's message through the
// real workflow, answered through the real adapters to the fake providers. It reports the p50 and
// p95 latencies and the rate each channel kept as a share of its limit, and fails if a limit was
// ever exceeded or if the reminders stood still meanwhile.
//
//	go test ./bot/sender -run '^$' -bench ReplyDuringReminders -benchtime 60x
func BenchmarkReplyDuringReminders(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := storetest.New(b)
	tg := telegramtest.NewServer(b, testToken)
	tw := twiliotest.NewServer(b, "AC00000000000000000000000000000001", "secret0token")
	tw.SetLatency(150 * time.Millisecond) // Twilio's API takes its time
	// A Tuesday at 10:00 in Paris, moving at the wall clock's pace: reminders may leave.
	base, start := time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Paris()), time.Now()
	clk := clock.Func(func() time.Time { return base.Add(time.Since(start)) })
	const reminders = 10000
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO outbox (channel, address, lang, body, proactive, created_at,
			next_attempt_at, reminder)
		SELECT CASE WHEN i % 5 = 0 THEN 'sms' ELSE 'telegram' END,
		       CASE WHEN i % 5 = 0 THEN '+3361' || lpad(i::text, 8, '0') ELSE (100000 + i)::text END,
		       'fr', 'Ton stage commence dans 2 semaines et tu n''as pas encore de place.', true, $1, $1,
		       'still_looking/student:' || i || '/2026-12-01'
		FROM generate_series(1, $2) AS i`, clk.Now(), reminders); err != nil {
		b.Fatal(err)
	}
	var database string
	if err := s.DB().GetContext(ctx, &database, `SELECT current_database()`); err != nil {
		b.Fatal(err)
	}
	rates := map[domain.Channel]float64{domain.Telegram: 30, domain.SMS: 10}
	var wg sync.WaitGroup
	for range 2 {
		snd := sender.New(s, []sender.Transport{newTelegram(b, tg), newTwilio(b, s, tw).SMS()}, renderer(b),
			newInbox(b, s, clk), sender.Config{DatabaseURL: storetest.URL(database), Clock: clk, PerSecond: rates,
				Poll: 500 * time.Millisecond}, nil, quietLog())
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = snd.Run(ctx)
		}()
	}
	inbox := newInbox(b, s, clk)
	time.Sleep(2 * time.Second) // the reminders are under way

	latencies := make([]time.Duration, 0, b.N)
	measured := time.Now()
	b.ResetTimer()
	for i := range b.N {
		ch, address := domain.Telegram, fmt.Sprint(900000+i)
		if i%2 == 1 {
			ch, address = domain.SMS, fmt.Sprintf("+3362%08d", i)
		}
		asked := time.Now()
		if err := inbox.Handle(ctx, domain.Inbound{Channel: ch, ProviderID: fmt.Sprint("bench-", i), Address: address,
			Text: "Bonjour", ReceivedAt: clk.Now()}); err != nil {
			b.Fatal(err)
		}
		for !answered(tg, tw, ch, address) {
			if time.Since(asked) > 30*time.Second {
				b.Fatalf("no answer to %s after 30 s", ch)
			}
			time.Sleep(2 * time.Millisecond)
		}
		latencies = append(latencies, time.Since(asked))
		time.Sleep(100 * time.Millisecond) // students write now and then, not all at once
	}
	b.StopTimer()
	ended := time.Now()
	cancel()
	wg.Wait()

	slices.Sort(latencies)
	p := func(q float64) float64 {
		return float64(latencies[int(q*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.95), "p95-ms")
	var remindersSent int
	if err := s.DB().GetContext(context.Background(), &remindersSent, `SELECT count(*) FROM outbox WHERE proactive AND status = 'sent'`); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(remindersSent), "reminders-sent")
	if remindersSent == 0 {
		b.Fatal("no reminder left during the run: nothing was measured under load")
	}
	var tgTimes, smsTimes []time.Time
	perChat := map[int64][]time.Time{}
	for _, m := range tg.Sent() {
		tgTimes = append(tgTimes, m.At)
		perChat[m.ChatID] = append(perChat[m.ChatID], m.At)
	}
	for _, m := range tw.Sent() {
		smsTimes = append(smsTimes, m.At)
	}
	// With a backlog, each channel should send at its limit: the share of it used while measured.
	within := func(times []time.Time) float64 {
		n := 0
		for _, t := range times {
			if !t.Before(measured) && !t.After(ended) {
				n++
			}
		}
		return float64(n) / ended.Sub(measured).Seconds()
	}
	b.ReportMetric(within(tgTimes)/30, "telegram-rate/limit")
	b.ReportMetric(within(smsTimes)/10, "sms-rate/limit")
	if w := busiestSecond(tgTimes); w > 30 {
		b.Errorf("Telegram: %d messages within one second, over 30", w)
	}
	if w := busiestSecond(smsTimes); w > 10 {
		b.Errorf("SMS: %d messages within one second, over the configured 10", w)
	}
	for chat, times := range perChat {
		if busiestSecond(times) > 1 {
			b.Errorf("chat %d got two messages within a second", chat)
		}
	}
}

// answered reports whether the fake provider of ch got a message for address.
func answered(tg *telegramtest.Server, tw *twiliotest.Server, ch domain.Channel, address string) bool {
	if ch == domain.Telegram {
		for _, m := range slices.Backward(tg.Sent()) {
			if fmt.Sprint(m.ChatID) == address {
				return true
			}
		}
		return false
	}
	for _, m := range slices.Backward(tw.Sent()) {
		if m.To == address {
			return true
		}
	}
	return false
}

// busiestSecond is the most messages sent within one second (a sliding window), allowing the
// providers' own clock a few milliseconds of slack.
func busiestSecond(times []time.Time) int {
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	most := 0
	for i, j := 0, 0; j < len(times); j++ {
		for times[j].Sub(times[i]) >= time.Second-5*time.Millisecond {
			i++
		}
		most = max(most, j-i+1)
	}
	return most
}
