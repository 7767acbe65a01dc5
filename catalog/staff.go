package catalog

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"
	"time"

	"stagebot/fold"
	"stagebot/store"
)

// The staff file is what the City or the académie provides (docs/staff-csv.md): one person a line,
// with their e-mail address, their name, their role and, for a collège's staff, the UAI codes of their
// collèges. Importing it again updates each person (by e-mail address) to what the file says.

// StaffReport is what importing a staff file did.
type StaffReport struct {
	Saved    int
	Problems []string // "line N: reason"
}

func (r StaffReport) String() string {
	s := fmt.Sprintf("staff: %d saved", r.Saved)
	if len(r.Problems) > 0 {
		s += fmt.Sprintf(", %d lines refused:\n  %s", len(r.Problems), strings.Join(r.Problems, "\n  "))
	}
	return s
}

// ImportStaff reads a staff file and saves each of its people, in one transaction each; a bad line
// (an unknown collège included) is reported and skipped as a whole.
func ImportStaff(ctx context.Context, s *store.Store, path string, at time.Time) (StaffReport, error) {
	var report StaffReport
	f, err := os.Open(path)
	if err != nil {
		return report, fmt.Errorf("staff file: %w", err)
	}
	defer f.Close()
	people, problems, err := readStaff(f)
	if err != nil {
		return report, fmt.Errorf("staff file %s: %w", path, err)
	}
	report.Problems = problems
people:
	for _, p := range people {
		for _, uai := range p.Schools {
			if _, err := s.SchoolByUAI(ctx, uai); errors.Is(err, store.ErrNotFound) {
				report.Problems = append(report.Problems, fmt.Sprintf("line %d: no collège %s", p.line, uai))
				continue people
			} else if err != nil {
				return report, err
			}
		}
		if _, err := s.SaveStaff(ctx, p.Staff, at); err != nil {
			return report, err
		}
		report.Saved++
	}
	return report, nil
}

type staffLine struct {
	store.Staff
	line int
}

// readStaff reads the lines of a staff file.
func readStaff(r io.Reader) ([]staffLine, []string, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 10<<20))
	if err != nil {
		return nil, nil, err
	}
	text := strings.TrimPrefix(string(raw), "\uFEFF")
	first, _, _ := strings.Cut(text, "\n")
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = ','
	if strings.Count(first, ";") > strings.Count(first, ",") {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, nil, errors.New("no header line")
	}
	col := map[string]int{}
	for i, h := range header {
		switch name := fold.String(strings.TrimSpace(h)); {
		case strings.Contains(name, "mail") || name == "courriel":
			col["email"] = i
		case name == "name" || name == "nom" || strings.HasPrefix(name, "nom "):
			col["name"] = i
		case name == "role" || name == "fonction":
			col["role"] = i
		case strings.Contains(name, "uai") || strings.Contains(name, "college"):
			col["uai"] = i
		}
	}
	for _, need := range []string{"email", "name", "role"} {
		if _, ok := col[need]; !ok {
			return nil, nil, fmt.Errorf("the header names no %s column (email, name, role, uai)", need)
		}
	}
	var out []staffLine
	var problems []string
	for n := 2; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		get := func(k string) string {
			i, ok := col[k]
			if !ok || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		if get("email") == "" && get("name") == "" {
			continue
		}
		email := store.NormalizeEmail(get("email"))
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			problems = append(problems, fmt.Sprintf("line %d: %q is no e-mail address", n, get("email")))
			continue
		}
		role, ok := roleOf(get("role"))
		if !ok {
			problems = append(problems, fmt.Sprintf("line %d: role %q (principal, cpe, teacher or city)", n, get("role")))
			continue
		}
		if get("name") == "" {
			problems = append(problems, fmt.Sprintf("line %d: no name", n))
			continue
		}
		var schools []string
		bad := ""
		for _, u := range strings.FieldsFunc(get("uai"), func(r rune) bool { return r == ' ' || r == '|' || r == ';' || r == ',' }) {
			u = strings.ToUpper(u)
			if !store.ValidUAI(u) {
				bad = u
				break
			}
			schools = append(schools, u)
		}
		if bad != "" {
			problems = append(problems, fmt.Sprintf("line %d: %q is no UAI code", n, bad))
			continue
		}
		if role != store.RoleCity && len(schools) == 0 {
			problems = append(problems, fmt.Sprintf("line %d: a collège's staff needs the UAI code of their collège", n))
			continue
		}
		if role == store.RoleCity {
			schools = nil
		}
		out = append(out, staffLine{Staff: store.Staff{Email: email, Name: get("name"), Role: role, Schools: schools}, line: n})
	}
	return out, problems, nil
}

// roleOf reads a role as a file writes it, in French or in English.
func roleOf(s string) (store.Role, bool) {
	switch name := fold.String(s); {
	case name == "principal" || strings.Contains(name, "chef") || strings.Contains(name, "principal") ||
		strings.Contains(name, "direct"):
		return store.RolePrincipal, true
	case name == "cpe":
		return store.RoleCPE, true
	case name == "teacher" || strings.Contains(name, "prof") || strings.Contains(name, "enseign") || strings.Contains(name, "referent"):
		return store.RoleTeacher, true
	case name == "city" || name == "ville" || strings.Contains(name, "mairie") || strings.Contains(name, "agent"):
		return store.RoleCity, true
	}
	return "", false
}
