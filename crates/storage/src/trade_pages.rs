//! Métier pages: the Mission Locale's own text on a trade, its films, and the activities
//! that belong to a trade. Films are about companies and their trades, not about people: no
//! personal data is kept here (a film showing a young person belongs with the pépites).

use chrono::{DateTime, Utc};

use crate::{Result, Store, on_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TradeFilm {
    pub id: i64,
    pub rome: String,
    pub title: String,
    pub company: String,
    pub video_key: Option<String>,
    pub video_mime: Option<String>,
    pub video_ms: Option<i64>,
    pub hosted_url: Option<String>,
    pub captions_key: String,
    pub poster_key: Option<String>,
    pub published: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TradeFilm {
    /// Every media key the film holds.
    pub fn keys(&self) -> Vec<String> {
        [
            self.video_key.clone(),
            Some(self.captions_key.clone()),
            self.poster_key.clone(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// A film to store: its files are already in the media storage.
#[derive(Debug, Clone)]
pub struct NewTradeFilm {
    pub rome: String,
    pub title: String,
    pub company: String,
    /// (key, media type, duration in ms) of an uploaded video.
    pub video: Option<(String, String, i64)>,
    pub hosted_url: Option<String>,
    pub captions_key: String,
    pub poster_key: Option<String>,
    pub published: bool,
}

const SELECT_FILM: &str = "SELECT id, rome, title, company, video_key, video_mime, video_ms, hosted_url, captions_key, \
     poster_key, published, created_at, updated_at FROM trade_films";

impl Store {
    /// The Mission Locale's own text on a trade, and when it was last changed.
    pub async fn trade_text(&self, rome: &str) -> Result<Option<(String, DateTime<Utc>)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT own_text, updated_at FROM trade_pages WHERE rome = $1"
        )
        .bind(rome)
        .fetch_optional(p)
        .await)?)
    }

    pub async fn set_trade_text(&self, rome: &str, text: &str, now: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO trade_pages (rome, own_text, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (rome) DO UPDATE SET own_text = excluded.own_text, updated_at = excluded.updated_at"
        )
        .bind(rome)
        .bind(text)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        Ok(())
    }

    /// The trades the back office has worked on: (ROME code, has a text, films), by code.
    pub async fn trade_pages(&self) -> Result<Vec<(String, bool, i64)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
            "SELECT r.rome, \
               EXISTS (SELECT 1 FROM trade_pages t WHERE t.rome = r.rome AND t.own_text <> '') AS has_text, \
               (SELECT COUNT(*) FROM trade_films f WHERE f.rome = r.rome) AS films \
             FROM (SELECT rome FROM trade_pages UNION SELECT rome FROM trade_films) r ORDER BY r.rome"
        )
        .fetch_all(p)
        .await
        })?)
    }

    pub async fn create_trade_film(&self, f: &NewTradeFilm, now: DateTime<Utc>) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
            "INSERT INTO trade_films (rome, title, company, video_key, video_mime, video_ms, hosted_url, captions_key, \
             poster_key, published, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id"
        )
        .bind(&f.rome)
        .bind(&f.title)
        .bind(&f.company)
        .bind(f.video.as_ref().map(|v| v.0.as_str()))
        .bind(f.video.as_ref().map(|v| v.1.as_str()))
        .bind(f.video.as_ref().map(|v| v.2))
        .bind(f.hosted_url.as_deref())
        .bind(&f.captions_key)
        .bind(f.poster_key.as_deref())
        .bind(f.published)
        .bind(now)
        .fetch_one(p)
        .await
        })?)
    }

    pub async fn trade_film(&self, id: i64) -> Result<Option<TradeFilm>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_FILM} WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(p)
        .await)?)
    }

    /// A trade's films, oldest first; the published ones only when `published_only`.
    pub async fn trade_films(&self, rome: &str, published_only: bool) -> Result<Vec<TradeFilm>> {
        Ok(on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_FILM} WHERE rome = $1 AND (published OR NOT $2) ORDER BY id"
        ))
        .bind(rome)
        .bind(published_only)
        .fetch_all(p)
        .await)?)
    }

    /// The trades with a published film (their pages exist even without offers).
    pub async fn filmed_trades(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT DISTINCT rome FROM trade_films WHERE published ORDER BY rome"
        )
        .fetch_all(p)
        .await)?;
        Ok(rows.into_iter().map(|(r,)| r).collect())
    }

    pub async fn set_trade_film_published(
        &self,
        id: i64,
        published: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE trade_films SET published = $1, updated_at = $2 WHERE id = $3"
        )
        .bind(published)
        .bind(now)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Deletes a film and queues its files for erasure, in one transaction.
    pub async fn delete_trade_film(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        let Some(film) = self.trade_film(id).await? else {
            return Ok(false);
        };
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for key in film.keys() {
                sqlx::query("INSERT INTO media_erasures (media_key, due_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(key)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM trade_films WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(true)
    }

    /// The activities that belong to a trade (ids).
    pub async fn trade_activity_ids(&self, rome: &str) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT activity_id FROM activity_trades WHERE rome = $1 ORDER BY activity_id"
        )
        .bind(rome)
        .fetch_all(p)
        .await)?;
        Ok(rows.into_iter().map(|(r,)| r).collect())
    }

    /// Sets which of `offered` activities belong to the trade: `chosen` do, the others not.
    pub async fn set_trade_activities(
        &self,
        rome: &str,
        offered: &[i64],
        chosen: &[i64],
    ) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for id in offered {
                sqlx::query("DELETE FROM activity_trades WHERE rome = $1 AND activity_id = $2")
                    .bind(rome)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            for id in chosen.iter().filter(|c| offered.contains(c)) {
                sqlx::query("INSERT INTO activity_trades (activity_id, rome) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(rome)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// A trade's public activities ending after `since`, not cancelled, soonest first.
    pub async fn trade_activities(
        &self,
        rome: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<crate::Activity>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
            "{} WHERE a.is_public AND NOT a.cancelled AND a.ends_unix >= $1 \
             AND a.id IN (SELECT activity_id FROM activity_trades WHERE rome = $2) ORDER BY a.starts_unix, a.id",
            crate::activities::SELECT
        ))
        .bind(since.timestamp())
        .bind(rome)
        .fetch_all(p)
        .await
        })?)
    }
}
