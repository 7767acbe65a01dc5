package telegram

import (
	"context"
	"slices"
	"testing"
	"time"

	"stagebot/bot/telegram/telegramtest"
)

// startPoll runs Poll until the test stops it with the returned function, which checks that Poll
// returned nil promptly; calling it again does nothing.
func startPoll(t *testing.T, st stack) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- st.a.Poll(ctx) }()
	stopped := false
	return func() {
		t.Helper()
		cancel()
		if stopped {
			return
		}
		stopped = true
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Poll returned %v", err)
			}
		case <-time.After(3 * time.Second):
			t.Fatal("Poll did not stop when its context ended")
		}
	}
}

func TestPollHandlesEachUpdateOnce(t *testing.T) {
	st := newStack(t, true)
	if err := st.a.Register(context.Background(), "https://stagebot.example.fr"); err != nil {
		t.Fatal(err)
	}
	st.api.PushUpdate(telegramtest.TextUpdate(1, 11, "Bonjour"))
	st.api.PushUpdate(telegramtest.CallbackUpdate(2, 12, "lang:en"))
	st.api.PushUpdate([]byte(`{"update_id":3,"edited_message":{"message_id":1,"date":1,"edit_date":2,"chat":{"id":11,"type":"private"},"text":"oups"}}`))
	st.api.PushUpdate(telegramtest.PhotoUpdate(4, 13))
	stop := startPoll(t, st)
	defer stop()

	eventually(t, "three updates handled and confirmed", func() bool {
		return st.count(t, `SELECT count(*) FROM inbound_messages`) == 3 && st.api.Pending() == 0
	})
	if url, _ := st.api.Webhook(); url != "" {
		t.Errorf("webhook still set to %q: Poll must delete it first", url)
	}
	// An update arriving while polling is picked up by the waiting getUpdates.
	st.api.PushUpdate(telegramtest.TextUpdate(5, 11, "/aide"))
	eventually(t, "the fifth update handled", func() bool {
		return st.count(t, `SELECT count(*) FROM inbound_messages`) == 4 && st.api.Pending() == 0
	})
	stop()

	if got := st.count(t, `SELECT count(*) FROM inbound_messages WHERE provider_id IN ('1','2','4','5')`); got != 4 {
		t.Errorf("%d of the four updates recorded", got)
	}
	if st.outcomes.get(OutcomeAccepted) != 4 || st.outcomes.get(OutcomeDuplicate) != 0 || st.outcomes.get(OutcomeIgnored) != 1 {
		t.Errorf("outcomes = %v, want 4 accepted, 1 ignored, no duplicate", st.outcomes.n)
	}
	if got := st.api.CallbackAnswers(); !slices.Equal(got, []string{telegramtest.CallbackID(2)}) {
		t.Errorf("callback answers = %v", got)
	}
	if n := st.count(t, `SELECT count(*) FROM outbox WHERE channel = 'telegram'`); n == 0 {
		t.Error("no reply queued")
	}
}

func TestPollRetriesTheSameUpdateUntilTheInboxTakesIt(t *testing.T) {
	st := newStack(t, true)
	repair := st.breakInbox(t)
	st.api.PushUpdate(telegramtest.TextUpdate(7, 11, "Bonjour"))
	st.api.PushUpdate(telegramtest.TextUpdate(8, 11, "Camille"))
	stop := startPoll(t, st)
	defer stop()

	eventually(t, "a few failed attempts", func() bool { return st.outcomes.get(OutcomeUnavailable) >= 3 })
	if st.api.Pending() != 2 {
		t.Errorf("%d updates pending, want 2: nothing may be confirmed while the inbox fails", st.api.Pending())
	}
	repair()
	eventually(t, "both updates handled and confirmed", func() bool {
		return st.count(t, `SELECT count(*) FROM inbound_messages`) == 2 && st.api.Pending() == 0
	})
	stop()
	if st.outcomes.get(OutcomeAccepted) != 2 {
		t.Errorf("outcomes = %v, want 2 accepted", st.outcomes.n)
	}
	var order []string
	if err := st.store.DB().Select(&order, `SELECT provider_id FROM inbound_messages ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{"7", "8"}) {
		t.Errorf("handled in order %v, want 7 then 8", order)
	}
}

func TestPollFailsWhenTheWebhookCannotBeDeleted(t *testing.T) {
	st := newStack(t, false)
	st.a.bot.SetAPIEndpoint("http://127.0.0.1:1/bot%s/%s")
	if err := st.a.Poll(context.Background()); err == nil {
		t.Fatal("Poll returned nil with an unreachable Bot API")
	}
}
