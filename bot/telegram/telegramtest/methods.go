package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"
)

// BotID is the fake bot's user id, as getMe reports it.
const BotID = 7000000001

// BotUsername is the fake bot's username, as getMe reports it.
const BotUsername = "stagebot_test_bot"

// maxPollWait bounds how long getUpdates waits for an update, whatever timeout it was given.
const maxPollWait = time.Second

func botUser() map[string]any {
	return map[string]any{"id": BotID, "is_bot": true, "first_name": "Stagebot", "username": BotUsername,
		"can_join_groups": false, "can_read_all_group_messages": false, "supports_inline_queries": false}
}

// readParams reads a method's parameters from a form-encoded, multipart or JSON body (or the query
// string). JSON values that are not strings are kept as their JSON text, as a form would carry them.
func readParams(r *http.Request) (map[string]string, error) {
	params := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var raw map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			return nil, fmt.Errorf("can't parse JSON body: %w", err)
		}
		for k, v := range raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				params[k] = s
			} else {
				params[k] = string(v)
			}
		}
		for k, v := range r.URL.Query() {
			params[k] = v[0]
		}
		return params, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			return nil, fmt.Errorf("can't parse multipart body: %w", err)
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("can't parse form: %w", err)
		}
	}
	for k, v := range r.Form {
		params[k] = v[0]
	}
	return params, nil
}

// intParam reads an optional integer parameter; absent is 0.
func intParam(params map[string]string, name string) (int64, error) {
	v, ok := params[name]
	if !ok || v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("field %q must be an integer", name)
	}
	return n, nil
}

func (s *Server) sendMessage(w http.ResponseWriter, params map[string]string) {
	s.mu.Lock()
	var fail Failure
	if len(s.failures) > 0 {
		fail, s.failures = s.failures[0], s.failures[1:]
	}
	s.mu.Unlock()
	if fail != nil {
		fail.write(w)
		return
	}
	chatID, err := intParam(params, "chat_id")
	if err != nil || chatID == 0 {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0)
		return
	}
	text := params["text"]
	if text == "" {
		writeError(w, http.StatusBadRequest, "Bad Request: message text is empty", 0)
		return
	}
	buttons, markup, err := parseKeyboard(params["reply_markup"])
	if err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: can't parse reply keyboard markup JSON object", 0)
		return
	}
	now := time.Now()
	s.mu.Lock()
	s.nextMsgID++
	msg := SentMessage{MessageID: s.nextMsgID, ChatID: chatID, Text: text, Buttons: buttons, At: now}
	s.sent = append(s.sent, msg)
	s.mu.Unlock()
	result := map[string]any{"message_id": msg.MessageID, "from": botUser(), "date": now.Unix(),
		"chat": map[string]any{"id": chatID, "type": "private", "first_name": "Test"}, "text": text}
	if markup != nil {
		result["reply_markup"] = markup
	}
	writeResult(w, result)
}

// inlineKeyboard is the wire form of an InlineKeyboardMarkup.
type inlineKeyboard struct {
	InlineKeyboard [][]struct {
		Text         string  `json:"text"`
		CallbackData *string `json:"callback_data"`
		URL          string  `json:"url"`
	} `json:"inline_keyboard"`
}

// parseKeyboard reads reply_markup: nil without one, an error for JSON that is not an inline
// keyboard or a button Telegram would refuse (no text, callback data not 1 to 64 bytes).
func parseKeyboard(raw string) ([][]SentButton, *inlineKeyboard, error) {
	if raw == "" || raw == "null" {
		return nil, nil, nil
	}
	var kb inlineKeyboard
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil, nil, err
	}
	if kb.InlineKeyboard == nil {
		return nil, nil, errors.New("not an inline keyboard")
	}
	rows := make([][]SentButton, len(kb.InlineKeyboard))
	for i, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == "" {
				return nil, nil, errors.New("button without text")
			}
			var data string
			if b.CallbackData != nil {
				data = *b.CallbackData
				if len(data) == 0 || len(data) > 64 {
					return nil, nil, errors.New("BUTTON_DATA_INVALID")
				}
			}
			rows[i] = append(rows[i], SentButton{Text: b.Text, CallbackData: data})
		}
	}
	return rows, &kb, nil
}

func (s *Server) answerCallbackQuery(w http.ResponseWriter, params map[string]string) {
	id := params["callback_query_id"]
	if id == "" {
		writeError(w, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid", 0)
		return
	}
	s.mu.Lock()
	s.answers = append(s.answers, id)
	s.mu.Unlock()
	writeResult(w, true)
}

func (s *Server) setWebhook(w http.ResponseWriter, params map[string]string) {
	s.mu.Lock()
	s.hookURL, s.hookKey = params["url"], params["secret_token"]
	s.mu.Unlock()
	writeResult(w, true)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, params map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hookURL, s.hookKey = "", ""
	if params["drop_pending_updates"] == "true" {
		s.updates = nil
	}
	writeResult(w, true)
}

func (s *Server) setMyCommands(w http.ResponseWriter, params map[string]string) {
	var cmds []Command
	if err := json.Unmarshal([]byte(params["commands"]), &cmds); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: can't parse commands JSON object", 0)
		return
	}
	for _, c := range cmds {
		if c.Command == "" || len(c.Command) > 32 || len(c.Description) < 3 || len(c.Description) > 256 {
			writeError(w, http.StatusBadRequest, "Bad Request: BOT_COMMAND_INVALID", 0)
			return
		}
	}
	s.mu.Lock()
	s.commands[params["language_code"]] = cmds
	s.mu.Unlock()
	writeResult(w, true)
}

// getUpdates confirms the updates below offset, then answers those left (at most limit), waiting
// up to min(timeout, 1 s) for one to be pushed when there are none.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, params map[string]string) {
	offset, err1 := intParam(params, "offset")
	limit, err2 := intParam(params, "limit")
	timeout, err3 := intParam(params, "timeout")
	if err := errors.Join(err1, err2, err3); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0)
		return
	}
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.Now().Add(min(time.Duration(timeout)*time.Second, maxPollWait))
	for {
		s.mu.Lock()
		if s.hookURL != "" {
			s.mu.Unlock()
			writeError(w, http.StatusConflict,
				"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", 0)
			return
		}
		if offset > 0 && int(offset) > s.confirmed {
			s.confirmed = int(offset)
			kept := s.updates[:0]
			for _, u := range s.updates {
				if u.id >= s.confirmed {
					kept = append(kept, u)
				}
			}
			s.updates = kept
		}
		out := []json.RawMessage{}
		for _, u := range s.updates {
			if u.id >= s.confirmed && len(out) < int(limit) {
				out = append(out, u.raw)
			}
		}
		pushed := s.pushed
		s.mu.Unlock()
		wait := time.Until(deadline)
		if len(out) > 0 || wait <= 0 {
			writeResult(w, out)
			return
		}
		timer := time.NewTimer(wait)
		select {
		case <-pushed:
		case <-timer.C:
		case <-r.Context().Done():
		}
		timer.Stop()
		if r.Context().Err() != nil {
			return
		}
	}
}
