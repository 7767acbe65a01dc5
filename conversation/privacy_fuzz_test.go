package conversation

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// maskFuzzSeeds are messages between hosts and students, with and without contact details.
var maskFuzzSeeds = []string{
	"Mon numero c est le 06 12 34 50 01, mon insta @yasmine_b",
	"appelle au 0612345001",
	"Tel : +33 6 12 34 50 01.",
	"06.12.34.50.01",
	"06-12-34-50-01 ou (01) 42 76 40 40",
	"écris à claire.martin@musee-paris.fr stp",
	"claire (at) musee (dot) fr",
	"Voir https://exemple.org/stage?id=3 ou www.musee.fr",
	"mon site : yasmine-art.com/portfolio",
	"snap: yas.b2012",
	"Ajoute-moi sur insta yasmine_b",
	"Rendez-vous lundi 18/01 à 9h, 115 rue des Mésanges 75011",
	"Réf. 1042 : prévoir 2 tickets à 1,90 €",
	"Quels jours es-tu disponible ?",
	"J'ai 14 ans et je suis en 3e",
	"insta c'est super",
	"***",
	"@@@ ... (at) (dot) www. .fr",
	"a@b.c@d.e",
	"😀 @😀 06😀12",
	"\x00\xff 0612\x0034 56",
	strings.Repeat("06 ", 400),
	strings.Repeat("Bonjour, ", 600),
}

// FuzzMask checks the masker on any text: it reports that it found contact details exactly when
// it changed the text, its result is valid UTF-8 for valid input, and masking a masked text again
// finds nothing (what was relayed has no contact detail left that the masker itself would see).
func FuzzMask(f *testing.F) {
	for _, s := range maskFuzzSeeds {
		f.Add(s)
	}
	mk := newMasker()
	f.Fuzz(func(t *testing.T, text string) {
		out, found := mk.mask(text)
		if found != (out != text) {
			t.Fatalf("mask(%q) = %q, found %v", text, out, found)
		}
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("mask(%q) = %q, not valid UTF-8", text, out)
		}
		if again, found := mk.mask(out); found {
			t.Fatalf("masking is not idempotent: mask(%q) = %q, then %q", text, out, again)
		}
	})
}

// phoneFormats are the ways a French mobile number is written: "%s" is 6 or 7, then the eight
// digits as four pairs. The number is always between spaces in the message.
var phoneFormats = []string{
	"0%s%s%s%s%s",
	"0%s %s %s %s %s",
	"0%s.%s.%s.%s.%s",
	"0%s-%s-%s-%s-%s",
	"+33 %s %s %s %s %s",
	"+33%s%s%s%s%s",
	"0033 %s %s %s %s %s",
	"+33 (0)%s %s %s %s %s",
	"0%s\u00a0%s\u00a0%s\u00a0%s\u00a0%s", // a number copied from a web page or an e-mail signature
	"0%s\u202f%s\u202f%s\u202f%s\u202f%s",
	"0%s  %s  %s  %s  %s",
}

// FuzzMaskPhoneNumber checks the promise of the relays (README: phone numbers are masked, both
// ways): a French mobile number written in any usual way, between spaces, anywhere in any message,
// leaves none of its digits in the masked text: the masked text has no more ASCII digits than the
// words around the number had.
func FuzzMaskPhoneNumber(f *testing.F) {
	seeds := []struct {
		before, after string
		number        uint32
		format        uint8
	}{
		{"Mon numéro c'est le", "appelle-moi", 12345001, 1},
		{"Tel :", ".", 98765432, 4},
		{"", "", 12345678, 0},
		{"Voici le numéro de la responsable,", "(Claire)", 11223344, 2},
		{"You can call me on", "after 6pm", 55667788, 5},
		{"écris à claire.martin@musee-paris.fr ou", "", 10203040, 3},
		{"RDV lundi 18/01 à 9h au 115 rue des Mésanges, tel", "merci", 99887766, 6},
		{"mon insta c'est yasmine_b et mon", "", 12121212, 1},
	}
	for _, s := range seeds {
		f.Add(s.before, s.after, s.number, s.format)
	}
	mk := newMasker()
	f.Fuzz(func(t *testing.T, before, after string, number uint32, format uint8) {
		digits := fmt.Sprintf("%08d", number%100000000)
		mobile := "6"
		if number&(1<<31) != 0 {
			mobile = "7"
		}
		phone := fmt.Sprintf(phoneFormats[int(format)%len(phoneFormats)], mobile, digits[0:2], digits[2:4], digits[4:6], digits[6:8])
		text := before + " " + phone + " " + after
		out, found := mk.mask(text)
		if !found {
			t.Fatalf("mask(%q) found nothing", text)
		}
		if n, around := asciiDigits(out), asciiDigits(before)+asciiDigits(after); n > around {
			t.Fatalf("the phone number %q leaks: mask(%q) = %q", phone, text, out)
		}
	})
}

func asciiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}
