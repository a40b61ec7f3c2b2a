//! The connectors in the back office: their nightly schedule, a button to run one now, and
//! the reports of past runs. Also the scheduled runs, checked by the server's schedule loop.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;
use serde::Deserialize;
use tremplin_connectors::run::{Fetcher, RunReport};
use tremplin_connectors::{
    ConnectorError, Progress, Source, Trigger, france_travail, labonnealternance,
};
use tremplin_storage::{ImportRun, ImportSchedule};

use crate::auth::Staff;
use crate::gestion::Nav;
use crate::pages::Layout;
use crate::{AppState, WebError};

/// Credentials and addresses of the partners' APIs; a source without them is not run.
#[derive(Debug, Clone, Default)]
pub struct ConnectorSettings {
    /// `departements` empty: the territory's.
    pub france_travail: Option<france_travail::Settings>,
    pub labonnealternance: Option<labonnealternance::Settings>,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/imports", get(page))
        .route("/gestion/imports/{source}/lancer", post(launch))
        .route("/gestion/imports/{source}/planning", post(save_schedule))
        .route("/gestion/imports/rapport/{id}", get(report))
}

/// What a run of `source` needs from the configuration and the territory.
enum Ready {
    FranceTravail(france_travail::Settings),
    LaBonneAlternance(labonnealternance::Settings, Vec<(f64, f64)>),
}

/// Whether `source` can run, and with what, or why not; no client is built (the imports page
/// asks this on every view).
fn ready(state: &AppState, source: Source) -> Result<Ready, String> {
    let settings = &state.config.connectors;
    let missing = |what: &str| format!("{} : {what} absent de la configuration.", source.label());
    match source {
        Source::FranceTravail => {
            let mut s = settings.france_travail.clone().ok_or_else(|| {
                missing("FRANCE_TRAVAIL_CLIENT_ID / FRANCE_TRAVAIL_CLIENT_SECRET")
            })?;
            if s.departements.is_empty() {
                s.departements = state.territory_departements();
            }
            if s.departements.is_empty() {
                return Err("Aucun département : définissez le territoire.".into());
            }
            Ok(Ready::FranceTravail(s))
        }
        Source::LaBonneAlternance => {
            let s = settings
                .labonnealternance
                .clone()
                .ok_or_else(|| missing("LBA_API_TOKEN"))?;
            let epcis = state.territory().map(|t| t.epcis).unwrap_or_default();
            let points = labonnealternance::search_points(state.refs.communes.in_epcis(&epcis));
            if points.is_empty() {
                return Err("Aucune commune : définissez le territoire.".into());
            }
            Ok(Ready::LaBonneAlternance(s, points))
        }
    }
}

/// The connector of `source`, ready to run, or why it cannot.
pub fn fetcher(state: &AppState, source: Source) -> Result<Fetcher, String> {
    match ready(state, source)? {
        Ready::FranceTravail(s) => france_travail::Client::with_defaults(s)
            .map(Fetcher::FranceTravail)
            .map_err(|e| e.to_string()),
        Ready::LaBonneAlternance(s, points) => labonnealternance::Client::with_defaults(s)
            .map(|client| Fetcher::LaBonneAlternance { client, points })
            .map_err(|e| e.to_string()),
    }
}

/// Runs `source` now, in the background. Refused when not configured or already running.
async fn start(state: &AppState, source: Source, trigger: Trigger) -> Result<(), String> {
    let fetcher = fetcher(state, source)?;
    let state = state.clone();
    tokio::spawn(async move {
        match tremplin_connectors::run(
            &state.store,
            &state.refs.communes,
            &fetcher,
            trigger,
            &Progress::silent(),
        )
        .await
        {
            Ok(report) => tracing::info!(source = source.name(), "{}", report.summary()),
            Err(ConnectorError::Busy) => {
                tracing::info!(source = source.name(), "import déjà en cours ailleurs")
            }
            Err(e) => tracing::warn!(source = source.name(), cause = %e, "import impossible"),
        }
    });
    Ok(())
}

/// The instant today (Paris time) at which a schedule's run is due.
fn due_at(now: DateTime<Utc>, hour: u8) -> Option<DateTime<Utc>> {
    let today = now.with_timezone(&Paris).date_naive();
    let at = today.and_hms_opt(u32::from(hour.min(23)), 0, 0)?;
    // The night clocks go forward, 2:00 does not exist in Paris: run at 3:00.
    Paris
        .from_local_datetime(&at)
        .earliest()
        .or_else(|| {
            Paris
                .from_local_datetime(&(at + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
}

/// Starts the configured sources whose nightly run is due and not yet started (by any
/// instance) since its hour. Called by the server's schedule loop.
pub async fn scheduled(state: &AppState) -> Result<(), WebError> {
    let now = state.clock.now();
    for source in Source::ALL {
        let configured = match source {
            Source::FranceTravail => state.config.connectors.france_travail.is_some(),
            Source::LaBonneAlternance => state.config.connectors.labonnealternance.is_some(),
        };
        if !configured {
            continue;
        }
        let schedule = state.store.import_schedule(source.name()).await?;
        let Some(due) = due_at(now, schedule.hour) else {
            continue;
        };
        if !schedule.enabled || now < due {
            continue;
        }
        let last = state.store.last_import_start(source.name()).await?;
        if last.is_some_and(|l| l >= due) {
            continue;
        }
        if let Err(why) = start(state, source, Trigger::Schedule(due)).await {
            tracing::warn!(source = source.name(), "import planifié impossible : {why}");
        }
    }
    Ok(())
}

struct SourceLine {
    name: &'static str,
    label: &'static str,
    ready: Result<(), String>,
    schedule: ImportSchedule,
    running: bool,
}

struct RunLine {
    id: i64,
    source: &'static str,
    trigger: String,
    started: String,
    outcome: String,
    summary: String,
}

#[derive(askama::Template)]
#[template(path = "gestion/imports.html")]
struct ImportsPage {
    layout: Layout,
    nav: Nav,
    sources: Vec<SourceLine>,
    runs: Vec<RunLine>,
    hours: Vec<u8>,
}

fn paris(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%d/%m/%Y %H:%M").to_string()
}

fn report_of(run: &ImportRun) -> RunReport {
    serde_json::from_str(&run.report).unwrap_or_default()
}

fn run_line(run: &ImportRun) -> RunLine {
    let r = report_of(run);
    RunLine {
        id: run.id,
        source: Source::from_name(&run.source).map_or("?", Source::label),
        trigger: run.trigger.clone(),
        started: paris(run.started_at),
        outcome: run.outcome.clone().unwrap_or_else(|| "en cours".into()),
        summary: if run.finished_at.is_none() {
            String::new()
        } else {
            format!(
                "{} reçue(s), {} créée(s), {} modifiée(s), {} fermée(s), {} refusée(s)",
                r.fetched,
                r.created,
                r.updated,
                r.closed,
                r.rejected.len()
            )
        },
    }
}

/// A run of `source` under way: unfinished, its lease alive (a dead instance's run is not).
fn running(runs: &[ImportRun], source: Source, now: DateTime<Utc>) -> bool {
    runs.iter()
        .any(|r| r.source == source.name() && r.finished_at.is_none() && r.lease_until > now)
}

async fn page(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let runs = state.store.import_runs(30).await?;
    let mut sources = Vec::new();
    for source in Source::ALL {
        sources.push(SourceLine {
            name: source.name(),
            label: source.label(),
            ready: ready(&state, source).map(|_| ()),
            schedule: state.store.import_schedule(source.name()).await?,
            running: running(&runs, source, state.clock.now()),
        });
    }
    let page = ImportsPage {
        layout: Layout::new(&state, "/gestion/imports"),
        nav: Nav::new(&staff),
        sources,
        runs: runs.iter().map(run_line).collect(),
        hours: (0..24).collect(),
    };
    Ok(Html(askama::Template::render(&page)?))
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

fn source_of(name: &str) -> Result<Source, WebError> {
    Source::from_name(name).ok_or(WebError::NotFound)
}

async fn launch(
    State(state): State<AppState>,
    staff: Staff,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&form.csrf)?;
    let source = source_of(&name)?;
    let runs = state.store.import_runs(30).await?;
    if running(&runs, source, state.clock.now()) {
        return Err(WebError::BadRequest(format!(
            "Un import {} est déjà en cours : son rapport apparaîtra sur cette page.",
            source.label()
        )));
    }
    start(&state, source, Trigger::BackOffice)
        .await
        .map_err(WebError::BadRequest)?;
    staff.log(&state, "import lancé", source.label()).await?;
    Ok(Redirect::to("/gestion/imports").into_response())
}

#[derive(Deserialize)]
struct ScheduleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    enabled: String,
    #[serde(default)]
    hour: String,
}

async fn save_schedule(
    State(state): State<AppState>,
    staff: Staff,
    Path(name): Path<String>,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    staff.check_csrf(&form.csrf)?;
    let source = source_of(&name)?;
    let hour: u8 = form
        .hour
        .trim()
        .parse()
        .ok()
        .filter(|h| *h < 24)
        .ok_or_else(|| WebError::BadRequest("Choisissez une heure entre 0 et 23.".into()))?;
    let schedule = ImportSchedule {
        enabled: !form.enabled.is_empty(),
        hour,
    };
    state
        .store
        .set_import_schedule(source.name(), schedule)
        .await?;
    staff
        .log(
            &state,
            "planning d'import modifié",
            &format!(
                "{} : {}",
                source.label(),
                if schedule.enabled {
                    format!("chaque nuit à {hour} h")
                } else {
                    "arrêté".into()
                }
            ),
        )
        .await?;
    Ok(Redirect::to("/gestion/imports").into_response())
}

#[derive(askama::Template)]
#[template(path = "gestion/import_report.html")]
struct ReportPage {
    layout: Layout,
    nav: Nav,
    run: RunLine,
    finished: Option<String>,
    report: RunReport,
}

async fn report(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let run = state
        .store
        .import_run(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let page = ReportPage {
        layout: Layout::new(&state, "/gestion/imports"),
        nav: Nav::new(&staff),
        finished: run.finished_at.map(paris),
        report: report_of(&run),
        run: run_line(&run),
    };
    Ok(Html(askama::Template::render(&page)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nightly_hour_is_paris_time() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 12, 0, 0).unwrap();
        assert_eq!(
            due_at(now, 3),
            Some(Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap())
        );
        // 29 March 2026: 2:00 does not exist in Paris.
        let spring = Utc.with_ymd_and_hms(2026, 3, 29, 12, 0, 0).unwrap();
        assert_eq!(
            due_at(spring, 2),
            Some(Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap())
        );
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(
            due_at(summer, 3),
            Some(Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap())
        );
    }
}
