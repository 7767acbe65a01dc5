package catalog

import (
	"context"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"stagebot/phone"
	"stagebot/store"
)

// sampleOffers is the sample offers file of the repository.
func sampleOffers(f *testing.F) []byte {
	data, err := os.ReadFile("../testdata/offers-sample.csv")
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// FuzzParseWeeks checks parseWeeks on any text: either an error and no weeks, or at least one week
// per part written, in increasing order, each a Monday at midnight UTC, listed once, with 1 to 30
// places, 0 to that many reserved, and a deadline (when written) no later than the Monday; written
// back in the same format, the weeks read the same.
func FuzzParseWeeks(f *testing.F) {
	for _, s := range []string{"2027-01-11:3:1;2027-01-18:2:0:2027-01-01", "2026-12-07:2:1;2027-01-11:2:1", "2027-01-18:1:0",
		"2027-01-11:3", "2027-01-11:3:", "2027-01-11:3::2027-01-04", "2027-01-11:3:1 | 2027-01-25:30:30",
		"2027-01-12:3", "2027-01-11:0", "2027-01-11:31", "2027-01-11:3:4", "2027-01-11:3:-1", "2027-01-11:3:1:2027-01-12",
		"2027-01-11:3;2027-01-11:2", "", ";", "  ", "2027-01-11", "2027-01-11:3:1:2027-01-01:x", "0001-01-01:1",
		"9999-12-27:30:0:0001-01-01", "2027-1-11:3", "2027-01-11:+3:+1", "2027-01-11:03:00", "\x00\xff:1",
		strings.Repeat("2027-01-11:3:1;", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		weeks, err := parseWeeks(s)
		if err != nil {
			if weeks != nil {
				t.Fatalf("parseWeeks(%q) = %v and the error %v", s, weeks, err)
			}
			return
		}
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == ' ' })
		if len(weeks) == 0 || len(weeks) != len(parts) {
			t.Fatalf("parseWeeks(%q) = %d weeks for %d parts", s, len(weeks), len(parts))
		}
		checkWeeks(t, s, weeks)
		var written []string
		for _, w := range weeks {
			text := w.WeekStart.Format(time.DateOnly) + ":" + strconv.Itoa(w.Places) + ":" + strconv.Itoa(w.ReservedPlaces)
			if w.Deadline != nil {
				text += ":" + w.Deadline.Format(time.DateOnly)
			}
			written = append(written, text)
		}
		again, err := parseWeeks(strings.Join(written, ";"))
		if err != nil || len(again) != len(weeks) {
			t.Fatalf("parseWeeks(%q) = %v, written back %q: %v %v", s, weeks, written, again, err)
		}
		for i := range weeks {
			a, b := weeks[i], again[i]
			if !a.WeekStart.Equal(b.WeekStart) || a.Places != b.Places || a.ReservedPlaces != b.ReservedPlaces ||
				(a.Deadline == nil) != (b.Deadline == nil) || a.Deadline != nil && !a.Deadline.Equal(*b.Deadline) {
				t.Fatalf("week %d reads %+v, written back %+v", i, a, b)
			}
		}
	})
}

// checkWeeks checks offer weeks against what the offer_weeks table accepts.
func checkWeeks(t *testing.T, s string, weeks []store.OfferWeek) {
	t.Helper()
	for i, w := range weeks {
		d := w.WeekStart
		if d.Weekday() != time.Monday || d.Location() != time.UTC || d != d.Truncate(24*time.Hour) {
			t.Fatalf("%q: week %v is not a Monday at midnight UTC", s, d)
		}
		if i > 0 && !weeks[i-1].WeekStart.Before(d) {
			t.Fatalf("%q: week %v after %v", s, d, weeks[i-1].WeekStart)
		}
		if w.Places < 1 || w.Places > maxPlaces || w.ReservedPlaces < 0 || w.ReservedPlaces > w.Places {
			t.Fatalf("%q: week %v with %d places, %d reserved", s, d, w.Places, w.ReservedPlaces)
		}
		if w.Deadline != nil && w.Deadline.After(d) {
			t.Fatalf("%q: week %v with the deadline %v after it", s, d, *w.Deadline)
		}
	}
}

// offerFuzzSectors are the sectors the fuzzed offers files are checked against.
var offerFuzzSectors = []store.Sector{{ID: 1, Name: "Édition, librairie, bibliothèque"}, {ID: 2, Name: "Informatique et réseaux"},
	{ID: 3, Name: "Sport"}, {ID: 4, Name: "Arts et spectacle"}, {ID: 5, Name: "Santé"}}

// FuzzOfferFile reads any bytes as an offers file and checks every line the way ImportOffers does,
// without a database: a sector the file names that is not one of five known ones is replaced by one
// of them before the checks (an unknown sector is the one check that asks the store). For a file
// with the right header it checks that every line is either a row or a problem, each problem a
// LineError with a line of the file and without the file's name ("line N: reason"), in line order;
// and that every row kept is one the database accepts: ref, host ref and name, title and address
// non-empty and within their lengths, valid UTF-8 without NUL (PostgreSQL text), host kind city or
// ess, employer public or private, arrondissement 1 to 20, coordinates (when given) in Paris, an
// E.164 contact phone with a contact name, description and daily hours within their lengths, valid
// weeks (see FuzzParseWeeks), refs unique and one host per host ref.
func FuzzOfferFile(f *testing.F) {
	sample := sampleOffers(f)
	f.Add(sample)
	f.Add(headOf(sample, 2))
	header, _, _ := strings.Cut(string(sample), "\n")
	line := "r1,h1,Musée,city,public,Claire,06 39 98 00 01,Guide,Visites,Sport,1 rue de Rivoli,4e,48.85,2.35,9h-17h,2026-11-23,2026-12-07:2:1"
	for _, row := range []string{
		line,
		"r1,h1,Musée,ESS,,Claire,,Guide,,Sport,1 rue,1er,,,,,2027-01-11:3",
		"r2,h1,Musée,city,private,,06 39 98 00 01,Guide,,sport,1 rue,21,48.9,2.5,,,2027-01-11:3",
		"r3,h2,Atelier,ess,,Karim,+33 6 39 98 00 02,Atelier vélo,,Inconnu,1 rue,11,48.8x,2.3,,,2027-01-11:3",
		"r4,h3,Piscine,city,,Nora,0639980003,Piscine,,Santé,2 rue,13,48.82,2.35,,2027-01-12,2027-01-11:3:1:2027-01-04",
		"r5,h4,\"Le \"\"Marais\"\"\",city,,,,\"Titre\nsur deux lignes\",,Sport,3 rue,3,,,,,2027-01-11:3",
		"r6,h5,\x00\xff\xfe,city",
		"r7,h6,Musée,city,,,,Guide," + strings.Repeat("Visites du musée. ", 300) + ",Sport,1 rue,4,,,,,2027-01-11:3",
	} {
		f.Add([]byte(header + "\n" + row + "\n" + line + "\n"))
	}
	f.Add([]byte(strings.ReplaceAll(header, ",", ";") + "\n" + strings.ReplaceAll(line, ",", ";") + "\n"))
	f.Add([]byte("ref,host_ref\nr1,h1\n"))
	sectorByName := map[string]store.Sector{}
	for _, sec := range offerFuzzSectors {
		sectorByName[sectorKey(sec.Name)] = sec
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := parseCSV("offers.csv", data)
		if err != nil || checkOfferHeader(file) != nil {
			return
		}
		if i, ok := file.cols["sector"]; ok {
			for _, row := range file.rows {
				if name := file.get(row, "sector"); name != "" && i < len(row.fields) {
					if _, known := sectorByName[sectorKey(name)]; !known {
						row.fields[i] = offerFuzzSectors[len(name)%len(offerFuzzSectors)].Name
					}
				}
			}
		}
		lines := strings.Count(string(data), "\n") + 1
		rows, problems := readOfferRows(ctx, nil, file, offerFuzzSectors)
		if len(rows)+len(problems) != len(file.rows)+len(file.problems) {
			t.Fatalf("%d rows and %d problems for %d lines and %d unreadable", len(rows), len(problems), len(file.rows),
				len(file.problems))
		}
		for i, p := range problems {
			checkLineError(t, p, "", lines)
			if i > 0 && p.Line < problems[i-1].Line {
				t.Fatalf("problem on line %d after line %d", p.Line, problems[i-1].Line)
			}
		}
		refs := map[string]bool{}
		hosts := map[string]store.Host{}
		for _, r := range rows {
			checkOfferRow(t, r)
			if refs[r.offer.Ref] {
				t.Fatalf("line %d: ref %q kept twice", r.line, r.offer.Ref)
			}
			refs[r.offer.Ref] = true
			if h, ok := hosts[r.host.Ref]; ok && h != r.host {
				t.Fatalf("line %d: host %q is %+v and %+v", r.line, r.host.Ref, h, r.host)
			}
			hosts[r.host.Ref] = r.host
		}
	})
}

// checkOfferRow checks a row kept against the tables hosts, host_contacts, offers and offer_weeks.
func checkOfferRow(t *testing.T, r offerRow) {
	t.Helper()
	text := func(name, v string, max int, required bool) {
		t.Helper()
		switch {
		case required && v == "":
			t.Fatalf("line %d: %s is empty", r.line, name)
		case max > 0 && utf8.RuneCountInString(v) > max:
			t.Fatalf("line %d: %s is %d characters", r.line, name, utf8.RuneCountInString(v))
		case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
			t.Fatalf("line %d: %s %q is not text PostgreSQL stores (invalid UTF-8 or NUL)", r.line, name, v)
		}
	}
	text("ref", r.offer.Ref, 100, true)
	text("host_ref", r.host.Ref, 100, true)
	text("host_name", r.host.Name, 200, true)
	text("title", r.offer.Title, maxTitle, true)
	text("address", r.offer.Address, 200, true)
	text("description", r.offer.Description, maxDescription, false)
	text("daily_hours", r.offer.DailyHours, maxDailyHours, false)
	text("contact_name", r.contact.Name, 0, false)
	if r.host.Kind != store.HostCity && r.host.Kind != store.HostESS {
		t.Fatalf("line %d: host kind %q", r.line, r.host.Kind)
	}
	if r.host.Employer != store.EmployerPublic && r.host.Employer != store.EmployerPrivate {
		t.Fatalf("line %d: employer %q", r.line, r.host.Employer)
	}
	if a := r.offer.Arrondissement; a < 1 || a > 20 {
		t.Fatalf("line %d: arrondissement %d", r.line, a)
	}
	if (r.offer.Latitude == nil) != (r.offer.Longitude == nil) {
		t.Fatalf("line %d: only one coordinate", r.line)
	}
	if la, lo := r.offer.Latitude, r.offer.Longitude; la != nil && lo != nil {
		if math.IsNaN(*la) || math.IsNaN(*lo) || *la < 48.80 || *la > 48.91 || *lo < 2.22 || *lo > 2.47 {
			t.Fatalf("line %d: coordinates %v, %v are not in Paris", r.line, *la, *lo)
		}
	}
	if r.contact.Phone != "" && (!phone.ValidE164(r.contact.Phone) || strings.TrimSpace(r.contact.Name) == "") {
		t.Fatalf("line %d: contact %q with phone %q", r.line, r.contact.Name, r.contact.Phone)
	}
	if r.offer.SectorID == 0 {
		t.Fatalf("line %d: no sector", r.line)
	}
	if len(r.weeks) == 0 {
		t.Fatalf("line %d: no weeks", r.line)
	}
	checkWeeks(t, strconv.Itoa(r.line), r.weeks)
}
