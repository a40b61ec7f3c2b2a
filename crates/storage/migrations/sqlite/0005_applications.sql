-- Applications to offers, with their pipeline and the private links of the young person and
-- of the employer. Keep in step with migrations/postgres/0005_applications.sql.

CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES offers(id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    commune_code TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    mobility TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('envoyee', 'vue', 'entretien', 'retenue', 'non_retenue', 'contrat_signe', 'retiree')),
    answer_reason TEXT,
    follow_token_hash TEXT NOT NULL UNIQUE,
    employer_token_hash TEXT NOT NULL UNIQUE,
    person_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_unix INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX applications_person ON applications (person_key, created_unix);
CREATE INDEX applications_offer ON applications (offer_id);

CREATE TABLE application_events (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications(id),
    at TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_application ON application_events (application_id, id);
