package bot

import (
	"context"
	"log/slog"
	"strings"

	"stagebot/domain"
	"stagebot/store"
)

// route hands the message to the conversation of whoever sent it: a host contact (known by their
// phone or linked Telegram chat, or linking it now with "/start host-CODE"), a parent (known by
// their phone, when it is not a student's own), or else a student.
func (ib *Inbox) route(ctx context.Context, tx txn, msg domain.Inbound, from store.Arrival) error {
	if code, ok := strings.CutPrefix(msg.Start, "host-"); ok && msg.Channel == domain.Telegram {
		return ib.linkHost(ctx, tx, msg, code)
	}
	contacts := from.Contacts
	var parent *store.Parent
	if from.Parent != nil && !from.IsStudent {
		parent = from.Parent
	}
	switch {
	case len(contacts) > 0 && (parent == nil || hostAnswer(msg)):
		// A host contact who is also a parent answers as a host only with a reference or a button.
		return ib.handleHost(ctx, tx, msg, contacts)
	case parent != nil:
		return ib.handleParent(ctx, tx, msg, *parent)
	}
	if looksLikeHostCommand(msg.Text) {
		ib.log.InfoContext(ctx, "host command from an address that is no host contact",
			slog.String("channel", string(msg.Channel)))
	}
	return ib.handleStudent(ctx, tx, msg)
}

// hostAnswer reports whether a message is shaped as a host's answer: a button of a request, or a
// text with a reference number in it.
func hostAnswer(msg domain.Inbound) bool {
	return strings.HasPrefix(msg.Choice, "host:") || strings.ContainsAny(msg.Text, "0123456789")
}

// looksLikeHostCommand reports whether a stranger's message is shaped like a host's answer
// ("OUI 1042"): such attempts are logged, without the number or the text.
func looksLikeHostCommand(text string) bool {
	f := strings.Fields(strings.ToLower(text))
	if len(f) != 2 {
		return false
	}
	verb := f[0] == "oui" || f[0] == "non" || f[0] == "yes" || f[0] == "no"
	for _, r := range f[1] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return verb
}
