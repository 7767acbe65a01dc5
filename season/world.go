package season

import (
	"context"
	"fmt"
	"strings"
	"time"

	"stagebot/domain"
	"stagebot/store"
)

// Role is who a message went to.
type Role string

// The roles.
const (
	RoleStudent Role = "student"
	RoleParent  Role = "parent"
	RoleHost    Role = "host"
	RoleOther   Role = "other"
)

// World is the season's people and places: the campaign, the hosts with their offers and how they
// answer, the students with their parents and how they behave. The collèges and the sectors are the
// database's (import them first).
type World struct {
	Campaign store.Campaign
	Hosts    []Host
	Students []Student
	// CatalogSaved says the hosts, their contacts and their offers are in the database already (a
	// seeded or imported catalog): the season saves only the campaign, and Hosts say only who answers
	// and how (their offers are not needed: students find them by searching, see Student.Searches).
	CatalogSaved bool
	// SchoolDays is how the collèges handle the agreements on their pages: every school day at 17:00
	// they check the agreements their hosts completed, and their principals sign those open to
	// signatures, once they have waited this many days (0: the same day). Negative: never.
	SchoolDays int
	// Nudging are the collèges (by UAI) whose staff nudge their students without a place from their
	// page, every Monday at 17:00 (the page lets a student be nudged once a week).
	Nudging map[string]bool
}

// Host is a host structure, its contacts, its offers, and how it answers requests.
type Host struct {
	Ref, Name string
	Kind      string   // store.HostCity or store.HostESS
	Employer  string   // store.EmployerPublic or store.EmployerPrivate
	Contacts  []string // mobile numbers (E.164); the first one answers
	Answer    HostAnswer
	Agreement Answer // when it gives its part of an agreement (asks: the request for it, the reminders) and signs (the same)
	Offers    []Offer
}

// HostAnswer is how a host answers its requests: each at the Nth message asking about it (1 the
// request itself, 2 the first reminder…; 0 never), Delay after; it accepts a share of them, and gives
// a mark to a share of the stages it hosted.
type HostAnswer struct {
	Answer
	Accept float64 // 0 to 1
	Review float64 // 0 to 1
	// DeclineBooking is the chance it declines a booking (direct booking), if it reads the booking
	// at all (AtAsk 1), Delay after it: too late, the booking stands.
	DeclineBooking float64
}

// Answer is when a person answers a message that asks them something: at the Nth message asking (1
// the first, 2 the first reminder…; 0 never), Delay after it (moved to the next waking hour).
type Answer struct {
	AtAsk int
	Delay time.Duration
}

// Offer is one offer of a host: the student types Keyword to find it.
type Offer struct {
	Ref, Title, Keyword, Sector string
	Arrondissement              int
	Weeks                       []store.OfferWeek
}

// Student is a student who signs up, and their parent.
type Student struct {
	FirstName   string
	Channel     domain.Channel
	Address     string
	ParentPhone string
	SchoolUAI   string
	Week        time.Time // the Monday of their stage week
	BirthMonth  time.Time
	SignUp      time.Time     // when they write first
	Applies     []string      // the offers (refs) they apply to after signing up, one every ApplyEvery
	ApplyEvery  time.Duration // (default 1 day)
	Extra       []string      // the offers they apply to, one at a time, when a message invites them to search
	Parent      ParentAnswer
	Confirm     Answer // when they confirm a place a host accepted (asks: the acceptance, the reminders)
	Agreement   Answer // when they give their last name for the agreement and sign it (asks: each question, the reminders)
	Review      bool   // they give a mark after the stage
	// Searches are words the student searches after signing up, one every ApplyEvery, instead of
	// offers they know (Applies): they look at Views offers of the results, picked at random, and
	// apply to the last one they looked at that takes applications.
	Searches []string
	// MoreSearches are words they search, one at a time, when a message invites them to search again
	// (after Extra, if both are set).
	MoreSearches []string
	Views        int // offers looked at per search (default 1)
}

// ParentAnswer is when a parent answers the request to agree (asks: the request, the reminders),
// whether they agree, and whether they stop everything later.
type ParentAnswer struct {
	Answer
	Agree bool
	// StopAfter is how long after agreeing the parent sends STOP (0: never): their agreement is
	// withdrawn, and with it the applications that had reached hosts.
	StopAfter time.Duration
	// Agreement is when they give their name for the agreement and sign it.
	Agreement Answer
}

// built is the world as saved: ids, and who is who by address.
type built struct {
	campaignID   int64
	offerIDs     map[string]int64 // by ref
	offers       map[string]Offer // by ref
	parentOf     map[string]int   // student index by parent phone
	roles        map[string]Role  // by channel/address
	studentIndex map[string]int   // by address
	hostOf       map[string]int   // by contact address
	staff        map[string]int64 // the member of staff who nudges, by collège UAI
}

// build saves the campaign, the hosts and the offers, and makes the search see them.
func build(ctx context.Context, st *store.Store, w World) (*built, error) {
	b := &built{offerIDs: map[string]int64{}, offers: map[string]Offer{}, parentOf: map[string]int{},
		roles: map[string]Role{}, studentIndex: map[string]int{}, hostOf: map[string]int{}, staff: map[string]int64{}}
	var err error
	if b.campaignID, err = st.SaveCampaign(ctx, w.Campaign); err != nil {
		return nil, err
	}
	for uai := range w.Nudging {
		id, err := st.SaveStaff(ctx, store.Staff{Email: "cpe." + strings.ToLower(uai) + "@simulation.example",
			Name: "CPE", Role: store.RoleCPE, Schools: []string{uai}}, w.Campaign.ApplicationsOpen)
		if err != nil {
			return nil, err
		}
		b.staff[uai] = id
	}
	sectors, err := st.Sectors(ctx)
	if err != nil {
		return nil, err
	}
	sectorID := map[string]int{}
	for _, s := range sectors {
		sectorID[s.Name] = s.ID
	}
	if w.CatalogSaved {
		b.registerHosts(w.Hosts)
	}
	for hi, h := range w.Hosts {
		if w.CatalogSaved {
			break
		}
		id, _, err := st.UpsertHost(ctx, store.Host{Ref: h.Ref, Name: h.Name, Kind: h.Kind, Employer: h.Employer})
		if err != nil {
			return nil, err
		}
		for i, phone := range h.Contacts {
			if _, err := st.UpsertHostContact(ctx, store.HostContact{HostID: id, Name: fmt.Sprintf("Contact %d", i+1),
				Phone: phone, Lang: "fr"}); err != nil {
				return nil, err
			}
			b.roles[string(domain.SMS)+"/"+phone] = RoleHost
			b.hostOf[phone] = hi
		}
		for _, o := range h.Offers {
			sec, ok := sectorID[o.Sector]
			if !ok {
				return nil, fmt.Errorf("offer %s: no sector %q", o.Ref, o.Sector)
			}
			if _, err := st.UpsertOffer(ctx, store.Offer{Ref: o.Ref, HostID: id, Title: o.Title,
				Description: "Une semaine pour découvrir le métier avec l'équipe.", SectorID: sec,
				Address: "1 rue de Rivoli, 75004 Paris", Arrondissement: o.Arrondissement, DailyHours: "9h-16h"},
				o.Weeks); err != nil {
				return nil, err
			}
			saved, err := st.OfferByRef(ctx, o.Ref)
			if err != nil {
				return nil, err
			}
			b.offerIDs[o.Ref] = saved.ID
			b.offers[o.Ref] = o
		}
	}
	if !w.CatalogSaved {
		if err := st.RefreshSearchWords(ctx); err != nil {
			return nil, err
		}
	}
	for i, s := range w.Students {
		b.roles[string(s.Channel)+"/"+s.Address] = RoleStudent
		if s.Channel == domain.WhatsApp { // what cannot go on WhatsApp goes on SMS
			b.roles[string(domain.SMS)+"/"+s.Address] = RoleStudent
		}
		b.roles[string(domain.SMS)+"/"+s.ParentPhone] = RoleParent
		b.studentIndex[s.Address] = i
		b.parentOf[s.ParentPhone] = i
	}
	return b, nil
}

// registerHosts knows the hosts' contacts by their numbers, for a catalog saved before.
func (b *built) registerHosts(hosts []Host) {
	for hi, h := range hosts {
		for _, phone := range h.Contacts {
			b.roles[string(domain.SMS)+"/"+phone] = RoleHost
			b.hostOf[phone] = hi
		}
	}
}

// roleOf says who an address is.
func (b *built) roleOf(ch domain.Channel, address string) Role {
	if r, ok := b.roles[string(ch)+"/"+address]; ok {
		return r
	}
	if r, ok := b.roles[string(domain.SMS)+"/"+address]; ok {
		return r
	}
	return RoleOther
}
