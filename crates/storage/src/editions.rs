//! The Thursday edition: what was validated since the last one is published together, what
//! was withdrawn or left unconfirmed leaves, and each edition is archived with its content.

use chrono::{DateTime, Utc};

use crate::offers::{next_revision, record_change};
use crate::{Result, Store, on_pool};

#[derive(Debug, Clone, PartialEq)]
pub struct Edition {
    pub number: i64,
    /// The scheduled time it stands for (RFC 3339, Europe/Paris), unique: one edition a slot.
    pub slot: String,
    pub published_at: DateTime<Utc>,
    pub entries: Vec<EditionEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EditionEntry {
    pub offer_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: EntryKind,
    pub title: String,
}

/// What an edition says of an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    New,
    Updated,
    Removed,
}

impl EntryKind {
    pub const ALL: [Self; 3] = [Self::New, Self::Updated, Self::Removed];

    /// As stored: `nouvelle`, `modifiee`, `retiree`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "nouvelle",
            Self::Updated => "modifiee",
            Self::Removed => "retiree",
        }
    }

    /// The heading of its list.
    pub fn heading(self) -> &'static str {
        match self {
            Self::New => "Nouvelles offres",
            Self::Updated => "Offres modifiées",
            Self::Removed => "Offres retirées",
        }
    }
}

impl TryFrom<String> for EntryKind {
    type Error = tremplin_domain::UnknownValue;

    fn try_from(s: String) -> std::result::Result<Self, Self::Error> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(tremplin_domain::UnknownValue(s))
    }
}

/// What the next edition will contain if published now.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditionPreview {
    pub entries: Vec<EditionEntry>,
}

impl EditionPreview {
    pub fn of_kind(&self, kind: &EntryKind) -> Vec<&EditionEntry> {
        self.entries.iter().filter(|e| e.kind == *kind).collect()
    }
}

/// Moves one offer to `$status` under the transaction's revision, with its history line.
macro_rules! set_status {
    ($tx:expr, $id:expr, $status:expr, $revision:expr, $now:expr, $by:expr, $summary:expr) => {
        sqlx::query("UPDATE offers SET status = $1, revision = $2, updated_at = $3 WHERE id = $4")
            .bind($status)
            .bind($revision)
            .bind($now)
            .bind($id)
            .execute(&mut *$tx)
            .await?;
        record_change!($tx, $id, $now, $by, $summary, "[]".to_owned());
        if $status == "expiree" {
            crate::offers::drop_pending_on_close!($tx, $id, $now, $by);
        }
    };
}

/// The edition's content, computed inside the caller's transaction. `$rev` is the revision
/// the edition takes (or the current one for a preview).
macro_rules! edition_content {
    ($tx:expr, $rev:expr) => {{
        let (prev_rev, prev_at): (i64, Option<DateTime<Utc>>) = match sqlx::query_as::<_, (i64, DateTime<Utc>)>(
            "SELECT revision, published_at FROM editions ORDER BY number DESC LIMIT 1",
        )
        .fetch_optional(&mut *$tx)
        .await?
        {
            Some((r, at)) => (r, Some(at)),
            None => (0, None),
        };
        // Duplicates of another source's offer stay out (`COALESCE(duplicate_of, 0) = 0`, not
        // `IS NULL`, so that SQLite does not pick the duplicate_of index).
        let validated: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, title FROM offers WHERE status = 'a_valider' AND validated_at IS NOT NULL AND COALESCE(duplicate_of, 0) = 0 ORDER BY id",
        )
        .fetch_all(&mut *$tx)
        .await?;
        let unconfirmed: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, title FROM offers WHERE status = 'a_reverifier' ORDER BY id").fetch_all(&mut *$tx).await?;
        let touched: Vec<(i64, String, String, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT id, title, status, published_at FROM offers WHERE revision > $1 AND revision < $2 \
             AND COALESCE(duplicate_of, 0) = 0 AND published_at IS NOT NULL AND status IN ('publiee', 'retiree', 'expiree', 'pourvue') ORDER BY id",
        )
        .bind(prev_rev)
        .bind($rev)
        .fetch_all(&mut *$tx)
        .await?;
        let mut entries = Vec::new();
        let entry = |offer_id, kind: EntryKind, title: String| EditionEntry { offer_id, kind, title };
        for (id, title) in &validated {
            entries.push(entry(*id, EntryKind::New, title.clone()));
        }
        for (id, title, status, published_at) in touched {
            let kind = match status.as_str() {
                "publiee" if prev_at.is_none_or(|p| published_at.is_some_and(|at| at > p)) => EntryKind::New,
                "publiee" => EntryKind::Updated,
                _ => EntryKind::Removed,
            };
            entries.push(entry(id, kind, title));
        }
        for (id, title) in &unconfirmed {
            entries.push(entry(*id, EntryKind::Removed, title.clone()));
        }
        (entries, validated, unconfirmed)
    }};
}

impl Store {
    /// Publishes the edition of `slot`, once: `Ok(None)` if that slot was already published
    /// (by this instance or another).
    pub async fn publish_edition(
        &self,
        slot: &str,
        now: DateTime<Utc>,
        by: Option<i64>,
    ) -> Result<Option<Edition>> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            let done: Option<i64> =
                sqlx::query_scalar("SELECT number FROM editions WHERE slot = $1")
                    .bind(slot)
                    .fetch_optional(&mut *tx)
                    .await?;
            if done.is_some() {
                tx.rollback().await?;
                return Ok(None);
            }
            let (entries, validated, unconfirmed) = edition_content!(tx, revision);
            let number: i64 =
                sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM editions")
                    .fetch_one(&mut *tx)
                    .await?;
            for (id, _) in &validated {
                sqlx::query(
                    "UPDATE offers SET status = 'publiee', published_at = COALESCE(published_at, $1), verified_at = $1, \
                     revision = $2, updated_at = $1 WHERE id = $3",
                )
                .bind(now)
                .bind(revision)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                record_change!(
                    tx,
                    *id,
                    now,
                    by,
                    &format!("Publiée dans l'édition n° {number}"),
                    "[]".to_owned()
                );
            }
            for (id, _) in &unconfirmed {
                set_status!(
                    tx,
                    *id,
                    "expiree",
                    revision,
                    now,
                    by,
                    &format!("Non confirmée à temps : retirée de l'édition n° {number}")
                );
            }
            let edition_id: i64 = sqlx::query_scalar(
                "INSERT INTO editions (number, slot, published_at, published_by, revision) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(number)
            .bind(slot)
            .bind(now)
            .bind(by)
            .bind(revision)
            .fetch_one(&mut *tx)
            .await?;
            for e in &entries {
                sqlx::query("INSERT INTO edition_entries (edition_id, offer_id, kind, title) VALUES ($1, $2, $3, $4)")
                    .bind(edition_id)
                    .bind(e.offer_id)
                    .bind(e.kind.as_str())
                    .bind(&e.title)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(Some(Edition {
                number,
                slot: slot.to_owned(),
                published_at: now,
                entries,
            }))
        })
    }

    /// What publishing now would do.
    /// How many offers the next edition would bring (new, modified, withdrawn), counted in
    /// the database: the dashboard shows only these, whatever the size of the edition.
    pub async fn edition_preview_counts(&self) -> Result<(i64, i64, i64)> {
        on_pool!(self, |p| {
            let previous: Option<(i64, DateTime<Utc>)> = sqlx::query_as(
                "SELECT revision, published_at FROM editions ORDER BY number DESC LIMIT 1",
            )
            .fetch_optional(p)
            .await?;
            let (rev, at) = previous.map_or((0, None), |(r, a)| (r, Some(a)));
            // The same rules as `edition_content!`, as counts. What changed since the last
            // edition is read once, through the revision index (no status in its WHERE, or
            // SQLite would scan every published offer).
            let counts: (i64, i64, i64, i64, i64) = sqlx::query_as(
                "SELECT \
                 (SELECT COUNT(*) FROM offers WHERE status = 'a_valider' AND validated_at IS NOT NULL AND COALESCE(duplicate_of, 0) = 0), \
                 COALESCE(SUM(CASE WHEN status = 'publiee' AND ($2 IS NULL OR published_at > $2) THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN status = 'publiee' AND $2 IS NOT NULL AND published_at <= $2 THEN 1 ELSE 0 END), 0), \
                 COALESCE(SUM(CASE WHEN status IN ('retiree', 'expiree', 'pourvue') THEN 1 ELSE 0 END), 0), \
                 (SELECT COUNT(*) FROM offers WHERE status = 'a_reverifier') \
                 FROM offers WHERE revision > $1 AND COALESCE(duplicate_of, 0) = 0 AND published_at IS NOT NULL",
            )
            .bind(rev)
            .bind(at)
            .fetch_one(p)
            .await?;
            Ok((counts.0 + counts.1, counts.2, counts.3 + counts.4))
        })
    }

    pub async fn edition_preview(&self) -> Result<EditionPreview> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let current: i64 =
                sqlx::query_scalar("SELECT value FROM revision_counter WHERE id = 1")
                    .fetch_one(&mut *tx)
                    .await?;
            let (entries, _, _) = edition_content!(tx, current + 1);
            tx.rollback().await?;
            Ok(EditionPreview { entries })
        })
    }

    pub async fn edition_published_for(&self, slot: &str) -> Result<bool> {
        let n: Option<i64> = on_pool!(self, |p| {
            sqlx::query_scalar("SELECT number FROM editions WHERE slot = $1")
                .bind(slot)
                .fetch_optional(p)
                .await
        })?;
        Ok(n.is_some())
    }

    pub async fn edition(&self, number: i64) -> Result<Option<Edition>> {
        on_pool!(self, |p| {
            let row: Option<(i64, i64, String, DateTime<Utc>)> = sqlx::query_as(
                "SELECT id, number, slot, published_at FROM editions WHERE number = $1",
            )
            .bind(number)
            .fetch_optional(p)
            .await?;
            let Some((id, number, slot, published_at)) = row else {
                return Ok(None);
            };
            let entries: Vec<EditionEntry> = sqlx::query_as(
                "SELECT offer_id, kind, title FROM edition_entries WHERE edition_id = $1 ORDER BY kind, offer_id",
            )
            .bind(id)
            .fetch_all(p)
            .await?;
            Ok(Some(Edition {
                number,
                slot,
                published_at,
                entries,
            }))
        })
    }

    /// Published editions, newest first, without their entries.
    pub async fn editions(&self, limit: i64) -> Result<Vec<Edition>> {
        let rows: Vec<(i64, String, DateTime<Utc>)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT number, slot, published_at FROM editions ORDER BY number DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(p)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(number, slot, published_at)| Edition {
                number,
                slot,
                published_at,
                entries: Vec::new(),
            })
            .collect())
    }

    /// Published offers not confirmed since `verified_before` turn `a_reverifier`; offers whose
    /// start date is before `start_before` expire. Returns (to re-verify, expired).
    pub async fn apply_deadlines(
        &self,
        verified_before: DateTime<Utc>,
        start_before: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(u64, u64)> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            let stale: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM offers WHERE status = 'publiee' AND (verified_at IS NULL OR verified_at < $1)",
            )
            .bind(verified_before)
            .fetch_all(&mut *tx)
            .await?;
            let past: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM offers WHERE status IN ('publiee', 'a_reverifier', 'a_valider') AND start_date IS NOT NULL AND start_date < $1",
            )
            .bind(start_before)
            .fetch_all(&mut *tx)
            .await?;
            for id in &past {
                set_status!(
                    tx,
                    *id,
                    "expiree",
                    revision,
                    now,
                    None::<i64>,
                    "Expirée : date de début dépassée"
                );
            }
            let mut reverify = 0;
            let expired: std::collections::HashSet<i64> = past.iter().copied().collect();
            for id in stale.iter().filter(|id| !expired.contains(id)) {
                set_status!(
                    tx,
                    *id,
                    "a_reverifier",
                    revision,
                    now,
                    None::<i64>,
                    "À revérifier : pas de confirmation récente"
                );
                reverify += 1;
            }
            if reverify == 0 && past.is_empty() {
                tx.rollback().await?;
                return Ok((0, 0));
            }
            tx.commit().await?;
            Ok((reverify, past.len() as u64))
        })
    }
}
