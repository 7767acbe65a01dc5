package simulate

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"stagebot/calendar"
	"stagebot/domain"
	"stagebot/season"
	"stagebot/store"
)

// Population is who a season is played with: the students of every Paris public collège (its 3e
// cohort, sized by its brevet candidates, times the scale), those of them who use stagebot, and the
// host structures of the catalog (their first contact by name answers for them).
type Population struct {
	Schools []School
	World   season.World
}

// School is a collège and its students in the season.
type School struct {
	UAI, Name string
	Priority  string   // "none", "REP" or "REP+"
	IPS       *float64 // the collège's social position index
	Week      time.Time
	Cohort    int  // 3e students at this scale
	Users     int  // of them, those who use stagebot
	Relays    bool // the collège relays the service (the policy's outreach)
}

// populate draws the population of a season from the database's collèges, hosts and places, the
// behaviour, the policy's outreach and the seed. The same inputs give the same population: each
// collège, student and host draws from a random source of its own, so that a collège that relays the
// service has the students it would have had without, and more.
func populate(schools []store.School, hosts []store.HostPhone, places []store.SectorWeek, b Behaviour,
	p Policy, scale float64, seed uint64, start time.Time) Population {
	var pop Population
	pop.World.SchoolDays = b.SchoolAgreementDays
	pop.World.Nudging = map[string]bool{}
	sectors := sectorsByWeek(places)
	for i, h := range hosts {
		if i > 0 && hosts[i-1].HostID == h.HostID {
			last := &pop.World.Hosts[len(pop.World.Hosts)-1]
			last.Contacts = append(last.Contacts, h.Phone)
			continue
		}
		r := rng(seed, "host/"+h.HostRef)
		pop.World.Hosts = append(pop.World.Hosts, season.Host{Ref: h.HostRef, Contacts: []string{h.Phone},
			Answer: season.HostAnswer{Answer: season.Answer{AtAsk: atAsk(r, b.HostAsks),
				Delay: capped(expDuration(r, b.HostDelayDays*24*float64(time.Hour)), 7*24*time.Hour)},
				Accept: b.HostAccept, Review: 0.5, DeclineBooking: b.BookingDecline},
			Agreement: agreementAnswer(r, b.AgreementHostAsks, b.AgreementDelayHours)})
	}
	paris := 0
	for _, sc := range schools {
		if sc.Department != store.ParisDepartment || sc.CohortSize == nil || sc.StageWeek == nil {
			continue
		}
		r := rng(seed, "school/"+sc.UAI)
		school := School{UAI: sc.UAI, Name: sc.Name, Priority: sc.Priority, IPS: sc.IPS, Week: calendar.Day(*sc.StageWeek),
			Cohort: int(math.Round(float64(*sc.CohortSize) * scale)), Relays: p.relays(sc.UAI, sc.Priority)}
		uptake := b.Uptake
		if school.Relays {
			uptake = b.OutreachUptake
			pop.World.Nudging[school.UAI] = true
		}
		for k := range school.Cohort {
			if r.Float64() >= uptake { // one draw a student, whatever the uptake
				continue
			}
			school.Users++
			pop.World.Students = append(pop.World.Students, student(b, seed, paris, k, school, sectors[school.Week], start))
		}
		pop.Schools = append(pop.Schools, school)
		paris++
	}
	return pop
}

// student draws the k-th student of the cohort of school, the i-th collège of the season: their
// numbers (+33 6 and +33 78, then the collège and the student) and behaviour are theirs
// whoever else uses stagebot.
func student(b Behaviour, seed uint64, i, k int, school School, sectors []store.SectorWeek, start time.Time) season.Student {
	r := rng(seed, fmt.Sprintf("student/%s/%d", school.UAI, k))
	applyEvery, signUpMean := b.ApplyEveryDays, b.SignUpMeanDays
	if school.Relays {
		applyEvery, signUpMean = b.OutreachApplyEveryDays, b.OutreachSignUpMeanDays
	}
	st := season.Student{FirstName: firstNames[r.IntN(len(firstNames))], Channel: domain.SMS,
		Address: fmt.Sprintf("+336%03d%05d", i, k), ParentPhone: fmt.Sprintf("+3378%03d%04d", i, k),
		SchoolUAI: school.UAI, Week: school.Week, Views: b.Views,
		ApplyEvery: time.Duration(applyEvery * 24 * float64(time.Hour)),
		Review:     r.Float64() < b.Review}
	switch u := r.Float64(); {
	case u < b.SMS:
	case u < b.SMS+b.WhatsApp:
		st.Channel = domain.WhatsApp
	default:
		st.Channel, st.Address = domain.Telegram, fmt.Sprintf("7%03d%05d", i, k)
	}
	schoolYear := school.Week.Year()
	if school.Week.Month() < time.August {
		schoolYear--
	}
	st.BirthMonth = time.Date(schoolYear-14, time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC)

	// They sign up some days after the opening, by day, at the latest 16 days before their week.
	latest := school.Week.AddDate(0, 0, -16).Sub(calendar.Day(start))
	after := expDuration(r, signUpMean*24*float64(time.Hour))
	if after > latest {
		after = time.Duration(r.Float64() * float64(max(latest, 0)))
	}
	day := calendar.Day(start.Add(after).In(calendar.Paris()))
	st.SignUp = calendar.AtParis(day, 8+r.IntN(12), r.IntN(60))
	if st.SignUp.Before(start) {
		st.SignUp = start.Add(time.Duration(r.IntN(600)) * time.Minute)
	}

	mean, nudge := b.ApplicationsOther, b.NudgeOther
	if school.Priority != store.PriorityNone {
		mean, nudge = b.ApplicationsREP, b.NudgeREP
	}
	for range 1 + poisson(r, mean-1) {
		st.Searches = append(st.Searches, interest(r, sectors))
	}
	for range b.MaxNudged {
		if r.Float64() < nudge {
			st.MoreSearches = append(st.MoreSearches, interest(r, sectors))
		}
	}
	st.Parent = season.ParentAnswer{Answer: season.Answer{AtAsk: atAsk(r, b.ParentAsks),
		Delay: capped(expDuration(r, b.ParentDelayHours*float64(time.Hour)), 10*24*time.Hour)},
		Agree: r.Float64() < b.ParentAgree}
	st.Confirm = season.Answer{AtAsk: atAsk(r, b.ConfirmAsks),
		Delay: capped(expDuration(r, b.ConfirmDelayHours*float64(time.Hour)), 5*24*time.Hour)}
	st.Agreement = agreementAnswer(r, b.AgreementStudentAsks, b.AgreementDelayHours)
	st.Parent.Agreement = agreementAnswer(r, b.AgreementParentAsks, b.AgreementDelayHours)
	return st
}

// agreementAnswer draws when someone does their part of an agreement.
func agreementAnswer(r *rand.Rand, asks []float64, delayHours float64) season.Answer {
	return season.Answer{AtAsk: atAsk(r, asks), Delay: capped(expDuration(r, delayHours*float64(time.Hour)), 5*24*time.Hour)}
}

// interest is the word a student searches: the name of a sector, picked in proportion to the
// places it offers in their week (students want what there is, roughly), as they would type it.
func interest(r *rand.Rand, sectors []store.SectorWeek) string {
	total := 0
	for _, s := range sectors {
		total += s.Places
	}
	if total == 0 {
		return "stage"
	}
	k := r.IntN(total)
	for _, s := range sectors {
		if k < s.Places {
			return strings.ToLower(s.Sector)
		}
		k -= s.Places
	}
	return "stage"
}

// sectorsByWeek groups the places of each sector by week.
func sectorsByWeek(places []store.SectorWeek) map[time.Time][]store.SectorWeek {
	m := map[time.Time][]store.SectorWeek{}
	for _, p := range places {
		w := calendar.Day(p.Week)
		m[w] = append(m[w], p)
	}
	return m
}

// atAsk draws at which message asking a person answers (1 the first…; 0 never) from the shares of
// those who answer at each.
func atAsk(r *rand.Rand, shares []float64) int {
	u := r.Float64()
	for i, s := range shares {
		if u < s {
			return i + 1
		}
		u -= s
	}
	return 0
}

// expDuration draws an exponential duration of the given mean (in nanoseconds).
func expDuration(r *rand.Rand, mean float64) time.Duration {
	return time.Duration(r.ExpFloat64() * mean).Round(time.Minute)
}

func capped(d, most time.Duration) time.Duration { return min(d, most) }

// poisson draws a Poisson count of the given mean (Knuth's method; the means here are small).
func poisson(r *rand.Rand, mean float64) int {
	if mean <= 0 {
		return 0
	}
	limit, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.Float64()
		if p <= limit {
			return k
		}
		k++
	}
}

// rng is the random source of one thing of the season (a collège, a student, a host): what one
// draws does not depend on what the others drew.
func rng(seed uint64, what string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(what))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

var firstNames = []string{"Inès", "Nora", "Moussa", "Léo", "Aïcha", "Tom", "Yasmine", "Hugo", "Fatou", "Lucas",
	"Mei", "Adam", "Sofia", "Ibrahim", "Chloé", "Rayan", "Jade", "Mamadou", "Lina", "Noé"}
