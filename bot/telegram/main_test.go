package telegram

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"stagebot/bot"
	"stagebot/bot/telegram/telegramtest"
	"stagebot/conversation"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	testToken  = "123456:TEST-token_abc"
	testSecret = "s3cret-token_Value"
)

// outcomes counts the adapter's outcomes.
type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) add(outcome string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.n[outcome]++
}

func (o *outcomes) get(outcome string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n[outcome]
}

// stack is an adapter wired to a fake Bot API and, when asked, a real Inbox on its own database.
type stack struct {
	a        *Adapter
	api      *telegramtest.Server
	store    *store.Store // nil without an inbox
	outcomes *outcomes
}

func newStack(t *testing.T, withInbox bool) stack {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st := stack{api: telegramtest.NewServer(t, testToken), outcomes: &outcomes{n: map[string]int{}}}
	var inbox Handler // the real workflow on a database of its own, or none
	if withInbox {
		st.store = storetest.New(t)
		inbox = bot.NewInbox(st.store, conversation.New(cat, conversation.Config{}), bot.InboxConfig{}, log)
	}
	cfg := Config{Token: testToken, Endpoint: st.api.Endpoint(), WebhookSecret: testSecret, Timeout: 5 * time.Second,
		OnOutcome: st.outcomes.add}
	st.a, err = New(context.Background(), cfg, inbox, log)
	if err != nil {
		t.Fatal(err)
	}
	st.a.retryMin, st.a.retryMax = 5*time.Millisecond, 20*time.Millisecond
	return st
}

// count runs a count(*) query on the stack's database.
func (st stack) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := st.store.DB().GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

// breakInbox makes every Inbox.Handle fail until the returned function is called.
func (st stack) breakInbox(t *testing.T) (repair func()) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.store.DB().ExecContext(ctx, `ALTER TABLE inbound_messages RENAME TO inbound_messages_away`); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := st.store.DB().ExecContext(ctx, `ALTER TABLE inbound_messages_away RENAME TO inbound_messages`); err != nil {
			t.Error(err)
		}
	}
}

// eventually waits up to 5 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
