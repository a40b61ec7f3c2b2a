//! Tremplin's storage: one implementation serving SQLite (the default, one file in the data
//! directory) and PostgreSQL (deployments with several instances).
//!
//! Every query is written once, with `$1` placeholders that both sqlx drivers accept, and run
//! through [`on_pool!`] on whichever pool the URL chose. Types are kept to the portable set
//! (integers, text, booleans, dates and timestamps through chrono) so one row type decodes
//! from both backends. Migrations exist per backend, table for table.

mod accounts;
pub mod activities;
mod alerts;
pub mod applications;
mod carpool;
mod catalogue;
mod edition_pepites;
mod editions;
mod imports;
mod mail;
mod network;
mod offers;
mod pay_rules;
mod pepite_people;
mod pepites;
mod phoning;
mod promo_activities;
mod promos;
mod queue;
mod reach;
mod seats;
mod sms;
#[cfg(feature = "testing")]
pub mod testing;
mod trade_pages;
mod transport;
mod widgets;
mod workshops;
mod young;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use accounts::{AuditEntry, FailureSpan, Role, Session, User};
pub use activities::{Activity, Registration};
pub use alerts::{Alert, AlertCounts, AlertLink, AlertMail};
pub use carpool::{CarpoolMatch, CarpoolOptin, CarpoolOutcome, CarpoolOwner, NewCarpoolOptin};
pub use catalogue::{CompanyContact, CompanyRecord, OrganisationKind, Territory, TrainingCentre};
pub use editions::{Edition, EditionEntry, EditionPreview, EntryKind};
pub use imports::{ImportRun, ImportSchedule, RunOutcome, RunTrigger};
pub use mail::{AccountToken, Attachment, QueuedMail};
pub use network::{ApiToken, Call, CompanyDetail, CompanyFilter, CompanySummary, PeriodCount};
pub use offers::{
    ChangedOffer, FeedPosition, OfferChange, OfferMeta, PendingRevision, UpsertOutcome,
};
pub use pay_rules::StoredRule;
pub use pepites::{
    MAX_REQUESTS_PER_DAY, MAX_REQUESTS_PER_PEPITE, MediaSlot, MeetingRequest, NewMeetingRequest,
    Pepite, StoredConsent,
};
pub use phoning::UndoneConfirmation;
pub use promos::{Member, Milestone, Promo};
pub use seats::MemberSeat;
pub use sms::{QueuedSms, SmsRecord};
pub use trade_pages::{NewTradeFilm, TradeFilm};
pub use transport::{NewTransportFeed, TransportFeed};
pub use workshops::{Workshop, WorkshopResult};
pub use young::YoungPerson;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A rule that needs the database refused the input (unknown training centre…).
    #[error("{0}")]
    Invalid(#[from] tremplin_domain::Invalid),
    #[error(
        "adresse de base de données non reconnue « {0} » : utilisez sqlite://… ou postgres://…"
    )]
    UnknownScheme(String),
    #[error("donnée incohérente en base : {0}")]
    Corrupt(String),
    /// The database refused a write that breaks one of its constraints: the input is at fault
    /// (a duplicate, a reference to nothing), not the database.
    #[error("contrainte non respectée ({0:?}) : {1}")]
    Constraint(Constraint, String),
    #[error("base de données indisponible : {0}")]
    Database(sqlx::Error),
    #[error("migration impossible : {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Which kind of constraint a refused write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constraint {
    /// The same value twice where it must be unique (an e-mail, a SIRET, a name).
    Unique,
    /// A reference to a row that does not exist (an organisation, an offer).
    ForeignKey,
    /// A value the table does not allow: a CHECK or NOT NULL, or one of PostgreSQL's data
    /// exceptions (class 22: a NUL character in a text, a date out of its range…).
    Check,
}

impl Constraint {
    /// From the error code: SQLite's extended result codes (2067 unique, 1555 primary key,
    /// 787 foreign key, 275 check, 1299 not null), PostgreSQL's SQLSTATE class 23 (23505,
    /// 23503, 23514, 23502) and class 22 (data exceptions, 22021 for a NUL character).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "2067" | "1555" | "23505" => Some(Self::Unique),
            "787" | "23503" => Some(Self::ForeignKey),
            "275" | "1299" | "23514" | "23502" => Some(Self::Check),
            c if c.len() == 5 && c.starts_with("22") => Some(Self::Check),
            _ => None,
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if let Some(kind) = db.code().as_deref().and_then(Constraint::from_code) {
                return Self::Constraint(kind, db.message().to_owned());
            }
        }
        Self::Database(e)
    }
}

impl StoreError {
    /// The database could not be reached (as opposed to a bad query or bad data): callers
    /// answer 503 and retry.
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Database(
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed,
            ) => true,
            // A server shutting down, restarting or out of connections says so with these
            // SQLSTATE codes: class 08 (connection exception), 57P01–57P03 (shutdown, crash,
            // cannot connect now), 53300 (too many connections).
            Self::Database(sqlx::Error::Database(e)) => e.code().is_some_and(|code| {
                code.starts_with("08") || code.starts_with("57P") || code == "53300"
            }),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Clone, Debug)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body on whichever pool is in use; `$p` is bound to the concrete pool.
macro_rules! on_pool {
    ($store:expr, |$p:ident| $body:expr) => {
        match &$store.pool {
            crate::Pool::Sqlite($p) => $body,
            crate::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The database, cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Store {
    /// Connects from a URL: `sqlite://path/to/file.db` (created if missing), `sqlite::memory:`,
    /// or `postgres://…`. Any other scheme is refused.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            // An in-memory database lives as long as its one connection.
            let max = if url.contains(":memory:") { 1 } else { 8 };
            let pool = SqlitePoolOptions::new()
                .max_connections(max)
                .min_connections(if max == 1 { 1 } else { 0 })
                .idle_timeout(if max == 1 {
                    None
                } else {
                    Some(Duration::from_secs(600))
                })
                .max_lifetime(if max == 1 {
                    None
                } else {
                    Some(Duration::from_secs(3600))
                })
                .connect_with(options)
                .await?;
            let store = Self {
                pool: Pool::Sqlite(pool),
            };
            // Statistics for the planner from the start of a long-lived pool; a database
            // that cannot be analysed still opens.
            if let Err(e) = store.optimize().await {
                tracing::warn!(cause = %e, "statistiques SQLite non mises à jour");
            }
            Ok(store)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                // While the database is away (restart, failover) requests wait this long
                // for a connection, then answer 503: short, for people on phones.
                .acquire_timeout(Duration::from_secs(2))
                .connect(url)
                .await?;
            Ok(Self {
                pool: Pool::Postgres(pool),
            })
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(StoreError::UnknownScheme(scheme.to_owned()))
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Closes the pool, leaving SQLite's statistics current for the next start.
    pub async fn close(&self) {
        if let Err(e) = self.optimize().await {
            tracing::debug!(cause = %e, "statistiques SQLite non mises à jour à la fermeture");
        }
        on_pool!(self, |p| p.close().await)
    }

    /// Keeps the query planner's statistics current. SQLite has none until `ANALYZE` runs and
    /// keeps them only as fresh as the last run: without them, the load test saw queries read
    /// the wrong index. `PRAGMA optimize` with 0x10000 (check every table, not only those this
    /// connection used: the pool's connections come and go) and 0x02 (analyse those never
    /// analysed or whose size changed a lot), as SQLite advises for long-lived connections,
    /// plus 0x10 (a temporary analysis limit, as in its default mask), so that even the first
    /// run on a large database takes milliseconds; a no-op when nothing changed. Run when the
    /// pool opens, at close, and every few hours by the scheduler. PostgreSQL's autovacuum
    /// analyses on its own: nothing to do there.
    pub async fn optimize(&self) -> Result<()> {
        if let Pool::Sqlite(p) = &self.pool {
            sqlx::query("PRAGMA optimize=0x10012").execute(p).await?;
        }
        Ok(())
    }
}

impl Store {
    /// A consistent copy of a SQLite database taken while it runs (`VACUUM INTO`). PostgreSQL
    /// deployments back up with `pg_dump` (see the README).
    pub async fn backup_sqlite(&self, to: &std::path::Path) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query("VACUUM INTO $1").bind(to.to_string_lossy().into_owned()).execute(p).await?;
                Ok(())
            }
            Pool::Postgres(_) => Err(StoreError::Corrupt(
                "la sauvegarde intégrée concerne SQLite ; avec PostgreSQL, utilisez pg_dump (voir le README)".into(),
            )),
        }
    }

    /// Whether this database passes SQLite's integrity check and carries Tremplin's migrations.
    pub async fn looks_like_tremplin(&self) -> Result<bool> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let check: String = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_one(p)
                    .await?;
                let migrated: Option<i64> =
                    sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
                        .fetch_optional(p)
                        .await
                        .ok()
                        .flatten();
                Ok(check == "ok" && migrated.is_some_and(|n| n > 0))
            }
            Pool::Postgres(_) => Ok(true),
        }
    }
}
