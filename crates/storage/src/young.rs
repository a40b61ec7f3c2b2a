//! The young people counselors follow: their records, the applications linked to them, and
//! what the right of access, erasure and retention need.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::young::YoungPersonInput;

use crate::applications::Application;
use crate::{Result, Store, on_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct YoungPerson {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: NaiveDate,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub guardian_name: Option<String>,
    pub guardian_email: Option<String>,
    pub guardian_phone: Option<String>,
    pub commune_code: String,
    /// ROME codes separated by `|`.
    pub rome_codes: String,
    pub licence: bool,
    pub vehicle: bool,
    pub counselor_id: Option<i64>,
    pub counselor_email: Option<String>,
    pub status: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl YoungPerson {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

pub(crate) const SELECT_YOUNG: &str = "SELECT y.id, y.first_name, y.last_name, y.birth_date, y.email, y.phone, y.guardian_name, \
     y.guardian_email, y.guardian_phone, y.commune_code, y.rome_codes, y.licence, y.vehicle, y.counselor_id, \
     u.email AS counselor_email, y.status, y.notes, y.created_at, y.updated_at \
     FROM young_people y LEFT JOIN users u ON u.id = y.counselor_id";

fn trades(y: &YoungPersonInput) -> String {
    y.trades
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join("|")
}

impl Store {
    pub async fn create_young_person(
        &self,
        y: &YoungPersonInput,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
            "INSERT INTO young_people (first_name, last_name, birth_date, email, phone, guardian_name, guardian_email, \
             guardian_phone, commune_code, rome_codes, licence, vehicle, counselor_id, status, notes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
        )
        .bind(&y.first_name)
        .bind(&y.last_name)
        .bind(y.birth_date)
        .bind(y.email.as_ref().map(|e| e.as_str().to_lowercase()))
        .bind(y.phone.as_ref().map(|t| t.as_str()))
        .bind(&y.guardian_name)
        .bind(y.guardian_email.as_ref().map(|e| e.as_str().to_lowercase()))
        .bind(y.guardian_phone.as_ref().map(|t| t.as_str()))
        .bind(y.commune.as_str())
        .bind(trades(y))
        .bind(y.licence)
        .bind(y.vehicle)
        .bind(y.counselor_id)
        .bind(y.status.as_str())
        .bind(&y.notes)
        .bind(now)
        .fetch_one(p)
        .await
        })?)
    }

    /// Rewrites the record; false when there is none.
    pub async fn update_young_person(
        &self,
        id: i64,
        y: &YoungPersonInput,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_pool!(self, |p| {
            sqlx::query(
            "UPDATE young_people SET first_name = $1, last_name = $2, birth_date = $3, email = $4, phone = $5, \
             guardian_name = $6, guardian_email = $7, guardian_phone = $8, commune_code = $9, rome_codes = $10, \
             licence = $11, vehicle = $12, counselor_id = $13, status = $14, notes = $15, updated_at = $16 WHERE id = $17",
        )
        .bind(&y.first_name)
        .bind(&y.last_name)
        .bind(y.birth_date)
        .bind(y.email.as_ref().map(|e| e.as_str().to_lowercase()))
        .bind(y.phone.as_ref().map(|t| t.as_str()))
        .bind(&y.guardian_name)
        .bind(y.guardian_email.as_ref().map(|e| e.as_str().to_lowercase()))
        .bind(y.guardian_phone.as_ref().map(|t| t.as_str()))
        .bind(y.commune.as_str())
        .bind(trades(y))
        .bind(y.licence)
        .bind(y.vehicle)
        .bind(y.counselor_id)
        .bind(y.status.as_str())
        .bind(&y.notes)
        .bind(now)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    pub async fn young_person(&self, id: i64) -> Result<Option<YoungPerson>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_YOUNG} WHERE y.id = $1"
        ))
        .bind(id)
        .fetch_optional(p)
        .await)?)
    }

    /// Every record, or those of one counselor, by name.
    pub async fn young_people(&self, counselor: Option<i64>) -> Result<Vec<YoungPerson>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{SELECT_YOUNG} WHERE ($1 IS NULL OR y.counselor_id = $1) ORDER BY y.last_name, y.first_name, y.id"
        ))
        .bind(counselor)
        .fetch_all(p)
        .await
        })?)
    }

    /// The records of a person found by their e-mail or phone (their own, or as a minor's
    /// guardian: both are personal data of whoever asks).
    pub async fn young_people_of_person(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Vec<YoungPerson>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_YOUNG} WHERE ($1 IS NOT NULL AND (y.email = $1 OR y.guardian_email = $1)) \
             OR ($2 IS NOT NULL AND (y.phone = $2 OR y.guardian_phone = $2)) ORDER BY y.id"
        ))
        .bind(email.map(str::to_lowercase))
        .bind(phone)
        .fetch_all(p)
        .await)?)
    }

    /// Erases a record with its car-pool opt-ins, memberships, milestones, the registrations a counselor made
    /// for it and its links (the applications stay:
    /// they are erased on their own terms).
    pub async fn delete_young_person(&self, id: i64) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for sql in crate::carpool::erase_of_young_person() {
                sqlx::query(&sql).bind(id).execute(&mut *tx).await?;
            }
            for sql in [
                "DELETE FROM activity_registrations WHERE young_person_id = $1",
                "DELETE FROM milestones WHERE young_person_id = $1",
                "DELETE FROM promo_members WHERE young_person_id = $1",
                "DELETE FROM young_person_applications WHERE young_person_id = $1",
                "DELETE FROM young_people WHERE id = $1",
            ] {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Records untouched since `before`, with no milestone recorded since either.
    pub async fn young_people_to_forget(&self, before: DateTime<Utc>) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
            "SELECT y.id FROM young_people y WHERE y.updated_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM milestones m WHERE m.young_person_id = y.id AND m.recorded_at >= $1) ORDER BY y.id"
        )
        .bind(before)
        .fetch_all(p)
        .await
        })?)
    }

    /// A counselor attaches an application to the record.
    pub async fn attach_application(
        &self,
        young_person_id: i64,
        application_id: i64,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO young_person_applications (young_person_id, application_id) VALUES ($1, $2) \
             ON CONFLICT (young_person_id, application_id) DO NOTHING",
        )
        .bind(young_person_id)
        .bind(application_id)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        Ok(())
    }

    /// The applications of a record: made with the same e-mail or phone, or attached.
    pub async fn applications_of_young_person(&self, id: i64) -> Result<Vec<Application>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{} WHERE id IN (SELECT application_id FROM young_person_applications WHERE young_person_id = $1) \
             OR EXISTS (SELECT 1 FROM young_people y WHERE y.id = $1 AND \
               ((y.email IS NOT NULL AND lower(applications.email) = y.email) OR (y.phone IS NOT NULL AND applications.phone = y.phone))) \
             ORDER BY id",
            crate::applications::SELECT
        ))
        .bind(id)
        .fetch_all(p)
        .await
        })?)
    }
}
