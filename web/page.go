package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	"stagebot/calendar"
	"stagebot/conversation"
	"stagebot/domain"
	"stagebot/locales"
	"stagebot/store"
)

// page is one page's template: the layout and the page's own content.
type page struct{ tmpl *template.Template }

// funcs are the helpers every template has.
var funcs = template.FuncMap{
	"add":         func(a, b int) int { return a + b },
	"dict":        dict,
	"group":       conversation.GroupBreaches,
	"cost":        func(segments int, price float64) float64 { return float64(segments) * price },
	"priorityKey": priorityKey,
}

// dict makes a map of key, value pairs, to give a shared template ("document") several values.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

// priorityKey is the message id naming a collège's priority education status.
func priorityKey(p string) string {
	switch p {
	case "REP+":
		return "web_priority_repplus"
	case "REP":
		return "web_priority_rep"
	}
	return "web_priority_none"
}

// parsePages parses every page with the layout, once.
func parsePages() (map[string]*page, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*page{}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue // the layout, and the parts pages share (_document.html)
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html",
			"templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", name, err)
		}
		pages[base] = &page{tmpl: t}
	}
	return pages, nil
}

// view is what every page's template gets: the page's data, and what the layout needs.
type view struct {
	L       Lang
	CSRF    string
	Staff   *store.Staff // nil when not signed in
	Path    string       // this page, for the language switch
	Now     time.Time
	Print   bool // a page to print: no navigation
	Data    map[string]any
	Heading string // the page's title, a message id
}

// render writes page name with data, in the request's language.
func (s *Server) render(q *request, status int, name string, data map[string]any) {
	p, ok := s.pages[name]
	if !ok {
		s.log.Error("web: no such page", "page", name)
		http.Error(q.w, "page missing", http.StatusInternalServerError)
		return
	}
	v := view{L: Lang{cat: s.cat, lang: q.lang}, CSRF: q.csrf, Path: q.r.URL.RequestURI(), Now: s.now(), Data: data}
	if q.session != nil {
		v.Staff = &q.session.Staff
	}
	if name == "invitations" {
		v.Print = true
	}
	var buf bytes.Buffer
	if err := p.tmpl.Execute(&buf, v); err != nil {
		s.log.Error("web: page not rendered", "page", name, "error", err.Error())
		http.Error(q.w, "page not rendered", http.StatusInternalServerError)
		return
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.WriteHeader(status)
	_, _ = q.w.Write(buf.Bytes())
}

// Lang writes the pages' words in one language, from the message catalog (ids "web_…").
type Lang struct {
	cat  *locales.Catalog
	lang string
}

// Code is the language's code, for the page's lang attribute.
func (l Lang) Code() string { return l.lang }

// T is message id, filled with the pairs of kv ("Name", value, …).
func (l Lang) T(id string, kv ...any) string { return l.cat.Text(l.lang, id, pairs(kv)) }

// N is message id for count n (plural rules of the language), filled with kv.
func (l Lang) N(id string, n int, kv ...any) string { return l.cat.Plural(l.lang, id, n, pairs(kv)) }

// Percent writes part as a share of whole as the language does ("0,3 %", "12 %"; "3.5%"), with a
// decimal under 10 % so that a small share does not read as none.
func (l Lang) Percent(part, whole int) string {
	if whole == 0 {
		return "–"
	}
	share := 100 * float64(part) / float64(whole)
	var s string
	switch {
	case part > 0 && share < 0.1:
		s = "< 0.1"
	case share < 10 && share != 0:
		s = strconv.FormatFloat(share, 'f', 1, 64)
	default:
		s = strconv.FormatFloat(share, 'f', 0, 64)
	}
	if l.lang == "fr" {
		return strings.ReplaceAll(s, ".", ",") + "\u00a0%"
	}
	return s + "%"
}

// Breach says one legal limit a schedule breaks, in plain words (the messages' own, limit_*).
func (l Lang) Breach(b conversation.LimitBreach) string {
	kv := []any{"Max", domain.DurationText(b.Max), "Actual", domain.DurationText(b.Actual), "Start", domain.ClockText(b.Start),
		"End", domain.ClockText(b.End)}
	if b.Day >= 0 {
		day := l.T("weekday_" + strconv.Itoa(b.Day+1))
		switch {
		case b.LastDay == b.Day+1:
			day = l.T("days_pair", "From", day, "To", l.T("weekday_"+strconv.Itoa(b.LastDay+1)))
		case b.LastDay > b.Day:
			day = l.T("days_range", "From", day, "To", l.T("weekday_"+strconv.Itoa(b.LastDay+1)))
		}
		kv = append(kv, "Day", day, "Next", l.T("weekday_"+strconv.Itoa(b.Day+2)))
	}
	return l.T("limit_"+b.Limit, kv...)
}

// Decimal writes v with digits decimals as the language does ("1,96" in French, "1.96" in English).
func (l Lang) Decimal(v float64, digits int) string {
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if l.lang == "fr" {
		return strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// Date writes a day as the pages do: "lundi 18 janvier 2027".
func (l Lang) Date(t time.Time) string {
	d := calendar.Day(t)
	weekday := (int(d.Weekday())+6)%7 + 1
	return l.cat.Plural(l.lang, "date_long", d.Day(), map[string]any{
		"Weekday": l.cat.Text(l.lang, fmt.Sprintf("weekday_%d", weekday), nil),
		"Month":   l.cat.Text(l.lang, fmt.Sprintf("month_%d", int(d.Month())), nil),
	}) + fmt.Sprintf(" %d", d.Year())
}

// Short writes a day and a time briefly: "18/01/2027 14:05", in Paris.
func (l Lang) Short(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "–"
	}
	return t.In(calendar.Paris()).Format("02/01/2006 15:04")
}

// Day writes a day briefly: "18/01/2027".
func (l Lang) Day(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "–"
	}
	return calendar.Day(*t).Format("02/01/2006")
}

func pairs(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			m[k] = kv[i+1]
		}
	}
	return m
}

// languageOf is the language the pages are in for this request: the one chosen (cookie), else
// French.
func (s *Server) languageOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "en" || c.Value == "fr") {
		return c.Value
	}
	return locales.Default
}
