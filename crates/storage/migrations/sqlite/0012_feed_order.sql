-- The change feed is read in (revision, id) order, a page starting after the last offer read:
-- one transaction gives every offer it touches the same revision, and an edition or a
-- re-centring can touch more offers than a page holds. The old index on revision alone is a
-- prefix of this one.
CREATE INDEX offers_revision_id ON offers (revision, id);
DROP INDEX offers_revision;
