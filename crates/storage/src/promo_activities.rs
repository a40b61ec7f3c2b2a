//! The activities of a promo, what its members attended (from the attendance sheets), a young
//! person's registrations and attendance history, and the promo's private calendar link.

use chrono::{DateTime, Utc};

use crate::activities::{Activity, Registration, SELECT_REG};
use crate::{Result, Store, on_pool};

/// A registration belongs to a record when a counselor made it for them, or when it carries
/// the record's e-mail or phone (the young person registered on their own): `r` the
/// registration, `y` the record.
const OF_RECORD: &str = "(r.young_person_id = y.id OR (y.email IS NOT NULL AND LOWER(r.email) = y.email) \
     OR (y.phone IS NOT NULL AND r.phone = y.phone))";

impl Store {
    /// The activities of a promo, in their order, cancelled ones too.
    pub async fn promo_activities(&self, promo: i64) -> Result<Vec<Activity>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{} WHERE a.promo_id = $1 ORDER BY a.starts_unix, a.id",
            crate::activities::SELECT
        ))
        .bind(promo)
        .fetch_all(p)
        .await)?)
    }

    /// A record's registrations to activities, the latest first.
    pub async fn registrations_of_young_person(&self, id: i64) -> Result<Vec<Registration>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{SELECT_REG} WHERE id IN (SELECT r.id FROM activity_registrations r JOIN young_people y ON y.id = $1 \
             WHERE {OF_RECORD}) ORDER BY id DESC"
        ))
        .bind(id)
        .fetch_all(p)
        .await
        })?)
    }

    /// For each member of a promo, the activities they attended (marked present on a seat of
    /// an activity not cancelled, whichever promo or none): (record, start, end).
    pub async fn promo_attendance(
        &self,
        promo: i64,
    ) -> Result<Vec<(i64, DateTime<Utc>, DateTime<Utc>)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "SELECT DISTINCT y.id, a.starts_at, a.ends_at FROM promo_members m \
             JOIN young_people y ON y.id = m.young_person_id \
             JOIN activity_registrations r ON {OF_RECORD} \
             JOIN activities a ON a.id = r.activity_id \
             WHERE m.promo_id = $1 AND r.status = 'inscrit' AND r.attendance = 'present' AND NOT a.cancelled \
             ORDER BY y.id, a.starts_at"
        ))
        .bind(promo)
        .fetch_all(p)
        .await
        })?)
    }

    /// Replaces the promo's calendar link by the one of this hash: the old one stops working.
    pub async fn renew_promo_calendar(
        &self,
        promo: i64,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO promo_calendars (promo_id, token_hash, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (promo_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at"
        )
        .bind(promo)
        .bind(token_hash)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        Ok(())
    }

    /// When the promo's live calendar link was made, if it has one.
    pub async fn promo_calendar_since(&self, promo: i64) -> Result<Option<DateTime<Utc>>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT created_at FROM promo_calendars WHERE promo_id = $1"
        )
        .bind(promo)
        .fetch_optional(p)
        .await)?)
    }

    /// The promo whose live calendar link has this hash: (promo, the stored hash).
    pub async fn promo_of_calendar(&self, token_hash: &str) -> Result<Option<(i64, String)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT promo_id, token_hash FROM promo_calendars WHERE token_hash = $1"
        )
        .bind(token_hash)
        .fetch_optional(p)
        .await)?)
    }
}
