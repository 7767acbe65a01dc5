package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"stagebot/fold"
)

// profile is a synthetic student: what they answer at sign-up and what they look for.
type profile struct {
	FirstName string
	Initial   string
	School    string // typed at the collège question; its stage week is taken
	Birth     string // "03/2012"
	Parent    string // the parent's mobile as typed, "06 61 23 45 67"
	Keywords  []string
	Apply     bool    // apply to an offer (the first one of the searches that allows it)
	Target    *target // apply to this offer only (accept-race)
}

// target is one offer a student must find and apply to.
type target struct {
	Search string // the words to search
	Title  string // the offer's title
	Host   string // its host's name
	Arr    int    // its arrondissement
}

// decision is what a student does next: send Text; Weak means the text read so far may not be
// complete (a refusal often comes with a second message), so wait a moment for more first.
type decision struct {
	Text string
	Weak bool
	Step string // the prompt answered, for the report
}

// brain plays one student's side of the SMS dialogue. It reads what stagebot sent since the
// student's last message and answers it: the sign-up questions, then searches, an offer page,
// an application. It recognises stagebot's French prompts (locales/fr.toml) on folded text (lower
// case, no accents: the SMS renderer drops some accents), and answers the last question asked.
type brain struct {
	p          profile
	registered bool
	searches   int // searches started
	applied    bool
	applyTried bool
	confused   int
	done       bool
	gaveUp     string          // why the student stopped before the end, if it did
	tried      map[string]bool // target lines already opened (accept-race)
}

// rule is one prompt the brain recognises: a pattern on folded text (or a regular expression,
// re), optionally a marker that must follow it (the page's last line: results and offers come in
// several SMS), and the answer, given the turn and where the prompt starts in it.
type rule struct {
	pattern string
	re      *regexp.Regexp
	end     string
	answer  func(b *brain, turn string, at int) decision
}

// answer adapts a function that needs only the brain.
func answer(fn func(b *brain) decision) func(*brain, string, int) decision {
	return func(b *brain, _ string, _ int) decision { return fn(b) }
}

// say answers with a fixed text.
func say(s string) func(*brain, string, int) decision {
	return func(*brain, string, int) decision { return decision{Text: s} }
}

// resultsHeader starts a page of results: "19 offres (musee) :", "1 offre :", "Offres 4 à 6 sur
// 12 :", "Choisis une offre :".
var resultsHeader = regexp.MustCompile(`(?m)^(\d+ offres?( \(.*\))? :|offres \d+ a \d+ sur \d+.*:|choisis une offre :)`)

// The prompts, from locales/fr.toml, folded.
var rules = []rule{
	// Sign-up.
	{pattern: "quel est ton prenom", answer: answer(func(b *brain) decision { return decision{Text: b.p.FirstName} })},
	{pattern: "l'initiale de ton nom", answer: answer(func(b *brain) decision { return decision{Text: b.p.Initial} })},
	{pattern: "ecris seulement la premiere lettre", answer: answer(func(b *brain) decision { return decision{Text: b.p.Initial} })},
	{pattern: "ton college ? ecris son nom", answer: answer(func(b *brain) decision { return decision{Text: b.p.School} })},
	{pattern: "reecris le nom de ton college", answer: giveUp("school not found")},
	{pattern: "j'ai trouve plusieurs colleges", answer: say("1")},
	{pattern: "c'est bien ton college", answer: say("1")},
	{pattern: "stage la semaine du", answer: say("1")},                          // the collège's week: yes
	{pattern: "ton college a prevu les stages la semaine du", answer: say("1")}, // yes
	{pattern: "ta semaine de stage ? ecris la date", answer: giveUp("asked for a week")},
	{pattern: "pas encore d'offre ouverte pour la semaine", answer: say("1")},
	{pattern: "ta date de naissance", answer: answer(func(b *brain) decision { return decision{Text: b.p.Birth} })},
	{pattern: "ecris le mois puis l'annee", answer: giveUp("birth refused")},
	{pattern: "avec cette date, tu aurais", answer: giveUp("age refused")},
	{pattern: "le numero de portable d'un de tes parents", answer: answer(func(b *brain) decision { return decision{Text: b.p.Parent} })},
	{pattern: "ce numero ne va pas", answer: giveUp("parent phone refused")},
	{pattern: "il me faut un numero de portable", answer: giveUp("parent phone refused")},
	{pattern: "dans quelle langue ecrire a ton parent", answer: say("1")},
	{pattern: "je recapitule", answer: say("1")},
	{pattern: "c'est fait, ", answer: answer(func(b *brain) decision { b.registered = true; return b.nextSearch() })},
	// Searching.
	{pattern: "que veux-tu faire, ", answer: say("1")}, // the menu: Chercher un stage
	{pattern: "ecris un mot (par exemple", answer: answer((*brain).nextSearch)},
	{re: resultsHeader, end: "0 menu", answer: (*brain).pickOffer},
	{pattern: "rien pour ", answer: answer((*brain).nextSearch)},
	{pattern: "pas encore d'offre avec de la place", answer: answer((*brain).nextSearch)},
	{pattern: "\n6 retour", end: "0 menu", answer: (*brain).onOffer},
	// Applying.
	{pattern: "pourquoi ce stage te pla", answer: say("J'aimerais découvrir ce métier et voir comment travaille l'équipe.")},
	{pattern: "c'est note ! ta candidature part", answer: answer((*brain).onApplied)},
	{pattern: "envoyee a ", answer: answer((*brain).onApplied)},
	{pattern: "tu as deja postule", answer: answer((*brain).onApplyRefused)},
	{pattern: "il n'y a plus de place", answer: answer((*brain).onApplyRefused)},
	{pattern: "n'a pas lieu pendant ta semaine", answer: answer((*brain).onApplyRefused)},
	{pattern: "la date limite pour postuler", answer: answer((*brain).onApplyRefused)},
	{pattern: "les candidatures ouvrent le", answer: answer((*brain).onApplyRefused)},
	{pattern: "tu as deja le maximum", answer: answer((*brain).onApplyRefused)},
	{pattern: "n'est plus disponible", answer: answer((*brain).onApplyRefused)},
	{pattern: "tu as deja un stage", answer: answer((*brain).onApplyRefused)},
	{pattern: "n'a pas pu etre enregistree", answer: answer((*brain).onApplyRefused)},
	{pattern: "tu auras moins de 14 ans", answer: answer((*brain).onApplyRefused)},
	// Lost.
	{pattern: "je n'ai pas compris", answer: answer((*brain).onConfused)},
}

// giveUp answers by ending the student's script.
func giveUp(why string) func(*brain, string, int) decision {
	return func(b *brain, _ string, _ int) decision { return b.giveUp(why) }
}

// notices are the first words of the messages stagebot sends a student on its own (a parent
// agreed, a host answered…): they are not answers to what the student just wrote.
var notices = []string{"bonne nouvelle", "ton parent n'a pas", "question de ", "message de ",
	"nous n'arrivons pas", "n'oublie pas", "l'offre \"", "tu n'as pas confirme", "ton stage",
	"ca y est", "tu n'as qu", "tu n'as que", "pense a ta convention"}

// isNotice reports whether a message (folded) is a notice rather than a reply.
func isNotice(folded string) bool {
	for _, n := range notices {
		if strings.HasPrefix(folded, n) {
			return true
		}
	}
	return strings.Contains(folded, "ne peut pas t'accueillir") || strings.Contains(folded, "ne prend plus de demandes") ||
		strings.Contains(folded, "n'a pas repondu a ta candidature")
}

// foldLines folds each line of s (fold.String joins lines, the brain reads them).
func foldLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = fold.String(l)
	}
	return strings.Join(lines, "\n")
}

// next answers the turn: everything (folded, one message after the other) stagebot sent since
// the student's last message. It returns an empty decision while no question is complete.
func (b *brain) next(turn string) decision {
	best, at := -1, -1
	for i, r := range rules {
		idx := -1
		if r.re != nil {
			if all := r.re.FindAllStringIndex(turn, -1); len(all) > 0 {
				idx = all[len(all)-1][0]
			}
		} else {
			idx = strings.LastIndex(turn, r.pattern)
		}
		if idx < 0 || (r.end != "" && !strings.Contains(turn[idx:], r.end)) {
			continue
		}
		if idx > at {
			best, at = i, idx
		}
	}
	if best < 0 {
		return decision{}
	}
	d := rules[best].answer(b, turn, at)
	d.Step = strings.TrimSpace(rules[best].pattern)
	if rules[best].re != nil {
		d.Step = "results page"
	}
	return d
}

// giveUp ends the student's script: a question it has no good answer to.
func (b *brain) giveUp(why string) decision {
	b.done, b.gaveUp = true, why
	return decision{}
}

// nextSearch types the next keyword, or ends the script when every search was made.
func (b *brain) nextSearch() decision {
	if b.p.Target != nil {
		if b.applyTried {
			b.done = true
			return decision{}
		}
		if b.searches > 0 {
			return b.giveUp("target offer not found")
		}
		b.searches++
		return decision{Text: b.p.Target.Search}
	}
	if b.searches >= len(b.p.Keywords) {
		b.done = true
		return decision{}
	}
	b.searches++
	return decision{Text: b.p.Keywords[b.searches-1]}
}

// offerLine is one offer of a results page: "2 Le fonds patrimonial - Médiathèque... (10e)".
var offerLine = regexp.MustCompile(`(?m)^([1-5]) (.+)$`)

// pickOffer opens an offer of a results page: the k-th for the k-th search (so that two searches
// seldom show the same page), or the target's.
func (b *brain) pickOffer(turn string, at int) decision {
	lines := offerLine.FindAllStringSubmatch(turn[at:], -1)
	if len(lines) == 0 {
		return b.nextSearch()
	}
	if t := b.p.Target; t != nil {
		title, host := prefix(fold.String(t.Title), 16), prefix(fold.String(t.Host), 8)
		arr := fmt.Sprintf("(%de)", t.Arr)
		if t.Arr == 1 {
			arr = "(1er)"
		}
		for _, l := range lines {
			// The line may cut the title and leave the host out: the offer page tells.
			_, lineHost, named := strings.Cut(l[2], " - ")
			if strings.HasPrefix(l[2], title) && (!named || strings.HasPrefix(lineHost, host)) && strings.HasSuffix(l[2], arr) && !b.tried[l[1]+l[2]] {
				if b.tried == nil {
					b.tried = map[string]bool{}
				}
				b.tried[l[1]+l[2]] = true
				return decision{Text: l[1]}
			}
		}
		if strings.Contains(turn, "\n8 plus") {
			return decision{Text: "8"}
		}
		return b.giveUp("target offer not in the results")
	}
	i := min(b.searches, len(lines)) - 1
	return decision{Text: lines[max(i, 0)][1]}
}

// onOffer reads an offer page: apply when the script says so and the page allows it, otherwise
// search on.
func (b *brain) onOffer(turn string, _ int) decision {
	canApply := strings.Contains(turn, "\n1 postuler")
	if t := b.p.Target; t != nil {
		if !strings.Contains(turn, prefix(fold.String(t.Host), 15)) {
			return decision{Text: "6"} // another host's offer with the same title: back to the results
		}
		if !canApply {
			b.applyTried = true
			return b.giveUp("target offer refuses the application")
		}
		b.applyTried = true
		return decision{Text: "1"}
	}
	if b.p.Apply && !b.applied && !b.applyTried && canApply {
		b.applyTried = true
		return decision{Text: "1"}
	}
	return b.nextSearch()
}

// onApplied goes on after an application was taken.
func (b *brain) onApplied() decision {
	b.applied = true
	return b.nextSearch()
}

// onApplyRefused goes on after an application was refused.
func (b *brain) onApplyRefused() decision {
	if b.p.Target != nil {
		return b.giveUp("target offer refused the application")
	}
	return b.nextSearch()
}

// onConfused answers "Je n'ai pas compris" (weakly: the question may follow): MENU, three times
// at most.
func (b *brain) onConfused() decision {
	b.confused++
	if b.confused > 3 {
		return b.giveUp("not understood three times")
	}
	return decision{Text: "MENU", Weak: true}
}

// prefix returns the first n bytes of s, cut at a rune boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n]
}

// utf8Start reports whether b starts a UTF-8 sequence.
func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// Synthetic names and searches.
var (
	firstNames = []string{"Léa", "Nora", "Inès", "Adam", "Yanis", "Camille", "Sacha", "Lina", "Hugo", "Aya",
		"Mamadou", "Chloé", "Rayan", "Jade", "Moussa", "Zoé", "Ibrahim", "Maël", "Sofia", "Lucas"}
	schools = []string{"Voltaire", "Jean Moulin", "Claude Monet", "Guillaume Budé", "Germaine Tillion", "Camille Claudel",
		"Henri IV", "Édouard Pailleron"}
	keywords = []string{"musee", "sport", "cuisine", "informatique", "bibliotheque", "jardin", "theatre", "sante",
		"animaux", "musique", "crèche", "piscine", "archives", "cinema", "environnement", "journalisme"}
)

// studentPhone numbers the synthetic students of a run: run (0 to 999) keeps runs apart, i (0 to
// 9999) is the student. Students are +33 67…
func studentPhone(run, i int) string { return fmt.Sprintf("+3367%03d%04d", run, i) }

// parentPhone is student i's parent: +33 66….
func parentPhone(run, i int) string { return fmt.Sprintf("+3366%03d%04d", run, i) }

// Kinds of drill phones, apart from students and parents.
const (
	probePhones  = 7 // pg-outage probes
	forgedPhones = 8 // forged requests
	replayPhones = 9 // the replayed message
)

// drillPhone numbers the people of a drill: +33 76 K RRR NNN, kind K, run RRR, person NNN (0 to 999).
func drillPhone(kind, run, n int) string { return fmt.Sprintf("+3376%d%03d%03d", kind, run, n%1000) }

// typed writes an E.164 French number as a person types it: "06 61 23 45 67".
func typed(e164 string) string {
	n := "0" + strings.TrimPrefix(e164, "+33")
	var b strings.Builder
	for i := 0; i < len(n); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(n[i:min(i+2, len(n))])
	}
	return b.String()
}

// newProfile makes student i of a run: a first name, a collège among a few Paris ones, born in
// March twelve years and a half before the stage season, searching the given number of keywords.
func newProfile(run, i, searches int, apply bool, now time.Time) profile {
	kw := make([]string, searches)
	for k := range kw {
		kw[k] = keywords[(i*searches+k)%len(keywords)]
	}
	// Stages run from January to March: in the autumn, next year's. Born in March, the student
	// is 14 then.
	birthYear := now.Year() - 15
	if now.Month() >= time.September {
		birthYear++
	}
	return profile{
		FirstName: firstNames[i%len(firstNames)],
		Initial:   string(rune('A' + i%26)),
		School:    schools[i%len(schools)],
		Birth:     "03/" + strconv.Itoa(birthYear),
		Parent:    typed(parentPhone(run, i)),
		Keywords:  kw,
		Apply:     apply,
	}
}
