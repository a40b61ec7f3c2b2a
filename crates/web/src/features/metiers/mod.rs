//! The trade pages (`/metiers/{code ROME}`): what the job is and the offers open in it.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use tremplin_search::Sort;

use crate::services::catalogue::OfferView;
use crate::services::catalogue::{self, CatalogueQuery};
use crate::shell::Layout;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new().route("/metiers/{code}", get(metier))
}

#[derive(Template)]
#[template(path = "features/metiers/templates/metier.html")]
struct MetierPage {
    layout: Layout,
    code: String,
    label: String,
    total: usize,
    offers: Vec<OfferView>,
}

async fn metier(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Html<String>, WebError> {
    let rome = tremplin_domain::CodeRome::parse(&code).map_err(|_| WebError::NotFound)?;
    let label = state
        .refs
        .rome
        .label(rome.as_str())
        .ok_or(WebError::NotFound)?
        .to_owned();
    let q = CatalogueQuery {
        rome: vec![rome.clone()],
        sort: Sort::Date,
        per_page: 100,
        ..Default::default()
    };
    let found = catalogue::run(&state, &q).await?;
    let page = MetierPage {
        layout: Layout::new(&state, &format!("/metiers/{rome}")),
        code: rome.to_string(),
        label,
        total: found.total,
        offers: found
            .offers
            .iter()
            .map(|(o, d)| catalogue::view(&state, o, *d, false))
            .collect(),
    };
    Ok(Html(page.render()?))
}
