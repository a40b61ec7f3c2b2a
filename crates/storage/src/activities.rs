//! Activities and their registrations: seats given and taken back in one transaction (so the
//! waiting list moves up exactly once), the limits per person, the attendance sheet, the
//! reminders claimed once, and a person's registrations for export and erasure.

use chrono::{DateTime, Utc};
use tremplin_domain::Invalid;
use tremplin_domain::activity::{ActivityInput, ActivityKind, Attendance, RegistrationStatus};

use crate::{Result, Store, StoreError, on_pool};

/// At most this many registrations by one person in 24 hours, all events together.
pub const MAX_REGISTRATIONS_PER_DAY: i64 = 10;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Activity {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ActivityKind,
    pub title: String,
    pub description: String,
    pub is_public: bool,
    pub commune_code: Option<String>,
    pub address: String,
    pub video_url: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: i64,
    pub leader: String,
    pub organiser_email: Option<String>,
    pub audience: String,
    pub guardian_required: bool,
    pub training_centre_id: Option<i64>,
    pub tutor: Option<String>,
    pub agreement: Option<String>,
    pub promo_id: Option<i64>,
    pub cancelled: bool,
    pub sequence: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Seats taken (registrations `inscrit`).
    pub seated: i64,
    pub waiting: i64,
}

pub(crate) const SELECT: &str = "SELECT a.id, a.kind, a.title, a.description, a.is_public, a.commune_code, a.address, a.video_url, \
     a.starts_at, a.ends_at, a.capacity, a.leader, a.organiser_email, a.audience, a.guardian_required, a.training_centre_id, \
     a.tutor, a.agreement, a.promo_id, a.cancelled, a.sequence, a.created_at, a.updated_at, \
     (SELECT COUNT(*) FROM activity_registrations r WHERE r.activity_id = a.id AND r.status = 'inscrit') AS seated, \
     (SELECT COUNT(*) FROM activity_registrations r WHERE r.activity_id = a.id AND r.status = 'attente') AS waiting \
     FROM activities a";

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Registration {
    pub id: i64,
    pub activity_id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub commune_code: String,
    pub minor: bool,
    pub guardian_name: Option<String>,
    pub guardian_phone: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: RegistrationStatus,
    pub attendance: Option<String>,
    /// The record of a promo member a counselor registered.
    pub young_person_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Registration {
    pub fn attendance(&self) -> Option<Attendance> {
        self.attendance.as_deref().and_then(Attendance::parse)
    }
}

pub(crate) const SELECT_REG: &str = "SELECT id, activity_id, first_name, last_name, email, phone, commune_code, minor, guardian_name, \
     guardian_phone, status, attendance, young_person_id, created_at, updated_at FROM activity_registrations";

pub(crate) fn refused(message: &str) -> StoreError {
    StoreError::Invalid(Invalid::new("inscription", message))
}

impl Store {
    /// Stores a new activity; its id.
    pub async fn create_activity(
        &self,
        a: &ActivityInput,
        promo_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO activities (kind, title, description, is_public, commune_code, address, video_url, starts_at, \
                 starts_unix, ends_at, ends_unix, capacity, leader, organiser_email, audience, guardian_required, training_centre_id, \
                 tutor, agreement, promo_id, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $21, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20) RETURNING id",
            )
            .bind(a.kind.as_str())
            .bind(&a.title)
            .bind(&a.description)
            .bind(a.public)
            .bind(a.commune.as_ref().map(|c| c.as_str()))
            .bind(&a.address)
            .bind(a.video_url.as_ref().map(|u| u.as_str()))
            .bind(a.starts_at)
            .bind(a.starts_at.timestamp())
            .bind(a.ends_at)
            .bind(a.capacity)
            .bind(&a.leader)
            .bind(a.organiser_email.as_ref().map(|e| e.as_str()))
            .bind(&a.audience)
            .bind(a.guardian_required)
            .bind(a.training_centre_id)
            .bind(a.immersion.as_ref().map(|i| i.tutor.as_str()))
            .bind(a.immersion.as_ref().map(|i| i.agreement.as_str()))
            .bind(promo_id)
            .bind(now)
            .bind(a.ends_at.timestamp())
            .fetch_one(&mut *tx)
            .await?;
            for c in &a.company_ids {
                sqlx::query("INSERT INTO activity_companies (activity_id, company_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(c)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Changes an activity; its calendar SEQUENCE goes up so that calendars replace it.
    pub async fn update_activity(
        &self,
        id: i64,
        a: &ActivityInput,
        promo_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE activities SET kind = $1, title = $2, description = $3, is_public = $4, commune_code = $5, address = $6, \
                 video_url = $7, starts_at = $8, starts_unix = $9, ends_at = $10, ends_unix = $21, capacity = $11, leader = $12, organiser_email = $13, \
                 audience = $14, guardian_required = $15, training_centre_id = $16, tutor = $17, agreement = $18, \
                 promo_id = $22, sequence = sequence + 1, updated_at = $19 WHERE id = $20",
            )
            .bind(a.kind.as_str())
            .bind(&a.title)
            .bind(&a.description)
            .bind(a.public)
            .bind(a.commune.as_ref().map(|c| c.as_str()))
            .bind(&a.address)
            .bind(a.video_url.as_ref().map(|u| u.as_str()))
            .bind(a.starts_at)
            .bind(a.starts_at.timestamp())
            .bind(a.ends_at)
            .bind(a.capacity)
            .bind(&a.leader)
            .bind(a.organiser_email.as_ref().map(|e| e.as_str()))
            .bind(&a.audience)
            .bind(a.guardian_required)
            .bind(a.training_centre_id)
            .bind(a.immersion.as_ref().map(|i| i.tutor.as_str()))
            .bind(a.immersion.as_ref().map(|i| i.agreement.as_str()))
            .bind(now)
            .bind(id)
            .bind(a.ends_at.timestamp())
            .bind(promo_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM activity_companies WHERE activity_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for c in &a.company_ids {
                sqlx::query("INSERT INTO activity_companies (activity_id, company_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(c)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Cancels an activity (it stays, marked cancelled, for calendars to learn of it).
    pub async fn cancel_activity(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let n = on_pool!(self, |p| {
            sqlx::query(
            "UPDATE activities SET cancelled = TRUE, sequence = sequence + 1, updated_at = $1 WHERE id = $2 AND NOT cancelled"
        )
        .bind(now)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    pub async fn activity(&self, id: i64) -> Result<Option<Activity>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT} WHERE a.id = $1"
        ))
        .bind(id)
        .fetch_optional(p)
        .await)?)
    }

    /// Every activity ending after `since`, soonest first (the back office's list).
    pub async fn activities_since(&self, since: DateTime<Utc>) -> Result<Vec<Activity>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT} WHERE a.ends_unix >= $1 ORDER BY a.starts_unix, a.id"
        ))
        .bind(since.timestamp())
        .fetch_all(p)
        .await)?)
    }

    /// Public activities ending after `since`, soonest first; cancelled ones only when
    /// `with_cancelled` (the calendar feed keeps them so that calendars drop them).
    pub async fn public_activities(
        &self,
        since: DateTime<Utc>,
        with_cancelled: bool,
    ) -> Result<Vec<Activity>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{SELECT} WHERE a.is_public AND a.ends_unix >= $1 AND ($2 OR NOT a.cancelled) ORDER BY a.starts_unix, a.id"
        ))
        .bind(since.timestamp())
        .bind(with_cancelled)
        .fetch_all(p)
        .await
        })?)
    }

    /// The companies an activity involves: (id, name), by name.
    pub async fn activity_companies(&self, id: i64) -> Result<Vec<(i64, String)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT c.id, c.name FROM activity_companies ac JOIN companies c ON c.id = ac.company_id \
             WHERE ac.activity_id = $1 ORDER BY c.name, c.id"
        )
        .bind(id)
        .fetch_all(p)
        .await
        })?)
    }

    /// The network's companies to choose from: (id, name), by name.
    pub async fn company_choices(&self) -> Result<Vec<(i64, String)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT id, name FROM companies ORDER BY name, id"
        )
        .fetch_all(p)
        .await)?)
    }
}

impl Store {
    pub async fn registration_by_cancel_link(&self, hash: &str) -> Result<Option<Registration>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_REG} WHERE cancel_token_hash = $1"
        ))
        .bind(hash)
        .fetch_optional(p)
        .await)?)
    }

    pub async fn registration(&self, id: i64) -> Result<Option<Registration>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_REG} WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(p)
        .await)?)
    }

    /// Cancels a registration; when it held a seat, the first on the waiting list takes it
    /// and is returned (to be told). Cancelling twice changes nothing.
    pub async fn cancel_registration(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Registration>> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("UPDATE revision_counter SET value = value WHERE id = 1")
                .execute(&mut *tx)
                .await?;
            let before: Option<(i64, String)> = sqlx::query_as(
                "SELECT activity_id, status FROM activity_registrations WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((activity_id, status)) = before else {
                return Ok(None);
            };
            if status == "annule" {
                return Ok(None);
            }
            sqlx::query("UPDATE activity_registrations SET status = 'annule', updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let mut promoted = None;
            if status == "inscrit" {
                let next: Option<Registration> = sqlx::query_as(&format!(
                    "{SELECT_REG} WHERE activity_id = $1 AND status = 'attente' ORDER BY id LIMIT 1"
                ))
                .bind(activity_id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(mut n) = next {
                    sqlx::query("UPDATE activity_registrations SET status = 'inscrit', updated_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(n.id)
                        .execute(&mut *tx)
                        .await?;
                    n.status = RegistrationStatus::Inscrit;
                    promoted = Some(n);
                }
            }
            tx.commit().await?;
            Ok(promoted)
        })
    }

    /// The registrations of an activity, in the order they came.
    pub async fn registrations(&self, activity_id: i64) -> Result<Vec<Registration>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_REG} WHERE activity_id = $1 ORDER BY id"
        ))
        .bind(activity_id)
        .fetch_all(p)
        .await)?)
    }

    /// Marks a registrant present, absent or excused (by the counselor `user_id`; none for
    /// the demo's history).
    pub async fn set_attendance(
        &self,
        activity_id: i64,
        registration_id: i64,
        attendance: Attendance,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let n = on_pool!(self, |p| {
            sqlx::query(
            "UPDATE activity_registrations SET attendance = $1, attendance_by = $2, updated_at = $3 \
             WHERE id = $4 AND activity_id = $5 AND status = 'inscrit'"
        )
        .bind(attendance.as_str())
        .bind(user_id)
        .bind(now)
        .bind(registration_id)
        .bind(activity_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n == 1)
    }

    /// A person's registrations (by e-mail or phone), newest first.
    pub async fn registrations_of_person(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Vec<Registration>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{SELECT_REG} WHERE ($1 IS NOT NULL AND LOWER(email) = $1) OR ($2 IS NOT NULL AND (phone = $2 OR guardian_phone = $2)) \
             ORDER BY id DESC"
        ))
        .bind(email.map(str::to_lowercase))
        .bind(phone)
        .fetch_all(p)
        .await
        })?)
    }

    /// Erases a person's registrations; how many.
    pub async fn delete_registrations_of_person(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<u64> {
        Ok(on_pool!(self, |p| sqlx::query(
            "DELETE FROM activity_registrations WHERE ($1 IS NOT NULL AND LOWER(email) = $1) \
             OR ($2 IS NOT NULL AND (phone = $2 OR guardian_phone = $2))"
        )
        .bind(email.map(str::to_lowercase))
        .bind(phone)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?)
    }

    /// Erases the registrations of activities that started before `before`; how many.
    pub async fn forget_registrations(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(on_pool!(self, |p| {
            sqlx::query(
            "DELETE FROM activity_registrations WHERE activity_id IN (SELECT id FROM activities WHERE starts_unix < $1)"
        )
        .bind(before.timestamp())
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?)
    }

    /// The seated registrants of events starting within `horizon_seconds` of `now` who have
    /// not been reminded yet, marked reminded in the same transaction: each is returned once,
    /// whatever the number of instances or rounds.
    pub async fn claim_reminders(
        &self,
        now: DateTime<Utc>,
        horizon_seconds: i64,
    ) -> Result<Vec<Registration>> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let due: Vec<Registration> = sqlx::query_as(&format!(
                "{SELECT_REG} WHERE status = 'inscrit' AND reminded_unix IS NULL AND activity_id IN \
                 (SELECT id FROM activities WHERE NOT cancelled AND starts_unix > $1 AND starts_unix <= $2) ORDER BY id"
            ))
            .bind(now.timestamp())
            .bind(now.timestamp() + horizon_seconds)
            .fetch_all(&mut *tx)
            .await?;
            let mut claimed = Vec::with_capacity(due.len());
            for r in due {
                let n = sqlx::query("UPDATE activity_registrations SET reminded_unix = $1 WHERE id = $2 AND reminded_unix IS NULL")
                    .bind(now.timestamp())
                    .bind(r.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 1 {
                    claimed.push(r);
                }
            }
            tx.commit().await?;
            Ok(claimed)
        })
    }
}
