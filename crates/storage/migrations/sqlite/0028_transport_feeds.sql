-- The public transport feed (GTFS) imported by `tremplin referentiels gtfs`: one row, the
-- feed's files that routing reads, as a ZIP, replaced whole by each import in one
-- transaction. Every instance reads it from here (and reloads it when the id changes), so an
-- import through one instance is seen by all. AUTOINCREMENT: an id is never given twice,
-- even after the row it named is deleted.
CREATE TABLE transport_feeds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    stops INTEGER NOT NULL,
    trips INTEGER NOT NULL,
    stop_times INTEGER NOT NULL,
    valid_from TEXT,
    valid_to TEXT,
    data BLOB NOT NULL
);
