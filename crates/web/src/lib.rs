//! Tremplin's web layer: the public catalogue pages, the JSON API, and the services they share
//! (search over the index, the indexer that follows the database).
//!
//! Each feature module owns its routes; [`router`] merges them in one place.

pub mod api;
mod assets;
pub mod auth;
mod candidatures;
pub mod catalogue;
mod charts;
mod clock;
mod comptes;
pub mod editions;
mod error;
mod gestion;
pub mod imports;
pub mod outbox;
mod pages;
mod partner_api;
mod reseau;
mod state;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::WebError;
pub use state::{AppState, Referentiels, WebConfig};

/// Content-Security-Policy of every page: no inline script, nothing from elsewhere, not
/// framed by other sites.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The whole application.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(assets::router())
        .merge(gestion::router())
        .merge(comptes::router())
        .merge(candidatures::router())
        .merge(reseau::router())
        .merge(editions::router())
        .merge(imports::router())
        .fallback(pages::not_found)
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            // The path only: query strings may carry what a young person typed.
            tracing::info_span!("requête", id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Serves until `shutdown` completes. The test seam: tests pass a listener on port 0.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
