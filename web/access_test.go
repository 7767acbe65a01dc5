package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stagebot/catalog"
)

// A sign-in link used once, expired, or forged is refused in the browser; the same page and the
// same answer whether the address asked for is known or not.
func TestSignInLinksRefused(t *testing.T) {
	st := newSite(t)
	ctx := browser(t, 1280, 900)
	// Known and unknown addresses get the same page, and only the known one an e-mail.
	for _, email := range []string{"inconnu@stagebot.example", catalog.DemoPrincipal} {
		do(t, ctx, chromedp.Navigate(st.base+"/connexion"), chromedp.SendKeys(chromedp.CSS("#email"), email))
		submit(t, ctx, "#envoyer")
		if got := text(t, ctx, "#envoye"); !strings.Contains(got, "Si cette adresse est celle d'un compte") {
			t.Errorf("%s: %q", email, got)
		}
	}
	msg := st.mail.Wait(t, 1)
	if len(st.mail.Messages()) != 1 || msg.To[0] != catalog.DemoPrincipal {
		t.Fatalf("mail sent: %+v", st.mail.Messages())
	}
	link := linkOf(t, msg.Text)
	if n := st.count(`SELECT count(*) FROM sign_in_links WHERE token_hash = decode($1, 'hex')`,
		strings.Repeat("0", 64)); n != 0 || st.count(`SELECT count(*) FROM sign_in_links`) != 1 {
		t.Fatal("sign-in links kept in clear, or not kept")
	}

	// Used once: refused the second time.
	do(t, ctx, chromedp.Navigate(link))
	submit(t, ctx, "#connexion")
	submit(t, ctx, "#deconnexion")
	do(t, ctx, chromedp.Navigate(link))
	if got := text(t, ctx, "main"); !strings.Contains(got, "n'est plus valable") {
		t.Errorf("a used link: %q", got)
	}
	// Forged: refused.
	do(t, ctx, chromedp.Navigate(st.base+"/connexion/lien?t=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"))
	if got := text(t, ctx, "main"); !strings.Contains(got, "n'est plus valable") {
		t.Errorf("a forged link: %q", got)
	}
	// Expired: a new link, opened 16 minutes later by the service's clock.
	do(t, ctx, chromedp.Navigate(st.base+"/connexion"), chromedp.SendKeys(chromedp.CSS("#email"), catalog.DemoPrincipal))
	submit(t, ctx, "#envoyer")
	late := linkOf(t, st.mail.Wait(t, 2).Text)
	do(t, ctx, chromedp.Navigate(late))
	st.clock.Set(st.clock.Now().Add(16 * time.Minute))
	submit(t, ctx, "#connexion") // the page was opened in time, the button pressed too late
	if got := text(t, ctx, "main"); !strings.Contains(got, "n'est plus valable") {
		t.Errorf("an expired link: %q", got)
	}
	// Rate limit: the sixth request for one address within a quarter of an hour sends nothing, and
	// the page says the same.
	for range 6 {
		do(t, ctx, chromedp.Navigate(st.base+"/connexion"), chromedp.SendKeys(chromedp.CSS("#email"), catalog.DemoPrincipal))
		submit(t, ctx, "#envoyer")
	}
	time.Sleep(300 * time.Millisecond)
	if got := len(st.mail.Messages()); got != 2+5 {
		t.Errorf("%d e-mails after 6 requests for one address in 15 minutes, want 5 more (5 a quarter of an hour)", got-2)
	}
}

// client is a plain HTTP client signed in as a member of staff (through a link made for them), for
// what a browser cannot be made to send.
func (st *site) client(email string) (*http.Client, string) {
	st.t.Helper()
	staff, err := st.store.StaffByEmail(context.Background(), email)
	if err != nil {
		st.t.Fatal(err)
	}
	link, err := st.pages.NewSignInLink(context.Background(), staff.ID)
	if err != nil {
		st.t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := st.get(c, link)
	csrf := csrfIn(st.t, page)
	token := link[strings.Index(link, "t=")+2:]
	token, _ = url.QueryUnescape(token)
	resp, err := c.PostForm(st.base+"/connexion/lien", url.Values{"csrf": {csrf}, "t": {token}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		st.t.Fatalf("sign in: %v %v", resp.Status, err)
	}
	resp.Body.Close()
	home := st.get(c, st.base+"/")
	_ = home
	page = st.get(c, st.base+"/colleges/"+st.principalSchool())
	return c, csrfIn(st.t, page)
}

func (st *site) get(c *http.Client, u string) string {
	st.t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		st.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfIn(t testing.TB, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no form token in %.300q", page)
	}
	return m[1]
}

// A collège's staff get "not found" for another collège and its students, an official for the
// collèges' pages, a member of staff for the City's; a form posted without its token is refused (403).
func TestAccessIsEachOnesOwn(t *testing.T) {
	st := newSite(t)
	ctx := context.Background()
	mine := st.principalSchool()
	var other string
	var otherStudent int64
	if err := st.store.DB().QueryRow(`SELECT school_uai, id FROM students WHERE school_uai <> $1 ORDER BY id LIMIT 1`,
		mine).Scan(&other, &otherStudent); err != nil {
		t.Fatal(err)
	}
	principal, csrf := st.client(catalog.DemoPrincipal)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/colleges/" + mine, http.StatusOK},
		{"/colleges/" + other, http.StatusNotFound},
		{"/colleges/" + other + "/eleves/" + strconv.FormatInt(otherStudent, 10), http.StatusNotFound},
		{"/colleges/" + mine + "/eleves/" + strconv.FormatInt(otherStudent, 10), http.StatusNotFound},
		{"/colleges/" + other + "/eleves.csv", http.StatusNotFound},
		{"/colleges/" + other + "/invitations?classe=3e%20A", http.StatusNotFound},
		{"/colleges/0759999X", http.StatusNotFound},
		{"/ville", http.StatusNotFound},
		{"/ville/colleges.csv", http.StatusNotFound},
	} {
		resp, err := principal.Get(st.base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("principal, GET %s: %d, want %d", tc.path, resp.StatusCode, tc.want)
		}
		if strings.Contains(string(body), "+336") {
			t.Errorf("principal, GET %s: a phone number in the page", tc.path)
		}
	}
	for _, tc := range []struct {
		path string
		form url.Values
		want int
	}{
		{"/colleges/" + mine + "/relances", url.Values{}, http.StatusForbidden},
		{"/colleges/" + mine + "/relances", url.Values{"csrf": {"forged"}}, http.StatusForbidden},
		{"/colleges/" + other + "/relances", url.Values{"csrf": {csrf}}, http.StatusNotFound},
		{"/colleges/" + mine + "/relances", url.Values{"csrf": {csrf}}, http.StatusSeeOther},
		{"/deconnexion", url.Values{}, http.StatusForbidden},
	} {
		resp, err := principal.PostForm(st.base+tc.path, tc.form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("principal, POST %s %v: %d, want %d", tc.path, tc.form, resp.StatusCode, tc.want)
		}
	}
	// Signed out, the sign-in page's own form needs its token too.
	anon := &http.Client{}
	resp, err := anon.PostForm(st.base+"/connexion", url.Values{"email": {catalog.DemoPrincipal}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || len(st.mail.Messages()) != 0 {
		t.Errorf("sign-in form without its token: %d, %d e-mails", resp.StatusCode, len(st.mail.Messages()))
	}
	official, _ := st.client(catalog.DemoOfficial)
	for path, want := range map[string]int{"/ville": http.StatusOK, "/ville/colleges.csv": http.StatusOK,
		"/ville/nimporte.csv": http.StatusNotFound, "/colleges/" + mine: http.StatusNotFound} {
		resp, err := official.Get(st.base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("official, GET %s: %d, want %d", path, resp.StatusCode, want)
		}
		if want == http.StatusOK {
			var names []string
			if err := st.store.DB().SelectContext(ctx, &names, `SELECT first_name || ' ' || last_initial || '.' FROM students`); err != nil {
				t.Fatal(err)
			}
			for _, n := range names {
				if strings.Contains(string(body), n) {
					t.Errorf("official, GET %s: a student's first name (%s) in it", path, n)
					break
				}
			}
		}
	}
	if n := st.count(`SELECT count(*) FROM audit WHERE action = 'view_city'`); n != 1 {
		t.Errorf("%d views of the City's page audited, want 1", n)
	}
}

// The City's page shows the season's figures as the database has them.
func TestCityPageFigures(t *testing.T) {
	st := newSite(t)
	ctx := browser(t, 1280, 900)
	st.signIn(ctx, catalog.DemoOfficial)
	if got := text(t, ctx, "h1"); !strings.Contains(got, "La saison des stages") {
		t.Fatalf("the official lands on %q", got)
	}
	want := map[string]int{
		"#f-signed-up": st.count(`SELECT count(*) FROM students`),
		"#f-placed":    st.count(`SELECT count(*) FROM applications WHERE state = 'confirmed'`),
		"#f-waiting":   st.count(`SELECT count(*) FROM applications WHERE state = 'sent'`),
		"#f-empty": st.count(`SELECT sum(places) FROM offer_weeks`) -
			st.count(`SELECT count(*) FROM applications WHERE state IN ('accepted', 'confirmed')`),
	}
	for sel, n := range want {
		if got := text(t, ctx, sel); got != strconv.Itoa(n) {
			t.Errorf("%s shows %q, the database %d", sel, got, n)
		}
	}
	reserved := st.count(`SELECT sum(reserved_places) FROM offer_weeks`)
	if got := text(t, ctx, "#f-reserved"); !strings.HasSuffix(got, "/ "+strconv.Itoa(reserved)) {
		t.Errorf("reserved places: %q, the database %d", got, reserved)
	}
	for _, sel := range []string{"#table-types", "#table-semaines", "#table-structures", "#table-colleges", "#table-sms"} {
		if got := text(t, ctx, sel); got == "" {
			t.Errorf("%s is empty", sel)
		}
	}
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	charts, err := chromedp.Run(c, chromedp.Nodes(chromedp.CSSAll(".chart img")))
	cancel()
	if err != nil || len(charts) != 3 {
		t.Errorf("%d charts, want 3 (%v)", len(charts), err)
	}
	shoot(t, ctx, "ville-desktop")
	phone := browser(t, 390, 844)
	st.signIn(phone, catalog.DemoOfficial)
	shoot(t, phone, "ville-phone")
	do(t, ctx, chromedp.Navigate(st.base+"/langue?l=en&suite=/ville"))
	if got := text(t, ctx, "h1"); got != "The internship season in Paris" {
		t.Errorf("in English: %q", got)
	}
	shoot(t, ctx, "ville-desktop-en")
}
