-- +goose Up
-- A row a sender claimed and did not record: the provider may have accepted it. claimed_at is when
-- the claim began; in_doubt_since is set when a dead sender's row goes back to the queue, so the next
-- sender asks the provider what it accepted since then before sending again.
ALTER TABLE outbox ADD COLUMN claimed_at timestamptz, ADD COLUMN in_doubt_since timestamptz;

-- +goose Down
ALTER TABLE outbox DROP COLUMN claimed_at, DROP COLUMN in_doubt_since;
