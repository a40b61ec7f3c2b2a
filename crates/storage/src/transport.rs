//! The public transport feed: one GTFS feed at a time, stored whole (the files routing reads,
//! as a ZIP) so that every instance builds the same network from the database, and replaced
//! in one transaction (a failed import leaves the previous feed as it was).

use chrono::{DateTime, NaiveDate, Utc};

use crate::{Result, Store, on_pool};

/// What an import says of its feed, kept beside the bytes.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TransportFeed {
    /// Changes with every import: instances reload when it does.
    pub id: i64,
    pub name: String,
    pub imported_at: DateTime<Utc>,
    pub stops: i64,
    pub trips: i64,
    pub stop_times: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// A feed to store: its description (the id is given by the database) and its ZIP.
#[derive(Debug, Clone)]
pub struct NewTransportFeed<'a> {
    pub name: &'a str,
    pub imported_at: DateTime<Utc>,
    pub stops: i64,
    pub trips: i64,
    pub stop_times: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub data: &'a [u8],
}

impl Store {
    /// Replaces the feed: the old one is gone and the new one there, or nothing changed.
    pub async fn replace_transport_feed(&self, feed: &NewTransportFeed<'_>) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM transport_feeds")
                .execute(&mut *tx)
                .await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO transport_feeds (name, imported_at, stops, trips, stop_times, \
                 valid_from, valid_to, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(feed.name)
            .bind(feed.imported_at)
            .bind(feed.stops)
            .bind(feed.trips)
            .bind(feed.stop_times)
            .bind(feed.valid_from)
            .bind(feed.valid_to)
            .bind(feed.data)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(id)
        })?)
    }

    /// The feed in use, without its bytes (cheap: polled by every instance).
    pub async fn transport_feed(&self) -> Result<Option<TransportFeed>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, name, imported_at, stops, trips, stop_times, valid_from, valid_to \
                 FROM transport_feeds ORDER BY id DESC LIMIT 1",
            )
            .fetch_optional(p)
            .await
        })?)
    }

    /// The ZIP of the feed `id`, if it is still the one stored.
    pub async fn transport_feed_data(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>,)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT data FROM transport_feeds WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row.map(|(d,)| d))
    }
}
