package demo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"stagebot/calendar"
	"stagebot/domain"
	"stagebot/store"
)

// view is what the page shows: the student's channel, the host whose phone is shown (0: the one of
// the latest application), the page's language, and whether the collège's page is shown beside.
type view struct {
	Channel domain.Channel
	HostID  int64
	Lang    string
	College bool
}

func viewOf(r *http.Request) view {
	v := view{Channel: domain.Channel(r.FormValue("canal")), Lang: r.FormValue("lang"), College: r.FormValue("college") == "1"}
	if _, ok := students[v.Channel]; !ok {
		v.Channel = domain.SMS
	}
	if v.Lang != "en" {
		v.Lang = "fr"
	}
	v.HostID, _ = strconv.ParseInt(r.FormValue("hote"), 10, 64)
	return v
}

// Query is the page's address for v.
func (v view) Query() string {
	q := url.Values{"canal": {string(v.Channel)}}
	if v.HostID > 0 {
		q.Set("hote", strconv.FormatInt(v.HostID, 10))
	}
	if v.Lang != "fr" {
		q.Set("lang", v.Lang)
	}
	if v.College {
		q.Set("college", "1")
	}
	return "/essai?" + q.Encode()
}

// pane is one phone on the page.
type pane struct {
	Who      string // eleve, parent, hote: the form's "qui"
	Title    string
	Detail   string // the channel and the number, as the phone's owner would read them
	Channel  domain.Channel
	Bubbles  []bubble
	Waiting  string // why there is no phone yet ("" when there is one)
	Telegram bool
}

// phoneOf is the phone of who (eleve, parent, hote) in the story v shows; ok is false when that
// person is not in the story yet.
func (p *Page) phoneOf(ctx context.Context, v view, who string) (ph phone, host *store.StoryHost, ok bool, err error) {
	student := phone{v.Channel, students[v.Channel]}
	if who == "eleve" {
		return student, nil, true, nil
	}
	story, err := p.cfg.Store.StoryOf(ctx, student.channel, student.address)
	if err != nil {
		return phone{}, nil, false, err
	}
	switch who {
	case "parent":
		return phone{domain.SMS, story.ParentPhone}, nil, story.ParentPhone != "", nil
	case "hote":
		for i, h := range story.Hosts {
			if v.HostID == 0 || h.HostID == v.HostID {
				return phone{domain.SMS, h.Phone}, &story.Hosts[i], h.Phone != "", nil
			}
		}
	}
	return phone{}, nil, false, nil
}

// show draws the page.
func (p *Page) show(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewOf(r)
	p.mu.Lock()
	defer p.mu.Unlock()
	t := p.words(v.Lang)
	student := phone{v.Channel, students[v.Channel]}
	story, err := p.cfg.Store.StoryOf(ctx, student.channel, student.address)
	if err != nil {
		return err
	}
	data := struct {
		V        view
		T        words
		Token    string
		Now      string
		Panes    []pane
		Hosts    []store.StoryHost
		Channels []domain.Channel
		Stage    bool
		Other    string // the page in the other language
	}{V: v, T: t, Token: p.token, Now: t.moment(p.cfg.Clock.Now()), Hosts: story.Hosts,
		Channels: []domain.Channel{domain.SMS, domain.Telegram, domain.WhatsApp},
		Stage:    story.StudentID != 0 && story.Week.After(p.cfg.Clock.Now())}
	other := v
	other.Lang = map[string]string{"fr": "en", "en": "fr"}[v.Lang]
	data.Other = other.Query()
	for _, who := range []string{"eleve", "parent", "hote"} {
		pn := pane{Who: who, Title: t.T("demo_" + who)}
		ph, host, ok, err := p.phoneOf(ctx, v, who)
		if err != nil {
			return err
		}
		if !ok {
			pn.Waiting = t.T("demo_waiting_" + who)
			data.Panes = append(data.Panes, pn)
			continue
		}
		pn.Channel, pn.Telegram = ph.channel, ph.channel == domain.Telegram
		pn.Detail = t.T("demo_channel_"+string(ph.channel)) + " · " + display(ph)
		if host != nil {
			pn.Detail = host.Name + " · " + host.ContactName + " · " + pn.Detail
		}
		pn.Bubbles = p.phones.of(ph)
		held, err := p.held(ctx, ph)
		if err != nil {
			return err
		}
		pn.Bubbles = append(pn.Bubbles, held...)
		now := p.cfg.Clock.Now()
		for i, b := range pn.Bubbles {
			switch {
			case b.Held:
				pn.Bubbles[i].Note = t.at(b.At, now)
			case b.Segments > 0:
				pn.Bubbles[i].Note = t.T("demo_segments", "N", b.Segments, "Encoding", string(b.Encoding))
			}
		}
		data.Panes = append(data.Panes, pn)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	return p.page.Execute(w, data)
}

// held lists what is queued for a phone and held for the sending hours, with when it will leave,
// rendered as it will reach the phone.
func (p *Page) held(ctx context.Context, ph phone) ([]bubble, error) {
	pending, err := p.cfg.Store.PendingFor(ctx, ph.channel, ph.address)
	if err != nil {
		return nil, err
	}
	now := p.cfg.Clock.Now()
	var out []bubble
	for _, m := range pending {
		reply := domain.Reply{Text: m.Body}
		_ = json.Unmarshal(m.Choices, &reply.Choices)
		at := now
		if !p.hours.Open(now) {
			at = p.hours.Next(now)
		}
		// As the phone will show it: folded to GSM-7 on SMS, with its buttons on Telegram.
		for _, part := range p.render.Parts(ph.channel, m.Lang, reply) {
			out = append(out, bubble{Text: part.Text, Held: true, At: at})
		}
	}
	return out, nil
}

// display writes a phone's number as its owner reads it (06 12 34 56 78), or a Telegram chat.
func display(ph phone) string {
	a := ph.address
	if ph.channel == domain.Telegram || len(a) != 12 || a[:3] != "+33" {
		return a
	}
	d := "0" + a[3:]
	return d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8] + " " + d[8:10]
}

// parisDay is the day of t in Paris at hour:minute.
func parisDay(t time.Time, hour, minute int) time.Time {
	return calendar.AtParis(calendar.Day(t.In(calendar.Paris())), hour, minute)
}
