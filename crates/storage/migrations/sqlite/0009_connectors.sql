-- Connector runs (France Travail, La bonne alternance), their schedule, and offers shown once
-- when several sources carry them. Keep in step with postgres/0009_connectors.sql.

CREATE TABLE import_runs (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    trigger TEXT NOT NULL,
    started_at TEXT NOT NULL,
    -- A run renews its lease while it works; an expired lease means its instance died.
    lease_until TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT,
    report TEXT NOT NULL DEFAULT '{}'
);
-- At most one unfinished run per source, across every instance.
CREATE UNIQUE INDEX import_runs_one_running ON import_runs (source) WHERE finished_at IS NULL;
CREATE INDEX import_runs_source ON import_runs (source, id);

CREATE TABLE import_schedules (
    source TEXT PRIMARY KEY,
    enabled BOOLEAN NOT NULL,
    -- Hour of the day, Paris time, at which the nightly run starts.
    hour INTEGER NOT NULL
);

-- The offer this one duplicates (same company, métier and commune, close title, another
-- source): it is not shown on its own, the other lists it among its sources.
ALTER TABLE offers ADD COLUMN duplicate_of INTEGER REFERENCES offers (id);
CREATE INDEX offers_duplicate_of ON offers (duplicate_of);
CREATE INDEX offers_commune ON offers (commune_code, status);
