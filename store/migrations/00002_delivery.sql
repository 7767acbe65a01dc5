-- +goose Up
-- Delivery: long replies go out in parts (a retry resumes after the last part sent), a sender holds
-- a claimed row for a lease, providers' status callbacks are kept in order, and people a provider
-- says cannot be reached are remembered per channel.

ALTER TABLE outbox
    ADD COLUMN parts_sent integer NOT NULL DEFAULT 0 CHECK (parts_sent >= 0),
    ADD COLUMN claimed_until timestamptz,
    ADD COLUMN status_at timestamptz,
    ADD COLUMN proactive boolean NOT NULL DEFAULT false;
CREATE INDEX outbox_provider_message ON outbox (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX outbox_sending ON outbox (claimed_until) WHERE status = 'sending';

CREATE TABLE unreachable (
    channel     text NOT NULL,
    address     text NOT NULL,
    reason      text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, address)
);

-- +goose Down
DROP TABLE unreachable;
ALTER TABLE outbox DROP COLUMN parts_sent, DROP COLUMN claimed_until, DROP COLUMN status_at, DROP COLUMN proactive;
