package console_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"stagebot/bot/render"
	"stagebot/locales"
)

// smsJourney is the transcript of the complete SMS journey whose cost the README shows.
const smsJourney = "fr-sms-parcours-complet"

// The budgets of the complete SMS journey, in SMS segments (French).
const (
	studentBudget = 30
	parentBudget  = 8
)

// sent is one message of a transcript: to whom (the console's person when to is ""), its text and
// how many SMS segments it took (0 off SMS).
type sent struct {
	to       string
	text     string
	segments int
}

var segmentsLine = regexp.MustCompile(`^\[SMS: (\d+) segments?, [^\]]+\]$`)

// sentIn reads the messages of a transcript: each block after an input or a "--- to" line, up to
// its blank line.
func sentIn(t *testing.T, name string) []sent {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "transcripts", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []sent
	var cur *sent
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := sc.Text()
		switch m := segmentsLine.FindStringSubmatch(line); {
		case strings.HasPrefix(line, "> ") || line == ">":
			cur = &sent{}
		case strings.HasPrefix(line, "--- to "):
			cur = &sent{to: strings.Fields(strings.TrimPrefix(line, "--- to "))[0]}
		case m != nil && cur != nil:
			cur.segments, _ = strconv.Atoi(m[1])
			cur.text = strings.TrimSpace(cur.text)
			out = append(out, *cur)
			cur = &sent{to: ""}
		case cur != nil && line != "":
			cur.text += line + "\n"
		}
	}
	return out
}

// smsKind names what a message of the journey is, from its first words. Every message must be of a
// kind: a new message gets a name here, and a line in the README.
type smsKind struct {
	who, name string
	re        *regexp.Regexp
}

var smsKinds = []smsKind{
	{"student", "Bienvenue et prénom", regexp.MustCompile(`^Bonjour ! Je suis stagebot`)},
	{"student", "Questions d'inscription", regexp.MustCompile(`^(Merci \S+ !\nL'initiale|Ton collège \?|Ta semaine de stage \?|C'est noté : semaine|Le numéro de portable|Dans quelle langue)`)},
	{"student", "Collège et semaine à confirmer", regexp.MustCompile(`^Ton collège : `)},
	{"student", "Récapitulatif", regexp.MustCompile(`^Je récapitule`)},
	{"student", "Inscription faite", regexp.MustCompile(`^C'est fait, `)},
	{"student", "Page de résultats", regexp.MustCompile(`^\d+ offres? `)},
	{"student", "Offre (en bref)", regexp.MustCompile(`(?s)postuler avant le .*\n1 Postuler\n2 Détails`)},
	{"student", "Motivation demandée", regexp.MustCompile(`^Pourquoi ce stage`)},
	{"student", "Candidature enregistrée", regexp.MustCompile(`^(C'est noté ! Ta candidature|Envoyée à )`)},
	{"student", "Accord du parent", regexp.MustCompile(`^Bonne nouvelle : ton parent`)},
	{"student", "Question de la structure", regexp.MustCompile(`^Question de `)},
	{"student", "Réponse transmise", regexp.MustCompile(`^Transmis à `)},
	{"student", "Acceptée", regexp.MustCompile(`^Bonne nouvelle : .* t'accepte`)},
	{"student", "Stage confirmé", regexp.MustCompile(`^C'est confirmé`)},
	{"parent", "Demande d'accord", regexp.MustCompile(`^Stagebot \(Ville de Paris\)`)},
	{"parent", "Merci, candidatures envoyées", regexp.MustCompile(`^Merci !`)},
	{"parent", "Acceptée (dates, adresse, contact)", regexp.MustCompile(`^Stagebot : .* accepte `)},
	{"parent", "Stage confirmé", regexp.MustCompile(`^Stagebot : .* a confirmé`)},
}

// The complete SMS journey costs the student at most 30 segments and the parent at most 8, and the
// README shows what each kind of message costs (go test ./bot/console -run TestSMSCost -update
// rewrites the table).
func TestSMSCost(t *testing.T) {
	const parent = "+33612345678"
	type cost struct{ messages, segments int }
	costs := map[string]*cost{}
	totals := map[string]*cost{"student": {}, "parent": {}}
	for _, m := range sentIn(t, smsJourney) {
		who := "host"
		switch m.to {
		case "":
			who = "student"
		case parent:
			who = "parent"
		}
		if who == "host" {
			continue
		}
		kind := ""
		for _, k := range smsKinds {
			if k.who == who && k.re.MatchString(m.text) {
				kind = k.who + "\x00" + k.name
				break
			}
		}
		if kind == "" {
			t.Errorf("a %s message of no kind (name it in smsKinds):\n%s", who, m.text)
			continue
		}
		if costs[kind] == nil {
			costs[kind] = &cost{}
		}
		costs[kind].messages++
		costs[kind].segments += m.segments
		totals[who].messages++
		totals[who].segments += m.segments
	}
	if s := totals["student"].segments; s > studentBudget {
		t.Errorf("the student's SMS journey costs %d segments, budget %d", s, studentBudget)
	}
	if s := totals["parent"].segments; s > parentBudget {
		t.Errorf("the parent's SMS journey costs %d segments, budget %d", s, parentBudget)
	}

	var table strings.Builder
	table.WriteString("| Who | Message | SMS | Segments |\n|---|---|---:|---:|\n")
	for _, who := range []string{"student", "parent"} {
		for _, k := range smsKinds {
			if c := costs[k.who+"\x00"+k.name]; k.who == who && c != nil {
				fmt.Fprintf(&table, "| %s | %s | %d | %d |\n", who, k.name, c.messages, c.segments)
			}
		}
		fmt.Fprintf(&table, "| **%s** | **total** (budget %d segments) | **%d** | **%d** |\n", who,
			map[string]int{"student": studentBudget, "parent": parentBudget}[who], totals[who].messages, totals[who].segments)
	}
	t.Logf("\n%s", table.String())
	checkREADME(t, "sms-cost", table.String())
}

// checkREADME compares the README's section between <!-- name --> and <!-- /name --> with want;
// with -update it rewrites it.
func checkREADME(t *testing.T, name, want string) {
	t.Helper()
	path := filepath.Join("..", "..", "README.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	start, end := "<!-- "+name+" -->\n", "<!-- /"+name+" -->"
	i, j := bytes.Index(raw, []byte(start)), bytes.Index(raw, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", start, end)
	}
	got := string(raw[i+len(start) : j])
	if got == want {
		return
	}
	if !*update {
		t.Errorf("README.md's %s table is out of date (go test ./bot/console -run TestSMSCost -update):\n%s", name, want)
		return
	}
	out := append(append(append([]byte{}, raw[:i+len(start)]...), want...), raw[j:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A choice keeps its number on every screen where it appears: across every transcript, each label
// of the catalogs' choices (choice_…) is shown with one number only, per language and channel.
func TestChoicesKeepTheirNumbersInTranscripts(t *testing.T) {
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	vocabulary := map[string]bool{}
	for _, lang := range []string{"fr", "en"} {
		ids, err := locales.MessageIDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			if strings.HasPrefix(id, "choice_") {
				label := cat.Text(lang, id, nil)
				vocabulary[label] = true
				vocabulary[render.FoldToGSM(label)] = true
			}
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "transcripts", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	smsLine := regexp.MustCompile(`^(\d+) (.+)$`)
	button := regexp.MustCompile(`\[ (\d+) · ([^\]]+?) \]`)
	numbers := map[string]map[string][]string{} // label → number → where
	seen := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range strings.Split(string(raw), "\n") {
			var pairs [][]string
			if m := smsLine.FindStringSubmatch(line); m != nil {
				pairs = append(pairs, m)
			}
			pairs = append(pairs, button.FindAllStringSubmatch(line, -1)...)
			for _, p := range pairs {
				if !vocabulary[p[2]] {
					continue
				}
				seen++
				if numbers[p[2]] == nil {
					numbers[p[2]] = map[string][]string{}
				}
				numbers[p[2]][p[1]] = append(numbers[p[2]][p[1]], fmt.Sprintf("%s:%d", filepath.Base(file), n+1))
			}
		}
	}
	if seen < 50 {
		t.Fatalf("only %d choices found in the transcripts: is the scan broken?", seen)
	}
	labels := make([]string, 0, len(numbers))
	for label := range numbers {
		labels = append(labels, label)
	}
	sort.Strings(labels)
	for _, label := range labels {
		if len(numbers[label]) > 1 {
			t.Errorf("%q has several numbers: %v", label, numbers[label])
		}
	}
}
