-- The widget partners frame in their pages (ENTs, CIOs, town halls): the origins an admin
-- allows to frame it (none listed = any site), and the partners' widgets, each counted under
-- its own name in the reach figures.
CREATE TABLE widget_origins (
    origin TEXT PRIMARY KEY
);
CREATE TABLE widgets (
    slug TEXT PRIMARY KEY,
    label TEXT NOT NULL
);
