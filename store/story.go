package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"stagebot/domain"
)

// Story is who takes part in one student's story, for the demo's page that shows their phones side
// by side: the student, their parent's number, their stage week and the hosts they applied to,
// latest first. A student not signed up yet has only what they typed: StudentID 0.
type Story struct {
	StudentID   int64
	ParentPhone string
	Week        time.Time
	Hosts       []StoryHost
}

// StoryHost is a host a student applied to, and the contact its requests go to.
type StoryHost struct {
	HostID      int64     `db:"host_id"`
	Name        string    `db:"name"`
	ContactName string    `db:"contact_name"`
	Phone       string    `db:"phone"`
	Applied     time.Time `db:"applied"`
}

// StoryOf reads the story of the student who writes from address on channel.
func (c Conn) StoryOf(ctx context.Context, channel domain.Channel, address string) (Story, error) {
	var st struct {
		ID    int64     `db:"id"`
		Phone string    `db:"phone"`
		Week  time.Time `db:"stage_week"`
	}
	err := c.get(ctx, &st, `SELECT s.id, p.phone, s.stage_week FROM students s JOIN parents p ON p.id = s.parent_id
		WHERE s.channel = $1 AND s.address = $2`, channel, address)
	if errors.Is(err, ErrNotFound) {
		return Story{}, nil
	}
	if err != nil {
		return Story{}, fmt.Errorf("story: %w", err)
	}
	story := Story{StudentID: st.ID, ParentPhone: st.Phone, Week: st.Week}
	if err := c.all(ctx, &story.Hosts, `SELECT h.id AS host_id, h.name, hc.name AS contact_name, hc.phone,
			max(a.created_at) AS applied
		FROM applications a
		JOIN offers o ON o.id = a.offer_id
		JOIN hosts h ON h.id = o.host_id
		JOIN LATERAL (SELECT name, phone FROM host_contacts WHERE host_id = h.id ORDER BY id LIMIT 1) hc ON true
		WHERE a.student_id = $1
		GROUP BY h.id, h.name, hc.name, hc.phone
		ORDER BY applied DESC, h.id`, st.ID); err != nil {
		return Story{}, fmt.Errorf("story: hosts: %w", err)
	}
	return story, nil
}
