package catalog_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"stagebot/catalog"
	"stagebot/store"
	"stagebot/store/storetest"
)

// The staff file as the City or the académie writes it: French or English headers, semicolons or
// commas, several collèges a person, bad lines reported by number and skipped whole; importing again
// updates people by address; removing someone ends their sessions and stops their sign-in.
func TestImportStaff(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	for _, sc := range []store.School{
		{UAI: "0750546L", Name: "Georges Clemenceau", Commune: "Paris", Department: "75", Priority: "REP+"},
		{UAI: "0752526N", Name: "Henri IV", Commune: "Paris", Department: "75"},
	} {
		if _, err := s.UpsertSchool(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	write := func(text string) string {
		path := filepath.Join(t.TempDir(), "staff.csv")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	report, err := catalog.ImportStaff(ctx, s, write("\uFEFFCourriel;Nom;Fonction;UAI\n"+
		"Principal@College.example ; Mme Principale ; Principale ; 0750546L\n"+
		"cpe@college.example;M. Cpe;CPE;0750546L 0752526N\n"+
		"prof@college.example;Mme Prof;Professeure principale;0750546l\n"+
		"ville@paris.example;Agent Ville;Ville;\n"+
		"pas-une-adresse;X;CPE;0750546L\n"+
		"a@college.example;A;Cuisinier;0750546L\n"+
		"b@college.example;B;CPE;\n"+
		"c@college.example;C;CPE;0750546L 12345\n"+
		"d@college.example;D;CPE;0750546L 0759999Z\n"+
		";;;\n"), seedDay)
	if err != nil {
		t.Fatal(err)
	}
	if report.Saved != 4 {
		t.Errorf("%d saved, want 4", report.Saved)
	}
	want := []string{"line 6:", "line 7:", "line 8:", "line 9:", "line 10: no collège 0759999Z"}
	if len(report.Problems) != len(want) {
		t.Fatalf("problems %q, want %d", report.Problems, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(report.Problems[i], w) {
			t.Errorf("problem %q, want %q…", report.Problems[i], w)
		}
	}
	for email, schools := range map[string][]string{
		"principal@college.example": {"0750546L"}, "cpe@college.example": {"0750546L", "0752526N"},
		"prof@college.example": {"0750546L"}, "ville@paris.example": {},
	} {
		p, err := s.StaffByEmail(ctx, email)
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		if !slices.Equal([]string(p.Schools), schools) {
			t.Errorf("%s works in %v, want %v", email, p.Schools, schools)
		}
	}
	if _, err := s.StaffByEmail(ctx, "d@college.example"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a line naming an unknown collège was saved (%v)", err)
	}

	// Again, in English with commas: the CPE moved to one collège, the teacher became principal.
	if _, err := catalog.ImportStaff(ctx, s, write("email,name,role,uai\ncpe@college.example,M. Cpe,cpe,0752526N\n"+
		"prof@college.example,Mme Prof,principal,0750546L\n"), seedDay); err != nil {
		t.Fatal(err)
	}
	cpe, _ := s.StaffByEmail(ctx, "cpe@college.example")
	prof, _ := s.StaffByEmail(ctx, "prof@college.example")
	if !slices.Equal([]string(cpe.Schools), []string{"0752526N"}) || prof.Role != store.RolePrincipal {
		t.Errorf("after the second import: cpe in %v, prof is %s", cpe.Schools, prof.Role)
	}

	// The CPE leaves: their session ends, they can no longer ask for a link, the audit says so.
	token := []byte("a session token's hash, 32 bytes")
	if err := s.CreateSession(ctx, cpe.ID, token, "csrf", seedDay, seedDay.AddDate(0, 0, 7)); err != nil {
		t.Fatal(err)
	}
	if removed, err := s.RemoveStaff(ctx, "CPE@college.example", seedDay); err != nil || !removed {
		t.Fatalf("remove: %v %v", removed, err)
	}
	if _, err := s.SessionByToken(ctx, token, seedDay); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the session of someone removed still works (%v)", err)
	}
	if _, err := s.StaffByEmail(ctx, "cpe@college.example"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("someone removed can still ask for a link (%v)", err)
	}
	if removed, err := s.RemoveStaff(ctx, "cpe@college.example", seedDay); err != nil || removed {
		t.Errorf("removed twice: %v %v", removed, err)
	}
	var audited int
	if err := s.DB().GetContext(ctx, &audited, `SELECT count(*) FROM audit WHERE staff_id = $1 AND action = 'staff_removed'`,
		cpe.ID); err != nil || audited != 1 {
		t.Errorf("%d audit rows for the removal (%v)", audited, err)
	}
	// Invited back as a teacher by a principal: a teacher of that collège, not what they were.
	if _, _, err := s.InviteStaff(ctx, prof.ID, "0750546L", store.Staff{Email: "cpe@college.example", Name: "M. Cpe",
		Role: store.RoleTeacher}, seedDay); err != nil {
		t.Fatal(err)
	}
	back, err := s.StaffByEmail(ctx, "cpe@college.example")
	if err != nil || back.Role != store.RoleTeacher || !slices.Equal([]string(back.Schools), []string{"0750546L"}) {
		t.Errorf("invited back: %+v %v", back, err)
	}
}
