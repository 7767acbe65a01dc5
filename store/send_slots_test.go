package store_test

import (
	"context"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// Send slots are reserved 1/PerSecond apart whoever asks; a proactive message never books further than
// the next slot; a pause from the provider holds every slot back.
func TestSendSlotsAreScheduled(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) // physical time, as the rate clock gives it
	take := func(proactive bool) store.Slot {
		t.Helper()
		slot, err := s.TakeSendSlot(ctx, store.SlotParams{Channel: domain.SMS, PerSecond: 10, Proactive: proactive, Now: now, Due: now})
		if err != nil {
			t.Fatal(err)
		}
		return slot
	}
	for i := range 3 {
		if slot := take(false); !slot.Reserved || !slot.At.Equal(now.Add(time.Duration(i)*100*time.Millisecond)) {
			t.Fatalf("reply %d: %+v, want a slot %d ms on", i, slot, i*100)
		}
	}
	if slot := take(true); slot.Reserved || !slot.At.Equal(now.Add(200*time.Millisecond)) {
		t.Errorf("proactive behind three replies: %+v, want no slot, to ask again in 200 ms", slot)
	}
	now = now.Add(time.Second)
	if slot := take(true); !slot.Reserved || !slot.At.Equal(now) {
		t.Errorf("proactive with the schedule free: %+v, want a slot now", slot)
	}
	if err := s.PauseSending(ctx, domain.SMS, now.Add(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if slot := take(false); !slot.Reserved || !slot.At.Equal(now.Add(30*time.Second)) {
		t.Errorf("after a 30 s pause: %+v, want the slot when it ends", slot)
	}
}
