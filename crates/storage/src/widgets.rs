//! The widget: which sites may frame it, and the partners' widgets counted under their own name.

use crate::{Result, Store, on_pool};

impl Store {
    /// The origins allowed to frame the widget, sorted; empty means any site.
    pub async fn widget_origins(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT origin FROM widget_origins ORDER BY origin")
                .fetch_all(p)
                .await
        })?;
        Ok(rows.into_iter().map(|(o,)| o).collect())
    }

    /// Replaces the list of origins allowed to frame the widget, in one transaction.
    pub async fn set_widget_origins(&self, origins: &[String]) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM widget_origins")
                .execute(&mut *tx)
                .await?;
            for o in origins {
                sqlx::query(
                    "INSERT INTO widget_origins (origin) VALUES ($1) ON CONFLICT DO NOTHING",
                )
                .bind(o)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// The partners' widgets: (name in links, name shown), sorted by name shown.
    pub async fn widgets(&self) -> Result<Vec<(String, String)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as("SELECT slug, label FROM widgets ORDER BY label")
                .fetch_all(p)
                .await
        })?)
    }

    /// Registers a partner's widget; `false` when that name in links is already taken.
    pub async fn add_widget(&self, slug: &str, label: &str) -> Result<bool> {
        let done = on_pool!(self, |p| {
            sqlx::query("INSERT INTO widgets (slug, label) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(slug)
                .bind(label)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }
}
