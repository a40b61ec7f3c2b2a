//! Liveness and readiness, for the reverse proxy and the load balancer.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
}

async fn readyz(State(state): State<AppState>) -> Response {
    let db = state.store.ping().await;
    if db.is_ok() && state.index_ready() {
        (StatusCode::OK, "prêt").into_response()
    } else {
        let why = if db.is_err() {
            "base de données injoignable"
        } else {
            "index en cours de chargement"
        };
        (StatusCode::SERVICE_UNAVAILABLE, why).into_response()
    }
}
