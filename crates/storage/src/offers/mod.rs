//! Offers: upsert keyed by source, the revision counter, and the change feed the search index
//! follows.

use chrono::{DateTime, Utc};
use tremplin_domain::{Invalid, Offer, OfferInput, OfferStatus};

use tremplin_domain::lifecycle::{Action, Actor};

use crate::{Result, Store, on_pool};

mod rows;
use rows::{CONTENT_COLUMNS, ContentRow, OfferRow, SELECT_OFFER, bind_content, diff};

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
}

/// An offer as the change feed reports it.
pub type ChangedOffer = Offer;

/// A place in the change feed, which runs in (revision, id) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct FeedPosition {
    pub revision: i64,
    pub id: i64,
}

impl FeedPosition {
    /// Past every offer of `revision` and before: where a reader that has all of it starts.
    pub fn after_revision(revision: i64) -> Self {
        Self {
            revision,
            id: i64::MAX,
        }
    }

    /// Just past `offer`, the last one read.
    pub fn after(offer: &ChangedOffer) -> Self {
        Self {
            revision: offer.revision,
            id: offer.id,
        }
    }
}

/// Takes the next revision; run first in every write transaction so that the write lock is
/// taken at once and revisions commit in order.
macro_rules! next_revision {
    ($tx:expr) => {
        sqlx::query_scalar::<_, i64>(
            "UPDATE revision_counter SET value = value + 1 WHERE id = 1 RETURNING value",
        )
        .fetch_one(&mut *$tx)
        .await?
    };
}
pub(crate) use next_revision;

/// Takes the revision counter's lock without a new revision, first in a transaction that may
/// write offers later: every writer then takes the same lock first, and none waits on another
/// in the opposite order (a deadlock on PostgreSQL, a busy database on SQLite).
macro_rules! write_lock {
    ($tx:expr) => {
        sqlx::query("UPDATE revision_counter SET value = value WHERE id = 1")
            .execute(&mut *$tx)
            .await?
    };
}

/// Finds the offer's company (by SIRET, or by name and commune without one) or creates it,
/// and the linked training centre by name.
macro_rules! resolve_refs {
    ($tx:expr, $input:expr, $now:expr) => {{
        let input: &OfferInput = $input;
        let existing: Option<i64> = match &input.siret {
            Some(siret) => sqlx::query_scalar("SELECT id FROM companies WHERE siret = $1")
                .bind(siret.as_str())
                .fetch_optional(&mut *$tx)
                .await?,
            None => sqlx::query_scalar(
                // Written so that SQLite uses (name, commune_code), not the SIRET index where
                // every company without one sits: 13 ms a lookup at 55 000 companies, 0.006 here.
                "SELECT id FROM companies WHERE COALESCE(siret, '') = '' AND name = $1 AND commune_code = $2 ORDER BY id LIMIT 1",
            )
            .bind(input.company_name.trim())
            .bind(input.commune.as_str())
            .fetch_optional(&mut *$tx)
            .await?,
        };
        let company_id: i64 = match existing {
            Some(id) => id,
            None => sqlx::query_scalar(
                "INSERT INTO companies (siret, name, commune_code, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
            )
            .bind(input.siret.as_ref().map(|s| s.as_str()))
            .bind(input.company_name.trim())
            .bind(input.commune.as_str())
            .bind($now)
            .fetch_one(&mut *$tx)
            .await?,
        };
        let cfa_id: Option<i64> = match &input.cfa {
            None => None,
            Some(name) => Some(
                sqlx::query_scalar("SELECT id FROM training_centres WHERE lower(name) = lower($1)")
                    .bind(name.trim())
                    .fetch_optional(&mut *$tx)
                    .await?
                    .ok_or_else(|| {
                        Invalid::new("cfa", format!("Aucun centre de formation ne s'appelle « {} ».", name.trim()))
                    })?,
            ),
        };
        (company_id, cfa_id)
    }};
}

/// Who writes an offer, and for which organisation.
#[derive(Debug, Clone, Default)]
pub struct OfferMeta {
    pub organisation_id: Option<i64>,
    pub user_id: Option<i64>,
    /// Created already validated for the next edition (counselors, imports).
    pub validated: bool,
}

/// One line of an offer's history.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferChange {
    pub at: DateTime<Utc>,
    pub who: Option<String>,
    pub summary: String,
    /// (field, old value, new value)
    pub fields: Vec<(String, String, String)>,
}

/// Writes an offer's history line.
macro_rules! record_change {
    ($tx:expr, $id:expr, $now:expr, $user:expr, $summary:expr, $changes:expr) => {
        sqlx::query("INSERT INTO offer_changes (offer_id, at, user_id, summary, changes) VALUES ($1, $2, $3, $4, $5)")
            .bind($id)
            .bind($now)
            .bind($user)
            .bind($summary)
            .bind($changes)
            .execute(&mut *$tx)
            .await?
    };
}
pub(crate) use record_change;

/// Applies a life-cycle action, checked by the domain's rules, under a new revision, with its
/// history line; run first in the caller's transaction. Evaluates to the new status.
macro_rules! apply_action {
    ($tx:expr, $id:expr, $action:expr, $actor:expr, $user:expr, $now:expr) => {{
        use tremplin_domain::lifecycle::Action as A;
        let (id, action, now): (i64, A, chrono::DateTime<chrono::Utc>) = ($id, $action, $now);
        let revision = crate::offers::next_revision!($tx);
        let row: Option<(String, Option<chrono::DateTime<chrono::Utc>>)> =
            sqlx::query_as("SELECT status, validated_at FROM offers WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *$tx)
                .await?;
        let Some((status, validated_at)) = row else {
            return Err(tremplin_domain::Invalid::new("offre", "Cette offre n'existe pas.").into());
        };
        let from = tremplin_domain::OfferStatus::from_db(&status)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("statut {status}")))?;
        let to =
            tremplin_domain::lifecycle::transition(from, validated_at.is_some(), action, $actor)?;
        let validate = matches!(
            action,
            A::Valider | A::PublierMaintenant | A::PublierEdition
        );
        let publish = matches!(action, A::PublierMaintenant | A::PublierEdition);
        let verify = publish || action == A::Confirmer;
        sqlx::query(
            "UPDATE offers SET status = $1, revision = $2, updated_at = $3, \
             validated_at = CASE WHEN $4 THEN COALESCE(validated_at, $3) ELSE validated_at END, \
             published_at = CASE WHEN $5 THEN COALESCE(published_at, $3) ELSE published_at END, \
             verified_at = CASE WHEN $6 THEN $3 ELSE verified_at END \
             WHERE id = $7",
        )
        .bind(to.as_str())
        .bind(revision)
        .bind(now)
        .bind(validate)
        .bind(publish)
        .bind(verify)
        .bind(id)
        .execute(&mut *$tx)
        .await?;
        let summary = if from == to {
            action.label().to_owned()
        } else {
            format!("{} : {} → {}", action.label(), from.label(), to.label())
        };
        crate::offers::record_change!($tx, id, now, $user, &summary, "[]".to_owned());
        if matches!(
            to,
            tremplin_domain::OfferStatus::Pourvue
                | tremplin_domain::OfferStatus::Expiree
                | tremplin_domain::OfferStatus::Retiree
        ) {
            crate::offers::drop_pending_on_close!($tx, id, now, $user);
        }
        to
    }};
}
pub(crate) use apply_action;

/// Replaces an offer's content if it differs, recording which fields changed. Evaluates to
/// whether anything was written.
macro_rules! update_content {
    ($tx:expr, $id:expr, $content:expr, $revision:expr, $now:expr, $user:expr) => {{
        let content: &ContentRow = $content;
        let stored: ContentRow = sqlx::query_as(&format!("SELECT {CONTENT_COLUMNS} FROM offers WHERE id = $1"))
            .bind($id)
            .fetch_optional(&mut *$tx)
            .await?
            .ok_or_else(|| Invalid::new("offre", "Cette offre n'existe pas."))?;
        if stored == *content {
            false
        } else {
            bind_content(
                sqlx::query(
                    "UPDATE offers SET title = $1, description = $2, rome_codes = $3, company_id = $4, \
                     commune_code = $5, address = $6, contract_type = $7, target_level = $8, diploma_label = $9, \
                     start_date = $10, duration_months = $11, positions = $12, rqth = $13, driving_licence = $14, \
                     cfa_id = $15, contact_email = $16, contact_phone = $17, apply_url = $18, source_kind = $19, \
                     source_name = $20, external_id = $21, source_url = $22, lat = $23, lon = $24, \
                     revision = $25, updated_at = $26 WHERE id = $27",
                ),
                content,
            )
            .bind($revision)
            .bind($now)
            .bind($id)
            .execute(&mut *$tx)
            .await?;
            let changes = diff(&stored, content);
            let summary = format!("Modifiée : {}", changes.iter().map(|c| c.0.as_str()).collect::<Vec<_>>().join(", "));
            record_change!($tx, $id, $now, $user, &summary, serde_json::to_string(&changes).unwrap_or_default());
            true
        }
    }};
}

impl Store {
    /// Stores an offer from an import: created with `new_status` if its source and external id
    /// are new, updated if its content changed, untouched otherwise (re-importing changes
    /// nothing). Offers created awaiting the edition count as validated.
    pub async fn upsert_offer(
        &self,
        input: &OfferInput,
        new_status: OfferStatus,
        now: DateTime<Utc>,
    ) -> Result<(i64, UpsertOutcome)> {
        let meta = OfferMeta {
            validated: true,
            ..OfferMeta::default()
        };
        self.upsert_offer_as(input, new_status, &meta, now).await
    }

    /// [`Store::upsert_offer`] on behalf of someone: the history records who, and the offer
    /// belongs to `meta.organisation_id`.
    pub async fn upsert_offer_as(
        &self,
        input: &OfferInput,
        new_status: OfferStatus,
        meta: &OfferMeta,
        now: DateTime<Utc>,
    ) -> Result<(i64, UpsertOutcome)> {
        if let Some(e) = input.check_at(now.date_naive()).into_iter().next() {
            return Err(e.into());
        }
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            let (company_id, cfa_id) = resolve_refs!(tx, input, now);
            let content = ContentRow::new(input, company_id, cfa_id);
            let existing: Option<i64> = match &input.source.external_id {
                Some(ext) => {
                    sqlx::query_scalar(
                        "SELECT id FROM offers WHERE source_name = $1 AND external_id = $2",
                    )
                    .bind(&input.source.name)
                    .bind(ext)
                    .fetch_optional(&mut *tx)
                    .await?
                }
                None => None,
            };
            let outcome = match existing {
                Some(id) => {
                    if !update_content!(tx, id, &content, revision, now, meta.user_id) {
                        // Nothing to write: give the revision back by rolling back.
                        tx.rollback().await?;
                        return Ok((id, UpsertOutcome::Unchanged));
                    }
                    (id, UpsertOutcome::Updated)
                }
                None => {
                    let published = (new_status == OfferStatus::Publiee).then_some(now);
                    let validated = (meta.validated || published.is_some()).then_some(now);
                    let id: i64 = bind_content(
                        sqlx::query_scalar(&format!(
                            "INSERT INTO offers ({CONTENT_COLUMNS}, revision, status, created_at, updated_at, \
                             published_at, verified_at, organisation_id, validated_at) VALUES ($1, $2, $3, $4, $5, $6, \
                             $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, \
                             $25, $26, $27, $27, $28, $28, $29, $30) RETURNING id"
                        )),
                        &content,
                    )
                    .bind(revision)
                    .bind(new_status.as_str())
                    .bind(now)
                    .bind(published)
                    .bind(meta.organisation_id)
                    .bind(validated)
                    .fetch_one(&mut *tx)
                    .await?;
                    record_change!(tx, id, now, meta.user_id, "Offre créée", "[]".to_owned());
                    (id, UpsertOutcome::Created)
                }
            };
            tx.commit().await?;
            Ok(outcome)
        })
    }

    /// Changes an offer's fields from the back office. Returns false if nothing changed.
    pub async fn update_offer(
        &self,
        id: i64,
        input: &OfferInput,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        if let Some(e) = input.check_at(now.date_naive()).into_iter().next() {
            return Err(e.into());
        }
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            let (company_id, cfa_id) = resolve_refs!(tx, input, now);
            let content = ContentRow::new(input, company_id, cfa_id);
            if !update_content!(tx, id, &content, revision, now, user_id) {
                tx.rollback().await?;
                return Ok(false);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Applies a life-cycle action, checked by the domain's rules, and records it.
    pub async fn apply_offer_action(
        &self,
        id: i64,
        action: Action,
        actor: Actor,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<OfferStatus> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let to = apply_action!(tx, id, action, actor, user_id, now);
            tx.commit().await?;
            Ok(to)
        })
    }

    /// The history of an offer, oldest first.
    pub async fn offer_history(&self, id: i64) -> Result<Vec<OfferChange>> {
        let rows: Vec<(DateTime<Utc>, Option<String>, String, String)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT c.at, u.email, c.summary, c.changes FROM offer_changes c LEFT JOIN users u ON u.id = c.user_id \
                 WHERE c.offer_id = $1 ORDER BY c.id",
            )
            .bind(id)
            .fetch_all(p)
            .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(at, who, summary, changes)| OfferChange {
                at,
                who,
                summary,
                fields: serde_json::from_str(&changes).unwrap_or_default(),
            })
            .collect())
    }

    /// How many offers have this status: all of them, or one organisation's.
    pub async fn count_offers(
        &self,
        status: OfferStatus,
        organisation_id: Option<i64>,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("SELECT COUNT(*) FROM offers WHERE status = $1 AND ($2 IS NULL OR organisation_id = $2)")
                .bind(status.as_str())
                .bind(organisation_id)
                .fetch_one(p)
                .await
        })?)
    }

    /// Offers of the back office, newest first: all of them, or one organisation's.
    pub async fn offers_for_management(
        &self,
        status: Option<OfferStatus>,
        organisation_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Offer>> {
        self.offers_for_management_from(status, organisation_id, limit, 0)
            .await
    }

    /// [`Store::offers_for_management`] after skipping the first `skip` (the back office's
    /// pages).
    pub async fn offers_for_management_from(
        &self,
        status: Option<OfferStatus>,
        organisation_id: Option<i64>,
        limit: i64,
        skip: i64,
    ) -> Result<Vec<Offer>> {
        let rows: Vec<OfferRow> = on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{SELECT_OFFER} WHERE ($1 IS NULL OR o.status = $1) AND ($2 IS NULL OR o.organisation_id = $2) \
                 ORDER BY o.updated_at DESC, o.id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(status.map(|s| s.as_str()))
            .bind(organisation_id)
            .bind(limit)
            .bind(skip)
            .fetch_all(p)
            .await
        })?;
        rows.into_iter().map(Offer::try_from).collect()
    }

    /// Changes an offer's status (publishing sets its publication date the first time).
    pub async fn set_offer_status(
        &self,
        id: i64,
        status: OfferStatus,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            let done = sqlx::query(
                "UPDATE offers SET status = $1, revision = $2, updated_at = $3, \
                 published_at = CASE WHEN $1 = 'publiee' AND published_at IS NULL THEN $3 ELSE published_at END \
                 WHERE id = $4",
            )
            .bind(status.as_str())
            .bind(revision)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            tx.commit().await?;
            Ok(done)
        })
    }

    /// Sets the publication date explicitly (demo data spreads it over past weeks).
    pub async fn set_published_at(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            sqlx::query("UPDATE offers SET published_at = $1, verified_at = $1, created_at = $1, revision = $2 WHERE id = $3")
                .bind(at)
                .bind(revision)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn get_offer(&self, id: i64) -> Result<Option<Offer>> {
        let row: Option<OfferRow> = on_pool!(self, |p| {
            sqlx::query_as(&format!("{SELECT_OFFER} WHERE o.id = $1"))
                .bind(id)
                .fetch_optional(p)
                .await
        })?;
        row.map(Offer::try_from).transpose()
    }

    /// The offers with these ids, in the order of `ids` (unknown ids are skipped).
    pub async fn get_offers(&self, ids: &[i64]) -> Result<Vec<Offer>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<OfferRow> = on_pool!(self, |p| {
            let mut qb = sqlx::QueryBuilder::new(format!("{SELECT_OFFER} WHERE o.id IN ("));
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        let mut offers: Vec<Offer> = rows
            .into_iter()
            .map(Offer::try_from)
            .collect::<Result<_>>()?;
        offers.sort_by_key(|o| ids.iter().position(|id| *id == o.id));
        Ok(offers)
    }

    /// The change feed the index follows: offers changed after `after`, in (revision, id)
    /// order. A page can end inside a revision (one transaction gives every offer it writes
    /// the same one); the next page starts after the last offer read, so none is skipped.
    pub async fn offers_changed_after(
        &self,
        after: FeedPosition,
        limit: i64,
    ) -> Result<Vec<ChangedOffer>> {
        let rows: Vec<OfferRow> = on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{SELECT_OFFER} WHERE (o.revision, o.id) > ($1, $2) ORDER BY o.revision, o.id LIMIT $3"
            ))
            .bind(after.revision)
            .bind(after.id)
            .bind(limit)
            .fetch_all(p)
            .await
        })?;
        rows.into_iter().map(Offer::try_from).collect()
    }

    /// The last revision given out.
    pub async fn current_revision(&self) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("SELECT value FROM revision_counter WHERE id = 1")
                .fetch_one(p)
                .await
        })?)
    }
}

mod revisions;
pub use revisions::PendingRevision;
pub(crate) use revisions::drop_pending_on_close;
