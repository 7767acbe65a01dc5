package conversation

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"stagebot/domain"
	"stagebot/fold"
	"stagebot/phone"
)

// Sign-up limits.
const (
	maxFirstName = 30 // runes
	minAge       = 12 // years old during the stage week
	maxAge       = 17
)

// showAskFirstName starts the sign-up.
func (t *turn) showAskFirstName() { t.say(t.tr("ask_first_name", nil)) }

// onFirstName reads a first name: letters (accents too), spaces, hyphens and apostrophes, 1 to 30
// of them, no command word. "je m'appelle Karim" or "Bonjour, moi c'est Karim" gives Karim. A name
// of several words, or of one letter, is asked to be confirmed. "EN" or "FR" (as the welcome says)
// switches language instead.
func (t *turn) onFirstName() {
	if lang := languageWord(t.text); lang != "" && lang != t.s.Lang && t.s.Fix == FixNone && t.m.hasLanguage(lang) &&
		len(strings.Fields(t.text)) == 1 {
		t.s.Lang = lang
		t.showWelcome()
		return
	}
	name := firstNameIn(t.text)
	switch {
	case utf8.RuneCountInString(name) > maxFirstName:
		t.refuse(t.tr("first_name_too_long", data{"Max": maxFirstName}))
		return
	case !isName(name) || notAName(name):
		t.refuse(t.tr("first_name_invalid", nil))
		return
	}
	t.s.Profile.FirstName = capitalize(name)
	if len(strings.Fields(name)) > 1 || letters(name) < 2 {
		t.goTo(ConfirmFirstName)
		return
	}
	t.acceptFirstName()
}

// acceptFirstName thanks the student by the name just given and asks the next question.
func (t *turn) acceptFirstName() {
	t.preface(t.tr("first_name_ok", data{"Name": t.s.Profile.FirstName}))
	t.goTo(AskLastInitial)
}

// showConfirmFirstName checks a first name that may be more than one (or a typo).
func (t *turn) showConfirmFirstName() {
	if t.s.Profile.FirstName == "" {
		t.goTo(AskFirstName)
		return
	}
	t.say(t.tr("confirm_first_name", data{"Name": t.s.Profile.FirstName}),
		t.choiceOf("name:yes", "choice_yes"),
		t.choiceOf("name:no", "choice_fix_name_again"))
}

// onConfirmFirstName keeps the name, asks it again, or reads the name typed instead.
func (t *turn) onConfirmFirstName() {
	switch {
	case t.choice == "name:yes":
		t.acceptFirstName()
	case t.choice == "name:no":
		t.s.Profile.FirstName = ""
		t.land(AskFirstName)
		t.say(t.tr("ask_first_name_only", nil))
	case t.choice == "" && !t.number && isName(firstNameIn(t.text)):
		t.onFirstName()
	default:
		t.confused()
	}
}

// nameIntros are the words people put before their first name, folded: "je m'appelle Karim".
var nameIntros = [][]string{{"je", "m'appelle"}, {"je", "m", "appelle"}, {"je", "mappelle"}, {"moi", "c'est"},
	{"moi", "cest"}, {"c'est"}, {"mon", "prenom", "est"}, {"mon", "prenom", "c'est"}, {"mon", "prenom"}, {"prenom"},
	{"my", "name", "is"}, {"my", "name's"}, {"my", "name"}, {"i'm"}, {"i", "am"}, {"im"}, {"it's"}, {"name"},
	{"this", "is"}, {"moi"}}

// firstNameIn is the first name in what was typed, without a greeting or "je m'appelle" before it
// nor final punctuation: "Bonjour, je m'appelle Karim !" → "Karim".
func firstNameIn(text string) string {
	fields := strings.Fields(text)
	folded := make([]string, len(fields))
	for i, f := range fields {
		folded[i] = strings.Trim(fold.String(f), ",;:!.")
	}
	for len(folded) > 1 && isGreeting(folded[0]) {
		fields, folded = fields[1:], folded[1:]
	}
	for _, intro := range nameIntros {
		if len(folded) > len(intro) && slices.Equal(folded[:len(intro)], intro) {
			fields = fields[len(intro):]
			break
		}
	}
	return strings.Trim(strings.Join(fields, " "), ",;:!. ")
}

// notNames are words that are not a first name, though made of letters: what people type by
// mistake at the question.
var notNames = []string{"stage", "menu", "test", "rien", "personne", "prenom", "nom", "eleve", "college", "moi",
	"toi", "lol", "mdr", "quoi", "pourquoi", "comment", "what", "why", "name", "bot", "stagebot", "inconnu",
	"anonyme", "jsp", "sais", "pas", "je", "appelle", "mappelle", "suis", "my", "is"}

// notAName reports whether name is a command, a greeting, a yes or a no, or another word no one is
// called.
func notAName(name string) bool {
	if keywordOf(name) != kwNone || isGreeting(name) || isThanks(name) || yesOrNo(name) != 0 {
		return true
	}
	for _, w := range fold.Words(name) {
		if slices.Contains(notNames, w) || keywordOf(w) != kwNone {
			return true
		}
	}
	return false
}

// letters counts the letters in s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// showAskLastInitial asks only the initial of the family name: it is all a host will see.
func (t *turn) showAskLastInitial() { t.say(t.tr("ask_last_initial", nil)) }

// onLastInitial keeps the first letter of what was typed ("M", "m.", "Martin" → "M").
func (t *turn) onLastInitial() {
	initial := ""
	if r, _ := utf8.DecodeRuneInString(t.text); unicode.IsLetter(r) {
		initial = string(unicode.ToUpper(r))
	}
	if initial == "" || utf8.RuneCountInString(t.text) > maxFirstName {
		t.refuse(t.tr("last_initial_invalid", nil))
		return
	}
	t.s.Profile.LastInitial = initial
	t.advance(AskSchool)
}

// isName reports whether s is made of letters, spaces, hyphens and apostrophes, with a letter.
func isName(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case r == ' ', r == '-', r == '\'', r == '’':
		default:
			return false
		}
	}
	return letter
}

// capitalize writes "léa" or "LÉA" as "Léa" and "jean-pierre" as "Jean-Pierre"; a name already
// in mixed case is kept as typed.
func capitalize(name string) string {
	if name != strings.ToLower(name) && name != strings.ToUpper(name) {
		return name
	}
	out := []rune(strings.ToLower(name))
	start := true
	for i, r := range out {
		if start && unicode.IsLetter(r) {
			out[i] = unicode.ToUpper(r)
		}
		start = !unicode.IsLetter(r)
	}
	return string(out)
}

// showConfirmWeek asks whether the stage is in the collège's stage week.
func (t *turn) showConfirmWeek() {
	if t.s.Profile.SchoolWeek == nil {
		t.goTo(AskWeek)
		return
	}
	t.say(t.tr("confirm_week", data{"Date": t.longDate(*t.s.Profile.SchoolWeek)}),
		t.choiceOf("week:yes", "choice_yes"),
		t.choiceOf("week:no", "choice_other_week"))
}

// onConfirmWeek takes the collège's week, or asks for the date; a date typed here is read too.
func (t *turn) onConfirmWeek() {
	switch {
	case t.choice == "week:yes" && t.s.Profile.SchoolWeek != nil:
		monday := mondayOf(*t.s.Profile.SchoolWeek)
		if problem := t.weekProblem(monday); problem != "" {
			t.preface(problem)
			t.goTo(AskWeek)
			return
		}
		t.checkWeek(ConfirmWeek, monday)
	case t.choice == "week:no":
		t.goTo(AskWeek)
	case t.choice == "" && hasDigit(t.text):
		t.onWeek()
	default:
		t.confused()
	}
}

// toWeek goes to the week question: a yes or no when the collège's week is still ahead, the date
// otherwise.
func (t *turn) toWeek() {
	if w := t.s.Profile.SchoolWeek; w != nil && t.weekProblem(mondayOf(*w)) == "" {
		t.goTo(ConfirmWeek)
		return
	}
	t.goTo(AskWeek)
}

// showAskWeek asks the date of the Monday of the stage week.
func (t *turn) showAskWeek() { t.say(t.tr("ask_week", nil)) }

// onWeek reads a date (11/01, 11/01/2027, 1/2, 11 janvier) and keeps the Monday of its week.
func (t *turn) onWeek() {
	day, ok := t.m.parseDate(t.text, today(t.in.Now))
	if !ok {
		t.refuse(t.tr("week_invalid", nil))
		return
	}
	monday := mondayOf(day)
	if problem := t.weekProblem(monday); problem != "" {
		t.refuse(problem)
		return
	}
	t.checkWeek(AskWeek, monday)
}

// checkWeek keeps the week picked and asks, from state st, which weeks have offers open: a student
// who picks a week with none is told at once.
func (t *turn) checkWeek(st State, monday time.Time) {
	t.s.Profile.Week = monday
	t.land(st)
	t.ask(CheckWeek{Week: monday, REP: t.s.Profile.Priority == "REP" || t.s.Profile.Priority == "REP+"})
}

// collegeWeekChecked and typedWeekChecked read the answer to CheckWeek; a typed date is repeated
// back ("C'est noté"), the collège's week was just said yes to.
func (t *turn) collegeWeekChecked() bool { return t.weekChecked(false) }
func (t *turn) typedWeekChecked() bool   { return t.weekChecked(true) }

// nearWeeks is how many weeks are offered instead of one that cannot be taken or has no offer.
const nearWeeks = 3

// weekChecked goes on to the birth month when the week picked is one of the season's stage weeks
// and has offers open. A week in the school holidays, or outside the season's stage weeks, is
// refused with the reason, and the stage weeks are offered (the collège's first). A stage week
// with no offer yet is said so, with the nearest weeks that have some, or kept.
func (t *turn) weekChecked(typed bool) bool {
	r, ok := t.in.Result.(WeekChecked)
	if !ok || !r.Week.Equal(t.s.Profile.Week) {
		return false
	}
	d := data{"Date": t.longDate(r.Week)}
	switch {
	case r.Holiday != "":
		d["Holiday"] = t.holiday(r.Holiday)
		t.offerWeeks(t.tr("week_holiday", d), r, false)
		return true
	case r.Stage != nil && !slices.ContainsFunc(r.Stage, r.Week.Equal):
		t.offerWeeks(t.tr("week_not_stage", d), r, false)
		return true
	case offersIn(r.Open, r.Week) > 0:
		if typed && t.s.Fix != FixProfile { // a profile change says "saved" itself
			t.preface(t.tr("week_ok", d))
		}
		t.advance(AskBirth)
		return true
	}
	if !slices.ContainsFunc(r.Open, func(w domain.WeekOffers) bool { return w.Offers > 0 }) {
		t.preface(t.tr("week_no_offers_yet", d))
		t.advance(AskBirth)
		return true
	}
	t.offerWeeks(t.tr("week_no_offers", d), r, true)
	return true
}

// offerWeeks says text and offers the weeks a student can take instead of the one asked about: the
// season's stage weeks (or, with no season, the weeks with offers), the collège's week first, then
// the nearest; keep adds the choice to keep the week asked about.
func (t *turn) offerWeeks(text string, r WeekChecked, keep bool) {
	candidates := r.Stage
	if candidates == nil || keep {
		candidates = nil
		for _, w := range r.Open {
			if w.Offers > 0 {
				candidates = append(candidates, w.Week)
			}
		}
	}
	candidates = slices.DeleteFunc(slices.Clone(candidates), r.Week.Equal)
	distance := func(w time.Time) time.Duration { return w.Sub(r.Week).Abs() }
	slices.SortStableFunc(candidates, func(a, b time.Time) int { return cmp.Compare(distance(a), distance(b)) })
	var school *time.Time
	if sw := t.s.Profile.SchoolWeek; sw != nil {
		if i := slices.IndexFunc(candidates, mondayOf(*sw).Equal); i >= 0 {
			w := candidates[i]
			school = &w
			candidates = slices.Delete(candidates, i, i+1)
		}
	}
	n := nearWeeks
	if school != nil {
		n--
	}
	candidates = candidates[:min(len(candidates), n)]
	slices.SortFunc(candidates, func(a, b time.Time) int { return a.Compare(b) })
	if school != nil {
		candidates = append([]time.Time{*school}, candidates...)
	}
	choices := make([]domain.Choice, 0, len(candidates)+1)
	for i, w := range candidates {
		d, offers := data{"Date": t.longDate(w)}, offersIn(r.Open, w)
		label := t.plural("week_with_offers", offers, d)
		switch {
		case offers == 0:
			label = t.tr("week_without_offers", d)
		case school != nil && i == 0:
			label = t.plural("school_week_with_offers", offers, d)
		}
		choices = append(choices, domain.Choice{Key: "week:" + w.Format(time.DateOnly), Label: label})
	}
	if keep {
		choices = append(choices, t.choiceOf("week:keep", "choice_keep_week"))
	}
	if len(choices) == 0 {
		// Not one week to offer: the date is asked again.
		t.land(AskWeek)
		t.refuse(text)
		return
	}
	t.land(PickWeek)
	t.say(text, choices...)
}

// offersIn is how many offers are open in week.
func offersIn(open []domain.WeekOffers, week time.Time) int {
	for _, w := range open {
		if w.Week.Equal(week) {
			return w.Offers
		}
	}
	return 0
}

// holiday names a school holiday of the calendar file ("Hiver") in the student's language.
func (t *turn) holiday(name string) string {
	switch name := fold.String(name); name {
	case "toussaint", "noel", "hiver", "printemps", "ete":
		return t.tr("holiday_"+name, nil)
	}
	return t.tr("holiday_school", nil)
}

// showPickWeek looks the weeks up again, to show the choice again.
func (t *turn) showPickWeek() {
	t.ask(CheckWeek{Week: t.s.Profile.Week, REP: t.s.Profile.Priority == "REP" || t.s.Profile.Priority == "REP+"})
}

// onPickWeek takes one of the weeks offered, keeps the one picked, or reads another date.
func (t *turn) onPickWeek() {
	switch {
	case t.choice == "week:keep":
		t.advance(AskBirth)
	case strings.HasPrefix(t.choice, "week:"):
		monday, err := time.Parse(time.DateOnly, strings.TrimPrefix(t.choice, "week:"))
		if err != nil {
			t.confused()
			return
		}
		t.s.Profile.Week = monday
		t.preface(t.tr("week_ok", data{"Date": t.longDate(monday)}))
		t.advance(AskBirth)
	case t.choice == "" && hasDigit(t.text):
		t.onWeek()
	default:
		t.confused()
	}
}

// weekProblem says why a stage week cannot be taken: already begun, or more than a year ahead.
func (t *turn) weekProblem(monday time.Time) string {
	now := today(t.in.Now)
	switch {
	case monday.Before(now):
		return t.tr("week_past", nil)
	case monday.After(now.AddDate(1, 0, 0)):
		return t.tr("week_too_far", nil)
	}
	return ""
}

// showAskBirth asks the month and year of birth.
func (t *turn) showAskBirth() { t.say(t.tr("ask_birth", nil)) }

// onBirth reads "03/2012", "3/2012" or "mars 2012" and checks the age at the stage week.
func (t *turn) onBirth() {
	month, ok := t.m.parseMonthYear(t.text)
	if !ok {
		t.refuse(t.tr("birth_invalid", nil))
		return
	}
	week := t.s.Profile.Week
	age := week.Year() - month.Year()
	if week.Month() < month.Month() {
		age--
	}
	if age < minAge || age > maxAge {
		if age < 0 || age > 99 {
			t.refuse(t.tr("birth_invalid", nil))
			return
		}
		t.refuse(t.plural("birth_implausible", age, data{"Min": minAge, "Max": maxAge}))
		return
	}
	t.s.Profile.BirthMonth = month
	if t.s.Profile.underFourteen() {
		t.preface(t.tr("birth_under_14", nil))
	}
	t.advance(AskParentPhone)
}

// underFourteen reports whether the student may be under 14 on the Monday of their stage week (born
// in a month whose last day is less than 14 years before it, as the store counts): the law then
// allows only a public employer, not an ESS structure.
func (p Profile) underFourteen() bool {
	return !p.BirthMonth.IsZero() && !p.Week.IsZero() && p.BirthMonth.AddDate(14, 1, -1).After(p.Week)
}

// showAskParentPhone asks a parent's mobile number, and why.
func (t *turn) showAskParentPhone() { t.say(t.tr("ask_parent_phone", nil)) }

// onParentPhone accepts a valid French mobile number (06, 07) that is not the student's own.
func (t *turn) onParentPhone() {
	e164, err := phone.Mobile(t.text, false)
	switch {
	case errors.Is(err, phone.ErrNotMobile):
		t.refuse(t.tr("phone_not_mobile", nil))
		return
	case err != nil:
		t.refuse(t.tr("phone_invalid", nil))
		return
	case e164 == t.in.Address:
		t.refuse(t.tr("phone_own", nil))
		return
	case t.s.Profile.StudentID != 0 && e164 == t.s.Profile.ParentPhone:
		// Asked again because this number cannot be reached.
		t.refuse(t.tr("phone_same", nil))
		return
	}
	t.s.Profile.ParentPhone = e164
	t.goTo(AskParentLanguage)
}

// parentLanguages are the languages stagebot writes to parents in, in the order they are offered.
var parentLanguages = []string{"fr", "en", "ar", "zh", "pt", "es"}

// showAskParentLanguage asks which language to write to the parent in; each is named in the
// student's language (an SMS in Latin letters stays cheap), French first.
func (t *turn) showAskParentLanguage() {
	choices := make([]domain.Choice, 0, len(parentLanguages))
	for _, lang := range parentLanguages {
		if t.m.hasLanguage(lang) {
			choices = append(choices, t.choiceOf("plang:"+lang, "language_name_"+lang))
		}
	}
	t.say(t.tr("ask_parent_language", nil), choices...)
}

// onParentLanguage keeps the language picked (by number or name).
func (t *turn) onParentLanguage() {
	lang, ok := strings.CutPrefix(t.choice, "plang:")
	if !ok {
		if lang = languageWord(t.text); lang == "" {
			t.confused()
			return
		}
	}
	t.s.Profile.ParentLang = lang
	t.advance(ConfirmSignup)
}

// showConfirmSignup sums the answers up before saving them.
func (t *turn) showConfirmSignup() {
	t.say(t.tr("confirm_signup", t.profileData()),
		t.choiceOf("signup:yes", "choice_signup_ok"),
		t.choiceOf("signup:no", "choice_signup_fix"))
}

// profileData is the template data of the sign-up answers.
func (t *turn) profileData() data {
	p := t.s.Profile
	return data{
		"Name":       personName(p.FirstName, p.LastInitial),
		"School":     p.SchoolName,
		"Week":       t.longDate(p.Week),
		"Birth":      t.monthYear(p.BirthMonth),
		"Phone":      maskPhone(p.ParentPhone),
		"ParentLang": t.tr("language_name_"+cmp.Or(p.ParentLang, "fr"), nil),
	}
}

// onConfirmSignup saves the student, or asks which answer to correct.
func (t *turn) onConfirmSignup() {
	switch t.choice {
	case "signup:yes":
		t.ask(Register{Profile: t.s.Profile, Lang: t.s.Lang})
	case "signup:no":
		t.goTo(PickCorrection)
	default:
		t.confused()
	}
}

// showPickCorrection asks which answer to correct.
func (t *turn) showPickCorrection() {
	t.say(t.tr("fix_signup", nil),
		t.choiceOf("fix:name", "choice_fix_name"),
		t.choiceOf("fix:school", "choice_fix_school"),
		t.choiceOf("fix:week", "choice_fix_week"),
		t.choiceOf("fix:birth", "choice_fix_birth"),
		t.choiceOf("fix:parent", "choice_fix_parent"),
		t.choiceOf("fix:none", "choice_fix_nothing"))
}

// onPickCorrection asks the question again; the summary comes back once it is answered (see advance).
func (t *turn) onPickCorrection() {
	t.s.Fix = FixSignup
	switch t.choice {
	case "fix:name":
		t.goTo(AskFirstName)
	case "fix:school":
		t.s.Query = ""
		t.goTo(AskSchool)
	case "fix:week":
		t.toWeek()
	case "fix:birth":
		t.goTo(AskBirth)
	case "fix:parent":
		t.goTo(AskParentPhone)
	case "fix:none":
		t.s.Fix = FixNone
		t.goTo(ConfirmSignup)
	default:
		t.s.Fix = FixNone
		t.confused()
	}
}

// advance goes on to next, the question after the one just answered. When an answer was being
// corrected before saving, the group of questions it belongs to ends at next (the name at the
// collège, the collège and week at the birth date, the birth date at the parent's number, the
// parent at the summary) and the summary comes instead; when a registered student changes their
// profile, the change is saved there.
func (t *turn) advance(next State) {
	switch t.s.Fix {
	case FixSignup:
		if next == AskSchool || next == AskBirth || next == AskParentPhone || next == ConfirmSignup {
			t.s.Fix = FixNone
			t.goTo(ConfirmSignup)
			return
		}
	case FixProfile:
		if next == AskSchool || next == AskBirth || next == AskParentPhone || next == ConfirmSignup {
			t.s.Fix, t.s.Before = FixNone, nil
			t.land(ViewProfile)
			t.ask(ChangeProfile{Profile: t.s.Profile})
			return
		}
	}
	t.goTo(next)
}

// registered reads the answer to Register: the student is saved, their parent will be asked.
func (t *turn) registered() bool {
	r, ok := t.in.Result.(Registered)
	if !ok {
		return false
	}
	if r.StudentID == 0 {
		t.preface(t.tr("register_failed", nil))
		t.showConfirmSignup()
		return true
	}
	t.s.Profile.StudentID = r.StudentID
	if r.ParentStopped {
		// The parent once sent STOP: they cannot be asked. Another number, then.
		t.preface(t.tr("student_notice_parent_unreachable", data{"Phone": maskPhone(t.s.Profile.ParentPhone)}))
		t.changeProfile(AskParentPhone)
		return true
	}
	d := data{"Name": t.s.Profile.FirstName, "Examples": t.tr("search_examples", nil)}
	if r.ParentAskedAt != nil {
		d["When"] = t.when(*r.ParentAskedAt)
		t.backHome(t.tr("registered_later", d))
		return true
	}
	t.backHome(t.tr("registered", d))
	return true
}

// maskPhone shows a number as "06 xx xx xx 78": enough to spot a typo, not enough to read it.
func maskPhone(e164 string) string { return phone.Mask(e164) }

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}
