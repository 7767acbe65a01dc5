package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// dist summarises durations, in milliseconds.
type dist struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	Max float64 `json:"max_ms"`
}

// distOf computes the percentiles of ds (nearest rank).
func distOf(ds []time.Duration) dist {
	if len(ds) == 0 {
		return dist{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) float64 {
		i := int(q*float64(len(s))+0.999999) - 1
		return ms(s[min(max(i, 0), len(s)-1)])
	}
	return dist{N: len(s), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: ms(s[len(s)-1])}
}

// ms is d in milliseconds, to the tenth.
func ms(d time.Duration) float64 { return float64(d.Round(100*time.Microsecond)) / 1e6 }

// String writes the distribution on one line.
func (d dist) String() string {
	if d.N == 0 {
		return "none"
	}
	return fmt.Sprintf("p50 %s  p95 %s  p99 %s  max %s  (n=%d)", msText(d.P50), msText(d.P95), msText(d.P99), msText(d.Max), d.N)
}

// msText writes milliseconds readably: "12.3 ms", "4.56 s".
func msText(v float64) string {
	if v >= 1000 {
		return fmt.Sprintf("%.2f s", v/1000)
	}
	return fmt.Sprintf("%.1f ms", v)
}

// inboundReport is what the webhooks measured.
type inboundReport struct {
	Attempts  int             `json:"attempts"`
	Accepted  int             `json:"accepted_2xx"`
	PerSecond float64         `json:"accepted_per_second"`
	ByRole    map[string]int  `json:"accepted_by_role"`
	Errors    map[string]int  `json:"errors"` // by HTTP status or network error kind
	Latency   dist            `json:"latency"`
	ByStep    map[string]dist `json:"latency_by_step"` // 2xx answers, by the prompt the message answered
}

// replyReport is what the reply delays measured.
type replyReport struct {
	Delay   dist     `json:"delay"`          // webhook POST to the provider receiving the first reply
	Missing int      `json:"missing"`        // acknowledged messages that got no reply before the end
	Owed    []string `json:"owed,omitempty"` // who waits, since when, after what (a few)
}

// providerReport is what the fake provider saw.
type providerReport struct {
	Messages       int     `json:"messages"`   // all, the grace period's included
	PerSecond      float64 `json:"per_second"` // while the load sent
	MaxInOneSecond int     `json:"max_in_one_second"`
	Refused        int     `json:"refused"` // answered 429 (or another refusal) by the fake
	MaxInFlight    int     `json:"max_in_flight"`
	Orphans        int     `json:"orphans"` // sends whose caller hung up before the answer
	// Duplicates are texts that reached a phone a second time. The synthetic people's scripts
	// never ask the same thing twice, so each is a send repeated by stagebot (texts that may
	// come again, such as "Je n'ai pas compris", are left out): the same second, after an orphan
	// send, or later (another sender retrying a row whose first send was not recorded).
	Duplicates         int      `json:"duplicates"`
	DuplicatesWithin1s int      `json:"duplicates_1s"`
	OrphansResent      int      `json:"orphans_resent"`
	Unclaimed          int      `json:"to_others"`          // to people no student plays (hosts…)
	Examples           []string `json:"examples,omitempty"` // a few duplicates
	// InWindow counts the duplicates the outbox shows to be one row sent again: the first copy was
	// never recorded (the sender died between the provider's answer and its record) and the second
	// was sent by a later attempt. Filled by checkResends when the run can read the database.
	InWindow int `json:"in_window"`
	// AskedTwice counts the duplicates the outbox shows to be two replies queued for two messages
	// the person sent: each copy a row of its own, each queued when one of their messages came in
	// (a simulated student answers a list sent again in the window a second time, and gets the same
	// answer again). Filled by checkResends.
	AskedTwice int `json:"asked_twice"`
	// later are the duplicates not after an orphan send (within 1 s or later): the provider ids of
	// both copies, for checkResends.
	later [][2]string
}

// repeatable are the texts (folded, their start) a person may get twice without anything wrong.
var repeatable = []string{"je n'ai pas compris", "re-bonjour", "besoin d'aide"}

// report is the outcome of a run.
type report struct {
	Mode            string         `json:"mode"`
	URLs            []string       `json:"urls"`
	Concurrency     int            `json:"concurrency"`
	Rate            float64        `json:"rate,omitempty"`
	ProviderLatency string         `json:"provider_latency"`
	Seconds         float64        `json:"seconds"`
	Students        int            `json:"students_started"`
	SignedUp        int            `json:"students_signed_up"`
	Applied         int            `json:"students_applied"`
	Outcomes        map[string]int `json:"outcomes"`
	OpenLoopTicks   int            `json:"open_loop_ticks,omitempty"`
	OpenLoopMissed  int            `json:"open_loop_missed,omitempty"`
	Inbound         inboundReport  `json:"inbound"`
	Replies         replyReport    `json:"replies"`
	Provider        providerReport `json:"provider"`
}

// report computes the run's figures.
func (l *load) report(ctx context.Context, start time.Time, sent time.Duration) *report {
	mode := "closed loop"
	if l.cfg.rate > 0 {
		mode = "open loop"
	}
	owed := l.owedList()
	l.mu.Lock()
	rep := &report{Mode: mode, URLs: l.r.hooks.urls, Concurrency: l.cfg.concurrency, Rate: l.cfg.rate,
		ProviderLatency: l.cfg.providerLatency.String(), Seconds: sent.Seconds(), Students: min(int(l.next.Load()), l.cfg.students),
		SignedUp: l.signedUp, Applied: l.applied, Outcomes: maps.Clone(l.outcomes), OpenLoopTicks: l.ticks,
		OpenLoopMissed: l.missed}
	rep.Replies.Delay = distOf(l.delays)
	l.mu.Unlock()
	rep.Replies.Missing, rep.Replies.Owed = len(owed), owed[:min(len(owed), 5)]
	rep.Inbound = inboundOf(l.r.rec.all(), sent)
	rep.Provider = providerOf(l.r.feed.Final(ctx), l.r.feed, start, start.Add(sent))
	if st, err := l.r.src.Stats(ctx); err == nil {
		for _, n := range st.Refused {
			rep.Provider.Refused += n
		}
		rep.Provider.MaxInFlight = st.MaxInFlight
	}
	return rep
}

// inboundOf summarises the webhook attempts of a phase that sent for d.
func inboundOf(attempts []attempt, d time.Duration) inboundReport {
	in := inboundReport{ByRole: map[string]int{}, Errors: map[string]int{}, ByStep: map[string]dist{}}
	var lat []time.Duration
	byStep := map[string][]time.Duration{}
	for _, a := range attempts {
		in.Attempts++
		if a.Status != 0 {
			lat = append(lat, a.Latency)
		}
		switch {
		case a.Status >= 200 && a.Status < 300:
			in.Accepted++
			in.ByRole[a.Role]++
			byStep[a.Step] = append(byStep[a.Step], a.Latency)
		case a.Status == 0:
			in.Errors[a.Err]++
		default:
			in.Errors[strconv.Itoa(a.Status)]++
		}
	}
	if d > 0 {
		in.PerSecond = float64(in.Accepted) / d.Seconds()
	}
	in.Latency = distOf(lat)
	for step, ds := range byStep {
		in.ByStep[step] = distOf(ds)
	}
	return in
}

// providerOf summarises the messages the provider received: its rate while the load sent (from
// from to to), the most in any second, and the duplicates.
func providerOf(msgs []Message, f *feed, from, to time.Time) providerReport {
	var pr providerReport
	pr.Messages = len(msgs)
	f.mu.Lock()
	pr.Unclaimed = f.unclaimed
	f.mu.Unlock()
	if len(msgs) == 0 {
		return pr
	}
	at := make([]time.Time, len(msgs))
	for i, m := range msgs {
		at[i] = m.At
	}
	sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
	during := 0
	for _, t := range at {
		if !t.Before(from) && t.Before(to) {
			during++
		}
	}
	if span := to.Sub(from); span > 0 {
		pr.PerSecond = float64(during) / span.Seconds()
	}
	j := 0
	for i := range at { // the most messages in any window of one second
		for at[i].Sub(at[j]) >= time.Second {
			j++
		}
		pr.MaxInOneSecond = max(pr.MaxInOneSecond, i-j+1)
	}
	type key struct{ to, body string }
	last := map[key]Message{}
	orphaned := map[key]bool{}
	byTime := slices.Clone(msgs)
	sort.SliceStable(byTime, func(i, j int) bool { return byTime[i].At.Before(byTime[j].At) })
	for _, m := range byTime {
		k := key{address(m.To), m.Body}
		if prev, ok := last[k]; ok && !isRepeatable(m.Body) {
			pr.Duplicates++
			kind := "later"
			switch {
			case orphaned[k]:
				pr.OrphansResent++
				kind = "after an orphan send"
				delete(orphaned, k)
			case m.At.Sub(prev.At) < time.Second:
				pr.DuplicatesWithin1s++
				kind = "within 1 s"
			}
			if kind != "after an orphan send" {
				// The outbox tells a row sent again, or a reply to a message sent twice, from a repeat.
				pr.later = append(pr.later, [2]string{prev.SID, m.SID})
			}
			if len(pr.Examples) < 6 {
				pr.Examples = append(pr.Examples, fmt.Sprintf("%s to %s again after %s (%s): %q", m.Channel, k.to,
					m.At.Sub(prev.At).Round(time.Millisecond), kind, firstLine(m.Body)))
			}
		}
		if m.Orphan {
			pr.Orphans++
			orphaned[k] = true
		}
		last[k] = m
	}
	return pr
}

// isRepeatable reports whether a text may reach a person twice legitimately.
func isRepeatable(body string) bool {
	f := fold1(body)
	for _, r := range repeatable {
		if strings.HasPrefix(f, r) {
			return true
		}
	}
	return false
}

// firstLine is the first line of s, cut to 60 characters.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// print writes the report as short plain text.
func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "stageload run: %s, %d concurrent", r.Mode, r.Concurrency)
	if r.Rate > 0 {
		fmt.Fprintf(w, ", %.1f msg/s offered", r.Rate)
	}
	fmt.Fprintf(w, ", provider latency %s, %.1f s against %s\n", r.ProviderLatency, r.Seconds, strings.Join(r.URLs, ", "))
	fmt.Fprintf(w, "students     %d started, %d signed up, %d applied; ends: %s\n", r.Students, r.SignedUp, r.Applied, countsText(r.Outcomes))
	if r.OpenLoopTicks > 0 {
		fmt.Fprintf(w, "open loop    %d messages offered, %d found no student ready\n", r.OpenLoopTicks, r.OpenLoopMissed)
	}
	in := r.Inbound
	fmt.Fprintf(w, "inbound      %d accepted (2xx) of %d requests, %.1f msg/s; by role: %s\n", in.Accepted, in.Attempts, in.PerSecond, countsText(in.ByRole))
	fmt.Fprintf(w, "  errors     %s\n", countsText(in.Errors))
	fmt.Fprintf(w, "  latency    %s\n", in.Latency)
	steps := slices.Collect(maps.Keys(in.ByStep))
	sort.Slice(steps, func(i, j int) bool { return in.ByStep[steps[i]].P95 > in.ByStep[steps[j]].P95 })
	for _, s := range steps[:min(len(steps), 4)] {
		fmt.Fprintf(w, "    slowest: %-34s %s\n", "after "+strconv.Quote(firstLine(s)), in.ByStep[s])
	}
	fmt.Fprintf(w, "reply delay  %s\n", r.Replies.Delay)
	fmt.Fprintf(w, "  missing    %d acknowledged messages got no reply\n", r.Replies.Missing)
	for _, o := range r.Replies.Owed {
		fmt.Fprintf(w, "    %s\n", o)
	}
	p := r.Provider
	fmt.Fprintf(w, "provider     %d messages (%d to hosts and others), %.1f msg/s, at most %d in one second; %d refused by the fake; at most %d sends at once\n",
		p.Messages, p.Unclaimed, p.PerSecond, p.MaxInOneSecond, p.Refused, p.MaxInFlight)
	fmt.Fprintf(w, "  duplicates %d texts reached a phone twice (%d within 1 s, %d after an orphan send); %d orphan sends (caller gone before the answer)\n",
		p.Duplicates, p.DuplicatesWithin1s, p.OrphansResent, p.Orphans)
	for _, e := range p.Examples {
		fmt.Fprintf(w, "    %s\n", e)
	}
}

// writeJSON writes the report to path.
func (r *report) writeJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// countsText writes counts as "a 3, b 1", biggest first; "none" when empty.
func countsText(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	keys := slices.Collect(maps.Keys(m))
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// checkResends asks the outbox about each later duplicate: when the first copy's provider id was
// never recorded and the second copy's belongs to a row sent by its second attempt or later, the two
// are one row sent twice, in the window at-least-once delivery leaves (see InWindow).
func (pr *providerReport) checkResends(ctx context.Context, databaseURL string) error {
	if len(pr.later) == 0 {
		return nil
	}
	db, err := sql.Open("postgres", databaseURL)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	defer db.Close()
	for _, pair := range pr.later {
		var first, resent int
		if err := db.QueryRowContext(ctx, `SELECT
				count(*) FILTER (WHERE provider_message_id = $1),
				count(*) FILTER (WHERE provider_message_id = $2 AND attempts >= 2)
			FROM outbox WHERE provider_message_id IN ($1, $2)`, pair[0], pair[1]).Scan(&first, &resent); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		if first == 0 && resent == 1 {
			pr.InWindow++
			continue
		}
		var rows, answers int
		if err := db.QueryRowContext(ctx, `SELECT count(DISTINCT o.id), count(DISTINCT i.id)
			FROM outbox o LEFT JOIN inbound_messages i ON i.channel = o.channel AND i.address = o.address
				AND i.received_at = o.created_at
			WHERE o.provider_message_id IN ($1, $2)`, pair[0], pair[1]).Scan(&rows, &answers); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		if rows == 2 && answers == 2 {
			pr.AskedTwice++
		}
	}
	return nil
}
