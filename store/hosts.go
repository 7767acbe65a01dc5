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
