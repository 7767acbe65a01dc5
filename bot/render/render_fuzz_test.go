package render

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"stagebot/domain"
	"stagebot/locales"
)

// FuzzRendererParts renders any reply (text, and choices whose labels are the fields of labels
// separated by '|') in any language on the three channels, and checks the limits of what is sent:
// SMS parts take at most the renderer's segments each (1 to MaxSMSSegments), and for the
// Latin-alphabet languages are already folded (FoldToGSM changes nothing); WhatsApp parts are at
// most WhatsAppBodyLimit UTF-16 units; Telegram messages at most 4,096 units, the keyboard on the
// last one only, holding every choice in order (its key as data), each label at most 40 characters,
// at most three buttons a row, and every label too long for a button written out in the text. The
// console view renders without panicking. The parts of a non-empty rendering are never empty.
func FuzzRendererParts(f *testing.F) {
	cat, err := locales.Load()
	if err != nil {
		f.Fatal(err)
	}
	r := NewRenderer(cat)
	seeds := []struct {
		text, labels, lang string
		segments           int
	}{
		{"Tu confirmes ?", "Oui|Non", "fr", 4},
		{"Que veux-tu faire ?\n", "Chercher un stage|Être rappelé|Arrêter", "fr", 1},
		{"What now?", "Search|My applications|Help|Stop", "en", 2},
		{"", "Yes|No", "en", 0},
		{"19 offres (musée, 11e)", "Guide au musée Carnavalet – Musée Carnavalet, histoire de Paris (3e)|Médiathèque Françoise-Sagan, accueil du public|Plus|Sans filtre|Menu", "fr", 4},
		{"طلب ابنك أرسل", "نعم|لا", "ar", 3},
		{"你好，你在找实习吗？", "是|否", "zh", 2},
		{"Você aceita? ¿Acepta?", "Sim|Não", "pt", 1},
		{strings.Repeat("Ton stage de troisième t'attend. ", 155), "", "fr", 10},
		{strings.Repeat("😀 ", 1000), "😀|" + strings.Repeat("😀", 50), "es", 11},
		{"\x00\xff\xfe", "\xc3\x28|\x00", "xx", -1},
		{"« stage »\u202f!", strings.Repeat("a", 41) + "|" + strings.Repeat("mot ", 20), "fr", 4},
		{"text", "|||", "en", 4},
	}
	for _, s := range seeds {
		f.Add(s.text, s.labels, s.lang, s.segments)
	}
	f.Fuzz(func(t *testing.T, text, labels, lang string, segments int) {
		if len(text)+len(labels) > maxFuzzSplit {
			return
		}
		reply := domain.Reply{Text: text}
		if labels != "" {
			for i, l := range strings.Split(labels, "|") {
				if i == 12 {
					break
				}
				reply.Choices = append(reply.Choices, domain.Choice{Key: "k:" + strconv.Itoa(i), Label: l})
			}
		}
		rs := r.WithSMSSegments(segments)
		limit := DefaultSMSSegments
		if segments >= 1 && segments <= MaxSMSSegments {
			limit = segments
		}

		sms := rs.SMS(lang, reply)
		folds := foldsToGSM(lang) || !cat.Has(lang) && foldsToGSM(locales.Default)
		if folds && FoldToGSM(sms) != sms {
			t.Fatalf("SMS in %q is not folded: %q", lang, sms)
		}
		for i, p := range rs.Parts(domain.SMS, lang, reply) {
			if _, n := SMSSegments(p.Text); n > limit || n == 0 {
				t.Fatalf("SMS part %d takes %d segments, limit %d: %q", i, n, limit, p.Text)
			}
			if p.Buttons != nil {
				t.Fatalf("SMS part %d has buttons", i)
			}
		}
		for i, p := range rs.Parts(domain.WhatsApp, lang, reply) {
			if n := utf16Len(p.Text); n > WhatsAppBodyLimit || n == 0 {
				t.Fatalf("WhatsApp part %d is %d UTF-16 units: %q", i, n, p.Text)
			}
		}

		tg := rs.Telegram(reply)
		msgs := rs.Parts(domain.Telegram, lang, reply)
		var buttons []domain.Button
		for i, m := range msgs {
			if n := utf16Len(m.Text); n > telegramTextLimit || n == 0 && len(msgs) > 1 {
				t.Fatalf("Telegram message %d is %d UTF-16 units", i, n)
			}
			if m.Buttons != nil && i != len(msgs)-1 {
				t.Fatalf("Telegram message %d of %d has the keyboard", i, len(msgs))
			}
			for _, row := range m.Buttons {
				if len(row) == 0 || len(row) > 3 {
					t.Fatalf("keyboard row of %d buttons", len(row))
				}
				buttons = append(buttons, row...)
			}
		}
		if len(buttons) != len(reply.Choices) {
			t.Fatalf("%d buttons for %d choices", len(buttons), len(reply.Choices))
		}
		for i, b := range buttons {
			if b.Data != reply.Choices[i].Key {
				t.Fatalf("button %d carries %q, want %q", i, b.Data, reply.Choices[i].Key)
			}
			if n := utf8.RuneCountInString(b.Label); n > labelMax {
				t.Fatalf("button %d label is %d characters: %q", i, n, b.Label)
			}
			if label := reply.Choices[i].Label; shortenLabel(label) != label && !strings.Contains(tg.Text, label) {
				t.Fatalf("long label %q is not written out in the text %q", label, tg.Text)
			}
		}
		for _, ch := range []domain.Channel{domain.SMS, domain.WhatsApp, domain.Telegram, domain.Channel("console")} {
			_ = rs.Console(ch, lang, reply)
		}
	})
}

// FuzzShortenLabel checks shortenLabel on any label: a label of at most 40 characters is kept as
// is; a longer one comes out at most 40 characters, ending with "…", and is the start of the label
// (spaces and separators before the "…" dropped).
func FuzzShortenLabel(f *testing.F) {
	for _, s := range []string{"Oui", strings.Repeat("a", 40), strings.Repeat("a", 41),
		"Guide au musée Carnavalet – Musée Carnavalet, histoire de Paris (3e)", strings.Repeat("mot ", 20),
		strings.Repeat("😀", 45), "\xff\xfe" + strings.Repeat("x", 50), strings.Repeat(" ", 60)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, label string) {
		got := shortenLabel(label)
		n := utf8.RuneCountInString(label)
		switch {
		case n <= labelMax && got != label:
			t.Fatalf("short label %q changed to %q", label, got)
		case n > labelMax && utf8.RuneCountInString(got) > labelMax:
			t.Fatalf("shortenLabel(%q) = %q, %d characters", label, got, utf8.RuneCountInString(got))
		case n > labelMax && !strings.HasSuffix(got, "…"):
			t.Fatalf("shortenLabel(%q) = %q, no …", label, got)
		case n > labelMax && !strings.HasPrefix(string([]rune(label)), strings.TrimSuffix(got, "…")):
			t.Fatalf("shortenLabel(%q) = %q, not the start of the label", label, got)
		}
	})
}
