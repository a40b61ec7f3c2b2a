-- CVs attached to applications, and attachments of queued mail (a file kept outside any public
-- path). Keep in step with migrations/sqlite/0006_cv.sql.
ALTER TABLE applications ADD COLUMN cv_path TEXT;
ALTER TABLE applications ADD COLUMN cv_name TEXT;
ALTER TABLE applications ADD COLUMN cv_type TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_path TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_type TEXT;
