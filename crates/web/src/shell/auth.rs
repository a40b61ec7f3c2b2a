//! Back-office authentication: argon2id passwords, server-side sessions behind an HttpOnly
//! cookie, CSRF tokens on every state-changing form, and the `Staff` extractor that every
//! `/gestion` handler takes, so that no route forgets to check who is asking.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use tremplin_storage::{Role, User};

use crate::services::secrets::{random_token, token_hash};
use crate::{AppState, WebError};

pub const SESSION_COOKIE: &str = "tremplin_session";
pub const LOGIN_CSRF_COOKIE: &str = "tremplin_connexion";
/// How long the public forms' cookie lives after the last page that showed one: a day, so
/// that a form left open over lunch still goes.
pub const PUBLIC_CSRF_SECONDS: i64 = 24 * 3600;
/// A working day.
pub const SESSION_SECONDS: i64 = 12 * 3600;

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when the site is served over HTTPS.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> String {
    let secure = if state.config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Compares secrets without stopping at the first difference.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The token of a form shown before signing in (application, login, forgotten password) and
/// the `Set-Cookie` that goes with it (double submit). The cookie's value is kept from one
/// page to the next, only its lifetime renewed: a token written in each page and a cookie
/// replaced each time meant that opening a second form, in another tab, made the first one
/// fail. A forged cross-site POST still comes without the cookie (SameSite=Lax) and cannot
/// read it to copy it into the form.
pub fn public_csrf(state: &AppState, headers: &HeaderMap) -> (String, String) {
    let token = cookie(headers, LOGIN_CSRF_COOKIE)
        // Only a value this server could have made: it goes back into a header and a page.
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or_else(random_token);
    let set = set_cookie(state, LOGIN_CSRF_COOKIE, &token, PUBLIC_CSRF_SECONDS);
    (token, set)
}

/// Checks a form sent before signing in (login, forgotten password) against its cookie
/// (double submit); returns the token to put back in the page.
pub fn check_public_csrf(headers: &HeaderMap, submitted: &str) -> Result<String, WebError> {
    let expected = cookie(headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same(submitted, &expected) {
        return Err(WebError::CsrfMismatch);
    }
    Ok(expected)
}

/// The caller's address, for throttling and the audit log. Behind a reverse proxy that the
/// configuration trusts, the last address of `X-Forwarded-For` (the one the proxy itself saw);
/// otherwise the connection's peer.
pub fn client_ip(parts: &Parts, trust_proxy: bool) -> String {
    if trust_proxy {
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok())
            .last();
        if let Some(ip) = forwarded {
            return ip.to_owned();
        }
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "inconnue".to_owned(), |c| c.0.ip().to_string())
}

/// A signed-in member of staff: counselor, administrator or partner.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub csrf: String,
    pub ip: String,
}

impl Staff {
    pub fn is_conseiller(&self) -> bool {
        matches!(self.user.role, Role::Conseiller | Role::Admin)
    }

    /// Counselors and administrators only.
    pub fn require_conseiller(&self) -> Result<(), WebError> {
        if self.is_conseiller() {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    pub fn require_admin(&self) -> Result<(), WebError> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// Writes to the audit log what this person just did, from where.
    pub async fn log(&self, state: &AppState, action: &str, detail: &str) -> Result<(), WebError> {
        state
            .store
            .audit(
                state.clock.now(),
                Some(self.user.id),
                action,
                detail,
                Some(&self.ip),
            )
            .await?;
        Ok(())
    }

    /// Checks the CSRF token of a submitted form.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        if same(submitted, &self.csrf) {
            Ok(())
        } else {
            Err(WebError::CsrfMismatch)
        }
    }
}

/// Not signed in: back to the login page.
pub struct SignIn(String);

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        Redirect::to(&self.0).into_response()
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let back = format!(
            "/connexion?suite={}",
            serde_urlencoded::to_string([("", parts.uri.path())])
                .unwrap_or_default()
                .trim_start_matches('=')
        );
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(SignIn(back).into_response());
        };
        let now = state.clock.now().timestamp();
        match state.store.session(&token_hash(&token), now).await {
            Ok(Some(session)) => Ok(Staff {
                user: session.user,
                csrf: session.csrf,
                ip: client_ip(parts, state.config.trust_proxy),
            }),
            Ok(None) => Err(SignIn(back).into_response()),
            Err(e) => Err(WebError::from(e).into_response()),
        }
    }
}

/// The caller's address as an extractor (works without `ConnectInfo`, as in tests).
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts, state.config.trust_proxy)))
    }
}
