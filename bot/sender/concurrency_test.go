package sender_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"stagebot/bot/sender"
	"stagebot/bot/telegram/telegramtest"
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

// A sender that dies between the provider's acceptance and its own record: on SMS the next sender
// asks Twilio's Messages API what it accepted and records it instead of sending it again; on
// Telegram, which has no such read (and neither API takes an idempotency key), the message leaves
// twice: the one window left, as small as one send and one write. A sender that dies after recording
// leaves nothing to send again.
func TestSentOnceOnSMSWhenTheSenderDiesBetweenProviderAndRecord(t *testing.T) {
	tests := []struct {
		channel         domain.Channel
		recorded, doubt string // the two people's addresses
		wantUnrecorded  int    // copies of the message in doubt the person gets
		sentTo          func(t *testing.T, s *store.Store) (transport func() sender.Transport, bodies func() map[string]int)
	}{
		{channel: domain.SMS, recorded: "+33611000002", doubt: "+33611000003", wantUnrecorded: 1,
			sentTo: func(t *testing.T, s *store.Store) (func() sender.Transport, func() map[string]int) {
				fake := twiliotest.NewServer(t, "AC00000000000000000000000000000001", "secret0token")
				return func() sender.Transport { return newTwilio(t, s, fake).SMS() }, func() map[string]int {
					count := map[string]int{}
					for _, m := range fake.Sent() {
						count[m.Body]++
					}
					return count
				}
			}},
		{channel: domain.Telegram, recorded: "5002", doubt: "5003", wantUnrecorded: 2,
			sentTo: func(t *testing.T, _ *store.Store) (func() sender.Transport, func() map[string]int) {
				fake := telegramtest.NewServer(t, testToken)
				return func() sender.Transport { return newTelegram(t, fake) }, func() map[string]int {
					count := map[string]int{}
					for _, m := range fake.Sent() {
						count[m.Text]++
					}
					return count
				}
			}},
	}
	for _, tt := range tests {
		t.Run(string(tt.channel), func(t *testing.T) {
			ctx := context.Background()
			s := storetest.New(t)
			transport, count := tt.sentTo(t, s)
			clk := clock.NewManual(time.Date(2026, 12, 1, 10, 0, 0, 0, calendar.Paris()))
			cfg := sender.Config{Clock: clk, PerSecond: map[domain.Channel]float64{tt.channel: 100}}
			// Dies after recording: nothing is left to send again.
			recorded := enqueue(t, s, clk.Now(), tt.channel, tt.recorded, "recorded", false)
			if n, err := newSender(t, s, []sender.Transport{transport()}, cfg).SendDue(ctx); n != 1 || err != nil {
				t.Fatalf("n=%d err=%v", n, err)
			}
			// Dies between the provider and the record.
			stuck := stuckAfterSend{Transport: transport(), release: make(chan struct{})}
			t.Cleanup(func() { close(stuck.release) })
			unrecorded := enqueue(t, s, clk.Now(), tt.channel, tt.doubt, "unrecorded", false)
			go func() { _, _ = newSender(t, s, []sender.Transport{stuck}, cfg).SendDue(ctx) }()
			for deadline := time.Now().Add(10 * time.Second); count()["unrecorded"] < 1 && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
			}
			clk.Add(10 * time.Second)
			if _, err := newSender(t, s, []sender.Transport{transport()}, cfg).SendDue(ctx); err != nil {
				t.Fatal(err)
			}
			if got := count(); got["recorded"] != 1 || got["unrecorded"] != tt.wantUnrecorded {
				t.Errorf("sent %v: want the recorded message once and the one in doubt %d times", got, tt.wantUnrecorded)
			}
			for _, id := range []int64{recorded, unrecorded} {
				if st, _ := statusOf(t, s, id); st != "sent" {
					t.Errorf("row %d is %s, want sent", id, st)
				}
			}
		})
	}
}
