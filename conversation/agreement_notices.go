package conversation

import "stagebot/domain"

// The agreement's notices: what the workflow tells each party as the agreement moves. Each notice
// carries the agreement as the party it goes to sees it (Notice.Agreement), link included.
const (
	NoticeAgreementFill       NoticeKind = "agreement_fill"        // host: give the hours and the activities
	NoticeAgreementLastName   NoticeKind = "agreement_last_name"   // student: your last name, for the agreement (they are asked it next)
	NoticeAgreementParentName NoticeKind = "agreement_parent_name" // parent: your name, for the agreement
	NoticeAgreementParent2    NoticeKind = "agreement_parent2"     // parent: the other legal representative's number, or SEUL
	NoticeAgreementReady      NoticeKind = "agreement_ready"       // every signer: it is ready, read it, SIGNER
	NoticeAgreementVoided     NoticeKind = "agreement_voided"      // who had signed: it changed, your signature is void, sign again
	NoticeAgreementSigned     NoticeKind = "agreement_signed"      // every party: signed by all, the PDF
	NoticeAgreementReminder   NoticeKind = "agreement_reminder"    // whoever has not done their part or signed (Count: days before the stage)
	NoticeAgreementLate       NoticeKind = "agreement_late"        // student and parent: not signed days before the stage, what to do
)

// agreementNotice writes an agreement's notice in a party's words; "" for a kind that is not one.
func (m *Machine) agreementNotice(lang, words string, n Notice) string {
	switch n.Kind {
	case NoticeAgreementFill, NoticeAgreementLastName, NoticeAgreementParentName, NoticeAgreementParent2,
		NoticeAgreementReady, NoticeAgreementVoided, NoticeAgreementSigned, NoticeAgreementReminder, NoticeAgreementLate:
	default:
		return ""
	}
	d := m.noticeData(lang, n)
	if a := n.Agreement; a != nil {
		d["Student"], d["OfStudent"], d["First"], d["Host"] = a.Student, of(lang, a.Student), a.First, a.Host
		d["Week"], d["Link"], d["Ref"] = m.longDate(lang, a.Week), a.Link, a.Ref
		d["Missing"] = m.agreementMissing(lang, words, *a)
		d["YouSign"] = a.State == domain.AgreementSigning && !a.YouSigned()
	}
	return m.textIn(lang, words+"notice_"+string(n.Kind)[len("agreement_"):], d)
}

// agreementLine is the sentence the stage's last reminders end with: whether its agreement is
// signed, and if not what it lacks ("" for other notices, or with no agreement).
func (m *Machine) agreementLine(lang, words string, n Notice) string {
	a := n.Agreement
	if a == nil || n.Kind != NoticeStageSoon && n.Kind != NoticeDayBefore && n.Kind != NoticeHostDayBefore {
		return ""
	}
	if a.State == domain.AgreementSigned {
		return "\n" + m.textIn(lang, words+"soon_signed", nil)
	}
	return "\n" + m.textIn(lang, words+"soon_unsigned", data{"Ref": a.Ref})
}
