package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"stagebot/domain"
)

// smsFuzzSeeds are realistic SMS texts, and the texts that break naive splitters: French and
// English with typographic punctuation, emoji (surrogate pairs in UCS-2), GSM extension characters
// (two septets), Arabic and Chinese, 5 kB, NUL bytes and invalid UTF-8.
var smsFuzzSeeds = []string{
	"",
	" ",
	"Salut !",
	"Ta candidature est envoyée à l’hôtel « Le Marais ». Bonne chance\u202f!",
	"Que veux-tu faire ?\n\n1 Chercher un stage\n2 Être rappelé\n3 Arrêter\nRépondre 1, 2 ou 3",
	"Your application to the Musée Carnavalet was sent. Reply MENU for the menu.",
	"Bravo 🎉 ton stage est confirmé 👍",
	"Prix : 10 € [cantine] {repas} ~ | \\ ^ \f fin",
	strings.Repeat("€", 81),
	strings.Repeat("a", 160),
	strings.Repeat("a", 161),
	strings.Repeat("a", 306) + " ",
	strings.Repeat("Ton stage de troisième t'attend. ", 155), // 5 kB
	strings.Repeat("😀", 200),
	strings.Repeat("你好，你在找实习吗？", 30),
	"مرحبا، طلب ابنك أرسل إلى المضيف. أجب نعم أو لا",
	strings.Repeat("mot ", 25) + "\n" + strings.Repeat("mot ", 25),
	"\x00\x00 NUL \x00",
	"\xff\xfe invalide \xc3\x28 \xe2\x82",
	"e\u0301cole, cafe\u0301, \u0301seul",
	"\u00a0\u00a0\u202f\u2009\t\u3000",
	"\ufeff\u200b\u00ad\u2060",
	"« stage » et « pas fermé, et » seul",
	"œuvre Œuvre ł Ł đ Đ ı … – — • · ° º ª ×",
	"\r\n\r\n",
	strings.Repeat(" ", 400),
	strings.Repeat("a\u00a0", 200),
}

// smsSize is the size of r in enc: septets for GSM-7, UTF-16 code units for UCS-2.
func smsSize(enc Encoding, r rune) int {
	if enc == GSM7 {
		return septets(r)
	}
	return utf16Units(r)
}

// FuzzSMSSegments checks SMSEncoding and SMSSegments on any bytes: the encoding is GSM-7 exactly
// when every character is in GSM 03.38 (never for invalid UTF-8, which is sent as U+FFFD); an empty
// text is 0 segments and any other at least 1; a text within the single-message size (160 septets,
// 70 UTF-16 units) is 1 segment, a longer one is as many concatenated parts (153 or 67) as it takes
// when no character is split: units <= segments*part and units > (segments-1)*(part-1).
func FuzzSMSSegments(f *testing.F) {
	if n := utf8.RuneCountInString(gsmBasic); n != 127 {
		f.Fatalf("gsmBasic has %d characters, want the 127 of GSM 03.38 (0x1B excluded)", n)
	}
	if n := utf8.RuneCountInString(gsmExtension); n != 10 {
		f.Fatalf("gsmExtension has %d characters, want 10", n)
	}
	for _, s := range smsFuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		enc, n := SMSSegments(text)
		if enc != SMSEncoding(text) {
			t.Fatalf("SMSSegments says %s, SMSEncoding %s", enc, SMSEncoding(text))
		}
		if enc == GSM7 && !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 %q counted as GSM-7", text)
		}
		units := 0
		for _, r := range text {
			if enc == GSM7 && !isGSM(r) {
				t.Fatalf("%q is GSM-7 with %U in it", text, r)
			}
			units += smsSize(enc, r)
		}
		if text == "" {
			if n != 0 || enc != GSM7 {
				t.Fatalf("empty text: %d segments, %s", n, enc)
			}
			return
		}
		single, part := gsmSingle, gsmPart
		if enc == UCS2 {
			single, part = ucs2Single, ucs2Part
		}
		switch {
		case units <= single && n != 1:
			t.Fatalf("%d units (%s) take %d segments, want 1", units, enc, n)
		case units > single && n < 2:
			t.Fatalf("%d units (%s) take %d segment", units, enc, n)
		case units > single && (units > n*part || units <= (n-1)*(part-1)):
			t.Fatalf("%d units (%s) in %d parts of %d: impossible packing", units, enc, n, part)
		}
	})
}

// foldClaimed are the characters FoldToGSM's comment promises to fold to GSM-7 (besides the GSM
// ones, kept): French, Portuguese and Spanish letters, typographic punctuation and spaces, invisible
// characters and guillemets.
var foldClaimed = "êëâîïôûçáíóúÀÂÊËœŒãõ’‘“”…–—•·°" + "\u00a0\u202f\u205f\u3000\t\u00ad\u200b\u2060\ufeff«»"

// claimedFoldable reports whether FoldToGSM promises a GSM-7 result for r.
func claimedFoldable(r rune) bool {
	return isGSM(r) || strings.ContainsRune(foldClaimed, r) ||
		r >= '\u2000' && r <= '\u200a' || // the typographic spaces
		r >= '\u0300' && r <= '\u036f' // combining accents: merged by NFC, or dropped when alone
}

// FuzzFoldToGSM checks FoldToGSM on any bytes: its result is valid UTF-8, folding it again changes
// nothing (it is idempotent, as documented), a text already in GSM 03.38 is returned as it is, and a
// text made only of the characters the comment promises to fold (French and Latin letters,
// typographic punctuation and spaces, guillemets, combining accents) comes out as GSM-7.
func FuzzFoldToGSM(f *testing.F) {
	for _, s := range smsFuzzSeeds {
		f.Add(s)
	}
	f.Add("Ça va ? Tu as reçu l’offre n° 12 – « Atelier » à 9 h")
	f.Add("«»«« »» «")
	f.Add("»« a »")
	f.Fuzz(func(t *testing.T, text string) {
		out := FoldToGSM(text)
		if !utf8.ValidString(out) {
			t.Fatalf("FoldToGSM(%q) = %q, not valid UTF-8", text, out)
		}
		if again := FoldToGSM(out); again != out {
			t.Fatalf("FoldToGSM is not idempotent:\n in %q\nonce %q\ntwice %q", text, out, again)
		}
		if utf8.ValidString(text) && SMSEncoding(text) == GSM7 && out != text {
			t.Fatalf("GSM-7 text %q folded to %q", text, out)
		}
		if !utf8.ValidString(text) {
			return
		}
		for _, r := range norm.NFC.String(text) {
			if !claimedFoldable(r) {
				return
			}
		}
		if enc := SMSEncoding(out); enc != GSM7 {
			var bad []rune
			for _, r := range out {
				if !isGSM(r) {
					bad = append(bad, r)
				}
			}
			t.Fatalf("FoldToGSM(%q) = %q is %s (%q are not GSM)", text, out, enc, string(bad))
		}
	})
}

// checkSplit checks the promises SplitSMS, SplitTelegram and SplitUTF16 share (see SplitSMS): no
// parts for an empty text; a text that fits alone and as is; otherwise parts that each fit and are
// not empty, that are the text in order once the whitespace at each cut is put back (only breaking
// whitespace is dropped), that do not begin (after the first) or end (before the last) with breaking
// whitespace, and that are valid UTF-8 when the text is (no character cut).
func checkSplit(t *testing.T, text string, parts []string, fits func(string) bool) {
	t.Helper()
	switch {
	case text == "":
		if parts != nil {
			t.Fatalf("empty text gave %q", parts)
		}
		return
	case fits(text):
		if len(parts) != 1 || parts[0] != text {
			t.Fatalf("text that fits was split into %d parts: %q", len(parts), parts)
		}
		return
	}
	pos := 0
	for i, p := range parts {
		if p == "" {
			t.Fatalf("part %d of %d is empty", i, len(parts))
		}
		if !fits(p) {
			t.Fatalf("part %d does not fit: %q", i, p)
		}
		if utf8.ValidString(text) && !utf8.ValidString(p) {
			t.Fatalf("part %d cuts a character: %q", i, p)
		}
		if i > 0 && strings.TrimLeftFunc(p, isBreakingSpace) != p {
			t.Fatalf("part %d starts with the whitespace of a cut: %q", i, p)
		}
		if i < len(parts)-1 && strings.TrimRightFunc(p, isBreakingSpace) != p {
			t.Fatalf("part %d ends with the whitespace of a cut: %q", i, p)
		}
		if !strings.HasPrefix(text[pos:], p) {
			rest := strings.TrimLeftFunc(text[pos:], isBreakingSpace)
			if !strings.HasPrefix(rest, p) {
				t.Fatalf("part %d is not the text that follows part %d:\npart %q\ntext %q", i, i-1, p, text[pos:])
			}
			pos = len(text) - len(rest)
		}
		pos += len(p)
	}
	if rest := text[pos:]; strings.TrimLeftFunc(rest, isBreakingSpace) != "" {
		t.Fatalf("the parts lost the end of the text: %q", rest)
	}
}

// maxFuzzSplit bounds the texts given to the splitters: replies and relayed messages are a few kB,
// and the cost of a split grows with the square of the length (each cut measures the whole rest of
// the text: 16 kB of "a" in 1-segment SMS take about a second).
const maxFuzzSplit = 6 << 10

// FuzzSplitSMS checks SplitSMS for any text and any segment limit (below 1 counts as 1): each part
// takes at most that many SMS segments (each measured on its own, GSM-7 or UCS-2), is never empty,
// never cuts a character (nor a surrogate pair), and the parts give back the text in order with only
// the breaking whitespace at the cuts dropped; a text that fits comes back alone and as is.
func FuzzSplitSMS(f *testing.F) {
	for i, s := range smsFuzzSeeds {
		f.Add(s, i%4)
	}
	f.Add(strings.Repeat("ab ", 54), 1)
	f.Add(strings.Repeat("a", 161), 0)
	f.Add(strings.Repeat("a", 161), -3)
	f.Add(strings.Repeat("é€", 200)+"😀", 2)
	f.Fuzz(func(t *testing.T, text string, max int) {
		if len(text) > maxFuzzSplit {
			return
		}
		max %= 12 // 0 and below count as 1; above MaxSMSSegments the renderer never asks
		limit := max
		if limit < 1 {
			limit = 1
		}
		parts := SplitSMS(text, max)
		checkSplit(t, text, parts, func(s string) bool {
			_, n := SMSSegments(s)
			return n <= limit
		})
	})
}

// FuzzSplitUTF16 checks SplitUTF16 (WhatsApp's 1,600 and Telegram's 4,096 units, and any limit of
// at least 2, the size of an emoji) and SplitTelegramPart: each part is at most limit UTF-16 code
// units, with the SplitSMS promises on the cuts; the Telegram keyboard goes on the last message only.
func FuzzSplitUTF16(f *testing.F) {
	for i, s := range smsFuzzSeeds {
		f.Add(s, 2+i*7)
	}
	f.Add(strings.Repeat("😀", 900), WhatsAppBodyLimit)
	f.Add(strings.Repeat("Ligne de texte\n", 400), telegramTextLimit)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if len(text) > maxFuzzSplit {
			return
		}
		if limit < 0 {
			limit = -(limit + 1)
		}
		limit = 2 + limit%5000
		if len(text) > 64*limit {
			return // hundreds of parts: slow (see maxFuzzSplit), and no texts are cut that small
		}
		fits := func(s string) bool { return utf16Len(s) <= limit }
		checkSplit(t, text, SplitUTF16(text, limit), fits)
		// SplitTelegramPart, with Telegram's limit.
		buttons := [][]domain.Button{{{Label: "Oui", Data: "yes"}}}
		msgs := SplitTelegramPart(domain.Part{Text: text, Buttons: buttons})
		checkSplit(t, text, partTexts(msgs, text), func(s string) bool { return utf16Len(s) <= telegramTextLimit })
		for i, m := range msgs {
			if last := i == len(msgs)-1; (m.Buttons != nil) != last {
				t.Fatalf("message %d of %d has buttons %v", i, len(msgs), m.Buttons)
			}
		}
	})
}

// partTexts is the texts of msgs, nil for the single empty message an empty text gives.
func partTexts(msgs []domain.Part, text string) []string {
	if text == "" && len(msgs) == 1 && msgs[0].Text == "" {
		return nil
	}
	texts := make([]string, len(msgs))
	for i, m := range msgs {
		texts[i] = m.Text
	}
	return texts
}
