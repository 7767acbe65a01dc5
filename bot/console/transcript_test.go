package console_test

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"stagebot/bot"
	"stagebot/bot/console"
	"stagebot/bot/render"
	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/clock"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the transcripts with what the bot answers now")

func TestMain(m *testing.M) { storetest.Main(m) }

// demoCatalog fills a template database with the shipped Paris collèges and the demo catalog.
func demoCatalog(ctx context.Context, s *store.Store) error {
	if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
		return err
	}
	if _, err := catalog.ImportEmbeddedSectors(ctx, s); err != nil {
		return err
	}
	_, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: transcriptClock()})
	return err
}

// franceCatalog is demoCatalog with every collège of France the national files list (the REP/REP+
// list and the collèges of ../shared/data), as a deployment that imports them as the README says.
func franceCatalog(ctx context.Context, s *store.Store) error {
	if err := demoCatalog(ctx, s); err != nil {
		return err
	}
	var files []string
	for _, name := range []string{"liste-des-rep-et-rep-rentree-2022.csv", "paris-colleges-publics-2022.csv", "seed-schools.csv"} {
		files = append(files, filepath.Join("..", "..", "..", "shared", "data", name))
	}
	_, err := catalog.ImportSchools(ctx, s, files...)
	return err
}

// transcriptClock is the time every transcript happens at, the demo catalog's day included: a
// Sunday morning in Paris. Nothing compares it with the day the tests run.
func transcriptClock() time.Time {
	return time.Date(2026, 11, 29, 10, 0, 0, 0, calendar.Paris())
}

// A transcript is a console session kept as a file: header lines ("# about", "channel: sms",
// "as: +33…", "schools: france" to have every collège of France, not only Paris's, and "campaign:
// direct booking" for a campaign that lets students book the City's places), then what the person
// typed ("> text") and what the bot answered, rendered as the
// channel shows it. The test types the same lines again and expects the same answers, word for word.
// Run with -update to rewrite them after a deliberate change, and read the diff.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "transcripts", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no transcripts")
	}
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			header, inputs := parseTranscript(t, raw)
			template, prepare := "demo", demoCatalog
			if header.schools == "france" {
				if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "data")); err != nil {
					t.Skip("../shared/data is not beside the project")
				}
				template, prepare = "france", franceCatalog
			}
			s := storetest.NewFrom(t, template, prepare)
			if header.booking {
				if _, err := s.DB().Exec(`UPDATE campaigns SET direct_booking = true`); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			out.WriteString(header.text)
			c := &console.Console{
				Inbox: bot.NewInbox(s, conversation.New(cat, conversation.Config{}),
					bot.InboxConfig{Clock: clock.Func(transcriptClock)}, slog.New(slog.NewTextHandler(io.Discard, nil))),
				Store:    s,
				Renderer: render.NewRenderer(cat),
				Channel:  header.channel,
				Address:  header.as,
				In:       strings.NewReader(strings.Join(inputs, "\n") + "\n"),
				Out:      &out,
				Clock:    clock.Func(transcriptClock),
			}
			if err := c.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if *update {
				if err := os.WriteFile(file, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got := out.String(); got != string(raw) {
				t.Errorf("transcript differs (run go test ./bot/console -run TestTranscripts -update and read the diff):\n%s",
					firstDifference(string(raw), got))
			}
		})
	}
}

type transcriptHeader struct {
	text    string
	channel domain.Channel
	as      string
	booking bool   // "campaign: direct booking": the demo campaign lets students book the City's places
	schools string // "france": every collège of the national files, not only Paris's
}

func parseTranscript(t *testing.T, raw []byte) (transcriptHeader, []string) {
	t.Helper()
	var h transcriptHeader
	var inputs []string
	inHeader := true
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case inHeader && strings.HasPrefix(line, "#"):
		case inHeader && strings.HasPrefix(line, "channel: "):
			h.channel = domain.Channel(strings.TrimPrefix(line, "channel: "))
		case inHeader && strings.HasPrefix(line, "as: "):
			h.as = strings.TrimPrefix(line, "as: ")
		case inHeader && strings.HasPrefix(line, "schools: "):
			h.schools = strings.TrimPrefix(line, "schools: ")
		case inHeader && line == "campaign: direct booking":
			h.booking = true
		case inHeader && line == "":
		case strings.HasPrefix(line, "> "):
			inHeader = false
			inputs = append(inputs, strings.TrimPrefix(line, "> "))
		case line == ">":
			inHeader = false
			inputs = append(inputs, "")
		default:
			inHeader = false
		}
		if inHeader {
			h.text += line + "\n"
		}
	}
	if h.channel == "" || h.as == "" {
		t.Fatal("transcript header needs channel: and as: lines")
	}
	return h, inputs
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
