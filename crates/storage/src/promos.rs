//! Promos: their counselors, their members and the members' milestones.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::promo::{MilestoneInput, MilestoneKind, PromoInput};

use crate::young::{SELECT_YOUNG, YoungPerson};
use crate::{Result, Store, on_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Promo {
    pub id: i64,
    pub name: String,
    pub season_start: NaiveDate,
    pub season_end: NaiveDate,
    pub goal_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Milestone {
    pub id: i64,
    pub promo_id: i64,
    pub young_person_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: MilestoneKind,
    pub on_day: NaiveDate,
    pub company: Option<String>,
    pub cfa: Option<String>,
    pub offer_id: Option<i64>,
    pub application_id: Option<i64>,
    pub recorded_at: DateTime<Utc>,
}

/// A member of a promo: the record and the day they joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub person: YoungPerson,
    pub joined_on: NaiveDate,
}

const SELECT_PROMO: &str = "SELECT id, name, season_start, season_end, goal_date FROM promos";
const SELECT_MILESTONE: &str = "SELECT id, promo_id, young_person_id, kind, on_day, company, cfa, offer_id, application_id, recorded_at FROM milestones";

impl Store {
    /// A new promo with its counselors (user ids).
    pub async fn create_promo(
        &self,
        promo: &PromoInput,
        counselors: &[i64],
        now: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO promos (name, season_start, season_end, goal_date, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&promo.name)
            .bind(promo.season_start)
            .bind(promo.season_end)
            .bind(promo.goal_date)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            for user in counselors {
                sqlx::query("INSERT INTO promo_counselors (promo_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(user)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn promo(&self, id: i64) -> Result<Option<Promo>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_PROMO} WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(p)
        .await)?)
    }

    /// Every promo, the latest season first.
    pub async fn promos(&self) -> Result<Vec<Promo>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_PROMO} ORDER BY season_start DESC, name"
        ))
        .fetch_all(p)
        .await)?)
    }

    /// The counselors of a promo: (user id, e-mail).
    pub async fn promo_counselors(&self, id: i64) -> Result<Vec<(i64, String)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT u.id, u.email FROM promo_counselors c JOIN users u ON u.id = c.user_id WHERE c.promo_id = $1 ORDER BY u.email"
        )
        .bind(id)
        .fetch_all(p)
        .await
        })?)
    }

    pub async fn add_promo_member(
        &self,
        promo: i64,
        young_person: i64,
        on: NaiveDate,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO promo_members (promo_id, young_person_id, joined_on) VALUES ($1, $2, $3) \
             ON CONFLICT (promo_id, young_person_id) DO NOTHING"
        )
        .bind(promo)
        .bind(young_person)
        .bind(on)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Takes a member out of a promo, with their milestones in it.
    pub async fn remove_promo_member(&self, promo: i64, young_person: i64) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for sql in [
                "DELETE FROM milestones WHERE promo_id = $1 AND young_person_id = $2",
                "DELETE FROM promo_members WHERE promo_id = $1 AND young_person_id = $2",
            ] {
                sqlx::query(sql)
                    .bind(promo)
                    .bind(young_person)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The members of a promo, by name.
    pub async fn promo_members(&self, promo: i64) -> Result<Vec<Member>> {
        let people: Vec<YoungPerson> = on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{SELECT_YOUNG} JOIN promo_members m ON m.young_person_id = y.id WHERE m.promo_id = $1 ORDER BY y.last_name, y.first_name, y.id"
        ))
        .bind(promo)
        .fetch_all(p)
        .await
        })?;
        let joined: Vec<(i64, NaiveDate)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT young_person_id, joined_on FROM promo_members WHERE promo_id = $1"
        )
        .bind(promo)
        .fetch_all(p)
        .await)?;
        Ok(people
            .into_iter()
            .filter_map(|person| {
                let joined_on = joined.iter().find(|j| j.0 == person.id)?.1;
                Some(Member { person, joined_on })
            })
            .collect())
    }

    /// The promos a young person belongs to.
    pub async fn promos_of_young_person(&self, id: i64) -> Result<Vec<Promo>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{SELECT_PROMO} WHERE id IN (SELECT promo_id FROM promo_members WHERE young_person_id = $1) ORDER BY season_start DESC"
        ))
        .bind(id)
        .fetch_all(p)
        .await
        })?)
    }

    /// Records a milestone of a member (again: replaces the one of the same kind).
    pub async fn record_milestone(
        &self,
        promo: i64,
        young_person: i64,
        m: &MilestoneInput,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO milestones (promo_id, young_person_id, kind, on_day, company, cfa, offer_id, application_id, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (promo_id, young_person_id, kind) DO UPDATE SET on_day = excluded.on_day, company = excluded.company, \
             cfa = excluded.cfa, offer_id = excluded.offer_id, application_id = excluded.application_id, recorded_at = excluded.recorded_at"
        )
        .bind(promo)
        .bind(young_person)
        .bind(m.kind.as_str())
        .bind(m.date)
        .bind(&m.company)
        .bind(&m.cfa)
        .bind(m.offer_id)
        .bind(m.application_id)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn delete_milestone(
        &self,
        promo: i64,
        young_person: i64,
        kind: MilestoneKind,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "DELETE FROM milestones WHERE promo_id = $1 AND young_person_id = $2 AND kind = $3"
        )
        .bind(promo)
        .bind(young_person)
        .bind(kind.as_str())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The milestones of every member of a promo.
    pub async fn promo_milestones(&self, promo: i64) -> Result<Vec<Milestone>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_MILESTONE} WHERE promo_id = $1 ORDER BY on_day, id"
        ))
        .bind(promo)
        .fetch_all(p)
        .await)?)
    }

    /// The milestones of a young person, in every promo.
    pub async fn milestones_of_young_person(&self, id: i64) -> Result<Vec<Milestone>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_MILESTONE} WHERE young_person_id = $1 ORDER BY on_day, id"
        ))
        .bind(id)
        .fetch_all(p)
        .await)?)
    }
}
