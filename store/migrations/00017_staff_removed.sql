-- +goose Up
-- A member of staff who leaves (another collège, retirement) is removed, not deleted: they can no
-- longer sign in and their sessions end, while the audit log keeps who did what.
ALTER TABLE staff ADD COLUMN removed_at timestamptz;

-- +goose Down
ALTER TABLE staff DROP COLUMN removed_at;
