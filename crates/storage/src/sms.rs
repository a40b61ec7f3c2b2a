//! The SMS outbox: like the mail outbox, every text is stored first and sent by a worker that
//! claims it with a lease. Each one belongs to an application and is erased with it (a phone
//! number is personal data).

use chrono::{DateTime, Utc};

use crate::queue::Outbox;
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
        self.claim(
            Outbox::Sms,
            "id, application_id, to_phone, body, attempts",
            now,
            lease_seconds,
        )
        .await
    }

    pub async fn sms_sent(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.mark_sent(Outbox::Sms, id, now).await
    }

    /// A failed attempt: tried again at `retry_at` (unix seconds).
    pub async fn sms_failed(&self, id: i64, error: &str, retry_at: i64) -> Result<()> {
        self.mark_failed(Outbox::Sms, id, error, retry_at).await
    }

    /// A text that can never be sent (a number the provider refuses): never claimed again.
    pub async fn sms_abandoned(&self, id: i64, error: &str, now: DateTime<Utc>) -> Result<()> {
        self.mark_abandoned(Outbox::Sms, id, error, now).await
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
