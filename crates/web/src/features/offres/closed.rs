//! The page of an offer that left the catalogue (filled, withdrawn, expired): 410 Gone, in
//! the site's frame, with what is like it nearby and the search, rather than a bare 404.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tremplin_domain::{ClosingReason, Offer};

use crate::services::catalogue::{self, OfferView};
use crate::shell::Layout;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "features/offres/templates/closed.html")]
struct ClosedPage {
    layout: Layout,
    title: String,
    company: String,
    commune: String,
    why: &'static str,
    offers: Vec<OfferView>,
    search: String,
    depuis: &'static str,
}

/// The answer for an offer that exists but is no longer open; `None` for one never
/// published (a draft, one awaiting validation), which stays a plain 404.
pub(super) async fn page(state: &AppState, offer: &Offer) -> Result<Option<Response>, WebError> {
    let Some(reason) = ClosingReason::of(offer.status) else {
        return Ok(None);
    };
    let (offers, search) = catalogue::similar(state, offer, 6).await?;
    let page = ClosedPage {
        layout: Layout::new(state, &format!("/offres/{}", offer.id)),
        title: offer.fields.title.clone(),
        company: offer.fields.company_name.clone(),
        commune: state
            .refs
            .communes
            .get(offer.fields.commune.as_str())
            .map_or_else(String::new, |c| c.name.clone()),
        why: reason.phrase(),
        offers,
        search,
        depuis: "",
    };
    Ok(Some(
        (StatusCode::GONE, Html(page.render()?)).into_response(),
    ))
}
