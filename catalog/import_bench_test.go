package catalog_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"stagebot/catalog"
	"stagebot/store/storetest"
)

// writeOffersFile writes an offers CSV of n offers from n/50 hosts, each with its contact, running
// in two of the coming weeks (from today's date, whatever it is).
func writeOffersFile(tb testing.TB, n int) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "offers.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "ref,host_ref,host_name,host_kind,employer,contact_name,contact_phone,title,description,sector,"+
		"address,arrondissement,latitude,longitude,daily_hours,deadline,weeks")
	monday := time.Now().AddDate(0, 2, 0)
	for monday.Weekday() != time.Monday {
		monday = monday.AddDate(0, 0, 1)
	}
	sectors := []string{"Sport", "Informatique et réseaux", `"Édition, librairie, bibliothèque"`}
	for i := range n {
		host := i / 50
		w1, w2 := monday.AddDate(0, 0, 7*(i%6)), monday.AddDate(0, 0, 7*(i%6+1))
		fmt.Fprintf(w, "bulk-%d,bulk-host-%d,Structure %d,city,public,Contact %d,06 39 98 %02d %02d,"+
			"Découverte du métier numéro %d,\"Accueil du public, rangement, ateliers (offre %d).\",%s,"+
			"\"%d rue des Lilas, 75011 Paris\",%d,48.8589,2.3791,9h30-16h30,,%s:2:1;%s:1:0\n",
			i, host, host, host, host/100%100, host%100, i%997, i, sectors[i%len(sectors)],
			1+i%90, 1+i%20, w1.Format(time.DateOnly), w2.Format(time.DateOnly))
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkImportOffers100k times the import of 100,000 offers (2,000 hosts, 200,000 offer weeks) into
// an empty catalog, in one transaction, with its per-line report.
// Run: go test ./catalog -run '^$' -bench ImportOffers100k -benchtime 1x
func BenchmarkImportOffers100k(b *testing.B) {
	ctx := context.Background()
	path := writeOffersFile(b, 100_000)
	for range b.N {
		b.StopTimer()
		s := storetest.New(b)
		b.StartTimer()
		rep, err := catalog.ImportOffers(ctx, s, path)
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Problems) != 0 || rep.Inserted != 100_000 {
			b.Fatalf("%d inserted, problems %v", rep.Inserted, rep.Problems[:min(3, len(rep.Problems))])
		}
	}
}

// Importing a file twice changes nothing the second time, in batches as one by one.
func TestImportOffersInBatchesIsIdempotent(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	path := writeOffersFile(t, 4500) // more than two batches
	first, err := catalog.ImportOffers(ctx, s, path)
	if err != nil {
		t.Fatal(err)
	}
	if first.Inserted != 4500 || len(first.Problems) != 0 || first.Hosts != 90 || first.ContactsChanged != 90 {
		t.Fatalf("first import: %+v", first)
	}
	again, err := catalog.ImportOffers(ctx, s, path)
	if err != nil {
		t.Fatal(err)
	}
	if again.Inserted != 0 || again.Updated != 0 || again.Unchanged != 4500 {
		t.Errorf("second import: %+v, want all unchanged", again)
	}
	var weeks, mismatched int
	if err := s.DB().Get(&weeks, `SELECT count(*) FROM offer_weeks`); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Get(&mismatched, `SELECT count(*) FROM offer_weeks w JOIN offers o ON o.id = w.offer_id
		WHERE (w.host_id, w.sector_id, w.arrondissement, w.search_doc)
			IS DISTINCT FROM (o.host_id, o.sector_id, o.arrondissement, o.search_doc)`); err != nil {
		t.Fatal(err)
	}
	if weeks != 9000 || mismatched != 0 {
		t.Errorf("%d offer weeks, %d whose search facets differ from their offer's", weeks, mismatched)
	}
}
