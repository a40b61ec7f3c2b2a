//! Fresh databases for tests: SQLite always, PostgreSQL too when
//! `TREMPLIN_TEST_POSTGRES_URL` points at a server (CI sets it and requires it).

use std::sync::atomic::{AtomicU32, Ordering};

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

impl Store {
    async fn execute_admin(&self, sql: &str) -> crate::Result<()> {
        crate::on_pool!(self, |p| sqlx::raw_sql(sql).execute(p).await.map(|_| ()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
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
