package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/store"
)

// The reminders the scheduler's jobs ask for: one reminder, one transaction. Each claims the
// reminder's unique key (kind, subject, due day) in the transaction that queues its messages, each
// message marked with the key: however many replicas run the job, it goes once. Reminders are
// proactive messages: the sender holds them to the sending hours, and nobody who sent STOP gets one.
// They never change where a person is in their conversation.

// fittingOffers is how many offers a reminder that suggests some lists.
const fittingOffers = 3

// Remind sends one due reminder in one transaction; a reminder already sent sends nothing. It reports
// whether it was sent now.
func (ib *Inbox) Remind(ctx context.Context, due store.Due) (bool, error) {
	sent := false
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		var err error
		sent, err = ib.remind(ctx, tx, due)
		return err
	})
	if errors.Is(err, store.ErrNotFound) { // its subject was erased meanwhile
		return false, nil
	}
	return sent, err
}

// Planned is one message a reminder would send, for a dry run.
type Planned struct {
	Reminder string // its key
	Channel  domain.Channel
	Address  string
	Text     string
}

// errDryRun rolls a dry run back.
var errDryRun = errors.New("dry run")

// DryRun works out what the due reminders would send at the inbox's time, in one transaction it
// rolls back: nothing is sent, nothing is kept.
func (ib *Inbox) DryRun(ctx context.Context, dues []store.Due) ([]Planned, error) {
	var planned []Planned
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		before, err := tx.MaxOutboxID(ctx)
		if err != nil {
			return err
		}
		for _, due := range dues {
			if err := tx.Savepoint(ctx, func() error {
				_, err := ib.remind(ctx, tx, due)
				return err
			}); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		rows, err := tx.OutboxAfter(ctx, before)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r.Reminder != nil {
				planned = append(planned, Planned{Reminder: *r.Reminder, Channel: r.Channel, Address: r.Address, Text: r.Body})
			}
		}
		return errDryRun
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return planned, err
}

// remind sends one due reminder in transaction tx.
func (ib *Inbox) remind(ctx context.Context, tx txn, due store.Due) (bool, error) {
	key := due.Key.String()
	tx.reminder = &key
	id := store.SubjectID(due.Key.Subject)
	var app store.ApplicationInfo
	switch due.Key.Kind {
	case domain.ReminderRequestExpired, domain.ReminderUnsentExpired, domain.ReminderConfirm, domain.ReminderStageSoon,
		domain.ReminderFeedback:
		// The student's conversation before the student's rows, as every transaction does.
		var err error
		if app, err = tx.ApplicationByID(ctx, id); err != nil {
			return false, err
		}
		if _, err := tx.LockConversation(ctx, app.StudentChannel, app.StudentAddress, tx.now); err != nil {
			return false, err
		}
	}
	if due.Key.Kind == domain.ReminderAgreement || due.Key.Kind == domain.ReminderAgreementLate {
		a, err := tx.AgreementByID(ctx, id)
		if err != nil {
			return false, err
		}
		if _, err := tx.LockConversation(ctx, a.StudentChannel, a.StudentAddress, tx.now); err != nil {
			return false, err
		}
	}
	first, err := tx.ClaimReminder(ctx, due.Key, tx.now)
	if err != nil || !first {
		return false, err
	}
	rules, err := ib.rules(ctx, tx)
	if err != nil {
		return false, err
	}
	switch due.Key.Kind {
	case domain.ReminderHostWaiting:
		return true, ib.remindHost(ctx, tx, id)
	case domain.ReminderRequestExpired:
		return ib.expireSilent(ctx, tx, app, rules)
	case domain.ReminderUnsentExpired:
		expired, ok, err := tx.ExpireUnsent(ctx, app.ID, tx.now)
		if err != nil || !ok {
			return false, err
		}
		if err := ib.tellStudent(ctx, tx, expired, noticeOf(conversation.NoticeUnsentExpired, expired)); err != nil {
			return false, err
		}
		return true, ib.tellParent(ctx, tx, expired, conversation.NoticeUnsentExpired)
	case domain.ReminderConfirm:
		if app.State != domain.Accepted {
			return false, nil
		}
		if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeConfirmReminder, app)); err != nil {
			return false, err
		}
		return true, ib.tellParent(ctx, tx, app, conversation.NoticeConfirmReminder)
	case domain.ReminderStageSoon:
		return ib.stageSoon(ctx, tx, app, due.N)
	case domain.ReminderFeedback:
		if app.State != domain.Confirmed {
			return false, nil
		}
		if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeFeedback, app)); err != nil {
			return false, err
		}
		_, err := ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeFeedback, app))
		return true, err
	case domain.ReminderConsent, domain.ReminderConsentSlow, domain.ReminderFewApplications,
		domain.ReminderStillLooking, domain.ReminderRelease:
		return ib.remindStudent(ctx, tx, due, id, rules)
	case domain.ReminderAgreement, domain.ReminderAgreementLate:
		return ib.remindAgreement(ctx, tx, due)
	case domain.ReminderPurge:
		stats, purged, err := tx.PurgeCampaign(ctx, id, tx.now)
		if err == nil && purged {
			ib.log.InfoContext(ctx, "campaign purged", "campaign", id, "students", stats.Students,
				"host_conversations", stats.HostConversations)
		}
		return purged, err
	}
	return false, fmt.Errorf("unknown reminder %s", due.Key.Kind)
}

// remindHost lists, to every contact of a host, the requests waiting for its answer.
func (ib *Inbox) remindHost(ctx context.Context, tx txn, hostID int64) error {
	pending, err := tx.HostPending(ctx, hostID)
	if err != nil || len(pending) == 0 {
		return err
	}
	n := conversation.Notice{Kind: conversation.NoticeHostWaiting}
	for _, a := range pending {
		n.Waiting = append(n.Waiting, conversation.HostApp{ID: a.ID, Offer: a.OfferTitle, Week: a.Week, State: a.State})
	}
	// It names no student (references only): nothing to erase with one of them.
	_, err = ib.tellHost(ctx, tx, store.ApplicationInfo{HostID: hostID}, n)
	return err
}

// expireSilent closes a request its host never answered: the place stays free; the student (with
// offers that fit), the parent and the host are told.
func (ib *Inbox) expireSilent(ctx context.Context, tx txn, app store.ApplicationInfo, rules store.Rules) (bool, error) {
	expired, ok, err := tx.ExpireSilent(ctx, app.ID, tx.now, rules.Reminders.HostExpiry)
	if err != nil || !ok {
		return false, err
	}
	n := noticeOf(conversation.NoticeRequestExpired, expired)
	if n.Offers, err = ib.offersFor(ctx, tx, expired.StudentID, rules); err != nil {
		return false, err
	}
	if err := ib.tellStudent(ctx, tx, expired, n); err != nil {
		return false, err
	}
	if err := ib.tellParent(ctx, tx, expired, conversation.NoticeRequestExpired); err != nil {
		return false, err
	}
	_, err = ib.tellHost(ctx, tx, expired, noticeOf(conversation.NoticeRequestExpired, expired))
	return true, err
}

// stageSoon reminds the student and the parent of a confirmed stage days ahead; the day before, the
// host too.
func (ib *Inbox) stageSoon(ctx context.Context, tx txn, app store.ApplicationInfo, days int) (bool, error) {
	if app.State != domain.Confirmed {
		return false, nil
	}
	kind := conversation.NoticeStageSoon
	if days == 1 {
		kind = conversation.NoticeDayBefore
	}
	// Each says whether the stage's agreement is signed, in its reader's words.
	withAgreement := func(n conversation.Notice, s domain.Signatory) (conversation.Notice, error) {
		var err error
		n.Agreement, err = ib.agreementOfApp(ctx, tx, app.ID, s)
		return n, err
	}
	n, err := withAgreement(noticeOf(kind, app), domain.SignStudent)
	if err != nil {
		return false, err
	}
	if err := ib.tellStudent(ctx, tx, app, n); err != nil {
		return false, err
	}
	if n, err = withAgreement(noticeOf(kind, app), domain.SignParent); err != nil {
		return false, err
	}
	if err := ib.tellParentNotice(ctx, tx, app, n); err != nil {
		return false, err
	}
	if days == 1 {
		if n, err = withAgreement(noticeOf(conversation.NoticeHostDayBefore, app), domain.SignHost); err != nil {
			return false, err
		}
		if _, err := ib.tellHost(ctx, tx, app, n); err != nil {
			return false, err
		}
	}
	return true, nil
}

// remindAgreement reminds whoever has not done their part of an agreement, or signed it, days before
// the stage; late, it tells the student and the parent what to do (the collège's page flags it).
func (ib *Inbox) remindAgreement(ctx context.Context, tx txn, due store.Due) (bool, error) {
	a, err := tx.LockAgreement(ctx, store.SubjectID(due.Key.Subject))
	if err != nil {
		return false, err
	}
	if !a.State.Open() || a.AppState != domain.Confirmed {
		return false, nil
	}
	if due.Key.Kind == domain.ReminderAgreementLate {
		return true, ib.tellAgreement(ctx, tx, a, conversation.NoticeAgreementLate,
			[]domain.Signatory{domain.SignStudent, domain.SignParent}, reach{}, due.N)
	}
	var whom []domain.Signatory
	for _, s := range domain.Signatories() {
		if s == domain.SignSchool {
			continue
		}
		if len(asks(a, s)) > 0 || a.State == domain.AgreementSigning && slices.Contains(a.Unsigned(), s) {
			whom = append(whom, s)
		}
	}
	if len(whom) == 0 {
		return false, nil // waiting for the collège: its page shows it
	}
	return true, ib.tellAgreement(ctx, tx, a, conversation.NoticeAgreementReminder, whom, reach{}, due.N)
}

// remindStudent sends the reminders about a student rather than one application.
func (ib *Inbox) remindStudent(ctx context.Context, tx txn, due store.Due, studentID int64, rules store.Rules) (bool, error) {
	st, err := tx.StudentByID(ctx, studentID)
	if err != nil {
		return false, err
	}
	if _, err := tx.LockConversation(ctx, st.Channel, st.Address, tx.now); err != nil {
		return false, err
	}
	if due.Key.Kind == domain.ReminderConsent {
		if st.Consent != domain.ConsentPending {
			return false, nil
		}
		parent, err := tx.ParentByID(ctx, st.ParentID)
		if err != nil {
			return false, err
		}
		n := conversation.Notice{Kind: conversation.NoticeConsentReminder, Student: personName(st.FirstName, st.LastInitial)}
		return true, ib.sendProactive(ctx, tx, ib.parentChannel(ctx, tx, parent.Phone), parent.Phone, parent.Lang,
			ib.machine.ParentNotice(parent.Lang, n), st.ID)
	}
	n := conversation.Notice{Count: due.N}
	switch due.Key.Kind {
	case domain.ReminderConsentSlow:
		if st.Consent != domain.ConsentPending {
			return false, nil
		}
		n.Kind = conversation.NoticeConsentSlow
	case domain.ReminderFewApplications:
		n.Kind = conversation.NoticeFewApplications
	case domain.ReminderStillLooking:
		n.Kind = conversation.NoticeStillLooking
	case domain.ReminderRelease:
		n.Kind = conversation.NoticeRelease
	}
	if n.Kind == conversation.NoticeFewApplications || n.Kind == conversation.NoticeStillLooking {
		if n.Offers, err = ib.offersFor(ctx, tx, st.ID, rules); err != nil {
			return false, err
		}
	}
	return true, ib.tellStudentAbout(ctx, tx, st, n)
}

// offersFor lists a few offers open to the student that they have not applied to, the best first
// (REP/REP+ students' reserved places first).
func (ib *Inbox) offersFor(ctx context.Context, tx txn, studentID int64, rules store.Rules) ([]domain.OfferSummary, error) {
	offers, _, err := tx.SearchOffers(ctx, store.SearchParams{StudentID: studentID, Today: tx.now,
		ReleaseDate: rules.ReleaseDate, NotApplied: true, Limit: 4 * fittingOffers})
	if err != nil {
		return nil, err
	}
	// Three different hosts when there are: three offers of one library are one idea, not three.
	var picked, others []domain.OfferSummary
	hosts := map[string]bool{}
	for _, o := range offers {
		if hosts[o.HostName] {
			others = append(others, o)
			continue
		}
		hosts[o.HostName] = true
		picked = append(picked, o)
	}
	picked = append(picked, others...)
	return picked[:min(len(picked), fittingOffers)], nil
}

// ExpireUnconfirmed expires an accepted application whose confirmation deadline has passed,
// freeing its place, and tells the student, the parent and the host. It reports whether it expired
// now.
func (ib *Inbox) ExpireUnconfirmed(ctx context.Context, applicationID int64) (bool, error) {
	expired := false
	err := ib.onApplication(ctx, applicationID, func(tx txn, _ store.ApplicationInfo) error {
		app, ok, err := tx.ExpireIfOverdue(ctx, applicationID, tx.now)
		if err != nil || !ok {
			return err
		}
		expired = true
		if err := ib.tellStudent(ctx, tx, app, noticeOf(conversation.NoticeExpired, app)); err != nil {
			return err
		}
		if err := ib.tellParent(ctx, tx, app, conversation.NoticeExpired); err != nil {
			return err
		}
		_, err = ib.tellHost(ctx, tx, app, noticeOf(conversation.NoticeExpired, app))
		return err
	})
	return expired, err
}

// onApplication runs fn in one transaction on an application, its student's conversation locked
// first. An application erased meanwhile is nothing to do.
func (ib *Inbox) onApplication(ctx context.Context, id int64, fn func(tx txn, app store.ApplicationInfo) error) error {
	err := ib.inTx(ctx, ib.now(), func(tx txn) error {
		app, err := tx.ApplicationByID(ctx, id)
		if err != nil {
			return err
		}
		if _, err := tx.LockConversation(ctx, app.StudentChannel, app.StudentAddress, tx.now); err != nil {
			return err
		}
		return fn(tx, app)
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// saveFeedback keeps a mark and a word about a confirmed stage; a stage that is not one answers no.
func saveFeedback(ctx context.Context, tx txn, p store.FeedbackParams) (conversation.Result, error) {
	err := tx.SaveFeedback(ctx, p)
	if errors.Is(err, store.ErrNotFound) {
		return conversation.FeedbackSaved{}, nil
	}
	return conversation.FeedbackSaved{OK: err == nil}, err
}

// NudgeParams ask to nudge the stuck students of a collège, on behalf of one of its staff.
type NudgeParams struct {
	StaffID   int64
	SchoolUAI string
	Students  []int64 // the students to nudge; nil for every stuck one
}

// Nudge sends the stuck students of a collège one message each from their collège, through the same
// outbox, sending hours and send rate as the reminders, one transaction a student: never to a
// student who sent STOP, and at most one a student every store.NudgeEveryDays days, whoever clicks.
// It returns how many were nudged now.
func (ib *Inbox) Nudge(ctx context.Context, p NudgeParams) (int, error) {
	students := p.Students
	if students == nil {
		var err error
		if students, err = ib.store.StuckStudents(ctx, p.SchoolUAI, ib.now()); err != nil {
			return 0, err
		}
	}
	n := 0
	for _, id := range students {
		err := ib.inTx(ctx, ib.now(), func(tx txn) error {
			st, err := tx.StudentByID(ctx, id)
			if err != nil {
				return err
			}
			// The student's conversation before the student's rows, as every transaction does.
			if _, err := tx.LockConversation(ctx, st.Channel, st.Address, tx.now); err != nil {
				return err
			}
			ok, err := tx.RecordNudge(ctx, p.SchoolUAI, id, p.StaffID, tx.now)
			if err != nil || !ok {
				return err
			}
			rules, err := ib.rules(ctx, tx)
			if err != nil {
				return err
			}
			apps, err := tx.Applications(ctx, id)
			if err != nil {
				return err
			}
			notice := conversation.Notice{Kind: conversation.NoticeNudge, School: st.SchoolName, Count: len(apps)}
			if notice.Offers, err = ib.offersFor(ctx, tx, id, rules); err != nil {
				return err
			}
			n++
			return ib.tellStudentAbout(ctx, tx, st, notice)
		})
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return n, err
		}
	}
	return n, nil
}
