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

use std::io::Write;
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
use tremplin_bench::data::{self, Rng, World};
use tremplin_bench::load::{self, Summary};

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

fn write_csv(n: usize, departements: &[String]) -> ExitCode {
    let world = World::load_in(departements);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut rng = Rng::new(0x10ad);
    let real_today = chrono::Utc::now().date_naive();
    let header = "external_id,title,description,rome_code,company_name,commune_code,contract_type,\
                  target_diploma_level,start_date,positions,contact_email\n";
    let mut ok = out.write_all(header.as_bytes()).is_ok();
    for (place, offer) in world.placed_offers(n) {
        let contract = match offer.contract {
            tremplin_domain::ContractType::Apprentissage => "apprentissage",
            tremplin_domain::ContractType::Professionnalisation => "professionnalisation",
        };
        let line = format!(
            "charge-{id},{title},{description},{rome},{company},{commune},{contract},{level},{start},{positions},recrutement{id}@exemple.fr\n",
            id = offer.id,
            title = quote(&title(&offer.title)),
            description = quote(&offer.description),
            rome = offer.rome_codes[0],
            company = quote(&offer.company),
            commune = place.code,
            level = offer.level.unwrap_or(3),
            // Start dates from a month ahead: the server expires offers whose start has passed.
            start = offer
                .start
                .map(
                    |d| (real_today + (d - data::today()) + chrono::Duration::days(30)).to_string()
                )
                .unwrap_or_default(),
            positions = 1 + rng.below(3),
        );
        ok &= out.write_all(line.as_bytes()).is_ok();
    }
    if ok && out.flush().is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Titles are 3 to 150 characters: a few ROME labels are shorter ("DJ") or, with a
/// qualifier, longer.
fn title(t: &str) -> String {
    let t: String = t.chars().take(150).collect();
    if t.chars().count() < 3 {
        format!("{t} en apprentissage")
    } else {
        t
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Healthz,
    Search,
    Offer,
    Apply,
    BackOffice,
}

impl Kind {
    const MIX: [Kind; 4] = [Kind::Search, Kind::Offer, Kind::Apply, Kind::BackOffice];

    fn label(self) -> &'static str {
        match self {
            Kind::Healthz => "/healthz",
            Kind::Search => "recherche près d'une commune",
            Kind::Offer => "page d'offre",
            Kind::Apply => "candidature",
            Kind::BackOffice => "back-office",
        }
    }

    /// The mix of the issue: 60 % search, 30 % offer page, 5 % applying, 5 % back office.
    fn draw(rng: &mut Rng) -> Kind {
        match rng.below(100) {
            0..60 => Kind::Search,
            60..90 => Kind::Offer,
            90..95 => Kind::Apply,
            _ => Kind::BackOffice,
        }
    }
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

/// One request of the given kind; an error is any failure or an unexpected status.
async fn one(shared: &Shared, instance: usize, kind: Kind, rng: &mut Rng) -> Result<(), String> {
    let base = &shared.urls[instance];
    let request = match kind {
        Kind::Healthz => get(&format!("{base}/healthz"), None),
        Kind::Search => {
            let commune = &shared.places[rng.below(shared.places.len())];
            let mut pairs = vec![("commune", commune.clone()), ("rayon", "30".to_owned())];
            // Most people type a word or two; some only look around their commune.
            if rng.chance(0.85) {
                let mut q = (*rng.pick(&shared.vocabulary)).to_owned();
                if rng.chance(0.3) {
                    q.push(' ');
                    q.push_str(*rng.pick(&shared.vocabulary));
                }
                pairs.push(("q", q));
            }
            let query = serde_urlencoded::to_string(&pairs).map_err(|e| e.to_string())?;
            get(&format!("{base}/offres?{query}"), None)
        }
        Kind::Offer => get(
            &format!("{base}/offres/{}", 1 + rng.below(shared.offers as usize)),
            None,
        ),
        Kind::Apply => {
            let n = shared.applicants.fetch_add(1, Ordering::Relaxed);
            apply(base, 1 + rng.below(shared.offers as usize), n, rng)
        }
        Kind::BackOffice => {
            let page = *rng.pick(&[
                "/gestion",
                "/gestion/offres",
                "/gestion/semaine",
                "/gestion/candidatures",
            ]);
            get(&format!("{base}{page}"), Some(&shared.sessions[instance]))
        }
    };
    let response = shared
        .client
        .request(request)
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let gzipped = response
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v == "gzip");
    // The body is read in full, as a browser would.
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    if status.is_success() {
        Ok(())
    } else {
        let mut text = String::new();
        if gzipped {
            use std::io::Read;
            let _ = flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut text);
        } else {
            text = String::from_utf8_lossy(&body).into_owned();
        }
        // The page's message, not its head.
        let text = text.find("<h1").map_or(&text[..], |i| &text[i..]);
        let text = text
            .find("<p>")
            .map_or(text, |i| &text[i + 3..])
            .split("</p>")
            .next()
            .unwrap_or_default();
        Err(format!(
            "HTTP {status} {}",
            text.chars().take(160).collect::<String>()
        ))
    }
}

fn get(url: &str, cookie: Option<&str>) -> http::Request<Full<Bytes>> {
    let mut builder = http::Request::get(url).header("accept-encoding", "gzip");
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    builder.body(Full::default()).expect("request")
}

/// An application without CV from a new person at a new address, through the public form.
fn apply(base: &str, offer: usize, n: u64, rng: &mut Rng) -> http::Request<Full<Bytes>> {
    let csrf = format!("charge{n:016x}");
    let email = format!("jeune{n}@exemple.fr");
    let boundary = "----tremplin-load";
    let mut body = String::new();
    for (name, value) in [
        ("csrf", csrf.as_str()),
        ("prenom", "Camille"),
        ("nom", "Durand"),
        ("email", email.as_str()),
        ("commune", "61293"),
        ("date_naissance", "2006-05-12"),
        ("mobilite", "permis_voiture"),
        ("message", "Bonjour, votre offre m'intéresse beaucoup."),
        ("consentement", "oui"),
    ] {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let address = format!(
        "10.{}.{}.{}",
        rng.below(256),
        rng.below(256),
        1 + rng.below(254)
    );
    http::Request::post(format!("{base}/offres/{offer}/postuler"))
        .header("cookie", format!("tremplin_connexion={csrf}"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("x-forwarded-for", address)
        .body(Full::new(Bytes::from(body)))
        .expect("request")
}

async fn login(
    client: &HttpClient,
    base: &str,
    email: &str,
    password: &str,
) -> Result<String, String> {
    let csrf = "chargeconnexion";
    let form =
        serde_urlencoded::to_string([("email", email), ("password", password), ("csrf", csrf)])
            .map_err(|e| e.to_string())?;
    let request = http::Request::post(format!("{base}/connexion"))
        .header("cookie", format!("tremplin_connexion={csrf}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(form)))
        .expect("request");
    let response = client
        .request(request)
        .await
        .map_err(|e| format!("{base} injoignable : {e}"))?;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tremplin_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    cookie.ok_or_else(|| {
        format!(
            "connexion refusée sur {base} (HTTP {}) : vérifiez --email et le mot de passe",
            response.status()
        )
    })
}

/// How many offers the catalogue publishes: offer ids are drawn in 1..=n.
async fn count_offers(client: &HttpClient, base: &str) -> Result<u64, String> {
    let response = client
        .request(
            http::Request::get(format!("{base}/api/v1/offers?per_page=1"))
                .body(Full::default())
                .expect("request"),
        )
        .await
        .map_err(|e| e.to_string())?;
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    json["total"]
        .as_u64()
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("aucune offre publiée sur {base} : importez-les d'abord"))
}

fn report(health: Option<&load::Run<Kind>>, mix: &load::Run<Kind>) {
    println!();
    println!(
        "{:<30} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9} {:>8}",
        "requêtes", "nombre", "débit/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "erreurs"
    );
    let elapsed = mix.elapsed.as_secs_f64();
    if let Some(h) = health {
        line(Kind::Healthz.label(), &h.samples, h.elapsed.as_secs_f64());
    }
    for kind in Kind::MIX {
        let samples: Vec<&Sample> = mix.samples.iter().filter(|s| s.kind == kind).collect();
        line(kind.label(), samples, elapsed);
    }
    line("mélange (total)", &mix.samples, elapsed);
    if let Some(h) = health {
        let health_rate = h.samples.len() as f64 / h.elapsed.as_secs_f64();
        let mix_rate = mix.samples.len() as f64 / elapsed;
        println!();
        println!(
            "débit du mélange / débit de /healthz : {:.3} ({mix_rate:.0} / {health_rate:.0} requêtes par seconde)",
            mix_rate / health_rate
        );
    }
}

fn line<'a>(label: &str, samples: impl IntoIterator<Item = &'a Sample>, elapsed: f64) {
    let s = Summary::of(samples);
    println!(
        "{label:<30} {:>9} {:>10.1} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>8}",
        s.count,
        s.count as f64 / elapsed,
        s.p50,
        s.p90,
        s.p99,
        s.max,
        s.errors,
    );
}
