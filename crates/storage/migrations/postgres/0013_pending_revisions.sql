-- A partner's change to an offer a counselor has validated, held until a counselor accepts
-- or refuses it while the validated version stays public: the full new field set (the CSV
-- import's column names, as a JSON object), who sent it, when. One per offer: a second change
-- replaces the first. `change_id` is the history line that recorded it, and names this
-- version of the change in the counselor's forms.
CREATE TABLE pending_revisions (
    offer_id BIGINT PRIMARY KEY REFERENCES offers(id),
    change_id BIGINT NOT NULL REFERENCES offer_changes(id),
    fields TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    organisation_id BIGINT REFERENCES organisations(id),
    submitted_at TIMESTAMPTZ NOT NULL
);
