//! A pépite's social card, public only while it may be relayed (published, every consent to
//! the networks and the press given): `/pepites/{id}/carte.png?format=carre|lien`. Anything
//! else is 404, and browsers and link previews ask again each time (`no-cache`, with the
//! ETag), so a withdrawn portrait's card stops being served at once.

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tremplin_print::card::Format;

use crate::services::relays;
use crate::{AppState, WebError};

#[derive(serde::Deserialize, Default)]
struct Params {
    format: Option<String>,
}

fn format(raw: Option<&str>) -> Result<Format, WebError> {
    let p: Params = serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| {
        WebError::BadRequest("Paramètres illisibles dans l'adresse : vérifiez le lien.".into())
    })?;
    match p.format.as_deref() {
        None => Ok(Format::Link),
        Some(f) => Format::parse(f).ok_or_else(|| {
            WebError::BadRequest("Format de carte inconnu : choisissez « carre » (1080 × 1080, pour Instagram et Facebook) ou « lien » (1200 × 630, pour l'aperçu d'un lien).".into())
        }),
    }
}

pub(super) async fn card(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let format = format(raw.as_deref())?;
    let p = state.store.pepite(id).await?.ok_or(WebError::NotFound)?;
    if !relays::pepites::relayable(&state, &p).await? {
        state.cards.forget_pepite(id);
        return Err(WebError::NotFound);
    }
    let (png, etag) = relays::pepites::png(&state, &p, format).await?;
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(png.as_ref().clone()));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
        r
    };
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(e) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, e);
    }
    Ok(response)
}
