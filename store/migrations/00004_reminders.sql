-- +goose Up
-- Reminders already sent, so that every replica's scheduler sends each one once.
CREATE TABLE reminders_sent (
    application_id  bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind <> ''),
    at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, kind)
);

-- +goose Down
DROP TABLE reminders_sent;
