//! The territory and who acts in it: organisations, companies and training centres; and the
//! official commune centres that replace the embedded coordinates.

use chrono::{DateTime, NaiveTime, Utc};
use tremplin_domain::{CodeInsee, Siret};

use crate::offers::next_revision;
use crate::{Result, Store, StoreError, on_pool};

/// How the publication time is stored: "09:00".
const TIME: &str = "%H:%M";

/// A Mission Locale's territory: its communes are those of its EPCIs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Territory {
    pub id: i64,
    pub name: String,
    pub short_name: String,
    /// ISO weekday, 1 = Monday … 4 = Thursday.
    pub publication_weekday: i64,
    /// Paris time.
    pub publication_time: NaiveTime,
    pub contact_email: Option<String>,
    pub address: Option<String>,
    /// The Mission Locale's phone and opening hours, as young people read them
    /// ("02 33 24 00 00", "du lundi au vendredi, 9 h – 12 h 30 et 13 h 30 – 17 h").
    pub phone: Option<String>,
    pub opening_hours: Option<String>,
    pub epcis: Vec<String>,
    /// A published offer must be confirmed every this many weeks.
    pub reverify_weeks: i64,
    /// An offer expires this many days after its start date.
    pub start_tolerance_days: i64,
    /// Applications and CVs are erased this many months after their last activity.
    pub retention_months: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganisationKind {
    MissionLocale,
    Partenaire,
    Cfa,
}

impl OrganisationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissionLocale => "mission_locale",
            Self::Partenaire => "partenaire",
            Self::Cfa => "cfa",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyContact {
    pub name: String,
    pub role: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A company of the network, as the demo or the back office records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyRecord {
    pub siret: Siret,
    pub name: String,
    pub naf: Option<String>,
    pub commune: CodeInsee,
    pub address: Option<String>,
    pub contacts: Vec<CompanyContact>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TrainingCentre {
    pub id: i64,
    pub name: String,
    pub commune_code: String,
    /// Diploma labels separated by `|`.
    pub diplomas: String,
    pub website: Option<String>,
}

impl TrainingCentre {
    pub fn diploma_list(&self) -> impl Iterator<Item = &str> {
        self.diplomas
            .split('|')
            .map(str::trim)
            .filter(|d| !d.is_empty())
    }
}

#[derive(sqlx::FromRow)]
struct TerritoryRow {
    id: i64,
    name: String,
    short_name: String,
    publication_weekday: i64,
    publication_time: String,
    contact_email: Option<String>,
    address: Option<String>,
    reverify_weeks: i64,
    start_tolerance_days: i64,
    retention_months: i64,
    phone: Option<String>,
    opening_hours: Option<String>,
}

impl Store {
    /// Creates the territory, or updates the one with the same name; replaces its EPCIs.
    pub async fn save_territory(&self, t: &Territory) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let existing: Option<i64> =
                sqlx::query_scalar("SELECT id FROM territories WHERE name = $1")
                    .bind(&t.name)
                    .fetch_optional(&mut *tx)
                    .await?;
            let id: i64 = match existing {
                Some(id) => {
                    sqlx::query(
                        "UPDATE territories SET short_name = $1, publication_weekday = $2, publication_time = $3, \
                         contact_email = $4, address = $5, phone = $6, opening_hours = $7 WHERE id = $8",
                    )
                    .bind(&t.short_name)
                    .bind(t.publication_weekday)
                    .bind(t.publication_time.format(TIME).to_string())
                    .bind(&t.contact_email)
                    .bind(&t.address)
                    .bind(&t.phone)
                    .bind(&t.opening_hours)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO territories (name, short_name, publication_weekday, publication_time, contact_email, address, \
                         phone, opening_hours) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    )
                    .bind(&t.name)
                    .bind(&t.short_name)
                    .bind(t.publication_weekday)
                    .bind(t.publication_time.format(TIME).to_string())
                    .bind(&t.contact_email)
                    .bind(&t.address)
                    .bind(&t.phone)
                    .bind(&t.opening_hours)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            sqlx::query("DELETE FROM territory_epcis WHERE territory_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for epci in &t.epcis {
                sqlx::query(
                    "INSERT INTO territory_epcis (territory_id, epci_code) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(epci)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The territory this instance serves (the first one created).
    pub async fn territory(&self) -> Result<Option<Territory>> {
        on_pool!(self, |p| {
            let row: Option<TerritoryRow> = sqlx::query_as(
                "SELECT id, name, short_name, publication_weekday, publication_time, contact_email, address, \
                 reverify_weeks, start_tolerance_days, retention_months, phone, opening_hours FROM territories ORDER BY id LIMIT 1",
            )
            .fetch_optional(p)
            .await?;
            let Some(r) = row else { return Ok(None) };
            let epcis: Vec<String> = sqlx::query_scalar(
                "SELECT epci_code FROM territory_epcis WHERE territory_id = $1 ORDER BY epci_code",
            )
            .bind(r.id)
            .fetch_all(p)
            .await?;
            Ok(Some(Territory {
                id: r.id,
                name: r.name,
                short_name: r.short_name,
                publication_weekday: r.publication_weekday,
                publication_time: NaiveTime::parse_from_str(&r.publication_time, TIME).map_err(
                    |_| {
                        StoreError::Corrupt(format!(
                            "heure de publication « {} »",
                            r.publication_time
                        ))
                    },
                )?,
                contact_email: r.contact_email,
                address: r.address,
                phone: r.phone,
                opening_hours: r.opening_hours,
                epcis,
                reverify_weeks: r.reverify_weeks,
                start_tolerance_days: r.start_tolerance_days,
                retention_months: r.retention_months,
            }))
        })
    }

    /// The territory's publication day and hour and its life-cycle deadlines.
    pub async fn update_territory_settings(
        &self,
        id: i64,
        weekday: i64,
        time: NaiveTime,
        reverify_weeks: i64,
        start_tolerance_days: i64,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query(
                "UPDATE territories SET publication_weekday = $1, publication_time = $2, reverify_weeks = $3, start_tolerance_days = $4 WHERE id = $5",
            )
            .bind(weekday)
            .bind(time.format(TIME).to_string())
            .bind(reverify_weeks)
            .bind(start_tolerance_days)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// How young people reach the Mission Locale: its phone and opening hours.
    pub async fn update_territory_contact(
        &self,
        id: i64,
        phone: Option<&str>,
        opening_hours: Option<&str>,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("UPDATE territories SET phone = $1, opening_hours = $2 WHERE id = $3")
                .bind(phone)
                .bind(opening_hours)
                .bind(id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn add_organisation(
        &self,
        name: &str,
        kind: OrganisationKind,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("INSERT INTO organisations (name, kind, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(name)
                .bind(kind.as_str())
                .bind(now)
                .fetch_one(p)
                .await
        })?)
    }

    /// Creates or updates a company by SIRET, replacing its contacts. A new name re-indexes
    /// its offers (their index documents show it) under this transaction's revision.
    pub async fn save_company(&self, c: &CompanyRecord, now: DateTime<Utc>) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            let existing: Option<(i64, String)> =
                sqlx::query_as("SELECT id, name FROM companies WHERE siret = $1")
                    .bind(c.siret.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            let id: i64 = match existing {
                Some((id, name)) => {
                    if name != c.name {
                        sqlx::query("UPDATE offers SET revision = $1 WHERE company_id = $2")
                            .bind(revision)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query(
                        "UPDATE companies SET name = $1, naf = $2, commune_code = $3, address = $4, updated_at = $5 WHERE id = $6",
                    )
                    .bind(&c.name)
                    .bind(&c.naf)
                    .bind(c.commune.as_str())
                    .bind(&c.address)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    id
                }
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO companies (siret, name, naf, commune_code, address, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                    )
                    .bind(c.siret.as_str())
                    .bind(&c.name)
                    .bind(&c.naf)
                    .bind(c.commune.as_str())
                    .bind(&c.address)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            sqlx::query("DELETE FROM company_contacts WHERE company_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for k in &c.contacts {
                sqlx::query("INSERT INTO company_contacts (company_id, name, role, phone, email) VALUES ($1, $2, $3, $4, $5)")
                    .bind(id)
                    .bind(&k.name)
                    .bind(&k.role)
                    .bind(&k.phone)
                    .bind(&k.email)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn count_companies(&self) -> Result<i64> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM companies"
        )
        .fetch_one(p)
        .await)?)
    }

    /// Creates or updates a training centre by name. A new commune re-reads its offers (they
    /// carry it, [`tremplin_domain::Offer::cfa_commune`]) under this transaction's revision.
    pub async fn save_training_centre(
        &self,
        name: &str,
        commune: &CodeInsee,
        diplomas: &str,
        website: Option<&str>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            let existing: Option<(i64, String)> =
                sqlx::query_as("SELECT id, commune_code FROM training_centres WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&mut *tx)
                    .await?;
            let id: i64 = match existing {
                Some((id, was)) => {
                    if was != commune.as_str() {
                        sqlx::query("UPDATE offers SET revision = $1 WHERE cfa_id = $2")
                            .bind(revision)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query("UPDATE training_centres SET commune_code = $1, diplomas = $2, website = $3 WHERE id = $4")
                        .bind(commune.as_str())
                        .bind(diplomas)
                        .bind(website)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    id
                }
                None => {
                    sqlx::query_scalar(
                        "INSERT INTO training_centres (name, commune_code, diplomas, website) VALUES ($1, $2, $3, $4) RETURNING id",
                    )
                    .bind(name)
                    .bind(commune.as_str())
                    .bind(diplomas)
                    .bind(website)
                    .fetch_one(&mut *tx)
                    .await?
                }
            };
            tx.commit().await?;
            Ok(id)
        })
    }

    pub async fn training_centre(&self, id: i64) -> Result<Option<TrainingCentre>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as("SELECT id, name, commune_code, diplomas, website FROM training_centres WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    pub async fn training_centres(&self) -> Result<Vec<TrainingCentre>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as("SELECT id, name, commune_code, diplomas, website FROM training_centres ORDER BY name")
                .fetch_all(p)
                .await
        })?)
    }

    /// Stores official commune centres, replacing earlier ones. Offers are re-indexed by
    /// touching their revision, so that distances follow the new coordinates.
    pub async fn save_commune_centres(
        &self,
        centres: &[(String, f64, f64)],
        now: DateTime<Utc>,
    ) -> Result<usize> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let revision = next_revision!(tx);
            for chunk in centres.chunks(500) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO commune_centres (code, lat, lon, updated_at) ",
                );
                qb.push_values(chunk, |mut b, (code, lat, lon)| {
                    b.push_bind(code.clone())
                        .push_bind(*lat)
                        .push_bind(*lon)
                        .push_bind(now);
                });
                qb.push(" ON CONFLICT (code) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, updated_at = excluded.updated_at");
                qb.build().execute(&mut *tx).await?;
            }
            sqlx::query("UPDATE offers SET revision = $1")
                .bind(revision)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(centres.len())
        })
    }

    pub async fn commune_centres(&self) -> Result<Vec<(String, f64, f64)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT code, lat, lon FROM commune_centres"
        )
        .fetch_all(p)
        .await)?)
    }
}
