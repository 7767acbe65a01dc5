package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/store"
	"stagebot/store/storetest"
)

// The senders of this process are woken in the lane that got a message (a reply wakes no worker of
// the proactive lane), once the transaction commits; a NOTIFY says the lanes, and its own process
// knows it.
func TestWakeUpsSayTheLanes(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	var mu sync.Mutex
	var got []store.Lanes
	defer s.AddWaker(func(l store.Lanes) { mu.Lock(); got = append(got, l); mu.Unlock() })()
	now := time.Now()
	if _, err := s.Enqueue(ctx, store.OutboxMessage{Channel: domain.SMS, Address: "+33611111111", Lang: "fr", Body: "a",
		CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Enqueue(ctx, store.OutboxMessage{Channel: domain.SMS, Address: "+33611111111", Lang: "fr", Body: "b",
			Proactive: true, CreatedAt: now})
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 {
			t.Errorf("woken before the commit: %v", got)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []store.Lanes{{Replies: true}, {Proactive: true}}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("woken %v, want %v", got, want)
	}
	if lanes, own := s.Woken("0000000000000000:p"); own || lanes != (store.Lanes{Proactive: true}) {
		t.Errorf("another process's NOTIFY: %v, own %v", lanes, own)
	}
	if lanes, own := s.Woken(""); own || lanes != (store.Lanes{Replies: true, Proactive: true}) {
		t.Errorf("an empty NOTIFY: %v, own %v", lanes, own)
	}
}
