package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The student's side of the workflow: their conversation (conversation.Machine.Step) and the
// interpreter of its effects.

// studentTurn is one message of a student going round the step loop.
type studentTurn struct {
	ib      *Inbox
	msg     domain.Inbound
	now     time.Time // the transaction's
	session conversation.Session
	replies []domain.Reply // queued once the session is saved, after the notices the effects sent
}

// handleStudent runs the student's conversation on the message.
func (ib *Inbox) handleStudent(ctx context.Context, tx txn, msg domain.Inbound) error {
	conv, err := tx.LockConversation(ctx, msg.Channel, msg.Address, tx.now)
	if err != nil {
		return err
	}
	t := &studentTurn{ib: ib, msg: msg, now: tx.now, session: ib.studentSession(ctx, conv)}
	if err := converse(ctx, tx, t); err != nil {
		return err
	}
	conv.LastInboundAt = &msg.ReceivedAt
	return ib.saveStudent(ctx, tx, conv, t.session, t.replies)
}

func (t *studentTurn) step(result conversation.Result) ([]domain.Reply, []conversation.Effect) {
	in := conversation.Input{Channel: t.msg.Channel, Address: t.msg.Address, Now: t.now, Result: result}
	if result == nil {
		in.Text, in.Choice, in.Media, in.Start = t.msg.Text, t.msg.Choice, t.msg.Media, t.msg.Start
	}
	out := t.ib.machine.Step(t.session, in)
	t.session = out.Session
	return out.Replies, out.Effects
}

func (t *studentTurn) replied(_ context.Context, _ txn, replies []domain.Reply, _ []conversation.Effect) error {
	t.replies = append(t.replies, replies...)
	return nil
}

// carryOut performs one of the student machine's effects.
func (t *studentTurn) carryOut(ctx context.Context, tx txn, e conversation.Effect) (conversation.Result, error) {
	if r, ok, err := t.ib.carryOutAgreement(ctx, tx, agreementParty{reach: reach{Channel: t.msg.Channel,
		Address: t.msg.Address, Lang: t.session.Lang}, studentID: t.session.Profile.StudentID}, e); ok {
		return r, err
	}
	switch e := e.(type) {
	case conversation.FindSchools:
		return t.findSchools(ctx, tx, e)
	case conversation.ListFamilies:
		return t.listFamilies(ctx, tx, e)
	case conversation.FindSectors:
		return t.findSectors(ctx, tx, e)
	case conversation.ChangeProfile:
		return t.changeProfile(ctx, tx, e)
	case conversation.CheckWeek:
		return t.checkWeek(ctx, tx, e)
	case conversation.Register:
		return t.register(ctx, tx, e)
	case conversation.SearchOffers:
		return t.searchOffers(ctx, tx, e)
	case conversation.ShowOffer:
		return t.showOffer(ctx, tx, e)
	case conversation.Apply:
		return t.apply(ctx, tx, e)
	case conversation.ListApplications:
		apps, err := tx.Applications(ctx, e.StudentID)
		if err != nil {
			return nil, err
		}
		for i := range apps {
			if apps[i].State == domain.Confirmed {
				if apps[i].Agreement, err = t.ib.agreementOfApp(ctx, tx, apps[i].ID, domain.SignStudent); err != nil {
					return nil, err
				}
			}
		}
		return conversation.ApplicationsFound{Applications: apps}, nil
	case conversation.Withdraw:
		return t.withdraw(ctx, tx, e)
	case conversation.RelayToHost:
		return t.relayToHost(ctx, tx, e)
	case conversation.ConfirmPlace:
		return t.confirmPlace(ctx, tx, e)
	case conversation.GiveFeedback:
		return t.feedback(ctx, tx, e)
	case conversation.SetLanguage:
		return nil, tx.SetStudentLanguage(ctx, t.msg.Channel, t.msg.Address, e.Lang, tx.now)
	case conversation.SetStopped:
		return nil, t.ib.setStopped(ctx, tx, t.msg.Channel, t.msg.Address, e.Stopped)
	case conversation.Erase:
		return nil, t.erase(ctx, tx, e.StudentID)
	}
	return nil, fmt.Errorf("unknown student effect %T", e)
}

func (t *studentTurn) findSchools(ctx context.Context, tx txn, e conversation.FindSchools) (conversation.Result, error) {
	rules, err := t.ib.rules(ctx, tx)
	if err != nil {
		return nil, err
	}
	schools, err := tx.FindSchools(ctx, e.Query, 5, rules.Territory)
	if err != nil {
		return nil, err
	}
	found := conversation.SchoolsFound{Schools: make([]domain.School, len(schools))}
	for i, s := range schools {
		found.Schools[i] = domain.School{UAI: s.UAI, Name: s.Name, Commune: s.Commune, Priority: s.Priority,
			StageWeek: s.StageWeek}
	}
	return found, nil
}

// sectorCounts counts the offers a student would find, sector by sector.
func (t *studentTurn) sectorCounts(ctx context.Context, tx txn, studentID int64) ([]store.SectorCount, error) {
	rules, err := t.ib.rules(ctx, tx)
	if err != nil {
		return nil, err
	}
	return tx.CountBySector(ctx, store.SearchParams{StudentID: studentID, Today: tx.now, ReleaseDate: rules.ReleaseDate})
}

func (t *studentTurn) listFamilies(ctx context.Context, tx txn, e conversation.ListFamilies) (conversation.Result, error) {
	counts, err := t.sectorCounts(ctx, tx, e.StudentID)
	if err != nil {
		return nil, err
	}
	var found conversation.FamiliesFound
	for _, c := range counts {
		if c.Family == "" {
			continue
		}
		if n := len(found.Families); n > 0 && found.Families[n-1].Key == c.Family {
			found.Families[n-1].Offers += c.Offers
			continue
		}
		found.Families = append(found.Families, domain.Family{Key: c.Family, Offers: c.Offers})
	}
	return found, nil
}

func (t *studentTurn) findSectors(ctx context.Context, tx txn, e conversation.FindSectors) (conversation.Result, error) {
	counts, err := t.sectorCounts(ctx, tx, e.StudentID)
	if err != nil {
		return nil, err
	}
	found := conversation.SectorsFound{Family: e.Family}
	for _, c := range counts {
		if c.Family == e.Family {
			found.Sectors = append(found.Sectors, domain.Sector{ID: c.SectorID, Name: c.Name, Offers: c.Offers})
		}
	}
	return found, nil
}

func (t *studentTurn) checkWeek(ctx context.Context, tx txn, e conversation.CheckWeek) (conversation.Result, error) {
	rules, err := t.ib.rules(ctx, tx)
	if err != nil {
		return nil, err
	}
	weeks, err := tx.OpenWeeks(ctx, store.WeeksParams{Today: tx.now, REP: e.REP, ReleaseDate: rules.ReleaseDate})
	if err != nil {
		return nil, err
	}
	checked := conversation.WeekChecked{Week: e.Week, Open: weeks}
	if rules.CampaignID != 0 {
		if checked.Stage, err = tx.StageWeeks(ctx, rules.CampaignID, tx.now); err != nil {
			return nil, err
		}
		if checked.Stage == nil {
			checked.Stage = []time.Time{} // a season whose weeks are all past: none can be taken
		}
	}
	if name, holiday := t.ib.schools.HolidayOf(e.Week); holiday {
		checked.Holiday = cmp.Or(name, "?")
	}
	return checked, nil
}

// register saves the student and asks their parent to agree.
func (t *studentTurn) register(ctx context.Context, tx txn, e conversation.Register) (conversation.Result, error) {
	p := e.Profile
	id, err := tx.RegisterStudent(ctx, store.RegisterParams{Channel: t.msg.Channel, Address: t.msg.Address,
		FirstName: p.FirstName, LastInitial: p.LastInitial, SchoolUAI: p.SchoolUAI, SchoolName: p.SchoolName,
		StageWeek: p.Week, BirthMonth: p.BirthMonth, ParentPhone: p.ParentPhone, ParentLang: p.ParentLang, Lang: e.Lang,
		At: tx.now})
	if err != nil {
		return nil, err
	}
	if err := tx.MatchStudent(ctx, id); err != nil { // their collège's class lists
		return nil, err
	}
	asked, at, err := t.ib.consentRequest(ctx, tx, id)
	return conversation.Registered{StudentID: id, ParentStopped: !asked, ParentAskedAt: at}, err
}

func (t *studentTurn) searchOffers(ctx context.Context, tx txn, e conversation.SearchOffers) (conversation.Result, error) {
	rules, err := t.ib.rules(ctx, tx)
	if err != nil {
		return nil, err
	}
	offers, total, err := tx.SearchOffers(ctx, store.SearchParams{StudentID: e.StudentID, Filters: e.Filters,
		Today: tx.now, Limit: e.PageSize, Offset: e.Page * e.PageSize, ReleaseDate: rules.ReleaseDate})
	return conversation.OffersFound{Offers: offers, Total: total}, err
}

func (t *studentTurn) showOffer(ctx context.Context, tx txn, e conversation.ShowOffer) (conversation.Result, error) {
	rules, err := t.ib.rules(ctx, tx)
	if err != nil {
		return nil, err
	}
	offer, err := tx.OfferDetail(ctx, store.OfferParams{StudentID: e.StudentID, OfferID: e.OfferID, Today: tx.now,
		Rules: rules})
	if errors.Is(err, store.ErrNotFound) {
		return conversation.OfferFound{}, nil
	}
	if err != nil {
		return nil, err
	}
	return conversation.OfferFound{Offer: &offer}, nil
}

// apply makes the application; when the parent already agreed, it goes to the host at once. When
// no message can reach the host, it is cancelled at once and the offer disappears from search
// (see applicationSent): the student is told it could not go.
func (t *studentTurn) apply(ctx context.Context, tx txn, e conversation.Apply) (conversation.Result, error) {
	rules, err := t.ib.rules(ctx, tx)
	if err != nil {
		return nil, err
	}
	res, err := tx.Apply(ctx, store.ApplyParams{StudentID: e.StudentID, OfferID: e.OfferID,
		Motivation: e.Motivation, Now: tx.now, Rules: rules})
	if err != nil {
		return nil, err
	}
	applied := conversation.Applied{ApplicationID: res.ID, Problem: res.Problem, Sent: res.State == domain.Sent,
		OpensOn: res.OpensOn}
	if res.Problem != domain.NoProblem {
		return applied, nil
	}
	app, err := tx.ApplicationByID(ctx, res.ID)
	if err != nil {
		return nil, err
	}
	if !applied.Sent {
		// Waiting for the parent: still, a host nobody can write to takes no request.
		reachable, err := tx.HostReachable(ctx, app.HostID)
		if err != nil || reachable {
			return applied, err
		}
		if err := t.ib.hostLost(ctx, tx, app.HostID, app.ID); err != nil {
			return nil, err
		}
		if _, _, err := tx.CancelApplication(ctx, app.ID, tx.now); err != nil {
			return nil, err
		}
		return conversation.Applied{Problem: domain.ProblemNotFound}, nil
	}
	sent, err := t.ib.applicationSent(ctx, tx, app, true)
	if err != nil || sent {
		return applied, err
	}
	return conversation.Applied{Problem: domain.ProblemNotFound}, nil
}

// withdraw withdraws one of the student's own applications and tells whom it concerns.
func (t *studentTurn) withdraw(ctx context.Context, tx txn, e conversation.Withdraw) (conversation.Result, error) {
	app, err := tx.ApplicationByID(ctx, e.ApplicationID)
	if errors.Is(err, store.ErrNotFound) || err == nil && (app.StudentID != e.StudentID ||
		app.State == domain.Confirmed && !e.Stage) { // a confirmed stage goes only when asked in words
		return conversation.Withdrawn{OK: false}, nil
	}
	if err != nil {
		return nil, err
	}
	err = tx.MoveApplication(ctx, e.StudentID, e.ApplicationID, domain.Withdrawn, domain.ByStudent, tx.now)
	if errors.Is(err, store.ErrTransition) || errors.Is(err, store.ErrNotFound) {
		return conversation.Withdrawn{OK: false}, nil
	}
	if err != nil {
		return nil, err
	}
	return conversation.Withdrawn{OK: true}, t.ib.applicationWithdrawn(ctx, tx, app, app.State, domain.ByStudent)
}

// relayToHost passes the student's answer on to the host of one of their own applications that
// reached it.
func (t *studentTurn) relayToHost(ctx context.Context, tx txn, e conversation.RelayToHost) (conversation.Result, error) {
	app, err := tx.ApplicationByID(ctx, e.ApplicationID)
	if errors.Is(err, store.ErrNotFound) || err == nil && (!app.State.ReachedHost() ||
		app.StudentChannel != t.msg.Channel || app.StudentAddress != t.msg.Address) {
		return conversation.Relayed{}, nil
	}
	if err != nil {
		return nil, err
	}
	n := noticeOf(conversation.NoticeStudentAnswer, app)
	n.Text = e.Text
	queued, err := t.ib.tellHost(ctx, tx, app, n)
	if err != nil || queued == 0 {
		// None of the host's contacts can be written to: nothing went, and nothing is kept as sent.
		return conversation.Relayed{Unreachable: true, To: app.HostName}, err
	}
	if err := tx.RecordRelay(ctx, app.ID, domain.StudentToHost, e.Text, tx.now); err != nil {
		return nil, err
	}
	return conversation.Relayed{OK: true, To: app.HostName, Masked: e.Masked}, nil
}

// changeProfile saves a registered student's new collège, week or parent: the hosts of the
// applications a new week withdraws are told (and the parent), a new parent is asked to agree.
func (t *studentTurn) changeProfile(ctx context.Context, tx txn, e conversation.ChangeProfile) (conversation.Result, error) {
	p := e.Profile
	change := store.ProfileChange{StudentID: p.StudentID, FirstName: p.FirstName, LastInitial: p.LastInitial,
		BirthMonth: p.BirthMonth, StageWeek: p.Week, ParentPhone: p.ParentPhone, ParentLang: p.ParentLang, At: tx.now}
	if p.SchoolName != "" {
		change.School = &store.School{UAI: p.SchoolUAI, Name: p.SchoolName}
	}
	res, err := tx.ChangeProfile(ctx, change)
	if err != nil {
		return nil, err
	}
	if err := tx.MatchStudent(ctx, p.StudentID); err != nil { // a new name or collège: their line of the lists
		return nil, err
	}
	out := conversation.ProfileChanged{Problem: res.Problem, Withdrawn: len(res.Withdrawn), NewParent: res.NewParent}
	for _, app := range res.Withdrawn {
		if err := t.ib.applicationWithdrawn(ctx, tx, app, app.PreviousState, domain.ByStudent); err != nil {
			return nil, err
		}
	}
	if res.FormerParent != nil {
		if err := t.ib.tellFormerParent(ctx, tx, p.StudentID, *res.FormerParent); err != nil {
			return nil, err
		}
	}
	if res.NewParent {
		asked, at, err := t.ib.consentRequest(ctx, tx, p.StudentID)
		if err != nil {
			return nil, err
		}
		out.ParentStopped, out.ParentAskedAt = !asked, at
	}
	out.Profile, err = t.ib.savedProfile(ctx, tx, p.StudentID)
	return out, err
}

// confirmPlace makes a place the student's stage; the host and the parent are told, and the hosts of
// the applications it cancels. When none of the host's contacts can be written to, the student and
// the parent are told so, and the parent is asked to let the host know.
func (t *studentTurn) confirmPlace(ctx context.Context, tx txn, e conversation.ConfirmPlace) (conversation.Result, error) {
	r, err := tx.Confirm(ctx, e.StudentID, e.ApplicationID, tx.now)
	if err != nil {
		return nil, err
	}
	confirmed := conversation.Confirmed{Problem: r.Problem, Host: r.App.HostName, Cancelled: len(r.Cancelled),
		Stage: stageOf(r.App)}
	if r.Problem != domain.NoProblem {
		return confirmed, nil
	}
	queued, err := t.ib.tellHost(ctx, tx, r.App, noticeOf(conversation.NoticeConfirmed, r.App))
	if err != nil {
		return nil, err
	}
	confirmed.HostTold = queued > 0
	// One message to the parent: the stage, and how many other applications it cancelled.
	n := noticeOf(conversation.NoticeConfirmed, r.App)
	n.Count, n.HostUnreachable = len(r.Cancelled), !confirmed.HostTold
	if a, err := tx.AgreementOfApplication(ctx, r.App.ID); err == nil && a.ParentName == "" {
		n.AskName = true // the agreement's first question to the parent, in the same message
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if err := t.ib.tellParentNotice(ctx, tx, r.App, n); err != nil {
		return nil, err
	}
	for _, other := range r.Cancelled {
		if other.PreviousState == domain.Sent || other.PreviousState == domain.Accepted {
			if _, err := t.ib.tellHost(ctx, tx, other, noticeOf(conversation.NoticeCancelled, other)); err != nil {
				return nil, err
			}
		}
	}
	// Its agreement was created with it: each party is asked for their part, the student in the reply.
	lastName, err := t.ib.agreementCreated(ctx, tx, r.App.ID, false, !n.AskName)
	if err != nil {
		return nil, err
	}
	confirmed.LastName = lastName
	return confirmed, nil
}

// stageOf is where and when a student goes for an application's stage.
func stageOf(app store.ApplicationInfo) domain.StageDetails {
	return domain.StageDetails{Address: app.Address, Hours: app.DailyHours, Contact: app.ContactName}
}

// erase deletes a student's data after SUPPRIMER: hosts holding one of their requests are told it is
// withdrawn (by its reference only: no name outlives the erasure), then the student with every
// message about them, their messages on this conversation (registered or not), and their parent
// when no other child of theirs remains.
func (t *studentTurn) erase(ctx context.Context, tx txn, studentID int64) error {
	if studentID != 0 {
		apps, err := tx.Applications(ctx, studentID)
		if err != nil {
			return err
		}
		for _, a := range apps {
			if !a.State.ReachedHost() {
				continue
			}
			app, err := tx.ApplicationByID(ctx, a.ID)
			if err != nil {
				return err
			}
			if _, err := t.ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeErased, app)); err != nil {
				return err
			}
		}
		tellParent, err := t.ib.parentErasedNotice(ctx, tx, studentID)
		if err != nil {
			return err
		}
		if err := tx.EraseStudent(ctx, studentID); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tellParent(); err != nil { // after the erasure, which takes the parent's messages
			return err
		}
	}
	return tx.EraseMessages(ctx, t.msg.Channel, t.msg.Address)
}

// studentSession reads a student's saved session (a new one when there is none or it is unreadable).
func (ib *Inbox) studentSession(ctx context.Context, conv store.Conversation) conversation.Session {
	session := conversation.NewSession()
	if len(conv.Session) > 0 && string(conv.Session) != "{}" {
		if err := json.Unmarshal(conv.Session, &session); err != nil {
			ib.log.WarnContext(ctx, "unreadable session, starting over", slog.String("channel", string(conv.Channel)),
				slog.String("error", err.Error()))
			session = conversation.NewSession()
		}
	}
	return session
}

// saveStudent writes a student's session and queues the replies.
func (ib *Inbox) saveStudent(ctx context.Context, tx txn, conv store.Conversation, session conversation.Session,
	replies []domain.Reply) error {
	raw, err := json.Marshal(session)
	if err != nil {
		return fmt.Errorf("encode session: %w", err)
	}
	conv.State, conv.Session, conv.Lang, conv.OptedOut = string(session.State), raw, session.Lang, session.Stopped
	if err := tx.SaveConversation(ctx, conv, tx.now); err != nil {
		return err
	}
	return ib.reply(ctx, tx, conv, session.Lang, replies, 0)
}

// feedback keeps a student's mark and word about their last stage whose week has begun.
func (t *studentTurn) feedback(ctx context.Context, tx txn, e conversation.GiveFeedback) (conversation.Result, error) {
	id, err := tx.LastStage(ctx, e.StudentID, tx.now)
	if errors.Is(err, store.ErrNotFound) {
		return conversation.FeedbackSaved{}, nil
	}
	if err != nil {
		return nil, err
	}
	return saveFeedback(ctx, tx, store.FeedbackParams{ApplicationID: id, Author: "student", Mark: e.Mark, Word: e.Word,
		At: tx.now})
}
