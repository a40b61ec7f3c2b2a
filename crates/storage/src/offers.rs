//! Offers: upsert keyed by source, the revision counter, and the change feed the search index
//! follows.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::{
    CodeInsee, CodeRome, Contact, ContractType, Email, GeoPoint, HttpUrl, Invalid, NiveauDiplome,
    Offer, OfferInput, OfferSource, OfferStatus, Siret, SourceKind, StartDate, Telephone,
};

use tremplin_domain::lifecycle::{Action, Actor};

use crate::{Result, Store, StoreError, on_pool};

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

/// The stored columns of an offer's content, compared as a whole to detect real changes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
struct ContentRow {
    title: String,
    description: String,
    rome_codes: String,
    company_id: i64,
    commune_code: String,
    address: Option<String>,
    contract_type: String,
    target_level: Option<i64>,
    diploma_label: Option<String>,
    start_date: Option<NaiveDate>,
    duration_months: Option<i64>,
    positions: i64,
    rqth: bool,
    driving_licence: bool,
    cfa_id: Option<i64>,
    contact_email: Option<String>,
    contact_phone: Option<String>,
    apply_url: Option<String>,
    source_kind: String,
    source_name: String,
    external_id: Option<String>,
    source_url: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Debug, sqlx::FromRow)]
struct OfferRow {
    id: i64,
    revision: i64,
    status: String,
    #[sqlx(flatten)]
    content: ContentRow,
    company_name: String,
    company_siret: Option<String>,
    cfa_name: Option<String>,
    organisation_id: Option<i64>,
    validated_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    verified_at: Option<DateTime<Utc>>,
    expires_at: Option<DateTime<Utc>>,
    duplicate_of: Option<i64>,
}

const CONTENT_COLUMNS: &str = "title, description, rome_codes, company_id, commune_code, address, contract_type, \
     target_level, diploma_label, start_date, duration_months, positions, rqth, driving_licence, cfa_id, \
     contact_email, contact_phone, apply_url, source_kind, source_name, external_id, source_url, lat, lon";

const SELECT_OFFER: &str = "SELECT o.id, o.revision, o.status, o.title, o.description, o.rome_codes, o.company_id, \
     o.commune_code, o.address, o.contract_type, o.target_level, o.diploma_label, o.start_date, o.duration_months, \
     o.positions, o.rqth, o.driving_licence, o.cfa_id, o.contact_email, o.contact_phone, o.apply_url, \
     o.source_kind, o.source_name, o.external_id, o.source_url, o.lat, o.lon, o.created_at, o.updated_at, o.published_at, \
     o.verified_at, o.expires_at, o.organisation_id, o.validated_at, o.duplicate_of, c.name AS company_name, c.siret AS company_siret, t.name AS cfa_name \
     FROM offers o JOIN companies c ON c.id = o.company_id LEFT JOIN training_centres t ON t.id = o.cfa_id";

impl ContentRow {
    fn new(input: &OfferInput, company_id: i64, cfa_id: Option<i64>) -> Self {
        Self {
            title: input.title.trim().to_owned(),
            description: input.description.trim().to_owned(),
            rome_codes: input
                .rome_codes
                .iter()
                .map(CodeRome::as_str)
                .collect::<Vec<_>>()
                .join(","),
            company_id,
            commune_code: input.commune.as_str().to_owned(),
            address: input.address.clone(),
            contract_type: input.contract_type.as_str().to_owned(),
            target_level: input.level.map(|l| i64::from(l.get())),
            diploma_label: input.diploma_label.clone(),
            start_date: input.start.date(),
            duration_months: input.duration_months.map(i64::from),
            positions: i64::from(input.positions),
            rqth: input.rqth,
            driving_licence: input.driving_licence,
            cfa_id,
            contact_email: input.contact.email.as_ref().map(|e| e.as_str().to_owned()),
            contact_phone: input.contact.phone.as_ref().map(|e| e.as_str().to_owned()),
            apply_url: input
                .contact
                .apply_url
                .as_ref()
                .map(|e| e.as_str().to_owned()),
            source_kind: input.source.kind.as_str().to_owned(),
            source_name: input.source.name.clone(),
            external_id: input.source.external_id.clone(),
            source_url: input.source.url.as_ref().map(|e| e.as_str().to_owned()),
            lat: input.location.map(|p| p.lat),
            lon: input.location.map(|p| p.lon),
        }
    }
}

impl TryFrom<OfferRow> for Offer {
    type Error = StoreError;

    fn try_from(r: OfferRow) -> Result<Self> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("offre {} : {what}", r.id));
        let c = &r.content;
        let fields = OfferInput {
            title: c.title.clone(),
            description: c.description.clone(),
            rome_codes: c
                .rome_codes
                .split(',')
                .filter(|s| !s.is_empty())
                .map(CodeRome::parse)
                .collect::<Result<_, _>>()
                .map_err(|_| corrupt("code ROME"))?,
            company_name: r.company_name.clone(),
            siret: r
                .company_siret
                .as_deref()
                .map(Siret::parse)
                .transpose()
                .map_err(|_| corrupt("SIRET"))?,
            commune: CodeInsee::parse(&c.commune_code).map_err(|_| corrupt("commune"))?,
            address: c.address.clone(),
            contract_type: ContractType::parse(&c.contract_type).map_err(|_| corrupt("contrat"))?,
            level: c
                .target_level
                .map(|l| NiveauDiplome::new(u8::try_from(l).unwrap_or(0)))
                .transpose()
                .map_err(|_| corrupt("niveau"))?,
            diploma_label: c.diploma_label.clone(),
            start: c.start_date.map_or(StartDate::Asap, StartDate::On),
            duration_months: c.duration_months.and_then(|d| u8::try_from(d).ok()),
            positions: u16::try_from(c.positions).map_err(|_| corrupt("postes"))?,
            rqth: c.rqth,
            driving_licence: c.driving_licence,
            cfa: r.cfa_name.clone(),
            contact: Contact {
                email: c
                    .contact_email
                    .as_deref()
                    .map(Email::parse)
                    .transpose()
                    .map_err(|_| corrupt("e-mail"))?,
                phone: c
                    .contact_phone
                    .as_deref()
                    .map(Telephone::parse)
                    .transpose()
                    .map_err(|_| corrupt("téléphone"))?,
                apply_url: c
                    .apply_url
                    .as_deref()
                    .map(HttpUrl::parse)
                    .transpose()
                    .map_err(|_| corrupt("url"))?,
            },
            source: OfferSource {
                kind: SourceKind::from_db(&c.source_kind).ok_or_else(|| corrupt("source"))?,
                name: c.source_name.clone(),
                external_id: c.external_id.clone(),
                url: c
                    .source_url
                    .as_deref()
                    .map(HttpUrl::parse)
                    .transpose()
                    .map_err(|_| corrupt("url source"))?,
            },
            location: match (c.lat, c.lon) {
                (Some(lat), Some(lon)) => {
                    Some(GeoPoint::new(lat, lon).map_err(|_| corrupt("coordonnées"))?)
                }
                _ => None,
            },
        };
        Ok(Offer {
            id: r.id,
            revision: r.revision,
            status: OfferStatus::from_db(&r.status).ok_or_else(|| corrupt("statut"))?,
            company_id: c.company_id,
            cfa_id: c.cfa_id,
            organisation_id: r.organisation_id,
            validated_at: r.validated_at,
            fields,
            created_at: r.created_at,
            updated_at: r.updated_at,
            published_at: r.published_at,
            verified_at: r.verified_at,
            expires_at: r.expires_at,
            duplicate_of: r.duplicate_of,
        })
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

/// The fields that differ, with their old and new values.
fn diff(old: &ContentRow, new: &ContentRow) -> Vec<(String, String, String)> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Vec::new();
    };
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, v)| {
            (
                field_label(k).to_owned(),
                show(v),
                b.get(k).map(show).unwrap_or_default(),
            )
        })
        .collect()
}

/// The French name of a stored field, as the offer's history shows it.
fn field_label(column: &str) -> &str {
    match column {
        "title" => "intitulé",
        "rome_codes" => "codes ROME",
        "company_id" => "entreprise",
        "commune_code" => "commune",
        "address" => "adresse",
        "contract_type" => "contrat",
        "target_level" => "niveau",
        "diploma_label" => "diplôme",
        "start_date" => "début",
        "duration_months" => "durée (mois)",
        "positions" => "postes",
        "rqth" => "RQTH",
        "driving_licence" => "permis",
        "cfa_id" => "centre de formation",
        "contact_email" => "e-mail",
        "contact_phone" => "téléphone",
        "apply_url" => "adresse de candidature",
        "source_kind" => "origine",
        "source_name" => "source",
        "external_id" => "identifiant externe",
        "source_url" => "annonce d'origine",
        "lat" => "latitude",
        "lon" => "longitude",
        other => other,
    }
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
        let rows: Vec<OfferRow> = on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{SELECT_OFFER} WHERE ($1 IS NULL OR o.status = $1) AND ($2 IS NULL OR o.organisation_id = $2) \
                 ORDER BY o.updated_at DESC, o.id DESC LIMIT $3"
            ))
            .bind(status.map(|s| s.as_str()))
            .bind(organisation_id)
            .bind(limit)
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

/// Binds the 22 content columns as `$1`…`$22`, in [`CONTENT_COLUMNS`] order.
fn bind_content<'q, Q: BindContent<'q>>(q: Q, c: &ContentRow) -> Q {
    q.b(c.title.clone())
        .b(c.description.clone())
        .b(c.rome_codes.clone())
        .b(c.company_id)
        .b(c.commune_code.clone())
        .b(c.address.clone())
        .b(c.contract_type.clone())
        .b(c.target_level)
        .b(c.diploma_label.clone())
        .b(c.start_date)
        .b(c.duration_months)
        .b(c.positions)
        .b(c.rqth)
        .b(c.driving_licence)
        .b(c.cfa_id)
        .b(c.contact_email.clone())
        .b(c.contact_phone.clone())
        .b(c.apply_url.clone())
        .b(c.source_kind.clone())
        .b(c.source_name.clone())
        .b(c.external_id.clone())
        .b(c.source_url.clone())
        .b(c.lat)
        .b(c.lon)
}

/// `bind` for every query type and backend this module uses, so that [`bind_content`] is
/// written once.
trait BindContent<'q>: Sized {
    fn b<T>(self, value: T) -> Self
    where
        T: 'q
            + Send
            + sqlx::Encode<'q, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>
            + sqlx::Encode<'q, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>;
}

macro_rules! impl_bind_content {
    ($db:ty, $args:ty) => {
        impl<'q> BindContent<'q> for sqlx::query::Query<'q, $db, $args> {
            fn b<T>(self, value: T) -> Self
            where
                T: 'q
                    + Send
                    + sqlx::Encode<'q, sqlx::Sqlite>
                    + sqlx::Type<sqlx::Sqlite>
                    + sqlx::Encode<'q, sqlx::Postgres>
                    + sqlx::Type<sqlx::Postgres>,
            {
                self.bind(value)
            }
        }
        impl<'q, O> BindContent<'q> for sqlx::query::QueryScalar<'q, $db, O, $args> {
            fn b<T>(self, value: T) -> Self
            where
                T: 'q
                    + Send
                    + sqlx::Encode<'q, sqlx::Sqlite>
                    + sqlx::Type<sqlx::Sqlite>
                    + sqlx::Encode<'q, sqlx::Postgres>
                    + sqlx::Type<sqlx::Postgres>,
            {
                self.bind(value)
            }
        }
    };
}
impl_bind_content!(sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>);
impl_bind_content!(sqlx::Postgres, sqlx::postgres::PgArguments);
