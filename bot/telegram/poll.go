package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// pollSeconds is how long one getUpdates call waits for updates (Config.Timeout is longer).
const pollSeconds = 30

// Poll receives updates by long polling, for when there is no public URL for the webhook. It
// deletes the webhook (Telegram refuses getUpdates while one is set), then calls getUpdates until
// ctx is done, and returns nil then. Each update goes through the same conversion and Handler as the
// webhook's. The offset moves past an update only once the Handler committed it or reported it a
// duplicate; when the Handler fails, Poll waits (1 s doubling up to 30 s) and tries the same update
// again, so nothing is lost. Updates handled but not yet confirmed when Poll stops are delivered
// again by the next poll and recognised as duplicates. Only one Poll may run per bot token.
func (a *Adapter) Poll(ctx context.Context) error {
	if _, err := a.api(ctx).Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("telegram: deleteWebhook before polling: %w", a.scrub(err))
	}
	wait := backoff{min: a.retryMin, max: a.retryMax}
	offset := 0
	for ctx.Err() == nil {
		updates, err := a.api(ctx).GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: pollSeconds,
			AllowedUpdates: allowedUpdates()})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			delay := wait.next()
			var te *tgbotapi.Error
			if errors.As(err, &te) && te.RetryAfter > 0 {
				delay = time.Duration(te.RetryAfter) * time.Second
			}
			a.log.WarnContext(ctx, "telegram getUpdates failed", slog.String("error", a.scrub(err).Error()),
				slog.Duration("retry_in", delay))
			sleep(ctx, delay)
			continue
		}
		wait.reset()
		for i := range updates {
			if !a.handleUntilDone(ctx, &updates[i], &wait) {
				return nil
			}
			offset = updates[i].UpdateID + 1
		}
	}
	return nil
}

// handleUntilDone hands u to the Handler until it is committed (or a duplicate, or ignored), waiting
// between attempts. It returns false when ctx ended first.
func (a *Adapter) handleUntilDone(ctx context.Context, u *tgbotapi.Update, wait *backoff) bool {
	for {
		if _, err := a.handle(ctx, u); err == nil {
			wait.reset()
			return true
		}
		if ctx.Err() != nil || !sleep(ctx, wait.next()) {
			return false
		}
	}
}

// backoff doubles a delay from min up to max.
type backoff struct {
	min, max, cur time.Duration
}

// next returns the delay to wait now and doubles the following one.
func (b *backoff) next() time.Duration {
	if b.cur < b.min {
		b.cur = b.min
	}
	d := b.cur
	b.cur = min(b.cur*2, b.max)
	return d
}

// reset starts again from min.
func (b *backoff) reset() { b.cur = 0 }

// sleep waits d or until ctx is done, and reports whether the whole wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
