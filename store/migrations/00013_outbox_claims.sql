-- +goose Up
-- Each claim of an outbox row gets an id of its own, so a sender whose lease ran out (it waited
-- long for a send slot) and whose row another sender took can tell: it renews its claim by that id,
-- and the renewal fails. Before, a renewal only asked that the row be claimed by someone, and both
-- senders sent the message (seen under load: a parent's consent request sent twice, 5 ms apart).
CREATE SEQUENCE outbox_claims;
ALTER TABLE outbox ADD COLUMN claim_id bigint;

-- +goose Down
ALTER TABLE outbox DROP COLUMN claim_id;
DROP SEQUENCE outbox_claims;
