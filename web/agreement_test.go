package web_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"stagebot/bot"
	"stagebot/catalog"
	"stagebot/domain"
	"stagebot/store"
)

// linkFor makes a party's one-time link to an agreement, as a message would carry it.
func (st *site) linkFor(id int64, who domain.Signatory, address string) string {
	st.t.Helper()
	token := "test-link-" + strconv.FormatInt(id, 10) + "-" + string(who) + "-" + strconv.FormatInt(st.clock.Now().UnixNano(), 36)
	if err := st.store.CreateAgreementLink(context.Background(), store.AgreementLink{AgreementID: id, Signatory: who,
		Channel: domain.SMS, Address: address}, bot.HashToken(token), st.clock.Now()); err != nil {
		st.t.Fatal(err)
	}
	return st.base + "/c/" + token
}

// agreementIn finds an agreement of the principal's collège in a state.
func (st *site) agreementIn(state domain.AgreementState) store.Agreement {
	st.t.Helper()
	list, err := st.store.AgreementsOfSchool(context.Background(), st.principalSchool())
	if err != nil {
		st.t.Fatal(err)
	}
	for _, a := range list {
		if a.State == state {
			return a
		}
	}
	st.t.Fatalf("no agreement %s in the demo", state)
	return store.Agreement{}
}

var codeIn = regexp.MustCompile(`\d{3} \d{3}`)

// lastCode reads the signing code last queued for an address.
func (st *site) lastCode(address string) string {
	st.t.Helper()
	var body string
	if err := st.store.DB().Get(&body, `SELECT body FROM outbox WHERE address = $1 ORDER BY id DESC LIMIT 1`, address); err != nil {
		st.t.Fatal(err)
	}
	return strings.ReplaceAll(codeIn.FindString(body), " ", "")
}

// A host fills its part from its link (refused hours said in plain words, then kept), a parent signs
// from theirs with the code sent to their phone (a wrong code first), and the link is spent.
func TestAgreementLinks(t *testing.T) {
	st := newSite(t)
	ctx := browser(t, 390, 844)

	draft := st.agreementIn(domain.AgreementDraft)
	host := st.linkFor(draft.ID, domain.SignHost, "+33639980001")
	do(t, ctx, chromedp.Navigate(host), chromedp.WaitVisible(chromedp.CSS("#horaires")))
	if got := text(t, ctx, "main"); !strings.Contains(got, draft.StudentName()) || !strings.Contains(got, "à compléter") {
		t.Errorf("the host's page: %q", got)
	}
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#horaires"), "9h-17h"),
		chromedp.SetValue(chromedp.CSS("#activites"), "Accueil du public. Appelez-moi au 06 12 34 56 78."))
	submit(t, ctx, "#enregistrer")
	got := text(t, ctx, "#probleme")
	for _, want := range []string{"pas possibles pour un élève de", "lundi au vendredi : 8 h de présence, 7 h au plus par jour",
		"35 h au plus", "une pause d'au moins 30 min", "L3162-3"} {
		if !strings.Contains(got, want) {
			t.Errorf("refused hours say %q, want %q", got, want)
		}
	}
	shoot(t, ctx, "convention-horaires-refuses-phone")
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#horaires"), "lundi au jeudi 9h-12h 13h30-16h30, vendredi 9h-12h"),
		chromedp.SetValue(chromedp.CSS("#activites"), "Accueil du public. Appelez-moi au 06 12 34 56 78."))
	submit(t, ctx, "#enregistrer")
	if got := text(t, ctx, "#fait"); !strings.Contains(got, "horaires et les activités sont enregistrés") {
		t.Errorf("after filling: %q", got)
	}
	a, err := st.store.AgreementByID(context.Background(), draft.ID)
	if err != nil || a.State != domain.AgreementCompleted || a.Schedule() == nil || strings.Contains(a.Activities, "06 12") {
		t.Errorf("after filling: %s %v %q (%v)", a.State, a.Schedule(), a.Activities, err)
	}
	do(t, ctx, chromedp.Navigate(host), chromedp.WaitVisible(chromedp.CSS("h1")))
	if got := text(t, ctx, "main"); !strings.Contains(got, "plus valable") {
		t.Errorf("a spent link: %q", got)
	}

	signing := st.agreementIn(domain.AgreementSigning)
	parent := st.linkFor(signing.ID, domain.SignStudent, signing.StudentAddress)
	do(t, ctx, chromedp.Navigate(parent), chromedp.WaitVisible(chromedp.CSS("#recevoir-code")))
	shoot(t, ctx, "convention-signer-phone")
	submit(t, ctx, "#recevoir-code")
	if got := text(t, ctx, "#message"); !strings.Contains(got, "code à 6 chiffres vient d'être envoyé") {
		t.Errorf("after asking for a code: %q", got)
	}
	code := st.lastCode(signing.StudentAddress)
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#code"), "000000"))
	submit(t, ctx, "#signer-convention")
	if got := text(t, ctx, "#message"); !strings.Contains(got, "Essais restants : 4") {
		t.Errorf("a wrong code: %q", got)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.CSS("#code"), code[:3]+" "+code[3:]))
	submit(t, ctx, "#signer-convention")
	if got := text(t, ctx, "#fait"); !strings.Contains(got, "C'est signé") {
		t.Errorf("after signing: %q", got)
	}
	a, _ = st.store.AgreementByID(context.Background(), signing.ID)
	if sig := a.SignatureOf(domain.SignStudent); sig == nil || sig.Channel != "web" || sig.Hash != a.Hash {
		t.Errorf("the student's signature: %+v", sig)
	}
	// A link to an agreement, forged: refused.
	do(t, ctx, chromedp.Navigate(st.base+"/c/forged-token"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if got := text(t, ctx, "main"); !strings.Contains(got, "plus valable") {
		t.Errorf("a forged link: %q", got)
	}
}

// The principal checks an agreement, signs a whole class at once, downloads a PDF; another collège's
// agreement is not found; the City counts them.
func TestCollegeSignsAgreements(t *testing.T) {
	st := newSite(t)
	uai := st.principalSchool()
	ctx := browser(t, 1280, 900)
	st.signIn(ctx, catalog.DemoPrincipal)
	if got := text(t, ctx, "#table-conventions"); !strings.Contains(got, "en signature") || !strings.Contains(got, "à compléter") {
		t.Errorf("the collège's agreements: %q", got)
	}
	shoot(t, ctx, "college-conventions-desktop")

	completed := st.agreementIn(domain.AgreementCompleted)
	do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai+"/conventions/"+strconv.FormatInt(completed.ID, 10)),
		chromedp.WaitVisible(chromedp.CSS("#referent")))
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#referent"), "Mme Lefèvre"))
	submit(t, ctx, "#verifier-convention")
	if got := text(t, ctx, "#message"); !strings.Contains(got, "enregistré") {
		t.Errorf("after the check: %q", got)
	}
	shoot(t, ctx, "convention-college-desktop")
	a, _ := st.store.AgreementByID(context.Background(), completed.ID)
	if a.State != domain.AgreementChecked || a.Referent != "Mme Lefèvre" || a.Principal != "Principale de démonstration" {
		t.Errorf("checked: %s %q %q", a.State, a.Referent, a.Principal)
	}

	toSign := st.count(`SELECT count(*) FROM agreements g JOIN applications a ON a.id = g.application_id
		JOIN students s ON s.id = a.student_id WHERE s.school_uai = $1 AND g.state = 'signing'
		AND NOT EXISTS (SELECT 1 FROM agreement_signatures x WHERE x.agreement_id = g.id AND x.signatory = 'school')`, uai)
	if toSign == 0 {
		t.Fatal("the demo has no agreement for the collège to sign")
	}
	do(t, ctx, chromedp.Navigate(st.base+"/colleges/"+uai+"#conventions"), chromedp.WaitVisible(chromedp.CSS(".sign-class")))
	submit(t, ctx, ".sign-class")
	if got := text(t, ctx, "#signees"); !strings.Contains(got, "signée") {
		t.Errorf("after signing a class: %q", got)
	}
	if n := st.count(`SELECT count(*) FROM agreement_signatures x JOIN agreements g ON g.id = x.agreement_id
		JOIN applications a ON a.id = g.application_id JOIN students s ON s.id = a.student_id
		WHERE s.school_uai = $1 AND x.signatory = 'school' AND x.channel = 'web'`, uai); n == 0 {
		t.Error("no signature of the collège after signing a class")
	}
	if st.count(`SELECT count(*) FROM audit WHERE action = 'sign_agreements'`) != 1 {
		t.Error("the signature is not in the audit log")
	}

	c, _ := st.client(catalog.DemoPrincipal)
	resp, err := c.Get(st.base + "/colleges/" + uai + "/conventions/" + strconv.FormatInt(completed.ID, 10) + "/pdf")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), "%PDF") {
		t.Errorf("the PDF: %d %.20q", resp.StatusCode, body)
	}
	var other int64
	if err := st.store.DB().Get(&other, `SELECT g.id FROM agreements g JOIN applications a ON a.id = g.application_id
		JOIN students s ON s.id = a.student_id WHERE s.school_uai <> $1 LIMIT 1`, uai); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/conventions/" + strconv.FormatInt(other, 10), "/conventions/" + strconv.FormatInt(other, 10) + "/pdf"} {
		resp, err := c.Get(st.base + "/colleges/" + uai + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("another collège's agreement %s: %d", path, resp.StatusCode)
		}
	}
	st.clock.Set(st.clock.Now().Add(time.Minute))
	city, _ := st.client(catalog.DemoOfficial)
	page := st.get(city, st.base+"/ville")
	signed := st.count(`SELECT count(*) FROM agreements WHERE state = 'signed'`)
	if !strings.Contains(page, `id="f-agreements">`+strconv.Itoa(signed)+`<`) {
		t.Errorf("the City's page does not count %d signed agreements", signed)
	}
}
