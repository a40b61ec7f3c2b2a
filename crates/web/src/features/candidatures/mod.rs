//! Applying online without an account: the form (with or without a CV), the confirmation,
//! the young person's private follow-up page (a short link, its QR code) and withdrawing.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;
use crate::services::uploads::MAX_CV_BYTES;

mod apply;
mod carpool;
mod follow;

pub fn router() -> Router<AppState> {
    Router::new()
        // A CV of 5 MB and the form around it; beyond, a French message rather than a bare 413.
        .route(
            "/offres/{id}/postuler",
            get(apply::form)
                .post(apply::apply)
                .layer(DefaultBodyLimit::max(MAX_CV_BYTES as usize + 256 * 1024)),
        )
        // The short link people keep (SMS, QR code), and the long one of older e-mails.
        .route(
            "/c/{code}",
            get(follow::follow_code).post(follow::withdraw_code),
        )
        .route("/c/{code}/qr.svg", get(follow::qr))
        .route("/c/{code}/covoiturage", post(carpool::post_code))
        .route(
            "/candidature/{token}/covoiturage",
            post(carpool::post_token),
        )
        .route(
            "/candidature/{token}",
            get(follow::follow_token).post(follow::withdraw_token),
        )
}
