package render

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"stagebot/domain"
	"stagebot/locales"
)

func newTestRenderer(t *testing.T) *Renderer {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return NewRenderer(cat)
}

func choices(labels ...string) []domain.Choice {
	cs := make([]domain.Choice, len(labels))
	for i, l := range labels {
		cs[i] = domain.Choice{Key: "k" + l, Label: l}
	}
	return cs
}

func TestSMS(t *testing.T) {
	r := newTestRenderer(t)
	tests := []struct {
		name, lang string
		reply      domain.Reply
		want       string
	}{
		{"fr no choice", "fr",
			domain.Reply{Text: "Ta candidature est envoyée à l’hôtel « Le Marais ». Bonne chance\u202f!"},
			"Ta candidature est envoyée à l'hotel \"Le Marais\". Bonne chance !"},
		{"fr one choice", "fr",
			domain.Reply{Text: "C’est noté.", Choices: choices("Menu")},
			"C'est noté.\n\n1 Menu\nRépondre 1"},
		{"fr two choices", "fr",
			domain.Reply{Text: "Tu confirmes ?", Choices: choices("Oui", "Non")},
			"Tu confirmes ?\n\n1 Oui\n2 Non\nRépondre 1 ou 2"},
		{"fr three choices", "fr",
			domain.Reply{Text: "Que veux-tu faire ?\n", Choices: choices("Chercher un stage", "Être rappelé", "Arrêter")},
			"Que veux-tu faire ?\n\n1 Chercher un stage\n2 Etre rappelé\n3 Arreter\nRépondre 1, 2 ou 3"},
		{"en three choices", "en",
			domain.Reply{Text: "What now?", Choices: choices("Search", "My applications", "Help")},
			"What now?\n\n1 Search\n2 My applications\n3 Help\nReply 1, 2 or 3"},
		{"en no text", "en",
			domain.Reply{Choices: choices("Yes", "No")},
			"1 Yes\n2 No\nReply 1 or 2"},
		{"three choices end with the hint", "en",
			domain.Reply{Text: "Pick", Choices: choices("a", "b", "c")},
			"Pick\n\n1 a\n2 b\n3 c\nReply 1, 2 or 3"},
		{"four choices speak for themselves", "en",
			domain.Reply{Text: "Pick", Choices: choices("a", "b", "c", "d")},
			"Pick\n\n1 a\n2 b\n3 c\n4 d"},
		{"fixed numbers", "fr",
			domain.Reply{Text: "Pick", Choices: []domain.Choice{{Key: "a", Label: "a", Number: "1"}, {Key: "m", Label: "Menu", Number: "0"}}},
			"Pick\n\n1 a\n0 Menu\nRépondre 1 ou 0"},
		{"language without catalog renders as French", "xx",
			domain.Reply{Text: "Prête ?", Choices: choices("Oui")},
			"Prete ?\n\n1 Oui\nRépondre 1"},
	}
	for _, tt := range tests {
		got := r.SMS(tt.lang, tt.reply)
		if got != tt.want {
			t.Errorf("%s: SMS =\n%q\nwant\n%q", tt.name, got, tt.want)
		}
		if enc := SMSEncoding(got); enc != GSM7 {
			t.Errorf("%s: SMS is %s", tt.name, enc)
		}
	}
}

func TestFoldsToGSM(t *testing.T) {
	for lang, want := range map[string]bool{"fr": true, "en": true, "pt": true, "es": true, "ar": false, "zh": false, "": false} {
		if got := foldsToGSM(lang); got != want {
			t.Errorf("foldsToGSM(%q) = %v, want %v", lang, got, want)
		}
	}
}

func TestWhatsAppDoesNotFold(t *testing.T) {
	r := newTestRenderer(t)
	reply := domain.Reply{Text: "Tu es prête ? 🎉", Choices: choices("Être rappelé", "Arrêter")}
	want := "Tu es prête ? 🎉\n\n1 Être rappelé\n2 Arrêter\nRépondre 1 ou 2"
	if got := r.WhatsApp("fr", reply); got != want {
		t.Errorf("WhatsApp =\n%q\nwant\n%q", got, want)
	}
	if got := r.WhatsApp("fr", domain.Reply{Text: "À bientôt…"}); got != "À bientôt…" {
		t.Errorf("WhatsApp without choices = %q", got)
	}
}

func TestTelegramLayout(t *testing.T) {
	r := newTestRenderer(t)
	long := "Boulangerie Pâtisserie du Haut Marais, 3e arrondissement" // 57 characters
	tests := []struct {
		name   string
		labels []string
		rows   []int // buttons in each row
	}{
		{"none", nil, nil},
		{"one", []string{"Oui"}, []int{1}},
		{"two short", []string{"Oui", "Non"}, []int{2}},
		{"three short", []string{"Oui", "Non", "Aide"}, []int{3}},
		{"four short, balanced", []string{"1er", "2e", "3e", "4e"}, []int{2, 2}},
		{"five short", []string{"1er", "2e", "3e", "4e", "5e"}, []int{3, 2}},
		{"twenty arrondissements", strings.Fields("1er 2e 3e 4e 5e 6e 7e 8e 9e 10e 11e 12e 13e 14e 15e 16e 17e 18e 19e 20e"),
			[]int{3, 3, 3, 3, 3, 3, 2}},
		{"medium", []string{"Mes candidatures", "Chercher", "Aide"}, []int{2, 1}},
		{"20 characters is not long", []string{strings.Repeat("x", 20), "y"}, []int{2}},
		{"long", []string{"Oui", "Chercher dans tout Paris", "Non"}, []int{1, 1, 1}},
		{"shortened", []string{long, "Autre"}, []int{1, 1}},
	}
	for _, tt := range tests {
		m := r.Telegram(domain.Reply{Text: "Choisis", Choices: choices(tt.labels...)})
		if tt.name != "shortened" && m.Text != "Choisis" {
			t.Errorf("%s: text %q", tt.name, m.Text)
		}
		var rows []int
		var flat []domain.Button
		for _, row := range m.Buttons {
			rows = append(rows, len(row))
			flat = append(flat, row...)
		}
		if !reflect.DeepEqual(rows, tt.rows) {
			t.Errorf("%s: rows %v, want %v", tt.name, rows, tt.rows)
		}
		for i, b := range flat { // in order, with the choice's key
			if b.Data != "k"+tt.labels[i] {
				t.Errorf("%s: button %d has data %q, want %q", tt.name, i, b.Data, "k"+tt.labels[i])
			}
		}
	}
}

func TestTelegramLabels(t *testing.T) {
	r := newTestRenderer(t)
	long := "Boulangerie Pâtisserie du Haut Marais, 3e arrondissement"
	key := strings.Repeat("k", 80) // over Telegram's 64 bytes: a programming error, passed on as is
	m := r.Telegram(domain.Reply{Text: "?", Choices: []domain.Choice{{Key: key, Label: long}}})
	b := m.Buttons[0][0]
	if want := "1. Boulangerie Pâtisserie du Haut…"; b.Label != want {
		t.Errorf("label %q, want %q", b.Label, want)
	}
	if want := "?\n\n1. " + long; m.Text != want { // the whole label is written out in the text
		t.Errorf("text %q, want %q", m.Text, want)
	}
	if n := utf8.RuneCountInString(b.Label); n > labelMax {
		t.Errorf("label has %d characters", n)
	}
	if b.Data != key {
		t.Errorf("data %q, want the key unchanged", b.Data)
	}
	if got := shortenLabel("Chercher un stage près de chez moi, dans le 3e"); got != "Chercher un stage près de chez moi…" {
		t.Errorf("shortenLabel = %q", got)
	}
	if got := shortenLabel(strings.Repeat("é", 41)); got != strings.Repeat("é", 39)+"…" {
		t.Errorf("shortenLabel(one long word) = %q", got)
	}
	if got := shortenLabel(strings.Repeat("é", 40)); got != strings.Repeat("é", 40) {
		t.Errorf("a 40-character label was shortened: %q", got)
	}
}

func TestSplitTelegram(t *testing.T) {
	words := strings.Repeat("Voici une offre de stage dans le 3e arrondissement.\n", 200) // 10400 characters
	emoji := strings.Repeat("🎉", 3000)                                                    // 6000 UTF-16 units, no space
	for _, text := range []string{words, emoji} {
		parts := SplitTelegram(text)
		want := (utf16Len(text) + telegramTextLimit - 1) / telegramTextLimit
		if len(parts) != want {
			t.Errorf("SplitTelegram gave %d parts, want %d", len(parts), want)
		}
		for i, p := range parts {
			if n := utf16Len(p); n > telegramTextLimit {
				t.Errorf("part %d has %d UTF-16 units", i, n)
			}
			if !utf8.ValidString(p) {
				t.Errorf("part %d cut a character", i)
			}
		}
		if strings.Contains(text, " ") {
			if got, want := strings.Fields(strings.Join(parts, "\n")), strings.Fields(text); !reflect.DeepEqual(got, want) {
				t.Errorf("SplitTelegram lost or split words")
			}
			for i, p := range parts[:len(parts)-1] {
				if !strings.HasSuffix(p, ".") {
					t.Errorf("part %d was not cut at a line break: ends %q", i, p[len(p)-20:])
				}
			}
		} else if strings.Join(parts, "") != text {
			t.Errorf("SplitTelegram parts do not join back")
		}
	}
	if got := SplitTelegram("Salut"); !reflect.DeepEqual(got, []string{"Salut"}) {
		t.Errorf("SplitTelegram(short) = %q", got)
	}
	if got := SplitTelegram(""); got != nil {
		t.Errorf("SplitTelegram(\"\") = %q, want nil", got)
	}
}

func TestTelegramMessageSplit(t *testing.T) {
	buttons := [][]domain.Button{{{Label: "Oui", Data: "yes"}}}
	long := strings.Repeat("Une ligne d'offre.\n", 300) // 5700 characters
	msgs := SplitTelegramPart(domain.Part{Text: long, Buttons: buttons})
	if len(msgs) != 2 {
		t.Fatalf("Split gave %d messages, want 2", len(msgs))
	}
	if msgs[0].Buttons != nil || !reflect.DeepEqual(msgs[1].Buttons, buttons) {
		t.Errorf("the keyboard must be on the last message only: %v / %v", msgs[0].Buttons, msgs[1].Buttons)
	}
	short := domain.Part{Text: "Oui ?", Buttons: buttons}
	if got := SplitTelegramPart(short); !reflect.DeepEqual(got, []domain.Part{short}) {
		t.Errorf("Split(short) = %v", got)
	}
	empty := domain.Part{Buttons: buttons}
	if got := SplitTelegramPart(empty); !reflect.DeepEqual(got, []domain.Part{empty}) {
		t.Errorf("Split(empty) = %v", got)
	}
}

func TestConsole(t *testing.T) {
	r := newTestRenderer(t)
	menu := domain.Reply{Text: "Tu cherches où ?", Choices: choices("Près du collège", "Tout Paris", "Arrêter")}
	tests := []struct {
		channel domain.Channel
		lang    string
		reply   domain.Reply
		want    string
	}{
		{domain.SMS, "fr", menu,
			"Tu cherches où ?\n\n1 Près du collège\n2 Tout Paris\n3 Arreter\nRépondre 1, 2 ou 3\n[SMS: 1 segment, GSM-7]"},
		{domain.SMS, "fr", domain.Reply{Text: "Bravo 🎉"},
			"Bravo 🎉\n[SMS: 1 segment, UCS-2]"},
		{domain.SMS, "en", domain.Reply{Text: strings.Repeat("a", 161)},
			strings.Repeat("a", 161) + "\n[SMS: 2 segments, GSM-7]"},
		{domain.WhatsApp, "fr", menu,
			"Tu cherches où ?\n\n1 Près du collège\n2 Tout Paris\n3 Arrêter\nRépondre 1, 2 ou 3"},
		{domain.Telegram, "fr", menu,
			"Tu cherches où ?\n\n[ 1 · Près du collège ]  [ 2 · Tout Paris ]\n[ 3 · Arrêter ]"},
		{domain.Telegram, "fr", domain.Reply{Text: "Bonjour"}, "Bonjour"},
		{domain.Telegram, "en", domain.Reply{Choices: choices("Yes", "No", "Help", "Stop")},
			"[ 1 · Yes ]  [ 2 · No ]\n[ 3 · Help ]  [ 4 · Stop ]"},
	}
	for _, tt := range tests {
		if got := r.Console(tt.channel, tt.lang, tt.reply); got != tt.want {
			t.Errorf("Console(%s, %s) =\n%q\nwant\n%q", tt.channel, tt.lang, got, tt.want)
		}
	}
}

// A long Telegram reply is cut to Telegram's limit, the keyboard under the last part.
func TestTelegramParts(t *testing.T) {
	long := strings.Repeat("Une offre de stage au musée. ", 300) // ~8,700 characters: 3 messages
	parts := newTestRenderer(t).Parts(domain.Telegram, "fr", domain.Reply{Text: long, Choices: []domain.Choice{
		{Key: "more", Label: "Plus"}, {Key: "menu", Label: "Menu"}}})
	if len(parts) < 2 {
		t.Fatalf("%d parts, want the text split", len(parts))
	}
	var joined strings.Builder
	for i, p := range parts {
		joined.WriteString(p.Text + " ")
		if (len(p.Buttons) > 0) != (i == len(parts)-1) {
			t.Errorf("part %d has %d button rows: buttons belong under the last part only", i, len(p.Buttons))
		}
	}
	if strings.Join(strings.Fields(joined.String()), " ") != strings.Join(strings.Fields(long), " ") {
		t.Error("the parts do not add up to the text")
	}
	last := parts[len(parts)-1].Buttons
	if len(last) != 1 || len(last[0]) != 2 || last[0][0] != (domain.Button{Label: "Plus", Data: "more"}) {
		t.Errorf("keyboard = %+v", last)
	}
}

// SMS parts take at most the renderer's segments each, and a WhatsApp part at most Twilio's 1,600
// characters; nothing is lost.
func TestSMSAndWhatsAppParts(t *testing.T) {
	r := newTestRenderer(t)
	reply := domain.Reply{
		Text: strings.Repeat("Voici une offre de stage à la boulangerie « Au Pain Doré » du 11e arrondissement : "+
			"tu découvriras la fabrication du pain, l’accueil des clients et la gestion des commandes. ", 8),
		Choices: []domain.Choice{{Key: "apply", Label: "Postuler à cette offre"},
			{Key: "next", Label: "Voir l’offre suivante"}, {Key: "menu", Label: "Revenir au menu"}},
	}
	for _, segments := range []int{2, DefaultSMSSegments, 0, MaxSMSSegments + 1} {
		want := segments
		if segments < 1 || segments > MaxSMSSegments {
			want = DefaultSMSSegments // out of bounds: the default
		}
		parts := r.WithSMSSegments(segments).Parts(domain.SMS, "fr", reply)
		var texts []string
		for i, p := range parts {
			if enc, n := SMSSegments(p.Text); n > want || enc != GSM7 || p.Buttons != nil {
				t.Errorf("%d segments: part %d takes %d %s", segments, i, n, enc)
			}
			texts = append(texts, p.Text)
		}
		if got, whole := strings.Fields(strings.Join(texts, " ")), strings.Fields(r.SMS("fr", reply)); strings.Join(got, " ") != strings.Join(whole, " ") {
			t.Errorf("%d segments: parts lose text", segments)
		}
	}
	text := strings.Repeat("Le stage se déroule du lundi au vendredi, de 9 h à 16 h 30 🥐.\n", 60)
	parts := r.Parts(domain.WhatsApp, "fr", domain.Reply{Text: text})
	if len(parts) < 2 {
		t.Fatalf("%d WhatsApp parts", len(parts))
	}
	for i, p := range parts {
		if n := utf16Len(p.Text); n > WhatsAppBodyLimit {
			t.Errorf("WhatsApp part %d: %d units", i, n)
		}
	}
}
