//! How long resolving typed communes takes (it runs on every search with a commune).
//!
//! `cargo run --release -p tremplin-bench --bin tremplin-communes -- [--queries 1000]`
//!
//! Typed communes are drawn (fixed seed) from every commune, weighted towards the demo
//! territory's département, each written one of the ways people type: lower case without
//! accents, "St" for Saint, no hyphens, a prefix, the name and département, a postcode, an old
//! name, a typo (two letters swapped). Prints the total for the batch and p50/p99 per query.

use std::time::Instant;

use tremplin_referentiels::{Commune, CommuneMatch, Communes, Focus, fold};

fn main() {
    let mut queries = 1000usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, n] = &args[..] {
        if flag == "--queries" {
            queries = n.parse().expect("--queries N");
        }
    }
    let started = Instant::now();
    let communes = Communes::embedded().expect("embedded communes");
    let load = started.elapsed();
    let focus = Focus {
        epcis: [
            "200068468",
            "200069458",
            "200036069",
            "200068435",
            "200068856",
            "200071504",
        ]
        .map(String::from)
        .to_vec(),
        departements: vec!["61".into()],
    };
    let all: Vec<&Commune> = (0..100_000)
        .filter_map(|i| {
            let dep = i / 1000;
            communes.get(&format!("{dep:02}{:03}", i % 1000))
        })
        .collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let typed: Vec<String> = (0..queries)
        .map(|_| {
            // Half from the Orne, half from anywhere.
            let pool: Vec<&&Commune> = if next() % 2 == 0 {
                all.iter().filter(|c| c.departement == "61").collect()
            } else {
                all.iter().collect()
            };
            let c = pool[(next() % pool.len() as u64) as usize];
            way(c, next())
        })
        .collect();
    let mut times = Vec::with_capacity(queries);
    let (mut one, mut several, mut none) = (0, 0, 0);
    let batch = Instant::now();
    for t in &typed {
        let start = Instant::now();
        match communes.resolve_in(t, &focus) {
            CommuneMatch::One(_) => one += 1,
            CommuneMatch::Several(_) => several += 1,
            CommuneMatch::None => none += 1,
        }
        times.push(start.elapsed());
    }
    let total = batch.elapsed();
    times.sort();
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "communes: {} chargées en {:.0} ms ; {queries} communes tapées résolues en {:.1} ms \
         (p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms) : {one} seule, {several} au choix, {none} introuvables",
        communes.len(),
        load.as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
    );
}

/// One way of typing the commune's name.
fn way(c: &Commune, r: u64) -> String {
    let folded = fold(&c.name);
    match r % 8 {
        0 => folded,
        1 => c.name.replace("Saint-", "St ").replace("Sainte-", "Ste "),
        2 => c.name.replace(['-', '\''], " "),
        3 => folded
            .chars()
            .take(folded.chars().count().clamp(4, 8))
            .collect(),
        4 => format!("{folded} {}", c.departement),
        5 => c.postcodes.first().cloned().unwrap_or(folded),
        6 => c.old_names.first().cloned().unwrap_or(folded),
        _ => {
            let mut chars: Vec<char> = folded.chars().collect();
            if chars.len() > 5 {
                chars.swap(3, 4);
            }
            chars.into_iter().collect()
        }
    }
}
