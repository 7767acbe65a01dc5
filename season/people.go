package season

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"stagebot/bot"
	"stagebot/calendar"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// What people recognise in the messages they get. The world's people read French.
var (
	refIn = regexp.MustCompile(`réf\. (\d+)`)
	// asksConsent is in the request to agree and in its reminders.
	asksConsent = "Répondez OUI"
	// newRequest starts a request to a host.
	newRequest = "Demande de stage (réf. "
	// placeOffered is in the acceptance and in the reminders to confirm; placeBooked in a booking's.
	placeOffered = "t'accepte, semaine du"
	placeBooked  = "C'est réservé : ta place chez"
	// newBooking starts a booking, to a host.
	newBooking = "Réservation (réf. "
	// invitesToSearch ends the messages that invite a student to look for another offer ("Écris…",
	// or "…: écris…" after a refusal).
	invitesToSearch = "crit un mot pour chercher"
	// asksLastName and asksParentName ask a name for the agreement; asksSignature asks to sign it (with
	// SIGNER); codeIn carries the signing code.
	asksLastName   = "quel est ton nom de famille"
	asksParentName = "votre prénom et votre nom"
	owesLastName   = "ton nom de famille (réponds CONVENTION)"
	asksSignature  = "SIGNER"
	codeIn         = regexp.MustCompile(`code de signature : (\d{3}) (\d{3})`)
	// asksHostPart asks the host its part of an agreement.
	asksHostPart = regexp.MustCompile(`HORAIRES (\d+)`)
	asksHostSign = regexp.MustCompile(`SIGNER (\d+)`)
)

// demoSchedule and demoActivities are the part the hosts give.
const (
	demoSchedule   = "lundi au jeudi 9h-12h 13h30-16h30, vendredi 9h-12h"
	demoActivities = "Accueil du public, découverte des métiers de la structure."
)

// person is what the simulation remembers of one person between messages.
type person struct {
	asks     int            // messages that asked them for their answer (parent: consent; student: to confirm)
	answered bool           // they gave it
	refAsks  map[string]int // a host: messages that asked about each request, by ref
	extra    int            // a student: the Extra offers applied to so far
	// The agreement: messages that asked a name or a signature (a host: by ref), and whether given.
	nameAsks, signAsks int
	named, signing     bool
	partAsks, hostSign map[string]int
}

func (s *sim) person(address string) *person {
	if s.people == nil {
		s.people = map[string]*person{}
	}
	p, ok := s.people[address]
	if !ok {
		p = &person{refAsks: map[string]int{}, partAsks: map[string]int{}, hostSign: map[string]int{}}
		s.people[address] = p
	}
	return p
}

// plan schedules each student's first message, the collèges' nudges every Monday at 17:00, and
// their work on the agreements every school day at 17:00.
func (s *sim) plan() {
	for i, st := range s.cfg.World.Students {
		s.at(st.SignUp, func(ctx context.Context) error { return s.signUp(ctx, i) })
	}
	for day := calendar.Day(s.cfg.Start.In(calendar.Paris())); len(s.world.staff) > 0 && !day.After(s.cfg.End); day = day.AddDate(0, 0, 1) {
		at := calendar.AtParis(day, 17, 0)
		if day.Weekday() == time.Monday && at.After(s.cfg.Start) && at.Before(s.cfg.End) {
			s.at(at, s.nudgePass)
		}
	}
	if s.cfg.World.SchoolDays < 0 {
		return
	}
	for day := calendar.Day(s.cfg.Start.In(calendar.Paris())); !day.After(s.cfg.End); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday || wd == time.Wednesday {
			continue
		}
		at := calendar.AtParis(day, 17, 0)
		if at.After(s.cfg.Start) && at.Before(s.cfg.End) {
			s.at(at, func(ctx context.Context) error { return s.schoolPass(ctx, at) })
		}
	}
}

// schoolPass is a collège's work on its agreements at now: it checks those its hosts completed, and
// its principal signs those open to signatures, once they have waited World.SchoolDays days.
func (s *sim) schoolPass(ctx context.Context, now time.Time) error {
	var rows []struct {
		ID    int64                 `db:"id"`
		UAI   string                `db:"school_uai"`
		State domain.AgreementState `db:"state"`
		Since time.Time             `db:"since"`
	}
	if err := s.st.DB().SelectContext(ctx, &rows, `SELECT g.id, s.school_uai, g.state,
			(SELECT max(e.at) FROM agreement_events e WHERE e.agreement_id = g.id) AS since
		FROM agreements g JOIN applications a ON a.id = g.application_id JOIN students s ON s.id = a.student_id
		WHERE g.state IN ('completed', 'signing') AND s.school_uai IS NOT NULL ORDER BY g.id`); err != nil {
		return fmt.Errorf("collèges' agreements: %w", err)
	}
	wait := time.Duration(s.cfg.World.SchoolDays) * 24 * time.Hour
	for _, r := range rows {
		if r.Since.Add(wait).After(now) {
			continue
		}
		switch r.State {
		case domain.AgreementCompleted:
			if _, _, err := s.inbox.CheckAgreement(ctx, r.ID, bot.CheckParams{UAI: r.UAI, Principal: "Chef d'établissement",
				Referent: "Professeur référent"}); err != nil {
				return err
			}
		case domain.AgreementSigning:
			if _, err := s.inbox.SignAsSchool(ctx, bot.SchoolSignParams{UAI: r.UAI, Name: "Chef d'établissement",
				Session: "simulation", IDs: []int64{r.ID}}); err != nil {
				return err
			}
		}
	}
	return nil
}

// nudgePass is the nudging collèges' staff pressing "nudge" on their page: each of their students
// without a place gets one message from the collège (at most one a week, never after STOP).
func (s *sim) nudgePass(ctx context.Context) error {
	uais := make([]string, 0, len(s.world.staff))
	for uai := range s.world.staff {
		uais = append(uais, uai)
	}
	slices.Sort(uais) // the same order every season
	for _, uai := range uais {
		if _, err := s.inbox.Nudge(ctx, bot.NudgeParams{StaffID: s.world.staff[uai], SchoolUAI: uai}); err != nil {
			return fmt.Errorf("collège %s nudges: %w", uai, err)
		}
	}
	return nil
}

// say sends text (or presses the choice key) from a person, as their channel's adapter would.
func (s *sim) say(ctx context.Context, ch domain.Channel, address, text, choice string) error {
	s.msgSeq++
	err := s.inbox.Handle(ctx, domain.Inbound{Channel: ch, ProviderID: "season-in-" + strconv.Itoa(s.msgSeq),
		Address: address, Text: text, Choice: choice, ReceivedAt: s.clk.Now()})
	if err != nil {
		return fmt.Errorf("season: message from %s: %w", ch, err)
	}
	s.out.Inbound++
	return nil
}

// session reads where a student's conversation is.
func (s *sim) session(ctx context.Context, st Student) (conversation.Session, error) {
	var sess conversation.Session
	conv, err := s.st.Conversation(ctx, st.Channel, st.Address)
	if errors.Is(err, store.ErrNotFound) {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	if err := json.Unmarshal(conv.Session, &sess); err != nil {
		return sess, fmt.Errorf("season: session: %w", err)
	}
	return sess, nil
}

// pick picks the choice key on the screen the student is at: pressing its button on Telegram, typing
// its number elsewhere. ok is false when the screen does not offer it.
func (s *sim) pick(ctx context.Context, st Student, sess conversation.Session, key string) (bool, error) {
	i := slices.Index(sess.Choices, key)
	if i < 0 {
		return false, nil
	}
	if st.Channel == domain.Telegram {
		return true, s.say(ctx, st.Channel, st.Address, "", key)
	}
	if i >= len(sess.Numbers) {
		return false, nil
	}
	return true, s.say(ctx, st.Channel, st.Address, sess.Numbers[i], "")
}

// signUp has student i write first and answer the sign-up questions, then plans their
// applications.
func (s *sim) signUp(ctx context.Context, i int) error {
	st := s.cfg.World.Students[i]
	if err := s.say(ctx, st.Channel, st.Address, "Bonjour", ""); err != nil {
		return err
	}
	for range 25 {
		sess, err := s.session(ctx, st)
		if err != nil {
			return err
		}
		if sess.Profile.StudentID != 0 {
			every := st.ApplyEvery
			if every <= 0 {
				every = 24 * time.Hour
			}
			for k, ref := range st.Applies {
				s.at(s.awake(s.clk.Now().Add(time.Duration(k)*every+10*time.Minute), i, "apply/"+ref),
					func(ctx context.Context) error { return s.apply(ctx, i, ref) })
			}
			for k, word := range st.Searches {
				what := "search/" + strconv.Itoa(k)
				s.at(s.awake(s.clk.Now().Add(time.Duration(k)*every+10*time.Minute), i, what),
					func(ctx context.Context) error { return s.browse(ctx, i, word, what) })
			}
			return nil
		}
		done, err := s.answerSignUp(ctx, st, sess)
		if err != nil {
			return err
		}
		if !done {
			return fmt.Errorf("season: student %d stuck at %q in the sign-up", i, sess.State)
		}
	}
	return fmt.Errorf("season: student %d not registered after 25 messages", i)
}

// answerSignUp answers the sign-up question the student is at.
func (s *sim) answerSignUp(ctx context.Context, st Student, sess conversation.Session) (bool, error) {
	say := func(text string) (bool, error) { return true, s.say(ctx, st.Channel, st.Address, text, "") }
	sameWeek := sess.Profile.SchoolWeek != nil && calendar.Day(*sess.Profile.SchoolWeek).Equal(calendar.Day(st.Week))
	switch sess.State {
	case conversation.ChooseLanguage:
		return s.pick(ctx, st, sess, "lang:fr")
	case conversation.AskFirstName:
		return say(st.FirstName)
	case conversation.AskLastInitial:
		return say("K")
	case conversation.AskSchool:
		return say(st.SchoolUAI)
	case conversation.PickSchool:
		return s.pick(ctx, st, sess, "school:"+st.SchoolUAI)
	case conversation.ConfirmSchool:
		if !sameWeek && slices.Contains(sess.Choices, "school:other_week") {
			return s.pick(ctx, st, sess, "school:other_week")
		}
		return s.pick(ctx, st, sess, "school:yes")
	case conversation.ConfirmWeek:
		if sameWeek {
			return s.pick(ctx, st, sess, "week:yes")
		}
		return s.pick(ctx, st, sess, "week:no")
	case conversation.AskWeek:
		return say(st.Week.Format("02/01/2006"))
	case conversation.PickWeek:
		// Their week is among those offered, or, with no offer open in it yet, kept: the collège's
		// week is the one they can do.
		if ok, err := s.pick(ctx, st, sess, "week:"+st.Week.Format(time.DateOnly)); ok || err != nil {
			return ok, err
		}
		return s.pick(ctx, st, sess, "week:keep")
	case conversation.AskBirth:
		return say(st.BirthMonth.Format("01/2006"))
	case conversation.AskParentPhone:
		return say(st.ParentPhone)
	case conversation.AskParentLanguage:
		return s.pick(ctx, st, sess, "plang:fr")
	case conversation.ConfirmSignup:
		return s.pick(ctx, st, sess, "signup:yes")
	}
	return false, nil
}

// browsing are the screens where typing a word searches.
var browsing = []conversation.State{conversation.Menu, conversation.AskSearch, conversation.Results,
	conversation.ViewOffer}

// apply has student i look for the offer ref by its keyword and apply to it. A student who cannot
// (the offer is full, closed, or they already have too many applications) gives up on it.
func (s *sim) apply(ctx context.Context, i int, ref string) error {
	st := s.cfg.World.Students[i]
	offer, id := s.world.offers[ref], s.world.offerIDs[ref]
	offerKey := "offer:" + strconv.FormatInt(id, 10)
	if err := s.search(ctx, st, offer.Keyword); err != nil {
		return err
	}
	for range 12 {
		sess, err := s.session(ctx, st)
		if err != nil {
			return err
		}
		var picked bool
		switch sess.State {
		case conversation.Results:
			if picked, err = s.pick(ctx, st, sess, offerKey); err == nil && !picked {
				picked, err = s.pick(ctx, st, sess, "page:next")
			}
		case conversation.ViewOffer:
			if sess.OfferID == id {
				picked, err = s.pick(ctx, st, sess, "offer:apply")
			}
		case conversation.AskMotivation:
			s.out.Applied++
			return s.say(ctx, st.Channel, st.Address, "J'aimerais découvrir ce métier et aider l'équipe.", "")
		}
		if err != nil || !picked {
			return err
		}
	}
	return nil
}

// search has a student type word where typing searches: from the menu if their conversation is
// elsewhere.
func (s *sim) search(ctx context.Context, st Student, word string) error {
	sess, err := s.session(ctx, st)
	if err != nil {
		return err
	}
	if !slices.Contains(browsing, sess.State) {
		if err := s.say(ctx, st.Channel, st.Address, "MENU", ""); err != nil {
			return err
		}
	}
	if err := s.say(ctx, st.Channel, st.Address, word, ""); err != nil {
		return err
	}
	s.out.Tries++
	return nil
}

// browse has student i search word, look at offers of the results picked at random (Views of
// them), and apply to the last one they looked at, or to the next one that takes applications. A
// search that finds nothing, or offers that all refuse them, ends it.
func (s *sim) browse(ctx context.Context, i int, word, what string) error {
	st := s.cfg.World.Students[i]
	views := max(st.Views, 1)
	rng := s.rng(st.Address, what)
	if err := s.search(ctx, st, word); err != nil {
		return err
	}
	seen, tried := 0, map[string]bool{}
	last, settle := "", false // the last offer seen that takes applications; going back to it
	current := ""
	for range 3 * (views + 3) {
		sess, err := s.session(ctx, st)
		if err != nil {
			return err
		}
		picked := false
		switch sess.State {
		case conversation.Results:
			var offers []string
			for _, key := range sess.Choices {
				if strings.HasPrefix(key, "offer:") && !tried[key] {
					offers = append(offers, key)
				}
			}
			if len(offers) == 0 {
				if last == "" || settle || !slices.Contains(sess.Choices, last) {
					return nil
				}
				// Fewer offers than they would look at: they apply to the last one that takes them.
				settle, current = true, last
				picked, err = s.pick(ctx, st, sess, last)
				break
			}
			key := offers[rng.IntN(len(offers))]
			tried[key], current = true, key
			picked, err = s.pick(ctx, st, sess, key)
		case conversation.ViewOffer:
			seen++
			if slices.Contains(sess.Choices, "offer:apply") {
				last = current
			}
			if settle && slices.Contains(sess.Choices, "offer:apply") {
				picked, err = s.pick(ctx, st, sess, "offer:apply")
				break
			}
			if seen < views || !slices.Contains(sess.Choices, "offer:apply") {
				if seen >= views+3 {
					return nil
				}
				picked, err = s.pick(ctx, st, sess, "back")
			} else {
				picked, err = s.pick(ctx, st, sess, "offer:apply")
			}
		case conversation.AskMotivation:
			s.out.Applied++
			return s.say(ctx, st.Channel, st.Address, "J'aimerais découvrir ce métier et aider l'équipe.", "")
		}
		if err != nil || !picked {
			return err
		}
	}
	return nil
}

// react has a person react to a message they got: parents agree, hosts answer and give marks,
// students confirm, give marks and apply again, each when the world says.
func (s *sim) react(m Sent) {
	p := s.person(m.Address)
	switch m.Role {
	case RoleParent:
		i := s.world.parentOf[m.Address]
		ans := s.cfg.World.Students[i].Parent
		if s.agreementAsk(m, p, ans.Agreement, "Karim "+lastNameOf(s.cfg.World.Students[i]), asksParentName) {
			return
		}
		if !strings.Contains(m.Body, asksConsent) || p.answered {
			return
		}
		p.asks++
		if p.asks != ans.AtAsk {
			return
		}
		p.answered = true
		word := "NON"
		if ans.Agree {
			word = "OUI"
		}
		s.later(m.At, ans.Delay, m.Address, "consent", func(ctx context.Context) error {
			return s.say(ctx, domain.SMS, m.Address, word, "")
		})
		if ans.Agree && ans.StopAfter > 0 {
			s.later(m.At, ans.Delay+ans.StopAfter, m.Address, "stop", func(ctx context.Context) error {
				return s.say(ctx, domain.SMS, m.Address, "STOP", "")
			})
		}
	case RoleHost:
		h := s.cfg.World.Hosts[s.world.hostOf[m.Address]]
		if len(h.Contacts) > 0 && h.Contacts[0] != m.Address {
			return // the first contact answers for the host
		}
		if m.Reminder == domain.ReminderFeedback {
			if ref := refIn.FindStringSubmatch(m.Body); ref != nil && s.rng(m.Address, "review/"+ref[1]).Float64() < h.Answer.Review {
				s.later(m.At, 3*time.Hour, m.Address, "review/"+ref[1], func(ctx context.Context) error {
					return s.say(ctx, domain.SMS, m.Address, "AVIS "+ref[1]+" 4 très motivé", "")
				})
			}
			return
		}
		if s.hostAgreement(m, p, h.Agreement) {
			return
		}
		if strings.HasPrefix(m.Body, newBooking) {
			ref := refIn.FindStringSubmatch(m.Body)
			if ref != nil && h.Answer.AtAsk == 1 && s.rng(m.Address, "booking/"+ref[1]).Float64() < h.Answer.DeclineBooking {
				s.later(m.At, h.Answer.Delay, m.Address, "booking/"+ref[1], func(ctx context.Context) error {
					return s.say(ctx, domain.SMS, m.Address, "NON "+ref[1], "")
				})
			}
			return
		}
		if !strings.HasPrefix(m.Body, newRequest) && m.Reminder != domain.ReminderHostWaiting {
			return
		}
		for _, ref := range refIn.FindAllStringSubmatch(m.Body, -1) {
			ref := ref[1]
			p.refAsks[ref]++
			if p.refAsks[ref] != h.Answer.AtAsk {
				continue
			}
			word := "NON "
			if s.rng(m.Address, "accept/"+ref).Float64() < h.Answer.Accept {
				word = "OUI "
			}
			s.later(m.At, h.Answer.Delay, m.Address, "answer/"+ref, func(ctx context.Context) error {
				return s.say(ctx, domain.SMS, m.Address, word+ref, "")
			})
		}
	case RoleStudent:
		i := s.world.studentIndex[m.Address]
		st := s.cfg.World.Students[i]
		if s.agreementAsk(m, p, st.Agreement, lastNameOf(st), asksLastName) {
			return
		}
		if strings.Contains(m.Body, owesLastName) && !p.named {
			// A reminder that their last name is missing: they give it from CONVENTION.
			if p.nameAsks++; p.nameAsks == st.Agreement.AtAsk {
				p.named = true
				s.later(m.At, st.Agreement.Delay, m.Address, "agreement-name", func(ctx context.Context) error {
					return s.giveLastName(ctx, i)
				})
			}
			return
		}
		switch {
		case m.Reminder == domain.ReminderFeedback:
			if st.Review {
				s.later(m.At, 2*time.Hour, m.Address, "review", func(ctx context.Context) error {
					return s.say(ctx, st.Channel, st.Address, "AVIS 5 super stage", "")
				})
			}
		case strings.Contains(m.Body, placeOffered) || strings.Contains(m.Body, placeBooked):
			p.asks++
			if p.asks == st.Confirm.AtAsk {
				s.later(m.At, st.Confirm.Delay, m.Address, "confirm", func(ctx context.Context) error {
					return s.confirm(ctx, i)
				})
			}
		case strings.Contains(m.Body, invitesToSearch) && p.extra < len(st.Extra):
			ref := st.Extra[p.extra]
			p.extra++
			s.later(m.At, 5*time.Hour, m.Address, "extra/"+ref, func(ctx context.Context) error {
				return s.apply(ctx, i, ref)
			})
		case strings.Contains(m.Body, invitesToSearch) && p.extra < len(st.Extra)+len(st.MoreSearches):
			k := p.extra - len(st.Extra)
			word, what := st.MoreSearches[k], "more/"+strconv.Itoa(k)
			p.extra++
			s.later(m.At, 5*time.Hour, m.Address, what, func(ctx context.Context) error {
				return s.browse(ctx, i, word, what)
			})
		}
	}
}

// agreementAsk has a student or a parent answer what a message asks of them for the agreement: their
// name (asked by nameAsk), their signature (SIGNER, then the code they get back), each at the ask the
// world says. It reports whether the message was about the agreement.
func (s *sim) agreementAsk(m Sent, p *person, ans Answer, name, nameAsk string) bool {
	ch := m.Channel
	switch {
	case codeIn.MatchString(m.Body):
		code := codeIn.FindStringSubmatch(m.Body)
		s.at(m.At.Add(time.Minute), func(ctx context.Context) error { return s.say(ctx, ch, m.Address, code[1]+code[2], "") })
		return true
	case strings.Contains(m.Body, nameAsk):
		if p.nameAsks++; p.nameAsks == ans.AtAsk && !p.named {
			p.named = true
			s.later(m.At, ans.Delay, m.Address, "agreement-name", func(ctx context.Context) error {
				return s.say(ctx, ch, m.Address, name, "")
			})
		}
		return true
	case strings.Contains(m.Body, asksSignature) && strings.Contains(m.Body, "onvention"):
		if p.signAsks++; p.signAsks >= ans.AtAsk && ans.AtAsk > 0 && !p.signing {
			p.signing = true
			s.later(m.At, ans.Delay, m.Address, "agreement-sign", func(ctx context.Context) error {
				p.signing = false // a code that came too late is asked again at the next message
				return s.say(ctx, ch, m.Address, "SIGNER", "")
			})
		}
		return true
	}
	return false
}

// hostAgreement has a host give its part of an agreement and sign it, each at the ask the world says.
func (s *sim) hostAgreement(m Sent, p *person, ans Answer) bool {
	switch {
	case codeIn.MatchString(m.Body):
		code := codeIn.FindStringSubmatch(m.Body)
		s.at(m.At.Add(time.Minute), func(ctx context.Context) error { return s.say(ctx, domain.SMS, m.Address, code[1]+code[2], "") })
		return true
	case strings.Contains(m.Body, "HORAIRES") && (asksHostPart.MatchString(m.Body) || refIn.MatchString(m.Body)):
		ref := ""
		if r := asksHostPart.FindStringSubmatch(m.Body); r != nil {
			ref = r[1]
		} else {
			ref = refIn.FindStringSubmatch(m.Body)[1]
		}
		if p.partAsks[ref]++; p.partAsks[ref] == ans.AtAsk {
			s.later(m.At, ans.Delay, m.Address, "agreement-part/"+ref, func(ctx context.Context) error {
				if err := s.say(ctx, domain.SMS, m.Address, "HORAIRES "+ref+" "+demoSchedule, ""); err != nil {
					return err
				}
				return s.say(ctx, domain.SMS, m.Address, "ACTIVITES "+ref+" "+demoActivities, "")
			})
		}
		return true
	case asksHostSign.MatchString(m.Body) && !strings.HasPrefix(m.Body, newRequest):
		ref := asksHostSign.FindStringSubmatch(m.Body)[1]
		if p.hostSign[ref]++; p.hostSign[ref] >= ans.AtAsk && ans.AtAsk > 0 {
			s.later(m.At, ans.Delay, m.Address, "agreement-sign/"+ref, func(ctx context.Context) error {
				return s.say(ctx, domain.SMS, m.Address, "SIGNER "+ref, "")
			})
		}
		return true
	}
	return false
}

// giveLastName has student i give their last name from CONVENTION's choice.
func (s *sim) giveLastName(ctx context.Context, i int) error {
	st := s.cfg.World.Students[i]
	if err := s.say(ctx, st.Channel, st.Address, "CONVENTION", ""); err != nil {
		return err
	}
	sess, err := s.session(ctx, st)
	if err != nil || sess.State != conversation.ViewAgreement || !slices.Contains(sess.Choices, "agreement:name") {
		return err
	}
	if _, err := s.pick(ctx, st, sess, "agreement:name"); err != nil {
		return err
	}
	return s.say(ctx, st.Channel, st.Address, lastNameOf(st), "")
}

// lastNameOf is the last name a student gives for their agreement.
func lastNameOf(st Student) string {
	names := []string{"Martin", "Bernard", "Diallo", "Nguyen", "Traoré", "Moreau", "Haddad", "Chen", "Petit", "Kone"}
	n := 0
	for _, r := range st.Address {
		n += int(r)
	}
	return names[n%len(names)]
}

// confirm has student i confirm their place: CONFIRMER, and the first place if asked which.
func (s *sim) confirm(ctx context.Context, i int) error {
	st := s.cfg.World.Students[i]
	if err := s.say(ctx, st.Channel, st.Address, "CONFIRMER", ""); err != nil {
		return err
	}
	sess, err := s.session(ctx, st)
	if err != nil || sess.State != conversation.ConfirmStage || len(sess.Choices) == 0 {
		return err
	}
	_, err = s.pick(ctx, st, sess, sess.Choices[0])
	return err
}

// later plans do after a delay from t, at a waking hour of the person's (08:00 to 21:00 in Paris).
func (s *sim) later(t time.Time, delay time.Duration, address, what string, do func(ctx context.Context) error) {
	s.at(s.awakeAt(t.Add(delay), address, what), do)
}

// awake moves t to a waking hour of student i's.
func (s *sim) awake(t time.Time, i int, what string) time.Time {
	return s.awakeAt(t, s.cfg.World.Students[i].Address, what)
}

// awakeAt moves a moment of the night to the next morning, between 08:00 and 10:00 (each person at
// their own minute).
func (s *sim) awakeAt(t time.Time, address, what string) time.Time {
	local := t.In(calendar.Paris())
	if local.Hour() >= 8 && local.Hour() < 21 {
		return t
	}
	day := calendar.Day(local)
	if local.Hour() >= 21 {
		day = day.AddDate(0, 0, 1)
	}
	minute := s.rng(address, "wake/"+what).IntN(120)
	return calendar.AtParis(day, 8, minute)
}
