package demo

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"stagebot/domain"
)

// maxTyped is the longest message a phone sends (a provider cuts longer ones, as the console does).
const maxTyped = 1600

// message sends what was typed on a phone, or the button tapped on Telegram, through the workflow,
// and lets the sender deliver what it queued.
func (p *Page) message(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewOf(r)
	who, text, choice := r.PostForm.Get("qui"), strings.TrimSpace(r.PostForm.Get("texte")), r.PostForm.Get("choix")
	p.mu.Lock()
	defer p.mu.Unlock()
	ph, _, ok, err := p.phoneOf(ctx, v, who)
	if err != nil {
		return err
	}
	if !ok || (text == "" && choice == "") || (choice != "" && ph.channel != domain.Telegram) {
		back(w, r, v)
		return nil
	}
	for utf8.RuneCountInString(text) > maxTyped {
		text = string([]rune(text)[:maxTyped])
	}
	shown := text
	if choice != "" {
		text, shown = "", r.PostForm.Get("libelle")
	}
	p.phones.typed(ph, shown)
	p.seq++
	in := domain.Inbound{Channel: ph.channel, Address: ph.address, Text: text, Choice: choice, ReceivedAt: p.cfg.Clock.Now(),
		ProviderID: fmt.Sprintf("demo-%d-%d", time.Now().UnixNano(), p.seq)}
	if ph.channel == domain.Telegram {
		if fields := strings.Fields(text); len(fields) > 1 && fields[0] == "/start" {
			in.Start = fields[1]
		}
	}
	if err := p.cfg.Inbox.Handle(ctx, in); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := p.flush(ctx); err != nil {
		return err
	}
	back(w, r, v)
	return nil
}

// moveClock moves the demo's clock on — a day, a week, or to the eve of the student's stage — and
// runs the jobs on the way, four times a day, as the service's cron would: reminders are seen
// leaving at their hours, places not confirmed in time expire.
func (p *Page) moveClock(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewOf(r)
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.cfg.Clock.Now()
	var to time.Time
	switch r.PostForm.Get("vers") {
	case "jour":
		to = now.Add(24 * time.Hour)
	case "semaine":
		to = now.Add(7 * 24 * time.Hour)
	case "stage":
		story, err := p.cfg.Store.StoryOf(ctx, v.Channel, students[v.Channel])
		if err != nil {
			return err
		}
		if story.StudentID != 0 {
			to = parisDay(story.Week.AddDate(0, 0, -1), 10, 0)
		}
	}
	if !to.After(now) {
		back(w, r, v)
		return nil
	}
	if err := p.advance(ctx, to); err != nil {
		return err
	}
	back(w, r, v)
	return nil
}

// jobHours are the hours of the day (Paris) the clock stops at on its way, to run the jobs and send.
var jobHours = []int{7, 9, 13, 18}

// advance moves the clock to to, stopping at each day's job hours on the way.
func (p *Page) advance(ctx context.Context, to time.Time) error {
	now := p.cfg.Clock.Now()
	for day := parisDay(now, 0, 0); day.Before(to); day = parisDay(day.Add(36*time.Hour), 0, 0) {
		for _, h := range jobHours {
			at := parisDay(day, h, 0)
			if !at.After(now) || !at.Before(to) {
				continue
			}
			if err := p.runJobs(ctx, at); err != nil {
				return err
			}
		}
	}
	return p.runJobs(ctx, to)
}

// runJobs sets the clock at at, runs the service's jobs and sends what may leave.
func (p *Page) runJobs(ctx context.Context, at time.Time) error {
	p.cfg.Clock.Set(at)
	if _, err := p.jobs.ExpireOverdue(ctx); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if _, err := p.jobs.Reminders(ctx); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return p.flush(ctx)
}

// restart puts the database back to its seed, the clock back on time and the phones empty.
func (p *Page) restart(w http.ResponseWriter, r *http.Request) error {
	v := viewOf(r)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg.Reset != nil {
		p.cfg.Clock.Reset()
		if err := p.cfg.Reset(r.Context()); err != nil {
			return err
		}
	}
	p.phones.clear()
	back(w, r, view{Channel: v.Channel, Lang: v.Lang, College: v.College})
	return nil
}

// school opens the demo collège's page, signed in as its principal.
func (p *Page) school(w http.ResponseWriter, r *http.Request) error {
	if p.cfg.SchoolLink == nil {
		http.NotFound(w, r)
		return nil
	}
	link, err := p.cfg.SchoolLink(r.Context())
	if err != nil {
		return err
	}
	http.Redirect(w, r, link, http.StatusSeeOther)
	return nil
}
