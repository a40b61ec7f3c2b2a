-- « Nos pépites »: video portraits of young people for employers, their consents, the
-- employers' requests and what came of them. Keep in step with postgres/0024_pepites.sql.

-- Each territory's limits for one video.
ALTER TABLE territories ADD COLUMN pepite_max_video_mb INTEGER NOT NULL DEFAULT 150;
ALTER TABLE territories ADD COLUMN pepite_max_video_seconds INTEGER NOT NULL DEFAULT 180;

CREATE TABLE pepites (
    id INTEGER PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('brouillon', 'publiee', 'terminee', 'retiree')),
    counselor_id INTEGER REFERENCES users(id),
    display_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    -- Holders of parental authority (1 or 2) while a minor; 0 for an adult.
    holders INTEGER NOT NULL DEFAULT 0 CHECK (holders BETWEEN 0 AND 2),
    area_kind TEXT NOT NULL CHECK (area_kind IN ('epci', 'commune')),
    area_code TEXT NOT NULL,
    area_name TEXT NOT NULL,
    -- ROME codes, space-separated.
    trades TEXT NOT NULL,
    available_from TEXT NOT NULL,
    licence BOOLEAN NOT NULL,
    vehicle BOOLEAN NOT NULL,
    radius_km INTEGER NOT NULL,
    strength_1 TEXT NOT NULL,
    strength_2 TEXT NOT NULL,
    strength_3 TEXT NOT NULL,
    story TEXT NOT NULL,
    -- Media keys (services::media), each with a random part: a guessed URL finds nothing.
    video_key TEXT,
    video_mime TEXT,
    video_ms INTEGER,
    light_key TEXT,
    poster_key TEXT,
    captions_key TEXT,
    -- ISO week (2026-W49) of the Thursday edition that features it.
    featured_week TEXT,
    views INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    ended_at TEXT,
    end_reason TEXT
);
CREATE INDEX pepites_status ON pepites (status, published_at);

CREATE TABLE pepite_consents (
    id INTEGER PRIMARY KEY,
    pepite_id INTEGER NOT NULL REFERENCES pepites(id),
    signer TEXT NOT NULL CHECK (signer IN ('jeune', 'titulaire_1', 'titulaire_2')),
    name TEXT NOT NULL,
    link TEXT NOT NULL,
    email TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('en_ligne', 'papier')),
    -- The private link (to consent online, then to withdraw), hashed.
    token_hash TEXT NOT NULL UNIQUE,
    given_on TEXT,
    tremplin BOOLEAN NOT NULL DEFAULT FALSE,
    social_and_press BOOLEAN NOT NULL DEFAULT FALSE,
    until TEXT,
    withdrawn_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX pepite_consents_pepite ON pepite_consents (pepite_id);

CREATE TABLE pepite_requests (
    id INTEGER PRIMARY KEY,
    pepite_id INTEGER NOT NULL REFERENCES pepites(id),
    company_name TEXT NOT NULL,
    commune_code TEXT NOT NULL,
    siret TEXT,
    contact_name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    message TEXT NOT NULL,
    -- The sender's phone or e-mail, normalised: limits per address.
    sender_key TEXT NOT NULL,
    outcome TEXT CHECK (outcome IN ('rencontre', 'immersion', 'contrat', 'sans_suite')),
    outcome_at TEXT,
    created_at TEXT NOT NULL,
    created_unix INTEGER NOT NULL
);
CREATE INDEX pepite_requests_pepite ON pepite_requests (pepite_id);
CREATE INDEX pepite_requests_sender ON pepite_requests (sender_key, created_unix);

CREATE TABLE pepite_events (
    id INTEGER PRIMARY KEY,
    pepite_id INTEGER NOT NULL REFERENCES pepites(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pepite_events_pepite ON pepite_events (pepite_id, id);

-- A portrait existed and left (withdrawn or ended): no name, no image; kept after erasure.
CREATE TABLE pepite_tombstones (
    pepite_id INTEGER PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    ended_at TEXT NOT NULL
);

-- Media to erase (every instance shares the media storage): the job retries until gone.
CREATE TABLE media_erasures (
    media_key TEXT PRIMARY KEY,
    due_at TEXT NOT NULL
);
