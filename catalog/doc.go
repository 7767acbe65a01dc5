// Package catalog fills the catalog: it imports collèges from the public school files, the ONISEP
// sectors, offers from a CSV file (see docs/offers-csv.md) and a season's campaign (docs/campaign.md),
// and seeds a clearly synthetic Paris demo catalog of City of Paris and social-economy (ESS) hosts,
// on a campaign that follows today.
//
// Every import reads and checks all its input first, then writes in one transaction, and is
// idempotent: running it again with the same files changes nothing. Bad lines are never dropped
// silently: they are skipped and listed in the report with their line number and the reason.
package catalog
