//! The two engines under the same workload: build, then answer the query mix.

use std::path::Path;
use std::time::{Duration, Instant};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use tremplin_domain::ContractType;
use tremplin_domain::geo::haversine_km;
use tremplin_search::{SearchIndex, SearchQuery, Sort};

use crate::data::{Filter, Query, World, today};

/// What one engine measured for one size.
#[derive(Debug, Default)]
pub struct Measured {
    pub build: Duration,
    pub latencies: Vec<Duration>,
    /// CPU time of the measuring thread per query (from the scheduler's own count): what the
    /// query costs whatever else the machine runs.
    pub cpu: Vec<Duration>,
    /// Matching offers (within the radius, before the top 20) summed over the measured queries.
    pub total_hits: u64,
    pub returned: u64,
    pub empty: u64,
    pub note: String,
}

impl Measured {
    /// The slowest measured queries, to explain the tail.
    pub fn slowest(&self, queries: &[Query], k: usize) -> String {
        let mut order: Vec<usize> = (0..self.latencies.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.latencies[i]));
        order
            .iter()
            .take(k)
            .map(|&i| {
                format!(
                    "{:.1} ms \"{}\" {:?}",
                    self.latencies[i].as_secs_f64() * 1e3,
                    queries[i].words.join(" "),
                    queries[i].filter
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// p50/p99 in ms of the queries with (or without) a word of 8 letters or more, which
    /// Tremplin also looks up with typo tolerance at distance 2.
    pub fn by_long_word(&self, queries: &[Query], long: bool) -> String {
        let mut lat: Vec<Duration> = (0..self.latencies.len())
            .filter(|&i| queries[i].words.iter().any(|w| w.chars().count() >= 8) == long)
            .map(|i| self.latencies[i])
            .collect();
        lat.sort_unstable();
        if lat.is_empty() {
            return "none".into();
        }
        let pct = |p: f64| {
            lat[(((p / 100.0) * lat.len() as f64).ceil() as usize).clamp(1, lat.len()) - 1]
                .as_secs_f64()
                * 1e3
        };
        format!(
            "{} queries p50 {:.2} / p99 {:.2} ms",
            lat.len(),
            pct(50.0),
            pct(99.0)
        )
    }
}

pub const LIMIT: usize = 20;

/// The CPU time this thread has run, from `/proc/thread-self/schedstat` (nanoseconds, first
/// field); zero where it cannot be read.
pub fn thread_cpu() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map_or(Duration::ZERO, Duration::from_nanos)
}

fn warmup(queries: &[Query]) -> &[Query] {
    &queries[..queries.len().min(100)]
}

// ---------------------------------------------------------------------------------------------
// Tremplin

pub fn tremplin(world: &World, n: usize, queries: &[Query], dir: &Path) -> Measured {
    let index = SearchIndex::open(dir).expect("open index");
    let started = Instant::now();
    index.rebuild(world.offers(n), 1).expect("rebuild");
    let build = started.elapsed();
    let segments_after_build = segments(dir);
    // tantivy merges segments in the background after a commit; let it finish so that the
    // measurement does not share the CPU with it, then commit an empty batch as the indexer's
    // next feed batch would: the reader then sees the merged segments (the steady state).
    let settle = Instant::now();
    let mut last = std::fs::read_to_string(dir.join("meta.json")).unwrap_or_default();
    let mut stable_since = Instant::now();
    while stable_since.elapsed() < Duration::from_secs(3)
        && settle.elapsed() < Duration::from_secs(300)
    {
        std::thread::sleep(Duration::from_millis(250));
        let now = std::fs::read_to_string(dir.join("meta.json")).unwrap_or_default();
        if now != last {
            last = now;
            stable_since = Instant::now();
        }
    }
    index.apply(&[], &[], 2).expect("commit");
    let merges = settle.elapsed().saturating_sub(Duration::from_secs(3));
    let segments_merged = segments(dir);
    // Then, as the instance's indexer does once a bulk load is read, one segment.
    let compacting = Instant::now();
    index.compact().expect("compact");
    let compact = compacting.elapsed();
    assert_eq!(index.num_docs(), n as u64);

    let to_query = |q: &Query| {
        let mut sq = SearchQuery {
            text: q.words.join(" "),
            near: Some((q.lat, q.lon, q.radius_km)),
            sort: Sort::Distance,
            today: Some(today()),
            limit: LIMIT,
            ..SearchQuery::default()
        };
        match &q.filter {
            Filter::Levels(l) => sq.levels = l.clone(),
            Filter::Contract(c) => sq.contract = Some(*c),
            Filter::Rqth => sq.rqth_only = true,
        }
        sq
    };
    for q in warmup(queries) {
        std::hint::black_box(index.search(&to_query(q)).expect("search"));
    }
    let mut m = Measured {
        build,
        ..Measured::default()
    };
    for q in queries {
        let sq = to_query(q);
        let cpu = thread_cpu();
        let started = Instant::now();
        let r = index.search(&sq).expect("search");
        m.latencies.push(started.elapsed());
        m.cpu.push(thread_cpu().saturating_sub(cpu));
        m.total_hits += r.total as u64;
        m.returned += r.hits.len() as u64;
        m.empty += u64::from(r.total == 0);
    }
    m.note = format!(
        "segments {} after the build, {} once merged (background merges took {:.1} s more), {} after compact ({:.1} s more)",
        segments_after_build,
        segments_merged,
        merges.as_secs_f64(),
        index.segments(),
        compact.as_secs_f64()
    );
    m
}

fn segments(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("meta.json"))
        .map(|m| m.matches("\"segment_id\"").count())
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// SQLite FTS5 + R*Tree through sqlx

const BATCH: usize = 400;

fn contract_text(c: ContractType) -> &'static str {
    c.as_str()
}

fn values(rows: usize, columns: usize) -> String {
    let one = format!("({})", vec!["?"; columns].join(","));
    vec![one; rows].join(",")
}

pub fn sqlite(world: &World, n: usize, queries: &[Query], dir: &Path) -> Measured {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio");
    rt.block_on(sqlite_async(world, n, queries, dir))
}

async fn sqlite_async(world: &World, n: usize, queries: &[Query], dir: &Path) -> Measured {
    let options = SqliteConnectOptions::new()
        .filename(dir.join("offers.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .pragma("cache_size", "-65536")
        .disable_statement_logging();
    let mut conn = options.connect().await.expect("sqlite");

    let compile_options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
        .fetch_all(&mut conn)
        .await
        .expect("compile_options");
    let fts5 = compile_options.iter().any(|o| o == "ENABLE_FTS5");
    let rtree = compile_options.iter().any(|o| o == "ENABLE_RTREE");
    let version: String = sqlx::query_scalar("SELECT sqlite_version()")
        .fetch_one(&mut conn)
        .await
        .expect("version");
    assert!(
        fts5 && rtree,
        "SQLite built without FTS5 or RTREE: {compile_options:?}"
    );

    let started = Instant::now();
    for ddl in [
        "CREATE TABLE offers(id INTEGER PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL, level INTEGER, \
         contract TEXT NOT NULL, rqth INTEGER NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL)",
        "CREATE VIRTUAL TABLE offers_fts USING fts5(title, description, content='offers', content_rowid='id', \
         tokenize='unicode61 remove_diacritics 2')",
        "CREATE VIRTUAL TABLE offers_rtree USING rtree(id, minlat, maxlat, minlon, maxlon)",
    ] {
        sqlx::query(ddl).execute(&mut conn).await.expect("schema");
    }
    let mut tx = conn.begin().await.expect("begin");
    let mut batch = Vec::with_capacity(BATCH);
    let mut docs = world.offers(n).peekable();
    while docs.peek().is_some() {
        batch.clear();
        batch.extend(docs.by_ref().take(BATCH));
        let sql = format!("INSERT INTO offers VALUES {}", values(batch.len(), 8));
        let mut q = sqlx::query(&sql);
        for d in &batch {
            q = q
                .bind(d.id)
                .bind(&d.title)
                .bind(&d.description)
                .bind(d.level.map(i64::from))
                .bind(contract_text(d.contract))
                .bind(d.rqth)
                .bind(d.lat)
                .bind(d.lon);
        }
        q.execute(&mut *tx).await.expect("insert offers");
        let sql = format!(
            "INSERT INTO offers_fts(rowid, title, description) VALUES {}",
            values(batch.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for d in &batch {
            q = q.bind(d.id).bind(&d.title).bind(&d.description);
        }
        q.execute(&mut *tx).await.expect("insert fts");
        let sql = format!("INSERT INTO offers_rtree VALUES {}", values(batch.len(), 5));
        let mut q = sqlx::query(&sql);
        for d in &batch {
            q = q.bind(d.id).bind(d.lat).bind(d.lat).bind(d.lon).bind(d.lon);
        }
        q.execute(&mut *tx).await.expect("insert rtree");
    }
    tx.commit().await.expect("commit");
    sqlx::query("INSERT INTO offers_fts(offers_fts) VALUES('optimize')")
        .execute(&mut conn)
        .await
        .expect("optimize");
    sqlx::query("ANALYZE")
        .execute(&mut conn)
        .await
        .expect("analyze");
    let build = started.elapsed();

    let sql = |f: &Filter| {
        let filter = match f {
            Filter::Levels(l) => format!(
                "o.level IN ({})",
                l.iter().map(u8::to_string).collect::<Vec<_>>().join(",")
            ),
            Filter::Contract(_) => "o.contract = ?6".to_owned(),
            Filter::Rqth => "o.rqth = 1".to_owned(),
        };
        format!(
            "SELECT o.id, o.lat, o.lon FROM offers_fts \
             JOIN offers o ON o.id = offers_fts.rowid \
             JOIN offers_rtree r ON r.id = o.id \
             WHERE offers_fts MATCH ?1 AND r.maxlat >= ?2 AND r.minlat <= ?3 AND r.maxlon >= ?4 AND r.minlon <= ?5 \
             AND {filter}"
        )
    };
    let plan: Vec<(i64, i64, i64, String)> =
        sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", sql(&Filter::Rqth)))
            .bind("\"vente\"")
            .bind(48.0)
            .bind(49.0)
            .bind(2.0)
            .bind(3.0)
            .fetch_all(&mut conn)
            .await
            .expect("plan");

    let mut m = Measured {
        build,
        ..Measured::default()
    };
    for (i, q) in warmup(queries).iter().chain(queries).enumerate() {
        let measured = i >= warmup(queries).len();
        let started = Instant::now();
        let fts = q
            .words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" ");
        let (minlat, maxlat, minlon, maxlon) = bounding_box(q.lat, q.lon, q.radius_km);
        let text = sql(&q.filter);
        let mut sq = sqlx::query_as::<_, (i64, f64, f64)>(&text)
            .bind(fts)
            .bind(minlat)
            .bind(maxlat)
            .bind(minlon)
            .bind(maxlon);
        if let Filter::Contract(c) = &q.filter {
            sq = sq.bind(contract_text(*c));
        }
        let rows = sq.fetch_all(&mut conn).await.expect("query");
        let mut within: Vec<(f64, i64)> = rows
            .into_iter()
            .filter_map(|(id, lat, lon)| {
                let d = haversine_km(q.lat, q.lon, lat, lon);
                (d <= q.radius_km).then_some((d, id))
            })
            .collect();
        let total = within.len();
        let top = within.len().min(LIMIT);
        if top > 0 {
            within.select_nth_unstable_by(top - 1, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            within.truncate(top);
            within.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        }
        std::hint::black_box(&within);
        let elapsed = started.elapsed();
        if measured {
            m.latencies.push(elapsed);
            m.total_hits += total as u64;
            m.returned += within.len() as u64;
            m.empty += u64::from(total == 0);
        }
    }
    let plan = plan
        .iter()
        .map(|p| p.3.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    m.note = format!("SQLite {version}, FTS5 {fts5}, RTREE {rtree}; plan: {plan}");
    conn.close().await.ok();
    m
}

/// The latitude/longitude box around the circle, a little generous (the exact distance
/// decides afterwards).
fn bounding_box(lat: f64, lon: f64, radius_km: f64) -> (f64, f64, f64, f64) {
    let dlat = radius_km / 110.5;
    let far = (lat.abs() + dlat).min(89.0).to_radians();
    let dlon = radius_km / (111.32 * far.cos());
    (lat - dlat, lat + dlat, lon - dlon, lon + dlon)
}
