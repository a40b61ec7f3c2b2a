//! Applications: stored with their limits checked in the same transaction, found again by the
//! young person's or the employer's private link, and their pipeline kept as events.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::application::{ApplicationInput, ApplicationStatus};
use tremplin_domain::{Invalid, OfferStatus};

use crate::{Result, Store, StoreError, on_pool};

/// At most this many applications by one person to one offer, and in a day.
pub const MAX_PER_OFFER: i64 = 3;
pub const MAX_PER_DAY: i64 = 20;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Application {
    pub id: i64,
    pub offer_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub commune_code: String,
    pub birth_date: NaiveDate,
    pub mobility: String,
    pub message: String,
    #[sqlx(try_from = "String")]
    pub status: ApplicationStatus,
    pub answer_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub cv_path: Option<String>,
    pub cv_name: Option<String>,
    pub cv_type: Option<String>,
}

pub(crate) const SELECT: &str = "SELECT id, offer_id, first_name, last_name, email, phone, commune_code, birth_date, mobility, message, \
     status, answer_reason, created_at, updated_at, cv_path, cv_name, cv_type FROM applications";

impl Store {
    /// Stores an application unless the person is over a limit (a French message says which).
    pub async fn create_application(
        &self,
        offer_id: i64,
        a: &ApplicationInput,
        cv: Option<&crate::Attachment>,
        follow_hash: &str,
        employer_hash: &str,
        channel: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let person = a.person_key();
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            // Taken first: applications by one person are written one at a time, so the limits hold.
            sqlx::query("UPDATE revision_counter SET value = value WHERE id = 1")
                .execute(&mut *tx)
                .await?;
            let same_offer: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM applications WHERE person_key = $1 AND offer_id = $2",
            )
            .bind(&person)
            .bind(offer_id)
            .fetch_one(&mut *tx)
            .await?;
            if same_offer >= MAX_PER_OFFER {
                return Err(StoreError::Invalid(Invalid::new(
                    "candidature",
                    "Vous avez déjà postulé 3 fois à cette offre. Pour relancer l'employeur, contactez la Mission Locale.",
                )));
            }
            let today: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM applications WHERE person_key = $1 AND created_unix > $2",
            )
            .bind(&person)
            .bind(now.timestamp() - 86_400)
            .fetch_one(&mut *tx)
            .await?;
            if today >= MAX_PER_DAY {
                return Err(StoreError::Invalid(Invalid::new(
                    "candidature",
                    "Vous avez envoyé 20 candidatures en 24 heures : c'est le maximum. Reprenez demain, ou voyez un·e conseiller·e pour cibler vos envois.",
                )));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO applications (offer_id, first_name, last_name, email, phone, commune_code, birth_date, mobility, \
                 message, status, follow_token_hash, employer_token_hash, person_key, created_at, created_unix, updated_at, \
                 cv_path, cv_name, cv_type, channel) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'envoyee', $10, $11, $12, $13, $14, $13, $15, $16, $17, $18) RETURNING id",
            )
            .bind(offer_id)
            .bind(&a.first_name)
            .bind(&a.last_name)
            .bind(a.email.as_ref().map(|e| e.as_str()))
            .bind(a.phone.as_ref().map(|t| t.as_str()))
            .bind(a.commune.as_str())
            .bind(a.birth_date)
            .bind(a.mobility.as_str())
            .bind(&a.message)
            .bind(follow_hash)
            .bind(employer_hash)
            .bind(&person)
            .bind(now)
            .bind(now.timestamp())
            .bind(cv.map(|c| c.path.as_str()))
            .bind(cv.map(|c| c.name.as_str()))
            .bind(cv.map(|c| c.content_type.as_str()))
            .bind(channel)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO application_events (application_id, at, status, note) VALUES ($1, $2, 'envoyee', '')")
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn application_by_follow_link(&self, hash: &str) -> Result<Option<Application>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT} WHERE follow_token_hash = $1"
        ))
        .bind(hash)
        .fetch_optional(p)
        .await)?)
    }

    pub async fn application_by_employer_link(&self, hash: &str) -> Result<Option<Application>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT} WHERE employer_token_hash = $1"
        ))
        .bind(hash)
        .fetch_optional(p)
        .await)?)
    }

    /// Moves the application along its pipeline, keeping the step.
    pub async fn set_application_status(
        &self,
        id: i64,
        status: ApplicationStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE applications SET status = $1, answer_reason = COALESCE($2, answer_reason), updated_at = $3 WHERE id = $4")
                .bind(status.as_str())
                .bind(reason)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO application_events (application_id, at, status, note) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(now)
                .bind(status.as_str())
                .bind(reason.unwrap_or(""))
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// (when, status) of every step, oldest first.
    pub async fn application_events(&self, id: i64) -> Result<Vec<(DateTime<Utc>, String)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT at, status FROM application_events WHERE application_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(p)
            .await
        })?)
    }
}

impl Store {
    pub async fn application(&self, id: i64) -> Result<Option<Application>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT} WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(p)
        .await)?)
    }

    /// The latest applications, newest first, for the counselors' pipeline.
    pub async fn applications(&self, limit: i64) -> Result<Vec<Application>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT} ORDER BY id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(p)
        .await)?)
    }
}

impl Store {
    /// Erases an application and its steps; returns the CV's path, for the caller to delete.
    pub async fn delete_application(&self, id: i64) -> Result<Option<String>> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let cv: Option<Option<String>> =
                sqlx::query_scalar("SELECT cv_path FROM applications WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            // Its car-pool opt-ins and the pairs they are in go with it.
            for sql in crate::carpool::erase_of_application() {
                sqlx::query(&sql).bind(id).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM application_events WHERE application_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // Its messages go with it: they carry the person's data, and an id SQLite gives
            // again must not inherit their failures.
            sqlx::query("DELETE FROM mail_outbox WHERE application_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sms_outbox WHERE application_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM applications WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(cv.flatten())
        })
    }

    /// Applications to an offer still waiting for its outcome.
    pub async fn pending_applications(&self, offer_id: i64) -> Result<Vec<Application>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!("{SELECT} WHERE offer_id = $1 AND status IN ('envoyee', 'vue', 'entretien') ORDER BY id"))
                .bind(offer_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// Applications without an answer since before `before` (unix seconds): the counselors'
    /// "relances" worklist.
    pub async fn applications_without_answer(&self, before: i64) -> Result<Vec<Application>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{SELECT} WHERE status IN ('envoyee', 'vue') AND created_unix < $1 ORDER BY id"
            ))
            .bind(before)
            .fetch_all(p)
            .await
        })?)
    }
}

impl Store {
    /// Applications whose last activity is older than `before`: (id, CV path).
    pub async fn applications_to_forget(
        &self,
        before: DateTime<Utc>,
    ) -> Result<Vec<(i64, Option<String>)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as("SELECT id, cv_path FROM applications WHERE updated_at < $1")
                .bind(before)
                .fetch_all(p)
                .await
        })?)
    }

    /// Everything about a person, found by their email or phone (as stored: lower-case email,
    /// ten-digit phone).
    pub async fn applications_of_person(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Vec<Application>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!("{SELECT} WHERE ($1 IS NOT NULL AND lower(email) = $1) OR ($2 IS NOT NULL AND phone = $2) ORDER BY id"))
                .bind(email.map(str::to_lowercase))
                .bind(phone)
                .fetch_all(p)
                .await
        })?)
    }
}

impl Store {
    /// Closed offers (filled, withdrawn, expired) that still have applicants waiting, with their
    /// status: however the offer was closed, its applicants are told.
    pub async fn closed_offers_with_waiting_applicants(&self) -> Result<Vec<(i64, OfferStatus)>> {
        let rows: Vec<(i64, String)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT DISTINCT o.id, o.status FROM applications a JOIN offers o ON o.id = a.offer_id \
                 WHERE a.status IN ('envoyee', 'vue', 'entretien') AND o.status IN ('expiree', 'retiree', 'pourvue') ORDER BY o.id",
            )
            .fetch_all(p)
            .await
        })?;
        rows.into_iter()
            .map(|(id, s)| {
                Ok((
                    id,
                    OfferStatus::try_from(s).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                ))
            })
            .collect()
    }
}
