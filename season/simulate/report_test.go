package simulate

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"stagebot/catalog"
	"stagebot/locales"
	"stagebot/store"
)

// synthetic is a report of two policies over seeds, built from made-up figures: the page's words
// are tested without playing a season. groupREP is the REP students using stagebot in each run.
func synthetic(t *testing.T, seeds []uint64, groupREP int) *Report {
	t.Helper()
	monday := time.Date(2027, 1, 18, 0, 0, 0, 0, time.UTC)
	file, err := catalog.DefaultSupply()
	if err != nil {
		t.Fatal(err)
	}
	world := &catalogWorld{Weeks: []time.Time{monday, monday.AddDate(0, 0, 7)}, Offers: 120, File: &file,
		Scaled: &catalog.Supply{CityPlaces: 100, CityReserved: 42, ESSPlaces: 15},
		Supply: []store.WeekSupply{{Week: monday, Offers: 60, CityPlaces: 50, CityReserved: 21, ESSPlaces: 8},
			{Week: monday.AddDate(0, 0, 7), Offers: 60, CityPlaces: 50, CityReserved: 21, ESSPlaces: 7}}}
	policies := []Policy{DefaultPolicy(), {Name: "relais des collèges REP/REP+", NameEN: "outreach in REP/REP+ collèges",
		Outreach: OutreachREP, DirectBooking: true}}
	opt := Options{Start: monday.AddDate(0, 0, -42), Scale: 0.1, Seeds: seeds, Policies: policies,
		Behaviour: DefaultBehaviour(), SMSPrice: 0.07}
	var runs []run
	var results []*Figures
	for p, pol := range policies {
		for k, seed := range seeds {
			extra := p*20 + k*3 // the second policy places more, each seed a little differently
			f := &Figures{Students: 1150, Users: 340 + extra, Placed: 90 + extra, Reserved: 42, ReservedTakenREP: 20 + extra,
				ByPriority: []Group{Group{Name: store.PriorityNone, Users: 300, Placed: 80}.rated(),
					Group{Name: store.PriorityREP, Users: groupREP + extra, Placed: 6 + extra}.rated(),
					Group{Name: store.PriorityREPPlus, Users: 12, Placed: 4}.rated()},
				ByIPS:    []Group{Group{Name: "IPS < 90", Users: 40, Placed: 10}.rated(), Group{Name: "IPS ≥ 120", Users: 300, Placed: 80}.rated()},
				Requests: 400, Answered: 250 - p*40, AnswerDays: []int{100, 60, 40}, MedianDays: 1.5,
				Weeks: []WeekFigures{{Week: "2027-01-18", Places: 58, Confirmed: 40 + extra, Empty: 18 - extra, Users: 170},
					{Week: "2027-01-25", Places: 57, Confirmed: 50, Empty: 7, Users: 170}},
				Applications: map[string]int{"confirmed": 90 + extra, "expired": 150, "declined": 60},
				Agreements:   90, SignedByJ3: 70, AgreementStates: map[string]int{"signed": 70, "signing": 20},
				Messages: []PartyFigures{{Party: "student", Messages: 5000, SMSMessages: 2800, Segments: 4100, Cost: 287},
					{Party: "parent", Messages: 900, SMSMessages: 900, Segments: 1000, Cost: 70}}}
			runs = append(runs, run{policy: pol, seed: seed, index: len(results)})
			results = append(results, f)
		}
	}
	return newReport(opt, world, runs, results)
}

func page(t *testing.T, r *Report, lang string) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.WriteHTML(&b, lang); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var (
	tags  = regexp.MustCompile(`(?s)<svg.*?</svg>|<style.*?</style>|<[^>]+>`)
	notes = regexp.MustCompile(`(?s)<section id="notes">.*?</section>`)
	// A range, as the page writes it over several seeds: "(de 22,5 % à 23,9 %)".
	ranges = map[string]*regexp.Regexp{"fr": regexp.MustCompile(`\(de [^()]+ à [^()]+\)`),
		"en": regexp.MustCompile(`\(from [^()]+ to [^()]+\)`)}
)

// visible is the page's text outside its footnotes.
func visible(html string) string { return tags.ReplaceAllString(notes.ReplaceAllString(html, ""), " ") }

// parameterNames are the keys of the behaviour and policy files: the page names them only in its
// footnotes.
func parameterNames() []string {
	names := []string{"release_days", "max_applications", "reserved_share", "direct_booking", "booking_days",
		"outreach_colleges", "host_expiry", "host_waiting", "min_applications", "name_en"}
	for _, a := range DefaultBehaviour().Assumptions() {
		names = append(names, a.Key)
	}
	return names
}

// The report reads in French by default: its lang, its words, no parameter name outside the
// footnotes (they are in them), no range for one seed, a range for several, and a warning on a share
// of fewer than 30 students.
func TestReportPage(t *testing.T) {
	tests := []struct {
		name, lang string
		seeds      []uint64
		groupREP   int
		want       []string
		dontWant   []string
	}{
		{name: "French, one seed", lang: "fr", seeds: []uint64{1}, groupREP: 40,
			want: []string{`<html lang="fr">`, "essentiel", "élèves ont obtenu un stage", "places qui leur sont réservées",
				"sont restées vides", "Une seule graine de hasard", "Classement par places pourvues", "relais des collèges REP/REP+",
				"Les places offertes", "1\u00a0000 places dans ses services, dont 420 réservées", "lundi 18 janvier 2027",
				"Pour bien lire les chiffres", "mesuré que sur les demandes qui ont reçu une réponse", "réservation directe",
				"Comparez les nombres", "Paramètre host_asks", "⚠"},
			dontWant: []string{"students", "Behaviour", "placed", "[", "policy"}},
		{name: "French, three seeds", lang: "fr", seeds: []uint64{1, 2, 3}, groupREP: 40,
			want: []string{"Moyennes sur 3 graines de hasard", "(de "}},
		{name: "English", lang: "en", seeds: []uint64{1, 2}, groupREP: 40,
			want:     []string{`<html lang="en">`, "In short", "students got a stage", "(from ", "Ranked by places filled", "Monday 18 January 2027"},
			dontWant: []string{"élèves", "essentiel"}},
		{name: "few REP students", lang: "fr", seeds: []uint64{1}, groupREP: 10,
			want: []string{"moins de 30 élèves", `class="few"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := page(t, synthetic(t, tt.seeds, tt.groupREP), tt.lang)
			text := visible(html)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("the page does not say %q", w)
				}
			}
			for _, w := range tt.dontWant {
				if strings.Contains(text, w) {
					t.Errorf("the page says %q", w)
				}
			}
			if got := ranges[tt.lang].FindString(text); (got != "") != (len(tt.seeds) > 1) {
				t.Errorf("%d seeds, a range %q", len(tt.seeds), got)
			}
			for _, name := range parameterNames() {
				if regexp.MustCompile(`\b`+name+`\b`).MatchString(text) && (tt.lang == "fr" || strings.Contains(name, "_")) {
					t.Errorf("the page names the parameter %s outside its footnotes", name)
				}
			}
			if n := strings.Count(html, "<svg"); n != 6 {
				t.Errorf("%d charts, want 6", n)
			}
			if strings.Contains(html, "<script") || strings.Contains(html, "{{") || strings.Contains(html, "<no value>") {
				t.Error("the page has a script, or a sentence left unfilled")
			}
		})
	}
}

// Every report_ sentence the simulator writes is in French and in English, and every one there is
// written somewhere.
func TestReportWords(t *testing.T) {
	used, err := locales.UsedIn(".", "report_")
	if err != nil {
		t.Fatal(err)
	}
	// Built from a prefix and a key.
	delete(used, "report_metric_")
	delete(used, "report_assumption_")
	delete(used, "report_party_")
	for _, m := range metrics {
		used["report_metric_"+m.key] = true
	}
	for _, a := range DefaultBehaviour().Assumptions() {
		used["report_assumption_"+a.Key] = true
	}
	for _, p := range []string{"student", "parent", "host", "other"} {
		used["report_party_"+p] = true
	}
	for _, lang := range reportLanguages {
		missing, unused, err := locales.Compare(lang, "report_", used)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range missing {
			t.Errorf("%s.toml has no %q", lang, id)
		}
		for _, id := range unused {
			t.Errorf("%s.toml: %q is never used", lang, id)
		}
	}
}
