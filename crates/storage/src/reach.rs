//! Reach: offer pages opened through a channel's link, counted per week (no cookie, no address
//! stored: a number per week, channel and offer), and the channels applications came through.

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Result, Store, on_pool};

/// A week is named by its Monday.
fn week_key(monday: NaiveDate) -> String {
    monday.format("%Y-%m-%d").to_string()
}

impl Store {
    /// One more view of `offer_id` through `channel` in the week starting `monday`.
    pub async fn count_view(&self, offer_id: i64, channel: &str, monday: NaiveDate) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO channel_views (week, channel, offer_id, views) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (week, channel, offer_id) DO UPDATE SET views = channel_views.views + 1",
            )
            .bind(week_key(monday))
            .bind(channel)
            .bind(offer_id)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Views per channel since the week starting `monday`.
    pub async fn views_by_channel(&self, monday: NaiveDate) -> Result<Vec<(String, i64)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT channel, CAST(SUM(views) AS BIGINT) FROM channel_views WHERE week >= $1 \
                 GROUP BY channel ORDER BY channel",
            )
            .bind(week_key(monday))
            .fetch_all(p)
            .await
        })?)
    }

    /// Applications per channel since `since` (those with one).
    pub async fn applications_by_channel(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT channel, COUNT(*) FROM applications WHERE channel IS NOT NULL AND created_unix >= $1 \
                 GROUP BY channel ORDER BY channel",
            )
            .bind(since.timestamp())
            .fetch_all(p)
            .await
        })?)
    }

    /// Views since the week starting `since`: (week's Monday "YYYY-MM-DD", channel, views).
    pub async fn views_by_week(&self, since: NaiveDate) -> Result<Vec<(String, String, i64)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT week, channel, CAST(SUM(views) AS BIGINT) FROM channel_views WHERE week >= $1 \
                 GROUP BY week, channel ORDER BY week, channel",
            )
            .bind(week_key(since))
            .fetch_all(p)
            .await
        })?)
    }

    /// Applications that came through a channel since `since`: (channel, when, Unix seconds).
    pub async fn application_channels(&self, since: DateTime<Utc>) -> Result<Vec<(String, i64)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT channel, created_unix FROM applications \
                 WHERE channel IS NOT NULL AND created_unix >= $1",
            )
            .bind(since.timestamp())
            .fetch_all(p)
            .await
        })?)
    }

    /// The offers most opened through channels' links since the week starting `since`:
    /// (offer id, title, views), most viewed first.
    pub async fn most_viewed(
        &self,
        since: NaiveDate,
        limit: i64,
    ) -> Result<Vec<(i64, String, i64)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT v.offer_id, o.title, CAST(SUM(v.views) AS BIGINT) AS n FROM channel_views v \
                 JOIN offers o ON o.id = v.offer_id WHERE v.week >= $1 \
                 GROUP BY v.offer_id, o.title ORDER BY n DESC, v.offer_id LIMIT $2",
            )
            .bind(week_key(since))
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }

    /// What edition `number`'s new offers brought: (new offers, views through channels' links
    /// from the week starting `week` on, applications since `since`).
    pub async fn edition_reach(
        &self,
        number: i64,
        week: NaiveDate,
        since: DateTime<Utc>,
    ) -> Result<(i64, i64, i64)> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT \
                   (SELECT COUNT(*) FROM edition_entries x JOIN editions e ON e.id = x.edition_id \
                     WHERE e.number = $1 AND x.kind = 'nouvelle'), \
                   (SELECT CAST(COALESCE(SUM(v.views), 0) AS BIGINT) FROM channel_views v \
                     JOIN edition_entries x ON x.offer_id = v.offer_id JOIN editions e ON e.id = x.edition_id \
                     WHERE e.number = $1 AND x.kind = 'nouvelle' AND v.week >= $2), \
                   (SELECT COUNT(*) FROM applications a \
                     JOIN edition_entries x ON x.offer_id = a.offer_id JOIN editions e ON e.id = x.edition_id \
                     WHERE e.number = $1 AND x.kind = 'nouvelle' AND a.created_unix >= $3)",
            )
            .bind(number)
            .bind(week_key(week))
            .bind(since.timestamp())
            .fetch_one(p)
            .await
        })?)
    }
}
