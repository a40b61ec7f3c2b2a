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
}
