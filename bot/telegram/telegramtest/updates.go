package telegramtest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
)

// TextUpdate is the JSON of an update with a text message from a private chat whose id is chatID
// (the user's id too, as in a one-to-one chat). A text starting with "/" carries a bot_command
// entity over its first word, as Telegram adds one to commands.
func TextUpdate(updateID int, chatID int64, text string) []byte {
	msg := message(updateID, chatID)
	msg["text"] = text
	if strings.HasPrefix(text, "/") {
		head := text
		if i := strings.IndexFunc(text, unicode.IsSpace); i >= 0 {
			head = text[:i]
		}
		msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0,
			"length": len(utf16.Encode([]rune(head)))}}
	}
	return marshal(map[string]any{"update_id": updateID, "message": msg})
}

// CallbackUpdate is the JSON of an update for a button with callback data data pressed under a
// message the bot sent to the private chat chatID. Its callback query id is CallbackID(updateID).
func CallbackUpdate(updateID int, chatID int64, data string) []byte {
	shown := map[string]any{"message_id": 100000 + updateID, "from": botUser(), "date": time.Now().Unix() - 60,
		"chat": chat(chatID), "text": "Choisis :", "reply_markup": map[string]any{"inline_keyboard": [][]map[string]any{
			{{"text": data, "callback_data": data}}}}}
	return marshal(map[string]any{"update_id": updateID, "callback_query": map[string]any{
		"id": CallbackID(updateID), "from": user(chatID), "message": shown,
		"chat_instance": fmt.Sprint(-chatID), "data": data}})
}

// CallbackID is the callback query id of CallbackUpdate(updateID, …), as answerCallbackQuery
// must be given it.
func CallbackID(updateID int) string { return fmt.Sprintf("cbq%d", updateID) }

// PhotoUpdate is the JSON of an update with a photo and no caption from the private chat chatID.
func PhotoUpdate(updateID int, chatID int64) []byte {
	msg := message(updateID, chatID)
	msg["photo"] = []map[string]any{
		{"file_id": "AgACAgQAAxkBAAIBsmall", "file_unique_id": "AQADsmall", "width": 90, "height": 67, "file_size": 1203},
		{"file_id": "AgACAgQAAxkBAAIBlarge", "file_unique_id": "AQADlarge", "width": 1280, "height": 960, "file_size": 98311},
	}
	return marshal(map[string]any{"update_id": updateID, "message": msg})
}

// message is a message from the person in the private chat chatID, without content.
func message(updateID int, chatID int64) map[string]any {
	return map[string]any{"message_id": updateID, "from": user(chatID), "chat": chat(chatID), "date": time.Now().Unix()}
}

func user(id int64) map[string]any {
	return map[string]any{"id": id, "is_bot": false, "first_name": "Camille", "language_code": "fr"}
}

func chat(id int64) map[string]any {
	return map[string]any{"id": id, "type": "private", "first_name": "Camille"}
}

// marshal encodes v, which holds only maps, slices, strings and numbers and cannot fail.
func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: %v", err))
	}
	return b
}
