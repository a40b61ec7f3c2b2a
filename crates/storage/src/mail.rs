//! The mail outbox: every message is stored first, then sent by a worker that claims it with a
//! lease, so that an SMTP outage delays it without losing it and several instances never send
//! it twice. Also the one-time links of invitations and password resets.

use chrono::{DateTime, Utc};

use crate::queue::Outbox;
use crate::{Result, Role, Store, on_pool};

/// A message waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedMail {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub attempts: i64,
    /// A file to attach: its path on disk, the name the recipient sees, its MIME type.
    pub attachment_path: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    /// The application whose sending this message is (the mail to the employer).
    pub application_id: Option<i64>,
    /// The one-click unsubscribe address (RFC 8058) of an alert's message.
    pub list_unsubscribe: Option<String>,
}

/// A file attached to a queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub path: String,
    pub name: String,
    pub content_type: String,
}

/// A valid one-time link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountToken {
    pub email: String,
    pub user_id: Option<i64>,
    pub role: Option<Role>,
    pub organisation_id: Option<i64>,
}

impl Store {
    pub async fn enqueue_mail(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        html: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.enqueue_mail_with(to, subject, text, html, None, now)
            .await
    }

    /// [`Store::enqueue_mail`] with a file attached.
    pub async fn enqueue_mail_with(
        &self,
        to: &str,
        subject: &str,
        text: &str,
        html: Option<&str>,
        attachment: Option<&Attachment>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.insert_mail(None, to, subject, text, html, attachment, now)
            .await
    }

    /// The message that sends application `application_id`: if it can never be sent, the
    /// follow-up page says so ([`Store::application_mail_failed`]).
    #[allow(clippy::too_many_arguments)]
    pub async fn enqueue_application_mail(
        &self,
        application_id: i64,
        to: &str,
        subject: &str,
        text: &str,
        html: Option<&str>,
        attachment: Option<&Attachment>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        self.insert_mail(
            Some(application_id),
            to,
            subject,
            text,
            html,
            attachment,
            now,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_mail(
        &self,
        application_id: Option<i64>,
        to: &str,
        subject: &str,
        text: &str,
        html: Option<&str>,
        attachment: Option<&Attachment>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO mail_outbox (to_addr, subject, text_body, html_body, created_at, attempts, next_attempt_unix, \
                 attachment_path, attachment_name, attachment_type, application_id) \
                 VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(to)
            .bind(subject)
            .bind(text)
            .bind(html)
            .bind(now)
            .bind(now.timestamp())
            .bind(attachment.map(|a| a.path.as_str()))
            .bind(attachment.map(|a| a.name.as_str()))
            .bind(attachment.map(|a| a.content_type.as_str()))
            .bind(application_id)
            .fetch_one(p)
            .await
        })?)
    }

    /// Claims the oldest due message for `lease_seconds`: no other worker takes it meanwhile.
    pub async fn claim_mail(&self, now: i64, lease_seconds: i64) -> Result<Option<QueuedMail>> {
        self.claim(
            Outbox::Mail,
            "id, to_addr, subject, text_body, html_body, attempts, attachment_path, attachment_name, attachment_type, \
             application_id, list_unsubscribe",
            now,
            lease_seconds,
        )
        .await
    }

    pub async fn mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.mark_sent(Outbox::Mail, id, now).await
    }

    /// A failed attempt: tried again at `retry_at` (unix seconds).
    pub async fn mail_failed(&self, id: i64, error: &str, retry_at: i64) -> Result<()> {
        self.mark_failed(Outbox::Mail, id, error, retry_at).await
    }

    /// A message that can never be sent (an address the mail library refuses, a permanent
    /// rejection by the server): marked failed once, never claimed again.
    pub async fn mail_abandoned(&self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        self.mark_abandoned(Outbox::Mail, id, error, now).await
    }

    /// Forgets the messages that were sent or abandoned before `before`: once delivered, a
    /// copy of a mail (its address, its text) is personal data with no use left. Messages
    /// still to send are kept whatever their age.
    pub async fn forget_sent_mail(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(on_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM mail_outbox WHERE (sent_at IS NOT NULL AND sent_at < $1) \
                 OR (failed_at IS NOT NULL AND failed_at < $1)",
            )
            .bind(before)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?)
    }

    /// Erases the messages about a person (the right to erasure): every message to
    /// `email`, and those already sent or abandoned whose text names it (a notice to an
    /// organiser, a counselor). A message still to send to someone else is kept: it was
    /// acknowledged to its sender.
    pub async fn forget_mail_of_person(&self, email: &str) -> Result<u64> {
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Ok(0);
        }
        let pattern = format!(
            "%{}%",
            email
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        Ok(on_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM mail_outbox WHERE LOWER(to_addr) = $1 \
                 OR ((sent_at IS NOT NULL OR failed_at IS NOT NULL) \
                     AND (LOWER(text_body) LIKE $2 ESCAPE '\\' OR LOWER(COALESCE(html_body, '')) LIKE $2 ESCAPE '\\'))",
            )
            .bind(&email)
            .bind(&pattern)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?)
    }

    /// Whether a message sending this application could never be sent.
    pub async fn application_mail_failed(&self, application_id: i64) -> Result<bool> {
        let n: i64 = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM mail_outbox WHERE application_id = $1 AND failed_at IS NOT NULL",
            )
            .bind(application_id)
            .fetch_one(p)
            .await
        })?;
        Ok(n > 0)
    }

    /// The applications whose sending could never be sent: few, as each is one mistake.
    pub async fn applications_with_failed_mail(&self) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT DISTINCT application_id FROM mail_outbox WHERE application_id IS NOT NULL AND failed_at IS NOT NULL",
            )
            .fetch_all(p)
            .await
        })?)
    }

    /// (waiting, sent) messages.
    pub async fn mail_counts(&self) -> Result<(i64, i64)> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT COALESCE(SUM(CASE WHEN sent_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN sent_at IS NULL THEN 0 ELSE 1 END), 0) FROM mail_outbox",
            )
            .fetch_one(p)
            .await
        })?)
    }

    pub async fn create_account_token(
        &self,
        token_hash: &str,
        purpose: &str,
        email: &str,
        user_id: Option<i64>,
        role: Option<Role>,
        organisation_id: Option<i64>,
        expires_unix: i64,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO account_tokens (token_hash, purpose, email, user_id, role, organisation_id, expires_unix) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(token_hash)
            .bind(purpose)
            .bind(email)
            .bind(user_id)
            .bind(role.map(|r| r.as_str()))
            .bind(organisation_id)
            .bind(expires_unix)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The link's content if it is for `purpose`, unused and not expired.
    pub async fn account_token(
        &self,
        token_hash: &str,
        purpose: &str,
        now: i64,
    ) -> Result<Option<AccountToken>> {
        let row: Option<(String, Option<i64>, Option<String>, Option<i64>)> = on_pool!(
            self,
            |p| {
                sqlx::query_as(
                "SELECT email, user_id, role, organisation_id FROM account_tokens \
                 WHERE token_hash = $1 AND purpose = $2 AND used_unix IS NULL AND expires_unix > $3",
            )
            .bind(token_hash)
            .bind(purpose)
            .bind(now)
            .fetch_optional(p)
            .await
            }
        )?;
        Ok(
            row.map(|(email, user_id, role, organisation_id)| AccountToken {
                email,
                user_id,
                role: role.as_deref().and_then(Role::parse),
                organisation_id,
            }),
        )
    }

    /// Marks the link used; false if it was used meanwhile (only one use wins).
    pub async fn use_account_token(&self, token_hash: &str, now: i64) -> Result<bool> {
        Ok(on_pool!(self, |p| {
            sqlx::query("UPDATE account_tokens SET used_unix = $1 WHERE token_hash = $2 AND used_unix IS NULL")
                .bind(now)
                .bind(token_hash)
                .execute(p)
                .await
                .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// A new password; every session of the user ends.
    pub async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(())
    }
}
