package conversation

import (
	"stagebot/domain"
	"strings"
	"unicode"
)

// Most runes of a collège name we look up or keep.
const maxSchoolName = 80

// Keys of the school choices.
const (
	keySchoolNotListed  = "school:not_listed"   // my collège is not in the list: keep the name typed
	keySchoolNoneOfThem = "school:none_of_them" // none of those in the list: type again
	keySchoolPrefix     = "school:"             // followed by the UAI code of a collège in the list
)

// showAskSchool asks for the collège. A code from a /start link is looked up straight away; after
// a first try the person may also keep the name they typed.
func (t *turn) showAskSchool() {
	p := t.s.Profile
	switch {
	case p.SchoolUAI != "" && p.SchoolName == "" && t.s.Query == "":
		t.ask(FindSchools{Query: p.SchoolUAI})
	case t.s.Query != "":
		t.say(t.tr("ask_school_again", nil), t.choiceOf(keySchoolNotListed, "choice_school_not_listed"))
	default:
		t.say(t.tr("ask_school", data{"Example": t.tr("school_example", nil)}))
	}
}

// onSchool looks up the name or code typed, or keeps the name typed before when the collège is not
// in the list.
func (t *turn) onSchool() {
	if t.choice == keySchoolNotListed && t.s.Query != "" {
		t.acceptSchool(domain.School{Name: t.s.Query, Priority: "none"})
		return
	}
	t.lookUpSchool()
}

// lookUpSchool searches for the collège the person typed.
func (t *turn) lookUpSchool() {
	if t.choice != "" || t.number || strings.IndexFunc(t.text, unicode.IsLetter) < 0 {
		t.confused()
		return
	}
	t.s.Query = cut(t.text, maxSchoolName)
	t.s.Profile.SchoolUAI, t.s.Profile.SchoolName = "", ""
	t.land(AskSchool)
	t.ask(FindSchools{Query: t.s.Query})
}

// schoolsFound reads the collèges matching what was typed (or the /start link's code): none, one to
// confirm, or a list to pick from.
func (t *turn) schoolsFound() bool {
	r, ok := t.in.Result.(SchoolsFound)
	if !ok {
		return false
	}
	if t.s.Query == "" {
		// The /start link's code.
		uai := t.s.Profile.SchoolUAI
		if uai == "" {
			return false
		}
		t.s.Profile.SchoolUAI = ""
		if sc, found := findSchool(r.Schools, uai); found {
			t.confirmSchool(sc)
			return true
		}
		t.say(t.tr("ask_school", data{"Example": t.tr("school_example", nil)}))
		return true
	}
	t.showSchools(r.Schools)
	return true
}

// showSchools answers a search for a collège.
func (t *turn) showSchools(schools []domain.School) {
	switch len(schools) {
	case 0:
		t.land(AskSchool)
		t.preface(t.tr("school_not_found", data{"Query": t.s.Query}))
		t.showAskSchool()
	case 1:
		t.confirmSchool(schools[0])
	default:
		t.land(PickSchool)
		choices := make([]domain.Choice, 0, 6)
		for i, sc := range schools {
			if i == 5 {
				break
			}
			choices = append(choices, domain.Choice{Key: keySchoolPrefix + sc.UAI, Label: schoolLabel(sc)})
		}
		choices = append(choices, t.choiceOf(keySchoolNoneOfThem, "choice_school_none"))
		t.say(t.tr("pick_school", nil), choices...)
	}
}

// showPickSchool looks the name typed up again, to show the list again.
func (t *turn) showPickSchool() {
	t.s.Profile.SchoolUAI = ""
	if t.s.Query == "" {
		t.goTo(AskSchool)
		return
	}
	t.ask(FindSchools{Query: t.s.Query})
}

// onPickSchool takes the collège picked (its details are looked up by its code), or a new name.
func (t *turn) onPickSchool() {
	switch {
	case t.choice == keySchoolNoneOfThem:
		t.goTo(AskSchool)
	case strings.HasPrefix(t.choice, keySchoolPrefix):
		t.s.Profile.SchoolUAI = strings.TrimPrefix(t.choice, keySchoolPrefix)
		t.ask(FindSchools{Query: t.s.Profile.SchoolUAI})
	default:
		t.lookUpSchool()
	}
}

// pickedSchoolFound reads the details of the collège picked, or the list looked up again.
func (t *turn) pickedSchoolFound() bool {
	r, ok := t.in.Result.(SchoolsFound)
	if !ok {
		return false
	}
	if uai := t.s.Profile.SchoolUAI; uai != "" {
		t.s.Profile.SchoolUAI = ""
		if sc, found := findSchool(r.Schools, uai); found {
			t.acceptSchool(sc)
			return true
		}
	}
	t.showSchools(r.Schools)
	return true
}

// confirmSchool asks whether the one collège found is theirs, and in the same message whether its
// stage week is theirs when it has one still ahead.
func (t *turn) confirmSchool(sc domain.School) {
	t.keepSchool(sc)
	t.land(ConfirmSchool)
	t.askConfirmSchool(schoolLabel(sc))
}

// showConfirmSchool asks again whether the collège found is theirs.
func (t *turn) showConfirmSchool() {
	if t.s.Profile.SchoolName == "" {
		t.goTo(AskSchool)
		return
	}
	t.askConfirmSchool(t.s.Profile.SchoolName)
}

func (t *turn) askConfirmSchool(label string) {
	if t.schoolWeekAhead() {
		t.say(t.tr("confirm_school_week", data{"School": label, "Date": t.longDate(*t.s.Profile.SchoolWeek)}),
			t.choiceOf("school:yes", "choice_yes"),
			t.choiceOf("school:other_week", "choice_other_week"),
			t.choiceOf("school:no", "choice_other_school"))
		return
	}
	t.say(t.tr("confirm_school", data{"School": label}),
		t.choiceOf("school:yes", "choice_yes"),
		t.choiceOf("school:no", "choice_no"))
}

// schoolWeekAhead reports whether the collège has a stage week that can still be taken.
func (t *turn) schoolWeekAhead() bool {
	w := t.s.Profile.SchoolWeek
	return w != nil && t.weekProblem(mondayOf(*w)) == ""
}

// onConfirmSchool keeps the collège (and its week, when the student said yes to both), or asks for
// it again.
func (t *turn) onConfirmSchool() {
	switch t.choice {
	case "school:yes":
		t.s.Query = ""
		if t.schoolWeekAhead() {
			t.checkWeek(ConfirmSchool, mondayOf(*t.s.Profile.SchoolWeek))
			return
		}
		t.goTo(AskWeek)
	case "school:other_week":
		t.s.Query = ""
		t.goTo(AskWeek)
	case "school:no":
		t.s.Profile.SchoolUAI, t.s.Profile.SchoolName, t.s.Profile.Priority = "", "", ""
		t.s.Profile.SchoolWeek = nil
		t.goTo(AskSchool)
	case "":
		if hasDigit(t.text) && !t.number {
			// A date typed here: the collège is right, the week is this one.
			t.s.Query = ""
			t.onWeek()
			return
		}
		t.confused()
	default:
		t.confused()
	}
}

// acceptSchool keeps the collège picked from a list or typed, and moves on to the stage week.
func (t *turn) acceptSchool(sc domain.School) {
	t.keepSchool(sc)
	t.s.Query = ""
	t.toWeek()
}

// keepSchool records the collège in the profile.
func (t *turn) keepSchool(sc domain.School) {
	if sc.Priority == "" {
		sc.Priority = "none"
	}
	t.s.Profile.SchoolUAI = sc.UAI
	t.s.Profile.SchoolName = sc.Name
	t.s.Profile.Priority = sc.Priority
	t.s.Profile.SchoolWeek = sc.StageWeek
}

// schoolLabel names a collège with its commune: "Collège Jean Moulin (Paris 14e)".
func schoolLabel(sc domain.School) string {
	if sc.Commune == "" {
		return sc.Name
	}
	return sc.Name + " (" + sc.Commune + ")"
}

func findSchool(schools []domain.School, uai string) (domain.School, bool) {
	for _, sc := range schools {
		if strings.EqualFold(sc.UAI, uai) {
			return sc, true
		}
	}
	return domain.School{}, false
}
