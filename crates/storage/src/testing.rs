//! Fresh databases for tests: SQLite always, PostgreSQL too when
//! `TREMPLIN_TEST_POSTGRES_URL` points at a server (CI sets it and requires it).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::Store;

/// A migrated, empty database that lives as long as this value.
pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The backends to run a test on.
pub fn backends() -> Vec<&'static str> {
    if postgres_admin_url().is_some() {
        vec!["sqlite", "postgres"]
    } else {
        vec!["sqlite"]
    }
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TREMPLIN_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

static COUNTER: AtomicU32 = AtomicU32::new(0);
/// Whether this process already dropped the databases that earlier test processes left.
static SWEPT: AtomicBool = AtomicBool::new(false);

impl TestDb {
    pub async fn new(backend: &str) -> Self {
        match backend {
            "sqlite" => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                let store = Store::connect(&url).await.expect("sqlite");
                store.migrate().await.expect("migrate sqlite");
                Self {
                    store,
                    url,
                    _dir: Some(dir),
                }
            }
            "postgres" => {
                let admin_url = postgres_admin_url().expect("TREMPLIN_TEST_POSTGRES_URL");
                let name = format!(
                    "tremplin_t_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    chrono::Utc::now().timestamp_micros() % 1_000_000_000
                );
                let admin = Store::connect(&admin_url)
                    .await
                    .expect("PostgreSQL reachable at TREMPLIN_TEST_POSTGRES_URL");
                if !SWEPT.swap(true, Ordering::Relaxed) {
                    admin.drop_orphans().await;
                }
                admin
                    .execute_admin(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create database");
                admin.close().await;
                let url = replace_database(&admin_url, &name);
                let store = Store::connect(&url).await.expect("postgres");
                store.migrate().await.expect("migrate postgres");
                Self {
                    store,
                    url,
                    _dir: None,
                }
            }
            other => panic!("unknown backend {other}"),
        }
    }
}

/// `postgres://host:5432/test?x` → `postgres://host:5432/{name}?x`
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// The columns an offer's copy takes from its template: all but its id, its external id and
/// its revision.
const COPIED_COLUMNS: &str = "status, title, description, rome_codes, company_id, commune_code, address, \
     contract_type, target_level, diploma_label, start_date, duration_months, positions, rqth, driving_licence, \
     cfa_id, contact_email, contact_phone, apply_url, source_kind, source_name, source_url, created_at, \
     updated_at, published_at, verified_at, expires_at, organisation_id, validated_at, duplicate_of, lat, lon";

/// Writes `n` copies of offer `template` in one transaction, so under one revision as an
/// edition or a re-centring writes them, with external ids `{prefix}1`…`{prefix}n`: a large
/// catalogue in a second rather than one upsert each. Returns that revision.
pub async fn copy_offer(store: &Store, template: i64, n: i64, prefix: &str) -> crate::Result<i64> {
    crate::on_pool!(store, |p| {
        let mut tx = p.begin().await?;
        let revision = crate::offers::next_revision!(tx);
        sqlx::query(&format!(
            "INSERT INTO offers ({COPIED_COLUMNS}, external_id, revision) \
             WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < $2) \
             SELECT {COPIED_COLUMNS}, $3 || CAST(n.i AS TEXT), $4 FROM n, offers WHERE offers.id = $1"
        ))
        .bind(template)
        .bind(n)
        .bind(prefix)
        .bind(revision)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(revision)
    })
}

/// The process that created a test database, from its name `tremplin_t_{pid}_{n}_{time}`.
fn creator_pid(name: &str) -> Option<u32> {
    name.strip_prefix("tremplin_t_")?
        .split('_')
        .next()?
        .parse()
        .ok()
}

impl Store {
    /// Test databases are dropped by nobody when their process ends (a `Drop` cannot wait on
    /// the server): the first database a test process makes drops those whose creating process
    /// is no longer running on this machine, so repeated runs do not fill the disk.
    async fn drop_orphans(&self) {
        let names: Vec<String> = crate::on_pool!(self, |p| {
            sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'tremplin_t_%'")
                .fetch_all(p)
                .await
        })
        .unwrap_or_default();
        for name in names {
            let alive = creator_pid(&name)
                .is_none_or(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
            if !alive {
                let _ = self
                    .execute_admin(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await;
            }
        }
    }

    async fn execute_admin(&self, sql: &str) -> crate::Result<()> {
        crate::on_pool!(self, |p| sqlx::raw_sql(sql).execute(p).await.map(|_| ()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_creator_is_read_from_the_name() {
        assert_eq!(super::creator_pid("tremplin_t_4242_3_123456"), Some(4242));
        assert_eq!(super::creator_pid("tremplin_other"), None);
        assert_eq!(super::creator_pid("tremplin_t_x_1_2"), None);
    }

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::replace_database("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            super::replace_database("postgres://h/test?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(
            super::replace_database("postgres://h", "x"),
            "postgres://h/x"
        );
    }
}
