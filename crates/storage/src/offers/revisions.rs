//! Partners' changes to validated offers, held until a counselor accepts or refuses them (see
//! `tremplin_domain::revision`). Holding one changes nothing the public reads: no revision is
//! taken, the offer's row is untouched; accepting goes through the offer's normal update.

use chrono::{DateTime, Utc};
use tremplin_domain::revision::{FieldChange, Record, to_record};
use tremplin_domain::{Invalid, OfferInput};

use super::{CONTENT_COLUMNS, ContentRow, bind_content, diff};
use crate::{Result, Store, StoreError, on_pool};

/// A partner's change waiting for a counselor.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingRevision {
    pub offer_id: i64,
    /// The history line that recorded it: names this version of the change, so that a
    /// counselor accepts what they read and not a later one.
    pub change_id: i64,
    /// The offer's full new field set, in the CSV import's column names.
    pub record: Record,
    pub user_id: Option<i64>,
    /// The e-mail of the partner's account; none when sent through the API.
    pub who: Option<String>,
    pub organisation: Option<String>,
    pub submitted_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    offer_id: i64,
    change_id: i64,
    fields: String,
    user_id: Option<i64>,
    who: Option<String>,
    organisation: Option<String>,
    submitted_at: DateTime<Utc>,
}

impl TryFrom<PendingRow> for PendingRevision {
    type Error = StoreError;

    fn try_from(r: PendingRow) -> Result<Self> {
        Ok(Self {
            record: serde_json::from_str(&r.fields).map_err(|_| {
                StoreError::Corrupt(format!("modification en attente de l'offre {}", r.offer_id))
            })?,
            offer_id: r.offer_id,
            change_id: r.change_id,
            user_id: r.user_id,
            who: r.who,
            organisation: r.organisation,
            submitted_at: r.submitted_at,
        })
    }
}

/// Pending changes of open offers only: a closed offer's change is moot.
const SELECT_PENDING: &str = "SELECT r.offer_id, r.change_id, r.fields, r.user_id, u.email AS who, g.name AS organisation, \
     r.submitted_at FROM pending_revisions r JOIN offers o ON o.id = r.offer_id LEFT JOIN users u ON u.id = r.user_id \
     LEFT JOIN organisations g ON g.id = r.organisation_id \
     WHERE o.status NOT IN ('pourvue', 'expiree', 'retiree')";

/// Checks that the change a counselor answers is still the one waiting, and that the offer is
/// open.
macro_rules! check_pending {
    ($tx:expr, $id:expr, $change_id:expr) => {{
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT r.change_id, o.status FROM pending_revisions r JOIN offers o ON o.id = r.offer_id WHERE r.offer_id = $1",
        )
        .bind($id)
        .fetch_optional(&mut *$tx)
        .await?;
        match row {
            Some((_, status)) if matches!(status.as_str(), "pourvue" | "expiree" | "retiree") => {
                return Err(Invalid::new("modification", "Cette offre est close : la modification proposée ne s'applique plus.").into());
            }
            Some((change, _)) if change == $change_id => {}
            Some(_) => {
                return Err(Invalid::new(
                    "modification",
                    "Le partenaire a envoyé une nouvelle version de sa modification entre-temps : relisez-la avant de répondre.",
                )
                .into());
            }
            None => {
                return Err(Invalid::new(
                    "modification",
                    "Aucune modification n'attend de validation pour cette offre : elle a sans doute déjà été traitée.",
                )
                .into());
            }
        }
    }};
}

/// Removes the change `change_id`, or refuses if another replaced it in the meantime (a
/// partner sending a new version while a counselor answers the one they read).
macro_rules! take_pending {
    ($tx:expr, $id:expr, $change_id:expr) => {
        let taken = sqlx::query("DELETE FROM pending_revisions WHERE offer_id = $1 AND change_id = $2")
            .bind($id)
            .bind($change_id)
            .execute(&mut *$tx)
            .await?
            .rows_affected();
        if taken != 1 {
            return Err(Invalid::new(
                "modification",
                "Le partenaire a envoyé une nouvelle version de sa modification entre-temps : relisez-la avant de répondre.",
            )
            .into());
        }
    };
}

impl Store {
    /// Holds a partner's change to a validated offer, replacing the one waiting if any. The
    /// history records which fields it would change; sent again unchanged, nothing is written.
    /// Returns the change's id.
    pub async fn propose_offer_revision(
        &self,
        id: i64,
        input: &OfferInput,
        changes: &[FieldChange],
        user_id: Option<i64>,
        organisation_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        if let Some(e) = input.check().into_iter().next() {
            return Err(e.into());
        }
        let fields = serde_json::to_string(&to_record(input))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            write_lock!(tx);
            let status: Option<String> =
                sqlx::query_scalar("SELECT status FROM offers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            match status.as_deref() {
                None => return Err(Invalid::new("offre", "Cette offre n'existe pas.").into()),
                Some("pourvue" | "expiree" | "retiree") => {
                    return Err(Invalid::new(
                        "statut",
                        "Cette offre est close : créez-en une nouvelle.",
                    )
                    .into());
                }
                Some(_) => {}
            }
            if let Some(name) = &input.cfa {
                let known: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM training_centres WHERE lower(name) = lower($1)",
                )
                .bind(name.trim())
                .fetch_optional(&mut *tx)
                .await?;
                if known.is_none() {
                    return Err(Invalid::new(
                        "cfa",
                        format!(
                            "Aucun centre de formation ne s'appelle « {} ».",
                            name.trim()
                        ),
                    )
                    .into());
                }
            }
            let waiting: Option<(i64, String)> = sqlx::query_as(
                "SELECT change_id, fields FROM pending_revisions WHERE offer_id = $1",
            )
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((change_id, _)) = waiting.filter(|(_, f)| *f == fields) {
                // A partner's nightly sync sends the same body again: still the same change.
                tx.rollback().await?;
                return Ok(change_id);
            }
            let by: Option<String> = match (user_id, organisation_id) {
                (None, Some(org)) => {
                    sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
                        .bind(org)
                        .fetch_optional(&mut *tx)
                        .await?
                }
                _ => None,
            };
            let summary = format!(
                "Modification proposée{}, en attente de validation : {}",
                by.map_or_else(String::new, |name| format!(" par « {name} » (API)")),
                changes
                    .iter()
                    .map(|c| c.label)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let lines: Vec<(&str, &str, &str)> = changes
                .iter()
                .map(|c| (c.label, c.before.as_str(), c.after.as_str()))
                .collect();
            let change_id: i64 = sqlx::query_scalar(
                "INSERT INTO offer_changes (offer_id, at, user_id, summary, changes) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(id)
            .bind(now)
            .bind(user_id)
            .bind(&summary)
            .bind(serde_json::to_string(&lines).unwrap_or_default())
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO pending_revisions (offer_id, change_id, fields, user_id, organisation_id, submitted_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (offer_id) DO UPDATE SET change_id = excluded.change_id, \
                 fields = excluded.fields, user_id = excluded.user_id, organisation_id = excluded.organisation_id, \
                 submitted_at = excluded.submitted_at",
            )
            .bind(id)
            .bind(change_id)
            .bind(&fields)
            .bind(user_id)
            .bind(organisation_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(change_id)
        })
    }

    /// The offer that a source's external id names, if any (a partner sending an offer again).
    pub async fn offer_id_by_source(
        &self,
        source_name: &str,
        external_id: &str,
    ) -> Result<Option<i64>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("SELECT id FROM offers WHERE source_name = $1 AND external_id = $2")
                .bind(source_name)
                .bind(external_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// The change waiting on this offer, if it is open and has one.
    pub async fn pending_revision(&self, offer_id: i64) -> Result<Option<PendingRevision>> {
        let row: Option<PendingRow> = on_pool!(self, |p| {
            sqlx::query_as(&format!("{SELECT_PENDING} AND r.offer_id = $1"))
                .bind(offer_id)
                .fetch_optional(p)
                .await
        })?;
        row.map(PendingRevision::try_from).transpose()
    }

    /// How many changes wait: all of them, or on one organisation's offers.
    pub async fn count_pending_revisions(&self, organisation_id: Option<i64>) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM pending_revisions r JOIN offers o ON o.id = r.offer_id \
                 WHERE o.status NOT IN ('pourvue', 'expiree', 'retiree') AND ($1 IS NULL OR o.organisation_id = $1)",
            )
            .bind(organisation_id)
            .fetch_one(p)
            .await
        })?)
    }

    /// The changes waiting, oldest first: all of them, or one organisation's offers'.
    pub async fn pending_revisions(
        &self,
        organisation_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<PendingRevision>> {
        let rows: Vec<PendingRow> = on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{SELECT_PENDING} AND ($1 IS NULL OR o.organisation_id = $1) ORDER BY r.submitted_at, r.offer_id LIMIT $2"
            ))
            .bind(organisation_id)
            .bind(limit)
            .fetch_all(p)
            .await
        })?;
        rows.into_iter().map(PendingRevision::try_from).collect()
    }

    /// A counselor accepts the change `change_id`, read back as `input`: the offer is updated
    /// as by [`Store::update_offer`] (history, revision, index), and the change is no longer
    /// waiting. Returns whether the offer's content changed.
    pub async fn accept_offer_revision(
        &self,
        id: i64,
        change_id: i64,
        input: &OfferInput,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        if let Some(e) = input.check().into_iter().next() {
            return Err(e.into());
        }
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            write_lock!(tx);
            check_pending!(tx, id, change_id);
            take_pending!(tx, id, change_id);
            let (company_id, cfa_id) = resolve_refs!(tx, input, now);
            let content = ContentRow::new(input, company_id, cfa_id);
            record_change!(
                tx,
                id,
                now,
                user_id,
                "Modification proposée acceptée",
                "[]".to_owned()
            );
            let stored: ContentRow = sqlx::query_as(&format!(
                "SELECT {CONTENT_COLUMNS} FROM offers WHERE id = $1"
            ))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            // Already as proposed (a counselor made the same edit): no revision taken.
            let changed = stored != content;
            if changed {
                let revision = next_revision!(tx);
                update_content!(tx, id, &content, revision, now, user_id);
            }
            tx.commit().await?;
            Ok(changed)
        })
    }

    /// A counselor refuses the change `change_id`, with an optional reason kept in the
    /// offer's history; the validated version stays as it is.
    pub async fn refuse_offer_revision(
        &self,
        id: i64,
        change_id: i64,
        reason: &str,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let reason = reason.trim();
        let summary = if reason.is_empty() {
            "Modification proposée refusée".to_owned()
        } else {
            format!("Modification proposée refusée : {reason}")
        };
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            write_lock!(tx);
            check_pending!(tx, id, change_id);
            take_pending!(tx, id, change_id);
            record_change!(tx, id, now, user_id, &summary, "[]".to_owned());
            tx.commit().await?;
            Ok(())
        })
    }

    /// The partner sent the validated version back: their waiting change is dropped. Returns
    /// whether one was waiting.
    pub async fn cancel_offer_revision(
        &self,
        id: i64,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            write_lock!(tx);
            let dropped = sqlx::query("DELETE FROM pending_revisions WHERE offer_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if dropped == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            record_change!(
                tx,
                id,
                now,
                user_id,
                "Modification proposée annulée : le partenaire a renvoyé la version validée",
                "[]".to_owned()
            );
            tx.commit().await?;
            Ok(true)
        })
    }
}

/// Drops the change waiting on an offer that has just closed, inside the caller's
/// transaction, and says so in its history.
macro_rules! drop_pending_on_close {
    ($tx:expr, $id:expr, $now:expr, $user:expr) => {
        if sqlx::query("DELETE FROM pending_revisions WHERE offer_id = $1")
            .bind($id)
            .execute(&mut *$tx)
            .await?
            .rows_affected()
            > 0
        {
            crate::offers::record_change!(
                $tx,
                $id,
                $now,
                $user,
                "Modification proposée abandonnée : l'offre est close",
                "[]".to_owned()
            );
        }
    };
}
pub(crate) use drop_pending_on_close;
