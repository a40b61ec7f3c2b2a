-- The pay rules as data (SMIC, grids, contributions, aids), one row per rule and date it holds
-- from, with its source and whether it awaits an administrator's check. Rows are never
-- rewritten: a new figure is a new row with a later valid_from; a confirmation records who
-- and when. The rules file (crates/referentiels/data/regles.csv) is loaded at every start,
-- rows already present left as they are.
CREATE TABLE pay_rules (
    id INTEGER PRIMARY KEY,
    category TEXT NOT NULL,
    key TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT NOT NULL,
    label TEXT NOT NULL,
    conditions TEXT NOT NULL,
    source TEXT NOT NULL,
    to_verify INTEGER NOT NULL,
    origin TEXT NOT NULL CHECK (origin IN ('fichier', 'admin')),
    created_at TEXT NOT NULL,
    created_by INTEGER REFERENCES users(id),
    confirmed_at TEXT,
    confirmed_by INTEGER REFERENCES users(id),
    UNIQUE (category, key, valid_from)
);
