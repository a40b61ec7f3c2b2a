//! How an offer is stored: its content columns (compared as a whole to detect real changes),
//! the row read back into an [`Offer`], the history's field names, and binding the content
//! once for both engines.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::{
    CodeInsee, CodeRome, Contact, ContractType, Email, GeoPoint, HttpUrl, NiveauDiplome, Offer,
    OfferInput, OfferSource, OfferStatus, Siret, SourceKind, StartDate, Telephone,
};

use tremplin_domain::Invalid;

use crate::{Result, StoreError};

/// The stored columns of an offer's content, compared as a whole to detect real changes.
#[derive(Debug, Clone, PartialEq, serde::Serialize, sqlx::FromRow)]
pub(super) struct ContentRow {
    pub(super) title: String,
    pub(super) description: String,
    pub(super) rome_codes: String,
    pub(super) company_id: i64,
    pub(super) commune_code: String,
    pub(super) address: Option<String>,
    pub(super) contract_type: String,
    pub(super) target_level: Option<i64>,
    pub(super) diploma_label: Option<String>,
    pub(super) start_date: Option<NaiveDate>,
    pub(super) duration_months: Option<i64>,
    pub(super) positions: i64,
    pub(super) rqth: bool,
    pub(super) driving_licence: bool,
    pub(super) cfa_id: Option<i64>,
    pub(super) contact_email: Option<String>,
    pub(super) contact_phone: Option<String>,
    pub(super) apply_url: Option<String>,
    pub(super) source_kind: String,
    pub(super) source_name: String,
    pub(super) external_id: Option<String>,
    pub(super) source_url: Option<String>,
    pub(super) lat: Option<f64>,
    pub(super) lon: Option<f64>,
}

#[derive(Debug, sqlx::FromRow)]
pub(super) struct OfferRow {
    pub(super) id: i64,
    pub(super) revision: i64,
    pub(super) status: String,
    #[sqlx(flatten)]
    pub(super) content: ContentRow,
    pub(super) company_name: String,
    pub(super) company_siret: Option<String>,
    pub(super) cfa_name: Option<String>,
    pub(super) cfa_commune: Option<String>,
    pub(super) organisation_id: Option<i64>,
    pub(super) validated_at: Option<DateTime<Utc>>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
    pub(super) published_at: Option<DateTime<Utc>>,
    pub(super) verified_at: Option<DateTime<Utc>>,
    pub(super) expires_at: Option<DateTime<Utc>>,
    pub(super) duplicate_of: Option<i64>,
}

pub(super) const CONTENT_COLUMNS: &str = "title, description, rome_codes, company_id, commune_code, address, contract_type, \
     target_level, diploma_label, start_date, duration_months, positions, rqth, driving_licence, cfa_id, \
     contact_email, contact_phone, apply_url, source_kind, source_name, external_id, source_url, lat, lon";

pub(super) const SELECT_OFFER: &str = "SELECT o.id, o.revision, o.status, o.title, o.description, o.rome_codes, o.company_id, \
     o.commune_code, o.address, o.contract_type, o.target_level, o.diploma_label, o.start_date, o.duration_months, \
     o.positions, o.rqth, o.driving_licence, o.cfa_id, o.contact_email, o.contact_phone, o.apply_url, \
     o.source_kind, o.source_name, o.external_id, o.source_url, o.lat, o.lon, o.created_at, o.updated_at, o.published_at, \
     o.verified_at, o.expires_at, o.organisation_id, o.validated_at, o.duplicate_of, c.name AS company_name, c.siret AS company_siret, t.name AS cfa_name, t.commune_code AS cfa_commune \
     FROM offers o JOIN companies c ON c.id = o.company_id LEFT JOIN training_centres t ON t.id = o.cfa_id";

impl ContentRow {
    pub(super) fn new(input: &OfferInput, company_id: i64, cfa_id: Option<i64>) -> Self {
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
            // A contact stored under older, looser rules (an address lettre refuses since) is
            // dropped with a warning rather than making the whole offer unreadable: the offer
            // stays in the catalogue and in the index, its other ways to apply intact.
            contact: Contact {
                email: lenient(r.id, "e-mail", c.contact_email.as_deref(), Email::parse),
                phone: lenient(
                    r.id,
                    "téléphone",
                    c.contact_phone.as_deref(),
                    Telephone::parse,
                ),
                apply_url: lenient(r.id, "lien", c.apply_url.as_deref(), HttpUrl::parse),
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
            cfa_commune: r.cfa_commune.clone(),
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

/// The fields that differ, with their old and new values.
pub(super) fn diff(old: &ContentRow, new: &ContentRow) -> Vec<(String, String, String)> {
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
pub(super) fn field_label(column: &str) -> &str {
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

/// Binds the 22 content columns as `$1`…`$22`, in [`CONTENT_COLUMNS`] order.
pub(super) fn bind_content<'q, Q: BindContent<'q>>(q: Q, c: &ContentRow) -> Q {
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
pub(super) trait BindContent<'q>: Sized {
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

/// A stored contact detail read back through its type; `None`, logged without the value (it
/// may be personal), when today's rules refuse it.
fn lenient<T>(
    offer: i64,
    what: &str,
    stored: Option<&str>,
    parse: impl Fn(&str) -> std::result::Result<T, Invalid>,
) -> Option<T> {
    let value = stored?;
    match parse(value) {
        Ok(v) => Some(v),
        Err(_) => {
            tracing::warn!(
                offre = offer,
                champ = what,
                "coordonnée enregistrée illisible, ignorée"
            );
            None
        }
    }
}
