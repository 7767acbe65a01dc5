package sender_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"stagebot/bot/sender"
	"stagebot/bot/twilio/twiliotest"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// With a provider that takes a while to answer, the sender sends to several people at once, and
// each person's messages still leave in order, once.
func TestSendsToSeveralPeopleAtOnceEachInOrder(t *testing.T) {
	s := storetest.New(t)
	fake := twiliotest.NewServer(t, "AC00000000000000000000000000000001", "secret0token")
	fake.SetLatency(50 * time.Millisecond)
	const people, each = 8, 4
	for i := range each {
		for p := range people {
			enqueue(t, s, time.Now(), domain.SMS, fmt.Sprintf("+3361100%04d", p), fmt.Sprint("message ", i), false)
		}
	}
	snd := newSender(t, s, []sender.Transport{newTwilio(t, s, fake).SMS()}, sender.Config{
		PerSecond: map[domain.Channel]float64{domain.SMS: 1000}, Poll: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- snd.Run(ctx) }()
	for deadline := time.Now().Add(30 * time.Second); len(fake.Sent()) < people*each && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("%d messages sent, at most %d at once", len(fake.Sent()), fake.MaxInFlight())
	if n := fake.MaxInFlight(); n < 2 {
		t.Errorf("at most %d message sent at once, want several people served together", n)
	}
	got := map[string][]string{}
	for _, m := range fake.Sent() {
		got[m.To] = append(got[m.To], m.Body)
	}
	want := []string{"message 0", "message 1", "message 2", "message 3"}
	if len(got) != people {
		t.Fatalf("sent to %d people, want %d", len(got), people)
	}
	for to, bodies := range got {
		if !slices.Equal(bodies, want) {
			t.Errorf("%s got %q, want each message once, in order", to, bodies)
		}
	}
}

// A sender that dies holding rows leaves them to the others once its lease is over: within
// Lease + one polling round, under 10 s with the defaults.
func TestDeadSendersRowsGoOutWithinTenSeconds(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	fake := twiliotest.NewServer(t, "AC00000000000000000000000000000001", "secret0token")
	clk := clock.NewManual(time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Paris()))
	id := enqueue(t, s, clk.Now(), domain.SMS, "+33611000001", "bonjour", false)
	cfg := sender.Config{Clock: clk, PerSecond: map[domain.Channel]float64{domain.SMS: 100}}
	// The dead sender claimed the row with the default lease, and never came back.
	dead := store.ClaimParams{Channels: []domain.Channel{domain.SMS}, Limit: 4, Lease: 6 * time.Second, Now: clk.Now()}
	if rows, err := s.ClaimOutbox(ctx, dead); err != nil || len(rows) != 1 {
		t.Fatalf("claim: %v, %d rows", err, len(rows))
	}
	snd := newSender(t, s, []sender.Transport{newTwilio(t, s, fake).SMS()}, cfg)
	clk.Add(5 * time.Second)
	if n, _ := snd.SendDue(ctx); n != 0 {
		t.Fatal("took a row another sender still holds")
	}
	clk.Add(3 * time.Second) // 8 s after the claim: the lease (6 s) is over, and a poll (2 s) came
	if n, err := snd.SendDue(ctx); n != 1 || err != nil {
		t.Fatalf("n=%d err=%v, want the dead sender's row", n, err)
	}
	if st, _ := statusOf(t, s, id); st != "sent" || len(fake.Sent()) != 1 {
		t.Fatalf("status %s, %d sent", st, len(fake.Sent()))
	}
}

// stuckAfterSend is a transport that sends, then never returns: the process died between the
// provider accepting a message and the sender recording it.
type stuckAfterSend struct {
	sender.Transport
	release chan struct{}
}

func (s stuckAfterSend) Send(ctx context.Context, address string, part domain.Part) (string, error) {
	id, err := s.Transport.Send(ctx, address, part)
	<-s.release
	return id, err
}

// The one window in which a message can leave twice: the provider accepted it and the sender died
// before recording it (neither Twilio's Messages API nor Telegram's sendMessage takes an idempotency
// key, so nothing on their side can refuse the second copy). A sender that dies anywhere else sends
// nothing twice: one that dies after recording leaves nothing to resend.
func TestMessageSentTwiceOnlyWhenTheSenderDiesBetweenProviderAndRecord(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	fake := twiliotest.NewServer(t, "AC00000000000000000000000000000001", "secret0token")
	clk := clock.NewManual(time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Paris()))
	cfg := sender.Config{Clock: clk, PerSecond: map[domain.Channel]float64{domain.SMS: 100}}
	// Dies after recording: nothing is left to send again.
	recorded := enqueue(t, s, clk.Now(), domain.SMS, "+33611000002", "recorded", false)
	if n, err := newSender(t, s, []sender.Transport{newTwilio(t, s, fake).SMS()}, cfg).SendDue(ctx); n != 1 || err != nil {
		t.Fatalf("n=%d err=%v", n, err)
	}
	// Dies between the provider and the record.
	stuck := stuckAfterSend{Transport: newTwilio(t, s, fake).SMS(), release: make(chan struct{})}
	t.Cleanup(func() { close(stuck.release) })
	unrecorded := enqueue(t, s, clk.Now(), domain.SMS, "+33611000003", "unrecorded", false)
	go func() { _, _ = newSender(t, s, []sender.Transport{stuck}, cfg).SendDue(ctx) }()
	for deadline := time.Now().Add(10 * time.Second); len(fake.Sent()) < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	clk.Add(10 * time.Second)
	if _, err := newSender(t, s, []sender.Transport{newTwilio(t, s, fake).SMS()}, cfg).SendDue(ctx); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, m := range fake.Sent() {
		count[m.Body]++
	}
	if count["recorded"] != 1 || count["unrecorded"] != 2 {
		t.Errorf("sent %v: want the recorded message once and the unrecorded one twice (the window)", count)
	}
	for _, id := range []int64{recorded, unrecorded} {
		if st, _ := statusOf(t, s, id); st != "sent" {
			t.Errorf("row %d is %s, want sent", id, st)
		}
	}
}
