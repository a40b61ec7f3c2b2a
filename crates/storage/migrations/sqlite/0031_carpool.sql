-- Car-pooling between young people. An opt-in belongs to an application (ticked on the form)
-- or to a young person's record (a counselor's), never both; a minor's needs their
-- guardian's e-mail and agreement. Withdrawn opt-ins stay (withdrawn_at) until retention or
-- erasure takes them, so a re-opt-in is a new row. Keep in step with
-- migrations/postgres/0031_carpool.sql.
CREATE TABLE carpool_optins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER REFERENCES applications(id),
    young_person_id INTEGER REFERENCES young_people(id),
    commune_code TEXT NOT NULL,
    -- Where they go: a CFA, or else the company's commune (its area).
    cfa_id INTEGER REFERENCES training_centres(id),
    area_commune_code TEXT,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    minor INTEGER NOT NULL,
    guardian_email TEXT,
    guardian_agreed_at TEXT,
    created_by INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    withdrawn_at TEXT,
    CHECK ((application_id IS NULL) <> (young_person_id IS NULL)),
    CHECK (cfa_id IS NOT NULL OR area_commune_code IS NOT NULL),
    CHECK (ends_on >= starts_on),
    CHECK (minor = 0 OR (guardian_email IS NOT NULL AND guardian_agreed_at IS NOT NULL))
);
CREATE INDEX carpool_optins_application ON carpool_optins (application_id);
CREATE INDEX carpool_optins_young_person ON carpool_optins (young_person_id);

-- What a counselor did with a suggested pair (optin_a < optin_b): put them in touch
-- (« mise en relation », both sides told by e-mail) or set the suggestion aside.
CREATE TABLE carpool_matches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    optin_a INTEGER NOT NULL REFERENCES carpool_optins(id),
    optin_b INTEGER NOT NULL REFERENCES carpool_optins(id),
    outcome TEXT NOT NULL CHECK (outcome IN ('mise_en_relation', 'retiree')),
    counselor_id INTEGER REFERENCES users(id),
    at TEXT NOT NULL,
    CHECK (optin_a < optin_b),
    UNIQUE (optin_a, optin_b)
);
CREATE INDEX carpool_matches_b ON carpool_matches (optin_b);

-- The distances pairing uses, dated: the row in force is the latest valid_from not after today.
CREATE TABLE carpool_rules (
    valid_from TEXT PRIMARY KEY,
    home_km REAL NOT NULL CHECK (home_km > 0),
    area_km REAL NOT NULL CHECK (area_km > 0),
    source TEXT NOT NULL
);
INSERT INTO carpool_rules (valid_from, home_km, area_km, source) VALUES
    ('2026-01-01', 15.0, 10.0, 'Choix de la Mission Locale (trajet partagé raisonnable en zone rurale)');
