package conversation

import (
	"slices"

	"stagebot/domain"
)

// showMenu is home for a registered student.
func (t *turn) showMenu() {
	t.say(t.tr("menu", data{"Name": t.s.Profile.FirstName}), t.menuChoices()...)
}

// menuChoices are the menu's choices, always the same, in the same order: their numbers never change.
func (t *turn) menuChoices() []domain.Choice {
	return []domain.Choice{
		t.choiceOf(keySearch, "choice_search"),
		t.choiceOf("menu:apps", "choice_my_applications"),
		t.choiceOf("menu:profile", "choice_my_profile"),
		t.choiceOf("menu:help", "choice_help"),
	}
}

// backHome says text (what just happened, and that a word searches or MENU shows the menu) and lands
// on the menu without showing it, to keep to one SMS. The menu's numbers work there all the same:
// they are the ones the student has seen on every menu.
func (t *turn) backHome(text string) {
	t.land(Menu)
	t.say(text)
	for _, c := range number(t.menuChoices()) {
		t.s.Choices = append(t.s.Choices, c.Key)
		t.s.Labels = append(t.s.Labels, c.Label)
		t.s.Numbers = append(t.s.Numbers, c.Number)
	}
}

// onMenu goes where the student chose.
func (t *turn) onMenu() {
	switch t.choice {
	case keySearch:
		t.newSearch()
	case "menu:apps":
		t.goTo(MyApplications)
	case "menu:profile":
		t.goTo(ViewProfile)
	case "menu:help":
		t.help()
	default:
		t.confused()
	}
}

// showProfile asks for the applications, to warn that a new week withdraws the live ones.
func (t *turn) showProfile() {
	t.ask(ListApplications{StudentID: t.s.Profile.StudentID})
}

// profileFound shows what the student signed up with and what they can change; it also reads the
// answer to ChangeProfile.
func (t *turn) profileFound() bool {
	if r, ok := t.in.Result.(ProfileChanged); ok {
		t.profileChanged(r)
		return true
	}
	r, ok := t.in.Result.(ApplicationsFound)
	if !ok {
		return false
	}
	d := t.profileData()
	d["Live"] = len(slices.DeleteFunc(slices.Clone(r.Applications), func(a domain.ApplicationSummary) bool {
		return !a.State.Live()
	}))
	t.land(ViewProfile)
	t.say(t.tr("profile", d),
		t.choiceOf("profile:week", "choice_change_week"),
		t.choiceOf("profile:school", "choice_change_school"),
		t.choiceOf("profile:parent", "choice_change_parent"),
		t.choiceOf("profile:name", "choice_change_name"),
		t.choiceOf("profile:birth", "choice_change_birth"),
		t.choiceOf(keyMenu, "choice_menu"))
	return true
}

// onProfile starts changing the week, the collège or the parent's number.
func (t *turn) onProfile() {
	switch t.choice {
	case "profile:week":
		t.changeProfile(AskWeek)
	case "profile:school":
		t.s.Query = ""
		t.changeProfile(AskSchool)
	case "profile:parent":
		t.changeProfile(AskParentPhone)
	case "profile:name":
		t.changeProfile(AskFirstName)
	case "profile:birth":
		t.changeProfile(AskBirth)
	default:
		t.confused()
	}
}

// changeProfile asks question st again to change a registered student's profile; the change is
// saved after the last question of its group (see advance), and given up if the student leaves.
func (t *turn) changeProfile(st State) {
	before := t.s.Profile
	t.s.Before, t.s.Fix = &before, FixProfile
	t.goTo(st)
}

// profileChanged says what the change did, then shows the profile.
func (t *turn) profileChanged(r ProfileChanged) {
	id := t.s.Profile.StudentID
	t.s.Profile = r.Profile
	t.s.Profile.StudentID = id
	switch {
	case r.Problem == domain.ProblemPlaced:
		t.preface(t.tr("profile_placed", nil))
	case r.Problem != domain.NoProblem:
		t.preface(t.tr("profile_failed", nil))
	case r.ParentStopped:
		t.preface(t.tr("student_notice_parent_unreachable", data{"Phone": maskPhone(t.s.Profile.ParentPhone)}))
		t.changeProfile(AskParentPhone)
		return
	default:
		t.preface(t.tr("profile_saved", nil))
		if r.Withdrawn > 0 {
			t.preface(t.plural("profile_withdrawn", r.Withdrawn, nil))
		}
		switch {
		case r.NewParent && r.ParentAskedAt != nil:
			t.preface(t.tr("profile_new_parent_later", data{"When": t.when(*r.ParentAskedAt)}))
		case r.NewParent:
			t.preface(t.tr("profile_new_parent", nil))
		}
	}
	t.goTo(ViewProfile)
}

// signupState reports whether st is one of the sign-up questions (or a detour from them), which a
// profile change goes through.
func signupState(st State) bool {
	switch st {
	case AskFirstName, ConfirmFirstName, AskLastInitial, AskSchool, PickSchool, ConfirmSchool, ConfirmWeek, AskWeek, PickWeek,
		AskBirth, AskParentPhone, AskParentLanguage, ConfirmSignup, PickCorrection, ChooseLanguage, ConfirmDelete:
		return true
	}
	return false
}
