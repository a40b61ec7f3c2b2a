-- How long applications are kept after their last activity. Keep in step with postgres/0007.
ALTER TABLE territories ADD COLUMN retention_months INTEGER NOT NULL DEFAULT 12;
