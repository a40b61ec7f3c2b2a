//! Car-pooling: the opt-ins (from an application or a young person's record), what counselors
//! did with the pairs suggested, and the dated distances pairing uses. An opt-in goes with
//! its application or its record when they are erased (withdrawal, retention, a request).

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Result, Store, on_pool};

/// Whose opt-in this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarpoolOwner {
    Application(i64),
    YoungPerson(i64),
}

/// An opt-in as stored, with the name and contact of whom it belongs to (for the counselor's
/// mail only: pages never show one young person's contact to another).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CarpoolOptin {
    pub id: i64,
    pub application_id: Option<i64>,
    pub young_person_id: Option<i64>,
    pub commune_code: String,
    pub cfa_id: Option<i64>,
    pub area_commune_code: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub minor: bool,
    pub guardian_email: Option<String>,
    pub guardian_agreed_at: Option<DateTime<Utc>>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A new opt-in, checked by the caller (a minor's guardian e-mail is there).
#[derive(Debug, Clone, PartialEq)]
pub struct NewCarpoolOptin {
    pub owner: CarpoolOwner,
    pub commune_code: String,
    pub cfa_id: Option<i64>,
    pub area_commune_code: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub minor: bool,
    pub guardian_email: Option<String>,
    pub created_by: Option<i64>,
}

/// What a counselor did with a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CarpoolOutcome {
    /// « Mise en relation »: both sides were written to.
    Matched,
    /// « Retirer »: the suggestion was set aside.
    SetAside,
}

impl CarpoolOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Matched => "mise_en_relation",
            Self::SetAside => "retiree",
        }
    }
}

/// A counselor's decision on a pair, for the person's export.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CarpoolMatch {
    pub optin_a: i64,
    pub optin_b: i64,
    pub outcome: String,
    pub counselor_email: Option<String>,
    pub at: DateTime<Utc>,
}

const SELECT: &str = "SELECT o.id, o.application_id, o.young_person_id, o.commune_code, o.cfa_id, o.area_commune_code, \
     o.starts_on, o.ends_on, o.minor, o.guardian_email, o.guardian_agreed_at, o.created_by, o.created_at, o.withdrawn_at, \
     COALESCE(a.first_name, y.first_name, '') AS first_name, COALESCE(a.last_name, y.last_name, '') AS last_name, \
     lower(COALESCE(a.email, y.email)) AS email, COALESCE(a.phone, y.phone) AS phone \
     FROM carpool_optins o LEFT JOIN applications a ON a.id = o.application_id \
     LEFT JOIN young_people y ON y.id = o.young_person_id";

/// The statements that erase the opt-ins chosen by `$1` in `filter` and the pairs they are in.
fn erase(filter: &str) -> [String; 2] {
    [
        format!(
            "DELETE FROM carpool_matches WHERE optin_a IN (SELECT id FROM carpool_optins WHERE {filter}) \
             OR optin_b IN (SELECT id FROM carpool_optins WHERE {filter})"
        ),
        format!("DELETE FROM carpool_optins WHERE {filter}"),
    ]
}

pub(crate) fn erase_of_application() -> [String; 2] {
    erase("application_id = $1")
}

pub(crate) fn erase_of_young_person() -> [String; 2] {
    erase("young_person_id = $1")
}

fn owner_column(owner: CarpoolOwner) -> (&'static str, i64) {
    match owner {
        CarpoolOwner::Application(id) => ("application_id", id),
        CarpoolOwner::YoungPerson(id) => ("young_person_id", id),
    }
}

impl Store {
    /// Opts in, withdrawing the owner's earlier opt-in still active (one at a time).
    pub async fn add_carpool_optin(&self, o: &NewCarpoolOptin, now: DateTime<Utc>) -> Result<i64> {
        let (column, owner) = owner_column(o.owner);
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(&format!(
                "UPDATE carpool_optins SET withdrawn_at = $1 WHERE {column} = $2 AND withdrawn_at IS NULL"
            ))
            .bind(now)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
            let (application, young) = match o.owner {
                CarpoolOwner::Application(id) => (Some(id), None),
                CarpoolOwner::YoungPerson(id) => (None, Some(id)),
            };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO carpool_optins (application_id, young_person_id, commune_code, cfa_id, area_commune_code, \
                 starts_on, ends_on, minor, guardian_email, guardian_agreed_at, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            )
            .bind(application)
            .bind(young)
            .bind(&o.commune_code)
            .bind(o.cfa_id)
            .bind(&o.area_commune_code)
            .bind(o.starts_on)
            .bind(o.ends_on)
            .bind(o.minor)
            .bind(o.guardian_email.as_ref().map(|e| e.to_lowercase()))
            .bind(o.minor.then_some(now))
            .bind(o.created_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Withdraws the owner's active opt-in; how many were.
    pub async fn withdraw_carpool_optins(
        &self,
        owner: CarpoolOwner,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let (column, id) = owner_column(owner);
        Ok(on_pool!(self, |p| {
            sqlx::query(&format!(
            "UPDATE carpool_optins SET withdrawn_at = $1 WHERE {column} = $2 AND withdrawn_at IS NULL"
        ))
        .bind(now)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?)
    }

    /// The owner's opt-ins, newest first (withdrawn ones too).
    pub async fn carpool_optins_of(&self, owner: CarpoolOwner) -> Result<Vec<CarpoolOptin>> {
        let (column, id) = owner_column(owner);
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT} WHERE o.{column} = $1 ORDER BY o.id DESC"
        ))
        .bind(id)
        .fetch_all(p)
        .await)?)
    }

    /// Every opt-in not withdrawn, for pairing.
    pub async fn active_carpool_optins(&self) -> Result<Vec<CarpoolOptin>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT} WHERE o.withdrawn_at IS NULL ORDER BY o.id"
        ))
        .fetch_all(p)
        .await)?)
    }

    /// The pairs counselors already dealt with, `(a, b)` with `a < b`.
    pub async fn settled_carpool_pairs(&self) -> Result<Vec<(i64, i64)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT optin_a, optin_b FROM carpool_matches ORDER BY id"
        )
        .fetch_all(p)
        .await)?)
    }

    /// Records what a counselor did with pair `(a, b)`, `a < b`; false when it was already
    /// dealt with (two counselors on the same pair: the second changes nothing).
    pub async fn settle_carpool_pair(
        &self,
        a: i64,
        b: i64,
        outcome: CarpoolOutcome,
        counselor: i64,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO carpool_matches (optin_a, optin_b, outcome, counselor_id, at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (optin_a, optin_b) DO NOTHING"
        )
        .bind(a)
        .bind(b)
        .bind(outcome.as_str())
        .bind(counselor)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// The distances in force on `day`: (home km, company area km).
    pub async fn carpool_rules(&self, day: NaiveDate) -> Result<Option<(f64, f64)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT home_km, area_km FROM carpool_rules WHERE valid_from <= $1 ORDER BY valid_from DESC LIMIT 1"
        )
        .bind(day)
        .fetch_optional(p)
        .await
        })?)
    }

    /// A person's opt-ins: through their applications or records (e-mail or phone), or as a
    /// minor's guardian.
    pub async fn carpool_optins_of_person(
        &self,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Vec<CarpoolOptin>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{SELECT} WHERE ($1 IS NOT NULL AND (lower(COALESCE(a.email, y.email)) = $1 OR o.guardian_email = $1)) \
             OR ($2 IS NOT NULL AND COALESCE(a.phone, y.phone) = $2) ORDER BY o.id"
        ))
        .bind(email.map(str::to_lowercase))
        .bind(phone)
        .fetch_all(p)
        .await
        })?)
    }

    /// What counselors did with the pairs these opt-ins are in.
    pub async fn carpool_matches_of(&self, optins: &[i64]) -> Result<Vec<CarpoolMatch>> {
        let mut out = Vec::new();
        for id in optins {
            let rows: Vec<CarpoolMatch> = on_pool!(self, |p| {
                sqlx::query_as(
                "SELECT m.optin_a, m.optin_b, m.outcome, u.email AS counselor_email, m.at FROM carpool_matches m \
                 LEFT JOIN users u ON u.id = m.counselor_id WHERE m.optin_a = $1 OR m.optin_b = $1 ORDER BY m.id"
            )
            .bind(*id)
            .fetch_all(p)
            .await
            })?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Erases opt-ins (a guardian's request, or the person's own) with the pairs they are in.
    pub async fn delete_carpool_optins(&self, ids: &[i64]) -> Result<()> {
        let [matches, optins] = erase("id = $1");
        for id in ids {
            on_pool!(self, |p| {
                let mut tx = p.begin().await?;
                sqlx::query(&matches).bind(*id).execute(&mut *tx).await?;
                sqlx::query(&optins).bind(*id).execute(&mut *tx).await?;
                tx.commit().await
            })?;
        }
        Ok(())
    }

    /// Opt-ins withdrawn before `before` (nothing uses them any more): erased with their
    /// pairs; how many.
    pub async fn forget_withdrawn_carpool(&self, before: DateTime<Utc>) -> Result<usize> {
        let ids: Vec<i64> = on_pool!(self, |p| sqlx::query_scalar(
            "SELECT id FROM carpool_optins WHERE withdrawn_at IS NOT NULL AND withdrawn_at < $1"
        )
        .bind(before)
        .fetch_all(p)
        .await)?;
        self.delete_carpool_optins(&ids).await?;
        Ok(ids.len())
    }
}
