package conversation

import (
	"slices"
	"strconv"
	"strings"

	"stagebot/domain"
)

// Most ended applications listed under the live ones.
const maxEnded = 5

// showApplications asks for the student's applications.
func (t *turn) showApplications() {
	t.ask(ListApplications{StudentID: t.s.Profile.StudentID})
}

// applicationsFound lists the applications with their status in words: the ongoing ones as choices
// to open, the ended ones as lines.
func (t *turn) applicationsFound() bool {
	r, ok := t.in.Result.(ApplicationsFound)
	if !ok {
		return false
	}
	t.listApplications(r.Applications)
	return true
}

func (t *turn) listApplications(apps []domain.ApplicationSummary) {
	t.land(MyApplications)
	if len(apps) == 0 {
		t.say(t.tr("applications_none", nil),
			t.choiceOf(keySearch, "choice_search"),
			t.choiceOf(keyMenu, "choice_menu"))
		return
	}
	var choices []domain.Choice
	var ended []string
	for _, a := range apps {
		line := t.tr("application_line", data{"Title": a.OfferTitle, "Host": a.HostName, "Status": t.statusOf(a)})
		switch {
		case a.State.Live():
			choices = append(choices, domain.Choice{Key: "app:" + strconv.FormatInt(a.ID, 10), Label: line})
		case len(ended) < maxEnded:
			ended = append(ended, "- "+line)
		}
	}
	text := t.tr("applications", nil)
	if len(choices) == 0 {
		text = t.tr("applications_no_ongoing", nil)
	}
	if len(ended) > 0 {
		text += "\n" + t.tr("applications_ended", nil) + "\n" + strings.Join(ended, "\n")
	}
	choices = append(choices, t.choiceOf(keyMenu, "choice_menu"))
	t.say(text, choices...)
}

// onApplications opens an application.
func (t *turn) onApplications() {
	switch {
	case strings.HasPrefix(t.choice, "app:"):
		id, err := strconv.ParseInt(strings.TrimPrefix(t.choice, "app:"), 10, 64)
		if err != nil {
			t.confused()
			return
		}
		t.s.AppID = id
		t.goTo(ViewApplication)
	case t.choice == keySearch:
		t.newSearch()
	default:
		t.confused()
	}
}

// showApplication asks for the applications, to show the one being looked at.
func (t *turn) showApplication() {
	if t.s.AppID == 0 {
		t.goTo(MyApplications)
		return
	}
	t.ask(ListApplications{StudentID: t.s.Profile.StudentID})
}

// applicationFound shows one application, with the way to confirm it once a host accepted it and
// to withdraw it while it is live. It also reads the answer to ConfirmPlace.
func (t *turn) applicationFound() bool {
	if c, ok := t.in.Result.(Confirmed); ok {
		t.placeConfirmed(c)
		return true
	}
	r, ok := t.in.Result.(ApplicationsFound)
	if !ok {
		return false
	}
	var app *domain.ApplicationSummary
	for i := range r.Applications {
		if r.Applications[i].ID == t.s.AppID {
			app = &r.Applications[i]
		}
	}
	if app == nil {
		t.preface(t.tr("application_gone", nil))
		t.listApplications(r.Applications)
		return true
	}
	text := t.tr("application", data{
		"Title":  app.OfferTitle,
		"Host":   app.HostName,
		"Week":   t.longDate(app.Week),
		"Status": t.statusOf(*app),
		"Date":   t.longDate(app.CreatedAt),
	})
	if app.State.HoldsPlace() {
		text += "\n" + t.stageDetails(app.Stage)
	}
	if a := app.Agreement; a != nil && app.State == domain.Confirmed {
		// The stage's agreement: where it stands (CONVENTION says what it lacks, with the link).
		text += "\n" + t.tr("application_agreement", data{"State": t.tr("agreement_state_"+string(a.State), nil)})
	}
	t.s.Host = app.HostName
	var choices []domain.Choice
	if app.State == domain.Accepted {
		choices = append(choices, t.choiceOf("app:confirm", "choice_confirm_place"))
	}
	if app.State.ReachedHost() {
		choices = append(choices, domain.Choice{Key: "app:write", Label: t.tr("choice_write_host", data{"Host": app.HostName})})
	}
	switch {
	case app.State == domain.Confirmed: // the end of weeks of effort, and a host's promise: not in two taps
		choices = append(choices, t.choiceOf("app:cancel_stage", "choice_cancel_stage"))
	case app.State.Live():
		choices = append(choices, t.choiceOf("app:withdraw", "choice_withdraw"))
	}
	choices = append(choices, t.choiceOf(keyBack, "choice_back"), t.choiceOf(keyMenu, "choice_menu"))
	t.say(text, choices...)
	return true
}

// stageDetails says where and when to go, and whom to ask for.
func (t *turn) stageDetails(d domain.StageDetails) string { return t.m.stageDetailsIn(t.s.Lang, d) }

// stageDetailsIn says in lang where and when to go, and whom to ask for, in one line: contact
// details in them stay masked.
func (m *Machine) stageDetailsIn(lang string, d domain.StageDetails) string {
	if d.Address == "" && d.Hours == "" && d.Contact == "" {
		return ""
	}
	return m.textIn(lang, "stage_details", data{"Address": m.safe(d.Address), "Hours": m.hours(lang, d.Hours),
		"Contact": m.safe(d.Contact)})
}

// onApplication confirms the stage, writes to the host, withdraws (after a check) or goes back to
// the list.
func (t *turn) onApplication() {
	switch t.choice {
	case "app:confirm":
		t.ask(ConfirmPlace{StudentID: t.s.Profile.StudentID, ApplicationID: t.s.AppID})
	case "app:write":
		t.s.Question = &Question{AppID: t.s.AppID, Host: t.s.Host}
		t.goTo(AnswerHost)
	case "app:withdraw":
		t.goTo(ConfirmWithdraw)
	case "app:cancel_stage":
		t.goTo(ConfirmCancelStage)
	case keyBack:
		t.goTo(MyApplications)
	default:
		t.confused()
	}
}

// showConfirmWithdraw checks before withdrawing.
func (t *turn) showConfirmWithdraw() {
	t.say(t.tr("confirm_withdraw", nil),
		t.choiceOf("withdraw:yes", "choice_withdraw_yes"),
		t.choiceOf("withdraw:no", "choice_no"))
}

// onConfirmWithdraw withdraws on yes, goes back to the application on no.
func (t *turn) onConfirmWithdraw() {
	switch t.choice {
	case "withdraw:yes":
		t.ask(Withdraw{StudentID: t.s.Profile.StudentID, ApplicationID: t.s.AppID})
	case "withdraw:no":
		t.goTo(ViewApplication)
	default:
		t.confused()
	}
}

// showConfirmCancelStage says what cancelling a confirmed stage means, and the words that do it.
func (t *turn) showConfirmCancelStage() {
	if t.s.AppID == 0 {
		t.goTo(MyApplications)
		return
	}
	t.say(t.tr("confirm_cancel_stage", data{"Host": t.s.Host}),
		t.choiceOf(keyBack, "choice_keep_stage"),
		t.choiceOf(keyMenu, "choice_menu"))
}

// cancelStageWords are the words that cancel a confirmed stage, folded: nothing shorter, so that no
// tap or stray "oui" does it.
var cancelStageWords = []string{"annuler stage", "annuler mon stage", "annuler le stage", "cancel internship",
	"cancel my internship", "cancel the internship"}

// onConfirmCancelStage cancels the confirmed stage when the student writes the words, goes back to it
// otherwise.
func (t *turn) onConfirmCancelStage() {
	switch {
	case t.choice == keyBack:
		t.goTo(ViewApplication)
	case t.choice == "" && slices.Contains(cancelStageWords, strings.Join(tokens(t.text), " ")):
		t.ask(Withdraw{StudentID: t.s.Profile.StudentID, ApplicationID: t.s.AppID, Stage: true})
	case t.choice == "" && (isYes(t.text) || t.number):
		t.refuse(t.tr("cancel_stage_words", nil))
	default:
		t.confused()
	}
}

// stageCancelled reads the answer to the withdrawal of a confirmed stage.
func (t *turn) stageCancelled() bool {
	r, ok := t.in.Result.(Withdrawn)
	if !ok {
		return false
	}
	t.s.AppID = 0
	if !r.OK {
		t.preface(t.tr("withdraw_failed", nil))
		t.goTo(MyApplications)
		return true
	}
	t.backHome(t.tr("stage_cancelled", data{"Host": t.s.Host, "Examples": t.tr("search_examples", nil)}))
	return true
}

// withdrawn reads the answer to Withdraw and lists the applications again.
func (t *turn) withdrawn() bool {
	r, ok := t.in.Result.(Withdrawn)
	if !ok {
		return false
	}
	if r.OK {
		t.preface(t.tr("withdrawn", nil))
	} else {
		t.preface(t.tr("withdraw_failed", nil))
	}
	t.s.AppID = 0
	t.goTo(MyApplications)
	return true
}

// statusOf writes where an application stands in words: its state, or that the offer filled up.
func (t *turn) statusOf(a domain.ApplicationSummary) string {
	if a.Full {
		return t.tr("status_full", nil)
	}
	return t.status(a.State)
}

// status writes an application's state in words.
func (t *turn) status(state domain.ApplicationState) string {
	if slices.Contains(domain.ApplicationStates(), state) {
		return t.tr("status_"+string(state), nil)
	}
	return t.tr("status_unknown", nil)
}

// placeConfirmed tells the student their stage is confirmed (and the other applications cancelled)
// with where and when to go, and whether the host could be told; or why it could not be confirmed.
func (t *turn) placeConfirmed(c Confirmed) {
	switch c.Problem {
	case domain.NoProblem:
		d := data{"Host": c.Host}
		text := t.tr("place_confirmed_alone", d)
		if c.Cancelled > 0 {
			text = t.plural("place_confirmed", c.Cancelled, d)
		}
		if !c.HostTold {
			text = t.tr("place_confirmed_host_unreachable", d)
			if c.Cancelled > 0 {
				text += " " + t.plural("place_confirmed_others_cancelled", c.Cancelled, nil)
			}
		}
		if details := t.stageDetails(c.Stage); details != "" {
			text += "\n" + details
		}
		if c.LastName {
			// Its agreement is prepared now: the student's last name is the first thing it needs.
			t.land(AskLastName)
			t.say(text + "\n" + t.tr("agreement_ask_last_name_now", nil))
			return
		}
		t.backHome(text)
		return
	case domain.ProblemExpired:
		t.preface(t.tr("place_confirm_expired", nil))
	default:
		t.preface(t.tr("place_confirm_failed", nil))
	}
	t.goTo(MyApplications)
}

// showConfirmStage looks up the applications, to confirm the one a host accepted (after CONFIRMER).
func (t *turn) showConfirmStage() {
	t.ask(ListApplications{StudentID: t.s.Profile.StudentID})
}

// stageToConfirm confirms the one place a host accepted, lets the student pick when there are
// several, or says there is none; it also reads the answer to ConfirmPlace.
func (t *turn) stageToConfirm() bool {
	if c, ok := t.in.Result.(Confirmed); ok {
		t.placeConfirmed(c)
		return true
	}
	r, ok := t.in.Result.(ApplicationsFound)
	if !ok {
		return false
	}
	var accepted []domain.ApplicationSummary
	for _, a := range r.Applications {
		if a.State == domain.Accepted {
			accepted = append(accepted, a)
		}
	}
	switch len(accepted) {
	case 0:
		t.preface(t.tr("confirm_nothing", nil))
		t.listApplications(r.Applications)
	case 1:
		t.s.AppID = accepted[0].ID
		t.ask(ConfirmPlace{StudentID: t.s.Profile.StudentID, ApplicationID: accepted[0].ID})
	default:
		t.preface(t.tr("confirm_which", nil))
		t.listApplications(accepted)
	}
	return true
}

// onConfirmStage: the lookup is under way; a message in between is read on the menu.
func (t *turn) onConfirmStage() { t.goTo(Menu) }
