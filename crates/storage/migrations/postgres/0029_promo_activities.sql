-- Activities ↔ promos, promo members registered to activities, and the promos' private
-- calendar links. Keep in step with migrations/sqlite/0029_promo_activities.sql.
--
-- `activities.promo_id` becomes a foreign key to `promos` with ON DELETE SET NULL: an activity
-- that took place is a record of its own (the attendance sheets given to the funders, the
-- registrations of people outside the promo, the public calendars that carry it), so removing
-- a promo unlinks its activities rather than erasing them or being refused. A `promo_id`
-- naming no promo (there was no key to stop it) becomes NULL.

UPDATE activities SET promo_id = NULL WHERE promo_id IS NOT NULL AND promo_id NOT IN (SELECT id FROM promos);
ALTER TABLE activities ADD CONSTRAINT activities_promo_id_fkey
    FOREIGN KEY (promo_id) REFERENCES promos(id) ON DELETE SET NULL;
CREATE INDEX activities_promo ON activities (promo_id);

-- A registration a counselor made for a promo member names their record: one live
-- registration per member and activity, and erasing the record erases it.
ALTER TABLE activity_registrations ADD COLUMN young_person_id BIGINT REFERENCES young_people(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX activity_registrations_member ON activity_registrations (activity_id, young_person_id)
    WHERE young_person_id IS NOT NULL AND status <> 'annule';
CREATE INDEX activity_registrations_young_person ON activity_registrations (young_person_id);

-- The private calendar feed of a promo, for its members and counselors: one live link per
-- promo, stored as the SHA-256 of its token (a stolen database gives no usable link);
-- renewing replaces it, so the old link stops working at once.
CREATE TABLE promo_calendars (
    promo_id BIGINT PRIMARY KEY REFERENCES promos(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);
