-- +goose Up
-- A line of a class list without a date of birth is the same line when the list is imported again:
-- NULL birth months must not make it a new one (a plain UNIQUE treats NULLs as distinct).
DELETE FROM roster_entries e USING roster_entries f
WHERE f.school_uai = e.school_uai AND f.class = e.class AND f.last_name = e.last_name
  AND f.first_name = e.first_name AND f.birth_month IS NOT DISTINCT FROM e.birth_month
  AND f.id < e.id AND e.matched <> 'confirmed';
-- The old constraint's name is Postgres's own, truncated: look it up.
-- +goose StatementBegin
DO $$
DECLARE old text;
BEGIN
    SELECT conname INTO STRICT old FROM pg_constraint WHERE conrelid = 'roster_entries'::regclass AND contype = 'u';
    EXECUTE format('ALTER TABLE roster_entries DROP CONSTRAINT %I', old);
END $$;
-- +goose StatementEnd
ALTER TABLE roster_entries ADD CONSTRAINT roster_entries_line
    UNIQUE NULLS NOT DISTINCT (school_uai, class, last_name, first_name, birth_month);

-- +goose Down
ALTER TABLE roster_entries DROP CONSTRAINT roster_entries_line;
ALTER TABLE roster_entries ADD UNIQUE (school_uai, class, last_name, first_name, birth_month);
