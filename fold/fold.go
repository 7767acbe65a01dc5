// Package fold turns text into a comparable form: lower case, no accents, single spaces. Keywords,
// collège names and offer searches are all matched on folded text.
package fold

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

var ligatures = strings.NewReplacer("œ", "oe", "Œ", "oe", "æ", "ae", "Æ", "ae", "ß", "ss", "’", "'", "‘", "'")

// String folds s: "  Ça  VA, Élodie ! " → "ca va, elodie !".
func String(s string) string {
	s = ligatures.Replace(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Words folds s and splits it into words of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(String(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
}
