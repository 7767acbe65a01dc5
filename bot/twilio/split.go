package twilio

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// splitLimit cuts text into parts of at most limit UTF-16 code units, the way bot.SplitSMS cuts:
// at the last line break when it falls in the second half of the part, else at the last space,
// else (a word longer than a part) at the last character that fits, never inside a character.
// The whitespace at a cut is dropped, and so are parts that would be only whitespace. A text that
// fits is returned alone, as is; an empty text gives no parts.
func splitLimit(text string, limit int) []string {
	if text == "" {
		return nil
	}
	var parts []string
	for rest := text; rest != ""; {
		end, fits := prefixWithin(rest, limit)
		if fits {
			parts = append(parts, rest)
			break
		}
		cut := cutAt(rest, end)
		if part := strings.TrimRightFunc(rest[:cut], isBreakingSpace); part != "" {
			parts = append(parts, part)
		}
		rest = strings.TrimLeftFunc(rest[cut:], isBreakingSpace)
	}
	return parts
}

// prefixWithin returns the byte length of the longest prefix of s that takes at most limit UTF-16
// code units (at least one character, so that splitting moves on), and whether that is all of s.
func prefixWithin(s string, limit int) (end int, all bool) {
	units := 0
	for i, r := range s {
		n := utf16.RuneLen(r)
		if n < 1 {
			n = 1
		}
		if units+n > limit {
			if i == 0 {
				_, size := utf8.DecodeRuneInString(s)
				return size, false
			}
			return i, false
		}
		units += n
	}
	return len(s), true
}

// cutAt chooses where to end a part of s that may be at most limit bytes long: at the last line
// break if it is in the second half, else at the last space, else at limit. The result is the
// index of the chosen whitespace character (or limit), always above 0.
func cutAt(s string, limit int) int {
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
