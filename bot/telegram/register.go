package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Register points Telegram at this deployment: setWebhook with url publicURL + WebhookPath, the
// secret token Config.WebhookSecret and the update kinds stagebot reads (message,
// callback_query), then the command menus, in French (the default, for every language) and in
// English. It refuses to register without a secret: the webhook would then refuse every update.
func (a *Adapter) Register(ctx context.Context, publicURL string) error {
	if a.cfg.WebhookSecret == "" {
		return errors.New("telegram: register: no webhook secret configured")
	}
	u, err := url.Parse(publicURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("telegram: register: public URL %q is not an absolute URL", publicURL)
	}
	allowed, err := json.Marshal(allowedUpdates())
	if err != nil {
		return fmt.Errorf("telegram: register: %w", err)
	}
	api := a.api(ctx)
	if _, err := api.MakeRequest("setWebhook", tgbotapi.Params{
		"url":             strings.TrimRight(publicURL, "/") + WebhookPath,
		"secret_token":    a.cfg.WebhookSecret,
		"allowed_updates": string(allowed),
	}); err != nil {
		return fmt.Errorf("telegram: setWebhook: %w", a.scrub(err))
	}
	for _, menu := range commandMenus() {
		if _, err := api.Request(tgbotapi.SetMyCommandsConfig{Commands: menu.commands, LanguageCode: menu.lang}); err != nil {
			return fmt.Errorf("telegram: setMyCommands (language %q): %w", menu.lang, a.scrub(err))
		}
	}
	return nil
}

// commandMenu is the command list shown to users of one language ("" for everyone else).
type commandMenu struct {
	lang     string
	commands []tgbotapi.BotCommand
}

// commandMenus are the menus Register sets. The conversation understands every command word in
// both languages (see conversation's keywords).
func commandMenus() []commandMenu {
	return []commandMenu{
		{lang: "", commands: []tgbotapi.BotCommand{
			{Command: "start", Description: "Commencer"},
			{Command: "aide", Description: "Aide"},
			{Command: "menu", Description: "Menu principal"},
			{Command: "langue", Description: "Changer de langue"},
			{Command: "stop", Description: "Ne plus recevoir de messages"},
			{Command: "supprimer", Description: "Effacer mes données"},
		}},
		{lang: "en", commands: []tgbotapi.BotCommand{
			{Command: "start", Description: "Start"},
			{Command: "help", Description: "Help"},
			{Command: "menu", Description: "Main menu"},
			{Command: "language", Description: "Change language"},
			{Command: "stop", Description: "Stop receiving messages"},
			{Command: "delete", Description: "Delete my data"},
		}},
	}
}
