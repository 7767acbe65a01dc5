// Package domain is stagebot's shared vocabulary: the words every other package speaks, and nothing
// else. It imports no other package of stagebot, and every package may import it.
//
//   - channels, and the neutral messages that cross them: Inbound (a person's message, whatever the
//     provider), Reply (what the conversation says), Part (one provider message), SendError, and the
//     delivery and reachability reports;
//   - application states, who may move an application from one to another (the one table:
//     Transitions), and the sets derived from it (Live, ReachedHost);
//   - a parent's consent, the directions of a relayed message, the kinds of reminders, and the
//     problems a request can meet;
//   - the views the conversation shows: collèges, sectors, offers, applications, search filters.
//
// Types are distinct string types, so that a misspelt state does not compile.
package domain
