-- Back office: accounts, sessions, login throttling, audit log, offer history, editions.
-- Keep in step with migrations/postgres/0002_back_office.sql.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'conseiller', 'partenaire')),
    organisation_id INTEGER REFERENCES organisations(id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_unix INTEGER NOT NULL,
    expires_unix INTEGER NOT NULL
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at_unix INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at_unix);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT
);

ALTER TABLE offers ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
ALTER TABLE offers ADD COLUMN validated_at TEXT;

CREATE TABLE offer_changes (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    summary TEXT NOT NULL,
    changes TEXT NOT NULL
);
CREATE INDEX offer_changes_offer ON offer_changes (offer_id, id);

CREATE TABLE editions (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    slot TEXT NOT NULL UNIQUE,
    published_at TEXT NOT NULL,
    published_by INTEGER REFERENCES users(id)
);

CREATE TABLE edition_entries (
    edition_id INTEGER NOT NULL REFERENCES editions(id),
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    kind TEXT NOT NULL CHECK (kind IN ('nouvelle', 'modifiee', 'retiree')),
    title TEXT NOT NULL,
    PRIMARY KEY (edition_id, offer_id)
);

-- Territory settings of the offer life cycle.
ALTER TABLE territories ADD COLUMN reverify_weeks INTEGER NOT NULL DEFAULT 4;
ALTER TABLE territories ADD COLUMN start_tolerance_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE editions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
