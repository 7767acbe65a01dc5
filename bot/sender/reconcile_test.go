package sender_test

import (
	"context"
	"testing"
	"time"

	"stagebot/bot/sender"
	"stagebot/bot/twilio/twiliotest"
	"stagebot/clock"
	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// A sender killed between Twilio's acceptance and its own record leaves the row "sending"; once its
// lease is over, the next sender asks Twilio what it accepted for that number since the claim and
// records the message with Twilio's SID instead of sending it again. What Twilio has no trace of (a
// row the dead sender claimed but never sent) is sent, once. The same words sent on purpose to the
// same person earlier, and recorded, are not taken for the message in doubt.
func TestDeadSendersRowsAreReconciledNotResent(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	fake := twiliotest.NewServer(t, "AC00000000000000000000000000000001", "secret0token")
	sms := newTwilio(t, s, fake).SMS()
	now := time.Now()

	// Earlier, the same words to the same person, sent and recorded.
	earlier := enqueue(t, s, now.Add(-time.Minute), domain.SMS, "+33611111111", "C'est noté.", false)
	first := newSender(t, s, []sender.Transport{sms}, sender.Config{Clock: clock.NewManual(now.Add(-time.Minute)), Unlimited: true})
	if _, err := first.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := statusOf(t, s, earlier); st != "sent" {
		t.Fatalf("the earlier message is %s", st)
	}

	// The dead sender: it claims three rows, Twilio accepts the first two, and it dies before
	// recording any.
	accepted := enqueue(t, s, now, domain.SMS, "+33611111111", "C'est noté.", false)
	acceptedToo := enqueue(t, s, now, domain.SMS, "+33622222222", "Bonne nouvelle : ta candidature est partie.", false)
	never := enqueue(t, s, now, domain.SMS, "+33633333333", "Bonjour !", false)
	rows, err := s.ClaimOutbox(ctx, store.ClaimParams{Channels: []domain.Channel{domain.SMS}, Limit: 10,
		Lease: 6 * time.Second, Now: now})
	if err != nil || len(rows) != 3 {
		t.Fatalf("the dead sender claimed %d rows: %v", len(rows), err)
	}
	sids := map[int64]string{}
	for _, row := range rows[:2] {
		sid, err := sms.Send(ctx, row.Address, domain.Part{Text: row.Body})
		if err != nil {
			t.Fatal(err)
		}
		sids[row.ID] = sid
	}
	before := len(fake.Sent())

	// The next sender, after the lease.
	next := newSender(t, s, []sender.Transport{sms}, sender.Config{Clock: clock.NewManual(now.Add(10 * time.Second)), Unlimited: true})
	if _, err := next.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(fake.Sent()) - before; got != 1 {
		t.Errorf("Twilio got %d more messages, want 1 (the one it had no trace of)", got)
	}
	for _, id := range []int64{accepted, acceptedToo, never} {
		if st, _ := statusOf(t, s, id); st != "sent" {
			t.Errorf("row %d is %s", id, st)
		}
	}
	var recorded []struct {
		ID  int64  `db:"id"`
		SID string `db:"provider_message_id"`
	}
	if err := s.DB().SelectContext(ctx, &recorded, `SELECT id, provider_message_id FROM outbox WHERE id = ANY($1)`,
		[]int64{accepted, acceptedToo}); err != nil {
		t.Fatal(err)
	}
	for _, r := range recorded {
		if r.SID != sids[r.ID] {
			t.Errorf("row %d recorded with %s, Twilio accepted it as %s", r.ID, r.SID, sids[r.ID])
		}
	}
	last := fake.Sent()[len(fake.Sent())-1]
	if last.To != "+33633333333" {
		t.Errorf("the message sent again went to %s", last.To)
	}
}
