-- The workplace's own coordinates, when a source gives them and the commune's are only an
-- estimate (see the connectors); NULL: the commune's centre.
ALTER TABLE offers ADD COLUMN lat DOUBLE PRECISION;
ALTER TABLE offers ADD COLUMN lon DOUBLE PRECISION;
