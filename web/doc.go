// Package web is stagebot's pages for the two institutions that make the stage happen: a collège's
// staff (principal, CPE, teachers), who follow their students class by class, import their class
// lists, print invitations and nudge the students who are stuck; and the City's officials, who see
// whether the season's rules work, in aggregates only.
//
// It is a layer of its own beside the channel adapters, served by `stagebot serve` on the same port
// under its own routes: pages rendered on the server with html/template (nothing needs JavaScript),
// one file per page or action. People sign in with a single-use link sent by e-mail (no password
// is kept); sessions live in Postgres; every form carries a CSRF token; every action is written to
// the audit log. The staff of a collège see only their collège (another's is "not found"), never a
// phone number nor a message; officials see no student at all.
package web
