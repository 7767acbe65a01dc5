// Package phone is stagebot's one phone-number validator: the E.164 form every address is kept in,
// the French mobile numbers people type, and how a number is shown masked. It wraps libphonenumber
// (nyaruka/phonenumbers) and imports no other package of stagebot.
package phone

import (
	"errors"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
)

// ValidE164 reports whether s is a phone number in E.164 form: "+", a non-zero digit, then 6 to 14
// more digits (the form the database's CHECK constraints accept).
func ValidE164(s string) bool {
	if len(s) < 8 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Why a typed number is refused.
var (
	ErrNotANumber = errors.New("not a phone number")
	ErrInvalid    = errors.New("not a valid French number")
	ErrNotMobile  = errors.New("not a French mobile number (06 or 07)")
)

// FictionPrefix is the ARCEP range of mobile numbers reserved for fiction (06 39 98 xx xx), used by
// the demo and the samples; libphonenumber does not list it as valid.
const FictionPrefix = "+3363998"

// Fiction reports whether an E.164 number is in the range reserved for fiction.
func Fiction(e164 string) bool {
	return strings.HasPrefix(e164, FictionPrefix) && len(e164) == len(FictionPrefix)+4
}

// Mobile reads a French mobile number as people type it ("06 12 34 56 78", "+33 6 12 34 56 78",
// "06.12.34.56.78") and returns it in E.164 ("+33612345678"). A number of the fiction range is
// accepted only when allowFiction is set (demo and sample data); otherwise it is ErrInvalid.
func Mobile(raw string, allowFiction bool) (string, error) {
	if strings.IndexFunc(raw, unicode.IsDigit) < 0 {
		return "", ErrNotANumber
	}
	n, err := phonenumbers.Parse(raw, "FR")
	if err != nil {
		return "", ErrNotANumber
	}
	e164 := phonenumbers.Format(n, phonenumbers.E164)
	if allowFiction && Fiction(e164) {
		return e164, nil
	}
	if !phonenumbers.IsValidNumberForRegion(n, "FR") {
		return "", ErrInvalid
	}
	if t := phonenumbers.GetNumberType(n); t != phonenumbers.MOBILE && t != phonenumbers.FIXED_LINE_OR_MOBILE {
		return "", ErrNotMobile
	}
	return e164, nil
}

// Mask shows a number as "06 xx xx xx 78": enough to spot a typo, not enough to read it.
func Mask(e164 string) string {
	num, err := phonenumbers.Parse(e164, "FR")
	if err != nil {
		return "xx"
	}
	national := phonenumbers.Format(num, phonenumbers.NATIONAL)
	digits := 0
	for _, r := range national {
		if unicode.IsDigit(r) {
			digits++
		}
	}
	var b strings.Builder
	seen := 0
	for _, r := range national {
		if unicode.IsDigit(r) {
			seen++
			if seen > 2 && seen <= digits-2 {
				r = 'x'
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// National writes a number as people read it in its country: "+33612345678" → "06 12 34 56 78".
func National(e164 string) string {
	num, err := phonenumbers.Parse(e164, "FR")
	if err != nil {
		return e164
	}
	return phonenumbers.Format(num, phonenumbers.NATIONAL)
}
