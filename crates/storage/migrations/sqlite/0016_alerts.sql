-- Saved-search alerts: an address (no account) asks for the new offers of a search after each
-- edition. Double opt-in: pending until the link in the confirmation mail is used. Every link
-- of every mail has its own token, stored hashed. A delivery is recorded in the same
-- transaction as its outbox message: one per (alert, edition), whatever restarts or instances.
-- Timestamps are unix seconds. Keep in step with migrations/postgres/0016_alerts.sql.

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    -- The search, normalised as a results page's query string.
    search TEXT NOT NULL,
    -- How mails and pages name it ("« boulanger » à 30 km de L'Aigle").
    label TEXT NOT NULL,
    created_unix INTEGER NOT NULL,
    confirmed_unix INTEGER,
    -- Last sign of interest (confirmation, a click in a mail, "garder"): retention counts from it.
    active_unix INTEGER NOT NULL,
    -- When the young person was told the alert would be erased for lack of clicks.
    notice_unix INTEGER,
    UNIQUE (email, search)
);
CREATE INDEX alerts_confirmed ON alerts (confirmed_unix);

CREATE TABLE alert_tokens (
    token_hash TEXT PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('confirmation', 'desinscription', 'clic', 'garder')),
    created_unix INTEGER NOT NULL
);
CREATE INDEX alert_tokens_alert ON alert_tokens (alert_id);

CREATE TABLE alert_deliveries (
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    edition_number INTEGER NOT NULL,
    offers INTEGER NOT NULL,
    mail_id INTEGER,
    at_unix INTEGER NOT NULL,
    PRIMARY KEY (alert_id, edition_number)
);

-- An edition whose alerts have all been looked at.
CREATE TABLE alert_rounds (
    edition_number INTEGER PRIMARY KEY,
    done_unix INTEGER NOT NULL
);

-- RFC 8058: the one-click unsubscribe address of a message, sent as List-Unsubscribe.
ALTER TABLE mail_outbox ADD COLUMN list_unsubscribe TEXT;
