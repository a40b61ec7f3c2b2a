-- The back office lists offers most recently changed first, and counts publications per week:
-- read from indexes, not by sorting or scanning the whole catalogue (docs/perf.md).
CREATE INDEX offers_updated ON offers (updated_at, id);
CREATE INDEX offers_published ON offers (published_at, source_kind);
