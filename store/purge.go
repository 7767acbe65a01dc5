package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"stagebot/domain"
)

// PurgeStats are the counts a campaign's purge keeps: no person in them.
type PurgeStats struct {
	Students          int            `json:"students"`
	REPStudents       int            `json:"rep_students"`       // of collèges in REP or REP+
	Placed            int            `json:"placed"`             // with a confirmed stage
	REPPlaced         int            `json:"rep_placed"`         // of those, from REP/REP+ collèges
	Applications      map[string]int `json:"applications"`       // by state
	HostConversations int            `json:"host_conversations"` // host contacts' conversations erased
}

// PurgeCampaign erases, at time now, the personal data of a campaign's season: the students whose
// week comes before its purge day, with their applications, messages and conversations, their parents when no other child
// remains, the conversations and messages of every host contact, the collèges' class lists, the audit
// log of the staff's pages, and the words of the feedback (the marks stay). The season's counts are kept first (campaign_stats). It reports false when the
// campaign was purged already: a purge runs once.
func (c Conn) PurgeCampaign(ctx context.Context, campaignID int64, now time.Time) (PurgeStats, bool, error) {
	var stats PurgeStats
	purged := false
	err := c.atomically(ctx, func(c Conn) error {
		var done bool
		if err := c.get(ctx, &done, `SELECT EXISTS (SELECT 1 FROM campaign_stats WHERE campaign_id = $1)`,
			campaignID); err != nil {
			return fmt.Errorf("purge: %w", err)
		}
		if done {
			return nil
		}
		var students []Student
		if err := c.all(ctx, &students, `SELECT s.id, s.channel, s.address, s.education_priority, s.parent_id, s.first_name,
			s.school_name, s.stage_week, s.birth_month, s.lang, s.last_initial, s.consent
			FROM students s JOIN campaigns cp ON cp.id = $1 AND s.stage_week < cp.purge_on
			ORDER BY s.id FOR UPDATE OF s`, campaignID); err != nil {
			return fmt.Errorf("purge: students: %w", err)
		}
		var counts struct {
			Placed    int `db:"placed"`
			REPPlaced int `db:"rep_placed"`
		}
		if err := c.get(ctx, &counts, `SELECT
			count(DISTINCT s.id) FILTER (WHERE a.state = $2) AS placed,
			count(DISTINCT s.id) FILTER (WHERE a.state = $2 AND s.education_priority <> 'none') AS rep_placed
			FROM students s JOIN campaigns cp ON cp.id = $1 AND s.stage_week < cp.purge_on
			LEFT JOIN applications a ON a.student_id = s.id`, campaignID, domain.Confirmed); err != nil {
			return fmt.Errorf("purge: counts: %w", err)
		}
		var byState []struct {
			State string `db:"state"`
			N     int    `db:"n"`
		}
		if err := c.all(ctx, &byState, `SELECT a.state, count(*) AS n FROM applications a
			JOIN students s ON s.id = a.student_id
			JOIN campaigns cp ON cp.id = $1 AND s.stage_week < cp.purge_on
			GROUP BY a.state ORDER BY a.state`, campaignID); err != nil {
			return fmt.Errorf("purge: applications: %w", err)
		}
		stats = PurgeStats{Students: len(students), Placed: counts.Placed, REPPlaced: counts.REPPlaced,
			Applications: map[string]int{}}
		for _, s := range students {
			if s.Priority != "none" {
				stats.REPStudents++
			}
		}
		for _, r := range byState {
			stats.Applications[r.State] = r.N
		}
		for _, s := range students {
			if _, err := c.q.ExecContext(ctx, `DELETE FROM conversations WHERE channel = $1 AND address = $2`,
				s.Channel, s.Address); err != nil {
				return fmt.Errorf("purge: conversation: %w", err)
			}
			if err := c.EraseStudent(ctx, s.ID); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		// Parents no child has any more (a student gave another number), and second legal
		// representatives no agreement names any more: their number and messages go.
		var orphans []string
		if err := c.all(ctx, &orphans, `DELETE FROM parents p WHERE NOT EXISTS (SELECT 1 FROM students WHERE parent_id = p.id)
			AND NOT EXISTS (SELECT 1 FROM agreements WHERE parent2_id = p.id) RETURNING phone`); err != nil {
			return fmt.Errorf("purge: parents: %w", err)
		}
		for _, phone := range orphans {
			if err := c.EraseMessages(ctx, domain.SMS, phone); err != nil {
				return err
			}
			if _, err := c.q.ExecContext(ctx, `DELETE FROM conversations WHERE channel IN ('sms', 'whatsapp')
				AND address = $1`, phone); err != nil {
				return fmt.Errorf("purge: parent's conversation: %w", err)
			}
		}
		// The collèges' class lists and what staff did on the pages are the season's too.
		if _, err := c.q.ExecContext(ctx, `DELETE FROM roster_entries WHERE imported_at <= $1`, now); err != nil {
			return fmt.Errorf("purge: class lists: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `DELETE FROM audit WHERE at <= $1`, now); err != nil {
			return fmt.Errorf("purge: audit: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `UPDATE feedback SET word = NULL WHERE application_id IS NULL`); err != nil {
			return fmt.Errorf("purge: feedback words: %w", err)
		}
		var contacts []struct {
			Channel domain.Channel `db:"channel"`
			Address string         `db:"address"`
		}
		if err := c.all(ctx, &contacts, `SELECT 'sms' AS channel, phone AS address FROM host_contacts WHERE phone IS NOT NULL
			UNION SELECT 'telegram', telegram_chat_id FROM host_contacts WHERE telegram_chat_id IS NOT NULL`); err != nil {
			return fmt.Errorf("purge: host contacts: %w", err)
		}
		for _, hc := range contacts {
			res, err := c.q.ExecContext(ctx, `DELETE FROM conversations WHERE address = $1
				AND (channel = $2 OR $2 = 'sms' AND channel = 'whatsapp')`, hc.Address, hc.Channel)
			if err != nil {
				return fmt.Errorf("purge: host conversation: %w", err)
			}
			n, _ := res.RowsAffected()
			stats.HostConversations += int(n)
			if err := c.EraseMessages(ctx, hc.Channel, hc.Address); err != nil {
				return err
			}
		}
		raw, err := json.Marshal(stats)
		if err != nil {
			return fmt.Errorf("purge: stats: %w", err)
		}
		if _, err := c.q.ExecContext(ctx, `INSERT INTO campaign_stats (campaign_id, purged_at, stats)
			VALUES ($1, $2, $3)`, campaignID, now, raw); err != nil {
			return fmt.Errorf("purge: stats: %w", err)
		}
		purged = true
		return nil
	})
	return stats, purged, err
}
