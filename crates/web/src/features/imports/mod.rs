//! The connectors in the back office: their nightly schedule, a button to run one now, and
//! the reports of past runs.

use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tremplin_connectors::run::RunReport;
use tremplin_connectors::{Source, Trigger};
use tremplin_storage::{ImportRun, ImportSchedule};

use crate::shell::Id;
use crate::shell::Layout;
use crate::shell::Nav;
use crate::shell::auth::Staff;
use crate::shell::dates::paris;
use crate::{AppState, WebError};
use tremplin_connectors::launch::{ready, start};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/imports", get(page))
        .route("/gestion/imports/{source}/lancer", post(launch))
        .route("/gestion/imports/{source}/planning", post(save_schedule))
        .route("/gestion/imports/rapport/{id}", get(report))
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
#[template(path = "features/imports/templates/imports.html")]
struct ImportsPage {
    layout: Layout,
    nav: Nav,
    sources: Vec<SourceLine>,
    runs: Vec<RunLine>,
    hours: Vec<u8>,
}

fn report_of(run: &ImportRun) -> RunReport {
    serde_json::from_str(&run.report).unwrap_or_default()
}

fn run_line(run: &ImportRun) -> RunLine {
    let r = report_of(run);
    RunLine {
        id: run.id,
        source: Source::from_name(&run.source).map_or("?", Source::label),
        trigger: run.trigger.label().to_owned(),
        started: paris(run.started_at),
        outcome: run.outcome.map_or("en cours", |o| o.label()).to_owned(),
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
    let area = state.connector_area();
    let mut sources = Vec::new();
    for source in Source::ALL {
        sources.push(SourceLine {
            name: source.name(),
            label: source.label(),
            ready: ready(&area, source).map(|_| ()),
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
    start(
        &state.store,
        &state.connector_area(),
        source,
        Trigger::BackOffice,
    )
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
#[template(path = "features/imports/templates/import_report.html")]
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
    Id(id): Id,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
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
