//! What the mail and SMS outboxes share: a message is stored first, then a worker claims the
//! oldest due one with a lease, and marks it sent, failed (tried again later) or abandoned.
//! The table is one of [`Outbox`]'s, never a caller's string.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use crate::{Result, Store, on_pool};

/// The outbox tables.
#[derive(Clone, Copy)]
pub(crate) enum Outbox {
    Mail,
    Sms,
}

impl Outbox {
    fn table(self) -> &'static str {
        match self {
            Outbox::Mail => "mail_outbox",
            Outbox::Sms => "sms_outbox",
        }
    }
}

impl Store {
    /// Claims the oldest due message of `outbox` for `lease_seconds`: no other worker takes it
    /// meanwhile. `returning` lists the columns of `T`.
    pub(crate) async fn claim<T>(
        &self,
        outbox: Outbox,
        returning: &str,
        now: i64,
        lease_seconds: i64,
    ) -> Result<Option<T>>
    where
        T: for<'r> FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
    {
        let table = outbox.table();
        // The condition is repeated outside the subquery: under concurrency PostgreSQL
        // re-checks it on the row it waited for, so two workers never claim the same one.
        let sql = format!(
            "UPDATE {table} SET locked_until_unix = $1 \
             WHERE id = (SELECT id FROM {table} WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_unix <= $2 \
                         AND (locked_until_unix IS NULL OR locked_until_unix < $2) ORDER BY id LIMIT 1) \
             AND sent_at IS NULL AND failed_at IS NULL AND (locked_until_unix IS NULL OR locked_until_unix < $2) \
             RETURNING {returning}"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&sql)
                .bind(now + lease_seconds)
                .bind(now)
                .fetch_optional(p)
                .await
        })?)
    }

    pub(crate) async fn mark_sent(
        &self,
        outbox: Outbox,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET sent_at = $1, locked_until_unix = NULL, attempts = attempts + 1 WHERE id = $2",
            outbox.table()
        );
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(now)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// A failed attempt: tried again at `retry_at` (unix seconds).
    pub(crate) async fn mark_failed(
        &self,
        outbox: Outbox,
        id: i64,
        error: &str,
        retry_at: i64,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET attempts = attempts + 1, next_attempt_unix = $1, locked_until_unix = NULL, last_error = $2 WHERE id = $3",
            outbox.table()
        );
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(retry_at)
            .bind(error)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// A message that can never be sent: marked failed once, never claimed again.
    pub(crate) async fn mark_abandoned(
        &self,
        outbox: Outbox,
        id: i64,
        error: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let sql = format!(
            "UPDATE {} SET attempts = attempts + 1, failed_at = $1, locked_until_unix = NULL, last_error = $2 WHERE id = $3",
            outbox.table()
        );
        on_pool!(self, |p| sqlx::query(&sql)
            .bind(now)
            .bind(error)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
