//! What every request and response goes through besides the page itself: private pages kept
//! out of every cache, HTTPS remembered by the browser, no page framed by another site but the
//! widget, and a body that stops arriving cut off rather than holding a connection.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body_util::BodyExt;
use tower_http::timeout::{TimeoutBody, TimeoutError};

use crate::AppState;

/// How long a request body may go without a byte before the request is answered 408.
///
/// The wait is between two pieces of the body, not for the whole of it: a 5 MB CV sent at
/// 20 kB/s from a weak mobile signal takes four minutes and keeps arriving, so it is never
/// cut; a body that stopped halfway is, after 20 s instead of holding the connection for as
/// long as the client likes. 20 s leaves room for a phone that loses the network for a
/// moment (a handover, a tunnel) and for TCP's retransmission delays.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(20);

/// Pages that show what only one person should see: the back office, signing in and the
/// account links, a young person's follow-up link, an employer's answer link, and the
/// application form (its answer carries the follow-up link), the alerts' links.
pub fn is_private(path: &str) -> bool {
    let under = |prefix: &str| {
        path == prefix
            || path
                .strip_prefix(prefix)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    [
        "/gestion",
        "/connexion",
        "/deconnexion",
        "/mot-de-passe-oublie",
        "/invitation",
        "/reinitialisation",
        "/candidature",
        "/c",
        "/reponse",
        "/alertes",
    ]
    .into_iter()
    .any(under)
        || (path.starts_with("/offres/") && path.ends_with("/postuler"))
}

/// The answer to a body that stopped arriving: a French page, and the connection closed
/// since the rest of the body will not be read.
fn stalled() -> Response {
    let mut response = crate::error::error_page(
        StatusCode::REQUEST_TIMEOUT,
        "Envoi interrompu",
        "L'envoi du formulaire s'est interrompu : la connexion est peut-être trop faible. Vérifiez votre réseau et envoyez-le de nouveau.".to_owned(),
    );
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Put in a response's extensions by a page made to live in other sites' frames (the
/// widget): the origins allowed to frame it, none meaning any site. Every other page refuses
/// to be framed.
#[derive(Debug, Clone)]
pub struct Framing(pub Vec<String>);

impl Framing {
    /// The page's Content-Security-Policy: the site's own, with framing opened to the origins
    /// (`'self'` always, so the back office can show a preview).
    fn policy(&self) -> String {
        let ancestors = if self.0.is_empty() {
            "*".to_owned()
        } else {
            std::iter::once("'self'")
                .chain(self.0.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        };
        crate::CSP.replace(
            "frame-ancestors 'none'",
            &format!("frame-ancestors {ancestors}"),
        )
    }
}

/// The middleware around the whole application.
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let private = is_private(request.uri().path());
    let timed_out = Arc::new(AtomicBool::new(false));
    let flag = timed_out.clone();
    let timeout = state.config.body_timeout;
    let request = request.map(|body| {
        // Whatever the handler makes of a failed read (a form "mal formé", a CV "trop
        // gros"), the flag says what really happened.
        Body::new(TimeoutBody::new(timeout, body).map_err(move |e| {
            if e.is::<TimeoutError>() {
                flag.store(true, Ordering::Relaxed);
            }
            e
        }))
    });
    let mut response = next.run(request).await;
    if timed_out.load(Ordering::Relaxed) {
        response = stalled();
    }
    let framing = response.extensions_mut().remove::<Framing>();
    let headers = response.headers_mut();
    match framing.and_then(|f| HeaderValue::from_str(&f.policy()).ok()) {
        Some(csp) => {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
        None => {
            headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        }
    }
    if private {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.public_url.starts_with("https://") {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::is_private;

    #[test]
    fn private_paths() {
        for p in [
            "/gestion",
            "/gestion/offres/3",
            "/connexion",
            "/invitation/abc",
            "/reinitialisation/abc",
            "/candidature/abc",
            "/c/abc",
            "/c/abc/qr.svg",
            "/reponse/abc/entretien",
            "/offres/12/postuler",
            "/alertes/desinscription/abc",
        ] {
            assert!(is_private(p), "{p}");
        }
        for p in [
            "/",
            "/offres",
            "/offres/12",
            "/gestionnaire",
            "/editions/3",
            "/api/v1/offers",
            "/cfa",
        ] {
            assert!(!is_private(p), "{p}");
        }
    }
}
