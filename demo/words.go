package demo

import (
	"fmt"
	"strconv"
	"time"

	"stagebot/calendar"
	"stagebot/locales"
)

// words writes the page in one language (locales, demo_…).
type words struct {
	lang string
	cat  *locales.Catalog
}

func (p *Page) words(lang string) words { return words{lang: lang, cat: p.cfg.Catalog} }

// Lang is the page's language.
func (w words) Lang() string { return w.lang }

// T is the sentence id, filled with the pairs of kv ("Name", value, …).
func (w words) T(id string, kv ...any) string {
	var data map[string]any
	if len(kv) > 0 {
		data = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return w.cat.Text(w.lang, id, data)
}

// moment writes a time in Paris as a phone's owner reads it ("lundi 7 décembre, 09:00").
func (w words) moment(t time.Time) string {
	t = t.In(calendar.Paris())
	wd := int(t.Weekday())
	if wd == 0 {
		wd = 7
	}
	return w.T("demo_moment", "Weekday", w.T("weekday_"+strconv.Itoa(wd)), "Day", t.Day(),
		"Month", w.T("month_"+strconv.Itoa(int(t.Month()))), "Time", t.Format("15:04"))
}

// at writes when a held message leaves: "à 08:30", or with its day if not today.
func (w words) at(t, now time.Time) string {
	t, now = t.In(calendar.Paris()), now.In(calendar.Paris())
	if calendar.Day(t).Equal(calendar.Day(now)) {
		return w.T("demo_held", "Time", t.Format("15:04"))
	}
	return w.T("demo_held_day", "When", w.moment(t))
}
