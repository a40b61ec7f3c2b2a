-- The pépites an edition featured (the counselor picks the week's one or two): its page, its
-- social kit and its mails list them while they stay published. Keep in step with
-- sqlite/0033_edition_pepites.sql.
CREATE TABLE edition_pepites (
    edition_number BIGINT NOT NULL,
    pepite_id BIGINT NOT NULL REFERENCES pepites(id),
    PRIMARY KEY (edition_number, pepite_id)
);
CREATE INDEX edition_pepites_pepite ON edition_pepites (pepite_id);
