-- Tremplin's catalogue, SQLite flavour. Keep in step with migrations/postgres/0001_catalogue.sql:
-- same tables, same columns, same names; only the types differ.

CREATE TABLE revision_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO revision_counter (id, value) VALUES (1, 0);

CREATE TABLE territories (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    short_name TEXT NOT NULL,
    publication_weekday INTEGER NOT NULL DEFAULT 4,
    publication_time TEXT NOT NULL DEFAULT '09:00',
    contact_email TEXT,
    address TEXT
);

CREATE TABLE territory_epcis (
    territory_id INTEGER NOT NULL REFERENCES territories(id),
    epci_code TEXT NOT NULL,
    PRIMARY KEY (territory_id, epci_code)
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('mission_locale', 'partenaire', 'cfa')),
    created_at TEXT NOT NULL
);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    siret TEXT UNIQUE,
    name TEXT NOT NULL,
    naf TEXT,
    commune_code TEXT,
    address TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE company_contacts (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    role TEXT,
    phone TEXT,
    email TEXT
);

CREATE TABLE training_centres (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    commune_code TEXT NOT NULL,
    diplomas TEXT NOT NULL DEFAULT '',
    website TEXT
);

CREATE TABLE offers (
    id INTEGER PRIMARY KEY,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    rome_codes TEXT NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    commune_code TEXT NOT NULL,
    address TEXT,
    contract_type TEXT NOT NULL,
    target_level INTEGER,
    diploma_label TEXT,
    start_date TEXT,
    duration_months INTEGER,
    positions INTEGER NOT NULL,
    rqth INTEGER NOT NULL,
    driving_licence INTEGER NOT NULL,
    cfa_id INTEGER REFERENCES training_centres(id),
    contact_email TEXT,
    contact_phone TEXT,
    apply_url TEXT,
    source_kind TEXT NOT NULL,
    source_name TEXT NOT NULL,
    external_id TEXT,
    source_url TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_at TEXT,
    verified_at TEXT,
    expires_at TEXT
);
CREATE UNIQUE INDEX offers_source ON offers (source_name, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX offers_revision ON offers (revision);

CREATE TABLE commune_centres (
    code TEXT PRIMARY KEY,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    updated_at TEXT NOT NULL
);
