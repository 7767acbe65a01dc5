-- +goose Up
-- Conversations a 14-year-old gets through.
--
-- A host none of whose contacts can be written to any more (each sent STOP, or their number or chat
-- is unreachable) is hidden from search from that moment, and its pending requests are closed: a
-- request must never wait on a host that cannot hear it. It comes back as soon as one contact can.
ALTER TABLE hosts ADD COLUMN unreachable_since timestamptz;
COMMENT ON COLUMN hosts.unreachable_since IS
    'set by the workflow (store.RefreshHostReachable) with the service clock; NULL while a contact can be written to';

-- The families of sectors are offered in the order of catalog/data/sector-families.csv.
ALTER TABLE sectors ADD COLUMN family_rank integer NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE sectors DROP COLUMN family_rank;
ALTER TABLE hosts DROP COLUMN unreachable_since;
