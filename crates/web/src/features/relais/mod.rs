//! Relaying the catalogue on paper and on social networks: each offer's PNG cards (public,
//! for link previews and posts), the edition's card, the printable PDF catalogue of an
//! edition and an offer's A4 poster, and the counselors' social kit of an edition (one ZIP).
//! The drawing is `services::relays`'; here, parameters are checked and answers cached.

use axum::Router;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tremplin_domain::Offer;
use tremplin_print::card::Format;

use crate::services::catalogue;
use crate::services::relays::{self, kit, printed};
use crate::shell::Id;
use crate::shell::auth::Staff;
use crate::shell::dates::french_date;
use crate::{AppState, WebError};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/offres/{id}/carte.png", get(offer_card))
        .route("/offres/{id}/affiche.pdf", get(poster))
        .route("/editions/{number}/carte.png", get(edition_card))
        .route("/editions/{number}/catalogue.pdf", get(catalogue_pdf))
        .route("/gestion/edition/{number}/kit", get(kit_zip))
}

#[derive(serde::Deserialize, Default)]
struct Params {
    format: Option<String>,
    par: Option<String>,
}

fn params(raw: Option<&str>) -> Result<Params, WebError> {
    serde_urlencoded::from_str(raw.unwrap_or("")).map_err(|_| {
        WebError::BadRequest("Paramètres illisibles dans l'adresse : vérifiez le lien.".into())
    })
}

fn format(p: &Params) -> Result<Format, WebError> {
    match p.format.as_deref() {
        None => Ok(Format::Link),
        Some(f) => Format::parse(f).ok_or_else(|| {
            WebError::BadRequest("Format de carte inconnu : choisissez « carre » (1080 × 1080, pour Instagram et Facebook) ou « lien » (1200 × 630, pour l'aperçu d'un lien).".into())
        }),
    }
}

/// The offer as the offer page finds it: unknown or closed is a 404; another source's copy
/// of a listed offer sends to that offer's same file.
async fn public_offer(
    state: &AppState,
    id: i64,
    file: &str,
    raw: Option<&str>,
) -> Result<Result<Offer, Response>, WebError> {
    let offer = state
        .store
        .get_offer(id)
        .await?
        .filter(|o| o.status.is_public())
        .ok_or(WebError::NotFound)?;
    if let Some(primary) = offer.duplicate_of
        && state
            .store
            .get_offer(primary)
            .await?
            .is_some_and(|p| p.is_listed())
    {
        let query = raw.map(|q| format!("?{q}")).unwrap_or_default();
        return Ok(Err(Redirect::to(&format!(
            "/offres/{primary}/{file}{query}"
        ))
        .into_response()));
    }
    Ok(Ok(offer))
}

/// A file answer; with an ETag the browser already holds, 304 without the body.
fn file(
    headers: &HeaderMap,
    content_type: &'static str,
    bytes: Vec<u8>,
    etag: Option<&str>,
    disposition: Option<String>,
) -> Response {
    let mut response = if etag.is_some_and(|e| {
        headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == e))
    }) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(bytes));
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r
    };
    let h = response.headers_mut();
    // Public, shared by link previews: ten minutes, then asked again with the ETag.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=600"),
    );
    if let Some(e) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
        h.insert(header::ETAG, e);
    }
    if let Some(d) = disposition.and_then(|d| HeaderValue::from_str(&d).ok()) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    response
}

async fn offer_card(
    State(state): State<AppState>,
    Id(id): Id,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let format = format(&params(raw.as_deref())?)?;
    let offer = match public_offer(&state, id, "carte.png", raw.as_deref()).await? {
        Ok(o) => o,
        Err(redirect) => return Ok(redirect),
    };
    let o = catalogue::view(&state, &offer, None, false);
    let key = relays::offer_key(&state, &offer, &o, format);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(key.as_str())
    {
        return Ok(file(&headers, "image/png", Vec::new(), Some(&key), None));
    }
    let (png, key) = relays::offer_png(&state, &offer, format).await?;
    Ok(file(
        &headers,
        "image/png",
        png.as_ref().clone(),
        Some(&key),
        None,
    ))
}

async fn poster(
    State(state): State<AppState>,
    Id(id): Id,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let offer = match public_offer(&state, id, "affiche.pdf", raw.as_deref()).await? {
        Ok(o) => o,
        Err(redirect) => return Ok(redirect),
    };
    let pdf = printed::poster_pdf(&state, &offer).await?;
    let name = format!("inline; filename=\"affiche-offre-{}.pdf\"", offer.id);
    Ok(file(&headers, "application/pdf", pdf, None, Some(name)))
}

async fn edition(state: &AppState, number: i64) -> Result<tremplin_storage::Edition, WebError> {
    state.store.edition(number).await?.ok_or(WebError::NotFound)
}

async fn edition_card(
    State(state): State<AppState>,
    Id(number): Id,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let format = format(&params(raw.as_deref())?)?;
    let e = edition(&state, number).await?;
    let key = relays::edition_key(&state, number, format);
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(key.as_str())
    {
        return Ok(file(&headers, "image/png", Vec::new(), Some(&key), None));
    }
    let views: Vec<_> = relays::new_offers(&state, &e)
        .await?
        .iter()
        .map(|o| catalogue::view(&state, o, None, false))
        .collect();
    let card = relays::edition_card(&state, number, &french_date(e.published_at), &views);
    let png = relays::render(card, format).await?;
    Ok(file(&headers, "image/png", png, Some(&key), None))
}

async fn catalogue_pdf(
    State(state): State<AppState>,
    Id(number): Id,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let p = params(raw.as_deref())?;
    let by = match p.par.as_deref() {
        None => printed::Grouping::Metier,
        Some(v) => printed::Grouping::parse(v).ok_or_else(|| {
            WebError::BadRequest("Classement inconnu : choisissez « metier » (par métier) ou « commune » (par commune).".into())
        })?,
    };
    let e = edition(&state, number).await?;
    let pdf = printed::catalogue_pdf(&state, &e, &french_date(e.published_at), by).await?;
    let name = format!("inline; filename=\"catalogue-edition-{number}.pdf\"");
    Ok(file(&headers, "application/pdf", pdf, None, Some(name)))
}

async fn kit_zip(
    State(state): State<AppState>,
    staff: Staff,
    Id(number): Id,
) -> Result<Response, WebError> {
    staff.require_conseiller()?;
    let e = edition(&state, number).await?;
    let zip = kit::kit(&state, &e, &french_date(e.published_at)).await?;
    let mut r = Response::new(Body::from(zip));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(d) = HeaderValue::from_str(&format!(
        "attachment; filename=\"kit-edition-{number}.zip\""
    )) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    Ok(r)
}
