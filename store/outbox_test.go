package store_test

import (
	"context"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// A sender renews its claim of a row just before sending it, by the claim's id: once the lease ran
// out and another sender took the row, the first one's renewal fails and it must not send (under
// load a sender waiting for a send slot outlived its lease, and both senders sent the message).
func TestRenewClaimHoldsOnlyTheClaimThatTookTheRow(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if _, err := s.Enqueue(ctx, store.OutboxMessage{Channel: domain.SMS, Address: "+33611000001", Lang: "fr",
		Body: "Bonjour", Proactive: true, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	lease := 6 * time.Second
	claim := func(at time.Time) store.OutboxMessage {
		t.Helper()
		rows, err := s.ClaimOutbox(ctx, store.ClaimParams{Channels: []domain.Channel{domain.SMS}, Proactive: true,
			Limit: 1, Lease: lease, Now: at})
		if err != nil || len(rows) != 1 || rows[0].ClaimID == nil {
			t.Fatalf("claim at %v: %v, %+v", at, err, rows)
		}
		return rows[0]
	}
	renew := func(row store.OutboxMessage, at time.Time) bool {
		t.Helper()
		held, err := s.RenewClaim(ctx, store.RenewParams{ID: row.ID, ClaimID: *row.ClaimID, Now: at, Lease: lease})
		if err != nil {
			t.Fatal(err)
		}
		return held
	}

	first := claim(now)
	if !renew(first, now.Add(4*time.Second)) {
		t.Error("a claim within its lease was not renewed")
	}
	// The lease ran out but nobody took the row: the claim still holds.
	if !renew(first, now.Add(20*time.Second)) {
		t.Error("a claim nobody took over was not renewed")
	}
	// The lease runs out, the row goes back to the queue, and another sender takes it.
	later := now.Add(40 * time.Second)
	if n, err := s.RequeueExpired(ctx, later); err != nil || n != 1 {
		t.Fatalf("requeue: %d, %v", n, err)
	}
	if renew(first, later) {
		t.Error("a claim whose row went back to the queue was renewed")
	}
	second := claim(later)
	if *second.ClaimID == *first.ClaimID {
		t.Fatalf("two claims with one id %d", *first.ClaimID)
	}
	if renew(first, later.Add(time.Second)) {
		t.Error("the first claim was renewed after another sender took the row: both would send it")
	}
	if !renew(second, later.Add(time.Second)) {
		t.Error("the second claim was not renewed")
	}
}
