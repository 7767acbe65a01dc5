package conversation

// The states of the conversation, in the order a student lives them.
const (
	// Welcome is a fresh session: whatever the first message says, it gets the welcome and the first
	// question, in French or, when the message was English, in English.
	Welcome State = "welcome"
	// ChooseLanguage asks Français or English (the detour taken on LANGUE).
	ChooseLanguage State = "choose_language"

	// AskFirstName starts the sign-up.
	AskFirstName State = "ask_first_name"
	// ConfirmFirstName checks a first name of several words, or of one letter.
	ConfirmFirstName State = "confirm_first_name"
	// AskLastInitial asks the initial of the family name (the only part of it that is kept).
	AskLastInitial State = "ask_last_initial"
	// AskSchool asks the collège's name or UAI code.
	AskSchool State = "ask_school"
	// PickSchool offers the collèges that matched.
	PickSchool State = "pick_school"
	// ConfirmSchool checks the one collège that matched, and its stage week when it has one.
	ConfirmSchool State = "confirm_school"
	// ConfirmWeek checks the collège's stage week.
	ConfirmWeek State = "confirm_week"
	// AskWeek asks the date of the Monday of the stage week.
	AskWeek State = "ask_week"
	// PickWeek says the week picked has no offer open and offers the nearest weeks that have some.
	PickWeek State = "pick_week"
	// AskBirth asks the month and year of birth.
	AskBirth State = "ask_birth"
	// AskParentPhone asks a parent's mobile number.
	AskParentPhone State = "ask_parent_phone"
	// AskParentLanguage asks which language to write to the parent in.
	AskParentLanguage State = "ask_parent_language"
	// ConfirmSignup shows the answers before saving them.
	ConfirmSignup State = "confirm_signup"
	// PickCorrection asks which sign-up answer to correct.
	PickCorrection State = "pick_correction"

	// Menu is home for a registered student.
	Menu State = "menu"
	// ViewProfile shows what the student signed up with, and lets them change their week, collège
	// or parent.
	ViewProfile State = "profile"

	// AskSearch asks for a word or a way to search.
	AskSearch State = "search"
	// PickFamily offers the families of sectors that have offers.
	PickFamily State = "pick_family"
	// PickSector offers the sectors of a family that have offers.
	PickSector State = "pick_sector"
	// AskArrondissement asks for an arrondissement, 1 to 20.
	AskArrondissement State = "ask_arrondissement"
	// Results shows one page of offers.
	Results State = "results"
	// ViewOffer shows one offer, in short or in full.
	ViewOffer State = "offer"
	// AskMotivation asks why the offer interests the student, then applies.
	AskMotivation State = "ask_motivation"

	// MyApplications lists the student's applications.
	MyApplications State = "applications"
	// ViewApplication shows one application.
	ViewApplication State = "application"
	// ConfirmWithdraw checks before withdrawing an application.
	ConfirmWithdraw State = "confirm_withdraw"
	// ConfirmCancelStage says what cancelling a confirmed stage means, and waits for the words that do it.
	ConfirmCancelStage State = "confirm_cancel_stage"
	// ConfirmStage looks up the place a host accepted, after CONFIRMER, to confirm it.
	ConfirmStage State = "confirm_stage"

	// ViewAgreement shows the agreement of the student's stage: where it stands, what it lacks.
	ViewAgreement State = "agreement"
	// EnterCode sends the student a signing code and waits for it.
	EnterCode State = "enter_code"
	// AskLastName asks the student's last name for the agreement (a notice brings them here).
	AskLastName State = "ask_last_name"

	// AnswerHost waits for the student's answer to a host's question (the detour a question takes),
	// or for a message to a host.
	AnswerHost State = "answer_host"
	// ConfirmAnswer checks before relaying an answer that looks like a menu choice or a thank-you.
	ConfirmAnswer State = "confirm_answer"

	// ConfirmDelete checks before erasing everything (the detour taken on SUPPRIMER).
	ConfirmDelete State = "confirm_delete"
)

// stateDef is what the machine knows about one state.
type stateDef struct {
	show       func(*turn)      // sends the state's prompt, or asks for the data the prompt shows
	on         func(*turn)      // reads the person's message; t.choice holds the choice it picked
	result     func(*turn) bool // reads the answer to the effect the state asked; false if it is not one
	short      string           // message id of the question repeated with the same choices; "" shows again
	help       string           // message id of the help about this step
	registered bool             // only a registered student can be here
	search     bool             // a word that is none of the choices starts a new search
}

// journey maps each state to its handlers.
func journey() map[State]stateDef {
	return map[State]stateDef{
		Welcome:        {show: (*turn).showWelcome, on: (*turn).showWelcome, help: "help_welcome"},
		ChooseLanguage: {show: (*turn).showChooseLanguage, on: (*turn).onChooseLanguage, help: "help_language"},

		AskFirstName:      {show: (*turn).showAskFirstName, on: (*turn).onFirstName, help: "help_first_name"},
		ConfirmFirstName:  {show: (*turn).showConfirmFirstName, on: (*turn).onConfirmFirstName, help: "help_first_name"},
		AskLastInitial:    {show: (*turn).showAskLastInitial, on: (*turn).onLastInitial, help: "help_last_initial"},
		AskSchool:         {show: (*turn).showAskSchool, on: (*turn).onSchool, result: (*turn).schoolsFound, short: "ask_school_again", help: "help_school"},
		PickSchool:        {show: (*turn).showPickSchool, on: (*turn).onPickSchool, result: (*turn).pickedSchoolFound, short: "pick_school", help: "help_school"},
		ConfirmSchool:     {show: (*turn).showConfirmSchool, on: (*turn).onConfirmSchool, result: (*turn).collegeWeekChecked, help: "help_school"},
		ConfirmWeek:       {show: (*turn).showConfirmWeek, on: (*turn).onConfirmWeek, result: (*turn).collegeWeekChecked, help: "help_week"},
		AskWeek:           {show: (*turn).showAskWeek, on: (*turn).onWeek, result: (*turn).typedWeekChecked, help: "help_week"},
		PickWeek:          {show: (*turn).showPickWeek, on: (*turn).onPickWeek, result: (*turn).collegeWeekChecked, short: "pick_week_short", help: "help_week"},
		AskBirth:          {show: (*turn).showAskBirth, on: (*turn).onBirth, help: "help_birth"},
		AskParentPhone:    {show: (*turn).showAskParentPhone, on: (*turn).onParentPhone, help: "help_parent_phone"},
		AskParentLanguage: {show: (*turn).showAskParentLanguage, on: (*turn).onParentLanguage, help: "help_parent_language"},
		ConfirmSignup:     {show: (*turn).showConfirmSignup, on: (*turn).onConfirmSignup, result: (*turn).registered, help: "help_confirm_signup"},
		PickCorrection:    {show: (*turn).showPickCorrection, on: (*turn).onPickCorrection, help: "help_fix_signup"},

		Menu:        {show: (*turn).showMenu, on: (*turn).onMenu, help: "help_menu", registered: true, search: true},
		ViewProfile: {show: (*turn).showProfile, on: (*turn).onProfile, result: (*turn).profileFound, short: "profile_short", help: "help_profile", registered: true, search: true},

		AskSearch:         {show: (*turn).showAskSearch, on: (*turn).onSearch, help: "help_search", registered: true, search: true},
		PickFamily:        {show: (*turn).showPickFamily, on: (*turn).onPickFamily, result: (*turn).familiesFound, short: "pick_family", help: "help_sector", registered: true, search: true},
		PickSector:        {show: (*turn).showPickSector, on: (*turn).onPickSector, result: (*turn).sectorsFound, short: "pick_sector_short", help: "help_sector", registered: true, search: true},
		AskArrondissement: {show: (*turn).showAskArrondissement, on: (*turn).onArrondissement, help: "help_arrondissement", registered: true, search: true},
		Results:           {show: (*turn).showResults, on: (*turn).onResults, result: (*turn).offersFound, short: "results_short", help: "help_results", registered: true, search: true},
		ViewOffer:         {show: (*turn).showOffer, on: (*turn).onOffer, result: (*turn).offerFound, short: "offer_short", help: "help_offer", registered: true, search: true},
		AskMotivation:     {show: (*turn).showAskMotivation, on: (*turn).onMotivation, result: (*turn).applied, help: "help_motivation", registered: true},

		MyApplications:     {show: (*turn).showApplications, on: (*turn).onApplications, result: (*turn).applicationsFound, short: "applications_short", help: "help_applications", registered: true, search: true},
		ViewApplication:    {show: (*turn).showApplication, on: (*turn).onApplication, result: (*turn).applicationFound, short: "application_short", help: "help_application", registered: true, search: true},
		ConfirmWithdraw:    {show: (*turn).showConfirmWithdraw, on: (*turn).onConfirmWithdraw, result: (*turn).withdrawn, help: "help_withdraw", registered: true, search: true},
		ConfirmCancelStage: {show: (*turn).showConfirmCancelStage, on: (*turn).onConfirmCancelStage, result: (*turn).stageCancelled, help: "help_cancel_stage", registered: true},
		ConfirmStage:       {show: (*turn).showConfirmStage, on: (*turn).onConfirmStage, result: (*turn).stageToConfirm, help: "help_application", registered: true, search: true},

		ViewAgreement: {show: (*turn).showViewAgreement, on: (*turn).onViewAgreement, result: (*turn).agreementShown, help: "help_agreement", registered: true, search: true},
		EnterCode:     {show: (*turn).showEnterCode, on: (*turn).onEnterCode, result: (*turn).codeSent, help: "help_agreement", registered: true},
		AskLastName:   {show: (*turn).showAskLastName, on: (*turn).onAskLastName, result: (*turn).lastNameSaved, help: "help_agreement", registered: true},

		AnswerHost:    {show: (*turn).showAnswerHost, on: (*turn).onAnswerHost, result: (*turn).answerRelayed, help: "help_answer_host", registered: true},
		ConfirmAnswer: {show: (*turn).showConfirmAnswer, on: (*turn).onConfirmAnswer, result: (*turn).answerRelayed, help: "help_answer_host", registered: true},

		ConfirmDelete: {show: (*turn).showConfirmDelete, on: (*turn).onConfirmDelete, help: "help_delete"},
	}
}
