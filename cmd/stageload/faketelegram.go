package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// telegram answers /bot{token}/{method} (rest is what follows "/bot"): the Bot API methods
// stagebot calls, getMe, setWebhook, deleteWebhook, setMyCommands, answerCallbackQuery,
// getUpdates (always empty after a second) and sendMessage (logged, with "telegram:CHAT_ID" as
// To, answered after the configured latency). It is enough for a serve with Telegram on to start
// and send; stageload plays no Telegram users.
func (p *fakeProvider) telegram(w http.ResponseWriter, r *http.Request, rest string) {
	token, method, _ := strings.Cut(rest, "/")
	if p.telegramToken != "" && token != p.telegramToken {
		telegramError(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	cfg, end := p.begin()
	defer end()
	params, err := telegramParams(r)
	if err != nil {
		telegramError(w, http.StatusBadRequest, "Bad Request: "+err.Error())
		return
	}
	switch strings.ToLower(method) {
	case "getme":
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": telegramBot()})
	case "setwebhook", "deletewebhook", "setmycommands", "answercallbackquery":
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": true})
	case "getupdates":
		if !sleepCtx(r.Context(), time.Second) {
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": []any{}})
	case "sendmessage":
		chat, text := params["chat_id"], params["text"]
		if chat == "" || text == "" {
			telegramError(w, http.StatusBadRequest, "Bad Request: chat not found or message text is empty")
			return
		}
		m := Message{SID: newSID("TG"), To: "telegram:" + chat, Body: text, At: time.Now(), Channel: "telegram"}
		seq := p.record(m)
		if !sleepCtx(r.Context(), cfg.Latency) {
			p.markOrphan(seq)
			return
		}
		chatID, _ := strconv.ParseInt(chat, 10, 64)
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": map[string]any{
			"message_id": seq + 1, "from": telegramBot(), "date": m.At.Unix(), "text": text,
			"chat": map[string]any{"id": chatID, "type": "private", "first_name": "Test"}}})
	default:
		telegramError(w, http.StatusNotFound, "Not Found")
	}
}

// telegramParams reads a Bot API call's parameters from a JSON or form body.
func telegramParams(r *http.Request) (map[string]string, error) {
	params := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var raw map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			return nil, fmt.Errorf("read JSON: %w", err)
		}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				params[k] = s
			} else {
				params[k] = string(v)
			}
		}
		return params, nil
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return nil, fmt.Errorf("read multipart form: %w", err)
		}
	} else if err := r.ParseForm(); err != nil {
		return nil, fmt.Errorf("read form: %w", err)
	}
	for k, v := range r.Form {
		params[k] = v[0]
	}
	return params, nil
}

// telegramBot is the fake bot's user, as getMe answers it.
func telegramBot() map[string]any {
	return map[string]any{"id": 7000000001, "is_bot": true, "first_name": "Stagebot", "username": "stageload_fake_bot"}
}

// telegramError answers a Bot API error.
func telegramError(w http.ResponseWriter, code int, description string) {
	writeJSON(w, code, map[string]any{"ok": false, "error_code": code, "description": description})
}
