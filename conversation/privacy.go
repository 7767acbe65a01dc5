package conversation

import (
	"regexp"
)

// masked is what stands in a relayed message for contact details: the same in every language.
const masked = "***"

// masker hides contact details in the messages relayed between hosts and students: phone numbers,
// e-mail addresses, social handles and links. A 14-year-old and a host talk only through stagebot,
// where the parent can read along (MESSAGES).
//
// Masking is idempotent: what comes out has nothing left that the masker would find. The rules run
// in order on the output of the ones before, and none of them reads the placeholder as part of a
// contact detail: '*' is in none of their character classes, and a '*' before an '@' counts as
// the letter or digit it replaced (it does not start a handle).
type masker struct {
	rules []maskRule
}

// maskRule replaces what re matches with repl (which may keep a group: "${1}***").
type maskRule struct {
	re   *regexp.Regexp
	repl string
}

// phoneSeparators are what people put between the digits of a phone number: spaces (also the
// non-breaking, narrow non-breaking, thin and figure spaces of a number copied from a web page or
// an e-mail signature), tabs, dots, dashes (also the Unicode hyphens) and brackets.
const phoneSeparators = ` \t.\-()\x{00A0}\x{2007}\x{2009}\x{202F}\x{2010}\x{2011}`

// domainEndings are the endings of the domain names masked even when written without a scheme or
// with spaces around the dot.
const domainEndings = `(?:com|fr|net|org|io|me|ly|gg|app|be|co|info|link|tv|eu|paris)`

func newMasker() *masker {
	rule := func(expr, repl string) maskRule { return maskRule{regexp.MustCompile(expr), repl} }
	return &masker{rules: []maskRule{
		// phone numbers first, so that no other rule takes their first digits ("WhatsApp : 06 12…",
		// "…@gmail.com. 06 12…") and leaves too few for this one: nine digits or more, up to two
		// separators between them
		rule(`(?:\+|\b00|\()?\d(?:[`+phoneSeparators+`]{0,2}\d){8,}`, masked),
		// e-mail addresses, also written "nom (at) mail (dot) com" or "nom @ mail . com"; a dot with
		// spaces around it, or "(dot)", counts only before a domain ending, so that an address that
		// ends a sentence takes neither the word nor the number that follows ("…@paris.fr. As-tu",
		// "…@gmail.com. 75011")
		rule(`(?i)[\p{L}\p{N}._%+-]+\s*(?:@|\(at\)|\[at\])\s*[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+|\s*(?:\.|\(dot\)|\[dot\])\s*`+domainEndings+`\b)+`, masked),
		// links: with a scheme, www., or a domain name with a common ending
		rule(`(?i)\b(?:https?://|www\.)\S+`, masked),
		rule(`(?i)\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.`+domainEndings+`\b(?:/\S*)?`, masked),
		// handles: @name (not after a letter, a digit or a placeholder: "nom@mail", "***@mail"), and
		// a name given after a network's name ("insta yasmine_b", "snap: yas.b")
		rule(`(^|[^\p{L}\p{N}*])@[\p{L}\p{N}_.]{2,}`, "${1}"+masked),
		rule(`(?i)\b((?:insta|instagram|snap|snapchat|tiktok|discord|facebook|fb|twitter|telegram|whatsapp|signal)\s*(?:[:=]|c'?est|is)?\s*)@?[\p{L}\p{N}_.]*[_.\p{N}][\p{L}\p{N}_.]*`, "${1}"+masked),
	}}
}

// mask hides the contact details in text and reports whether it found any.
func (mk *masker) mask(text string) (string, bool) {
	found := false
	for _, r := range mk.rules {
		out := r.re.ReplaceAllString(text, r.repl)
		found = found || out != text
		text = out
	}
	return text, found
}

// safe is text with any contact details in it masked: what a student may read of a host's details.
func (m *Machine) safe(text string) string {
	out, _ := m.masker.mask(text)
	return out
}
