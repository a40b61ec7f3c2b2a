//! Load generator: many young people, employers and counselors on Tremplin at once.
//!
//! ```text
//! tremplin-load csv --offers 100000 --departements 14,27,50,61,76 > offres.csv
//! tremplin-load run --url http://127.0.0.1:8080 [--url http://127.0.0.1:8081] \
//!     --users 200 --duration 60 --email conseillere@ml.fr --password … --departements 14,27,50,61,76
//! tremplin-load run --url … --rate 250,500,1000,1500 --duration 30 --skip-healthz --email … --password …
//! ```
//!
//! `csv` writes synthetic offers (real communes and ROME métiers) for `tremplin import csv`.
//! `run` first measures `/healthz` alone, then the mix — search near a commune 60 %, offer page
//! 30 %, applying 5 %, back-office pages 5 % — spreading requests over the given instances, and
//! prints throughput, latency percentiles (p50, p90, p99, max), errors and the ratio of the two
//! throughputs. Without `--rate` it is a closed loop (`--users` users, each waiting for its
//! answer); with `--rate` an open loop (requests arrive at that rate whatever the server does,
//! latency counted from each request's intended start, as wrk2 does: see
//! [`tremplin_bench::load`]). Several rates are tried in turn, up to the first the servers do
//! not hold (p99 over `--p99-max`, an error, or under 95 % of the rate achieved).
//! Applications come from distinct people and addresses (`X-Forwarded-For`): the servers must
//! run with `--trust-proxy`, as behind the load balancer they model.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::{Parser, Subcommand};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tremplin_bench::data::{Rng, World};
use tremplin_bench::load::{self, Summary};

mod csv;
mod report;
mod requests;

use csv::write_csv;
use report::report;
use requests::{Kind, count_offers, login, one};

#[derive(Parser)]
#[command(name = "tremplin-load", about = "Générateur de charge pour Tremplin")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Écrit des offres synthétiques au format de `tremplin import csv` sur la sortie standard.
    Csv {
        #[arg(long, default_value_t = 100_000)]
        offers: usize,
        /// Départements où placer les offres (une région).
        #[arg(long, default_value = "14,27,50,61,76", value_delimiter = ',')]
        departements: Vec<String>,
    },
    /// Mesure /healthz puis le mélange réaliste, et imprime les chiffres.
    Run {
        /// Instances à charger (les utilisateurs sont répartis entre elles).
        #[arg(long = "url", required = true)]
        urls: Vec<String>,
        /// Boucle fermée : utilisateurs simultanés, chacun attend sa réponse.
        #[arg(long, default_value_t = 200)]
        users: usize,
        /// Boucle ouverte : requêtes par seconde, à débit constant (plusieurs : essayées dans
        /// l'ordre jusqu'au premier qui n'est pas tenu).
        #[arg(long = "rate", value_delimiter = ',')]
        rates: Vec<f64>,
        /// Boucle ouverte : requêtes en vol au plus (au-delà, elles attendent et leur attente
        /// compte dans la latence).
        #[arg(long, default_value_t = 1024)]
        in_flight: usize,
        /// Boucle ouverte : un débit est tenu si son p99 reste sous ce seuil (ms), sans erreur.
        #[arg(long, default_value_t = 200.0)]
        p99_max: f64,
        /// Une requête sans réponse après ce délai (s) compte comme une erreur.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// Ne mesure pas /healthz, seulement le mélange.
        #[arg(long)]
        skip_healthz: bool,
        /// Durée de chaque phase, en secondes.
        #[arg(long, default_value_t = 60)]
        duration: u64,
        /// Compte de conseiller·ère pour les pages du back-office.
        #[arg(long)]
        email: String,
        #[arg(long, env = "TREMPLIN_LOAD_PASSWORD")]
        password: String,
        /// Départements où chercher (les communes sont tirées selon leur population).
        #[arg(long, default_value = "14,27,50,61,76", value_delimiter = ',')]
        departements: Vec<String>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Csv {
            offers,
            departements,
        } => write_csv(offers, &departements),
        Command::Run {
            urls,
            users,
            rates,
            in_flight,
            p99_max,
            timeout,
            skip_healthz,
            duration,
            email,
            password,
            departements,
        } => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let settings = Settings {
                urls: urls
                    .iter()
                    .map(|u| u.trim_end_matches('/').to_owned())
                    .collect(),
                users,
                rates,
                in_flight: in_flight.max(1),
                p99_max,
                timeout: Duration::from_secs(timeout.max(1)),
                skip_healthz,
                duration: Duration::from_secs(duration),
            };
            if settings.rates.iter().any(|r| !r.is_finite() || *r <= 0.0) {
                eprintln!(
                    "tremplin-load : --rate attend des débits positifs (requêtes par seconde)"
                );
                return ExitCode::FAILURE;
            }
            match runtime.block_on(run(settings, &email, &password, &departements)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("tremplin-load : {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

struct Settings {
    urls: Vec<String>,
    users: usize,
    rates: Vec<f64>,
    in_flight: usize,
    p99_max: f64,
    timeout: Duration,
    skip_healthz: bool,
    duration: Duration,
}

type Sample = load::Sample<Kind>;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// What every simulated user shares.
struct Shared {
    client: HttpClient,
    urls: Vec<String>,
    /// The counselor's session cookie on each instance.
    sessions: Vec<String>,
    offers: u64,
    places: Vec<String>,
    vocabulary: Vec<&'static str>,
    applicants: AtomicU64,
    /// Each distinct error (kind, status, the page's message) and how often it came.
    errors: std::sync::Mutex<std::collections::BTreeMap<String, usize>>,
}

async fn run(
    settings: Settings,
    email: &str,
    password: &str,
    departements: &[String],
) -> Result<(), String> {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: HttpClient = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(settings.users.max(settings.in_flight))
        .build(connector);
    let mut sessions = Vec::new();
    for url in &settings.urls {
        sessions.push(login(&client, url, email, password).await?);
    }
    let offers = count_offers(&client, &settings.urls[0]).await?;
    // Every instance keeps its own index, fed from the database: wait until each has it all.
    for url in &settings.urls[1..] {
        let waiting = Instant::now();
        while count_offers(&client, url).await.unwrap_or(0) < offers {
            if waiting.elapsed() > Duration::from_secs(600) {
                return Err(format!(
                    "{url} n'a pas indexé les {offers} offres en 10 minutes"
                ));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    let world = World::load_in(departements);
    let mut rng = Rng::new(0x5eed);
    let places = (0..2_000)
        .map(|_| world.place(&mut rng).key.clone())
        .collect();
    let shared = Arc::new(Shared {
        client,
        urls: settings.urls.clone(),
        sessions,
        offers,
        places,
        vocabulary: World::vocabulary(),
        applicants: AtomicU64::new(0),
        errors: Default::default(),
    });
    if !settings.rates.is_empty() {
        return open(&shared, &settings).await;
    }
    println!(
        "{} instance(s), {} utilisateurs simultanés (boucle fermée), {} s par phase, {} offres publiées",
        settings.urls.len(),
        settings.users,
        settings.duration.as_secs(),
        offers
    );
    let health = if settings.skip_healthz {
        None
    } else {
        Some(closed(&shared, &settings, true).await)
    };
    let mix = closed(&shared, &settings, false).await;
    report(health.as_ref(), &mix);
    print_errors(&shared);
    Ok(())
}

fn print_errors(shared: &Shared) {
    let mut errors = shared.errors.lock().expect("lock");
    for (error, n) in errors.iter() {
        println!("  {n} × {error}");
    }
    errors.clear();
}

/// Each rate in turn, open loop; stops after the first one not held.
async fn open(shared: &Arc<Shared>, settings: &Settings) -> Result<(), String> {
    println!(
        "{} instance(s), boucle ouverte à débit constant, au plus {} requêtes en vol, {} s par débit, {} offres publiées",
        settings.urls.len(),
        settings.in_flight,
        settings.duration.as_secs(),
        shared.offers
    );
    let mut verdicts = Vec::new();
    for &rate in &settings.rates {
        println!("\n== {rate:.0} requêtes par seconde ==");
        let health = if settings.skip_healthz {
            None
        } else {
            Some(open_phase(shared, settings, rate, true).await)
        };
        let mix = open_phase(shared, settings, rate, false).await;
        report(health.as_ref(), &mix);
        println!(
            "requêtes en vol à la fois, au plus : {}",
            mix.peak_in_flight
        );
        if mix.timeouts > 0 {
            println!(
                "  {} × sans réponse après {} s",
                mix.timeouts,
                settings.timeout.as_secs()
            );
        }
        print_errors(shared);
        let s = Summary::of(&mix.samples);
        let achieved = s.count as f64 / mix.elapsed.as_secs_f64();
        let held = s.p99 < settings.p99_max && s.errors == 0 && achieved >= 0.95 * rate;
        verdicts.push((rate, achieved, s, held));
        if !held {
            break;
        }
    }
    println!(
        "\n{:>10} {:>10} {:>9} {:>9} {:>8}  tenu (p99 < {} ms, 0 erreur, ≥ 95 % du débit)",
        "visé/s", "atteint/s", "p99 ms", "max ms", "erreurs", settings.p99_max
    );
    for (rate, achieved, s, held) in &verdicts {
        println!(
            "{rate:>10.0} {achieved:>10.1} {:>9.2} {:>9.2} {:>8}  {}",
            s.p99,
            s.max,
            s.errors,
            if *held { "oui" } else { "non" }
        );
    }
    match verdicts.iter().rev().find(|v| v.3) {
        Some((rate, ..)) => println!("débit le plus haut tenu : {rate:.0} requêtes par seconde"),
        None => println!("aucun des débits essayés n'est tenu"),
    }
    Ok(())
}

/// The request `n` of an open loop or of user `user`'s closed loop: its kind, its own draws.
fn draw(health: bool, seed: u64) -> (Kind, Rng) {
    let mut rng = Rng::new(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5eed_10ad);
    rng.next_u64();
    let kind = if health {
        Kind::Healthz
    } else {
        Kind::draw(&mut rng)
    };
    (kind, rng)
}

async fn measured(shared: &Shared, instance: usize, kind: Kind, mut rng: Rng) -> bool {
    match one(shared, instance, kind, &mut rng).await {
        Ok(()) => true,
        Err(e) => {
            let mut errors = shared.errors.lock().expect("lock");
            *errors.entry(format!("{} : {e}", kind.label())).or_default() += 1;
            false
        }
    }
}

/// All users for the phase's duration, each waiting for its answer.
async fn closed(shared: &Arc<Shared>, settings: &Settings, health: bool) -> load::Run<Kind> {
    let shared = shared.clone();
    load::closed_loop(settings.users, settings.duration, move |user, n| {
        let shared = shared.clone();
        async move {
            let (kind, rng) = draw(health, (user as u64) << 32 | n);
            let instance = user % shared.urls.len();
            (kind, measured(&shared, instance, kind, rng).await)
        }
    })
    .await
}

/// Requests at `rate` a second for the phase's duration, spread over the instances.
async fn open_phase(
    shared: &Arc<Shared>,
    settings: &Settings,
    rate: f64,
    health: bool,
) -> load::Run<Kind> {
    load::open_loop(
        rate,
        settings.duration,
        settings.in_flight,
        settings.timeout,
        |i| {
            let (kind, rng) = draw(health, i);
            let instance = i as usize % shared.urls.len();
            let shared = shared.clone();
            (
                kind,
                async move { measured(&shared, instance, kind, rng).await },
            )
        },
    )
    .await
}
