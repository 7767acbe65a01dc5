-- +goose Up
-- The one table of who may move an application from one state to another (domain.Transitions), held
-- by the database too: a move that is not in it is refused, whoever writes it. A test compares this
-- table with the code's, row for row (store/transitions_test.go).
CREATE TABLE application_transitions (
    from_state  text NOT NULL,  -- '' for the creation
    to_state    text NOT NULL,
    actor       text NOT NULL CHECK (actor IN ('student', 'parent', 'host', 'system')),
    PRIMARY KEY (from_state, to_state, actor)
);
INSERT INTO application_transitions (from_state, to_state, actor) VALUES
    ('', 'awaiting_parent', 'student'),
    ('draft', 'awaiting_parent', 'student'),
    ('draft', 'withdrawn', 'student'),
    ('draft', 'withdrawn', 'parent'),
    ('awaiting_parent', 'sent', 'parent'),
    ('awaiting_parent', 'withdrawn', 'student'),
    ('awaiting_parent', 'withdrawn', 'parent'),
    ('awaiting_parent', 'expired', 'system'),
    ('awaiting_parent', 'cancelled', 'system'),
    ('sent', 'accepted', 'host'),
    ('sent', 'declined', 'host'),
    ('sent', 'declined', 'system'),
    ('sent', 'withdrawn', 'student'),
    ('sent', 'withdrawn', 'parent'),
    ('sent', 'expired', 'system'),
    ('sent', 'cancelled', 'system'),
    ('accepted', 'confirmed', 'student'),
    ('accepted', 'withdrawn', 'student'),
    ('accepted', 'withdrawn', 'parent'),
    ('accepted', 'expired', 'system'),
    ('accepted', 'cancelled', 'system'),
    ('confirmed', 'withdrawn', 'student'),
    ('confirmed', 'withdrawn', 'parent');

-- Every recorded move is one of the table's, by its actor.
-- +goose StatementBegin
CREATE FUNCTION application_event_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM application_transitions
                   WHERE from_state = coalesce(NEW.from_state, '') AND to_state = NEW.to_state AND actor = NEW.actor) THEN
        RAISE EXCEPTION 'application %: % to % by % is not an allowed move', NEW.application_id,
            coalesce(NEW.from_state, '(new)'), NEW.to_state, NEW.actor USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER application_events_allowed BEFORE INSERT ON application_events
    FOR EACH ROW EXECUTE FUNCTION application_event_allowed();

-- Every change of an application's state is one of the table's, by someone.
-- +goose StatementBegin
CREATE FUNCTION application_state_allowed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.state IS DISTINCT FROM OLD.state AND NOT EXISTS (SELECT 1 FROM application_transitions
            WHERE from_state = OLD.state AND to_state = NEW.state) THEN
        RAISE EXCEPTION 'application %: % to % is not an allowed move', NEW.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER applications_state_allowed BEFORE UPDATE OF state ON applications
    FOR EACH ROW EXECUTE FUNCTION application_state_allowed();

-- +goose Down
DROP TRIGGER applications_state_allowed ON applications;
DROP TRIGGER application_events_allowed ON application_events;
DROP FUNCTION application_state_allowed(), application_event_allowed();
DROP TABLE application_transitions;
