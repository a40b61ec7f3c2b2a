//! One run of a connector: fetch, map, upsert, deduplicate across sources, close what the
//! source no longer lists, and store the report. One run per source at a time, across every
//! instance (`Store::begin_import`).

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tremplin_domain::import::parse_record;
use tremplin_domain::{Offer, OfferInput, OfferStatus, SourceKind};
use tremplin_referentiels::{Communes, fold};
use tremplin_storage::{OfferMeta, RunOutcome, RunTrigger, Store, StoreError, UpsertOutcome};

use crate::{ConnectorError, Mapped, Source, france_travail, labonnealternance};

/// A run holds its source this long without news; it renews the lease every minute.
const LEASE: chrono::Duration = chrono::Duration::minutes(10);
const RENEW_EVERY: Duration = Duration::from_secs(60);

/// Who started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// The nightly run due at this instant: skipped if a run started since.
    Schedule(chrono::DateTime<Utc>),
    BackOffice,
    CommandLine,
}

impl Trigger {
    pub fn label(self) -> &'static str {
        self.stored().label()
    }

    /// How the run's row records it.
    pub fn stored(self) -> RunTrigger {
        match self {
            Self::Schedule(_) => RunTrigger::Schedule,
            Self::BackOffice => RunTrigger::BackOffice,
            Self::CommandLine => RunTrigger::CommandLine,
        }
    }

    fn not_since(self) -> Option<chrono::DateTime<Utc>> {
        match self {
            Self::Schedule(due) => Some(due),
            _ => None,
        }
    }
}

/// A connector ready to fetch.
pub enum Fetcher {
    FranceTravail(france_travail::Client),
    LaBonneAlternance {
        client: labonnealternance::Client,
        points: Vec<(f64, f64)>,
    },
}

impl Fetcher {
    pub fn source(&self) -> Source {
        match self {
            Self::FranceTravail(_) => Source::FranceTravail,
            Self::LaBonneAlternance { .. } => Source::LaBonneAlternance,
        }
    }

    async fn fetch(&self, progress: &Progress) -> Result<Vec<Value>, ConnectorError> {
        match self {
            Self::FranceTravail(c) => c.fetch(progress).await,
            Self::LaBonneAlternance { client, points } => client.fetch(points, progress).await,
        }
    }

    /// Whether this run searched where the offer is: only those may be closed for not being
    /// found (a run over one département leaves the others' offers alone).
    fn covers(&self, offer: &Offer, communes: &Communes) -> bool {
        let Some(c) = communes.get(offer.fields.commune.as_str()) else {
            return false;
        };
        match self {
            Self::FranceTravail(client) => client.departements().contains(&c.departement),
            Self::LaBonneAlternance { points, .. } => {
                let (lat, lon) = offer
                    .fields
                    .location
                    .map_or((c.lat, c.lon), |p| (p.lat, p.lon));
                points.iter().any(|p| {
                    tremplin_domain::geo::haversine_km(p.0, p.1, lat, lon)
                        <= labonnealternance::RADIUS_KM
                })
            }
        }
    }

    /// The source's id of an offer, as its mapper reads it.
    fn external_id(&self, offer: &Value) -> String {
        match self {
            Self::FranceTravail(_) => crate::mapping::text(offer, "id"),
            Self::LaBonneAlternance { .. } => crate::mapping::text(offer, "identifier.id"),
        }
    }

    fn map(&self, offer: &Value, communes: &Communes) -> Mapped {
        match self {
            Self::FranceTravail(_) => france_travail::map(offer, communes),
            Self::LaBonneAlternance { .. } => {
                labonnealternance::map(offer, communes, Utc::now().date_naive())
            }
        }
    }
}

/// Where a run stands, for a progress bar: the stage, what is done, what is expected.
pub struct Progress {
    stage: Mutex<&'static str>,
    done: AtomicUsize,
    total: AtomicUsize,
    #[allow(clippy::type_complexity)]
    on_change: Option<Box<dyn Fn(&str, usize, usize) + Send + Sync>>,
}

impl Progress {
    pub fn silent() -> Self {
        Self {
            stage: Mutex::new(""),
            done: AtomicUsize::new(0),
            total: AtomicUsize::new(0),
            on_change: None,
        }
    }

    pub fn new(on_change: impl Fn(&str, usize, usize) + Send + Sync + 'static) -> Self {
        Self {
            on_change: Some(Box::new(on_change)),
            ..Self::silent()
        }
    }

    fn notify(&self) {
        if let Some(f) = &self.on_change {
            let stage = *self.stage.lock().expect("progress");
            f(
                stage,
                self.done.load(Ordering::Relaxed),
                self.total.load(Ordering::Relaxed),
            );
        }
    }

    pub fn stage(&self, stage: &'static str, total: usize) {
        *self.stage.lock().expect("progress") = stage;
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.notify();
    }

    /// More work discovered (a search's total).
    pub fn expect(&self, n: usize) {
        self.total.fetch_add(n, Ordering::Relaxed);
        self.notify();
    }

    pub fn advance(&self, n: usize) {
        self.done.fetch_add(n, Ordering::Relaxed);
        self.notify();
    }
}

/// An offer the mapper or the validation refused, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub external_id: String,
    pub reason: String,
}

/// What a run did, stored with it and printed by the command line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub source: String,
    pub trigger: String,
    pub duration_ms: u64,
    pub fetched: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub closed: usize,
    /// New offers found to be another source's offer, shown once.
    pub duplicates: usize,
    /// Left out on purpose, counted by reason.
    pub excluded: BTreeMap<String, usize>,
    pub rejected: Vec<Rejection>,
    pub warning: Option<String>,
    pub error: Option<String>,
}

impl RunReport {
    /// How the run is stored.
    pub fn outcome(&self) -> RunOutcome {
        if self.error.is_some() {
            RunOutcome::Failed
        } else {
            RunOutcome::Succeeded
        }
    }

    /// The report in French, as the command line prints it.
    pub fn summary(&self) -> String {
        let source: &str = match Source::from_name(&self.source) {
            Some(s) => s.label(),
            None => &self.source,
        };
        let mut out = format!(
            "Import {source} ({}) en {:.1} s : {} offre(s) reçue(s), {} créée(s), {} modifiée(s), {} inchangée(s), {} fermée(s), {} refusée(s), {} doublon(s) d'une autre source.\n",
            self.trigger,
            self.duration_ms as f64 / 1000.0,
            self.fetched,
            self.created,
            self.updated,
            self.unchanged,
            self.closed,
            self.rejected.len(),
            self.duplicates,
        );
        for (why, n) in &self.excluded {
            out.push_str(&format!("  {n} écartée(s) : {why}\n"));
        }
        for r in &self.rejected {
            out.push_str(&format!("  refusée {} : {}\n", r.external_id, r.reason));
        }
        if let Some(w) = &self.warning {
            out.push_str(&format!("Attention : {w}\n"));
        }
        if let Some(e) = &self.error {
            out.push_str(&format!("Échec : {e}\n"));
            out.push_str(&if self.closed == 0 {
                "Aucune offre n'a été fermée : l'import reprendra au prochain passage.\n".to_owned()
            } else {
                format!(
                    "{} offre(s) fermée(s) avant l'arrêt ; l'import reprendra au prochain passage.\n",
                    self.closed
                )
            });
        }
        out
    }
}

/// Runs `fetcher` once. Err(Busy) when a run of the same source is under way; any other
/// failure ends in a stored report with its error (and nothing closed).
pub async fn run(
    store: &Store,
    communes: &Communes,
    fetcher: &Fetcher,
    trigger: Trigger,
    progress: &Progress,
) -> Result<RunReport, ConnectorError> {
    let source = fetcher.source();
    let started = Utc::now();
    let Some(run_id) = store
        .begin_import(
            source.name(),
            trigger.stored(),
            trigger.not_since(),
            started,
            started + LEASE,
        )
        .await?
    else {
        return Err(ConnectorError::Busy);
    };
    // Aborted when dropped, however the run ends: a lease is never renewed for a dead run.
    let lost = Arc::new(AtomicBool::new(false));
    let _renewal = AbortOnDrop({
        let (store, lost) = (store.clone(), lost.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                if let Ok(false) = store.renew_import(run_id, Utc::now() + LEASE).await {
                    lost.store(true, Ordering::Relaxed);
                    return;
                }
            }
        })
    });
    let mut report = RunReport {
        source: source.name().to_owned(),
        trigger: trigger.label().to_owned(),
        ..RunReport::default()
    };
    let result = work(store, communes, fetcher, progress, &lost, &mut report).await;
    drop(_renewal);
    if let Err(e) = result {
        report.error = Some(e.to_string());
    }
    report.duration_ms = (Utc::now() - started).num_milliseconds().max(0) as u64;
    let json = serde_json::to_string(&report).expect("report");
    store
        .finish_import(run_id, Utc::now(), report.outcome(), &json)
        .await?;
    Ok(report)
}

async fn work(
    store: &Store,
    communes: &Communes,
    fetcher: &Fetcher,
    progress: &Progress,
    lost: &AtomicBool,
    report: &mut RunReport,
) -> Result<(), ConnectorError> {
    let source = fetcher.source();
    progress.stage("Téléchargement", 0);
    let offers = fetcher.fetch(progress).await?;
    report.fetched = offers.len();
    progress.stage("Enregistrement", offers.len());
    let now = Utc::now();
    let meta = OfferMeta {
        validated: true,
        ..OfferMeta::default()
    };
    let mut seen: HashSet<String> = HashSet::new();
    // Listed by the source but left out on purpose: closed if we had them, whatever the
    // prudence rules below (the source did answer about them).
    let mut excluded: HashSet<String> = HashSet::new();
    let mut confirmed = Vec::new();
    for offer in &offers {
        progress.advance(1);
        let columns = match fetcher.map(offer, communes) {
            Mapped::Offer(c) => c,
            Mapped::Excluded { why } => {
                *report.excluded.entry(why.to_owned()).or_default() += 1;
                excluded.insert(fetcher.external_id(offer));
                continue;
            }
            Mapped::Rejected {
                external_id,
                reason,
            } => {
                // Known to the source, even if unreadable now: not closed for that.
                seen.insert(external_id.clone());
                report.rejected.push(Rejection {
                    external_id,
                    reason,
                });
                continue;
            }
        };
        let external_id = columns.get("external_id").to_owned();
        seen.insert(external_id.clone());
        let mut input = match parse_record(
            &|k| columns.get(k),
            source.name(),
            &|c| centre(communes, c),
            now.date_naive(),
        ) {
            Ok(input) => input,
            Err(errors) => {
                report.rejected.push(Rejection {
                    external_id,
                    reason: reasons(&errors),
                });
                continue;
            }
        };
        input.source.kind = SourceKind::Import;
        match store
            .upsert_offer_as(&input, OfferStatus::AValider, &meta, now)
            .await
        {
            Ok((id, UpsertOutcome::Created)) => {
                report.created += 1;
                confirmed.push(id);
                if let Some(primary) = duplicate_of(store, &input, source).await?
                    && store.set_duplicate_of(id, Some(primary), now).await?
                {
                    report.duplicates += 1;
                }
            }
            Ok((id, UpsertOutcome::Updated)) => {
                report.updated += 1;
                confirmed.push(id);
            }
            Ok((id, UpsertOutcome::Unchanged)) => {
                report.unchanged += 1;
                confirmed.push(id);
            }
            Err(StoreError::Invalid(e)) => report.rejected.push(Rejection {
                external_id,
                reason: e.message,
            }),
            Err(e) => return Err(e.into()),
        }
    }
    // Seen tonight: the source vouches for them, no phone call needed.
    store.mark_verified(&confirmed, now).await?;

    if lost.load(Ordering::Relaxed) {
        // Another instance may have taken the source over: closing is its run's business.
        return Err(ConnectorError::Split(
            "le bail de cet import a expiré et un autre passage a pu commencer : rien n'est fermé"
                .into(),
        ));
    }
    let open = store.open_offers_of_source(source.name()).await?;
    let (mut gone, mut dropped) = (Vec::new(), Vec::new());
    for (id, ext) in open.iter().filter(|(_, ext)| !seen.contains(ext)) {
        if excluded.contains(ext) {
            dropped.push(*id);
        } else if let Some(offer) = store.get_offer(*id).await?
            && fetcher.covers(&offer, communes)
        {
            gone.push(*id);
        }
    }
    // Open offers in the area searched: those the source listed, and those gone from it.
    let covered = open.iter().filter(|(_, ext)| seen.contains(ext)).count() + gone.len();
    let mut to_close = dropped;
    if offers.is_empty() && !gone.is_empty() {
        report.warning = Some(format!(
            "la source n'a renvoyé aucune offre : par prudence, ses {} offre(s) ouverte(s) restent en ligne",
            gone.len()
        ));
    } else if gone.len() > 20 && gone.len() * 2 > covered {
        // Half of what this run searched, vanished at once: more likely a short answer.
        report.warning = Some(format!(
            "{} offre(s) sur {} auraient disparu d'un coup : par prudence, elles restent en ligne ; vérifiez la source",
            gone.len(),
            covered
        ));
    } else {
        to_close.extend(gone);
    }
    for id in to_close {
        match store.close_offer_gone_from_source(id, now).await {
            Ok(_) => report.closed += 1,
            Err(StoreError::Invalid(_)) => {}
            Err(e) => return Err(e.into()),
        }
        promote_duplicates(store, id, now).await?;
    }
    // Offers of this source hidden behind another that has closed since: shown again.
    for id in store.orphaned_duplicates(source.name()).await? {
        store.set_duplicate_of(id, None, now).await?;
    }
    Ok(())
}

/// A commune's centre, for the offer rules that need it.
pub fn centre(
    communes: &Communes,
    code: &tremplin_domain::CodeInsee,
) -> Option<tremplin_domain::GeoPoint> {
    communes
        .get(code.as_str())
        .map(|c| tremplin_domain::GeoPoint {
            lat: c.lat,
            lon: c.lon,
        })
}

fn reasons(errors: &[tremplin_domain::Invalid]) -> String {
    errors
        .iter()
        .map(|e| e.message.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The open offer of another source this one repeats, if any.
async fn duplicate_of(
    store: &Store,
    input: &OfferInput,
    source: Source,
) -> Result<Option<i64>, ConnectorError> {
    let candidates = store
        .open_offers_in_commune(input.commune.as_str(), source.name())
        .await?;
    Ok(candidates
        .iter()
        .find(|o| same_offer(input, o))
        .map(|o| o.id))
}

/// Same company (SIRET, or name), same métier, close title: one offer in two sources. The
/// commune is the same already.
pub fn same_offer(input: &OfferInput, other: &Offer) -> bool {
    let o = &other.fields;
    let same_company = match (&input.siret, &o.siret) {
        (Some(a), Some(b)) => a == b,
        _ => {
            let (a, b) = (fold(&input.company_name), fold(&o.company_name));
            // One name inside the other ("Boulangerie Martin" / "Boulangerie Martin SARL"),
            // if the shorter is long enough to mean something.
            let (short, long) = if a.len() <= b.len() {
                (&a, &b)
            } else {
                (&b, &a)
            };
            short.chars().count() >= 6 && long.contains(short.as_str())
        }
    };
    let same_metier = input.rome_codes.iter().any(|r| o.rome_codes.contains(r));
    same_company && same_metier && title_similarity(&input.title, &o.title) >= 0.5
}

/// Share of words in common (Jaccard), on folded words of three letters or more.
pub fn title_similarity(a: &str, b: &str) -> f64 {
    let words = |t: &str| -> HashSet<String> {
        fold(t)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_owned)
            .collect()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / a.union(&b).count() as f64
}

/// When a shown offer closes, the first of its open duplicates takes its place.
async fn promote_duplicates(
    store: &Store,
    closed: i64,
    now: chrono::DateTime<Utc>,
) -> Result<(), ConnectorError> {
    let duplicates = store.duplicates_of(closed).await?;
    if let Some(((first, ..), rest)) = duplicates.split_first() {
        store.set_duplicate_of(*first, None, now).await?;
        for (id, ..) in rest {
            store.set_duplicate_of(*id, Some(*first), now).await?;
        }
    }
    Ok(())
}

/// Aborts a background task when dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
