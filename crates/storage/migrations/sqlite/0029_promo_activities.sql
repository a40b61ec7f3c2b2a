-- Activities ↔ promos, promo members registered to activities, and the promos' private
-- calendar links. Keep in step with migrations/postgres/0029_promo_activities.sql.
--
-- `activities.promo_id` becomes a foreign key to `promos` with ON DELETE SET NULL: an activity
-- that took place is a record of its own (the attendance sheets given to the funders, the
-- registrations of people outside the promo, the public calendars that carry it), so removing
-- a promo unlinks its activities rather than erasing them or being refused.
--
-- SQLite cannot add a foreign key to an existing column: the table is rebuilt, keeping every
-- row and id. Migrations run in one transaction with foreign keys enforced, where they cannot
-- be switched off, so the tables that point at `activities` are emptied first (into copies),
-- the table dropped with nothing pointing at it, created again under its own name (no rename:
-- a rename would rewrite the references of the other tables), and everything put back.
-- A `promo_id` naming no promo (there was no key to stop it) becomes NULL.

CREATE TABLE copy_0029_activities AS SELECT * FROM activities;
CREATE TABLE copy_0029_activity_companies AS SELECT * FROM activity_companies;
CREATE TABLE copy_0029_activity_registrations AS SELECT * FROM activity_registrations;
DELETE FROM activity_registrations;
DELETE FROM activity_companies;
DROP TABLE activities;

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
    promo_id INTEGER REFERENCES promos(id) ON DELETE SET NULL,
    cancelled INTEGER NOT NULL DEFAULT 0,
    sequence INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO activities (id, kind, title, description, is_public, commune_code, address, video_url, starts_at, starts_unix,
    ends_at, ends_unix, capacity, leader, organiser_email, audience, guardian_required, training_centre_id, tutor, agreement,
    promo_id, cancelled, sequence, created_at, updated_at)
SELECT id, kind, title, description, is_public, commune_code, address, video_url, starts_at, starts_unix,
    ends_at, ends_unix, capacity, leader, organiser_email, audience, guardian_required, training_centre_id, tutor, agreement,
    CASE WHEN promo_id IN (SELECT id FROM promos) THEN promo_id END, cancelled, sequence, created_at, updated_at
FROM copy_0029_activities;
CREATE INDEX activities_start ON activities (starts_unix);
CREATE INDEX activities_promo ON activities (promo_id);

INSERT INTO activity_companies (activity_id, company_id)
SELECT activity_id, company_id FROM copy_0029_activity_companies;
INSERT INTO activity_registrations (id, activity_id, first_name, last_name, email, phone, commune_code, minor, guardian_name,
    guardian_phone, status, attendance, attendance_by, cancel_token_hash, person_key, created_at, created_unix, updated_at,
    reminded_unix)
SELECT id, activity_id, first_name, last_name, email, phone, commune_code, minor, guardian_name,
    guardian_phone, status, attendance, attendance_by, cancel_token_hash, person_key, created_at, created_unix, updated_at,
    reminded_unix
FROM copy_0029_activity_registrations;
DROP TABLE copy_0029_activities;
DROP TABLE copy_0029_activity_companies;
DROP TABLE copy_0029_activity_registrations;

-- A registration a counselor made for a promo member names their record: one live
-- registration per member and activity, and erasing the record erases it.
ALTER TABLE activity_registrations ADD COLUMN young_person_id INTEGER REFERENCES young_people(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX activity_registrations_member ON activity_registrations (activity_id, young_person_id)
    WHERE young_person_id IS NOT NULL AND status <> 'annule';
CREATE INDEX activity_registrations_young_person ON activity_registrations (young_person_id);

-- The private calendar feed of a promo, for its members and counselors: one live link per
-- promo, stored as the SHA-256 of its token (a stolen database gives no usable link);
-- renewing replaces it, so the old link stops working at once.
CREATE TABLE promo_calendars (
    promo_id INTEGER PRIMARY KEY REFERENCES promos(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);
