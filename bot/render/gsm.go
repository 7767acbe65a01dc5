package render

import (
	"bytes"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// Encoding is the character encoding an SMS is sent in.
type Encoding string

// The two SMS encodings (3GPP TS 23.038).
const (
	// GSM7 is the GSM 03.38 7-bit default alphabet: 160 septets in a single SMS, 153 in each part
	// of a concatenated one (the other 7 carry the concatenation header).
	GSM7 Encoding = "GSM-7"
	// UCS2 is used as soon as one character is outside GSM 03.38: 70 UTF-16 code units in a single
	// SMS, 67 in each part of a concatenated one.
	UCS2 Encoding = "UCS-2"
)

// Segment sizes, in septets (GSM-7) or UTF-16 code units (UCS-2).
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// gsmBasic is the GSM 03.38 default alphabet in table order (0x00 to 0x7F), without 0x1B, the
// escape to the extension table, which is no character of its own.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅå" +
	"Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
	" !\"#¤%&'()*+,-./" +
	"0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNO" +
	"PQRSTUVWXYZÄÖÑÜ§" +
	"¿abcdefghijklmno" +
	"pqrstuvwxyzäöñüà"

// gsmExtension is the GSM 03.38 extension table: each of these is sent as escape + code, two
// septets. It includes the form feed (page break) at 0x0A.
const gsmExtension = "\f^{}\\[~]|€"

func isGSMBasic(r rune) bool     { return strings.ContainsRune(gsmBasic, r) }
func isGSMExtension(r rune) bool { return strings.ContainsRune(gsmExtension, r) }
func isGSM(r rune) bool          { return isGSMBasic(r) || isGSMExtension(r) }

// SMSEncoding tells how text would be sent by SMS: GSM-7 when every character is in the GSM 03.38
// default alphabet or its extension table, UCS-2 otherwise. An empty text is GSM-7.
func SMSEncoding(text string) Encoding {
	for _, r := range text {
		if !isGSM(r) {
			return UCS2
		}
	}
	return GSM7
}

// SMSSegments tells how text would be sent by SMS: its encoding and how many SMS segments (billed
// messages) it takes. A text that fits a single SMS (160 septets GSM-7, 70 UTF-16 code units
// UCS-2) is 1 segment; a longer one is cut into parts of 153 septets or 67 code units, never
// splitting an extension character's escape pair nor a UTF-16 surrogate pair (such a character
// moves whole to the next part). An empty text takes 0 segments: there is nothing to send.
func SMSSegments(text string) (enc Encoding, segments int) {
	enc = SMSEncoding(text)
	if text == "" {
		return enc, 0
	}
	size, single, part := unitsOf(enc)
	total := 0
	for _, r := range text {
		total += size(r)
	}
	if total <= single {
		return enc, 1
	}
	segments, used := 1, 0
	for _, r := range text {
		n := size(r)
		if used+n > part {
			segments++
			used = 0
		}
		used += n
	}
	return enc, segments
}

// unitsOf returns how to measure a character in enc, and enc's single-message and concatenated
// part sizes.
func unitsOf(enc Encoding) (size func(rune) int, single, part int) {
	if enc == GSM7 {
		return septets, gsmSingle, gsmPart
	}
	return utf16Units, ucs2Single, ucs2Part
}

// septets is the size of a GSM-7 character: 2 for the extension table, 1 otherwise.
func septets(r rune) int {
	if isGSMExtension(r) {
		return 2
	}
	return 1
}

// utf16Units is the size of r in UTF-16: 2 for a character outside the BMP (most emoji), 1 otherwise.
func utf16Units(r rune) int {
	if n := utf16.RuneLen(r); n > 0 {
		return n
	}
	return 1 // never reached for runes decoded from a string: invalid bytes decode to U+FFFD
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16Units(r)
	}
	return n
}

// FoldToGSM replaces the characters of Latin-alphabet text (French, English) that GSM 03.38 lacks
// by their closest GSM ones, so that the text is sent as GSM-7 (160 characters a segment) rather
// than UCS-2 (70): ê ë → e, â → a, î ï → i, ô → o, û → u, ç → c, á í ó ú → a i o u, À Â → A, Ê Ë → E,
// œ → oe, Œ → OE, ’ ‘ → ', “ ” → ", … → ..., – — → -, • → -, · → ., ° → o, non-breaking and other
// typographic spaces → space, a tab → space; invisible characters (soft hyphen, zero-width space,
// byte order mark) are dropped. French guillemets become straight quotes without their inner
// spaces: « stage » → "stage" (a » with no « before it, or a « with no » after it, just becomes ").
// Characters that are GSM stay as they are (é è à ù ì ò Ç Ä Ö Ü Ñ Å Ø æ Æ ß £ € …). Any other
// character without a close GSM one (an emoji, Arabic, Chinese) is left as is: the text is then
// still sent, in UCS-2. The text is first put in Unicode NFC, so a letter typed with a combining
// accent folds like the precomposed one. FoldToGSM is idempotent.
func FoldToGSM(text string) string {
	text = norm.NFC.String(text)
	out := make([]byte, 0, len(text))
	open, skipSpace := false, false // inside « … »; right after its «
	for i, r := range text {
		switch {
		case r == '«' && strings.ContainsRune(text[i:], '»'):
			out = append(out, '"')
			open, skipSpace = true, true
			continue
		case r == '»' && open:
			out = append(bytes.TrimRight(out, " "), '"')
			open = false
			continue
		case skipSpace && isGuillemetSpace(r):
			continue
		}
		skipSpace = false
		out = append(out, foldRune(r)...)
	}
	return string(out)
}

// foldRune returns r if it is GSM, else its closest GSM characters, else r.
func foldRune(r rune) string {
	if isGSM(r) {
		return string(r)
	}
	if s, ok := foldPunctuation(r); ok {
		return s
	}
	if s, ok := foldLetter(r); ok {
		return s
	}
	return string(r)
}

// isGuillemetSpace reports whether r is a space French typography puts inside « ».
func isGuillemetSpace(r rune) bool {
	switch r {
	case ' ', '\u00a0', '\u202f', '\u2009':
		return true
	}
	return false
}

// foldPunctuation maps typographic punctuation and spaces to GSM ones.
func foldPunctuation(r rune) (string, bool) {
	switch r {
	case '’', '‘', '‚', '‛', '′', '`', '´', '‹', '›':
		return "'", true
	case '“', '”', '„', '‟', '«', '»', '″':
		return "\"", true
	case '…':
		return "...", true
	case '‐', '‑', '‒', '–', '—', '―', '−', '•', '‣', '◦', '⁃', '∙':
		return "-", true
	case '·':
		return ".", true
	case '°', 'º':
		return "o", true
	case 'ª':
		return "a", true
	case '×':
		return "x", true
	case '\t', '\u00a0', '\u202f', '\u205f', '\u3000':
		return " ", true
	case '\u2028', '\u2029':
		return "\n", true
	case '\u00ad', '\u200b', '\u2060', '\ufeff':
		return "", true
	}
	if r >= '\u2000' && r <= '\u200a' { // en quad … hair space, including the figure and thin spaces
		return " ", true
	}
	return "", false
}

// foldLetter maps a Latin letter that GSM lacks to the closest GSM letters: ligatures are spelled
// out, and accents are removed when the bare letter is GSM. A combining accent left alone (one that
// NFC could not merge into its letter) is dropped.
func foldLetter(r rune) (string, bool) {
	switch r {
	case 'œ':
		return "oe", true
	case 'Œ':
		return "OE", true
	case 'ł':
		return "l", true
	case 'Ł':
		return "L", true
	case 'đ':
		return "d", true
	case 'Đ':
		return "D", true
	case 'ı':
		return "i", true
	}
	if r >= '\u0300' && r <= '\u036f' { // Combining Diacritical Marks
		return "", true
	}
	var bare strings.Builder
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if !isGSM(d) {
			return "", false
		}
		bare.WriteRune(d)
	}
	if bare.Len() == 0 {
		return "", false
	}
	return bare.String(), true
}

// SplitSMS cuts text into texts that each take at most maxSegments SMS segments (see SMSSegments),
// to be sent as separate (concatenated) SMS in order. A text that fits is returned alone, as is.
// Otherwise each cut is made at a line break when one falls in the second half of the part, else
// at the last space, else (a single word longer than a part, or text without spaces such as
// Chinese) at the last character that fits; never inside a character, so never between the two
// halves of a surrogate pair. The whitespace at a cut is dropped, and so are parts that would be
// only whitespace. Each part is measured on its own: one part may be GSM-7 while another, holding
// an emoji, is UCS-2. maxSegments below 1 counts as 1. An empty text gives no parts.
func SplitSMS(text string, maxSegments int) []string {
	if maxSegments < 1 {
		maxSegments = 1
	}
	return splitText(text, func(s string) bool {
		_, n := SMSSegments(s)
		return n <= maxSegments
	})
}

// splitText cuts text into parts for which fits is true (see SplitSMS for where it cuts). fits
// must hold for any single character and must stay false once false for a longer prefix.
//
// Each part is found by measuring prefixes of about its own length only (see longestPrefix), never
// the whole rest of the text: the time grows with the length of the text, not with its square.
func splitText(text string, fits func(string) bool) []string {
	if text == "" {
		return nil
	}
	var parts []string
	for rest := text; rest != ""; {
		n := longestPrefix(rest, fits)
		if n == len(rest) {
			parts = append(parts, rest)
			break
		}
		cut := cutPoint(rest, n)
		if part := strings.TrimRightFunc(rest[:cut], isBreakingSpace); part != "" {
			parts = append(parts, part)
		}
		rest = strings.TrimLeftFunc(rest[cut:], isBreakingSpace)
	}
	return parts
}

// longestPrefix returns the byte length of the longest prefix of s, ending on a character boundary,
// for which fits is true; at least one character, so that splitting always moves on. It tries
// prefixes of 1, 2, 4, 8… characters until one does not fit (or s does), then searches between the
// last two by halves: it reads s no further than twice the answer.
func longestPrefix(s string, fits func(string) bool) int {
	var ends []int    // ends[k] is the end of the prefix of k+1 characters, as far as s was read
	good, bad := 0, 0 // the prefix of good characters fits, that of bad does not (0: none known yet)
	for i := range s {
		if i == 0 {
			continue
		}
		ends = append(ends, i)
		if k := len(ends); k == 2*good || good == 0 {
			if !fits(s[:i]) {
				bad = k
				break
			}
			good = k
		}
	}
	if bad == 0 {
		if fits(s) {
			return len(s)
		}
		ends = append(ends, len(s))
		bad = len(ends)
	}
	// The longest prefix that fits has n characters, good <= n < bad.
	n := good + sort.Search(bad-good-1, func(j int) bool { return !fits(s[:ends[good+j]]) })
	if n == 0 {
		return ends[0]
	}
	return ends[n-1]
}

// cutPoint chooses where to end a part of s that may be at most limit bytes long: at the last line
// break if it is in the second half, else at the last space, else at limit. The result is the
// index of the chosen whitespace character (or limit), always above 0.
func cutPoint(s string, limit int) int {
	lastBreak, lastSpace := -1, -1
	for i, r := range s {
		if i > limit {
			break
		}
		if i == 0 {
			continue
		}
		if r == '\n' {
			lastBreak = i
		}
		if isBreakingSpace(r) {
			lastSpace = i
		}
	}
	switch {
	case lastBreak > 0 && lastBreak >= limit/2:
		return lastBreak
	case lastSpace > 0:
		return lastSpace
	}
	return limit
}

// isBreakingSpace reports whether a line may be broken at r: whitespace other than the
// non-breaking spaces.
func isBreakingSpace(r rune) bool {
	switch r {
	case '\u00a0', '\u2007', '\u202f':
		return false
	}
	return unicode.IsSpace(r)
}
