-- How young people reach the Mission Locale (phone, opening hours, shown on the follow-up
-- page), and the SMS outbox: the follow-up link sent to a young person who gave only a phone.
-- Keep in step with migrations/postgres/0018_sms_and_contact.sql.
ALTER TABLE territories ADD COLUMN phone TEXT;
ALTER TABLE territories ADD COLUMN opening_hours TEXT;

CREATE TABLE sms_outbox (
    id INTEGER PRIMARY KEY,
    -- Every SMS is about one application and goes with it (withdrawal, erasure, retention).
    application_id INTEGER NOT NULL REFERENCES applications(id),
    to_phone TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_unix INTEGER NOT NULL,
    locked_until_unix INTEGER,
    sent_at TEXT,
    failed_at TEXT,
    last_error TEXT
);
CREATE INDEX sms_outbox_due ON sms_outbox (sent_at, next_attempt_unix);
CREATE INDEX sms_outbox_application ON sms_outbox (application_id);
