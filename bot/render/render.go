// Package render turns the conversation's channel-neutral replies into what each channel shows:
// SMS folded to the GSM-7 alphabet and counted in segments, WhatsApp menus, Telegram text and
// inline keyboards, and the console's view of all three; and cuts them into provider messages.
package render

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"stagebot/domain"
	"stagebot/locales"
)

// Telegram limits and the keyboard layout.
const (
	telegramTextLimit = 4096 // UTF-16 code units in one message's text
	labelMax          = 40   // characters in a button label before it is shortened with "…"
	longLabel         = 20   // a keyboard with a label longer than this has one button a row
	mediumLabel       = 12   // … longer than this, two a row; otherwise three a row
)

// The limits of one provider message.
const (
	// DefaultSMSSegments is how many SMS segments one SMS part may take unless set otherwise.
	DefaultSMSSegments = 4
	// MaxSMSSegments is the most segments a part may be allowed: 10 GSM-7 segments (1,530
	// characters) stay under Twilio's 1,600-character body limit, and carriers handle them well.
	MaxSMSSegments = 10
	// WhatsAppBodyLimit is the most characters (counted as UTF-16 code units, to be safe with emoji)
	// in one WhatsApp message body: Twilio's limit. A longer reply is sent as several messages.
	WhatsAppBodyLimit = 1600
)

// Renderer turns channel-neutral replies into what each channel shows. It is safe for concurrent
// use: it only reads its catalog.
type Renderer struct {
	cat         *locales.Catalog
	smsSegments int
}

// NewRenderer returns a renderer that takes its hint texts from cat, which must be loaded (not nil).
// Its SMS parts take at most DefaultSMSSegments segments each.
func NewRenderer(cat *locales.Catalog) *Renderer {
	return &Renderer{cat: cat, smsSegments: DefaultSMSSegments}
}

// WithSMSSegments returns a copy of the renderer whose SMS parts take at most n segments each (1 to
// MaxSMSSegments; other values keep the default).
func (r *Renderer) WithSMSSegments(n int) *Renderer {
	c := *r
	if n >= 1 && n <= MaxSMSSegments {
		c.smsSegments = n
	}
	return &c
}

// Parts renders reply into the provider messages to send on channel, in order. Telegram: the text
// cut to Telegram's limit, the inline keyboard under the last part (lang is not used: Telegram shows
// buttons, with no hint to translate). SMS: the SMS rendering (folded to GSM-7 for the
// Latin-alphabet languages), cut so that each part takes at most the renderer's SMS segments.
// WhatsApp: the WhatsApp rendering, cut into parts of at most WhatsAppBodyLimit characters, at line
// breaks or spaces when possible.
func (r *Renderer) Parts(channel domain.Channel, lang string, reply domain.Reply) []domain.Part {
	var texts []string
	switch channel {
	case domain.Telegram:
		return SplitTelegramPart(r.Telegram(reply))
	case domain.WhatsApp:
		texts = SplitUTF16(r.WhatsApp(lang, reply), WhatsAppBodyLimit)
	default:
		texts = SplitSMS(r.SMS(lang, reply), r.smsSegments)
	}
	parts := make([]domain.Part, len(texts))
	for i, text := range texts {
		parts[i] = domain.Part{Text: text}
	}
	return parts
}

// SMS renders reply for SMS in lang (see WhatsApp for the layout). For the Latin-alphabet
// languages (see foldsToGSM) the whole text is then passed through FoldToGSM, so that a French or
// English SMS is sent in GSM-7 (160 characters a segment) and not in UCS-2 (70); other languages
// are left as they are. A lang without a catalog is rendered, and folded, as the default language,
// which is the language its texts fall back to.
func (r *Renderer) SMS(lang string, reply domain.Reply) string {
	lang = r.language(lang)
	text := r.menu(lang, reply)
	if foldsToGSM(lang) {
		text = FoldToGSM(text)
	}
	return text
}

// WhatsApp renders reply for WhatsApp in lang: the text alone when there is no choice; otherwise
// the text, a blank line, one line per choice ("1 Label", with its number) and, for three choices or
// fewer, the hint ("Répondre 1, 2 ou 0"). Nothing is folded: WhatsApp has no segments. Trailing whitespace of the
// text is dropped before a menu.
func (r *Renderer) WhatsApp(lang string, reply domain.Reply) string {
	return r.menu(r.language(lang), reply)
}

// Telegram renders reply for Telegram: the text as is, and its choices as an inline keyboard, in
// order, left to right then top to bottom. Labels longer than 40 characters are shortened with "…".
// The layout depends on the longest label: one button a row when it is over 20 characters, else two
// a row when it is over 12, else three; rows are then balanced (4 short choices make 2 rows of 2,
// 5 make 3 + 2). The text may be longer than Telegram takes: send SplitTelegramPart's parts. The
// text is plain (no parse mode: nothing is escaped).
//
// A label too long for a button (an offer's title and host) is written out in full in the text, as
// a numbered line, and its button carries the number and the start of the label.
func (r *Renderer) Telegram(reply domain.Reply) domain.Part {
	text := reply.Text
	choices := reply.Choices
	var listed strings.Builder
	for i, c := range reply.Choices {
		if shortenLabel(c.Label) == c.Label {
			continue
		}
		if listed.Len() == 0 {
			choices = append([]domain.Choice(nil), reply.Choices...)
		}
		n := domain.NumberOf(reply.Choices, i)
		fmt.Fprintf(&listed, "\n%s. %s", n, c.Label)
		choices[i].Label = n + ". " + c.Label
	}
	if listed.Len() > 0 {
		text = strings.TrimRight(text, "\n") + "\n" + listed.String()
	}
	return domain.Part{Text: text, Buttons: keyboard(choices)}
}

// Console renders reply as a terminal shows it for channel. SMS: the SMS rendering, then a line
// such as "[SMS: 1 segment, GSM-7]". Telegram: the text, a blank line, then the keyboard rows as
// "[ 1 · Label ]  [ 0 · Label ]", each with its choice's number, so that a console user can type
// it. WhatsApp, and any other channel: the WhatsApp rendering.
func (r *Renderer) Console(channel domain.Channel, lang string, reply domain.Reply) string {
	switch channel {
	case domain.SMS:
		text := r.SMS(lang, reply)
		return text + "\n" + smsDiagnostic(SMSSegments(text))
	case domain.Telegram:
		return consoleTelegram(r.Telegram(reply), reply.Choices)
	}
	return r.WhatsApp(lang, reply)
}

// SplitTelegramPart cuts a Telegram message into the messages to send in order: the text is split
// with SplitTelegram and the keyboard goes on the last message. A message with an empty text is
// returned alone, as is.
func SplitTelegramPart(m domain.Part) []domain.Part {
	parts := SplitTelegram(m.Text)
	if len(parts) == 0 {
		return []domain.Part{m}
	}
	msgs := make([]domain.Part, len(parts))
	for i, p := range parts {
		msgs[i] = domain.Part{Text: p}
	}
	msgs[len(msgs)-1].Buttons = m.Buttons
	return msgs
}

// SplitTelegram cuts text into texts of at most 4096 UTF-16 code units, Telegram's limit, at a line
// break or a space when possible, never inside a character (see SplitSMS for the rules). A text
// that fits is returned alone, as is; an empty text gives no parts.
func SplitTelegram(text string) []string { return SplitUTF16(text, telegramTextLimit) }

// SplitUTF16 cuts text into texts of at most limit UTF-16 code units (Telegram's 4,096, WhatsApp's
// 1,600 characters), at a line break or a space when possible, never inside a character.
func SplitUTF16(text string, limit int) []string {
	return splitText(text, func(s string) bool { return utf16Len(s) <= limit })
}

// foldsToGSM reports whether lang is written in the Latin alphabet, so that its SMS are folded to
// GSM-7 with FoldToGSM: French, English, Portuguese and Spanish (whose ã õ â ê ô á í ó ú ç fold to
// bare letters; ñ ¿ ¡ are GSM). Arabic and Chinese are sent as they are, in UCS-2. Add a language
// here when its catalog is added, if it is written in Latin letters.
func foldsToGSM(lang string) bool {
	switch lang {
	case "fr", "en", "pt", "es":
		return true
	}
	return false
}

// language returns lang if it has a catalog, else the default language its texts fall back to.
func (r *Renderer) language(lang string) string {
	if r.cat.Has(lang) {
		return lang
	}
	return locales.Default
}

// menu is the SMS and WhatsApp layout, before any folding.
func (r *Renderer) menu(lang string, reply domain.Reply) string {
	if len(reply.Choices) == 0 {
		return reply.Text
	}
	var b strings.Builder
	if text := strings.TrimRightFunc(reply.Text, unicode.IsSpace); text != "" {
		b.WriteString(text)
		b.WriteString("\n\n")
	}
	nums := make([]string, len(reply.Choices))
	for i, c := range reply.Choices {
		nums[i] = domain.NumberOf(reply.Choices, i)
		fmt.Fprintf(&b, "%s %s\n", nums[i], c.Label)
	}
	if len(nums) > maxHinted {
		// A longer menu speaks for itself: every line starts with its number.
		return strings.TrimSuffix(b.String(), "\n")
	}
	b.WriteString(r.cat.Text(lang, "render_reply_hint", map[string]any{"Numbers": r.numbers(lang, nums)}))
	return b.String()
}

// maxHinted is the most choices a menu ends with the hint for ("Répondre 1, 2 ou 3"): a short
// question's answers are not always obvious; a long menu's are, and the hint would cost an SMS.
const maxHinted = 3

// numbers lists the numbers for the hint: "1", "1 ou 2", "1, 2, 8 ou 0".
func (r *Renderer) numbers(lang string, nums []string) string {
	if len(nums) < 2 {
		return strings.Join(nums, "")
	}
	return strings.Join(nums[:len(nums)-1], ", ") + " " + r.cat.Text(lang, "render_or", nil) + " " + nums[len(nums)-1]
}

// smsDiagnostic is the console's line about an SMS: "[SMS: 2 segments, UCS-2]".
func smsDiagnostic(enc Encoding, segments int) string {
	unit := "segments"
	if segments == 1 {
		unit = "segment"
	}
	return fmt.Sprintf("[SMS: %d %s, %s]", segments, unit, enc)
}

// keyboard lays choices out as inline keyboard rows (see Renderer.Telegram).
func keyboard(choices []domain.Choice) [][]domain.Button {
	if len(choices) == 0 {
		return nil
	}
	buttons := make([]domain.Button, len(choices))
	widest := 0
	for i, c := range choices {
		buttons[i] = domain.Button{Label: shortenLabel(c.Label), Data: c.Key}
		widest = max(widest, utf8.RuneCountInString(buttons[i].Label))
	}
	perRow := buttonsPerRow(widest)
	rows := (len(buttons) + perRow - 1) / perRow
	perRow = (len(buttons) + rows - 1) / rows // balance the rows
	out := make([][]domain.Button, 0, rows)
	for len(buttons) > 0 {
		k := min(perRow, len(buttons))
		out = append(out, buttons[:k:k])
		buttons = buttons[k:]
	}
	return out
}

// buttonsPerRow is how many buttons a row holds at most when the longest label is widest characters.
func buttonsPerRow(widest int) int {
	switch {
	case widest > longLabel:
		return 1
	case widest > mediumLabel:
		return 2
	}
	return 3
}

// shortenLabel cuts a label longer than labelMax characters to at most labelMax, ending with "…":
// after the last whole word when that keeps at least two thirds of the room, else mid-word.
func shortenLabel(label string) string {
	if utf8.RuneCountInString(label) <= labelMax {
		return label
	}
	runes := []rune(label)[:labelMax-1]
	if i := lastIndexRune(runes, ' '); i >= labelMax*2/3 {
		runes = runes[:i]
	}
	kept := strings.TrimRightFunc(string(runes), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—", r)
	})
	return kept + "…"
}

// lastIndexRune returns the index of the last r in runes, or -1.
func lastIndexRune(runes []rune, r rune) int {
	for i := len(runes) - 1; i >= 0; i-- {
		if runes[i] == r {
			return i
		}
	}
	return -1
}

// consoleTelegram shows a Telegram message in a terminal (see Renderer.Console): each button with
// the number of its choice, which the keyboard keeps in order.
func consoleTelegram(m domain.Part, choices []domain.Choice) string {
	if len(m.Buttons) == 0 {
		return m.Text
	}
	var b strings.Builder
	if text := strings.TrimRightFunc(m.Text, unicode.IsSpace); text != "" {
		b.WriteString(text)
		b.WriteString("\n\n")
	}
	n := 0
	for i, row := range m.Buttons {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j, btn := range row {
			if j > 0 {
				b.WriteString("  ")
			}
			number := strconv.Itoa(n + 1)
			if n < len(choices) {
				number = domain.NumberOf(choices, n)
			}
			n++
			fmt.Fprintf(&b, "[ %s · %s ]", number, btn.Label)
		}
	}
	return b.String()
}
