-- A message that can never be sent (an address the mail library refuses, a permanent SMTP
-- rejection) is marked failed once instead of being retried every hour forever. The mail
-- that sends an application names it, so that the follow-up page tells the truth. No foreign
-- key: erasing an application (retention, withdrawal) must not be blocked by its mail.
-- Keep in step with migrations/sqlite/0014_mail_failures.sql.

ALTER TABLE mail_outbox ADD COLUMN failed_at TIMESTAMPTZ;
ALTER TABLE mail_outbox ADD COLUMN application_id BIGINT;
CREATE INDEX mail_outbox_application ON mail_outbox (application_id) WHERE application_id IS NOT NULL;
