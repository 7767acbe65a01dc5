-- +goose Up
-- Direct booking (a campaign's rule): a student's application to a City service takes the place at
-- once, and the host may decline it until booked_until. The moves it adds to the one table of moves
-- (domain.Transitions): the system accepts a sent application (the booking), and the host declines an
-- accepted or confirmed one (within its days: the store checks booked_until).
ALTER TABLE campaigns
    ADD COLUMN direct_booking boolean NOT NULL DEFAULT false,
    ADD COLUMN booking_days integer NOT NULL DEFAULT 3 CHECK (booking_days BETWEEN 1 AND 14);
ALTER TABLE applications ADD COLUMN booked_until timestamptz;
INSERT INTO application_transitions (from_state, to_state, actor) VALUES
    ('sent', 'accepted', 'system'),
    ('accepted', 'declined', 'host'),
    ('confirmed', 'declined', 'host');

-- +goose Down
DELETE FROM application_transitions WHERE (from_state, to_state, actor) IN
    (('sent', 'accepted', 'system'), ('accepted', 'declined', 'host'), ('confirmed', 'declined', 'host'));
ALTER TABLE applications DROP COLUMN booked_until;
ALTER TABLE campaigns DROP COLUMN direct_booking, DROP COLUMN booking_days;
