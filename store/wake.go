package store

import (
	"context"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// notifyGap is the least time between two NOTIFY "outbox" of one process: NOTIFY takes a lock
// that every notifying transaction's commit waits for, so wake-ups for other replicas are coalesced
// and sent outside the transactions that queued messages.
const notifyGap = 50 * time.Millisecond

// waker wakes the outbound senders once messages are queued: the senders of this process at once
// (AddWaker), those of the other replicas through NOTIFY "outbox", at most one per notifyGap, sent
// by itself after the commit, never inside the transaction that queued the messages.
type waker struct {
	db *sqlx.DB

	mu      sync.Mutex
	local   map[int]func()
	nextID  int
	pending bool      // a NOTIFY is scheduled
	last    time.Time // when the last NOTIFY was sent (physical time)
}

func newWaker(db *sqlx.DB) *waker { return &waker{db: db, local: map[int]func(){}} }

// AddWaker registers fn, called (and it must not block) each time messages were queued by this
// process; the returned function unregisters it. The outbound sender of the same process uses it to
// start at once, without a round trip to Postgres.
func (s *Store) AddWaker(fn func()) (remove func()) {
	w := s.wake
	w.mu.Lock()
	defer w.mu.Unlock()
	id := w.nextID
	w.nextID++
	w.local[id] = fn
	return func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		delete(w.local, id)
	}
}

// queued says that messages were committed to the outbox.
func (w *waker) queued() {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, fn := range w.local {
		fn()
	}
	if w.pending || w.db == nil {
		return
	}
	w.pending = true
	delay := max(0, notifyGap-time.Since(w.last))
	time.AfterFunc(delay, w.notify)
}

// notify sends one NOTIFY "outbox" for the other replicas' senders.
func (w *waker) notify() {
	w.mu.Lock()
	w.pending = false
	w.last = time.Now()
	w.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// A lost wake-up costs a poll interval at worst: the senders poll as well.
	_, _ = w.db.ExecContext(ctx, `SELECT pg_notify('outbox', '')`)
}
