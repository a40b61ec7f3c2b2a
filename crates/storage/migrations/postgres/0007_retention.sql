-- How long applications are kept after their last activity. Keep in step with sqlite/0007.
ALTER TABLE territories ADD COLUMN retention_months BIGINT NOT NULL DEFAULT 12;
