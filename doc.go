// Package stagebot is a chat service that gets every collégien de 3e in Paris a stage (a week of
// observation internship), on SMS, WhatsApp and Telegram, with their parents and the host
// structures in the loop. This package holds no code: it documents how the others are laid out,
// and its test keeps them so.
//
// The packages stand in layers; a package imports only packages of lower layers (layers_test.go
// checks every import):
//
//	7  cmd/stagebot                    the one binary: wires everything, on the one clock
//	   cmd/stageload deploy            the load tool and fault drills; the container files' checks
//	6  season/simulate                 seasons on a synthetic Paris, policies compared, the report
//	5  season                          a whole season replayed on synthetic people, on a manual clock
//	   demo                            the demo's page: three phones side by side on the real engine
//	4  bot/telegram bot/twilio         channel adapters: provider events in, rendered parts out
//	   bot/console bot/sender bot/ops  the local channel, the outbound sender, health and metrics
//	   web web/mail                    the collèges' and the City's pages; their e-mail over SMTP
//	   scheduler catalog               the periodic jobs; imports and the demo seed
//	3  bot                             the workflow: one transaction per thing that happens
//	2  conversation store bot/render   the pure machines, Postgres, the rendering of replies
//	   agreement                       the convention de stage: hours and their legal limits, text, PDF
//	1  domain calendar clock fold      the shared vocabulary, Paris time, the clock, text folding,
//	   locales phone chart             message catalogs, phone numbers, charts
//
// The test helpers (store/storetest, store/localpg, the provider fakes, web/mail/mailtest,
// web/browsertest) stand with the layer of what they serve.
package stagebot
