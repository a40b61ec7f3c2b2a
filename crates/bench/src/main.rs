//! Benchmark of the catalogue search: Tremplin's index (tantivy, French analysis, exact radius)
//! against what a user might pick instead, SQLite FTS5 + R*Tree through sqlx.
//!
//! `cargo run --release -p tremplin-bench -- [--sizes 10000,100000,1000000] [--queries 1000]`
//!
//! Each size and engine runs in a child process (the binary calls itself with the hidden
//! `--one N --engine E`) so that the peak memory read from /proc/self/status is its own.

mod engines;

use tremplin_bench::data;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use data::World;

const USAGE: &str = "usage: tremplin-bench [--sizes 10000,100000,1000000] [--queries 1000]";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sizes = vec![10_000, 100_000, 1_000_000];
    let mut queries = 1000;
    let mut one = None;
    let mut engine = String::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .unwrap_or_else(|| fail(&format!("{a} needs a value")))
        };
        match a.as_str() {
            "--sizes" => sizes = value().split(',').map(|s| parse(s.trim())).collect(),
            "--queries" => queries = parse(&value()),
            "--one" => one = Some(parse(&value())),
            "--engine" => engine = value(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    if queries == 0 || sizes.is_empty() {
        fail("nothing to measure");
    }
    match one {
        Some(n) => child(n, queries, &engine),
        None => parent(&sizes, queries),
    }
}

fn parse(s: &str) -> usize {
    s.replace('_', "")
        .parse()
        .unwrap_or_else(|_| fail(&format!("not a number: {s}")))
}

fn fail(msg: &str) -> ! {
    eprintln!("{msg}\n{USAGE}");
    std::process::exit(2)
}

/// Runs one engine on one size and prints one `RESULT key=value…` line.
fn child(n: usize, queries: usize, engine: &str) {
    let world = World::load();
    let mix = world.queries(queries);
    // What generating the offers alone costs (it is part of both engines' build loop).
    let started = Instant::now();
    let bytes: usize = world
        .offers(n)
        .map(|d| d.title.len() + d.description.len())
        .sum();
    let generation = started.elapsed();
    let dir = tempfile::tempdir().expect("tempdir");
    let m = match engine {
        "tremplin" => engines::tremplin(&world, n, &mix, dir.path()),
        "sqlite" => engines::sqlite(&world, n, &mix, dir.path()),
        other => fail(&format!("unknown engine {other}")),
    };
    let disk = dir_size(dir.path());
    let mut lat = m.latencies.clone();
    lat.sort_unstable();
    let q = lat.len() as f64;
    let mut cpu = m.cpu.clone();
    cpu.sort_unstable();
    let cpu_figures = if cpu.is_empty() {
        String::new()
    } else {
        format!(
            " cpu_p50_us={} cpu_p99_us={} cpu_mean_us={}",
            percentile(&cpu, 50.0).as_micros(),
            percentile(&cpu, 99.0).as_micros(),
            (cpu.iter().sum::<Duration>() / cpu.len() as u32).as_micros()
        )
    };
    println!(
        "RESULT gen_s={:.3} build_s={:.3} p50_us={} p99_us={} mean_us={}{cpu_figures} hits={:.1} returned={:.2} empty={} hwm_kb={} disk_mb={:.1} text_mb={:.1} communes={}",
        generation.as_secs_f64(),
        m.build.saturating_sub(generation).as_secs_f64(),
        percentile(&lat, 50.0).as_micros(),
        percentile(&lat, 99.0).as_micros(),
        (lat.iter().sum::<Duration>() / lat.len() as u32).as_micros(),
        m.total_hits as f64 / q,
        m.returned as f64 / q,
        m.empty,
        vm_hwm_kb(),
        disk as f64 / 1e6,
        bytes as f64 / 1e6,
        world.communes(),
    );
    println!(
        "NOTE {}; with a word of 8+ letters: {}; without: {}; slowest: {}",
        m.note,
        m.by_long_word(&mix, true),
        m.by_long_word(&mix, false),
        m.slowest(&mix, 3)
    );
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

struct Run {
    values: std::collections::HashMap<String, String>,
    note: String,
}

impl Run {
    fn f(&self, key: &str) -> f64 {
        self.values
            .get(key)
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    }
}

fn run_child(n: usize, queries: usize, engine: &str) -> Run {
    let exe = std::env::current_exe().expect("current exe");
    eprintln!("  {engine} N={n} …");
    let started = Instant::now();
    let out = Command::new(exe)
        .args([
            "--one",
            &n.to_string(),
            "--engine",
            engine,
            "--queries",
            &queries.to_string(),
        ])
        .stderr(Stdio::inherit())
        .output()
        .expect("child process");
    if !out.status.success() {
        eprintln!("{engine} N={n} failed: {}", out.status);
        std::process::exit(1);
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut values = std::collections::HashMap::new();
    let mut note = String::new();
    for line in stdout.lines() {
        if let Some(rest) = line.strip_prefix("RESULT ") {
            for kv in rest.split_whitespace() {
                if let Some((k, v)) = kv.split_once('=') {
                    values.insert(k.to_owned(), v.to_owned());
                }
            }
        } else if let Some(rest) = line.strip_prefix("NOTE ") {
            note = rest.to_owned();
        }
    }
    eprintln!(
        "  {engine} N={n} done in {:.0} s: {}",
        started.elapsed().as_secs_f64(),
        stdout.lines().next().unwrap_or("")
    );
    Run { values, note }
}

fn ms(us: f64) -> String {
    if us < 10_000.0 {
        format!("{:.2}", us / 1000.0)
    } else {
        format!("{:.0}", us / 1000.0)
    }
}

fn mb(kb: f64) -> String {
    format!("{:.0} MB", kb / 1024.0)
}

fn parent(sizes: &[usize], queries: usize) {
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    for &n in sizes {
        let t = run_child(n, queries, "tremplin");
        let s = run_child(n, queries, "sqlite");
        rows.push(format!(
            "| {} | {:.1} s / {:.1} s | {} / {} | {} | {} | {} | {} | {:.1}× | {:.1}× | {:.0} / {:.0} |",
            group(n),
            t.f("build_s"),
            s.f("build_s"),
            mb(t.f("hwm_kb")),
            mb(s.f("hwm_kb")),
            ms(t.f("p50_us")),
            ms(t.f("p99_us")),
            ms(s.f("p50_us")),
            ms(s.f("p99_us")),
            s.f("p50_us") / t.f("p50_us"),
            s.f("p99_us") / t.f("p99_us"),
            t.f("hits"),
            s.f("hits"),
        ));
        notes.push(format!(
            "- N={}: generating the offers alone took {:.1} s (subtracted from both build times); index on disk {:.0} MB (Tremplin) / {:.0} MB (SQLite); \
             queries with no hit {} / {}; mean latency {} / {} ms; Tremplin: {}; {}",
            group(n),
            t.f("gen_s"),
            t.f("disk_mb"),
            s.f("disk_mb"),
            t.f("empty"),
            s.f("empty"),
            ms(t.f("mean_us")),
            ms(s.f("mean_us")),
            t.note,
            s.note,
        ));
    }
    println!();
    println!(
        "{queries} queries per size (after 100 warm-up queries), one thread, top {} by distance, 30 km radius, one filter.",
        engines::LIMIT
    );
    println!(
        "Latencies in ms. Peak RSS is VmHWM of the child process running that engine alone (mapped index files included)."
    );
    println!();
    println!(
        "| N offers | build Tremplin / SQLite | peak RSS Tremplin / SQLite | p50 Tremplin | p99 Tremplin | p50 SQLite | p99 SQLite | SQLite/Tremplin p50 | SQLite/Tremplin p99 | hits per query Tremplin / SQLite |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &rows {
        println!("{r}");
    }
    println!();
    println!(
        "Hits per query: offers matching all words within the radius and filter, before the top 20. The counts differ because \
         Tremplin stems French words (\"vente\" also finds \"ventes\", \"soins\" finds \"soin\") and tolerates typos in titles, \
         while FTS5 unicode61 matches exact (accent-folded) tokens only."
    );
    for n in notes {
        println!("{n}");
    }
}

fn group(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}
