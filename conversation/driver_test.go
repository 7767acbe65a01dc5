package conversation

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"stagebot/domain"
	"stagebot/fold"
	"stagebot/locales"
)

// The fixed world of these tests: Monday 5 October 2026 in Paris, a collège whose stage week is
// Monday 11 January 2027, a handful of offers.
var (
	testNow    = time.Date(2026, 10, 5, 10, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	schoolWeek = time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)
)

const studentNumber = "+33611111111"

// world is a tiny fake of the store: it answers the asking effects with canned data.
type world struct {
	schools       []domain.School
	sectors       []domain.Sector
	offers        []domain.OfferDetail
	apps          []domain.ApplicationSummary
	applyProblem  domain.Problem // what Apply answers
	offerProblem  domain.Problem // what an offer's page says
	searches      []SearchOffers // every search asked, in order
	registered    *Register
	erased        []int64
	relayed       []string              // answers relayed to hosts
	changed       []Profile             // profile changes saved
	feedback      []GiveFeedback        // feedback given
	profileParent string                // the parent's number as saved
	weeks         []domain.WeekOffers   // the weeks with offers open: the collège's, 18 January, 1 February
	noSeason      bool                  // no season in force: any school week can be taken
	agreement     *domain.AgreementView // the student's agreement, open to signatures; nil: none
	tries         int                   // wrong codes typed
	named         []SetAgreementName    // names given for the agreement
}

func newWorld() *world {
	w := &world{
		schools: []domain.School{
			{UAI: "0751234X", Name: "Collège Jean Moulin", Commune: "Paris 14e", Priority: "REP", StageWeek: &schoolWeek},
			{UAI: "0755555A", Name: "Collège Jean Jaurès", Commune: "Paris 19e", Priority: "REP+"},
			{UAI: "0756666B", Name: "Collège Jean-Baptiste Say", Commune: "Paris 16e", Priority: "none"},
		},
		sectors: []domain.Sector{{ID: 1, Name: "Arts et spectacle", Offers: 7}, {ID: 2, Name: "Artisanat", Offers: 2},
			{ID: 3, Name: "Santé", Offers: 1}},
		weeks: []domain.WeekOffers{{Week: schoolWeek, Offers: 7}, {Week: schoolWeek.AddDate(0, 0, 7), Offers: 3},
			{Week: schoolWeek.AddDate(0, 0, 21), Offers: 1}},
		agreement: &domain.AgreementView{ID: 9, Ref: 500, State: domain.AgreementSigning, Student: "Léa M.", First: "Léa",
			Host: "Musée 1", Offer: "Guide au musée 1", Week: schoolWeek, Needs: []domain.AgreementNeed{domain.NeedSignatures},
			Signed: []domain.Signatory{domain.SignHost}, Unsigned: []domain.Signatory{domain.SignSchool, domain.SignStudent,
				domain.SignParent}, You: domain.SignStudent, Link: "https://stagebot.example.org/c/abc"},
	}
	deadline := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i := 1; i <= 7; i++ {
		w.offers = append(w.offers, domain.OfferDetail{
			OfferSummary: domain.OfferSummary{
				ID: int64(100 + i), Title: fmt.Sprintf("Guide au musée %d", i), HostName: fmt.Sprintf("Musée %d", i),
				Kind: []string{"city", "ess"}[i%2], Arrondissement: i, PlacesLeft: 2,
			},
			Description: strings.Repeat("Tu découvriras les coulisses du musée. ", 20),
			Sector:      "Arts et spectacle", Address: fmt.Sprintf("%d rue des Archives", i), DailyHours: "9h-17h",
			Deadline: &deadline, Week: schoolWeek, RunsInWeek: true,
		})
	}
	return w
}

// answer carries an asking effect out, or returns nil for one that does not answer.
func (w *world) answer(e Effect) Result {
	switch e := e.(type) {
	case RelayToHost:
		w.relayed = append(w.relayed, e.Text)
		return Relayed{OK: true, To: "Musée", Masked: e.Masked}
	case ConfirmPlace:
		return Confirmed{Host: "Musée", Cancelled: 1}
	case FindSchools:
		var found []domain.School
		for _, sc := range w.schools {
			if strings.EqualFold(sc.UAI, e.Query) || strings.Contains(fold.String(sc.Name), fold.String(e.Query)) {
				found = append(found, sc)
			}
		}
		return SchoolsFound{Schools: found}
	case ListFamilies:
		return FamiliesFound{Families: []domain.Family{{Key: "arts", Offers: 7}, {Key: "sante", Offers: 1}}}
	case FindSectors:
		found := SectorsFound{Family: e.Family}
		for _, sec := range w.sectors {
			if e.Family == "arts" && sec.ID != 3 || e.Family == "sante" && sec.ID == 3 {
				found.Sectors = append(found.Sectors, sec)
			}
		}
		return found
	case ChangeProfile:
		w.changed = append(w.changed, e.Profile)
		return ProfileChanged{Profile: e.Profile, NewParent: w.profileParent != "" && e.Profile.ParentPhone != w.profileParent}
	case Register:
		w.registered = &e
		return Registered{StudentID: 42}
	case CheckWeek:
		r := WeekChecked{Week: e.Week, Open: w.weeks}
		for _, wk := range w.weeks {
			r.Stage = append(r.Stage, wk.Week)
		}
		if e.Week.Month() == time.December && e.Week.Day() > 18 || e.Week.Month() == time.January && e.Week.Day() < 4 {
			r.Holiday = "Noël"
		}
		if w.noSeason {
			r.Stage = nil
		}
		return r
	case SearchOffers:
		w.searches = append(w.searches, e)
		var match []domain.OfferSummary
		for _, o := range w.offers {
			if e.Filters.Keyword != "" && !strings.Contains(fold.String(o.Title), fold.String(e.Filters.Keyword)) ||
				e.Filters.Kind != "" && o.Kind != e.Filters.Kind ||
				e.Filters.Arrondissement != 0 && o.Arrondissement != e.Filters.Arrondissement {
				continue
			}
			match = append(match, o.OfferSummary)
		}
		from := min(e.Page*e.PageSize, len(match))
		return OffersFound{Offers: match[from:min(from+e.PageSize, len(match))], Total: len(match)}
	case ShowOffer:
		for _, o := range w.offers {
			if o.ID == e.OfferID {
				for _, a := range w.apps {
					if a.OfferID == o.ID && a.State.Live() {
						o.AlreadyApplied, o.Problem = true, domain.ProblemAlready
					}
				}
				if o.Problem == domain.NoProblem {
					o.Problem = w.offerProblem
				}
				return OfferFound{Offer: &o}
			}
		}
		return OfferFound{}
	case Apply:
		if w.applyProblem == domain.ProblemNotOpen {
			opens := schoolWeek.AddDate(0, 0, -42)
			return Applied{Problem: w.applyProblem, OpensOn: &opens}
		}
		if w.applyProblem != domain.NoProblem {
			return Applied{Problem: w.applyProblem}
		}
		id := int64(500 + len(w.apps))
		title := ""
		for _, o := range w.offers {
			if o.ID == e.OfferID {
				title = o.Title
			}
		}
		w.apps = append(w.apps, domain.ApplicationSummary{ID: id, OfferID: e.OfferID, OfferTitle: title, HostName: "Musée",
			Week: schoolWeek, State: "awaiting_parent", CreatedAt: testNow})
		return Applied{ApplicationID: id}
	case ShowAgreement:
		return AgreementFound{Agreement: w.agreement}
	case RequestCode:
		if w.agreement == nil {
			return CodeSent{Problem: CodeNoneHere}
		}
		if w.agreement.State != domain.AgreementSigning {
			return CodeSent{Agreement: w.agreement, Problem: CodeNotOpen}
		}
		return CodeSent{Agreement: w.agreement, Code: "123456"}
	case SignWithCode:
		switch {
		case e.Code == "123456":
			return SignResult{Agreement: w.agreement, Outcome: SignedOK}
		case w.tries >= 4:
			return SignResult{Agreement: w.agreement, Outcome: SignLocked}
		}
		w.tries++
		return SignResult{Agreement: w.agreement, Outcome: SignWrongCode, TriesLeft: 5 - w.tries}
	case SetAgreementName:
		w.named = append(w.named, e)
		return AgreementSaved{Agreement: w.agreement, OK: true}
	case ListApplications:
		return ApplicationsFound{Applications: append([]domain.ApplicationSummary(nil), w.apps...)}
	case Withdraw:
		for i, a := range w.apps {
			if a.ID == e.ApplicationID && a.State.Live() && (a.State != domain.Confirmed || e.Stage) {
				w.apps[i].State = "withdrawn"
				return Withdrawn{OK: true}
			}
		}
		return Withdrawn{OK: false}
	case Erase:
		w.erased = append(w.erased, e.StudentID)
	case GiveFeedback:
		w.feedback = append(w.feedback, e)
		return FeedbackSaved{OK: true}
	}
	return nil
}

// asks reports whether e is an effect whose answer comes back as a Result.
func asks(e Effect) bool {
	switch e.(type) {
	case FindSchools, ListFamilies, FindSectors, Register, CheckWeek, SearchOffers, ShowOffer, Apply, ListApplications,
		Withdraw, RelayToHost, ConfirmPlace, ReadRelays, AcceptApplication, DeclineApplication, RelayToStudent, Consent,
		ChangeProfile, GiveFeedback, ShowAgreement, RequestCode, SignWithCode, SetHours, SetActivities, SetAgreementName,
		SetSecondParent:
		return true
	}
	return false
}

// driver plays a person talking to the machine, with the world answering its effects.
type driver struct {
	t       testing.TB
	m       *Machine
	w       *world
	s       Session
	channel domain.Channel
	replies []domain.Reply // the replies to the last message, answers to effects included
	effects []Effect       // the effects of the last message
	all     []domain.Reply // every reply so far
}

func newMachine(t testing.TB) *Machine {
	t.Helper()
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return New(cat, Config{})
}

func newDriver(t testing.TB) *driver {
	return &driver{t: t, m: newMachine(t), w: newWorld(), s: NewSession(), channel: domain.SMS}
}

// send types text and returns everything the machine answered.
func (d *driver) send(text string) string { return d.input(Input{Text: text}) }

// press presses the button with this key (Telegram).
func (d *driver) press(key string) string { return d.input(Input{Choice: key}) }

// input feeds one message, then the answers to the effects it asks, and checks the machine's
// promises at every step.
func (d *driver) input(in Input) string {
	d.t.Helper()
	in.Channel, in.Address, in.Now = d.channel, studentNumber, testNow
	d.replies, d.effects = nil, nil
	for i := 0; ; i++ {
		if i == 10 {
			d.t.Fatalf("more than 10 steps for one message")
		}
		out := d.step(in)
		d.replies = append(d.replies, out.Replies...)
		d.effects = append(d.effects, out.Effects...)
		if len(out.Effects) == 0 || !asks(out.Effects[len(out.Effects)-1]) {
			for _, e := range out.Effects {
				d.w.answer(e)
			}
			break
		}
		for _, e := range out.Effects[:len(out.Effects)-1] {
			d.w.answer(e)
		}
		in = Input{Channel: d.channel, Address: studentNumber, Now: testNow, Result: d.w.answer(out.Effects[len(out.Effects)-1])}
	}
	d.all = append(d.all, d.replies...)
	return d.text()
}

// step runs one Step and checks what every output must be.
func (d *driver) step(in Input) Output {
	d.t.Helper()
	before := d.s
	out := d.m.Step(d.s, in)
	checkOutput(d.t, before, out)
	d.s = out.Session
	return out
}

// checkOutput checks the promises every output keeps.
func checkOutput(t testing.TB, before Session, out Output) {
	t.Helper()
	for i, e := range out.Effects {
		if asks(e) && i != len(out.Effects)-1 {
			t.Errorf("asking effect %T is not last in %v", e, out.Effects)
		}
	}
	for _, r := range out.Replies {
		checkText(t, r.Text)
		for _, c := range r.Choices {
			checkText(t, c.Label)
		}
	}
	if n := len(out.Replies); n > 0 {
		last := out.Replies[n-1]
		var keys, labels, numbers []string
		seen := map[string]bool{}
		for _, c := range last.Choices {
			keys = append(keys, c.Key)
			labels = append(labels, c.Label)
			numbers = append(numbers, c.Number)
			if c.Number == "" || seen[c.Number] {
				t.Errorf("choice %q has number %q, missing or taken twice", c.Label, c.Number)
			}
			seen[c.Number] = true
			if fixed, ok := fixedNumbers[c.Key]; ok && c.Number != fixed {
				t.Errorf("choice %q has number %s, not its fixed %s", c.Key, c.Number, fixed)
			}
		}
		quietMenu := len(last.Choices) == 0 && out.Session.State == Menu // see backHome
		note := len(last.Choices) == 0 && out.Session.State == before.State &&
			reflect.DeepEqual(out.Session.Choices, before.Choices) // see turn.note
		if !quietMenu && !note && (!reflect.DeepEqual(keys, out.Session.Choices) || !reflect.DeepEqual(labels, out.Session.Labels) ||
			!reflect.DeepEqual(numbers, out.Session.Numbers)) {
			t.Errorf("session choices %q %q %q, last reply offers %q %q %q", out.Session.Choices, out.Session.Labels,
				out.Session.Numbers, keys, labels, numbers)
		}
	} else if len(out.Effects) == 0 && !before.Stopped && !reflect.DeepEqual(before, out.Session) {
		t.Errorf("session changed with nothing said or done")
	}
	if out.Session.State == "" || out.Session.Lang == "" {
		t.Errorf("incomplete session %+v", out.Session)
	}
}

// checkText fails on a reply a person should never read.
func checkText(t testing.TB, s string) {
	t.Helper()
	for _, bad := range []string{"<no value>", "{{", "}}", "%!"} {
		if strings.Contains(s, bad) {
			t.Errorf("reply contains %q: %q", bad, s)
		}
	}
	if strings.TrimSpace(s) == "" {
		t.Errorf("empty reply or label")
	}
}

// text joins the replies to the last message, choices as "[label]".
func (d *driver) text() string {
	var b strings.Builder
	for _, r := range d.replies {
		b.WriteString(r.Text)
		for _, c := range r.Choices {
			b.WriteString(" [" + c.Label + "]")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// expect checks that the replies to the last message contain each phrase, and the state.
func (d *driver) expect(state State, phrases ...string) {
	d.t.Helper()
	if d.s.State != state {
		d.t.Errorf("state = %s, want %s; replies:\n%s", d.s.State, state, d.text())
	}
	got := d.text()
	for _, p := range phrases {
		if !strings.Contains(got, p) {
			d.t.Errorf("replies lack %q:\n%s", p, got)
		}
	}
}

// effect returns the last effect of type E the last message caused.
func effectOf[E Effect](d *driver) (E, bool) {
	var found E
	ok := false
	for _, e := range d.effects {
		if x, is := e.(E); is {
			found, ok = x, true
		}
	}
	return found, ok
}
