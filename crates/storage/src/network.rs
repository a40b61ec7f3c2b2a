//! The company network and phoning: companies with their contacts and call log, the week's
//! worklist, and partners' API tokens.

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::network::{CallInput, CallOutcome};
use tremplin_domain::{Invalid, Offer, Siret};

use crate::{CompanyContact, CompanyRecord, Result, Store, StoreError, on_pool};

/// A company in lists: who it is and where the phoning stands.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanySummary {
    pub id: i64,
    pub siret: Option<Siret>,
    pub name: String,
    pub naf: Option<String>,
    pub commune_code: Option<String>,
    pub last_call_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<CallOutcome>,
    pub next_call_on: Option<NaiveDate>,
    pub open_offers: i64,
}

impl CompanySummary {
    pub fn last_outcome_label(&self) -> &'static str {
        self.last_outcome.map_or("jamais appelée", |o| o.label())
    }
}

/// A stored value read back through its domain type: what was checked on the way in is
/// checked again on the way out.
fn stored<T>(parsed: std::result::Result<T, Invalid>, what: &str) -> Result<T> {
    parsed.map_err(|e| StoreError::Corrupt(format!("{what} : {}", e.message)))
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    siret: Option<String>,
    name: String,
    naf: Option<String>,
    commune_code: Option<String>,
    last_call_at: Option<DateTime<Utc>>,
    last_outcome: Option<String>,
    next_call_on: Option<NaiveDate>,
    open_offers: i64,
}

impl TryFrom<SummaryRow> for CompanySummary {
    type Error = StoreError;

    fn try_from(r: SummaryRow) -> Result<Self> {
        Ok(Self {
            id: r.id,
            siret: r
                .siret
                .map(|s| stored(Siret::parse(&s), "SIRET"))
                .transpose()?,
            name: r.name,
            naf: r.naf,
            commune_code: r.commune_code,
            last_call_at: r.last_call_at,
            last_outcome: r
                .last_outcome
                .map(|o| stored(CallOutcome::parse(&o), "résultat d'appel"))
                .transpose()?,
            next_call_on: r.next_call_on,
            open_offers: r.open_offers,
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    /// Part of the name.
    pub name: Option<String>,
    /// NAF code prefix ("10.71", "45").
    pub naf: Option<String>,
    pub commune: Option<String>,
    pub never_called: bool,
    pub with_open_offers: bool,
    /// Not called since this instant (or never).
    pub not_called_since: Option<DateTime<Utc>>,
    /// At most this many, by name (500 when not given).
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub at: DateTime<Utc>,
    pub who: Option<String>,
    pub outcome: CallOutcome,
    pub notes: String,
    pub next_call_on: Option<NaiveDate>,
}

impl Call {
    pub fn outcome_label(&self) -> &'static str {
        self.outcome.label()
    }
}

#[derive(Debug, Clone)]
pub struct CompanyDetail {
    pub summary: CompanySummary,
    pub address: Option<String>,
    pub tags: String,
    pub notes: String,
    pub contacts: Vec<CompanyContact>,
    pub calls: Vec<Call>,
}

/// An API token as the admin pages list it (never the token itself).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const SUMMARY: &str = "SELECT c.id, c.siret, c.name, c.naf, c.commune_code, \
     (SELECT k.at FROM calls k WHERE k.company_id = c.id ORDER BY k.id DESC LIMIT 1) AS last_call_at, \
     (SELECT k.outcome FROM calls k WHERE k.company_id = c.id ORDER BY k.id DESC LIMIT 1) AS last_outcome, \
     (SELECT k.next_call_on FROM calls k WHERE k.company_id = c.id ORDER BY k.id DESC LIMIT 1) AS next_call_on, \
     (SELECT COUNT(*) FROM offers o WHERE o.company_id = c.id AND o.status IN ('publiee', 'a_reverifier', 'a_valider')) AS open_offers \
     FROM companies c";

impl Store {
    /// Adds a company to the network; a SIRET already known is refused with the company's name.
    pub async fn add_company(
        &self,
        c: &CompanyRecord,
        tags: &str,
        notes: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let existing: Option<String> =
                sqlx::query_scalar("SELECT name FROM companies WHERE siret = $1")
                    .bind(c.siret.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(name) = existing {
                return Err(Invalid::new(
                    "siret",
                    format!("Une entreprise du réseau a déjà ce SIRET : {name}."),
                )
                .into());
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO companies (siret, name, naf, commune_code, address, tags, notes, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
            )
            .bind(c.siret.as_str())
            .bind(&c.name)
            .bind(&c.naf)
            .bind(c.commune.as_str())
            .bind(&c.address)
            .bind(tags)
            .bind(notes)
            .bind(now)
            .fetch_one(&mut *tx)
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

    pub async fn companies(&self, f: &CompanyFilter) -> Result<Vec<CompanySummary>> {
        let name = f
            .name
            .as_ref()
            .map(|n| format!("%{}%", n.trim().to_lowercase()));
        let naf = f.naf.as_ref().map(|n| format!("{}%", n.trim()));
        let rows: Vec<SummaryRow> = on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "{SUMMARY} WHERE ($1 IS NULL OR lower(c.name) LIKE $1) AND ($2 IS NULL OR c.naf LIKE $2) \
                 AND ($3 IS NULL OR c.commune_code = $3) \
                 AND ($4 = FALSE OR NOT EXISTS (SELECT 1 FROM calls k WHERE k.company_id = c.id)) \
                 AND ($5 = FALSE OR EXISTS (SELECT 1 FROM offers o WHERE o.company_id = c.id \
                      AND o.status IN ('publiee', 'a_reverifier', 'a_valider'))) \
                 AND ($6 IS NULL OR NOT EXISTS (SELECT 1 FROM calls k WHERE k.company_id = c.id AND k.at >= $6)) \
                 ORDER BY c.name LIMIT $7"
            ))
            .bind(&name)
            .bind(&naf)
            .bind(&f.commune)
            .bind(f.never_called)
            .bind(f.with_open_offers)
            .bind(f.not_called_since)
            .bind(f.limit.unwrap_or(500).clamp(1, 500))
            .fetch_all(p)
            .await
        })?;
        rows.into_iter().map(CompanySummary::try_from).collect()
    }

    pub async fn company(&self, id: i64) -> Result<Option<CompanyDetail>> {
        on_pool!(self, |p| {
            let summary: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY} WHERE c.id = $1"))
                .bind(id)
                .fetch_optional(p)
                .await?;
            let Some(summary) = summary.map(CompanySummary::try_from).transpose()? else {
                return Ok(None);
            };
            let (address, tags, notes): (Option<String>, String, String) =
                sqlx::query_as("SELECT address, tags, notes FROM companies WHERE id = $1")
                    .bind(id)
                    .fetch_one(p)
                    .await?;
            let contacts: Vec<(String, Option<String>, Option<String>, Option<String>)> =
                sqlx::query_as("SELECT name, role, phone, email FROM company_contacts WHERE company_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(p)
                    .await?;
            let calls: Vec<(DateTime<Utc>, Option<String>, String, String, Option<NaiveDate>)> = sqlx::query_as(
                "SELECT k.at, u.email, k.outcome, k.notes, k.next_call_on FROM calls k LEFT JOIN users u ON u.id = k.user_id \
                 WHERE k.company_id = $1 ORDER BY k.id DESC",
            )
            .bind(id)
            .fetch_all(p)
            .await?;
            Ok(Some(CompanyDetail {
                summary,
                address,
                tags,
                notes,
                contacts: contacts
                    .into_iter()
                    .map(|(name, role, phone, email)| CompanyContact {
                        name,
                        role,
                        phone,
                        email,
                    })
                    .collect(),
                calls: calls
                    .into_iter()
                    .map(|(at, who, outcome, notes, next_call_on)| {
                        Ok(Call {
                            at,
                            who,
                            outcome: stored(CallOutcome::parse(&outcome), "résultat d'appel")?,
                            notes,
                            next_call_on,
                        })
                    })
                    .collect::<Result<_>>()?,
            }))
        })
    }

    pub async fn record_call(
        &self,
        company_id: i64,
        call: &CallInput,
        user_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        on_pool!(self, |p| {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM companies WHERE id = $1")
                .bind(company_id)
                .fetch_optional(p)
                .await?;
            if exists.is_none() {
                return Err(Invalid::new("entreprise", "Cette entreprise n'existe pas.").into());
            }
            Ok(sqlx::query_scalar(
                "INSERT INTO calls (company_id, at, user_id, outcome, notes, next_call_on) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(company_id)
            .bind(now)
            .bind(user_id)
            .bind(call.outcome.as_str())
            .bind(&call.notes)
            .bind(call.next_call_on)
            .fetch_one(p)
            .await?)
        })
    }

    /// Companies whose last call asked to call back by `today`.
    pub async fn calls_due(&self, today: NaiveDate) -> Result<Vec<CompanySummary>> {
        let rows: Vec<SummaryRow> = on_pool!(self, |p| {
            sqlx::query_as(&format!(
                "SELECT * FROM ({SUMMARY}) s WHERE s.next_call_on IS NOT NULL AND s.next_call_on <= $1 ORDER BY s.next_call_on, s.name"
            ))
            .bind(today)
            .fetch_all(p)
            .await
        })?;
        rows.into_iter().map(CompanySummary::try_from).collect()
    }

    /// Offers to confirm by phone: those already `a_reverifier`, and published ones whose last
    /// confirmation is older than `verified_before` (they turn at the deadline); the `limit`
    /// longest unconfirmed.
    pub async fn offers_to_reverify(
        &self,
        verified_before: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Offer>> {
        let ids: Vec<i64> = on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT id FROM offers WHERE status = 'a_reverifier' \
                 OR (status = 'publiee' AND (verified_at IS NULL OR verified_at < $1)) ORDER BY verified_at IS NOT NULL, verified_at, id LIMIT $2",
            )
            .bind(verified_before)
            .bind(limit)
            .fetch_all(p)
            .await
        })?;
        self.get_offers(&ids).await
    }

    /// The NAF divisions ("10", "45") of the companies in the network, by code.
    pub async fn naf_divisions_in_network(&self) -> Result<Vec<String>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT DISTINCT substr(naf, 1, 2) AS d FROM companies WHERE naf IS NOT NULL AND naf <> '' ORDER BY d",
            )
            .fetch_all(p)
            .await
        })?)
    }

    // ---- API tokens ----

    pub async fn create_api_token(
        &self,
        organisation_id: i64,
        token_hash: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "INSERT INTO api_tokens (organisation_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(organisation_id)
            .bind(token_hash)
            .bind(label)
            .bind(now)
            .fetch_one(p)
            .await
        })?)
    }

    /// The organisation of a live token, recording its use.
    pub async fn api_token_organisation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(i64, String)>> {
        on_pool!(self, |p| {
            let found: Option<(i64, i64, String)> = sqlx::query_as(
                "SELECT t.id, t.organisation_id, o.name FROM api_tokens t JOIN organisations o ON o.id = t.organisation_id \
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
            )
            .bind(token_hash)
            .fetch_optional(p)
            .await?;
            let Some((id, org, name)) = found else {
                return Ok(None);
            };
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(p)
                .await?;
            Ok(Some((org, name)))
        })
    }

    pub async fn api_tokens(&self) -> Result<Vec<ApiToken>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT t.id, t.organisation_id, o.name AS organisation_name, t.label, t.created_at, t.last_used_at, t.revoked_at \
                 FROM api_tokens t JOIN organisations o ON o.id = t.organisation_id ORDER BY t.id DESC",
            )
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn revoke_api_token(&self, id: i64, now: DateTime<Utc>) -> Result<bool> {
        Ok(on_pool!(self, |p| {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected() == 1)
        })?)
    }

    /// Organisations, for the admin pages: (id, name, kind).
    pub async fn organisations(&self) -> Result<Vec<(i64, String, String)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT id, name, kind FROM organisations ORDER BY name"
        )
        .fetch_all(p)
        .await)?)
    }
}

/// How many rows of one category fell in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodCount {
    pub period: usize,
    pub category: String,
    pub count: u32,
}

impl Store {
    /// Offers published per period and source kind: period i runs from `bounds[i]` to
    /// `bounds[i + 1]`.
    pub async fn publications_per_period(
        &self,
        bounds: &[DateTime<Utc>],
    ) -> Result<Vec<PeriodCount>> {
        self.per_period("offers", "published_at", "source_kind", bounds)
            .await
    }

    /// Calls per period and outcome, as `publications_per_period`.
    pub async fn calls_per_period(&self, bounds: &[DateTime<Utc>]) -> Result<Vec<PeriodCount>> {
        self.per_period("calls", "at", "outcome", bounds).await
    }

    /// Rows of `table` counted by period of `at` (period i is bounds[i]..bounds[i+1]) and by
    /// `category`, in the database: a catalogue of 100 000 offers is not loaded to draw a chart.
    async fn per_period(
        &self,
        table: &str,
        at: &str,
        category: &str,
        bounds: &[DateTime<Utc>],
    ) -> Result<Vec<PeriodCount>> {
        if bounds.len() < 2 {
            return Ok(Vec::new());
        }
        let cases: String = (0..bounds.len() - 1)
            .map(|i| format!("WHEN {at} < ${} THEN {i} ", i + 2))
            .collect();
        let sql = format!(
            "SELECT p, {category}, COUNT(*) FROM (SELECT CASE {cases}END AS p, {category} FROM {table} \
             WHERE {at} >= $1 AND {at} < ${}) t GROUP BY p, {category}",
            bounds.len()
        );
        let rows: Vec<(i32, String, i64)> = on_pool!(self, |p| {
            let mut query = sqlx::query_as(&sql);
            for b in bounds {
                query = query.bind(*b);
            }
            query.fetch_all(p).await
        })?;
        Ok(rows
            .into_iter()
            .map(|(period, category, count)| PeriodCount {
                period: period as usize,
                category,
                count: count as u32,
            })
            .collect())
    }
}
