-- « Ma vie d'apprenti·e » workshops: a counselor opens a session shown on a projector; young
-- people join from their phone with its short code (no account) and share their budget's
-- figures, anonymously (no name, no birth date: only the offer's title and the amounts). A
-- session ends the same day: the scheduler deletes it, and its results with it.
CREATE TABLE workshops (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE workshop_results (
    id INTEGER PRIMARY KEY,
    workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
    offer_title TEXT NOT NULL,
    net REAL NOT NULL,
    left_route REAL NOT NULL,
    left_room REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX workshop_results_by_workshop ON workshop_results (workshop_id);
