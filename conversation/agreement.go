package conversation

import (
	"slices"
	"strings"
	"unicode"

	"stagebot/domain"
)

// The convention de stage, as the student lives it: once their stage is confirmed, its agreement is
// prepared; they may be asked their last name for it; CONVENTION shows where it stands and what it
// lacks, with a link to read it; SIGNER sends them a 6-digit code, which they send back to sign. The
// parent and the host do the same from their own conversations (see agreement_parties.go).

// The effects the agreement asks of the workflow.
type (
	// ShowAgreement asks for an agreement as a party sees it (AgreementID 0: the student's own).
	ShowAgreement struct {
		AgreementID int64
		As          domain.Signatory
	}
	// RequestCode asks for a signing code for a party, sent in the reply.
	RequestCode struct {
		AgreementID int64
		As          domain.Signatory
	}
	// SignWithCode signs an agreement as a party with the code they typed.
	SignWithCode struct {
		AgreementID int64
		As          domain.Signatory
		Code        string
	}
	// SetHours gives the hours of the stage week, as the host wrote them.
	SetHours struct {
		AgreementID int64
		Text        string
	}
	// SetActivities gives what the student will see and do, as the host wrote it.
	SetActivities struct {
		AgreementID int64
		Text        string
	}
	// SetAgreementName gives a party's name for the agreement: the student's last name, a parent's
	// full name.
	SetAgreementName struct {
		AgreementID int64
		As          domain.Signatory
		Name        string
	}
	// SetSecondParent gives the other legal representative's mobile number, or says the parent
	// signs alone.
	SetSecondParent struct {
		AgreementID int64
		Phone       string // E.164; "" with Alone
		Alone       bool
	}
)

func (ShowAgreement) isEffect()    {}
func (RequestCode) isEffect()      {}
func (SignWithCode) isEffect()     {}
func (SetHours) isEffect()         {}
func (SetActivities) isEffect()    {}
func (SetAgreementName) isEffect() {}
func (SetSecondParent) isEffect()  {}

// CodeProblem is why no code was sent.
type CodeProblem string

// The code problems.
const (
	CodeNotOpen  CodeProblem = "not_open" // the agreement is not ready to sign
	CodeSigned   CodeProblem = "signed"   // the party signed already
	CodeTooMany  CodeProblem = "too_many" // three codes in the hour
	CodeLocked   CodeProblem = "locked"   // a code was locked after five wrong tries, less than an hour ago
	CodeNoneHere CodeProblem = "none"     // no agreement (or not this party's)
)

// SignOutcome is what signing with a code did.
type SignOutcome string

// The outcomes.
const (
	SignedOK      SignOutcome = "signed"     // signed; others still have to
	SignedByAll   SignOutcome = "all_signed" // signed, and it was the last signature
	SignWrongCode SignOutcome = "wrong"      // not the code; TriesLeft more
	SignLocked    SignOutcome = "locked"     // the fifth wrong code: locked for an hour
	SignNoCode    SignOutcome = "no_code"    // no live code (expired, used, never asked)
	SignNotOpen   SignOutcome = "not_open"   // the agreement is not (or no longer) open to signatures
)

// The answers to those effects.
type (
	// AgreementFound is an agreement as the party sees it; nil when they have none.
	AgreementFound struct{ Agreement *domain.AgreementView }
	// CodeSent is the code sent to the party, or why none was.
	CodeSent struct {
		Agreement *domain.AgreementView
		Code      string
		Problem   CodeProblem
	}
	// SignResult is what signing did.
	SignResult struct {
		Agreement *domain.AgreementView
		Outcome   SignOutcome
		TriesLeft int
	}
	// HoursSaved says whether the host's hours were kept: unreadable (Unread), or outside the legal
	// limits for a student of Age (Breaches), or saved (Agreement shows them).
	HoursSaved struct {
		Agreement *domain.AgreementView
		Unread    bool
		Breaches  []LimitBreach
		Age       int
	}
	// AgreementSaved says whether a part of the agreement was kept, and why not.
	AgreementSaved struct {
		Agreement *domain.AgreementView
		OK        bool
		Problem   string // "not_yours", "closed", "too_long", "bad_phone", "same_phone"
	}
)

func (AgreementFound) isResult() {}
func (CodeSent) isResult()       {}
func (SignResult) isResult()     {}
func (HoursSaved) isResult()     {}
func (AgreementSaved) isResult() {}

// LimitBreach is one legal limit a schedule breaks, in figures: Limit is its id (day, week, break,
// night, rest), Day the day (0 Monday; -1 the week), Max the limit, Actual what was asked; Start and
// End the night's bounds.
type LimitBreach struct {
	Limit       string
	Day         int
	LastDay     int // the same breach on the following days up to this one (GroupBreaches); Day when alone
	Max, Actual int
	Start, End  int
	Source      string // the text the limit comes from
}

// GroupBreaches joins the same breach on consecutive days into one, "lundi au vendredi : 8 h…", so
// that a host reads each problem once.
func GroupBreaches(in []LimitBreach) []LimitBreach {
	var out []LimitBreach
	for _, b := range in {
		b.LastDay = b.Day
		if n := len(out); n > 0 {
			last := &out[n-1]
			same := *last
			same.Day, same.LastDay = b.Day, b.Day
			if same == b && b.Day >= 0 && b.Day == last.LastDay+1 {
				last.LastDay = b.Day
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

// agreementWord reads "CONVENTION", "AGREEMENT" (also /convention on Telegram) and "SIGNER", "SIGN".
func agreementWord(text string) (show, sign bool) {
	word := strings.TrimPrefix(bareWord(text), "/")
	switch word {
	case "convention", "agreement", "ma convention", "my agreement":
		return true, false
	case "signer", "sign", "je signe", "signature":
		return false, true
	}
	return false, false
}

// signingCode reads a 6-digit code, spaces allowed ("482 913").
func signingCode(text string) (string, bool) {
	code := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '.' {
			return -1
		}
		return r
	}, text)
	if len(code) != 6 {
		return "", false
	}
	for _, r := range code {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return code, true
}

// showViewAgreement asks for the student's agreement.
func (t *turn) showViewAgreement() {
	t.ask(ShowAgreement{As: domain.SignStudent})
}

// agreementShown shows where the agreement stands, with SIGNER when it waits for the student.
func (t *turn) agreementShown() bool {
	r, ok := t.in.Result.(AgreementFound)
	if !ok {
		return false
	}
	if r.Agreement == nil {
		t.backHome(t.tr("agreement_none", nil))
		return true
	}
	a := *r.Agreement
	choices := []domain.Choice{}
	if a.State == domain.AgreementSigning && !a.YouSigned() {
		choices = append(choices, t.choiceOf("agreement:sign", "choice_sign"))
	}
	if slices.Contains(a.Needs, domain.NeedStudentName) {
		choices = append(choices, t.choiceOf("agreement:name", "choice_give_name"))
	}
	choices = append(choices, t.choiceOf(keyMenu, "choice_menu"))
	t.say(t.m.agreementStatus(t.s.Lang, studentWords, a), choices...)
	return true
}

// onViewAgreement goes to signing, or reads the message afresh (a word searches).
func (t *turn) onViewAgreement() {
	switch t.choice {
	case "agreement:sign":
		t.goTo(EnterCode)
	case "agreement:name":
		t.goTo(AskLastName)
	default:
		t.confused()
	}
}

// showEnterCode asks for a code to be sent.
func (t *turn) showEnterCode() {
	t.ask(RequestCode{As: domain.SignStudent})
}

// codeSent gives the code, or says why there is none and lands on the menu.
func (t *turn) codeSent() bool {
	switch r := t.in.Result.(type) {
	case CodeSent:
		if r.Problem != "" {
			t.backHome(t.m.codeProblem(t.s.Lang, studentWords, r.Problem, r.Agreement))
			return true
		}
		t.say(t.tr("agreement_code", data{"Code": spacedCode(r.Code)}))
		return true
	case SignResult:
		t.signed(r)
		return true
	}
	return false
}

// onEnterCode signs with the code typed.
func (t *turn) onEnterCode() {
	code, ok := signingCode(t.text)
	if !ok {
		t.miss()
		t.say(t.tr("agreement_code_again", nil))
		return
	}
	t.ask(SignWithCode{As: domain.SignStudent, Code: code})
}

// signed says what signing did: done (and whether everyone has), or a wrong code (tried again
// here), or no more tries.
func (t *turn) signed(r SignResult) {
	switch r.Outcome {
	case SignWrongCode:
		t.say(t.plural("agreement_code_wrong", r.TriesLeft, data{"Left": r.TriesLeft}))
		return
	}
	t.backHome(t.m.signOutcome(t.s.Lang, studentWords, r))
}

// showAskLastName asks the student's last name for the agreement (a notice brought them here).
func (t *turn) showAskLastName() {
	t.say(t.tr("agreement_ask_last_name", nil))
}

// onAskLastName reads a last name: letters, spaces, hyphens and apostrophes, in the Latin alphabet
// (as on an identity card), 80 at most.
func (t *turn) onAskLastName() {
	name, ok := personFullName(t.text, 80)
	if !ok {
		t.miss()
		t.say(t.tr("agreement_bad_name", nil))
		return
	}
	t.ask(SetAgreementName{As: domain.SignStudent, Name: name})
}

// lastNameSaved thanks the student.
func (t *turn) lastNameSaved() bool {
	r, ok := t.in.Result.(AgreementSaved)
	if !ok {
		return false
	}
	if !r.OK {
		t.backHome(t.tr("agreement_not_saved", nil))
		return true
	}
	t.backHome(t.tr("agreement_name_saved", nil))
	return true
}

// personFullName reads a person's name for an official document: words of Latin letters (accents
// allowed), hyphens, apostrophes and spaces, at most max runes, each word capitalised when typed all
// in lower or upper case.
func personFullName(text string, max int) (string, bool) {
	words := strings.Fields(text)
	if len(words) == 0 || len([]rune(strings.Join(words, " "))) > max {
		return "", false
	}
	for i, w := range words {
		letters := 0
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Latin, r):
				letters++
			case r == '-' || r == '\'' || r == '’' || r == '.':
			default:
				return "", false
			}
		}
		if letters == 0 {
			return "", false
		}
		parts := strings.Split(w, "-")
		for k, part := range parts {
			if strings.ToLower(part) == part || strings.ToUpper(part) == part {
				parts[k] = capitalised(part)
			}
		}
		words[i] = strings.Join(parts, "-")
	}
	return strings.Join(words, " "), true
}

// capitalised writes "jean-pierre" and "JEAN-PIERRE" as "Jean-Pierre".
func capitalised(w string) string {
	var b strings.Builder
	up := true
	for _, r := range strings.ToLower(w) {
		if up {
			b.WriteRune(unicode.ToUpper(r))
		} else {
			b.WriteRune(r)
		}
		up = r == '-' || r == '\'' || r == '’'
	}
	return b.String()
}

// spacedCode writes a code as "482 913", easier to read and type.
func spacedCode(code string) string {
	if len(code) == 6 {
		return code[:3] + " " + code[3:]
	}
	return code
}

// The words of the agreement's messages: the student's ("tu"), the host's and the parents' ("vous",
// the parents' in their six languages) are distinct message ids, one prefix each.
const (
	studentWords = "agreement_"
	hostWords    = "host_agreement_"
	parentWords  = "parent_agreement_"
)

// agreementStatus writes where an agreement stands for a party: the stage, its state, what it
// lacks and from whom, and the link.
func (m *Machine) agreementStatus(lang, words string, a domain.AgreementView) string {
	d := data{"Student": a.Student, "OfStudent": of(lang, a.Student), "First": a.First, "Host": a.Host,
		"Week": m.longDate(lang, a.Week), "Link": a.Link, "Ref": a.Ref}
	lines := []string{m.textIn(lang, words+"status_"+string(a.State), d)}
	if missing := m.agreementMissing(lang, words, a); missing != "" && a.State != domain.AgreementCancelled {
		lines = append(lines, m.textIn(lang, words+"missing", data{"Missing": missing}))
	}
	if a.State == domain.AgreementSigning && !a.YouSigned() && a.You != "" {
		lines = append(lines, m.textIn(lang, words+"sign_hint", d))
	}
	if a.Link != "" && a.State != domain.AgreementCancelled {
		lines = append(lines, m.textIn(lang, words+"link", d))
	}
	return strings.Join(lines, "\n")
}

// agreementMissing lists what an agreement lacks, each with who gives it, in the reader's words:
// "les horaires (la structure), ta signature".
func (m *Machine) agreementMissing(lang, words string, a domain.AgreementView) string {
	var parts []string
	for _, n := range a.Needs {
		if n == domain.NeedSignatures {
			for _, s := range a.Unsigned {
				id := words + "sig_" + string(s)
				if s == a.You {
					id = words + "sig_you"
				}
				parts = append(parts, m.textIn(lang, id, nil))
			}
			continue
		}
		parts = append(parts, m.textIn(lang, words+"need_"+string(n), nil))
	}
	return strings.Join(parts, ", ")
}

// codeProblem says why no code was sent.
func (m *Machine) codeProblem(lang, words string, p CodeProblem, a *domain.AgreementView) string {
	if p == CodeNotOpen && a != nil {
		return m.agreementStatus(lang, words, *a)
	}
	return m.textIn(lang, words+"code_"+string(p), nil)
}

// signOutcome says what signing did.
func (m *Machine) signOutcome(lang, words string, r SignResult) string {
	switch r.Outcome {
	case SignedByAll:
		d := data{}
		if r.Agreement != nil {
			d["Link"] = r.Agreement.Link
		}
		return m.textIn(lang, words+"signed_all", d)
	case SignedOK, SignLocked, SignNoCode:
		return m.textIn(lang, words+"signed_"+string(r.Outcome), nil)
	case SignWrongCode:
		return m.pluralIn(lang, words+"code_wrong", r.TriesLeft, data{"Left": r.TriesLeft})
	}
	if r.Agreement != nil {
		return m.agreementStatus(lang, words, *r.Agreement)
	}
	return m.textIn(lang, words+"none", nil)
}
