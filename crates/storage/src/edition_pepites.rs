//! The pépites each Thursday edition featured: recorded when the edition is published (the
//! week's picks, still published then), listed while they stay published.

use crate::pepites::{Pepite, SELECT};
use crate::{Result, Store, on_pool};

impl Store {
    /// Records in edition `number` the published pépites featured for `week` (`2026-W49`);
    /// again for the same edition adds only what is new. Returns how many it holds.
    pub async fn record_edition_pepites(&self, number: i64, week: &str) -> Result<usize> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO edition_pepites (edition_number, pepite_id) \
                 SELECT $1, id FROM pepites WHERE featured_week = $2 AND status = 'publiee' \
                 ON CONFLICT DO NOTHING",
            )
            .bind(number)
            .bind(week)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(self.edition_pepites(number).await?.len())
    }

    /// The pépites edition `number` featured that are still published, in the order they
    /// were created.
    pub async fn edition_pepites(&self, number: i64) -> Result<Vec<Pepite>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{SELECT} WHERE status = 'publiee' AND id IN \
                 (SELECT pepite_id FROM edition_pepites WHERE edition_number = $1) ORDER BY id"
            ))
            .bind(number)
            .fetch_all(p)
            .await
        })?)
    }
}
