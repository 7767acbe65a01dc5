package bot_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"stagebot/bot"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/storetest"
)

func newInbox(t testing.TB, s *store.Store) *bot.Inbox {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return bot.NewInbox(s, conversation.New(cat, conversation.Config{}), bot.InboxConfig{Clock: clock.Func(transcriptClock)},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func countRows(t testing.TB, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().GetContext(context.Background(), &n, query, args...); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRepeatedDeliveryIsHandledOnce(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	ib := newInbox(t, s)
	msg := domain.Inbound{Channel: domain.SMS, ProviderID: "SM1", Address: "+33639989999", Text: "Bonjour"}
	if err := ib.Handle(ctx, msg); err != nil {
		t.Fatal(err)
	}
	replies := countRows(t, s, `SELECT count(*) FROM outbox`)
	if replies == 0 {
		t.Fatal("no reply queued")
	}
	if err := ib.Handle(ctx, msg); !errors.Is(err, domain.ErrDuplicate) {
		t.Fatalf("second delivery: err = %v, want ErrDuplicate", err)
	}
	if got := countRows(t, s, `SELECT count(*) FROM outbox`); got != replies {
		t.Errorf("repeat queued %d more replies", got-replies)
	}
	if got := countRows(t, s, `SELECT count(*) FROM inbound_messages`); got != 1 {
		t.Errorf("%d inbound rows, want 1", got)
	}
}

// Messages from one person arriving at once are handled one after the other: every one is recorded
// and answered, and the conversation ends in a state reached by applying them in some order.
func TestConcurrentMessagesFromOnePersonDoNotInterleave(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	ib := newInbox(t, s)
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- ib.Handle(ctx, domain.Inbound{Channel: domain.Telegram, ProviderID: fmt.Sprint(i),
				Address: "4242", Text: "?"})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := countRows(t, s, `SELECT count(*) FROM inbound_messages`); got != n {
		t.Errorf("%d inbound rows, want %d", got, n)
	}
	if got := countRows(t, s, `SELECT count(DISTINCT xmin::text) FROM outbox`); got < n { // the transactions that wrote them
		t.Errorf("replies of %d messages share transactions: %d distinct commits", n, got)
	}
}

// Whatever a person sends, the inbox answers and keeps going: nothing crashes a conversation.
func TestBadInputAlwaysGetsAnAnswer(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	ib := newInbox(t, s)
	inputs := []domain.Inbound{
		{Text: "Bonjour"},
		{Text: strings.Repeat("é", 5000)},
		{Text: "😀😀😀"},
		{Media: true},
		{Text: ""},
		{Text: "\x00\x01 DROP TABLE students; --"},
		{Choice: "no-such-button"},
		{Text: "SUPERCALIFRAGILISTIC"},
	}
	for i, in := range inputs {
		in.Channel, in.Address, in.ProviderID = domain.SMS, "+33639989998", fmt.Sprint("bad-", i)
		before := countRows(t, s, `SELECT count(*) FROM outbox`)
		if err := ib.Handle(ctx, in); err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		if countRows(t, s, `SELECT count(*) FROM outbox`) == before {
			t.Errorf("input %d (%q, media %v) got no answer", i, truncateForLog(in.Text), in.Media)
		}
	}
	if got := countRows(t, s, `SELECT max(length(body)) FROM inbound_messages`); got > 4096 {
		t.Errorf("stored a %d-character body", got)
	}
}

func truncateForLog(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
