//! « Ma vie d'apprenti·e » workshops: sessions a counselor opens for the day, joined with a
//! short code, and the anonymous budgets young people share in them. Nothing about a person is
//! kept: a result is an offer's title and three amounts, and it goes with its session.

use chrono::{DateTime, Utc};

use crate::{Result, Store, on_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Workshop {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// One young person's shared budget: no name, no date of birth.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WorkshopResult {
    pub id: i64,
    pub offer_title: String,
    pub net: f64,
    pub left_route: f64,
    pub left_room: f64,
    pub created_at: DateTime<Utc>,
}

impl Store {
    /// Opens a session; `None` when the code is already taken (draw another).
    pub async fn open_workshop(
        &self,
        code: &str,
        title: &str,
        by: i64,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let id: Option<i64> = on_pool!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO workshops (code, title, created_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING RETURNING id",
            )
            .bind(code)
            .bind(title)
            .bind(by)
            .bind(at)
            .bind(expires_at)
            .fetch_optional(p)
            .await
        })?;
        Ok(id)
    }

    /// The session with this code, if it has not expired at `now`.
    pub async fn workshop_by_code(
        &self,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Workshop>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, code, title, created_at, expires_at FROM workshops \
                 WHERE code = $1 AND expires_at > $2",
            )
            .bind(code)
            .bind(now)
            .fetch_optional(p)
            .await
        })?)
    }

    pub async fn workshop(&self, id: i64, now: DateTime<Utc>) -> Result<Option<Workshop>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, code, title, created_at, expires_at FROM workshops \
                 WHERE id = $1 AND expires_at > $2",
            )
            .bind(id)
            .bind(now)
            .fetch_optional(p)
            .await
        })?)
    }

    /// The sessions still open at `now`, newest first.
    pub async fn open_workshops(&self, now: DateTime<Utc>) -> Result<Vec<Workshop>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, code, title, created_at, expires_at FROM workshops \
                 WHERE expires_at > $1 ORDER BY created_at DESC, id DESC",
            )
            .bind(now)
            .fetch_all(p)
            .await
        })?)
    }

    /// Adds a shared budget to an open session; `false` when the session has expired.
    pub async fn add_workshop_result(
        &self,
        workshop: i64,
        offer_title: &str,
        amounts: (f64, f64, f64),
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO workshop_results (workshop_id, offer_title, net, left_route, left_room, created_at) \
                 SELECT id, $2, $3, $4, $5, $6 FROM workshops WHERE id = $1 AND expires_at > $6",
            )
            .bind(workshop)
            .bind(offer_title)
            .bind(amounts.0)
            .bind(amounts.1)
            .bind(amounts.2)
            .bind(now)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// A session's shared budgets, in the order they came.
    pub async fn workshop_results(&self, workshop: i64) -> Result<Vec<WorkshopResult>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, offer_title, net, left_route, left_room, created_at \
                 FROM workshop_results WHERE workshop_id = $1 ORDER BY id",
            )
            .bind(workshop)
            .fetch_all(p)
            .await
        })?)
    }

    /// Deletes the sessions expired at `now`, their results with them; how many.
    pub async fn delete_expired_workshops(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "DELETE FROM workshop_results WHERE workshop_id IN \
                 (SELECT id FROM workshops WHERE expires_at <= $1)",
            )
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let n = sqlx::query("DELETE FROM workshops WHERE expires_at <= $1")
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await.map(|_| n)
        })?)
    }
}
