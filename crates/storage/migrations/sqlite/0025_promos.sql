-- The young people a counselor follows, the summer promos and their members' milestones.
-- Keep in step with migrations/postgres/0025_promos.sql.

CREATE TABLE young_people (
    id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    birth_date TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    guardian_name TEXT,
    guardian_email TEXT,
    guardian_phone TEXT,
    commune_code TEXT NOT NULL,
    rome_codes TEXT NOT NULL DEFAULT '',
    licence INTEGER NOT NULL DEFAULT 0,
    vehicle INTEGER NOT NULL DEFAULT 0,
    counselor_id INTEGER REFERENCES users(id),
    status TEXT NOT NULL CHECK (status IN ('a_contacter', 'en_suivi', 'en_contrat', 'sorti')),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX young_people_email ON young_people (email);
CREATE INDEX young_people_phone ON young_people (phone);
CREATE INDEX young_people_counselor ON young_people (counselor_id);

-- Applications a counselor attached to a record (those with the same e-mail show anyway).
CREATE TABLE young_person_applications (
    young_person_id INTEGER NOT NULL REFERENCES young_people(id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    PRIMARY KEY (young_person_id, application_id)
);

CREATE TABLE promos (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    season_start TEXT NOT NULL,
    season_end TEXT NOT NULL,
    goal_date TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE promo_counselors (
    promo_id INTEGER NOT NULL REFERENCES promos(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (promo_id, user_id)
);

CREATE TABLE promo_members (
    promo_id INTEGER NOT NULL REFERENCES promos(id) ON DELETE CASCADE,
    young_person_id INTEGER NOT NULL REFERENCES young_people(id) ON DELETE CASCADE,
    joined_on TEXT NOT NULL,
    PRIMARY KEY (promo_id, young_person_id)
);

CREATE TABLE milestones (
    id INTEGER PRIMARY KEY,
    promo_id INTEGER NOT NULL REFERENCES promos(id) ON DELETE CASCADE,
    young_person_id INTEGER NOT NULL REFERENCES young_people(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('cv_pret', 'premiere_candidature', 'entretien', 'immersion_faite', 'cfa_trouve', 'contrat_signe')),
    on_day TEXT NOT NULL,
    company TEXT,
    cfa TEXT,
    offer_id INTEGER REFERENCES offers(id) ON DELETE SET NULL,
    application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (promo_id, young_person_id, kind)
);
CREATE INDEX milestones_young_person ON milestones (young_person_id);
