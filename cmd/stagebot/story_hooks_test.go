package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stagebot/store"
	"stagebot/web/browsertest"
)

// A story's "! …" lines are what people do elsewhere than in a chat: the collège on its pages (in a
// real browser: Chromium, driven by chromedp), a download. Each names one hook below; what the hook
// sees is written after it, on "= " lines.

// storyEnv is what a hook acts on.
type storyEnv struct {
	t      *testing.T
	r      *rig
	actors map[string]*actor
	chrome context.Context // the browser, started by the first hook that needs it
}

var storyHooks = map[string]func(e *storyEnv) []string{
	"le collège vérifie la convention de Léa sur sa page (référent : Mme Lefèvre, classe : 3e A)": func(e *storyEnv) []string {
		return e.schoolChecks("Léa", "Mme Lefèvre", "3e A")
	},
	"le collège signe d'un coup les conventions de la 3e A": func(e *storyEnv) []string {
		return e.schoolSignsClass("Léa")
	},
	"the collège checks Sam's agreement on its page (referent: Ms Lefèvre, class: 3e B)": func(e *storyEnv) []string {
		return e.schoolChecks("Sam", "Ms Lefèvre", "3e B")
	},
	"the collège signs all of 3e B at once": func(e *storyEnv) []string {
		return e.schoolSignsClass("Sam")
	},
	"le père ouvre le lien de son dernier message et télécharge le PDF": func(e *storyEnv) []string {
		return e.pdfFromLastLink("papa")
	},
	"Mum opens the link of her last message and downloads the PDF": func(e *storyEnv) []string {
		return e.pdfFromLastLink("mum")
	},
	"quelqu'un ouvre un lien de convention inventé": func(e *storyEnv) []string {
		resp, err := http.Get(e.r.web.URL + "/c/un-lien-invente-de-toutes-pieces")
		if err != nil {
			e.t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page := regexp.MustCompile(`<p>([^<]*plus valable[^<]*)</p>`).FindStringSubmatch(string(body))
		if page == nil {
			e.t.Fatalf("a forged link: %d %s", resp.StatusCode, body)
		}
		return []string{resp.Status + " : " + html.UnescapeString(page[1])}
	},
}

// schoolChecks has the collège's principal check a student's agreement on its page, in the browser.
func (e *storyEnv) schoolChecks(first, referent, class string) []string {
	uai, id := e.agreementOf(first)
	e.principalSignsIn(uai)
	e.do(chromedp.Navigate(e.r.web.URL+"/colleges/"+uai+"/conventions/"+id), chromedp.WaitVisible(chromedp.CSS("#referent")),
		chromedp.SetValue(chromedp.CSS("#referent"), referent), chromedp.SetValue(chromedp.CSS("#classe-conv"), class))
	e.submit("#verifier-convention")
	return []string{"état : " + e.text("#etat")}
}

// schoolSignsClass has the principal sign at once the agreements of a class waiting for the collège.
func (e *storyEnv) schoolSignsClass(first string) []string {
	uai, _ := e.agreementOf(first)
	e.principalSignsIn(uai)
	e.do(chromedp.Navigate(e.r.web.URL+"/colleges/"+uai+"#conventions"), chromedp.WaitVisible(chromedp.CSS(".sign-class")))
	e.submit(".sign-class")
	return []string{e.text("#signees")}
}

// agreementOf is the collège and the agreement of the student with that first name.
func (e *storyEnv) agreementOf(first string) (uai, id string) {
	e.t.Helper()
	var row struct {
		UAI string `db:"school_uai"`
		ID  string `db:"id"`
	}
	if err := e.r.st.DB().Get(&row, `SELECT s.school_uai, g.id::text FROM agreements g JOIN applications a ON a.id = g.application_id
		JOIN students s ON s.id = a.student_id WHERE s.first_name = $1 ORDER BY g.id DESC LIMIT 1`, first); err != nil {
		e.t.Fatal(err)
	}
	return row.UAI, row.ID
}

// principalSignsIn signs the collège's principal in, in the browser (the principal is created once).
func (e *storyEnv) principalSignsIn(uai string) {
	e.t.Helper()
	ctx := context.Background()
	staff, err := e.r.st.StaffByEmail(ctx, "principal."+strings.ToLower(uai)+"@ac-paris.example")
	if err != nil {
		id, err := e.r.st.SaveStaff(ctx, store.Staff{Email: "principal." + strings.ToLower(uai) + "@ac-paris.example",
			Name: "Mme Diallo", Role: store.RolePrincipal, Schools: []string{uai}}, e.r.svc.jobs.Clock.Now())
		if err != nil {
			e.t.Fatal(err)
		}
		staff.ID = id
	}
	link, err := e.r.svc.pages.NewSignInLink(ctx, staff.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	e.do(chromedp.Navigate(strings.Replace(link, publicURL, e.r.web.URL, 1)), chromedp.WaitVisible(chromedp.CSS("#connexion")))
	e.submit("#connexion")
}

// pdfFromLastLink opens the agreement's link in the last message a person received, downloads its
// PDF, and says what it reads (pdftotext): its reference and pages, and each signature.
func (e *storyEnv) pdfFromLastLink(name string) []string {
	e.t.Helper()
	a := e.actors[name]
	var link string
	for i := len(a.received) - 1; i >= 0 && link == ""; i-- {
		link = regexp.MustCompile(regexp.QuoteMeta(publicURL) + `/c/[\w-]+`).FindString(a.received[i])
	}
	if link == "" {
		e.t.Fatalf("%s received no link", name)
	}
	link = strings.Replace(link, publicURL, e.r.web.URL, 1)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(link)
	if err != nil {
		e.t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if csrf == nil {
		e.t.Fatalf("the link's page has no form: %s", page)
	}
	resp, err = c.PostForm(link+"/pdf", url.Values{"csrf": {string(csrf[1])}})
	if err != nil {
		e.t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/pdf" {
		e.t.Fatalf("not a PDF: %s %.200s", resp.Status, pdf)
	}
	file := filepath.Join(e.t.TempDir(), "convention.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		e.t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", file, "-").Output()
	if err != nil {
		e.t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	text := string(out)
	lines := []string{"PDF " + strings.TrimSuffix(resp.Header.Get("Content-Disposition")[len(`attachment; filename="`):], `"`) +
		", " + regexp.MustCompile(`page \d+/(\d+)`).FindStringSubmatch(text)[1] + " pages"}
	all := strings.Split(text, "\n")
	for i, l := range all {
		l = strings.Join(strings.Fields(l), " ")
		if strings.HasPrefix(l, "Signé le") && !strings.HasSuffix(l, ".") && i+1 < len(all) {
			l += " " + strings.Join(strings.Fields(all[i+1]), " ") // a line the PDF wrapped
		}
		if strings.HasPrefix(l, "Pour le collège") || strings.HasPrefix(l, "Pour l'organisme") || strings.HasPrefix(l, "L'élève :") ||
			strings.HasPrefix(l, "Le représentant légal") || strings.HasPrefix(l, "Signé le") || strings.HasPrefix(l, "Pas encore") ||
			strings.Contains(l, "9h-12h") {
			lines = append(lines, l)
		}
	}
	e.t.Log(text)
	return lines
}

// browserOf starts the story's browser once.
func (e *storyEnv) browserOf() context.Context {
	e.t.Helper()
	if e.chrome != nil {
		return e.chrome
	}
	ctx := browsertest.Start(e.t, 0, 0)
	e.chrome = ctx
	return ctx
}

func (e *storyEnv) do(steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	c, cancel := context.WithTimeout(e.browserOf(), 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *storyEnv) text(sel string) string {
	e.t.Helper()
	c, cancel := context.WithTimeout(e.browserOf(), 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		e.t.Fatalf("%s: %v", sel, err)
	}
	return strings.Join(strings.Fields(s), " ")
}

// submit clicks a form's button and waits for the page it leads to.
func (e *storyEnv) submit(sel string) {
	e.t.Helper()
	c, cancel := context.WithTimeout(e.browserOf(), 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Evaluate[bool](`window.stagebotOld = true`)); err != nil {
		e.t.Fatal(err)
	}
	if err := chromedp.Do(c, chromedp.Click(chromedp.CSS(sel))); err != nil {
		e.t.Fatal(err)
	}
	for {
		gone, err := chromedp.Run(c, chromedp.Evaluate[bool](`window.stagebotOld === undefined && document.readyState === "complete"`))
		if err == nil && gone {
			return
		}
		if c.Err() != nil {
			e.t.Fatalf("%s: the next page did not come", sel)
		}
		time.Sleep(30 * time.Millisecond)
	}
}
