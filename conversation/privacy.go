package conversation

import (
	"regexp"
)

// masked is what stands in a relayed message for contact details: the same in every language.
const masked = "***"

// masker hides contact details in the messages relayed between hosts and students: phone numbers,
// e-mail addresses, social handles and links. A 14-year-old and a host talk only through stagebot,
// where the parent can read along (MESSAGES).
type masker struct {
	rules []maskRule
}

// maskRule replaces what re matches with repl (which may keep a group: "${1}***").
type maskRule struct {
	re   *regexp.Regexp
	repl string
}

func newMasker() *masker {
	rule := func(expr, repl string) maskRule { return maskRule{regexp.MustCompile(expr), repl} }
	return &masker{rules: []maskRule{
		// e-mail addresses, also written "nom (at) mail (dot) com"
		rule(`(?i)[\p{L}\p{N}._%+-]+\s*(?:@|\(at\)|\[at\])\s*[\p{L}\p{N}-]+(?:\s*(?:\.|\(dot\)|\[dot\])\s*[\p{L}\p{N}-]+)+`, masked),
		// links: with a scheme, www., or a domain name with a common ending
		rule(`(?i)\b(?:https?://|www\.)\S+`, masked),
		rule(`(?i)\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|fr|net|org|io|me|ly|gg|app|be|co|info|link|tv)\b(?:/\S*)?`, masked),
		// handles: @name, and a name given after a network's name ("insta yasmine_b", "snap: yas.b")
		rule(`(^|[^\p{L}\p{N}])@[\p{L}\p{N}_.]{2,}`, "${1}"+masked),
		rule(`(?i)\b((?:insta|instagram|snap|snapchat|tiktok|discord|facebook|fb|twitter|telegram|whatsapp|signal)\s*(?:[:=]|c'?est|is)?\s*)@?[\p{L}\p{N}_.]*[_.\p{N}][\p{L}\p{N}_.]*`, "${1}"+masked),
		// phone numbers: nine digits or more, spaces, dots, dashes or brackets between them
		rule(`(?:\+|\b00|\()?\d(?:[ .\-()]{0,2}\d){8,}`, masked),
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
