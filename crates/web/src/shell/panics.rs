//! The last net: should a handler ever panic, the visitor gets the French error page (500)
//! and the connection stays up, instead of a dropped request. The cause goes to the log.

use std::any::Any;

use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;

use crate::WebError;

type Handler = fn(Box<dyn Any + Send + 'static>) -> Response;

pub fn layer() -> CatchPanicLayer<Handler> {
    CatchPanicLayer::custom(answer as Handler)
}

fn answer(cause: Box<dyn Any + Send + 'static>) -> Response {
    let cause = cause
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "panique".to_owned());
    WebError::Internal(format!("panique : {cause}")).into_response()
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    async fn boom() -> &'static str {
        panic!("boum")
    }

    #[tokio::test]
    async fn a_panic_is_a_french_error_page() {
        let app = Router::new().route("/", get(boom)).layer(super::layer());
        let r = app
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = http_body_util::BodyExt::collect(r.into_body())
            .await
            .unwrap()
            .to_bytes();
        let body = String::from_utf8_lossy(&body);
        assert!(
            body.contains("Une erreur est survenue de notre côté"),
            "{body}"
        );
        assert!(!body.contains("boum"));
    }
}
