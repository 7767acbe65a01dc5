package web

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"stagebot/domain"
	"stagebot/fold"
	"stagebot/store"
)

// classRow is one class of a collège: its headcount (its list), and its students by status.
type classRow struct {
	Name      string // "" for the students on no list
	Headcount int    // lines of the list
	SignedUp  int
	ByStatus  map[string]int // by domain.SearchStatus
	Stuck     int
}

// schoolFilters are the filters and the order of the students' table, from the query string.
type schoolFilters struct {
	Class    string // "" for every class; "-" for the students on no list
	Status   domain.SearchStatus
	Reserved bool   // only the students with an application in progress on a reserved place
	Stuck    bool   // only the stuck students
	Sort     string // "class" (default), "name", "status", "activity", "week"
}

func filtersOf(q url.Values) schoolFilters {
	f := schoolFilters{Class: q.Get("classe"), Status: domain.SearchStatus(q.Get("statut")), Reserved: q.Get("reserve") == "1",
		Stuck: q.Get("bloques") == "1", Sort: q.Get("tri")}
	if !slices.Contains(domain.SearchStatuses(), f.Status) {
		f.Status = ""
	}
	switch f.Sort {
	case "name", "status", "activity", "week":
	default:
		f.Sort = "class"
	}
	return f
}

// Query is the filters as a query string, for the export link.
func (f schoolFilters) Query() string {
	v := url.Values{}
	if f.Class != "" {
		v.Set("classe", f.Class)
	}
	if f.Status != "" {
		v.Set("statut", string(f.Status))
	}
	if f.Reserved {
		v.Set("reserve", "1")
	}
	if f.Stuck {
		v.Set("bloques", "1")
	}
	if f.Sort != "class" {
		v.Set("tri", f.Sort)
	}
	return v.Encode()
}

// apply keeps the students that pass the filters, in the order asked.
func (f schoolFilters) apply(students []store.StudentRow) []store.StudentRow {
	out := slices.DeleteFunc(slices.Clone(students), func(s store.StudentRow) bool {
		switch {
		case f.Class == "-" && s.Class != "":
			return true
		case f.Class != "" && f.Class != "-" && s.Class != f.Class:
			return true
		case f.Status != "" && s.Status != f.Status:
			return true
		case f.Reserved && !s.Reserved:
			return true
		case f.Stuck && !s.Stuck:
			return true
		}
		return false
	})
	rank := map[domain.SearchStatus]int{}
	for i, st := range domain.SearchStatuses() {
		rank[st] = i
	}
	name := func(s store.StudentRow) string { return fold.String(s.FirstName + " " + s.Initial) }
	slices.SortStableFunc(out, func(a, b store.StudentRow) int {
		switch f.Sort {
		case "name":
			return cmp.Compare(name(a), name(b))
		case "status":
			return cmp.Or(cmp.Compare(rank[a.Status], rank[b.Status]), cmp.Compare(name(a), name(b)))
		case "activity":
			at, bt := int64(0), int64(0)
			if a.LastActivity != nil {
				at = a.LastActivity.Unix()
			}
			if b.LastActivity != nil {
				bt = b.LastActivity.Unix()
			}
			return cmp.Compare(bt, at) // the most recent first
		case "week":
			aw, bw := int64(0), int64(0)
			if a.Week != nil {
				aw = a.Week.Unix()
			}
			if b.Week != nil {
				bw = b.Week.Unix()
			}
			return cmp.Or(cmp.Compare(aw, bw), cmp.Compare(name(a), name(b)))
		}
		return cmp.Or(cmp.Compare(classKey(a.Class), classKey(b.Class)), cmp.Compare(name(a), name(b)))
	})
	return out
}

// classKey sorts the students on no list after the classes.
func classKey(class string) string {
	if class == "" {
		return "\uffff"
	}
	return fold.String(class)
}

// classes counts the students of each class by status.
func classes(students []store.StudentRow) []classRow {
	byName := map[string]*classRow{}
	var order []string
	for _, s := range students {
		c, ok := byName[s.Class]
		if !ok {
			c = &classRow{Name: s.Class, ByStatus: map[string]int{}}
			byName[s.Class] = c
			order = append(order, s.Class)
		}
		if s.EntryID != 0 {
			c.Headcount++
		}
		if s.StudentID != 0 {
			c.SignedUp++
		}
		c.ByStatus[string(s.Status)]++
		if s.Stuck {
			c.Stuck++
		}
	}
	slices.SortFunc(order, func(a, b string) int { return cmp.Compare(classKey(a), classKey(b)) })
	out := make([]classRow, len(order))
	for i, name := range order {
		out[i] = *byName[name]
	}
	return out
}

// total adds the classes up.
func total(rows []classRow) classRow {
	t := classRow{ByStatus: map[string]int{}}
	for _, c := range rows {
		t.Headcount += c.Headcount
		t.SignedUp += c.SignedUp
		t.Stuck += c.Stuck
		for st, n := range c.ByStatus {
			t.ByStatus[st] += n
		}
	}
	return t
}

// schoolShow is the collège's page: its classes, its students, the lines of its lists to confirm.
func (s *Server) schoolShow(q *request) error {
	v, err := s.store.SchoolPage(q.r.Context(), q.uai, s.now())
	if err != nil {
		return err
	}
	f := filtersOf(q.r.URL.Query())
	rows := classes(v.Students)
	stuck, err := s.store.StuckStudents(q.r.Context(), q.uai, s.now())
	if err != nil {
		return err
	}
	if err := s.audit(q, "view_school", nil, f.Query()); err != nil {
		return err
	}
	nudged, _ := strconv.Atoi(q.r.URL.Query().Get("relances"))
	agreements, err := s.store.AgreementsOfSchool(q.r.Context(), q.uai)
	if err != nil {
		return err
	}
	rules, err := s.store.RulesOn(q.r.Context(), s.now())
	if err != nil {
		return err
	}
	agreed := agreementRows(agreements, v.Students, s.now(), rules.Reminders.AgreementLate)
	signedNow, _ := strconv.Atoi(q.r.URL.Query().Get("signees"))
	s.render(q, 200, "school", map[string]any{
		"Agreements": agreed, "AgreementCounts": agreementCounts(agreed), "ClassesToSign": classesToSign(agreed),
		"SignedNow": signedNow, "LateDays": rules.Reminders.AgreementLate, "AgreementsByClass": openByClass(agreed), "SignedShown": q.r.URL.Query().Has("signees"), "AgreementStates": domain.AgreementStates(),
		"View": v, "Classes": rows, "Total": total(rows), "Students": f.apply(v.Students), "Filters": f,
		"Statuses": domain.SearchStatuses(), "Nudgeable": len(stuck), "Nudged": nudged,
		"NudgedShown": q.r.URL.Query().Has("relances"), "Invited": q.r.URL.Query().Get("invite"),
		"Principal": q.session.Staff.Role == store.RolePrincipal, "Roles": []store.Role{store.RolePrincipal,
			store.RoleCPE, store.RoleTeacher},
		"ClassNames": classNames(rows), "Sorts": []string{"class", "name", "status", "activity", "week"},
	})
	return nil
}

// openByClass counts the agreements not signed yet, by class.
func openByClass(rows []agreementRow) map[string]int {
	out := map[string]int{}
	for _, r := range rows {
		if r.State.Open() {
			out[r.Class]++
		}
	}
	return out
}

// classNames lists the classes of the lists, for the filter.
func classNames(rows []classRow) []string {
	var out []string
	for _, c := range rows {
		if c.Name != "" {
			out = append(out, c.Name)
		}
	}
	return out
}

// studentShow is one student's page: where their search stands, and their applications.
func (s *Server) studentShow(q *request) error {
	id, ok := q.pathID("id")
	if !ok {
		return errNotFound
	}
	st, err := s.store.StudentOf(q.r.Context(), q.uai, id, s.now())
	if err != nil {
		return err
	}
	if err := s.audit(q, "view_student", &id, ""); err != nil {
		return err
	}
	school, err := s.store.SchoolByUAI(q.r.Context(), q.uai)
	if err != nil {
		return err
	}
	s.render(q, 200, "student", map[string]any{"Student": st, "School": school})
	return nil
}

// trimmed is a form value, its spaces trimmed.
func (q *request) trimmed(name string) string { return strings.TrimSpace(q.r.PostFormValue(name)) }
