package telegram

import (
	"encoding/json"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"stagebot/bot/telegram/telegramtest"
	"stagebot/domain"
)

func TestInboundOf(t *testing.T) {
	tg := domain.Telegram
	tests := []struct {
		name       string
		update     string
		want       domain.Inbound
		callbackID string
		ok         bool
	}{
		{name: "text", update: string(telegramtest.TextUpdate(10, 4242, "Bonjour !")), ok: true,
			want: domain.Inbound{Channel: tg, ProviderID: "10", Address: "4242", Text: "Bonjour !"}},
		{name: "start with a collège code", update: string(telegramtest.TextUpdate(11, 4242, "/start 0751234X")), ok: true,
			want: domain.Inbound{Channel: tg, ProviderID: "11", Address: "4242", Text: "start", Start: "0751234X"}},
		{name: "start kept as given", update: string(telegramtest.TextUpdate(12, 4242, "/start 0751234x")), ok: true,
			want: domain.Inbound{Channel: tg, ProviderID: "12", Address: "4242", Text: "start", Start: "0751234x"}},
		{name: "start without entity", update: `{"update_id":13,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"text":"/start 0751234X"}}`,
			ok: true, want: domain.Inbound{Channel: tg, ProviderID: "13", Address: "7", Text: "start", Start: "0751234X"}},
		{name: "plain start", update: string(telegramtest.TextUpdate(14, 4242, "/start")), ok: true,
			want: domain.Inbound{Channel: tg, ProviderID: "14", Address: "4242", Text: "start"}},
		{name: "command word", update: string(telegramtest.TextUpdate(15, 4242, "/aide")), ok: true,
			want: domain.Inbound{Channel: tg, ProviderID: "15", Address: "4242", Text: "aide"}},
		{name: "command with bot name", update: string(telegramtest.TextUpdate(16, 4242, "/Menu@stagebot_test_bot")), ok: true,
			want: domain.Inbound{Channel: tg, ProviderID: "16", Address: "4242", Text: "menu"}},
		{name: "slash text without entity", update: `{"update_id":17,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"text":"/ oui"}}`,
			ok: true, want: domain.Inbound{Channel: tg, ProviderID: "17", Address: "7", Text: "/ oui"}},
		{name: "entity longer than the text", update: `{"update_id":18,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"text":"/a","entities":[{"type":"bot_command","offset":0,"length":99}]}}`,
			ok: true, want: domain.Inbound{Channel: tg, ProviderID: "18", Address: "7", Text: "a"}},
		{name: "photo", update: string(telegramtest.PhotoUpdate(19, 4242)), ok: true,
			want: domain.Inbound{Channel: tg, ProviderID: "19", Address: "4242", Media: true}},
		{name: "photo with caption", update: `{"update_id":20,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"caption":"mon chat","photo":[{"file_id":"x","file_unique_id":"y","width":1,"height":1}]}}`,
			ok: true, want: domain.Inbound{Channel: tg, ProviderID: "20", Address: "7", Text: "mon chat"}},
		{name: "voice note", update: `{"update_id":21,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"voice":{"file_id":"x","file_unique_id":"y","duration":3}}}`,
			ok: true, want: domain.Inbound{Channel: tg, ProviderID: "21", Address: "7", Media: true}},
		{name: "sticker", update: `{"update_id":22,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"sticker":{"file_id":"x","file_unique_id":"y","width":1,"height":1}}}`,
			ok: true, want: domain.Inbound{Channel: tg, ProviderID: "22", Address: "7", Media: true}},
		{name: "location", update: `{"update_id":23,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"location":{"latitude":48.86,"longitude":2.36}}}`,
			ok: true, want: domain.Inbound{Channel: tg, ProviderID: "23", Address: "7", Media: true}},
		{name: "callback", update: string(telegramtest.CallbackUpdate(24, 4242, "lang:en")), ok: true,
			callbackID: telegramtest.CallbackID(24),
			want:       domain.Inbound{Channel: tg, ProviderID: "24", Address: "4242", Choice: "lang:en"}},
		{name: "callback without message", update: `{"update_id":25,"callback_query":{"id":"q","from":{"id":99,"is_bot":false,"first_name":"A"},"chat_instance":"1","data":"k"}}`,
			ok: true, callbackID: "q", want: domain.Inbound{Channel: tg, ProviderID: "25", Address: "99", Choice: "k"}},
		{name: "callback without data", update: `{"update_id":26,"callback_query":{"id":"q","from":{"id":99,"is_bot":false,"first_name":"A"},"chat_instance":"1","game_short_name":"g"}}`,
			callbackID: "q"},
		{name: "service message", update: `{"update_id":27,"message":{"message_id":1,"date":1,"chat":{"id":7,"type":"private"},"pinned_message":{"message_id":2,"date":1,"chat":{"id":7,"type":"private"}}}}`},
		{name: "group message", update: `{"update_id":28,"message":{"message_id":1,"date":1,"chat":{"id":-100,"type":"group"},"text":"salut"}}`},
		{name: "edited message", update: `{"update_id":29,"edited_message":{"message_id":1,"date":1,"edit_date":2,"chat":{"id":7,"type":"private"},"text":"oups"}}`},
		{name: "channel post", update: `{"update_id":30,"channel_post":{"message_id":1,"date":1,"chat":{"id":-1001,"type":"channel"},"text":"news"}}`},
		{name: "my_chat_member", update: `{"update_id":31,"my_chat_member":{"chat":{"id":7,"type":"private"},"from":{"id":7,"is_bot":false,"first_name":"A"},"date":1,"old_chat_member":{"status":"member","user":{"id":1,"is_bot":true,"first_name":"B"}},"new_chat_member":{"status":"kicked","user":{"id":1,"is_bot":true,"first_name":"B"}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u tgbotapi.Update
			if err := json.Unmarshal([]byte(tt.update), &u); err != nil {
				t.Fatal(err)
			}
			got, callbackID, ok := inboundOf(&u)
			if ok != tt.ok || callbackID != tt.callbackID {
				t.Fatalf("ok, callbackID = %v, %q; want %v, %q", ok, callbackID, tt.ok, tt.callbackID)
			}
			if ok && got != tt.want {
				t.Errorf("inbound = %+v\nwant      %+v", got, tt.want)
			}
		})
	}
}

func TestBackoffDoublesUpToMax(t *testing.T) {
	b := backoff{min: 1, max: 5}
	var got []int
	for range 5 {
		got = append(got, int(b.next()))
	}
	b.reset()
	got = append(got, int(b.next()))
	want := []int{1, 2, 4, 5, 5, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays = %v, want %v", got, want)
		}
	}
}
