//! The pay rules table: loaded from the rules file at every start (rows already there kept),
//! listed for the simulator and the admin page, added to and confirmed by administrators.
//! Nothing is ever rewritten but a row's confirmation (who, when).

use chrono::{DateTime, NaiveDate, Utc};
use tremplin_domain::pay::{Category, Rule};

use crate::{Result, Store, StoreError, on_pool};

/// A rule as stored, with who added and who confirmed it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRule {
    pub id: i64,
    pub rule: Rule,
    /// `fichier` (the rules file) or `admin`.
    pub origin: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub confirmed_by: Option<String>,
}

impl StoredRule {
    /// Flagged by its source and not yet confirmed by an administrator.
    pub fn awaiting_check(&self) -> bool {
        self.rule.to_verify && self.confirmed_at.is_none()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    category: String,
    key: String,
    valid_from: NaiveDate,
    value: String,
    unit: String,
    label: String,
    conditions: String,
    source: String,
    to_verify: bool,
    origin: String,
    created_at: DateTime<Utc>,
    created_by: Option<String>,
    confirmed_at: Option<DateTime<Utc>>,
    confirmed_by: Option<String>,
}

const SELECT: &str = "SELECT r.id, r.category, r.key, r.valid_from, r.value, r.unit, r.label, r.conditions, \
     r.source, r.to_verify, r.origin, r.created_at, c.email AS created_by, r.confirmed_at, \
     v.email AS confirmed_by FROM pay_rules r LEFT JOIN users c ON c.id = r.created_by \
     LEFT JOIN users v ON v.id = r.confirmed_by";

impl Row {
    fn into_rule(self) -> Result<StoredRule> {
        let corrupt =
            |e: tremplin_domain::Invalid| StoreError::Corrupt(format!("règle {} : {e}", self.id));
        let category = Category::parse(&self.category).map_err(corrupt)?;
        let rule = Rule::new(
            category,
            &self.key,
            self.valid_from,
            &self.value,
            &self.unit,
            &self.label,
            &self.conditions,
            &self.source,
            self.to_verify,
        )
        .map_err(corrupt)?;
        Ok(StoredRule {
            id: self.id,
            rule,
            origin: self.origin,
            created_at: self.created_at,
            created_by: self.created_by,
            confirmed_at: self.confirmed_at,
            confirmed_by: self.confirmed_by,
        })
    }
}

const INSERT: &str = "INSERT INTO pay_rules (category, key, valid_from, value, unit, label, conditions, source, \
     to_verify, origin, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
     ON CONFLICT (category, key, valid_from) DO NOTHING";

impl Store {
    /// Loads the rules file: rows not yet in the table are added, the others left alone (an
    /// administrator's confirmation or added row survives every restart). Returns how many
    /// were added.
    pub async fn seed_pay_rules(&self, rules: &[Rule], at: DateTime<Utc>) -> Result<u64> {
        let added = on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let mut added = 0;
            for r in rules {
                added += sqlx::query(INSERT)
                    .bind(r.category.as_str())
                    .bind(&r.key)
                    .bind(r.valid_from)
                    .bind(&r.value)
                    .bind(&r.unit)
                    .bind(&r.label)
                    .bind(&r.conditions)
                    .bind(&r.source)
                    .bind(r.to_verify)
                    .bind("fichier")
                    .bind(at)
                    .bind(None::<i64>)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await.map(|_| added)
        })?;
        Ok(added)
    }

    /// Every rule, by category, key and date.
    pub async fn pay_rules(&self) -> Result<Vec<StoredRule>> {
        let sql = format!("{SELECT} ORDER BY r.category, r.key, r.valid_from");
        let rows: Vec<Row> = on_pool!(self, |p| sqlx::query_as(&sql).fetch_all(p).await)?;
        rows.into_iter().map(Row::into_rule).collect()
    }

    pub async fn pay_rule(&self, id: i64) -> Result<Option<StoredRule>> {
        let sql = format!("{SELECT} WHERE r.id = $1");
        let row: Option<Row> = on_pool!(self, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await)?;
        row.map(Row::into_rule).transpose()
    }

    /// An administrator's new dated row; `false` when that rule already has a row at that date
    /// (rows are never overwritten: pick another date).
    pub async fn add_pay_rule(&self, r: &Rule, by: i64, at: DateTime<Utc>) -> Result<bool> {
        let done = on_pool!(self, |p| {
            sqlx::query(INSERT)
                .bind(r.category.as_str())
                .bind(&r.key)
                .bind(r.valid_from)
                .bind(&r.value)
                .bind(&r.unit)
                .bind(&r.label)
                .bind(&r.conditions)
                .bind(&r.source)
                .bind(r.to_verify)
                .bind("admin")
                .bind(at)
                .bind(Some(by))
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Records that an administrator checked a row flagged « à vérifier »; `false` when the
    /// row does not exist, is not flagged, or was already confirmed.
    pub async fn confirm_pay_rule(&self, id: i64, by: i64, at: DateTime<Utc>) -> Result<bool> {
        let done = on_pool!(self, |p| {
            sqlx::query(
                "UPDATE pay_rules SET confirmed_at = $1, confirmed_by = $2 \
                 WHERE id = $3 AND to_verify = $4 AND confirmed_at IS NULL",
            )
            .bind(at)
            .bind(by)
            .bind(id)
            .bind(true)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }
}
