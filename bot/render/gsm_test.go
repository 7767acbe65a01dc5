package render

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"stagebot/fold"
)

func TestSMSEncoding(t *testing.T) {
	tests := []struct {
		in   string
		want Encoding
	}{
		{"", GSM7},
		{"Bonjour Léa, ça va ?", UCS2}, // ç is not GSM (Ç is)
		{"Ça va, Léa ? À bientôt", UCS2},
		{"Ça va, Léa ? à demain", GSM7},
		{"Prix : 5 € {ok} [x] ~ | ^ \\", GSM7},
		{"Ñandú? Ñandu ÄÖÜäöüß ÆæØøÅå ¡¿ §£¥¤", UCS2}, // ú is not GSM
		{"ÑÄÖÜäöüß ÆæØøÅå ¡¿ §£¥¤ èéùìòà ΔΦΓΛΩΠΨΣΘΞ @_", GSM7},
		{"l’entreprise", UCS2},
		{"stage 😀", UCS2},
		{"مرحبا", UCS2},
		{"你好", UCS2},
		{"back`tick", UCS2},
	}
	for _, tt := range tests {
		if got := SMSEncoding(tt.in); got != tt.want {
			t.Errorf("SMSEncoding(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSMSSegments(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	c := func(n int) string { return strings.Repeat("ç", n) } // non-GSM, one UTF-16 unit
	tests := []struct {
		name    string
		in      string
		enc     Encoding
		segment int
	}{
		{"empty", "", GSM7, 0},
		{"one char", "a", GSM7, 1},
		{"160 GSM", a(160), GSM7, 1},
		{"161 GSM", a(161), GSM7, 2},
		{"306 GSM", a(306), GSM7, 2},
		{"307 GSM", a(307), GSM7, 3},
		{"459 GSM", a(459), GSM7, 3},
		{"460 GSM", a(460), GSM7, 4},
		{"line breaks count", strings.Repeat("a\n", 80), GSM7, 1},
		{"extension fills 160", a(158) + "€", GSM7, 1},
		{"extension makes 161", a(159) + "€", GSM7, 2},
		{"80 extension chars", strings.Repeat("€", 80), GSM7, 1},
		{"81 extension chars", strings.Repeat("{", 81), GSM7, 2},
		{"extension ends part 1", a(151) + "€" + a(153), GSM7, 2},
		{"extension not split at boundary", a(152) + "€" + a(152), GSM7, 3}, // 306 septets, yet 3 parts
		{"70 UCS-2", c(70), UCS2, 1},
		{"71 UCS-2", c(71), UCS2, 2},
		{"134 UCS-2", c(134), UCS2, 2},
		{"135 UCS-2", c(135), UCS2, 3},
		{"GSM text with one emoji", a(69) + "😀", UCS2, 2}, // 71 units
		{"emoji fills 70", c(68) + "😀", UCS2, 1},
		{"35 emoji", strings.Repeat("😀", 35), UCS2, 1},
		{"36 emoji", strings.Repeat("😀", 36), UCS2, 2},
		{"emoji ends part 1", c(65) + "😀" + c(67), UCS2, 2},
		{"surrogate pair not split at boundary", c(66) + "😀" + c(66), UCS2, 3}, // 134 units, yet 3 parts
		{"Arabic 70", strings.Repeat("م", 70), UCS2, 1},
		{"Arabic 71", strings.Repeat("م", 71), UCS2, 2},
		{"Arabic sentence", "مرحبا، هل تبحث عن تدريب؟", UCS2, 1},
		{"Chinese 70", strings.Repeat("实", 70), UCS2, 1},
		{"Chinese 135", strings.Repeat("习", 135), UCS2, 3},
		{"Chinese outside the BMP", strings.Repeat("𠀀", 35), UCS2, 1},
		{"Chinese outside the BMP 36", strings.Repeat("𠀀", 36), UCS2, 2},
	}
	for _, tt := range tests {
		enc, n := SMSSegments(tt.in)
		if enc != tt.enc || n != tt.segment {
			t.Errorf("%s: SMSSegments = %s, %d; want %s, %d", tt.name, enc, n, tt.enc, tt.segment)
		}
	}
}

func TestFoldToGSMCharacters(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ê ë â î ï ô û ç", "e e a i i o u c"},
		{"À Â È Ê Ë Î Ï Ô Ù Û", "A A E E E I I O U U"},
		{"á í ó ú Á Í Ó Ú ã õ ÿ Ÿ", "a i o u A I O U a o y Y"},
		{"œ Œ", "oe OE"},
		{"’‘`", "'''"},
		{"“ ” « »", "\" \" \"\""},
		{"Réponds « OUI » ou «\u00a0NON\u00a0»", "Réponds \"OUI\" ou \"NON\""},
		{"Page suivante »", "Page suivante \""},
		{"« Retour", "\" Retour"},
		{"…", "..."},
		{"– — ‑", "- - -"},
		{"• point", "- point"},
		{"a\u00a0b\u202fc\u2009d\te", "a b c d e"},
		{"in\u00advisible\u200b", "invisible"},
		{"n° 3", "no 3"},
		{"e\u0302tre", "etre"},                 // combining circumflex, NFD input
		{"Cre\u0301teil", "Créteil"},           // NFD é stays é (it is GSM)
		{"é è ù ì ò à", "é è ù ì ò à"},         // GSM: kept
		{"Ç É Ä Ö Ü Ñ Å Ø", "Ç É Ä Ö Ü Ñ Å Ø"}, // GSM: kept
		{"ä ö ü ñ å ø æ Æ ß", "ä ö ü ñ å ø æ Æ ß"},
		{"5 € [ok] {x} ~ | ^ \\", "5 € [ok] {x} ~ | ^ \\"},
		{"stage 😀", "stage 😀"}, // no GSM look-alike: kept, the SMS is UCS-2
		{"مرحبا", "مرحبا"},
		{"你好", "你好"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := FoldToGSM(tt.in); got != tt.want {
			t.Errorf("FoldToGSM(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldToGSMKeepsTheAlphabet(t *testing.T) {
	all := gsmBasic + gsmExtension
	if got := FoldToGSM(all); got != all {
		t.Errorf("FoldToGSM changed GSM characters: %q", got)
	}
	if n := utf8.RuneCountInString(gsmBasic); n != 127 { // 128 codes, minus the escape
		t.Errorf("gsmBasic has %d characters, want 127", n)
	}
	if n := utf8.RuneCountInString(gsmExtension); n != 10 {
		t.Errorf("gsmExtension has %d characters, want 10", n)
	}
}

func TestFoldToGSMFrench(t *testing.T) {
	tests := []struct{ in, want string }{
		{
			"Tu as reçu une réponse de l’entreprise : c’est une très bonne nouvelle\u202f!",
			"Tu as recu une réponse de l'entreprise : c'est une très bonne nouvelle !",
		},
		{
			"Peux-tu être là lundi à 9 h ? Apporte ta fiche « stage » signée…",
			"Peux-tu etre là lundi à 9 h ? Apporte ta fiche \"stage\" signée...",
		},
		{
			"Cœur de métier : la pâtisserie. Où ? Boulangerie Aîné, 12 rue de l’Église – 75003 Paris",
			"Coeur de métier : la patisserie. Où ? Boulangerie Ainé, 12 rue de l'Église - 75003 Paris",
		},
		{
			"Ta candidature à l’Hôtel de Ville est envoyée ; ton parent doit la confirmer. Noël, Ève, Zoë, François",
			"Ta candidature à l'Hotel de Ville est envoyée ; ton parent doit la confirmer. Noel, Eve, Zoe, Francois",
		},
		{
			"You’re all set — see you on Monday “at 9”",
			"You're all set - see you on Monday \"at 9\"",
		},
	}
	for _, tt := range tests {
		got := FoldToGSM(tt.in)
		if got != tt.want {
			t.Errorf("FoldToGSM(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if enc := SMSEncoding(got); enc != GSM7 {
			t.Errorf("FoldToGSM(%q) is %s", tt.in, enc)
		}
		if again := FoldToGSM(got); again != got {
			t.Errorf("FoldToGSM is not idempotent: %q → %q", got, again)
		}
		// Nothing is lost: the same words, once accents and case are set aside.
		if in, out := fold.Words(tt.in), fold.Words(got); !reflect.DeepEqual(in, out) {
			t.Errorf("FoldToGSM(%q) changed the words:\n got %q\nwant %q", tt.in, out, in)
		}
	}
}

func TestSplitSMSFits(t *testing.T) {
	words := strings.Repeat("Ton stage de troisième t'attend, regarde les offres près de chez toi. ", 12)
	accents := strings.Repeat("Tu es prête ? Voici ça ", 30) // UCS-2 throughout
	emoji := strings.Repeat("Bravo 🎉 ", 60)
	lines := strings.Repeat("1 Boulangerie du Marais, 3e\n2 Musée Picasso, 3e\n", 15)
	for _, text := range []string{words, accents, emoji, lines} {
		for max := 1; max <= 3; max++ {
			parts := SplitSMS(text, max)
			checkParts(t, text, parts, max)
			if got, want := strings.Fields(strings.Join(parts, " ")), strings.Fields(text); !reflect.DeepEqual(got, want) {
				t.Errorf("SplitSMS(max %d) lost or split words:\n got %q\nwant %q", max, got, want)
			}
		}
	}
}

func TestSplitSMSWithoutSpaces(t *testing.T) {
	chinese := strings.Repeat("你好，你在找实习吗？", 30)
	emoji := strings.Repeat("😀", 200) // a cut anywhere would split a surrogate pair
	word := strings.Repeat("a", 500)
	for _, text := range []string{chinese, emoji, word} {
		for max := 1; max <= 3; max++ {
			parts := SplitSMS(text, max)
			checkParts(t, text, parts, max)
			if got := strings.Join(parts, ""); got != text {
				t.Errorf("SplitSMS(max %d) parts do not join back: %q", max, got)
			}
		}
	}
}

func checkParts(t *testing.T, text string, parts []string, max int) {
	t.Helper()
	if len(parts) < 2 {
		t.Errorf("SplitSMS(%.20q…, %d) = %d parts, want several", text, max, len(parts))
	}
	for i, p := range parts {
		if _, n := SMSSegments(p); n > max || n == 0 {
			t.Errorf("part %d takes %d segments, max %d: %q", i, n, max, p)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is not valid UTF-8 (a character was cut): %q", i, p)
		}
		if i > 0 && strings.TrimLeft(p, " \n") != p || i+1 < len(parts) && strings.TrimRight(p, " \n") != p {
			t.Errorf("part %d keeps the whitespace of a cut: %q", i, p)
		}
	}
}

func TestSplitSMSPrefersLineBreaks(t *testing.T) {
	para := strings.TrimSpace(strings.Repeat("mot ", 25)) // 99 characters
	text := para + "\n" + para
	want := []string{para, para}
	if got := SplitSMS(text, 1); !reflect.DeepEqual(got, want) {
		t.Errorf("SplitSMS cut at %q, want at the line break", got)
	}
}

func TestSplitSMSFitting(t *testing.T) {
	tests := []struct {
		text string
		max  int
		want []string
	}{
		{"", 1, nil},
		{"Salut !", 1, []string{"Salut !"}},
		{strings.Repeat("a", 160), 1, []string{strings.Repeat("a", 160)}},
		{strings.Repeat("a", 306), 2, []string{strings.Repeat("a", 306)}},
		{strings.Repeat("a", 458) + " ", 3, []string{strings.Repeat("a", 458) + " "}}, // as is
		{strings.Repeat("a", 459) + " ", 3, []string{strings.Repeat("a", 459)}},       // trailing space of a cut
		{strings.Repeat("a", 161), 0, []string{strings.Repeat("a", 160), "a"}},        // 0 counts as 1
		{strings.Repeat("ab ", 54), 1, []string{strings.TrimSpace(strings.Repeat("ab ", 53)), "ab "}},
	}
	for _, tt := range tests {
		if got := SplitSMS(tt.text, tt.max); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitSMS(%.20q…, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
		}
	}
}

// A split measures prefixes about the length of each part, never the whole rest of the text at each
// cut: the bytes measured grow with the text's length, not its square (64 kB of "a" in SMS of
// 160 characters measured 27 MB before).
func TestSplitTextMeasuresLinearly(t *testing.T) {
	for _, tt := range []struct {
		text  string
		limit int // in characters
	}{
		{strings.Repeat("a", 64<<10), 160},
		{strings.Repeat("mot ", 16<<10), 1600},
		{strings.Repeat("😀", 16<<10), 2},
	} {
		measured := 0
		parts := splitText(tt.text, func(s string) bool {
			measured += len(s)
			return utf8.RuneCountInString(s) <= tt.limit
		})
		if got := strings.Join(parts, ""); len(parts) < 2 || strings.ReplaceAll(tt.text, " ", "") != strings.ReplaceAll(got, " ", "") {
			t.Errorf("%d parts lose text", len(parts))
		}
		if measured > 64*len(tt.text) {
			t.Errorf("splitting %d bytes in parts of %d characters measured %d bytes", len(tt.text), tt.limit, measured)
		}
	}
}

// Portuguese and Spanish SMS (foldsToGSM) fold to GSM-7 without losing a letter: ã õ â ê ô á í ó ú ç
// lose their accent, ñ ¿ ¡ and é are GSM and stay.
func TestFoldToGSMPortugueseSpanish(t *testing.T) {
	tests := []struct{ in, want string }{
		{"NÃO, não, põe, mãe", "NAO, nao, poe, mae"},
		{"você, português, avô, câmara, março", "voce, portugues, avo, camara, marco"},
		{"está, início, opção, número, Olá", "esta, inicio, opcao, numero, Ola"},
		{"¿Acepta? ¡Gracias! España, señor, SÍ, miércoles", "¿Acepta? ¡Gracias! España, señor, SI, miércoles"},
		{"Á É Í Ó Ú Ã Õ Â Ê Ô Ç Ñ", "A É I O U A O A E O Ç Ñ"},
	}
	for _, tt := range tests {
		got := FoldToGSM(tt.in)
		if got != tt.want {
			t.Errorf("FoldToGSM(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if enc := SMSEncoding(got); enc != GSM7 {
			t.Errorf("FoldToGSM(%q) is %s", tt.in, enc)
		}
		if fold.String(got) != fold.String(tt.in) { // what a parent copies back still parses the same
			t.Errorf("FoldToGSM(%q) folds to %q, want %q", tt.in, fold.String(got), fold.String(tt.in))
		}
	}
}
