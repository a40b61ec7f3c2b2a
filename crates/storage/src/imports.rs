//! Connector runs: one at a time per source across every instance (a row with a lease), their
//! reports, their nightly schedule, and what a source currently has in the catalogue.

use chrono::{DateTime, Utc};
use tremplin_domain::lifecycle::{Action, Actor};
use tremplin_domain::{Offer, OfferStatus};

use crate::{Result, Store, StoreError, on_pool};

/// One run of a connector, finished or not.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRun {
    pub id: i64,
    pub source: String,
    pub trigger: RunTrigger,
    pub started_at: DateTime<Utc>,
    pub lease_until: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Set once finished.
    pub outcome: Option<RunOutcome>,
    /// The report, as JSON written by the connectors.
    pub report: String,
}

/// Who started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunTrigger {
    Schedule,
    BackOffice,
    CommandLine,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    Succeeded,
    Failed,
    /// Its instance went away before the end (its lease expired).
    Interrupted,
}

impl RunTrigger {
    const ALL: [Self; 3] = [Self::Schedule, Self::BackOffice, Self::CommandLine];

    /// As stored, and as the back office shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Schedule => "planifié",
            Self::BackOffice => "back-office",
            Self::CommandLine => "ligne de commande",
        }
    }
}

impl RunOutcome {
    const ALL: [Self; 3] = [Self::Succeeded, Self::Failed, Self::Interrupted];

    /// As stored, and as the back office shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Succeeded => "réussi",
            Self::Failed => "échoué",
            Self::Interrupted => "interrompu",
        }
    }
}

fn known<T: Copy>(all: &[T], label: impl Fn(T) -> &'static str, s: &str) -> Result<T> {
    all.iter()
        .copied()
        .find(|x| label(*x) == s)
        .ok_or_else(|| StoreError::Corrupt(format!("valeur inconnue en base : « {s} »")))
}

#[derive(sqlx::FromRow)]
struct ImportRunRow {
    id: i64,
    source: String,
    trigger: String,
    started_at: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    report: String,
}

impl TryFrom<ImportRunRow> for ImportRun {
    type Error = StoreError;

    fn try_from(r: ImportRunRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            source: r.source,
            trigger: known(&RunTrigger::ALL, RunTrigger::label, &r.trigger)?,
            started_at: r.started_at,
            lease_until: r.lease_until,
            finished_at: r.finished_at,
            outcome: r
                .outcome
                .map(|o| known(&RunOutcome::ALL, RunOutcome::label, &o))
                .transpose()?,
            report: r.report,
        })
    }
}

/// When a source's nightly run starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSchedule {
    pub enabled: bool,
    /// Hour of the day, Paris time.
    pub hour: u8,
}

impl Default for ImportSchedule {
    /// Every night at 3, before counselors arrive.
    fn default() -> Self {
        Self {
            enabled: true,
            hour: 3,
        }
    }
}

impl Store {
    /// Starts a run of `source` unless one is under way (on any instance), or one started at
    /// or after `not_since` (a scheduled run already done); a run whose lease expired, its
    /// instance gone, is marked "interrompu" first. None: not started.
    pub async fn begin_import(
        &self,
        source: &str,
        trigger: RunTrigger,
        not_since: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query(
                "UPDATE import_runs SET finished_at = $1, outcome = 'interrompu' \
                 WHERE source = $2 AND finished_at IS NULL AND lease_until < $1",
            )
            .bind(now)
            .bind(source)
            .execute(&mut *tx)
            .await?;
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO import_runs (source, trigger, started_at, lease_until) SELECT $1, $2, $3, $4 \
                 WHERE NOT EXISTS (SELECT 1 FROM import_runs WHERE source = $1 AND started_at >= $5) \
                 ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(source)
            .bind(trigger.label())
            .bind(now)
            .bind(lease_until)
            .bind(not_since)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Keeps a run's lease alive while it works. False: the run was declared interrupted
    /// (its lease ran out) and must stop.
    pub async fn renew_import(&self, id: i64, lease_until: DateTime<Utc>) -> Result<bool> {
        let done = on_pool!(self, |p| {
            sqlx::query(
                "UPDATE import_runs SET lease_until = $1 WHERE id = $2 AND finished_at IS NULL",
            )
            .bind(lease_until)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    pub async fn finish_import(
        &self,
        id: i64,
        now: DateTime<Utc>,
        outcome: RunOutcome,
        report: &str,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE import_runs SET finished_at = $1, outcome = $2, report = $3 WHERE id = $4 AND finished_at IS NULL",
            )
            .bind(now)
            .bind(outcome.label())
            .bind(report)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// The latest runs, newest first.
    pub async fn import_runs(&self, limit: i64) -> Result<Vec<ImportRun>> {
        let rows: Vec<ImportRunRow> = on_pool!(self, |p| {
            sqlx::query_as("SELECT * FROM import_runs ORDER BY id DESC LIMIT $1")
                .bind(limit)
                .fetch_all(p)
                .await
        })?;
        rows.into_iter().map(ImportRun::try_from).collect()
    }

    pub async fn import_run(&self, id: i64) -> Result<Option<ImportRun>> {
        let row: Option<ImportRunRow> = on_pool!(self, |p| {
            sqlx::query_as("SELECT * FROM import_runs WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await
        })?;
        row.map(ImportRun::try_from).transpose()
    }

    /// When the latest run of `source` started, finished or not.
    pub async fn last_import_start(&self, source: &str) -> Result<Option<DateTime<Utc>>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("SELECT MAX(started_at) FROM import_runs WHERE source = $1")
                .bind(source)
                .fetch_one(p)
                .await
        })?)
    }

    pub async fn import_schedule(&self, source: &str) -> Result<ImportSchedule> {
        let row: Option<(bool, i64)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT enabled, hour FROM import_schedules WHERE source = $1")
                .bind(source)
                .fetch_optional(p)
                .await
        })?;
        Ok(
            row.map_or_else(ImportSchedule::default, |(enabled, hour)| ImportSchedule {
                enabled,
                hour: hour.clamp(0, 23) as u8,
            }),
        )
    }

    pub async fn set_import_schedule(&self, source: &str, s: ImportSchedule) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO import_schedules (source, enabled, hour) VALUES ($1, $2, $3) \
                 ON CONFLICT (source) DO UPDATE SET enabled = $2, hour = $3",
            )
            .bind(source)
            .bind(s.enabled)
            .bind(i64::from(s.hour.min(23)))
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// (id, external id) of the offers `source` brought that are still open: those it no longer
    /// lists get closed.
    pub async fn open_offers_of_source(&self, source: &str) -> Result<Vec<(i64, String)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, external_id FROM offers WHERE source_name = $1 AND external_id IS NOT NULL \
                 AND status IN ('brouillon', 'a_valider', 'publiee', 'a_reverifier') ORDER BY id",
            )
            .bind(source)
            .fetch_all(p)
            .await
        })?)
    }

    /// Closes an offer its source no longer lists (it expires, by the system) and frees its
    /// external id, in one transaction: if the source lists it again, it comes back as a new
    /// offer (a closed offer stays closed), with its history kept on the old one. Refused like
    /// the action when the offer cannot expire; then nothing changes.
    pub async fn close_offer_gone_from_source(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<OfferStatus> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let to = crate::offers::apply_action!(
                tx,
                id,
                Action::Expirer,
                Actor::Systeme,
                None::<i64>,
                now
            );
            sqlx::query(
                "UPDATE offers SET external_id = external_id || $2 WHERE id = $1 AND external_id IS NOT NULL",
            )
            .bind(id)
            .bind(format!("#fermée-{id}"))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(to)
        })
    }

    /// Open offers in `commune` from other sources than `source`: where a duplicate would be.
    /// (`COALESCE(duplicate_of, 0) = 0` rather than `IS NULL`: SQLite would otherwise read the
    /// `duplicate_of` index, where every offer that is not a duplicate sits.)
    pub async fn open_offers_in_commune(&self, commune: &str, source: &str) -> Result<Vec<Offer>> {
        let ids: Vec<i64> = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT id FROM offers WHERE commune_code = $1 AND source_name <> $2 AND COALESCE(duplicate_of, 0) = 0 \
                 AND status IN ('a_valider', 'publiee', 'a_reverifier') ORDER BY id",
            )
            .bind(commune)
            .bind(source)
            .fetch_all(p)
            .await
        })?;
        self.get_offers(&ids).await
    }

    /// Marks `id` as the same offer as `primary` (or as itself again with None). The change
    /// bumps its revision: every instance's index drops or shows it. False when refused
    /// (`primary` is itself a duplicate).
    pub async fn set_duplicate_of(
        &self,
        id: i64,
        primary: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = crate::offers::next_revision!(tx);
            // Never onto an offer that is itself a duplicate: two runs at once cannot hide two
            // offers behind each other (writes are serialised by the revision counter).
            let done = sqlx::query(
                "UPDATE offers SET duplicate_of = $1, revision = $2, updated_at = $3 WHERE id = $4 \
                 AND ($1 IS NULL OR NOT EXISTS (SELECT 1 FROM offers p WHERE p.id = $1 AND p.duplicate_of IS NOT NULL))",
            )
            .bind(primary)
            .bind(revision)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Offers a source still lists: confirmed today, so no phone call is due; those waiting
    /// for re-verification are published again.
    pub async fn mark_verified(&self, ids: &[i64], now: DateTime<Utc>) -> Result<()> {
        for chunk in ids.chunks(500) {
            let list = (0..chunk.len())
                .map(|i| format!("${}", i + 2))
                .collect::<Vec<_>>()
                .join(", ");
            let stale: Vec<i64> = on_pool!(self, |p| {
                // $1 is the instant in the update below; the same numbering serves both.
                let sql = format!(
                    "SELECT id FROM offers WHERE status = 'a_reverifier' AND $1 IS NOT NULL AND id IN ({list})"
                );
                let mut q = sqlx::query_scalar(&sql).bind(now);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await
            })?;
            on_pool!(self, |p| {
                let sql = format!("UPDATE offers SET verified_at = $1 WHERE id IN ({list})");
                let mut q = sqlx::query(&sql).bind(now);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.execute(p).await.map(|_| ())
            })?;
            for id in stale {
                self.apply_offer_action(
                    id,
                    tremplin_domain::lifecycle::Action::Confirmer,
                    tremplin_domain::lifecycle::Actor::Systeme,
                    None,
                    now,
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Open offers of `source` hidden as duplicates of an offer that has closed since.
    pub async fn orphaned_duplicates(&self, source: &str) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT o.id FROM offers o JOIN offers p ON p.id = o.duplicate_of WHERE o.source_name = $1 \
                 AND o.status IN ('a_valider', 'publiee', 'a_reverifier') \
                 AND p.status NOT IN ('a_valider', 'publiee', 'a_reverifier')",
            )
            .bind(source)
            .fetch_all(p)
            .await
        })?)
    }

    /// The offers standing for `id` in other sources: (id, source name, source kind, URL).
    pub async fn duplicates_of(
        &self,
        id: i64,
    ) -> Result<Vec<(i64, String, String, Option<String>)>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, source_name, source_kind, source_url FROM offers WHERE duplicate_of = $1 \
                 AND status IN ('a_valider', 'publiee', 'a_reverifier') ORDER BY id",
            )
            .bind(id)
            .fetch_all(p)
            .await
        })?)
    }
}
