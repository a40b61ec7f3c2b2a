//! Saved-search alerts: an address and a search, pending until confirmed, then one message per
//! edition with its new matching offers. Every link of every mail has its own token, stored
//! hashed; a delivery is recorded in the same transaction as its outbox message, so that a
//! restart or a second instance never sends one twice nor loses one.

use chrono::{DateTime, Utc};

use crate::{Result, Store, on_pool};

/// An alert as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Alert {
    pub id: i64,
    pub email: String,
    /// The search, as a results page's query string.
    pub search: String,
    pub label: String,
    pub created_unix: i64,
    pub confirmed_unix: Option<i64>,
    /// Last sign of interest: confirmation, a click in a mail, "garder".
    pub active_unix: i64,
    pub notice_unix: Option<i64>,
}

/// What a link's token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertLink {
    Confirm,
    Unsubscribe,
    Click,
    Keep,
}

impl AlertLink {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirmation",
            Self::Unsubscribe => "desinscription",
            Self::Click => "clic",
            Self::Keep => "garder",
        }
    }
}

/// A message of an alert, queued with its delivery or its notice.
#[derive(Debug, Clone)]
pub struct AlertMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub list_unsubscribe: Option<String>,
    /// (token hash, purpose) of the links it carries.
    pub links: Vec<(String, AlertLink)>,
}

/// Counts the back office may see: never an address.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertCounts {
    pub active: i64,
    pub pending: i64,
    pub confirmed_since: i64,
}

const COLUMNS: &str =
    "id, email, search, label, created_unix, confirmed_unix, active_unix, notice_unix";

/// Queues `$mail` inside transaction `$tx`; evaluates to the message's id.
macro_rules! queue_mail {
    ($tx:expr, $mail:expr, $now:expr) => {{
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO mail_outbox (to_addr, subject, text_body, html_body, created_at, attempts, next_attempt_unix, list_unsubscribe) \
             VALUES ($1, $2, $3, $4, $5, 0, $6, $7) RETURNING id",
        )
        .bind(&$mail.to)
        .bind(&$mail.subject)
        .bind(&$mail.text)
        .bind($mail.html.as_deref())
        .bind($now)
        .bind($now.timestamp())
        .bind($mail.list_unsubscribe.as_deref())
        .fetch_one(&mut *$tx)
        .await?;
        id
    }};
}

/// Records the links of a message inside `$tx`.
macro_rules! insert_links {
    ($tx:expr, $alert:expr, $links:expr, $now:expr) => {
        for (hash, purpose) in $links {
            sqlx::query(
                "INSERT INTO alert_tokens (token_hash, alert_id, purpose, created_unix) VALUES ($1, $2, $3, $4)",
            )
            .bind(hash)
            .bind($alert)
            .bind(purpose.as_str())
            .bind($now.timestamp())
            .execute(&mut *$tx)
            .await?;
        }
    };
}

impl Store {
    /// The alert of this address for this search, if any.
    pub async fn alert_of(&self, email: &str, search: &str) -> Result<Option<Alert>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM alerts WHERE email = $1 AND search = $2"
            ))
            .bind(email)
            .bind(search)
            .fetch_optional(p)
            .await
        })?)
    }

    /// Every alert of an address (export, erasure, the limit per address).
    pub async fn alerts_of_email(&self, email: &str) -> Result<Vec<Alert>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM alerts WHERE email = $1 ORDER BY id"
            ))
            .bind(email)
            .fetch_all(p)
            .await
        })?)
    }

    /// A pending alert with its confirmation message, or, for a pending alert of the same
    /// search, a new confirmation link (the old one stops working) and message. Returns the
    /// alert's id.
    pub async fn request_alert(
        &self,
        email: &str,
        search: &str,
        label: &str,
        mail: &AlertMail,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let existing: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM alerts WHERE email = $1 AND search = $2 AND confirmed_unix IS NULL",
            )
            .bind(email)
            .bind(search)
            .fetch_optional(&mut *tx)
            .await?;
            let id = match existing {
                Some(id) => {
                    sqlx::query("DELETE FROM alert_tokens WHERE alert_id = $1 AND purpose = 'confirmation'")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    id
                }
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO alerts (email, search, label, created_unix, active_unix) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                    )
                    .bind(email)
                    .bind(search)
                    .bind(label)
                    .bind(now.timestamp())
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            insert_links!(tx, id, &mail.links, now);
            queue_mail!(tx, mail, now);
            tx.commit().await?;
            Ok(id)
        })
    }

    /// A confirmed alert, without the mails of the double opt-in: for the demo territory only.
    pub async fn add_confirmed_alert(
        &self,
        email: &str,
        search: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO alerts (email, search, label, created_unix, confirmed_unix, active_unix) VALUES ($1, $2, $3, $4, $4, $4) RETURNING id",
            )
            .bind(email)
            .bind(search)
            .bind(label)
            .bind(now.timestamp())
            .fetch_one(p)
            .await
        })?)
    }

    /// A message about an address's alerts that creates nothing (the limit is reached).
    pub async fn queue_alert_mail(&self, mail: &AlertMail, now: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            queue_mail!(tx, mail, now);
            tx.commit().await
        })?;
        Ok(())
    }

    /// The alert a link leads to, if the link exists for that purpose.
    pub async fn alert_by_link(
        &self,
        token_hash: &str,
        purpose: AlertLink,
    ) -> Result<Option<Alert>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM alerts WHERE id = (SELECT alert_id FROM alert_tokens WHERE token_hash = $1 AND purpose = $2)"
            ))
            .bind(token_hash)
            .bind(purpose.as_str())
            .fetch_optional(p)
            .await
        })?)
    }

    /// Confirms the alert of a confirmation link, once: the link is used up. `None` for an
    /// unknown or used link.
    pub async fn confirm_alert(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Alert>> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let id: Option<i64> = sqlx::query_scalar(
                "DELETE FROM alert_tokens WHERE token_hash = $1 AND purpose = 'confirmation' RETURNING alert_id",
            )
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(id) = id else {
                tx.rollback().await?;
                return Ok(None);
            };
            let alert: Alert = sqlx::query_as(&format!(
                "UPDATE alerts SET confirmed_unix = COALESCE(confirmed_unix, $1), active_unix = $1, notice_unix = NULL \
                 WHERE id = $2 RETURNING {COLUMNS}"
            ))
            .bind(now.timestamp())
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(alert))
        })
    }

    /// Erases the alert an unsubscribe link names, with its links and deliveries; false if
    /// there is none (already unsubscribed, unknown link).
    pub async fn unsubscribe_alert(&self, token_hash: &str) -> Result<bool> {
        Ok(on_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM alerts WHERE id = (SELECT alert_id FROM alert_tokens WHERE token_hash = $1 AND purpose = 'desinscription')",
            )
            .bind(token_hash)
            .execute(p)
            .await
            .map(|r| r.rows_affected() > 0)
        })?)
    }

    /// A sign of interest through a link (a click on an offer, "garder"): the retention
    /// starts again. False for an unknown link.
    pub async fn touch_alert(
        &self,
        token_hash: &str,
        purpose: AlertLink,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(on_pool!(self, |p| {
            sqlx::query(
                "UPDATE alerts SET active_unix = $1, notice_unix = NULL \
                 WHERE confirmed_unix IS NOT NULL AND id = (SELECT alert_id FROM alert_tokens WHERE token_hash = $2 AND purpose = $3)",
            )
            .bind(now.timestamp())
            .bind(token_hash)
            .bind(purpose.as_str())
            .execute(p)
            .await
            .map(|r| r.rows_affected() > 0)
        })?)
    }

    /// Editions published since `since` whose alerts have not all been looked at, oldest first.
    pub async fn editions_awaiting_alerts(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(i64, DateTime<Utc>)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT number, published_at FROM editions WHERE published_at >= $1 \
                 AND number NOT IN (SELECT edition_number FROM alert_rounds) ORDER BY number",
            )
            .bind(since)
            .fetch_all(p)
            .await
        })?)
    }

    /// Alerts confirmed at or before `at` that edition `edition` has not been delivered to.
    pub async fn alerts_awaiting(&self, edition: i64, at: i64) -> Result<Vec<Alert>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM alerts WHERE confirmed_unix IS NOT NULL AND confirmed_unix <= $1 \
                 AND id NOT IN (SELECT alert_id FROM alert_deliveries WHERE edition_number = $2) ORDER BY id"
            ))
            .bind(at)
            .bind(edition)
            .fetch_all(p)
            .await
        })?)
    }

    /// Records that edition `edition` was looked at for `alert` (`offers` matched) and queues
    /// its message, in one transaction; false if it was already (another instance, a round
    /// that started again): then nothing is queued.
    pub async fn deliver_alert(
        &self,
        alert: i64,
        edition: i64,
        offers: i64,
        mail: Option<&AlertMail>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "INSERT INTO alert_deliveries (alert_id, edition_number, offers, at_unix) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (alert_id, edition_number) DO NOTHING",
            )
            .bind(alert)
            .bind(edition)
            .bind(offers)
            .bind(now.timestamp())
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            if let Some(mail) = mail {
                let mail_id = queue_mail!(tx, mail, now);
                sqlx::query("UPDATE alert_deliveries SET mail_id = $1 WHERE alert_id = $2 AND edition_number = $3")
                    .bind(mail_id)
                    .bind(alert)
                    .bind(edition)
                    .execute(&mut *tx)
                    .await?;
                insert_links!(tx, alert, &mail.links, now);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Every alert has been looked at for this edition.
    pub async fn alert_round_done(&self, edition: i64, now: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("INSERT INTO alert_rounds (edition_number, done_unix) VALUES ($1, $2) ON CONFLICT (edition_number) DO NOTHING")
                .bind(edition)
                .bind(now.timestamp())
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Confirmed alerts without a sign of interest since `before`, not yet told.
    pub async fn alerts_to_warn(&self, before: i64) -> Result<Vec<Alert>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM alerts WHERE confirmed_unix IS NOT NULL AND active_unix < $1 AND notice_unix IS NULL ORDER BY id"
            ))
            .bind(before)
            .fetch_all(p)
            .await
        })?)
    }

    /// Marks the alert told and queues the notice, once (false if another round did).
    pub async fn warn_alert(
        &self,
        alert: i64,
        mail: &AlertMail,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let marked = sqlx::query(
                "UPDATE alerts SET notice_unix = $1 WHERE id = $2 AND notice_unix IS NULL",
            )
            .bind(now.timestamp())
            .bind(alert)
            .execute(&mut *tx)
            .await?;
            if marked.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            queue_mail!(tx, mail, now);
            insert_links!(tx, alert, &mail.links, now);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Erases alerts left unconfirmed since `pending_before`, and those without a sign of
    /// interest since `inactive_before` whose notice went out before `told_before`. Returns
    /// how many.
    pub async fn forget_alerts(
        &self,
        pending_before: i64,
        inactive_before: i64,
        told_before: i64,
    ) -> Result<u64> {
        Ok(on_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM alerts WHERE (confirmed_unix IS NULL AND created_unix < $1) \
                 OR (confirmed_unix IS NOT NULL AND active_unix < $2 AND notice_unix IS NOT NULL AND notice_unix < $3)",
            )
            .bind(pending_before)
            .bind(inactive_before)
            .bind(told_before)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?)
    }

    /// Erases every alert of an address (a request for erasure); returns how many.
    pub async fn delete_alerts_of_email(&self, email: &str) -> Result<u64> {
        Ok(on_pool!(self, |p| {
            sqlx::query("DELETE FROM alerts WHERE email = $1")
                .bind(email)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?)
    }

    /// Active and pending alerts, and those confirmed since `since` (unix seconds).
    pub async fn alert_counts(&self, since: i64) -> Result<AlertCounts> {
        let (active, pending, confirmed_since): (i64, i64, i64) = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT COALESCE(SUM(CASE WHEN confirmed_unix IS NOT NULL THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN confirmed_unix IS NULL THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN confirmed_unix >= $1 THEN 1 ELSE 0 END), 0) FROM alerts",
            )
            .bind(since)
            .fetch_one(p)
            .await
        })?;
        Ok(AlertCounts {
            active,
            pending,
            confirmed_since,
        })
    }

    /// Deliveries of an alert: (edition, offers matched, whether a message went out).
    pub async fn alert_deliveries(&self, alert: i64) -> Result<Vec<(i64, i64, bool)>> {
        let rows: Vec<(i64, i64, Option<i64>)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT edition_number, offers, mail_id FROM alert_deliveries WHERE alert_id = $1 ORDER BY edition_number",
            )
            .bind(alert)
            .fetch_all(p)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(e, n, m)| (e, n, m.is_some()))
            .collect())
    }
}
