//! Phoning about an offer: confirming it with a call in the company's log (and taking that
//! back), extending an offer that left on its start date, and a company's offers.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::lifecycle::{Action, Actor, extension};
use tremplin_domain::network::CallInput;
use tremplin_domain::{Invalid, Offer, OfferStatus};

use crate::offers::{apply_action, next_revision, record_change};
use crate::{Result, Store, StoreError, on_pool};

/// What undoing a confirmation gave back.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoneConfirmation {
    pub offer_id: i64,
    pub company_id: i64,
    pub status: OfferStatus,
}

impl Store {
    /// Confirms the offer as a counselor after a call and writes that call in its company's
    /// log, with what the offer was before: one transaction, so the offer is never confirmed
    /// without its call nor the reverse. Returns the call's id (what "Annuler" takes back).
    pub async fn confirm_offer_by_call(
        &self,
        offer_id: i64,
        call: &CallInput,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            // The revision counter's lock first, as every writer takes it (see `write_lock!`).
            sqlx::query("UPDATE revision_counter SET value = value WHERE id = 1")
                .execute(&mut *tx)
                .await?;
            let before: Option<(String, Option<DateTime<Utc>>, i64)> =
                sqlx::query_as("SELECT status, verified_at, company_id FROM offers WHERE id = $1")
                    .bind(offer_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((status, verified_at, company_id)) = before else {
                return Err(Invalid::new("offre", "Cette offre n'existe pas.").into());
            };
            apply_action!(
                tx,
                offer_id,
                Action::Confirmer,
                Actor::Conseiller,
                user_id,
                now
            );
            let revision: i64 = sqlx::query_scalar("SELECT revision FROM offers WHERE id = $1")
                .bind(offer_id)
                .fetch_one(&mut *tx)
                .await?;
            let call_id: i64 = sqlx::query_scalar(
                "INSERT INTO calls (company_id, at, user_id, outcome, notes, next_call_on, offer_id, undo_status, \
                 undo_verified_at, undo_revision) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(company_id)
            .bind(now)
            .bind(user_id)
            .bind(call.outcome.as_str())
            .bind(&call.notes)
            .bind(call.next_call_on)
            .bind(offer_id)
            .bind(&status)
            .bind(verified_at)
            .bind(revision)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(call_id)
        })
    }

    /// Takes back a confirmation made by [`Store::confirm_offer_by_call`]: the offer gets its
    /// status and verification date back and the call leaves the log. Refused once the offer
    /// changed since (an edition, an edit, another action): the counselor then acts on it.
    pub async fn undo_offer_confirmation(
        &self,
        call_id: i64,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<UndoneConfirmation> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            type Row = (
                i64,
                Option<i64>,
                Option<String>,
                Option<DateTime<Utc>>,
                Option<i64>,
            );
            let row: Option<Row> = sqlx::query_as(
                "SELECT company_id, offer_id, undo_status, undo_verified_at, undo_revision FROM calls WHERE id = $1",
            )
            .bind(call_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((company_id, Some(offer_id), Some(status), verified_at, Some(at_revision))) =
                row
            else {
                return Err(Invalid::new(
                    "appel",
                    "Il n'y a pas (ou plus) de confirmation à annuler.",
                )
                .into());
            };
            let current: i64 = sqlx::query_scalar("SELECT revision FROM offers WHERE id = $1")
                .bind(offer_id)
                .fetch_one(&mut *tx)
                .await?;
            if current != at_revision {
                return Err(Invalid::new(
                    "appel",
                    "L'offre a changé depuis cette confirmation : ouvrez-la pour la corriger.",
                )
                .into());
            }
            let restored = OfferStatus::from_db(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("statut {status}")))?;
            sqlx::query(
                "UPDATE offers SET status = $1, verified_at = $2, revision = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(&status)
            .bind(verified_at)
            .bind(revision)
            .bind(now)
            .bind(offer_id)
            .execute(&mut *tx)
            .await?;
            record_change!(
                tx,
                offer_id,
                now,
                user_id,
                &format!("Confirmation annulée : de nouveau {}", restored.label()),
                "[]".to_owned()
            );
            sqlx::query("DELETE FROM calls WHERE id = $1")
                .bind(call_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(UndoneConfirmation {
                offer_id,
                company_id,
                status: restored,
            })
        })
    }

    /// The employer still recruits after the start date passed: the offer takes the new start
    /// date (`None`: as soon as possible) and, if it had expired, goes back into the
    /// catalogue, confirmed today.
    pub async fn extend_offer(
        &self,
        offer_id: i64,
        start: Option<NaiveDate>,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<OfferStatus> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            let row: Option<(String, Option<DateTime<Utc>>)> =
                sqlx::query_as("SELECT status, published_at FROM offers WHERE id = $1")
                    .bind(offer_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((status, published_at)) = row else {
                return Err(Invalid::new("offre", "Cette offre n'existe pas.").into());
            };
            let from = OfferStatus::from_db(&status)
                .ok_or_else(|| StoreError::Corrupt(format!("statut {status}")))?;
            let to = extension(from, published_at.is_some())?;
            sqlx::query(
                "UPDATE offers SET status = $1, start_date = $2, verified_at = $3, revision = $4, updated_at = $3 WHERE id = $5",
            )
            .bind(to.as_str())
            .bind(start)
            .bind(now)
            .bind(revision)
            .bind(offer_id)
            .execute(&mut *tx)
            .await?;
            record_change!(
                tx,
                offer_id,
                now,
                user_id,
                &format!(
                    "Prolongée : début {} ({} → {})",
                    start.map_or_else(
                        || "dès que possible".to_owned(),
                        |d| format!("le {}", d.format("%d/%m/%Y"))
                    ),
                    from.label(),
                    to.label()
                ),
                "[]".to_owned()
            );
            tx.commit().await?;
            Ok(to)
        })
    }

    /// A company's offers, open ones first, then the newest: what its page lists.
    pub async fn company_offers(&self, company_id: i64, limit: i64) -> Result<Vec<Offer>> {
        let ids: Vec<i64> = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT id FROM offers WHERE company_id = $1 \
                 ORDER BY CASE WHEN status IN ('publiee', 'a_reverifier', 'a_valider', 'brouillon') THEN 0 ELSE 1 END, \
                 updated_at DESC, id DESC LIMIT $2",
            )
            .bind(company_id)
            .bind(limit)
            .fetch_all(p)
            .await
        })?;
        self.get_offers(&ids).await
    }
}

impl Store {
    /// The first contact of each of these companies (the one entered first): whom to call.
    pub async fn first_contacts(
        &self,
        company_ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, crate::CompanyContact>> {
        if company_ids.is_empty() {
            return Ok(Default::default());
        }
        type Row = (i64, String, Option<String>, Option<String>, Option<String>);
        let rows: Vec<Row> = on_pool!(self, |p| {
            let mut qb = sqlx::QueryBuilder::new(
                "SELECT company_id, name, role, phone, email FROM company_contacts WHERE company_id IN (",
            );
            let mut list = qb.separated(", ");
            for id in company_ids {
                list.push_bind(*id);
            }
            qb.push(") ORDER BY id");
            qb.build_query_as().fetch_all(p).await
        })?;
        let mut first = std::collections::HashMap::new();
        for (company_id, name, role, phone, email) in rows {
            first.entry(company_id).or_insert(crate::CompanyContact {
                name,
                role,
                phone,
                email,
            });
        }
        Ok(first)
    }
}
