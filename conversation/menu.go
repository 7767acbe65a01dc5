package conversation

// showMenu is home for a registered student.
func (t *turn) showMenu() {
	t.say(t.tr("menu", data{"Name": t.s.Profile.FirstName}),
		t.choiceOf("menu:search", "choice_search"),
		t.choiceOf("menu:apps", "choice_my_applications"),
		t.choiceOf("menu:help", "choice_help"))
}

// onMenu goes where the student chose.
func (t *turn) onMenu() {
	switch t.choice {
	case "menu:search":
		t.goTo(AskSearch)
	case "menu:apps":
		t.goTo(MyApplications)
	case "menu:help":
		t.help()
	default:
		t.confused()
	}
}
