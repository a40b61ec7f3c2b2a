//! The season's results, per promo and per counselor, on a page and as CSV.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;

use crate::services::promos::{ResultLine, csv_line, season_results, seasons};
use crate::shell::Layout;
use crate::shell::auth::Staff;
use crate::{AppState, WebError};

#[derive(serde::Deserialize, Default)]
pub(super) struct SeasonQuery {
    #[serde(default)]
    saison: String,
}

impl SeasonQuery {
    /// The season asked for, else the latest with promos, else this year.
    async fn year(&self, state: &AppState) -> Result<(i32, Vec<i32>), WebError> {
        let all = seasons(state).await?;
        let year = match self.saison.trim() {
            "" => all
                .first()
                .copied()
                .unwrap_or_else(|| state.clock.now().year()),
            s => s
                .parse::<i32>()
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .ok_or_else(|| {
                    WebError::BadRequest(format!(
                        "« {} » n'est pas une saison (une année, ex. 2026).",
                        s.chars().take(20).collect::<String>()
                    ))
                })?,
        };
        Ok((year, all))
    }
}

#[derive(Template)]
#[template(path = "features/promos/templates/results.html")]
struct ResultsPage {
    layout: Layout,
    nav: crate::shell::Nav,
    year: i32,
    seasons: Vec<i32>,
    per_promo: Vec<ResultLine>,
    per_counselor: Vec<ResultLine>,
}

pub(super) async fn page(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SeasonQuery>,
) -> Result<Html<String>, WebError> {
    staff.require_conseiller()?;
    let (year, seasons) = q.year(&state).await?;
    let (per_promo, per_counselor) = season_results(&state, year).await?;
    let page = ResultsPage {
        layout: Layout::new(&state, "/gestion/promos/resultats"),
        nav: crate::shell::Nav::new(&staff),
        year,
        seasons,
        per_promo,
        per_counselor,
    };
    Ok(Html(page.render()?))
}

/// `niveau;nom;membres;contrats_signes;taux` : a line a promo, then a line a counselor.
pub(super) async fn csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(q): Query<SeasonQuery>,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let (year, _) = q.year(&state).await?;
    let (per_promo, per_counselor) = season_results(&state, year).await?;
    let mut body = String::from("\u{feff}");
    body.push_str(&csv_line(&[
        "saison",
        "niveau",
        "nom",
        "membres",
        "contrats_signes",
        "taux",
    ]));
    for (level, lines) in [("promo", &per_promo), ("conseiller", &per_counselor)] {
        for l in lines {
            body.push_str(&csv_line(&[
                &year.to_string(),
                level,
                &l.label,
                &l.members.to_string(),
                &l.signed.to_string(),
                &l.rate(),
            ]));
        }
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"resultats-promos-{year}.csv\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
