-- +goose Up
-- A message about a student (to their parent, to a host) goes when the student is erased, sent or
-- not. A host contact's Telegram chat may serve several hosts (one person, several structures).
ALTER TABLE outbox ADD COLUMN student_id bigint REFERENCES students (id) ON DELETE CASCADE;
CREATE INDEX outbox_student ON outbox (student_id) WHERE student_id IS NOT NULL;
ALTER TABLE host_contacts DROP CONSTRAINT host_contacts_telegram_chat_id_key;
CREATE INDEX host_contacts_telegram ON host_contacts (telegram_chat_id) WHERE telegram_chat_id IS NOT NULL;

-- +goose Down
DROP INDEX host_contacts_telegram;
ALTER TABLE host_contacts ADD CONSTRAINT host_contacts_telegram_chat_id_key UNIQUE (telegram_chat_id);
ALTER TABLE outbox DROP COLUMN student_id;
