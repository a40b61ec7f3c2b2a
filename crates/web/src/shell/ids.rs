//! Ids in paths, typed: a handler receives a number, and a path whose id is not one (letters,
//! a sign, too many digits, bad UTF-8) is a page that does not exist — 404 in French, as a page
//! or, under the API, as JSON.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use crate::WebError;
use crate::error::ApiError;

/// The one id of a path such as `/gestion/offres/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Id(pub i64);

/// The two ids of a path such as `/gestion/activites/{id}/membres/{jeune}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ids(pub i64, pub i64);

/// The same for the JSON API: its 404 is `{"error": "…"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiId(pub i64);

/// A positive decimal number, digits only.
fn parse(raw: &str) -> Option<i64> {
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse().ok()
}

async fn id<S: Send + Sync>(parts: &mut Parts, state: &S) -> Option<i64> {
    let Path(raw) = Path::<String>::from_request_parts(parts, state)
        .await
        .ok()?;
    parse(&raw)
}

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        id(parts, state).await.map(Id).ok_or(WebError::NotFound)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, WebError> {
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::NotFound)?;
        match (parse(&a), parse(&b)) {
            (Some(a), Some(b)) => Ok(Ids(a, b)),
            _ => Err(WebError::NotFound),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        id(parts, state)
            .await
            .map(ApiId)
            .ok_or(ApiError(WebError::NotFound))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn only_plain_numbers_are_ids() {
        assert_eq!(parse("42"), Some(42));
        assert_eq!(parse("0042"), Some(42));
        for bad in [
            "",
            "-1",
            "+1",
            "4 2",
            "42a",
            "1e3",
            "99999999999999999999",
            "٤٢",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }
}
