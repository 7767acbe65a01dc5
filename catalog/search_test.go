package catalog_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"stagebot/calendar"
	"stagebot/catalog"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/store"
	"stagebot/store/storetest"
)

// searchDay is the day the search tests seed the demo catalog and search on.
var searchDay = time.Date(2026, 11, 16, 10, 0, 0, 0, calendar.Paris())

// demoForSearch is the demo catalog seeded on searchDay, and a student of a collège outside
// REP/REP+, fifteen, in each of its weeks.
func demoForSearch(t *testing.T) (*store.Store, []int64) {
	t.Helper()
	ctx := context.Background()
	s := storetest.NewFrom(t, "search-demo", func(ctx context.Context, s *store.Store) error {
		if _, err := catalog.ImportEmbeddedSchools(ctx, s); err != nil {
			return err
		}
		_, err := catalog.Seed(ctx, s, catalog.SeedParams{Today: searchDay})
		return err
	})
	camp, err := s.CurrentCampaign(ctx, searchDay)
	if err != nil {
		t.Fatal(err)
	}
	var students []int64
	for i, week := range camp.Weeks {
		id, err := s.RegisterStudent(ctx, store.RegisterParams{Channel: "sms", Address: fmt.Sprintf("+3363998%04d", i),
			FirstName: "Léa", LastInitial: "M", SchoolName: "Collège", StageWeek: week, BirthMonth: week.AddDate(-15, 0, 0),
			ParentPhone: fmt.Sprintf("+3363997%04d", i), Lang: "fr", At: searchDay})
		if err != nil {
			t.Fatal(err)
		}
		students = append(students, id)
	}
	return s, students
}

// search returns the sectors of the first n offers a search finds, over every week of the demo.
func search(t *testing.T, s *store.Store, students []int64, keyword string, n int) (sectors []string, total int) {
	t.Helper()
	ctx := context.Background()
	for _, id := range students {
		offers, tot, err := s.SearchOffers(ctx, store.SearchParams{StudentID: id, Today: searchDay, Limit: n,
			Filters: domain.Filters{Keyword: keyword}})
		if err != nil {
			t.Fatal(err)
		}
		total += tot
		for _, o := range offers {
			var name string
			if err := s.DB().GetContext(ctx, &name, `SELECT s.name FROM offers o JOIN sectors s ON s.id = o.sector_id
				WHERE o.id = $1`, o.ID); err != nil {
				t.Fatal(err)
			}
			sectors = append(sectors, name)
		}
	}
	return sectors, total
}

// Misspelt, accent-less and everyday searches, and the sectors each should find: every one finds
// offers (in at least one week of the demo), and its first result in each week is in those sectors. The
// spelling floor (store.SpellingFloor) was tuned on this list.
var misspellings = []struct {
	search  string
	sectors []string
}{
	{"musee", []string{"Culture et patrimoine", "Art et design", "Tourisme", "Commerce et distribution", "Marketing, publicité", "Sécurité"}},
	{"musé", []string{"Culture et patrimoine", "Art et design", "Tourisme", "Commerce et distribution", "Marketing, publicité", "Sécurité"}},
	{"bibliotheque", []string{"Édition, librairie, bibliothèque", "Jeu vidéo", "Informatique et réseaux", "Culture et patrimoine", "Communication"}},
	{"bibliotèque", []string{"Édition, librairie, bibliothèque", "Jeu vidéo", "Informatique et réseaux", "Culture et patrimoine", "Communication"}},
	{"informatik", []string{"Informatique et réseaux"}},
	{"informatiqe", []string{"Informatique et réseaux"}},
	{"ordinateur", []string{"Informatique et réseaux"}},
	{"jardinier", []string{"Environnement", "Agriculture", "Architecture, urbanisme et paysage", "Agroéquipement"}},
	{"jardinnage", []string{"Environnement", "Agriculture", "Architecture, urbanisme et paysage", "Agroéquipement"}},
	{"sante", []string{"Médical", "Paramédical", "Social"}},
	{"infirmiere", []string{"Paramédical", "Médical"}},
	{"medecin", []string{"Médical", "Paramédical"}},
	{"cuisine", []string{"Hôtellerie, restauration", "Industrie alimentaire"}},
	{"cuisinne", []string{"Hôtellerie, restauration", "Industrie alimentaire"}},
	{"restoration", []string{"Hôtellerie, restauration", "Industrie alimentaire", "Artisanat d'art"}},
	{"boulangerie", []string{"Industrie alimentaire", "Hôtellerie, restauration"}},
	{"foot", []string{"Sport"}},
	{"natation", []string{"Sport"}},
	{"teatre", []string{"Arts du spectacle"}},
	{"musique", []string{"Arts du spectacle", "Audiovisuel"}},
	{"jeux videos", []string{"Jeu vidéo", "Informatique et réseaux"}}, // a computing offer about video games
	{"mecanicien", []string{"Mécanique", "Automobile", "Maintenance"}},
	{"electricite", []string{"Énergie", "Électronique", "Bâtiment et travaux publics (BTP)", "Maintenance"}},
	{"batiment", []string{"Bâtiment et travaux publics (BTP)", "Architecture, urbanisme et paysage"}},
	{"architecte", []string{"Architecture, urbanisme et paysage"}},
	{"justise", []string{"Droit et justice"}},
	{"police", []string{"Sécurité", "Droit et justice"}},
	{"pompier", []string{"Sécurité", "Armée - Défense"}},
	{"environement", []string{"Environnement"}},
	{"animaux", []string{"Agriculture"}},
	{"vendeuse", []string{"Commerce et distribution"}},
	{"comptable", []string{"Comptabilité, gestion, ressources humaines"}},
	{"journaliste", []string{"Communication", "Audiovisuel"}},
	{"photographe", []string{"Audiovisuel", "Art et design", "Communication"}},
	{"professeur", []string{"Enseignement"}},
	{"traducteur", []string{"Traduction, interprétation"}},
	{"laboratoire", []string{"Industrie chimique", "Recherche"}},
	{"robotique", []string{"Informatique et réseaux", "Électronique"}},
	{"menuisier", []string{"Filiere bois", "Bâtiment et travaux publics (BTP)"}},
	{"energie solaire", []string{"Énergie", "Bâtiment et travaux publics (BTP)"}}, // solar panels on a building site
	// Sentences: no offer has every word, the offers with the most of them come.
	{"j'aime le foot et la natation", []string{"Sport"}},
	{"I love sport and I want to see how a coach works", []string{"Sport"}},
	{"je voudrais soigner les animaux", []string{"Agriculture", "Médical", "Paramédical"}},
}

func TestMisspelledSearchesFindTheirSectors(t *testing.T) {
	s, students := demoForSearch(t)
	passed := 0
	for _, m := range misspellings {
		ok, found := true, 0
		for _, student := range students {
			// The first result of each week: the catalog holds about 140 offers a week (the City's
			// 1,000 places and the ESS structures' 150), so a week may have one or two offers of a
			// trade, and a weaker match (a synonym in another trade's text) rightly comes next.
			secs, total := search(t, s, []int64{student}, m.search, 1)
			found += total
			for _, sec := range secs {
				if !slices.Contains(m.sectors, sec) {
					ok = false
					t.Logf("%q: its first result is in %s", m.search, sec)
				}
			}
		}
		if found == 0 {
			ok = false
			t.Logf("%q finds nothing", m.search)
		}
		if ok {
			passed++
		}
	}
	t.Logf("%d of %d searches find their sectors", passed, len(misspellings))
	if len(misspellings) < 30 || passed*100 < 90*len(misspellings) {
		t.Errorf("%d of %d searches find their sectors, want 90%%", passed, len(misspellings))
	}
}

// Every example the bot prints, in every language that has one, finds something in the demo
// catalog: each search example finds offers in at least one of its weeks, the collège example a
// collège.
func TestExamplesFind(t *testing.T) {
	s, students := demoForSearch(t)
	cat, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, lang := range cat.Languages() {
		ids, err := locales.MessageIDs(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			switch id {
			case "search_examples":
				for _, word := range strings.Split(cat.Text(lang, id, nil), ", ") {
					checked++
					if _, total := search(t, s, students, word, 1); total == 0 {
						t.Errorf("%s: the example %q finds no offer", lang, word)
					}
				}
			case "school_example":
				checked++
				example := cat.Text(lang, id, nil)
				if found, err := s.FindSchools(context.Background(), example, 1, nil); err != nil || len(found) == 0 {
					t.Errorf("%s: the example %q finds no collège (%v)", lang, example, err)
				}
			}
		}
	}
	if checked < 8 {
		t.Errorf("only %d examples checked: are the message ids still search_examples and school_example?", checked)
	}
}
