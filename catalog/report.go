package catalog

import (
	"fmt"
	"strings"
)

// String tells what a school import did, for the command line.
func (r SchoolReport) String() string {
	var b strings.Builder
	for _, f := range r.Files {
		fmt.Fprintf(&b, "%s (%s): %d lines, %d used, %d ignored, %d rejected\n", f.Name, f.Kind, f.Rows, f.Used, f.Ignored, f.Rejected)
	}
	writeProblems(&b, r.Problems)
	fmt.Fprintf(&b, "schools: %d read, %d inserted, %d updated, %d unchanged\n", r.Schools, r.Inserted, r.Updated, r.Unchanged)
	c := r.Counts
	fmt.Fprintf(&b, "catalog: %d collèges, %d REP and %d REP+; Paris: %d collèges, %d REP and %d REP+",
		c.Schools, c.REP, c.REPPlus, c.ParisSchools, c.ParisREP, c.ParisREPPlus)
	return b.String()
}

// String tells what a sector import did.
func (r SectorReport) String() string {
	var b strings.Builder
	writeProblems(&b, r.Problems)
	fmt.Fprintf(&b, "sectors: %d read, %d inserted, %d updated, %d unchanged", r.Sectors, r.Inserted, r.Updated, r.Unchanged)
	return b.String()
}

// String tells what an offer import did.
func (r OfferReport) String() string {
	var b strings.Builder
	writeProblems(&b, r.Problems)
	fmt.Fprintf(&b, "offers: %d valid (%d inserted, %d updated, %d unchanged), %d rejected; %d hosts (%d changed), %d contacts changed",
		r.Offers, r.Inserted, r.Updated, r.Unchanged, r.Rejected, r.Hosts, r.HostsChanged, r.ContactsChanged)
	return b.String()
}

// String tells what the seed did and what the catalog holds after it.
func (r SeedReport) String() string {
	c := r.Counts
	estimated := ""
	if r.EstimatedWeeks {
		estimated = "\n(some weeks are in a school year whose holidays are estimated: add it to calendar/data/vacances-zone-c.csv)"
	}
	return DescribeCampaign(r.Campaign) + estimated + "\n" + fmt.Sprintf("seed: %d offers inserted, %d updated, %d unchanged; %d hosts and %d contacts changed; %d collèges got a stage week\n"+
		"catalog: %d offers (%d offer-weeks) from %d hosts (%d City, %d ESS) with %d contacts; %d places: %d in the City's services "+
		"(%d reserved for REP/REP+), %d in ESS structures; %d weeks, %d arrondissements, %d of %d sectors",
		r.OffersInserted, r.OffersUpdated, r.OffersUnchanged, r.HostsChanged, r.ContactsChanged, r.SchoolWeeksSet,
		c.Offers, c.OfferWeeks, c.Hosts, c.CityHosts, c.ESSHosts, c.HostContacts, c.Places, c.CityPlaces, c.CityReserved,
		c.Places-c.CityPlaces, c.Weeks, c.Arrondissements, c.SectorsCovered, c.Sectors)
}

func writeProblems(b *strings.Builder, problems []LineError) {
	for _, p := range problems {
		fmt.Fprintf(b, "  skipped %s\n", p.Error())
	}
}
