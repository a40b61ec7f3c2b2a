-- The persistent mail outbox, and the one-time links of invitations and password resets.
-- Keep in step with migrations/postgres/0004_mail.sql.

CREATE TABLE mail_outbox (
    id INTEGER PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_unix INTEGER NOT NULL,
    locked_until_unix INTEGER,
    sent_at TEXT,
    last_error TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_unix);

CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reinitialisation')),
    email TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    role TEXT,
    organisation_id INTEGER REFERENCES organisations(id),
    expires_unix INTEGER NOT NULL,
    used_unix INTEGER
);
