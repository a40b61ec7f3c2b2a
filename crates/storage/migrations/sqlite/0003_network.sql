-- The company network and phoning; partners' API tokens.
-- Keep in step with migrations/postgres/0003_network.sql.

ALTER TABLE companies ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE companies ADD COLUMN notes TEXT NOT NULL DEFAULT '';

CREATE TABLE calls (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('offre_recueillie', 'offre_confirmee', 'pas_de_besoin', 'rappeler', 'injoignable', 'refus')),
    notes TEXT NOT NULL DEFAULT '',
    next_call_on TEXT
);
CREATE INDEX calls_company ON calls (company_id, id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    token_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
