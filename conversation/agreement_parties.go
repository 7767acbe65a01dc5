package conversation

import (
	"slices"
	"strconv"
	"strings"

	"stagebot/domain"
	"stagebot/phone"
)

// The agreement as the parents and the host live it, in their own conversations. A party's
// agreements come with each of their messages (AgreementRef): what each lacks from them is what a
// plain message answers. The parent gives their name ("Samia Kaddour"), and when the campaign asks
// both legal representatives to sign, the other one's mobile number (or SEUL); the host gives the
// hours (HORAIRES 77 9h-12h 14h-17h) and the activities (ACTIVITES 77 …). Everyone reads it with
// CONVENTION, asks for a code with SIGNER, and signs by sending the code back.

// AgreementRef is one agreement a parent or a host is a party to, as their machine needs it.
type AgreementRef struct {
	ID          int64
	Ref         int64 // the stage's application: the reference hosts know
	Student     string
	First       string
	You         domain.Signatory
	State       domain.AgreementState
	Asks        []domain.AgreementNeed // what it lacks from this party (their name, the other parent, the hours…)
	Signed      bool                   // this party signed
	CodePending bool                   // a signing code of theirs is live
}

func (a AgreementRef) asks(n domain.AgreementNeed) bool { return slices.Contains(a.Asks, n) }

// parentAgreementWords are the agreement's keywords in the parents' six languages, folded.
var (
	parentShowWords  = []string{"convention", "agreement", "convencao", "convenio", "اتفاقية", "الاتفاقية", "协议", "合同"}
	parentSignWords  = []string{"signer", "sign", "assinar", "firmar", "توقيع", "وقع", "签署", "签名", "签字"}
	parentAloneWords = []string{"seul", "seule", "alone", "sozinho", "sozinha", "solo", "sola", "وحدي", "独自", "只有我"}
	parentNameWords  = []string{"nom", "name", "nome", "nombre", "الاسم", "اسم", "姓名", "名字"}
)

// notFullNames are words a message that is a parent's name never holds: greetings, thanks, questions
// (besides what notAName refuses).
var notFullNames = []string{"bonjour", "salut", "merci", "hello", "thanks", "thank", "ok", "oui", "non", "yes", "no", "svp",
	"stp", "please", "beaucoup", "bien", "recu", "quoi", "pourquoi", "comment", "hola", "gracias", "obrigado", "obrigada",
	"ola", "bonsoir", "madame", "monsieur", "daccord", "accord", "convention", "signer", "stop", "aide", "help"}

// parentAgreement handles a parent's message about an agreement, and reports whether it was one.
func (c *contactTurn) parentAgreement(refs []AgreementRef) bool {
	if len(refs) == 0 || len(c.words) == 0 {
		return false
	}
	if c.codeTyped(refs, parentWords) {
		return true
	}
	first := c.words[0]
	switch {
	case slices.Contains(parentShowWords, first):
		if a, ok := c.pickAgreement(refs, c.words[1:], "show"); ok {
			c.effects = append(c.effects, ShowAgreement{AgreementID: a.ID, As: a.You})
		}
		return true
	case slices.Contains(parentSignWords, first):
		if a, ok := c.pickAgreement(refs, c.words[1:], "sign"); ok {
			c.effects = append(c.effects, RequestCode{AgreementID: a.ID, As: a.You})
		}
		return true
	case slices.Contains(parentNameWords, first) && len(c.words) > 1:
		// NOM Samia Kaddour: their name, given or corrected.
		for _, a := range refs {
			if name, ok := personFullName(strings.TrimSpace(c.text[len(strings.Fields(c.text)[0]):]), 120); ok {
				c.effects = append(c.effects, SetAgreementName{AgreementID: a.ID, As: a.You, Name: name})
				return true
			}
		}
		c.say(c.tr(parentWords+"bad_name", nil))
		return true
	}
	for _, a := range refs {
		switch {
		case a.asks(domain.NeedParent2) && slices.Contains(parentAloneWords, first) && len(c.words) <= 3:
			c.effects = append(c.effects, SetSecondParent{AgreementID: a.ID, Alone: true})
			return true
		case a.asks(domain.NeedParent2):
			if e164, err := phone.Mobile(c.text, false); err == nil {
				c.effects = append(c.effects, SetSecondParent{AgreementID: a.ID, Phone: e164})
				return true
			}
		}
	}
	for _, a := range refs {
		if a.asks(domain.NeedParentName) && len(c.words) >= 2 && len(c.words) <= 5 && !hasAny(c.words, notFullNames) &&
			!notAName(c.text) {
			if name, ok := personFullName(c.text, 120); ok {
				c.effects = append(c.effects, SetAgreementName{AgreementID: a.ID, As: a.You, Name: name})
				return true
			}
		}
	}
	return false
}

// codeTyped signs with a 6-digit code the message is, on the agreement that waits for it (or says
// none does); it reports whether the message was a code.
func (c *contactTurn) codeTyped(refs []AgreementRef, words string) bool {
	code, ok := signingCode(c.text)
	if !ok {
		return false
	}
	for _, a := range refs {
		if a.CodePending {
			c.effects = append(c.effects, SignWithCode{AgreementID: a.ID, As: a.You, Code: code})
			return true
		}
	}
	c.say(c.tr(words+"code_none", nil))
	return true
}

func hasAny(words, set []string) bool {
	for _, w := range words {
		if slices.Contains(set, w) {
			return true
		}
	}
	return false
}

// pickAgreement finds the agreement a parent's message is about: the only one, or the one of the
// child named after the keyword; otherwise it asks which.
func (c *contactTurn) pickAgreement(refs []AgreementRef, rest []string, verb string) (AgreementRef, bool) {
	if len(refs) == 1 {
		return refs[0], true
	}
	var named []AgreementRef
	for _, a := range refs {
		for _, w := range rest {
			if w == bareWord(a.First) {
				named = append(named, a)
			}
		}
	}
	if len(named) == 1 {
		return named[0], true
	}
	choices := make([]domain.Choice, len(refs))
	for i, a := range refs {
		choices[i] = domain.Choice{Key: "agreement:" + verb + ":" + strconv.FormatInt(a.ID, 10), Label: a.Student}
	}
	c.say(c.tr(parentWords+"which", nil), choices...)
	return AgreementRef{}, false
}

// pickedAgreement acts on a child picked after "which agreement?".
func (c *contactTurn) pickedAgreement(refs []AgreementRef) bool {
	verb, id, ok := agreementChoice(c.choice)
	if !ok {
		return false
	}
	for _, a := range refs {
		if a.ID == id {
			if verb == "sign" {
				c.effects = append(c.effects, RequestCode{AgreementID: a.ID, As: a.You})
			} else {
				c.effects = append(c.effects, ShowAgreement{AgreementID: a.ID, As: a.You})
			}
			return true
		}
	}
	return false
}

// agreementChoice reads "agreement:sign:12".
func agreementChoice(key string) (verb string, id int64, ok bool) {
	parts := strings.Split(key, ":")
	if len(parts) != 3 || parts[0] != "agreement" {
		return "", 0, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	return parts[1], id, err == nil && (parts[1] == "show" || parts[1] == "sign")
}

// agreementAnswered writes the answer to one of the agreement's effects, in a party's words.
func (c *contactTurn) agreementAnswered(words string, r Result) bool {
	switch r := r.(type) {
	case AgreementFound:
		if r.Agreement == nil {
			c.say(c.tr(words+"none", nil))
			return true
		}
		c.say(c.m.agreementStatus(c.s.Lang, words, *r.Agreement))
	case CodeSent:
		if r.Problem != "" {
			c.say(c.m.codeProblem(c.s.Lang, words, r.Problem, r.Agreement))
			return true
		}
		d := data{"Code": spacedCode(r.Code)}
		if r.Agreement != nil {
			d["Student"], d["OfStudent"] = r.Agreement.Student, of(c.s.Lang, r.Agreement.Student)
		}
		c.say(c.tr(words+"code", d))
	case SignResult:
		c.say(c.m.signOutcome(c.s.Lang, words, r))
	case AgreementSaved:
		switch {
		case !r.OK:
			c.say(c.tr(words+"not_saved_"+cmpOr(r.Problem, "closed"), nil))
		case r.Agreement != nil:
			c.say(c.tr(words+"saved", data{"Student": r.Agreement.Student, "OfStudent": of(c.s.Lang, r.Agreement.Student)}))
		default:
			c.say(c.tr(words+"saved", nil))
		}
	case HoursSaved:
		c.hoursSaved(r)
	default:
		return false
	}
	return true
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// The host's agreement commands, in French and English.
var (
	hostHoursWords      = []string{"horaires", "horaire", "hours", "heures", "schedule"}
	hostActivitiesWords = []string{"activites", "activite", "activities", "activity", "programme"}
)

// hostAgreement handles a host's message about an agreement, and reports whether it was one.
func (c *contactTurn) hostAgreement(refs []AgreementRef) bool {
	if len(c.words) == 0 {
		return false
	}
	if len(refs) > 0 && c.codeTyped(refs, hostWords) {
		return true
	}
	first := c.words[0]
	hours, activities := slices.Contains(hostHoursWords, first), slices.Contains(hostActivitiesWords, first)
	show, sign := agreementWord(first)
	if !hours && !activities && !show && !sign {
		return false
	}
	// The rest of the text, after the keyword and the reference (kept as typed).
	fields := strings.Fields(c.text)[1:]
	var ref int64
	if len(fields) > 0 {
		if n, err := strconv.ParseInt(strings.TrimPrefix(fields[0], "#"), 10, 64); err == nil {
			ref, fields = n, fields[1:]
		}
	}
	rest := strings.Join(fields, " ")
	a, ok := c.hostRef(refs, ref)
	if !ok {
		return true
	}
	switch {
	case hours:
		if rest == "" {
			c.say(c.tr(hostWords+"hours_how", data{"Ref": a.Ref}))
			return true
		}
		c.effects = append(c.effects, SetHours{AgreementID: a.ID, Text: rest})
	case activities:
		if rest == "" {
			c.say(c.tr(hostWords+"activities_how", data{"Ref": a.Ref}))
			return true
		}
		safe, _ := c.m.masker.mask(rest) // no contact details reach the student
		c.effects = append(c.effects, SetActivities{AgreementID: a.ID, Text: safe})
	case sign:
		c.effects = append(c.effects, RequestCode{AgreementID: a.ID, As: domain.SignHost})
	default:
		c.effects = append(c.effects, ShowAgreement{AgreementID: a.ID, As: domain.SignHost})
	}
	return true
}

// hostRef finds the agreement a host's command is about: by its reference, or the only one; it
// says so when there is none, or asks for the reference.
func (c *contactTurn) hostRef(refs []AgreementRef, ref int64) (AgreementRef, bool) {
	if ref != 0 {
		for _, a := range refs {
			if a.Ref == ref {
				return a, true
			}
		}
		c.say(c.tr(hostWords+"unknown_ref", data{"Ref": ref}))
		return AgreementRef{}, false
	}
	switch len(refs) {
	case 0:
		c.say(c.tr(hostWords+"none", nil))
		return AgreementRef{}, false
	case 1:
		return refs[0], true
	}
	var list []string
	for _, a := range refs {
		list = append(list, a.Student+" ("+strconv.FormatInt(a.Ref, 10)+")")
	}
	c.say(c.tr(hostWords+"which_ref", data{"List": strings.Join(list, ", ")}))
	return AgreementRef{}, false
}

// hoursSaved tells the host whether their hours were kept: read back day by day, or refused with
// each legal limit in plain words.
func (c *contactTurn) hoursSaved(r HoursSaved) {
	ref := int64(0)
	student := ""
	if r.Agreement != nil {
		ref, student = r.Agreement.Ref, r.Agreement.Student
	}
	switch {
	case r.Unread:
		c.say(c.tr(hostWords+"hours_unread", data{"Ref": ref}))
	case len(r.Breaches) > 0:
		var reasons []string
		for _, b := range GroupBreaches(r.Breaches) {
			reasons = append(reasons, c.m.limitBreach(c.s.Lang, b))
		}
		c.say(c.tr(hostWords+"hours_refused", data{"Ref": ref, "Student": student, "Age": r.Age,
			"Reasons": strings.Join(reasons, "\n")}))
	case r.Agreement != nil && r.Agreement.Schedule != nil:
		c.say(c.tr(hostWords+"hours_saved", data{"Student": student, "Ref": ref,
			"Hours": c.m.weekHours(c.s.Lang, *r.Agreement.Schedule), "Total": domain.DurationText(r.Agreement.Schedule.Minutes())}))
	default:
		c.say(c.tr(hostWords+"not_saved_closed", nil))
	}
}

// limitBreach says one broken limit in plain words: "mercredi : 8 h, 7 h au plus par jour".
func (m *Machine) limitBreach(lang string, b LimitBreach) string {
	d := data{"Max": domain.DurationText(b.Max), "Actual": domain.DurationText(b.Actual), "Start": domain.ClockText(b.Start), "End": domain.ClockText(b.End)}
	if b.Day >= 0 {
		d["Day"] = m.weekdayName(lang, b.Day)
		d["Next"] = m.weekdayName(lang, b.Day+1)
		d["Day"] = m.daysName(lang, b.Day, max(b.LastDay, b.Day))
	}
	return m.textIn(lang, "limit_"+b.Limit, d)
}

// weekHours writes a week's hours as "lun. 9h-12h, 14h-17h ; mer. 9h-12h", days with the same hours
// together.
func (m *Machine) weekHours(lang string, s domain.Schedule) string {
	var parts []string
	for d := 0; d < domain.StageDays; {
		e := d
		for e+1 < domain.StageDays && slices.Equal(s[e+1], s[d]) {
			e++
		}
		days := m.daysName(lang, d, e)
		hours := m.textIn(lang, "day_off", nil)
		if len(s[d]) > 0 {
			var spans []string
			for _, sp := range s[d] {
				spans = append(spans, domain.ClockText(sp.From)+"-"+domain.ClockText(sp.To))
			}
			hours = strings.Join(spans, ", ")
		}
		parts = append(parts, days+" "+hours)
		d = e + 1
	}
	return strings.Join(parts, " ; ")
}

// daysName names days from to to of a stage week: "lundi", "lundi et mardi", "lundi au jeudi".
func (m *Machine) daysName(lang string, from, to int) string {
	switch {
	case to == from:
		return m.weekdayName(lang, from)
	case to == from+1:
		return m.textIn(lang, "days_pair", data{"From": m.weekdayName(lang, from), "To": m.weekdayName(lang, to)})
	}
	return m.textIn(lang, "days_range", data{"From": m.weekdayName(lang, from), "To": m.weekdayName(lang, to)})
}

// weekdayName is day d of a stage week (0 Monday) in lang.
func (m *Machine) weekdayName(lang string, d int) string {
	return m.textIn(lang, "weekday_"+strconv.Itoa(d+1), nil) // weekday_1 is Monday
}

// AgreementCode is the message carrying a signing code asked from an agreement's page, in its
// party's words.
func (m *Machine) AgreementCode(lang string, s domain.Signatory, code string, a *domain.AgreementView) domain.Reply {
	words := parentWords
	switch s {
	case domain.SignStudent:
		words = studentWords
	case domain.SignHost:
		words = hostWords
	}
	if !m.hasLanguage(lang) {
		lang = "fr"
	}
	d := data{"Code": spacedCode(code)}
	if a != nil {
		d["Student"], d["OfStudent"] = a.Student, of(lang, a.Student)
	}
	return domain.Reply{Text: m.textIn(lang, words+"code", d)}
}

// Mask hides the contact details in a text a host writes for a student (the agreement's activities).
func (m *Machine) Mask(text string) string {
	safe, _ := m.masker.mask(text)
	return safe
}
