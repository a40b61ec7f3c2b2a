-- Métier pages: the Mission Locale's own text on a trade (ROME code), the films it made with
-- companies about that trade, and which activities belong to a trade (for « les prochains
-- événements de ce métier »). Films are about companies and their work, not about a person:
-- no personal data here (a film showing a young person would be a pépite, out of scope).
-- Keep in step with migrations/postgres/0030_trade_pages.sql.

CREATE TABLE trade_pages (
    rome TEXT PRIMARY KEY,
    own_text TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

CREATE TABLE trade_films (
    id INTEGER PRIMARY KEY,
    rome TEXT NOT NULL,
    title TEXT NOT NULL,
    company TEXT NOT NULL DEFAULT '',
    -- Either an uploaded video (media key, with a random part) or a link to a hosted video.
    video_key TEXT,
    video_mime TEXT,
    video_ms INTEGER,
    hosted_url TEXT,
    -- Captions are required to publish: every film has its WebVTT file (the transcript).
    captions_key TEXT NOT NULL,
    poster_key TEXT,
    published INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((video_key IS NULL) <> (hosted_url IS NULL))
);
CREATE INDEX trade_films_rome ON trade_films (rome, id);

CREATE TABLE activity_trades (
    activity_id INTEGER NOT NULL REFERENCES activities(id),
    rome TEXT NOT NULL,
    PRIMARY KEY (activity_id, rome)
);
CREATE INDEX activity_trades_rome ON activity_trades (rome);
