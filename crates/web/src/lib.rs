//! Tremplin's web layer: one module a feature (`features/`), what their pages share (`shell`),
//! the application services with no HTTP in them (`services`), and the one scheduler (`jobs`).
//!
//! Each feature owns its routes; [`router`] merges them in one place.

mod clock;
mod error;
pub mod jobs;
pub mod services;
pub mod shell;
mod state;

/// One folder a feature: its router, handlers, forms and templates. A feature imports the
/// shell, the services, the state and the error types, never another feature; only this file
/// names them.
mod features {
    pub mod activites;
    pub mod alertes;
    pub mod api;
    pub mod atelier;
    pub mod budget;
    pub mod candidatures;
    pub mod comptes;
    pub mod connexion;
    pub mod covoiturage;
    pub mod editions;
    pub mod evenements;
    pub mod flux;
    pub mod gestion_candidatures;
    pub mod imports;
    pub mod jetons;
    pub mod jeunes;
    pub mod journal;
    pub mod metiers;
    pub mod offres;
    pub mod offres_gestion;
    pub mod pepites;
    pub mod personnes;
    pub mod promos;
    pub mod regles;
    pub mod relais;
    pub mod reponses;
    pub mod reseau;
    pub mod sante;
    pub mod simulateur;
    pub mod tableau_de_bord;
    pub mod territoire;
    pub mod utilisateurs;
    pub mod widget;
}

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
/// framed by other sites (but the widget: see [`shell::protect::Framing`]).
pub(crate) const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The whole application.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(features::offres::router())
        .merge(features::metiers::router())
        .merge(features::sante::router())
        .merge(features::api::router())
        .merge(shell::assets::router())
        .merge(features::connexion::router())
        .merge(features::tableau_de_bord::router())
        .merge(features::offres_gestion::router())
        .merge(features::editions::router())
        .merge(features::flux::router())
        .merge(features::relais::router())
        .merge(features::utilisateurs::router())
        .merge(features::territoire::router())
        .merge(features::journal::router())
        .merge(features::jetons::router())
        .merge(features::comptes::router())
        .merge(features::candidatures::router())
        .merge(features::alertes::router())
        .merge(features::reponses::router())
        .merge(features::gestion_candidatures::router())
        .merge(features::personnes::router())
        .merge(features::reseau::router())
        .merge(features::imports::router())
        .merge(features::widget::router())
        .merge(features::simulateur::router())
        .merge(features::budget::router())
        .merge(features::atelier::router())
        .merge(features::regles::router())
        .merge(features::jeunes::router())
        .merge(features::covoiturage::router())
        .merge(features::promos::router())
        .merge(features::evenements::router())
        .merge(features::activites::router())
        .merge(features::pepites::router())
        .fallback(shell::not_found)
        .with_state(state.clone())
        .layer(shell::panics::layer())
        .layer(axum::middleware::from_fn_with_state(state.clone(), shell::protect::protect))
        .layer(axum::middleware::from_fn_with_state(state, shell::rejections::in_french))
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
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
