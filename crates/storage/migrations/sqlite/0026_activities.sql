-- Activities (workshops, visits, rallies, meetups, job datings, open days, PMSMP immersions),
-- the companies they involve, and the registrations to the public ones with their seat, their
-- cancellation link (hashed), the reminder sent and the attendance sheet. `promo_id` names the
-- promo an activity belongs to (no foreign key yet: the promos table comes with its own
-- migration). Keep in step with migrations/postgres/0026_activities.sql.

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_public INTEGER NOT NULL,
    commune_code TEXT,
    address TEXT NOT NULL DEFAULT '',
    video_url TEXT,
    starts_at TEXT NOT NULL,
    starts_unix INTEGER NOT NULL,
    ends_at TEXT NOT NULL,
    ends_unix INTEGER NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    leader TEXT NOT NULL,
    organiser_email TEXT,
    audience TEXT NOT NULL,
    guardian_required INTEGER NOT NULL,
    training_centre_id INTEGER REFERENCES training_centres(id),
    tutor TEXT,
    agreement TEXT,
    promo_id INTEGER,
    cancelled INTEGER NOT NULL DEFAULT 0,
    sequence INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX activities_start ON activities (starts_unix);

CREATE TABLE activity_companies (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    company_id INTEGER NOT NULL REFERENCES companies(id),
    PRIMARY KEY (activity_id, company_id)
);

CREATE TABLE activity_registrations (
    id INTEGER PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    commune_code TEXT NOT NULL,
    minor INTEGER NOT NULL,
    guardian_name TEXT,
    guardian_phone TEXT,
    status TEXT NOT NULL CHECK (status IN ('inscrit', 'attente', 'annule')),
    attendance TEXT CHECK (attendance IN ('present', 'absent', 'excuse')),
    attendance_by INTEGER REFERENCES users(id),
    cancel_token_hash TEXT NOT NULL UNIQUE,
    person_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_unix INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    reminded_unix INTEGER
);
CREATE INDEX activity_registrations_activity ON activity_registrations (activity_id, id);
CREATE INDEX activity_registrations_person ON activity_registrations (person_key, created_unix);
