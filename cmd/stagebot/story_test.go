package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"stagebot/bot/telegram/telegramtest"
	"stagebot/bot/twilio/twiliotest"
	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/clock"
	"stagebot/store"
	"stagebot/store/storetest"
)

// A story is a conversation between several people and stagebot, kept as a file and replayed over
// the real wire formats: each person writes through the Telegram or the signed Twilio webhook, and
// what stagebot sends reaches the Telegram and Twilio fakes through the real sender and clients.
//
//	# what the story shows
//	lea: sms +33639989999             a person, their channel and address
//	boucle: telegram 777001 +33639980005   a host contact's Telegram chat, linked to their phone's contact
//
//	lea > Bonjour                     what a person sends ([Label] presses a Telegram button; [Start…] one whose label starts so;
//	                                  {code} is the last signing code they received)
//	lea < Bonjour ! Je suis stagebot… what a person receives, one line per line
//	! le collège vérifie…             something done elsewhere than in a chat (a hook: story_hooks_test.go)
//	= état : en signature             what the hook saw
//
// Run with -update to rewrite the stories with what stagebot answers now, then read the diff.

var update = flag.Bool("update", false, "rewrite the stories with what stagebot answers now")

// newStoryClock is the stories' clock: Monday 30 November 2026, 10:00 in Paris, one second later at
// every reading, so that messages to one chat are spaced as Telegram wants. Every time in a story,
// the database's included, comes from it.
func newStoryClock() *clock.Manual {
	return clock.NewTicking(time.Date(2026, 11, 30, 10, 0, 1, 0, calendar.Paris()), time.Second)
}

type actor struct {
	name, channel, address string
	last                   []telegramtest.SentMessage // the Telegram messages received, for [Label]
	received               []string                   // every message received, for {code} and the links
}

func storyCatalog(ctx context.Context, s *store.Store) error {
	if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
		return err
	}
	if _, err := catalog.ImportEmbeddedSectors(ctx, s); err != nil {
		return err
	}
	report, err := catalog.ImportOffers(ctx, s, filepath.Join("testdata", "story-offers.csv"))
	if err == nil && report.Rejected > 0 {
		err = fmt.Errorf("story offers: %v", report.Problems)
	}
	return err
}

func TestStories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "stories", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no stories: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := playStory(t, raw)
			if *update {
				if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != string(raw) {
				t.Errorf("story differs (go test ./cmd/stagebot -run TestStories -update, then read the diff):\n%s",
					firstDifference(string(raw), got))
			}
		})
	}
}

// playStory replays a story's inputs and returns the story as it happens now.
func playStory(t *testing.T, raw []byte) string {
	t.Helper()
	st := storetest.NewFrom(t, "stories", storyCatalog)
	clk := newStoryClock()
	r := newRigWithClock(t, st, clk)
	env := &storyEnv{t: t, r: r}
	var out bytes.Buffer
	actors := map[string]*actor{}
	byAddress := map[string]*actor{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#") || line == "":
			out.WriteString(line + "\n")
		case strings.HasPrefix(line, "~ "):
			// "~ 2026-12-02 09:00": the clock moves on to then (Paris time) and the jobs run, as cron
			// would have them run at that moment.
			at, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimPrefix(line, "~ "), calendar.Paris())
			if err != nil || !at.After(clk.Now()) {
				t.Fatalf("%q: want a later time as 2026-12-02 09:00 (%v)", line, err)
			}
			clk.Set(at)
			out.WriteString(line + "\n")
			for _, job := range r.svc.jobs.All() {
				if _, err := job.Run(context.Background()); err != nil {
					t.Fatalf("%s: %v", job.Name, err)
				}
			}
			r.deliver()
			r.collect(&out, byAddress)
		case strings.HasPrefix(line, "! "):
			hook := storyHooks[strings.TrimPrefix(line, "! ")]
			if hook == nil {
				t.Fatalf("no hook %q (story_hooks_test.go)", line)
			}
			out.WriteString(line + "\n")
			env.actors = actors
			for _, seen := range hook(env) {
				out.WriteString("= " + seen + "\n")
			}
			r.deliver()
			r.collect(&out, byAddress)
		case strings.HasPrefix(line, "= "):
			// what a hook saw last time: replaced by what it sees now
		case strings.Contains(line, " < "):
			// what stagebot said last time: replaced by what it says now
		case strings.Contains(line, " > "):
			name, text, _ := strings.Cut(line, " > ")
			a := actors[name]
			if a == nil {
				t.Fatalf("unknown person %q", name)
			}
			out.WriteString(line + "\n")
			if strings.Contains(text, "{code}") {
				text = strings.ReplaceAll(text, "{code}", lastCode(t, a))
			}
			r.send(a, text)
			r.deliver()
			r.collect(&out, byAddress)
		case strings.Contains(line, ": "):
			name, spec, _ := strings.Cut(line, ": ")
			f := strings.Fields(spec)
			if len(f) < 2 {
				t.Fatalf("bad person line %q", line)
			}
			a := &actor{name: name, channel: f[0], address: f[1]}
			if len(f) == 3 { // a host contact's Telegram chat, linked to the contact with that phone
				if _, err := st.DB().Exec(`UPDATE host_contacts SET telegram_chat_id = $1 WHERE phone = $2`, f[1], f[2]); err != nil {
					t.Fatal(err)
				}
			}
			actors[name], byAddress[f[0]+" "+f[1]] = a, a
			out.WriteString(line + "\n")
		default:
			t.Fatalf("unreadable story line %q", line)
		}
	}
	return out.String()
}

// send makes a person write: a text, or on Telegram "[Label]" to press a button.
func (r *rig) send(a *actor, text string) {
	r.t.Helper()
	switch a.channel {
	case "telegram":
		var chat int64
		fmt.Sscan(a.address, &chat)
		r.update++
		update := telegramtest.TextUpdate(r.update, chat, text)
		if label, ok := strings.CutPrefix(text, "["); ok && strings.HasSuffix(label, "]") {
			update = telegramtest.CallbackUpdate(r.update, chat, buttonData(r.t, a, strings.TrimSuffix(label, "]")))
		}
		if code := r.telegram(update); code != http.StatusOK {
			r.t.Fatalf("%s: HTTP %d", a.name, code)
		}
	default:
		r.sms++
		if code := r.twilio(twiliotest.InboundParams(fmt.Sprintf("SM%032d", r.sms), a.address, twilioFrom, text), ""); code != http.StatusOK {
			r.t.Fatalf("%s: HTTP %d", a.name, code)
		}
	}
}

func buttonData(t *testing.T, a *actor, label string) string {
	t.Helper()
	for i := len(a.last) - 1; i >= 0; i-- {
		for _, row := range a.last[i].Buttons {
			for _, b := range row {
				if b.Text == label || strings.HasSuffix(label, "…") && strings.HasPrefix(b.Text, strings.TrimSuffix(label, "…")) {
					return b.CallbackData
				}
			}
		}
	}
	t.Fatalf("%s has no button [%s]", a.name, label)
	return ""
}

// collect writes what each person received since the last time, in the order it was sent.
func (r *rig) collect(out *bytes.Buffer, byAddress map[string]*actor) {
	type received struct {
		at    time.Time
		who   string
		lines []string
	}
	var all []received
	name := func(channel, address string) string {
		if a := byAddress[channel+" "+address]; a != nil {
			return a.name
		}
		return "? " + channel + " " + address
	}
	tg := r.tg.Sent()
	for _, m := range tg[r.seenTG:] {
		who := name("telegram", fmt.Sprint(m.ChatID))
		if a := byAddress["telegram "+fmt.Sprint(m.ChatID)]; a != nil {
			a.last = append(a.last, m)
		}
		lines := strings.Split(m.Text, "\n")
		var buttons []string
		for _, row := range m.Buttons {
			for _, b := range row {
				buttons = append(buttons, "["+b.Text+"]")
			}
		}
		if len(buttons) > 0 {
			lines = append(lines, strings.Join(buttons, " "))
		}
		all = append(all, received{m.At, who, lines})
	}
	r.seenTG = len(tg)
	tw := r.tw.Sent()
	for _, m := range tw[r.seenTW:] {
		channel, address := "sms", m.To
		if a, ok := strings.CutPrefix(m.To, "whatsapp:"); ok {
			channel, address = "whatsapp", a
		}
		all = append(all, received{m.At, name(channel, address), strings.Split(m.Body, "\n")})
	}
	r.seenTW = len(tw)
	sort.SliceStable(all, func(i, j int) bool { return all[i].at.Before(all[j].at) })
	for _, m := range all {
		if a := byAddressName(byAddress, m.who); a != nil {
			a.received = append(a.received, strings.Join(m.lines, "\n"))
		}
		for _, l := range m.lines {
			fmt.Fprintf(out, "%s < %s\n", m.who, l)
		}
	}
}

func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, wl, gl)
		}
	}
	return "(same lines, different endings)"
}

// byAddressName finds an actor by name among those known by address.
func byAddressName(byAddress map[string]*actor, name string) *actor {
	for _, a := range byAddress {
		if a.name == name {
			return a
		}
	}
	return nil
}

// lastCode is the last signing code (6 digits, "482 913") a person received.
func lastCode(t *testing.T, a *actor) string {
	t.Helper()
	code := regexp.MustCompile(`\b(\d{3}) (\d{3})\b`)
	for i := len(a.received) - 1; i >= 0; i-- {
		if m := code.FindStringSubmatch(a.received[i]); m != nil {
			return m[1] + m[2]
		}
	}
	t.Fatalf("%s received no code", a.name)
	return ""
}
