//! Load generator: many young people, employers and counselors on Tremplin at once.
//!
//! ```text
//! tremplin-load csv --offers 100000 --departements 14,27,50,61,76 > offres.csv
//! tremplin-load run --url http://127.0.0.1:8080 [--url http://127.0.0.1:8081] \
//!     --users 200 --duration 60 --email conseillere@ml.fr --password … --departements 14,27,50,61,76
//! ```
//!
//! `csv` writes synthetic offers (real communes and ROME métiers) for `tremplin import csv`.
//! `run` first measures `/healthz` alone, then the mix — search near a commune 60 %, offer page
//! 30 %, applying 5 %, back-office pages 5 % — spreading users over the given instances, and
//! prints throughput, latency percentiles, errors and the ratio of the two throughputs.
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
        #[arg(long, default_value_t = 200)]
        users: usize,
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
                duration: Duration::from_secs(duration),
            };
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

struct Sample {
    kind: Kind,
    micros: u64,
    ok: bool,
}

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
        .pool_max_idle_per_host(settings.users)
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
    println!(
        "{} instance(s), {} utilisateurs simultanés, {} s par phase, {} offres publiées",
        settings.urls.len(),
        settings.users,
        settings.duration.as_secs(),
        offers
    );
    let (health, health_elapsed) = phase(&shared, &settings, true).await;
    let (mix, mix_elapsed) = phase(&shared, &settings, false).await;
    report(&health, health_elapsed, &mix, mix_elapsed);
    for (error, n) in shared.errors.lock().expect("lock").iter() {
        println!("  {n} × {error}");
    }
    Ok(())
}

/// All users for the phase's duration; returns every sample and the time actually taken.
async fn phase(shared: &Arc<Shared>, settings: &Settings, health: bool) -> (Vec<Sample>, f64) {
    let start = Instant::now();
    let deadline = start + settings.duration;
    let mut tasks = Vec::new();
    for user in 0..settings.users {
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(0x9e37_79b9 ^ (user as u64 + 1) * 7919);
            let instance = user % shared.urls.len();
            let mut samples = Vec::new();
            while Instant::now() < deadline {
                let kind = if health {
                    Kind::Healthz
                } else {
                    Kind::draw(&mut rng)
                };
                let began = Instant::now();
                let ok = match one(&shared, instance, kind, &mut rng).await {
                    Ok(()) => true,
                    Err(e) => {
                        let mut errors = shared.errors.lock().expect("lock");
                        *errors.entry(format!("{} : {e}", kind.label())).or_default() += 1;
                        false
                    }
                };
                samples.push(Sample {
                    kind,
                    micros: began.elapsed().as_micros() as u64,
                    ok,
                });
            }
            samples
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("user task"));
    }
    (all, start.elapsed().as_secs_f64())
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

fn report(health: &[Sample], health_elapsed: f64, mix: &[Sample], mix_elapsed: f64) {
    let health_rate = health.len() as f64 / health_elapsed;
    let mix_rate = mix.len() as f64 / mix_elapsed;
    println!();
    println!(
        "{:<30} {:>9} {:>10} {:>9} {:>9} {:>8}",
        "requêtes", "nombre", "débit/s", "p50 ms", "p99 ms", "erreurs"
    );
    line(Kind::Healthz.label(), health, health_elapsed);
    for kind in Kind::MIX {
        let samples: Vec<&Sample> = mix.iter().filter(|s| s.kind == kind).collect();
        line(kind.label(), &samples, mix_elapsed);
    }
    let all: Vec<&Sample> = mix.iter().collect();
    line("mélange (total)", &all, mix_elapsed);
    println!();
    println!(
        "débit du mélange / débit de /healthz : {:.3} ({mix_rate:.0} / {health_rate:.0} requêtes par seconde)",
        mix_rate / health_rate
    );
}

fn line<S: std::borrow::Borrow<Sample>>(label: &str, samples: &[S], elapsed: f64) {
    let mut micros: Vec<u64> = samples.iter().map(|s| s.borrow().micros).collect();
    micros.sort_unstable();
    let errors = samples.iter().filter(|s| !s.borrow().ok).count();
    let pct = |p: f64| {
        if micros.is_empty() {
            0.0
        } else {
            micros[((micros.len() - 1) as f64 * p).round() as usize] as f64 / 1000.0
        }
    };
    println!(
        "{label:<30} {:>9} {:>10.1} {:>9.2} {:>9.2} {errors:>8}",
        samples.len(),
        samples.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99),
    );
}
