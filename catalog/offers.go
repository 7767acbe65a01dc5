package catalog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"stagebot/fold"
	"stagebot/phone"
	"stagebot/store"
)

// OfferReport tells what an import of an offers file did.
type OfferReport struct {
	Problems        []LineError // rejected lines ("line N: reason"), in file order
	Offers          int         // valid lines, imported
	Inserted        int
	Updated         int
	Unchanged       int
	Rejected        int
	Hosts           int // distinct hosts of the valid lines
	HostsChanged    int // hosts inserted or updated
	ContactsChanged int // contacts inserted or updated
	SectorsImported bool
}

// offerColumns returns the required and the optional columns of an offers file; see
// docs/offers-csv.md.
func offerColumns() (required, optional []string) {
	return []string{"ref", "host_ref", "host_name", "host_kind", "title", "sector", "address", "arrondissement", "weeks"},
		[]string{"employer", "contact_name", "contact_phone", "description", "latitude", "longitude", "daily_hours",
			"deadline"}
}

// Limits of an offer's fields.
const (
	maxTitle       = 120
	maxDescription = 1000
	maxDailyHours  = 40
	maxPlaces      = 30
)

// offerRow is a valid line of an offers file.
type offerRow struct {
	line    int
	host    store.Host
	contact store.HostContact // Name empty when the line names no contact
	offer   store.Offer
	weeks   []store.OfferWeek
}

// ImportOffers imports an offers CSV file (format in docs/offers-csv.md). Every line is checked;
// valid lines are imported in one transaction (hosts, their contacts, offers and their weeks) and
// invalid ones are skipped and reported as "line N: reason". If the database has no sectors yet,
// the embedded ONISEP sectors are imported first. A file whose header is wrong fails as a whole.
func ImportOffers(ctx context.Context, s *store.Store, path string) (OfferReport, error) {
	var report OfferReport
	data, err := os.ReadFile(path)
	if err != nil {
		return report, fmt.Errorf("import offers: %w", err)
	}
	f, err := parseCSV(filepath.Base(path), data)
	if err != nil {
		return report, fmt.Errorf("import offers: %w", err)
	}
	if err := checkOfferHeader(f); err != nil {
		return report, fmt.Errorf("import offers: %s: %w", f.name, err)
	}
	sectors, err := s.Sectors(ctx)
	if err == nil && len(sectors) == 0 {
		report.SectorsImported = true
		if _, err = ImportEmbeddedSectors(ctx, s); err == nil {
			sectors, err = s.Sectors(ctx)
		}
	}
	if err != nil {
		return report, fmt.Errorf("import offers: %w", err)
	}
	rows, problems := readOfferRows(ctx, s, f, sectors)
	report.Problems, report.Rejected, report.Offers = problems, len(problems), len(rows)
	err = s.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.CatalogCounts(ctx)
		if err != nil {
			return err
		}
		hostIDs := map[string]int64{}
		contacts := map[store.HostContact]bool{} // a contact named on many lines is written once
		changed := 0
		batch := make([]store.OfferWithWeeks, 0, offerBatch)
		flush := func() error {
			ch, err := tx.UpsertOffers(ctx, batch)
			if err != nil {
				return err
			}
			for _, c := range ch {
				changed += b2i(c)
			}
			batch = batch[:0]
			return nil
		}
		for _, r := range rows {
			id, ok := hostIDs[r.host.Ref]
			if !ok {
				var ch bool
				if id, ch, err = tx.UpsertHost(ctx, r.host); err != nil {
					return fmt.Errorf("line %d: %w", r.line, err)
				}
				hostIDs[r.host.Ref] = id
				report.HostsChanged += b2i(ch)
			}
			if r.contact.Name != "" {
				r.contact.HostID = id
				if !contacts[r.contact] {
					contacts[r.contact] = true
					ch, err := tx.UpsertHostContact(ctx, r.contact)
					if err != nil {
						return fmt.Errorf("line %d: %w", r.line, err)
					}
					report.ContactsChanged += b2i(ch)
				}
			}
			r.offer.HostID = id
			batch = append(batch, store.OfferWithWeeks{Offer: r.offer, Weeks: r.weeks})
			if len(batch) == offerBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		if changed > 0 {
			if err := tx.RefreshSearchWords(ctx); err != nil {
				return err
			}
		}
		after, err := tx.CatalogCounts(ctx)
		if err != nil {
			return err
		}
		report.Hosts = len(hostIDs)
		report.Inserted = after.Offers - before.Offers
		report.Updated = changed - report.Inserted
		report.Unchanged = len(rows) - changed
		return nil
	})
	if err != nil {
		return report, fmt.Errorf("import offers: %w", err)
	}
	return report, nil
}

// offerBatch is how many offers an import writes per statement.
const offerBatch = 2000

// checkOfferHeader requires the mandatory columns and refuses unknown ones (a misspelt column
// would otherwise be silently ignored).
func checkOfferHeader(f *csvFile) error {
	required, optional := offerColumns()
	known := map[string]bool{}
	for _, c := range append(required, optional...) {
		known[c] = true
	}
	for _, h := range f.header {
		if !known[headerKey(h)] {
			return fmt.Errorf("unknown column %q", h)
		}
	}
	for _, c := range required {
		if !f.has(c) {
			return fmt.Errorf("missing column %q", c)
		}
	}
	return nil
}

// readOfferRows checks every line, alone and against the lines before it.
func readOfferRows(ctx context.Context, s *store.Store, f *csvFile, sectors []store.Sector) ([]offerRow, []LineError) {
	sectorByName := map[string]store.Sector{}
	for _, sec := range sectors {
		sectorByName[sectorKey(sec.Name)] = sec
	}
	problems := f.problems
	for i := range problems {
		problems[i].File = ""
	}
	rows := make([]offerRow, 0, len(f.rows))
	refLines := map[string]int{}
	hosts := map[string]offerRow{}
	phones := map[[2]string]offerRow{}
	// Each line is read by itself on every core; what lines say about each other is checked after, in order.
	type parsed struct {
		r       offerRow
		reasons []string
	}
	lines := make([]parsed, len(f.rows))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			mobile := mobileParser() // a host's phone is on each of its lines
			for i := w; i < len(f.rows); i += workers {
				lines[i].r, lines[i].reasons = parseOfferRow(ctx, s, f, f.rows[i], sectorByName, mobile)
			}
		})
	}
	wg.Wait()
	for i, row := range f.rows {
		r, reasons := lines[i].r, lines[i].reasons
		if first, dup := refLines[r.offer.Ref]; dup && r.offer.Ref != "" {
			reasons = append(reasons, fmt.Sprintf("ref %q already on line %d", r.offer.Ref, first))
		}
		if h, ok := hosts[r.host.Ref]; ok && len(reasons) == 0 && h.host != r.host {
			reasons = append(reasons, fmt.Sprintf("host %q is %q (%s, %s) on line %d", r.host.Ref, h.host.Name,
				h.host.Kind, h.host.Employer, h.line))
		}
		key := [2]string{r.host.Ref, r.contact.Name}
		if c, ok := phones[key]; ok && len(reasons) == 0 && c.contact.Phone != r.contact.Phone {
			reasons = append(reasons, fmt.Sprintf("contact %q has phone %q on line %d", r.contact.Name,
				c.contact.Phone, c.line))
		}
		if len(reasons) > 0 {
			problems = append(problems, LineError{Line: row.line, Reason: strings.Join(reasons, "; ")})
			continue
		}
		refLines[r.offer.Ref] = row.line
		if _, ok := hosts[r.host.Ref]; !ok {
			hosts[r.host.Ref] = r
		}
		if _, ok := phones[key]; !ok && r.contact.Name != "" {
			phones[key] = r
		}
		rows = append(rows, r)
	}
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
	return rows, problems
}

// mobileParser returns phone.Mobile (the fiction range allowed: it is for samples and the demo)
// remembering what it read, for one goroutine: parsing a number is most of the time spent reading
// a line (100,000 offers: 1.1 s of 6 s).
func mobileParser() func(string) (string, error) {
	type parsed struct {
		e164 string
		err  error
	}
	seen := map[string]parsed{}
	return func(raw string) (string, error) {
		p, ok := seen[raw]
		if !ok {
			p.e164, p.err = phone.Mobile(raw, true)
			seen[raw] = p
		}
		return p.e164, p.err
	}
}

// parseOfferRow reads one line and lists everything wrong with it.
func parseOfferRow(ctx context.Context, s *store.Store, f *csvFile, row csvRow,
	sectorByName map[string]store.Sector, mobile func(string) (string, error)) (offerRow, []string) {
	get := func(c string) string { return f.get(row, c) }
	r := offerRow{line: row.line}
	var reasons []string
	bad := func(format string, args ...any) { reasons = append(reasons, fmt.Sprintf(format, args...)) }
	required := func(c string, max int) string {
		v := get(c)
		switch {
		case v == "":
			bad("%s is empty", c)
		case max > 0 && len([]rune(v)) > max:
			bad("%s is longer than %d characters", c, max)
		}
		return v
	}

	r.offer.Ref = required("ref", 100)
	r.host.Ref = required("host_ref", 100)
	r.host.Name = required("host_name", 200)
	switch r.host.Kind = strings.ToLower(get("host_kind")); r.host.Kind {
	case store.HostCity:
		r.host.Employer = store.EmployerPublic
	case store.HostESS:
		r.host.Employer = store.EmployerPrivate
	default:
		bad("host_kind %q is not city or ess", get("host_kind"))
	}
	if e := strings.ToLower(get("employer")); e != "" {
		if e != store.EmployerPublic && e != store.EmployerPrivate {
			bad("employer %q is not public or private", get("employer"))
		}
		r.host.Employer = e
	}

	r.contact.Name = get("contact_name")
	if raw := get("contact_phone"); raw != "" {
		e164, err := mobile(raw)
		if err != nil {
			bad("contact_phone %q is %v", raw, err)
		}
		if r.contact.Name == "" {
			bad("contact_phone without contact_name")
		}
		r.contact.Phone = e164
	}

	r.offer.Title = required("title", maxTitle)
	if r.offer.Description = get("description"); len([]rune(r.offer.Description)) > maxDescription {
		bad("description is longer than %d characters", maxDescription)
	}
	if name := required("sector", 0); name != "" {
		sec, ok := sectorByName[sectorKey(name)]
		if !ok {
			hint := ""
			if near, err := s.FindSectors(ctx, name, 1); err == nil && len(near) == 1 {
				hint = fmt.Sprintf(" (did you mean %q?)", near[0].Name)
			}
			bad("unknown sector %q%s", name, hint)
		}
		r.offer.SectorID, r.offer.SectorName = sec.ID, sec.Name
	}
	r.offer.HostName = r.host.Name
	r.offer.Address = required("address", 200)
	if v := required("arrondissement", 0); v != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(v), "e"), "er"))
		if err != nil || n < 1 || n > 20 {
			bad("arrondissement %q is not between 1 and 20", v)
		}
		r.offer.Arrondissement = n
	}
	lat, lon := get("latitude"), get("longitude")
	if lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lon, 64)
		switch {
		case err1 != nil || err2 != nil:
			bad("latitude %q and longitude %q must both be decimal degrees", lat, lon)
		case !(la >= 48.80 && la <= 48.91 && lo >= 2.22 && lo <= 2.47): // NaN is nowhere
			bad("latitude %s, longitude %s is not in Paris", lat, lon)
		default:
			r.offer.Latitude, r.offer.Longitude = &la, &lo
		}
	}
	if r.offer.DailyHours = get("daily_hours"); len([]rune(r.offer.DailyHours)) > maxDailyHours {
		bad("daily_hours is longer than %d characters", maxDailyHours)
	}

	weeks, err := parseWeeks(required("weeks", 0))
	if err != nil && get("weeks") != "" {
		bad("%v", err)
	}
	r.weeks = weeks
	if v := get("deadline"); v != "" {
		// The offer-wide column of older files: the deadline of the first week only. Later weeks keep
		// their own (written in weeks, or 14 days before them).
		d, err := time.Parse(time.DateOnly, v)
		switch {
		case err != nil:
			bad("deadline %q is not a date YYYY-MM-DD", v)
		case len(weeks) > 0 && d.After(weeks[0].WeekStart):
			bad("deadline %s is after the first week %s", v, weeks[0].WeekStart.Format(time.DateOnly))
		case len(weeks) > 0 && weeks[0].Deadline != nil && !weeks[0].Deadline.Equal(d):
			bad("deadline %s and the first week's deadline %s differ", v, weeks[0].Deadline.Format(time.DateOnly))
		case len(weeks) > 0:
			weeks[0].Deadline = &d
		}
	}
	return r, reasons
}

// sectorKey is the comparable form of a sector name: folded words, punctuation ignored
// ("Édition librairie bibliothèque" is "Édition, librairie, bibliothèque").
func sectorKey(name string) string { return strings.Join(fold.Words(name), " ") }

// parseWeeks reads "2027-01-11:3:1;2027-01-18:2:0:2027-01-01" (Monday:places:reserved
// places:deadline, reserved 0 and the deadline 14 days before the week when left out; weeks
// separated by ';', '|' or spaces) into weeks in order.
func parseWeeks(s string) ([]store.OfferWeek, error) {
	var weeks []store.OfferWeek
	seen := map[time.Time]bool{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == ' ' }) {
		fields := strings.Split(part, ":")
		if len(fields) < 2 || len(fields) > 4 {
			return nil, fmt.Errorf("week %q is not monday:places[:reserved[:deadline]]", part)
		}
		day, err := time.Parse(time.DateOnly, fields[0])
		if err != nil {
			return nil, fmt.Errorf("week %q: %q is not a date YYYY-MM-DD", part, fields[0])
		}
		if day.Weekday() != time.Monday {
			return nil, fmt.Errorf("week %s is a %s, not a Monday", fields[0], day.Weekday())
		}
		if seen[day] {
			return nil, fmt.Errorf("week %s is listed twice", fields[0])
		}
		seen[day] = true
		places, err := strconv.Atoi(fields[1])
		if err != nil || places < 1 || places > maxPlaces {
			return nil, fmt.Errorf("week %s: places %q is not between 1 and %d", fields[0], fields[1], maxPlaces)
		}
		reserved := 0
		if len(fields) >= 3 && fields[2] != "" {
			if reserved, err = strconv.Atoi(fields[2]); err != nil || reserved < 0 {
				return nil, fmt.Errorf("week %s: reserved places %q is not a number", fields[0], fields[2])
			}
			if reserved > places {
				return nil, fmt.Errorf("week %s: %d reserved places is more than its %d places", fields[0], reserved, places)
			}
		}
		w := store.OfferWeek{WeekStart: day, Places: places, ReservedPlaces: reserved}
		if len(fields) == 4 {
			deadline, err := time.Parse(time.DateOnly, fields[3])
			if err != nil {
				return nil, fmt.Errorf("week %s: deadline %q is not a date YYYY-MM-DD", fields[0], fields[3])
			}
			if deadline.After(day) {
				return nil, fmt.Errorf("week %s: deadline %s is after the week starts", fields[0], fields[3])
			}
			w.Deadline = &deadline
		}
		weeks = append(weeks, w)
	}
	if len(weeks) == 0 {
		return nil, fmt.Errorf("no weeks")
	}
	sort.Slice(weeks, func(i, j int) bool { return weeks[i].WeekStart.Before(weeks[j].WeekStart) })
	return weeks, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
