//! Static assets, compiled into the binary: the binary is the whole product.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

const CSS: &str = include_str!("../../assets/style.css");
const JS: &str = include_str!("../../assets/app.js");
const WIDGET_CSS: &str = include_str!("../../assets/widget.css");
const WIDGET_FRAME_JS: &str = include_str!("../../assets/widget-cadre.js");
const WIDGET_HOST_JS: &str = include_str!("../../assets/widget.js");
const ICON: &str = include_str!("../../assets/icon.svg");

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/assets/style.css",
            get(|| serve("text/css; charset=utf-8", CSS)),
        )
        .route(
            "/assets/app.js",
            get(|| serve("text/javascript; charset=utf-8", JS)),
        )
        .route(
            "/assets/widget.css",
            get(|| serve("text/css; charset=utf-8", WIDGET_CSS)),
        )
        .route(
            "/assets/widget-cadre.js",
            get(|| serve("text/javascript; charset=utf-8", WIDGET_FRAME_JS)),
        )
        .route(
            "/assets/widget.js",
            get(|| serve("text/javascript; charset=utf-8", WIDGET_HOST_JS)),
        )
        .route("/assets/icon.svg", get(|| serve("image/svg+xml", ICON)))
        .route("/favicon.ico", get(|| serve("image/svg+xml", ICON)))
}

async fn serve(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    // Names carry a version parameter in pages, so a day of caching is safe.
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
}
