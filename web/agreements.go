package web

import (
	"cmp"
	"slices"
	"time"

	"stagebot/agreement"
	"stagebot/calendar"
	"stagebot/domain"
	"stagebot/store"
)

// The agreements as the pages show them: a collège's list, by state, with what each lacks and whose
// signature is missing, late ones flagged; and one agreement's content, for its parties (from their
// link) and for the collège.

// agreementRow is one agreement on a collège's page.
type agreementRow struct {
	ID       int64
	Student  string
	Class    string
	Host     string
	Week     time.Time
	State    domain.AgreementState
	Needs    []domain.AgreementNeed
	Unsigned []domain.Signatory
	Late     bool // not signed, the stage less than the late delay away (or begun)
	ToSign   bool // the collège's signature is awaited
}

// agreementRows lists a collège's agreements, the open ones first (by week), classes from its
// lists when the agreement has none yet.
func agreementRows(list []store.Agreement, students []store.StudentRow, today time.Time, lateDays int) []agreementRow {
	classOf := map[int64]string{}
	for _, s := range students {
		classOf[s.StudentID] = s.Class
	}
	var rows []agreementRow
	for _, a := range list {
		r := agreementRow{ID: a.ID, Student: a.StudentName(), Class: cmp.Or(a.Class, classOf[a.StudentID]), Host: a.HostName,
			Week: a.Week, State: a.State, Needs: a.Needs(), Unsigned: a.Unsigned(),
			ToSign: a.State == domain.AgreementSigning && a.SignatureOf(domain.SignSchool) == nil}
		r.Late = a.State.Open() && !a.Week.After(calendar.Day(today).AddDate(0, 0, lateDays))
		rows = append(rows, r)
	}
	rank := map[domain.AgreementState]int{}
	for i, s := range domain.AgreementStates() {
		rank[s] = i
	}
	slices.SortStableFunc(rows, func(a, b agreementRow) int {
		open := func(r agreementRow) int {
			if r.State.Open() {
				return 0
			}
			return 1
		}
		return cmp.Or(cmp.Compare(open(a), open(b)), a.Week.Compare(b.Week), cmp.Compare(classKey(a.Class), classKey(b.Class)),
			cmp.Compare(rank[a.State], rank[b.State]), cmp.Compare(a.Student, b.Student))
	})
	return rows
}

// classToSign is a class with agreements waiting for the collège's signature.
type classToSign struct {
	Class string
	IDs   []int64
}

// classesToSign groups the agreements waiting for the collège's signature by class.
func classesToSign(rows []agreementRow) []classToSign {
	var out []classToSign
	for _, r := range rows {
		if !r.ToSign {
			continue
		}
		i := slices.IndexFunc(out, func(c classToSign) bool { return c.Class == r.Class })
		if i < 0 {
			out = append(out, classToSign{Class: r.Class})
			i = len(out) - 1
		}
		out[i].IDs = append(out[i].IDs, r.ID)
	}
	slices.SortFunc(out, func(a, b classToSign) int { return cmp.Compare(classKey(a.Class), classKey(b.Class)) })
	return out
}

// agreementCounts counts a collège's agreements by state, and the late ones.
func agreementCounts(rows []agreementRow) map[string]int {
	out := map[string]int{}
	for _, r := range rows {
		out[string(r.State)]++
		if r.Late {
			out["late"]++
		}
		if r.ToSign {
			out["to_sign"]++
		}
	}
	return out
}

// documentView is an agreement's content as a page shows it.
type documentView struct {
	Doc      agreement.Document
	Template agreement.Template
	Days     []dayView
	Total    string
	Signers  []agreement.Signer
}

// dayView is one day of the stage week.
type dayView struct {
	Date  time.Time
	Hours string
	Long  string
}

// documentOf builds the view of a document and its signers.
func documentOf(doc agreement.Document, tmpl agreement.Template, signers []agreement.Signer) documentView {
	v := documentView{Doc: doc, Template: tmpl, Signers: signers, Total: agreement.Duration(doc.Schedule.Minutes())}
	for d := range agreement.Days {
		v.Days = append(v.Days, dayView{Date: doc.Week.AddDate(0, 0, d), Hours: agreement.Day(doc.Schedule, d),
			Long: agreement.Duration(doc.Schedule.DayMinutes(d))})
	}
	return v
}
