//! The SMS outbox: like the mail outbox, every text is stored first and sent by a worker that
//! claims it with a lease. Each one belongs to an application and is erased with it (a phone
//! number is personal data).

use chrono::{DateTime, Utc};

use crate::{Result, Store, on_pool};

/// A text waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedSms {
    pub id: i64,
    pub application_id: i64,
    pub to_phone: String,
    pub body: String,
    pub attempts: i64,
}

/// A text as a person's export shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SmsRecord {
    pub to_phone: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl Store {
    pub async fn enqueue_sms(
        &self,
        application_id: i64,
        to: &str,
        body: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO sms_outbox (application_id, to_phone, body, created_at, attempts, next_attempt_unix) \
                 VALUES ($1, $2, $3, $4, 0, $5) RETURNING id",
            )
            .bind(application_id)
            .bind(to)
            .bind(body)
            .bind(now)
            .bind(now.timestamp())
            .fetch_one(p)
            .await
        })?)
    }

    /// Claims the oldest due text for `lease_seconds` (see [`Store::claim_mail`]).
    pub async fn claim_sms(&self, now: i64, lease_seconds: i64) -> Result<Option<QueuedSms>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "UPDATE sms_outbox SET locked_until_unix = $1 \
                 WHERE id = (SELECT id FROM sms_outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_unix <= $2 \
                             AND (locked_until_unix IS NULL OR locked_until_unix < $2) ORDER BY id LIMIT 1) \
                 AND sent_at IS NULL AND failed_at IS NULL AND (locked_until_unix IS NULL OR locked_until_unix < $2) \
                 RETURNING id, application_id, to_phone, body, attempts",
            )
            .bind(now + lease_seconds)
            .bind(now)
            .fetch_optional(p)
            .await
        })?)
    }

    pub async fn sms_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("UPDATE sms_outbox SET sent_at = $1, locked_until_unix = NULL, attempts = attempts + 1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// A failed attempt: tried again at `retry_at` (unix seconds).
    pub async fn sms_failed(&self, id: i64, error: &str, retry_at: i64) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE sms_outbox SET attempts = attempts + 1, next_attempt_unix = $1, locked_until_unix = NULL, last_error = $2 WHERE id = $3",
            )
            .bind(retry_at)
            .bind(error)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// A text that can never be sent (a number the provider refuses): never claimed again.
    pub async fn sms_abandoned(&self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE sms_outbox SET attempts = attempts + 1, failed_at = $1, locked_until_unix = NULL, last_error = $2 WHERE id = $3",
            )
            .bind(now)
            .bind(error)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The texts about an application, oldest first: for the person's export.
    pub async fn sms_of_application(&self, application_id: i64) -> Result<Vec<SmsRecord>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT to_phone, body, created_at, sent_at FROM sms_outbox WHERE application_id = $1 ORDER BY id",
            )
            .bind(application_id)
            .fetch_all(p)
            .await
        })?)
    }
}
