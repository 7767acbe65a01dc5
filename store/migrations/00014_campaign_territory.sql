-- +goose Up
-- A season belongs to a territory: the départements whose collèges it is for (Paris: 75). A
-- student typing their collège's name is shown the collèges of the territory first, and others only
-- when none there matches ("Voltaire" is a Paris collège, and a dozen elsewhere in France).
ALTER TABLE campaigns ADD COLUMN territory text[] NOT NULL DEFAULT '{}'
    CHECK (array_position(territory, '') IS NULL);

-- +goose Down
ALTER TABLE campaigns DROP COLUMN territory;
