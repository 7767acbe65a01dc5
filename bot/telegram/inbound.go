package telegram

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"stagebot/domain"
)

// allowedUpdates are the update kinds stagebot asks Telegram for.
func allowedUpdates() []string { return []string{"message", "callback_query"} }

// errNoHandler is handle's error for an adapter made without a Handler (send only).
var errNoHandler = errors.New("telegram: adapter has no handler: it can only send")

// answerTimeout bounds answerCallbackQuery: it only stops a button's spinner.
const answerTimeout = 5 * time.Second

// handle turns one update into an Inbound and hands it to the Handler. It returns the outcome
// (accepted, duplicate, ignored) with a nil error when Telegram may forget the update, or
// OutcomeUnavailable and the Handler's error when it must be delivered again. A pressed button is
// answered once its message is committed. The outcome is counted.
func (a *Adapter) handle(ctx context.Context, u *tgbotapi.Update) (string, error) {
	in, callbackID, ok := inboundOf(u)
	outcome := OutcomeIgnored
	var err error
	if ok {
		outcome = OutcomeAccepted
		err = errNoHandler
		if a.handler != nil {
			err = a.handler.Handle(ctx, in)
		}
		switch {
		case errors.Is(err, domain.ErrDuplicate):
			outcome, err = OutcomeDuplicate, nil
		case err != nil:
			outcome = OutcomeUnavailable
		}
	}
	if err == nil && callbackID != "" {
		// Also for a duplicate: the first delivery may have been committed without its answer.
		a.answerCallback(ctx, u.UpdateID, callbackID)
	}
	a.count(outcome)
	level := slog.LevelDebug
	if outcome == OutcomeUnavailable {
		level = slog.LevelWarn
	}
	// Only the update id and the outcome: never the text, names or chat ids.
	a.log.Log(ctx, level, "telegram update", slog.Int("update_id", u.UpdateID), slog.String("outcome", outcome))
	return outcome, err
}

// answerCallback stops the pressed button's spinner. A failure is only logged.
func (a *Adapter) answerCallback(ctx context.Context, updateID int, callbackID string) {
	ctx, cancel := context.WithTimeout(ctx, answerTimeout)
	defer cancel()
	if _, err := a.api(ctx).Request(tgbotapi.NewCallback(callbackID, "")); err != nil {
		a.log.WarnContext(ctx, "telegram answerCallbackQuery failed", slog.Int("update_id", updateID),
			slog.String("error", a.scrub(err).Error()))
	}
}

// inboundOf converts an update into the one Inbound it stands for, and returns the id of the
// callback query to answer, if any. ok is false for updates that are not handled: edited
// messages, channel posts, membership changes, service messages, anything from a group (stagebot
// only talks one to one: a student's data must not be shown to a group), and callbacks with no data.
func inboundOf(u *tgbotapi.Update) (in domain.Inbound, callbackID string, ok bool) {
	in = domain.Inbound{Channel: domain.Telegram, ProviderID: strconv.Itoa(u.UpdateID)}
	switch {
	case u.Message != nil:
		m := u.Message
		if m.Chat == nil || !private(m.Chat) {
			return in, "", false
		}
		in.Address = strconv.FormatInt(m.Chat.ID, 10)
		if word, payload, isCmd := command(m); isCmd {
			in.Text = word
			if word == "start" {
				in.Start = payload
			}
			return in, "", true
		}
		in.Text = m.Text
		if in.Text == "" {
			in.Text = m.Caption
		}
		if strings.TrimSpace(in.Text) == "" {
			in.Text = ""
			in.Media = hasMedia(m)
			return in, "", in.Media
		}
		return in, "", true
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		switch {
		case q.Message != nil && q.Message.Chat != nil:
			if !private(q.Message.Chat) {
				return in, q.ID, false
			}
			in.Address = strconv.FormatInt(q.Message.Chat.ID, 10)
		case q.From != nil:
			in.Address = strconv.FormatInt(q.From.ID, 10)
		default:
			return in, q.ID, false
		}
		in.Choice = q.Data
		return in, q.ID, q.Data != ""
	}
	return in, "", false
}

// private reports whether chat is a one-to-one chat. A chat with no type (hand-made test updates)
// counts as private.
func private(chat *tgbotapi.Chat) bool {
	return chat.Type == "" || chat.Type == "private"
}

// command reads a command message: "/aide", "/start 0751234X", "/menu@stagebot_bot". It is a
// command when it starts with a bot_command entity, or when the text starts with "/start" (some
// clients send the deep link's /start without entities). word is the command in lower case without
// the slash and the bot's name; payload is what follows it, trimmed.
func command(m *tgbotapi.Message) (word, payload string, ok bool) {
	text := m.Text
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	head, rest := text, ""
	if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
		head, rest = text[:i], text[i:]
	}
	word, _, _ = strings.Cut(strings.ToLower(head[1:]), "@")
	entity := len(m.Entities) > 0 && m.Entities[0].Type == "bot_command" && m.Entities[0].Offset == 0
	if word == "" || (!entity && word != "start") {
		return "", "", false
	}
	return word, strings.TrimSpace(rest), true
}

// hasMedia reports whether a message carries something other than text that a person sent.
func hasMedia(m *tgbotapi.Message) bool {
	return len(m.Photo) > 0 || m.Sticker != nil || m.Voice != nil || m.Video != nil || m.VideoNote != nil ||
		m.Document != nil || m.Audio != nil || m.Animation != nil || m.Location != nil || m.Venue != nil ||
		m.Contact != nil
}
