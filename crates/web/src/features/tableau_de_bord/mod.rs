//! The week at a glance: what the back office opens on.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use tremplin_domain::SourceKind;
use tremplin_domain::network::CallOutcome;

use crate::services::{editions, offer_figures};
use crate::shell::Layout;
use crate::shell::Nav;
use crate::shell::auth::Staff;
use crate::shell::charts::Chart;
use crate::shell::dates::next_edition;
use crate::{AppState, WebError};

mod diffusion;

use diffusion::Diffusion;

pub fn router() -> Router<AppState> {
    Router::new().route("/gestion", get(dashboard))
}

#[derive(Template)]
#[template(path = "features/tableau_de_bord/templates/dashboard.html")]
struct Dashboard {
    layout: Layout,
    nav: Nav,
    counts: Vec<(&'static str, &'static str, i64)>,
    new_this_week: usize,
    calls_this_week: usize,
    /// Partners' changes waiting for a counselor (the partner's own, for a partner).
    pending_changes: i64,
    next_edition: String,
    /// New, modified, withdrawn at the next edition.
    preview: (i64, i64, i64),
    charts: Vec<Chart>,
    /// « Diffusion », for counselors.
    reach: Option<Diffusion>,
    reach_weeks: usize,
    /// Alerts on searches, counted (never the addresses): for counselors.
    alerts: Option<tremplin_storage::AlertCounts>,
}

async fn dashboard(State(state): State<AppState>, staff: Staff) -> Result<Html<String>, WebError> {
    let org = (!staff.is_conseiller()).then_some(staff.user.organisation_id.unwrap_or(-1));
    let now = state.clock.now();
    let (starts, bounds) = crate::shell::charts::week_bounds(now, 26);
    let figures = offer_figures::figures(
        &state,
        org,
        staff.is_conseiller().then_some(bounds.as_slice()),
    )
    .await?;
    let labels = ["à valider", "publiées", "à revérifier", "brouillons"];
    let counts: Vec<(&'static str, &'static str, i64)> = offer_figures::STATUSES
        .iter()
        .zip(labels)
        .zip(figures.per_status)
        .map(|((status, label), n)| (status.as_str(), label, n))
        .collect();
    let pending_changes = state.store.count_pending_revisions(org).await?;
    let (mut preview, mut charts, mut new_this_week, mut calls_this_week) =
        ((0, 0, 0), Vec::new(), 0, 0);
    if staff.is_conseiller() {
        preview = figures.preview;
        let publications = &figures.publications;
        let calls = state.store.calls_per_period(&bounds).await?;
        // "This week": since Monday.
        let this_week = |counts: &[tremplin_storage::PeriodCount]| {
            counts
                .iter()
                .filter(|c| c.period == starts.len() - 1)
                .map(|c| c.count as usize)
                .sum()
        };
        // The same count as the home page's "Nouveau cette semaine".
        new_this_week = crate::services::catalogue::new_this_week(&state, 1)
            .await?
            .total;
        calls_this_week = this_week(&calls);
        let sources: Vec<(&str, &'static str)> = [
            SourceKind::Appel,
            SourceKind::Veille,
            SourceKind::Partenaire,
            SourceKind::Import,
        ]
        .iter()
        .map(|k| (k.as_str(), k.short_label()))
        .collect();
        charts.push(Chart::weekly(
            "publications",
            "Offres publiées par semaine, selon leur origine",
            &starts,
            &sources,
            publications,
        ));
        let outcomes: Vec<(&str, &'static str)> = CallOutcome::ALL
            .iter()
            .map(|o| (o.as_str(), o.label()))
            .collect();
        charts.push(Chart::weekly(
            "appels",
            "Appels par semaine, selon leur issue",
            &starts,
            &outcomes,
            &calls,
        ));
    }
    let page = Dashboard {
        layout: Layout::new(&state, "/gestion"),
        nav: Nav::new(&staff),
        counts,
        new_this_week,
        calls_this_week,
        pending_changes,
        next_edition: next_edition(editions::next_slot(&state)),
        preview,
        charts,
        reach: if staff.is_conseiller() {
            Some(diffusion::diffusion(&state).await?)
        } else {
            None
        },
        reach_weeks: diffusion::WEEKS,
        alerts: if staff.is_conseiller() {
            let week = crate::shell::dates::monday_of(now)
                .and_hms_opt(0, 0, 0)
                .map_or(now.timestamp(), |d| d.and_utc().timestamp());
            Some(state.store.alert_counts(week).await?)
        } else {
            None
        },
    };
    Ok(Html(page.render()?))
}
