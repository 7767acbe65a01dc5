package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// notifyGap is the least time between two NOTIFY "outbox" of one process: NOTIFY takes a lock
// that every notifying transaction's commit waits for, so wake-ups for other replicas are coalesced
// and sent outside the transactions that queued messages.
const notifyGap = 50 * time.Millisecond

// Lanes say which lanes of the outbox got messages: replies, messages nobody just asked for
// (proactive), or both. A sender wakes only the workers of a lane that has something.
type Lanes struct {
	Replies, Proactive bool
}

func (l Lanes) any() bool { return l.Replies || l.Proactive }

func (l Lanes) or(m Lanes) Lanes { return Lanes{l.Replies || m.Replies, l.Proactive || m.Proactive} }

// laneOf is the lane of one message.
func laneOf(proactive bool) Lanes { return Lanes{Replies: !proactive, Proactive: proactive} }

// waker wakes the outbound senders once messages are queued: the senders of this process at once
// (AddWaker), those of the other replicas through NOTIFY "outbox", at most one per notifyGap, sent
// by itself after the commit, never inside the transaction that queued the messages. The NOTIFY's
// payload names this process and the lanes ("3f9a…:rp"), so a listener of this process ignores it
// and the others wake only the lanes it names.
type waker struct {
	db *sqlx.DB
	id string // this process's name in the payloads

	mu      sync.Mutex
	local   map[int]func(Lanes)
	nextID  int
	pending Lanes     // lanes of a NOTIFY scheduled
	last    time.Time // when the last NOTIFY was sent (physical time)
}

func newWaker(db *sqlx.DB) *waker {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand does not fail on the platforms Go supports
	return &waker{db: db, id: hex.EncodeToString(b), local: map[int]func(Lanes){}}
}

// Woken reads a NOTIFY "outbox" payload: the lanes to wake, and whether it came from this process
// (whose senders were woken already). An empty or unknown payload wakes both lanes.
func (s *Store) Woken(payload string) (lanes Lanes, own bool) {
	id, which, ok := strings.Cut(payload, ":")
	if !ok {
		return Lanes{true, true}, false
	}
	return Lanes{Replies: strings.Contains(which, "r"), Proactive: strings.Contains(which, "p")}, id == s.wake.id
}

// AddWaker registers fn, called (and it must not block) each time messages were queued by this
// process; the returned function unregisters it. The outbound sender of the same process uses it to
// start at once, without a round trip to Postgres.
func (s *Store) AddWaker(fn func(Lanes)) (remove func()) {
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

// queued says that messages were committed to the outbox, in lanes.
func (w *waker) queued(lanes Lanes) {
	if w == nil || !lanes.any() {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, fn := range w.local {
		fn(lanes)
	}
	if w.db == nil {
		return
	}
	scheduled := w.pending.any()
	w.pending = w.pending.or(lanes)
	if scheduled {
		return
	}
	delay := max(0, notifyGap-time.Since(w.last))
	time.AfterFunc(delay, w.notify)
}

// notify sends one NOTIFY "outbox" for the other replicas' senders.
func (w *waker) notify() {
	w.mu.Lock()
	lanes := w.pending
	w.pending = Lanes{}
	w.last = time.Now()
	w.mu.Unlock()
	payload := w.id + ":"
	if lanes.Replies {
		payload += "r"
	}
	if lanes.Proactive {
		payload += "p"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// A lost wake-up costs a poll interval at worst: the senders poll as well.
	_, _ = w.db.ExecContext(ctx, `SELECT pg_notify('outbox', $1)`, payload)
}
