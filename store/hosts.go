package store

import (
	"context"
	"fmt"
)

// HostName reads a host structure's name.
func (c Conn) HostName(ctx context.Context, hostID int64) (string, error) {
	var name string
	if err := c.get(ctx, &name, `SELECT name FROM hosts WHERE id = $1`, hostID); err != nil {
		return "", fmt.Errorf("host %d: %w", hostID, err)
	}
	return name, nil
}

// HostIDByRef finds a host structure by its reference in the offers file.
func (c Conn) HostIDByRef(ctx context.Context, ref string) (int64, error) {
	var id int64
	if err := c.get(ctx, &id, `SELECT id FROM hosts WHERE ref = $1`, ref); err != nil {
		return 0, fmt.Errorf("host %q: %w", ref, err)
	}
	return id, nil
}
