package simulate

import (
	"math"
	"slices"
	"time"

	"stagebot/calendar"
	"stagebot/domain"
	"stagebot/season"
	"stagebot/store"
)

// Figures are what one season showed (one policy, one seed).
type Figures struct {
	Policy string `json:"policy"`
	Seed   uint64 `json:"seed"`
	// Students are the population's 3e students, Users those who used stagebot, Placed those of
	// them who confirmed a stage.
	Students int `json:"students"`
	Users    int `json:"users"`
	Placed   int `json:"placed"`
	// ByPriority splits them by the collège's priority education status (none, REP, REP+).
	ByPriority []Group `json:"by_priority"`
	// ByIPS splits them by the collège's social position index (IPS), in bands.
	ByIPS []Group `json:"by_ips"`
	// Schools are the figures of each collège.
	Schools []SchoolFigures `json:"schools"`
	// Reserved are the places reserved for REP/REP+ students, ReservedTakenREP those REP/REP+
	// students took (accepted or confirmed, over all weeks).
	Reserved         int `json:"reserved_places"`
	ReservedTakenREP int `json:"reserved_taken_by_rep"`
	// Requests are the applications that reached a host; Answered those it answered; AnswerDays
	// counts the answers by whole days after the request (the last cell: 14 days or more).
	Requests   int     `json:"requests"`
	Answered   int     `json:"answered"`
	AnswerDays []int   `json:"answer_days"`
	MedianDays float64 `json:"answer_median_days"`
	// Weeks are the places of each stage week and how many stayed empty (no confirmed student).
	Weeks []WeekFigures `json:"weeks"`
	// Applications counts the applications by final state.
	Applications map[string]int `json:"applications"`
	// Agreements are the agreements of the stages that held; SignedByJ3 those signed by all at the
	// end of the Friday before the stage (3 days before its Monday).
	// BookingsDeclined are the bookings (direct booking) their host declined within its days.
	BookingsDeclined int            `json:"bookings_declined"`
	Agreements       int            `json:"agreements"`
	SignedByJ3       int            `json:"agreements_signed_by_j3"`
	AgreementStates  map[string]int `json:"agreements_by_state"` // where they ended

	// Messages counts what was sent to each party.
	Messages []PartyFigures `json:"messages"`
	Inbound  int            `json:"inbound_messages"`
	// Invariants count what must never happen: an offer week over its places, a reserved place to a
	// student outside REP/REP+ before the release, an application not final at the end, a message
	// nobody asked for outside the sending hours.
	Invariants Invariants `json:"invariants"`
}

// Group is a set of students and how many got a place.
type Group struct {
	Name   string  `json:"name"`
	Users  int     `json:"users"`
	Placed int     `json:"placed"`
	Rate   float64 `json:"rate"`
}

// SchoolFigures are one collège's figures.
type SchoolFigures struct {
	UAI      string   `json:"uai"`
	Priority string   `json:"priority"`
	IPS      *float64 `json:"ips"`
	Users    int      `json:"users"`
	Placed   int      `json:"placed"`
}

// WeekFigures are one stage week's places.
type WeekFigures struct {
	Week      string `json:"week"`
	Places    int    `json:"places"`
	Confirmed int    `json:"confirmed"`
	Empty     int    `json:"empty"`
	Users     int    `json:"users"` // students of that week who used stagebot
}

// PartyFigures are the messages sent to a party (students, parents, hosts).
type PartyFigures struct {
	Party       string  `json:"party"`
	Messages    int     `json:"messages"`
	SMSMessages int     `json:"sms_messages"`
	Segments    int     `json:"sms_segments"`
	Cost        float64 `json:"sms_cost_eur"`
}

// Invariants count the broken rules of a season: all zero in a sound one.
type Invariants struct {
	OverPlaces         int `json:"offer_weeks_over_places"`
	ReservedToOthers   int `json:"reserved_to_others_before_release"`
	NotFinal           int `json:"applications_not_final"`
	OutsideHours       int `json:"proactive_outside_hours"`
	ConversationsMoved int `json:"conversations_moved_by_jobs"`
}

// ipsBands are the IPS bands the placements are split by.
var ipsBands = []struct {
	name     string
	from, to float64
}{{"IPS < 90", 0, 90}, {"IPS 90–105", 90, 105}, {"IPS 105–120", 105, 120}, {"IPS ≥ 120", 120, math.Inf(1)}}

// measure turns a season's outcome into its figures.
func measure(pop Population, out *season.Outcome, price float64) *Figures {
	f := &Figures{Applications: map[string]int{}, AnswerDays: make([]int, 15), Inbound: out.Inbound}
	f.Invariants.OverPlaces, f.Invariants.ReservedToOthers = out.OverPlaces, out.ReservedToOthers
	f.Invariants.ConversationsMoved = out.Interrupted

	placed := make([]bool, len(pop.World.Students))
	var answerHours []float64
	for _, a := range out.Applications {
		f.Applications[string(a.State)]++
		if a.State != domain.Confirmed && a.State.Live() {
			f.Invariants.NotFinal++
		}
		if a.State == domain.Confirmed {
			placed[a.Student] = true
		}
		if a.Booked && a.State == domain.Declined {
			f.BookingsDeclined++
		}
		if a.SentAt == nil {
			continue
		}
		f.Requests++
		if a.AnsweredAt != nil {
			f.Answered++
			h := a.AnsweredAt.Sub(*a.SentAt).Hours()
			answerHours = append(answerHours, h)
			f.AnswerDays[min(int(h/24), len(f.AnswerDays)-1)]++
		}
	}
	f.MedianDays = round(median(answerHours)/24, 2)
	f.AgreementStates = map[string]int{}
	for _, a := range out.Agreements {
		f.Agreements++
		f.AgreementStates[string(a.State)]++
		if a.SignedBy(3) {
			f.SignedByJ3++
		}
	}

	schoolIndex := map[string]int{}
	for i, sc := range pop.Schools {
		schoolIndex[sc.UAI] = i
		f.Students += sc.Cohort
		f.Schools = append(f.Schools, SchoolFigures{UAI: sc.UAI, Priority: sc.Priority, IPS: sc.IPS})
	}
	usersByWeek := map[string]int{}
	for i, st := range pop.World.Students {
		sf := &f.Schools[schoolIndex[st.SchoolUAI]]
		sf.Users++
		f.Users++
		usersByWeek[st.Week.Format(time.DateOnly)]++
		if placed[i] {
			sf.Placed++
			f.Placed++
		}
	}
	for _, name := range []string{store.PriorityNone, store.PriorityREP, store.PriorityREPPlus} {
		g := Group{Name: name}
		for _, sf := range f.Schools {
			if sf.Priority == name {
				g.Users += sf.Users
				g.Placed += sf.Placed
			}
		}
		f.ByPriority = append(f.ByPriority, g.rated())
	}
	for _, band := range ipsBands {
		g := Group{Name: band.name}
		for _, sf := range f.Schools {
			if sf.IPS != nil && *sf.IPS >= band.from && *sf.IPS < band.to {
				g.Users += sf.Users
				g.Placed += sf.Placed
			}
		}
		f.ByIPS = append(f.ByIPS, g.rated())
	}

	for _, w := range out.Weeks {
		f.Reserved += w.Reserved
		f.ReservedTakenREP += w.ReservedTakenREP
		week := w.Week.Format(time.DateOnly)
		confirmed := w.ConfirmedREP + w.ConfirmedOthers
		f.Weeks = append(f.Weeks, WeekFigures{Week: week, Places: w.Places, Confirmed: confirmed,
			Empty: w.Places - confirmed, Users: usersByWeek[week]})
	}

	hours, _ := calendar.SendingHours()
	parties := map[season.Role]*PartyFigures{}
	for _, m := range out.Sent {
		p, ok := parties[m.Role]
		if !ok {
			p = &PartyFigures{Party: string(m.Role)}
			parties[m.Role] = p
		}
		p.Messages++
		if m.Channel == domain.SMS {
			p.SMSMessages++
			p.Segments += m.Segments
		}
		if m.Proactive && hours != nil && !hours.Open(m.At) {
			f.Invariants.OutsideHours++
		}
	}
	for _, role := range []season.Role{season.RoleStudent, season.RoleParent, season.RoleHost, season.RoleOther} {
		if p, ok := parties[role]; ok {
			p.Cost = math.Round(float64(p.Segments)*price*100) / 100
			f.Messages = append(f.Messages, *p)
		}
	}
	return f
}

func (g Group) rated() Group {
	if g.Users > 0 {
		g.Rate = round(float64(g.Placed)/float64(g.Users), 4)
	}
	return g
}

// rate is the share of users who got a place.
func (f *Figures) rate() float64 {
	if f.Users == 0 {
		return 0
	}
	return float64(f.Placed) / float64(f.Users)
}

// placedIn counts the students of REP/REP+ collèges (rep true), or of the others, who got a place.
func (f *Figures) placedIn(rep bool) int {
	_, placed := f.in(rep)
	return placed
}

// usersIn counts the students of REP/REP+ collèges (rep true), or of the others, who used stagebot.
func (f *Figures) usersIn(rep bool) int {
	users, _ := f.in(rep)
	return users
}

// priorityRate is the placement rate of the students of REP/REP+ collèges (rep true) or of the others.
func (f *Figures) priorityRate(rep bool) float64 {
	users, placed := f.in(rep)
	if users == 0 {
		return 0
	}
	return float64(placed) / float64(users)
}

// in counts the users and the placed of REP/REP+ collèges (rep true), or of the others.
func (f *Figures) in(rep bool) (users, placed int) {
	for _, g := range f.ByPriority {
		if (g.Name != store.PriorityNone) == rep {
			users += g.Users
			placed += g.Placed
		}
	}
	return users, placed
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func round(v float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}
