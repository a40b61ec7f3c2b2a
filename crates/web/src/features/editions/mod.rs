//! The Thursday edition: the public archive `/editions/{n}`, and in the back office its
//! preview, the week's pépites it takes, and the button that publishes it now.

mod gestion;
mod picks;
mod public;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/editions", get(public::list))
        .route("/editions/{number}", get(public::one))
        .route("/gestion/edition", get(gestion::edition_preview))
        .route("/gestion/edition/publier", post(gestion::publish_edition))
        .route("/gestion/edition/pepites", post(picks::save))
        .route(
            "/gestion/edition/offres/{id}/confirmer",
            post(gestion::confirm_now),
        )
        .route(
            "/gestion/edition/offres/{id}/prolonger",
            post(gestion::extend),
        )
}
