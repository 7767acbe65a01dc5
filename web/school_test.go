package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stagebot/catalog"
)

// A principal signs in with the link read off the e-mail, sees their collège's page, imports a class
// list through the file input, confirms a match, prints a class's invitations, nudges the stuck
// students (and not twice), and signs out; the pages are photographed at desktop and phone widths.
func TestPrincipalJourney(t *testing.T) {
	st := newSite(t)
	uai := st.principalSchool()
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		t.Run(size.name, func(t *testing.T) {
			st.t = t
			ctx := browser(t, size.width, size.height)
			do(t, ctx, chromedp.Navigate(st.base+"/connexion"), chromedp.WaitVisible(chromedp.CSS("#email")))
			shoot(t, ctx, "connexion-"+size.name)
			st.signIn(ctx, catalog.DemoPrincipal)
			if got := text(t, ctx, "h1"); !strings.Contains(got, "Georges Clemenceau") {
				t.Fatalf("after signing in: %q", got)
			}
			shoot(t, ctx, "college-"+size.name)
			rows := text(t, ctx, "#table-eleves tbody")
			if !strings.Contains(rows, "Stage confirmé") || !strings.Contains(rows, "Pas encore inscrit") {
				t.Errorf("the students' table: %q", rows)
			}
			if strings.Contains(rows, "+33") || strings.Contains(rows, "06 ") {
				t.Errorf("a phone number on the collège's page: %q", rows)
			}

			// A student's page: their applications, and nothing of their messages.
			submit(t, ctx, "#table-eleves tbody tr th a")
			if got := text(t, ctx, "main"); !strings.Contains(got, "Candidatures") {
				t.Errorf("a student's page: %q", got)
			}
			shoot(t, ctx, "eleve-"+size.name)
			// A stage called off after it was confirmed says so on the student's page.
			called := st.count(`SELECT a.student_id FROM applications a JOIN application_events e ON e.application_id = a.id
				JOIN students s ON s.id = a.student_id
				WHERE a.state = 'withdrawn' AND e.from_state = 'confirmed' AND s.school_uai = $1 LIMIT 1`, uai)
			do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai+"/eleves/"+strconv.Itoa(called)))
			if got := text(t, ctx, "main"); !strings.Contains(got, "stage annulé") {
				t.Errorf("the page of a student whose stage was called off: %q", got)
			}

			if size.name != "desktop" {
				do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai+"/invitations?classe=3e%20A"),
					chromedp.WaitVisible(chromedp.CSS(".slip")))
				shoot(t, ctx, "invitations-"+size.name)
				do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai+"/listes"), chromedp.WaitVisible(chromedp.CSS("#fichier")))
				shoot(t, ctx, "liste-"+size.name)
				return
			}

			// A class list, through the file input: Windows-1252, semicolons, a bad line.
			list := filepath.Join(t.TempDir(), "3eD.csv")
			content := "Classe;Nom;Prénom;Date de naissance\n3e D;Dupont (démo);Élise;14/05/2012\n3e D;;Karim;02/03/2012\n" +
				"3e D;Martin (démo);Jules;31/13/2012\n3e D;Ngata (démo);Joël;07/09/2012\n"
			if err := os.WriteFile(list, latin1(content), 0o644); err != nil {
				t.Fatal(err)
			}
			do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai+"/listes"),
				chromedp.SetUploadFiles(chromedp.CSS("#fichier"), []string{list}))
			submit(t, ctx, "#importer")
			got := text(t, ctx, "#resultat") + text(t, ctx, "#problemes")
			for _, want := range []string{"2 ligne(s) ajoutée(s)", "Ligne 3", "Ligne 4"} {
				if !strings.Contains(got, want) {
					t.Errorf("the import says %q, want %q", got, want)
				}
			}
			shoot(t, ctx, "liste-importee-"+size.name)
			if n := st.count(`SELECT count(*) FROM roster_entries WHERE class = '3e D' AND first_name IN ('Élise', 'Joël')`); n != 2 {
				t.Errorf("%d lines of 3e D kept, want 2 (accents read from Windows-1252)", n)
			}

			// A student two lines of the lists fit: one click says which line is theirs.
			if st.count(`SELECT count(DISTINCT entry_id) FROM roster_candidates`) == 0 {
				t.Fatal("the demo has no line to confirm")
			}
			do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai+"#rapprochements"))
			submit(t, ctx, ".confirm-match")
			if got := st.count(`SELECT count(*) FROM roster_candidates`); got != 0 {
				t.Errorf("%d candidates left after confirming the one student they were about", got)
			}
			if st.count(`SELECT count(*) FROM roster_entries WHERE matched = 'confirmed' AND student_id IS NOT NULL`) != 1 {
				t.Error("the confirmed match is not kept")
			}

			// The invitations of a class: a slip a student, with the SMS keyword and the QR code.
			do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai+"/invitations?classe=3e%20A"),
				chromedp.WaitVisible(chromedp.CSS(".slip")))
			slips := st.count(`SELECT count(*) FROM roster_entries WHERE school_uai = $1 AND class = '3e A'`, uai)
			c, cancel := context.WithTimeout(ctx, 10*time.Second)
			nodes, err := chromedp.Run(c, chromedp.Nodes(chromedp.CSSAll(".slip")))
			cancel()
			if err != nil || len(nodes) != slips {
				t.Errorf("%d slips, want %d (%v)", len(nodes), slips, err)
			}
			if got := text(t, ctx, ".slip"); !strings.Contains(got, "STAGE "+uai) || !strings.Contains(got, "06 39 98 99 99") {
				t.Errorf("a slip says %q", got)
			}
			shoot(t, ctx, "invitations-"+size.name)

			// Nudge the stuck students: queued as reminders are, once a week whoever clicks.
			stuck := st.count(`SELECT count(*) FROM nudges`)
			do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai))
			submit(t, ctx, "#relancer")
			nudged := st.count(`SELECT count(*) FROM nudges`)
			if nudged == stuck {
				t.Fatal("nobody nudged")
			}
			queued := st.count(`SELECT count(*) FROM outbox WHERE proactive AND body LIKE 'Ton collège%'`)
			if queued != nudged {
				t.Errorf("%d nudges recorded, %d messages queued", nudged, queued)
			}
			if got := text(t, ctx, "#relances-faites"); !strings.Contains(got, "relancé") {
				t.Errorf("after nudging: %q", got)
			}
			if got := text(t, ctx, "#relancer"); !strings.Contains(got, "Aucun élève à relancer") {
				t.Errorf("the button after nudging: %q", got)
			}
			// A page opened before the nudges (another tab, a colleague's), clicked hours later: nothing more.
			st.clock.Set(st.clock.Now().Add(3 * time.Hour))
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("relancer").disabled = false`)); err != nil {
				t.Fatal(err)
			}
			submit(t, ctx, "#relancer")
			if got := st.count(`SELECT count(*) FROM outbox WHERE proactive AND body LIKE 'Ton collège%'`); got != queued {
				t.Errorf("a second click within the week queued %d more nudges", got-queued)
			}

			// Sign out: the pages ask to sign in again.
			submit(t, ctx, "#deconnexion")
			do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai), chromedp.WaitVisible(chromedp.CSS("#email")))
			if n := st.count(`SELECT count(*) FROM audit WHERE action IN ('sign_in', 'view_school', 'import_roster',
				'confirm_match', 'print_invitations', 'nudge', 'sign_out', 'view_student')`); n < 8 {
				t.Errorf("%d staff actions in the audit log", n)
			}
		})
	}
}

// latin1 writes text as Windows-1252, as many spreadsheets save CSV in France.
func latin1(s string) []byte {
	var out []byte
	for _, r := range s {
		if r < 256 {
			out = append(out, byte(r))
		} else {
			out = append(out, '?')
		}
	}
	return out
}
