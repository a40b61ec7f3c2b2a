//! Back-office accounts: users, server-side sessions, login throttling and the audit log.
//! Secrets are never stored in clear: sessions by the hash of their token, passwords by their
//! argon2id hash (computed by the caller).

use chrono::{DateTime, Utc};

use crate::{Result, Store, on_pool};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Conseiller,
    Partenaire,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "admin" => Self::Admin,
            "conseiller" => Self::Conseiller,
            "partenaire" => Self::Partenaire,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Conseiller => "conseiller",
            Self::Partenaire => "partenaire",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Administrateur·rice",
            Self::Conseiller => "Conseiller·e",
            Self::Partenaire => "Partenaire",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub active: bool,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    role: String,
    organisation_id: Option<i64>,
    organisation_name: Option<String>,
    active: bool,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        Self {
            id: r.id,
            email: r.email,
            role: Role::parse(&r.role).unwrap_or(Role::Partenaire),
            organisation_id: r.organisation_id,
            organisation_name: r.organisation_name,
            active: r.active,
        }
    }
}

const SELECT_USER: &str = "SELECT u.id, u.email, u.role, u.organisation_id, o.name AS organisation_name, u.active \
     FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id";

/// A session found by its token: the user and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub expires_unix: i64,
}

/// Failures of one key in a period: how many, the first and the last (unix seconds; the
/// period's start when there were none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureSpan {
    pub count: i64,
    pub first: i64,
    pub last: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_email: Option<String>,
    pub action: String,
    pub detail: String,
    pub ip: Option<String>,
}

impl Store {
    pub async fn organisation_id(&self, name: &str) -> Result<Option<i64>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("SELECT id FROM organisations WHERE name = $1")
                .bind(name)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Creates a user; `Ok(None)` if the email is already taken.
    pub async fn add_user(
        &self,
        email: &str,
        password_hash: &str,
        role: Role,
        organisation_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let email = email.trim().to_lowercase();
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Ok(None);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, password_hash, role, organisation_id, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(&email)
            .bind(password_hash)
            .bind(role.as_str())
            .bind(organisation_id)
            .bind(true)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(id))
        })
    }

    /// The user and password hash for a login attempt.
    pub async fn user_for_login(&self, email: &str) -> Result<Option<(User, String)>> {
        let email = email.trim().to_lowercase();
        on_pool!(self, |p| {
            let row: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, password_hash FROM users WHERE email = $1 AND active = $2",
            )
            .bind(&email)
            .bind(true)
            .fetch_optional(p)
            .await?;
            let Some((id, hash)) = row else {
                return Ok(None);
            };
            let user: UserRow = sqlx::query_as(&format!("{SELECT_USER} WHERE u.id = $1"))
                .bind(id)
                .fetch_one(p)
                .await?;
            Ok(Some((user.into(), hash)))
        })
    }

    /// Changes a user's role, organisation and whether they may sign in; a deactivated user's
    /// sessions end at once.
    pub async fn update_user(
        &self,
        id: i64,
        role: Role,
        organisation_id: Option<i64>,
        active: bool,
    ) -> Result<bool> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE users SET role = $1, organisation_id = $2, active = $3 WHERE id = $4",
            )
            .bind(role.as_str())
            .bind(organisation_id)
            .bind(active)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if !active {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(done)
        })
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        let rows: Vec<UserRow> = on_pool!(self, |p| sqlx::query_as(&format!(
            "{SELECT_USER} ORDER BY u.email"
        ))
        .fetch_all(p)
        .await)?;
        Ok(rows.into_iter().map(User::from).collect())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        now: i64,
        expires: i64,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_unix, expires_unix) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash)
                .bind(user_id)
                .bind(csrf)
                .bind(now)
                .bind(expires)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// The live session with this token hash, if any (expired ones are not returned).
    pub async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>> {
        on_pool!(self, |p| {
            let row: Option<(i64, String, i64)> = sqlx::query_as(
                "SELECT s.user_id, s.csrf, s.expires_unix FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_unix > $2 AND u.active = $3",
            )
            .bind(token_hash)
            .bind(now)
            .bind(true)
            .fetch_optional(p)
            .await?;
            let Some((user_id, csrf, expires_unix)) = row else {
                return Ok(None);
            };
            let user: UserRow = sqlx::query_as(&format!("{SELECT_USER} WHERE u.id = $1"))
                .bind(user_id)
                .fetch_one(p)
                .await?;
            Ok(Some(Session {
                user: user.into(),
                csrf,
                expires_unix,
            }))
        })
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "DELETE FROM sessions WHERE token_hash = $1"
        )
        .bind(token_hash)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Failed logins for `key` ("email:…", "ip:…") since `since` (unix seconds).
    pub async fn login_failures(&self, key: &str, since: i64) -> Result<i64> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at_unix > $2",
            )
            .bind(key)
            .bind(since)
            .fetch_one(p)
            .await
        })?)
    }

    /// How many failures `key` has had since `since`, and when the first and the last were.
    pub async fn login_failure_span(&self, key: &str, since: i64) -> Result<FailureSpan> {
        let (count, first, last): (i64, Option<i64>, Option<i64>) = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT COUNT(*), MIN(at_unix), MAX(at_unix) FROM login_failures WHERE key = $1 AND at_unix > $2",
            )
            .bind(key)
            .bind(since)
            .fetch_one(p)
            .await
        })?;
        Ok(FailureSpan {
            count,
            first: first.unwrap_or(since),
            last: last.unwrap_or(since),
        })
    }

    pub async fn record_login_failure(&self, keys: &[String], at: i64) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for key in keys {
                sqlx::query("INSERT INTO login_failures (key, at_unix) VALUES ($1, $2)")
                    .bind(key)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            }
            // Old failures no longer count: keep the table small.
            sqlx::query("DELETE FROM login_failures WHERE at_unix < $1")
                .bind(at - 86_400)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        })?;
        Ok(())
    }

    /// Takes back the try counted against `key` at `at` (counted before the password was
    /// checked, it turned out right).
    pub async fn forget_login_try(&self, key: &str, at: i64) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "DELETE FROM login_failures WHERE key = $1 AND at_unix = $2"
        )
        .bind(key)
        .bind(at)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "DELETE FROM login_failures WHERE key = $1"
        )
        .bind(key)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Who did what, when, from where.
    pub async fn audit(
        &self,
        at: DateTime<Utc>,
        user_id: Option<i64>,
        action: &str,
        detail: &str,
        ip: Option<&str>,
    ) -> Result<()> {
        on_pool!(self, |p| {
            sqlx::query("INSERT INTO audit_log (at, user_id, action, detail, ip) VALUES ($1, $2, $3, $4, $5)")
                .bind(at)
                .bind(user_id)
                .bind(action)
                .bind(detail)
                .bind(ip)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT a.id, a.at, u.email AS user_email, a.action, a.detail, a.ip FROM audit_log a \
                 LEFT JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT $1",
            )
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }
}
