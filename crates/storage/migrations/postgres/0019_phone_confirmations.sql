-- A call that confirmed an offer knows which offer, and what the offer was before, so that
-- the counselor can take it back ("Annuler") while nothing else has changed the offer since.
-- Keep in step with migrations/sqlite/0019_phone_confirmations.sql.

ALTER TABLE calls ADD COLUMN offer_id BIGINT REFERENCES offers(id);
ALTER TABLE calls ADD COLUMN undo_status TEXT;
ALTER TABLE calls ADD COLUMN undo_verified_at TIMESTAMPTZ;
-- The offer's revision right after the confirmation: undoing is refused once it moved on.
ALTER TABLE calls ADD COLUMN undo_revision BIGINT;
CREATE INDEX calls_offer ON calls (offer_id);
