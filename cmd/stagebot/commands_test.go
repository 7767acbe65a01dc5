package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"stagebot/bot/telegram/telegramtest"
	"stagebot/calendar"
	"stagebot/clock"
	"stagebot/store/storetest"
)

// host-link prints one single-use link per contact; the link ties a Telegram chat to the contact.
func TestHostLink(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewFrom(t, "stories", storyCatalog)
	var db string
	if err := st.DB().Get(&db, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := environment{getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return storetest.URL(db)
		}
		return ""
	}, stdout: &out, log: slog.New(slog.NewTextHandler(io.Discard, nil)), clock: newStoryClock()}
	if err := env.hostLink(ctx, []string{"--bot", "@stagebot_paris_bot", "story-boucle-20"}); err != nil {
		t.Fatal(err)
	}
	name, link, ok := strings.Cut(strings.TrimSpace(out.String()), "\t")
	code, found := strings.CutPrefix(link, "https://t.me/stagebot_paris_bot?start=host-")
	if !ok || name != "Yanis Moreau" || !found || len(code) < 16 {
		t.Fatalf("host-link printed %q", out.String())
	}
	// The contact opens the link: Telegram sends "/start host-CODE".
	r := newRig(t, st)
	r.update++
	if code := r.telegram(telegramtest.TextUpdate(r.update, 777001, "/start host-"+code)); code != 200 {
		t.Fatalf("HTTP %d", code)
	}
	expect(t, texts(r.telegramReplies()), "Bonjour Yanis Moreau ! Ce compte Telegram est relié à Ressourcerie La Boucle")
	contacts, err := st.HostContactsByAddress(ctx, "telegram", "777001")
	if err != nil || len(contacts) != 1 || contacts[0].Name != "Yanis Moreau" {
		t.Fatalf("linked contact: %+v, %v", contacts, err)
	}
	// The same link again, from another chat: refused, and nothing said about the host.
	r.update++
	r.telegram(telegramtest.TextUpdate(r.update, 777002, "/start host-"+code))
	if got := texts(r.telegramReplies()); !strings.Contains(got, "plus valable") || strings.Contains(got, "Boucle") {
		t.Errorf("a used link answered %q", got)
	}
	if _, err := st.LinkTelegram(ctx, code, "777003", env.clock.Now()); err == nil {
		t.Error("a link code worked twice")
	}
	if err := env.hostLink(ctx, []string{"no-such-host"}); err == nil {
		t.Error("host-link of an unknown host succeeded")
	}
}

// campaign load sets a season from the City's file; campaign show prints the one in force on the
// service's clock.
func TestCampaignCommand(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	var db string
	if err := st.DB().Get(&db, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := environment{getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return storetest.URL(db)
		}
		return ""
	}, stdout: &out, log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		clock: clock.NewManual(time.Date(2026, 10, 1, 9, 0, 0, 0, calendar.Paris()))}
	if err := env.campaign(ctx, []string{"show"}); err == nil || !strings.Contains(err.Error(), "no campaign") {
		t.Errorf("show with no campaign: %v", err)
	}
	if err := env.campaign(ctx, []string{"load", "../../testdata/campaign-sample.toml"}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := env.campaign(ctx, []string{"show"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`campaign "Ville de Paris 2026-2027"`, "applications from 2026-11-02 to 2027-03-19",
		"reserved places open to all from 2027-01-04", "2026-12-07, 2026-12-14"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("show printed %q, want %q", out.String(), want)
		}
	}
	var u usageError
	if err := env.campaign(ctx, []string{"load"}); !errors.As(err, &u) {
		t.Errorf("load without a file: %v", err)
	}
}

// remind --dry-run prints what the reminders due at a given time would send, to whom (masked) and
// why, and changes nothing; remind sends them, once.
func TestRemindDryRun(t *testing.T) {
	ctx := context.Background()
	st := storetest.NewFrom(t, "demo", demoCatalog)
	r := newRig(t, st)
	for _, text := range []string{"Bonjour", "Léa", "M", "Voltaire", "1", "03/2012", "06 12 34 56 78", "1", "1"} {
		r.text(text)
	}
	var db string
	if err := st.DB().Get(&db, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	env := environment{getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return storetest.URL(db)
		}
		return ""
	}, stdout: &out, log: slog.New(slog.NewTextHandler(io.Discard, nil)), clock: newStoryClock()}
	outbox := r.count(`SELECT count(*) FROM outbox`)
	// The parent was asked on Monday 30 November: two days later, they are reminded.
	if err := env.remind(ctx, []string{"--dry-run", "--at", "2026-12-02T09:00"}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	t.Logf("stagebot remind --dry-run --at 2026-12-02T09:00\n%s", got)
	for _, want := range []string{"1 reminder due, 1 message (nothing sent)", "consent/student:", "/2026-12-02",
		"06 xx xx xx 78", "Léa M. attend votre accord"} {
		if !strings.Contains(got, want) {
			t.Errorf("dry run printed:\n%s\nwant %q", got, want)
		}
	}
	if strings.Contains(got, "+33612345678") {
		t.Error("the dry run printed a phone number")
	}
	if n := r.count(`SELECT count(*) FROM outbox`); n != outbox || r.count(`SELECT count(*) FROM reminders`) != 0 {
		t.Errorf("the dry run wrote: %d outbox rows (was %d)", n, outbox)
	}
	out.Reset()
	if err := env.remind(ctx, []string{"--at", "2026-12-02T09:00"}); err != nil || !strings.Contains(out.String(), "1 reminder sent") {
		t.Fatalf("remind: %q, %v", out.String(), err)
	}
	out.Reset()
	if err := env.remind(ctx, []string{"--dry-run", "--at", "2026-12-02T11:00"}); err != nil || !strings.Contains(out.String(), "0 reminders due") {
		t.Errorf("after sending, the dry run printed %q, %v", out.String(), err)
	}
}

// simulate plays a small season under a shipped policy and writes the report: the page, the JSON and
// the main chart; bad flags and files are refused before anything starts.
func TestSimulateCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("a season")
	}
	ctx := context.Background()
	dir := t.TempDir()
	var out bytes.Buffer
	env := environment{getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return storetest.URL("postgres")
		}
		return ""
	}, stdout: &out, log: slog.New(slog.NewTextHandler(io.Discard, nil)), clock: clock.System()}
	var u usageError
	for _, args := range [][]string{{"--scale", "0"}, {"--seeds", "0"}, {"extra"}, {"--start", "tomorrow"}, {"--lang", "de"}} {
		if err := env.simulate(ctx, args); !errors.As(err, &u) {
			t.Errorf("simulate %v: %v, want a usage error", args, err)
		}
	}
	if err := env.simulate(ctx, []string{"--policy", "no-such-file.toml"}); err == nil {
		t.Error("a missing policy file was taken")
	}
	if err := env.simulate(ctx, []string{"--scale", "0.01", "--policy", "../../docs/policies/default.toml",
		"--out", dir, "--quiet"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "current rules") || !strings.Contains(out.String(), "reserved taken by REP/REP+") {
		t.Errorf("simulate printed %q", out.String())
	}
	if page, err := os.ReadFile(filepath.Join(dir, "report.html")); err != nil || !strings.Contains(string(page), `<html lang="fr">`) {
		t.Errorf("the report is not in French by default: %v", err)
	}
	for _, name := range []string{"report.html", "report.json", "placement.svg"} {
		if info, err := os.Stat(filepath.Join(dir, name)); err != nil || info.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// stagebot --help lists every command the binary runs.
func TestUsageListsEveryCommand(t *testing.T) {
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	body := string(src)[strings.Index(string(src), "switch args[0] {"):]
	for _, m := range regexp.MustCompile(`case "([a-z-]+)"`).FindAllStringSubmatch(body, -1) {
		if m[1] == "help" {
			continue
		}
		if !strings.Contains(usage, "stagebot "+m[1]) {
			t.Errorf("stagebot --help does not list %s", m[1])
		}
	}
}

// syncBuffer is a buffer the console and the pages' server write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The demo's first command opens the three-phone page: its address printed, the page served, a
// message typed on the student's phone answered on it, the demo stopped by an interrupt; and `serve`
// has no such page.
func TestDemoPage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := storetest.New(t)
	var db string
	if err := st.DB().Get(&db, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	env := environment{getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return storetest.URL(db)
		}
		return ""
	}, stdin: strings.NewReader(""), stdout: out, log: slog.New(slog.NewTextHandler(io.Discard, nil)), clock: newStoryClock()}
	done := make(chan error, 1)
	go func() { done <- env.demo(ctx, []string{"--web", "127.0.0.1:0"}) }()
	printed := regexp.MustCompile(`Try stagebot in your browser: (http://127\.0\.0\.1:\d+/essai)`)
	var page string
	for deadline := time.Now().Add(time.Minute); page == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if m := printed.FindStringSubmatch(out.String()); m != nil {
			page = m[1]
		}
	}
	if page == "" {
		t.Fatalf("the demo printed no page:\n%s", out.String())
	}
	get := func() string {
		resp, err := http.Get(page)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", page, resp.StatusCode)
		}
		return string(body)
	}
	body := get()
	token := regexp.MustCompile(`name="jeton" value="(\w+)"`).FindStringSubmatch(body)
	if token == nil || !strings.Contains(body, "trois téléphones") {
		t.Fatalf("the page: %.300s", body)
	}
	resp, err := http.PostForm(strings.TrimSuffix(page, "/essai")+"/essai/message",
		url.Values{"jeton": {token[1]}, "canal": {"sms"}, "qui": {"eleve"}, "texte": {"Bonjour"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if body := get(); !strings.Contains(body, "Quel est ton prénom ?") {
		t.Errorf("the student's phone got no answer: %.2000s", body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	r := newRig(t, st)
	resp, err = http.Get(r.web.URL + "/essai")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("serve answers /essai with %d", resp.StatusCode)
	}
}

// The demo as a new user tries it on the terminal (--console): the pages' sign-in links printed and working, and the console's
// student (its default number) a new student, not one of the demo's parents, whose invitation
// keyword fills in the collège of the demo principal.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	var db string
	if err := st.DB().Get(&db, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	in, typing := io.Pipe()
	out := &syncBuffer{}
	env := environment{getenv: func(k string) string {
		if k == "DATABASE_URL" {
			return storetest.URL(db)
		}
		return ""
	}, stdin: in, stdout: out, log: slog.New(slog.NewTextHandler(io.Discard, nil)), clock: newStoryClock()}
	done := make(chan error, 1)
	go func() { done <- env.demo(ctx, []string{"--console", "--web", "127.0.0.1:0"}) }()
	waitFor := func(want string) string {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if s := out.String(); strings.Contains(s, want) {
				return s
			}
		}
		t.Fatalf("the demo never printed %q:\n%s", want, out.String())
		return ""
	}
	printed := waitFor("Ctrl-D")
	links := regexp.MustCompile(`http://127\.0\.0\.1:\d+/connexion/lien\?t=[\w-]+`).FindAllString(printed, -1)
	if len(links) != 2 {
		t.Fatalf("%d sign-in links printed:\n%s", len(links), printed)
	}
	for _, link := range links {
		resp, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="connexion"`) {
			t.Errorf("%s: %d %.200s", link, resp.StatusCode, body)
		}
	}
	for _, line := range []string{"STAGE 0750546L", "Zinedine", "K"} {
		if _, err := io.WriteString(typing, line+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor("Georges Clemenceau (Paris")
	typing.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if s := out.String(); strings.Contains(s, "Répondez OUI ou NON pour") {
		t.Errorf("the console's student was taken for a parent:\n%s", s)
	}
}
